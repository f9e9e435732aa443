"""Sent dates read back from distribution lists: the outbox's ``distribution.xlsx`` and edited copies dropped in the inbox.

A row's "Sent date" meets that recipient's copies in the ledger; a blank cell records nothing. A
dropped copy names its meeting by defined names, else it is matched by its recipients, documents
and due dates; the outbox's lists are read again only when they changed since last time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import LedgerWorkbookError
from docgen.ledger.dates import parse_day
from docgen.ledger.store import Ledger, MeetingRow
from docgen.ledger.workbook_tables import IngestResult, WorkbookTable, archive_stamp, comparable, find_table, is_safe_zip, load_workbook
from docgen.root import OUTBOX_DIR, Layout
from docgen.typed_dates import sent_date_problem

__all__ = ["DISTRIBUTION_HEADERS", "SyncResult", "ingest_distribution", "sync_sent_dates"]

DISTRIBUTION_HEADERS = (
    "Recipient",
    "Role",
    "Relationship",
    "Agency",
    "Document",
    "Child",
    "Delivery",
    "Email",
    "Address",
    "Due date",
    "Sent date",
    "Sent by",
)


@dataclass
class SyncResult:
    """What reading the outbox's distribution lists changed."""

    workbooks_read: int = 0
    copies_changed: int = 0
    problems: list[str] = field(default_factory=list)


def _sent_rows(table: WorkbookTable) -> tuple[list[tuple[str, str, dt.date | None, str | None, dt.date | None]], list[str]]:
    """(recipient, document, sent date, sent by, due date) per row, and the rows whose sent date is not a date."""
    rows, problems = [], []
    for number, row in table.rows:
        recipient, document = table.get(row, "recipient"), table.get(row, "document")
        if not _named_row(table, row):
            continue
        raw = table.get(row, "sent date")
        sent = parse_day(raw)
        if raw is not None and sent is None:
            problems.append(f"{table.sheet}!row {number}: the sent date {raw!r} is not a date (use 05/01/2027)")
        sent_by = table.get(row, "sent by")
        rows.append((str(recipient), str(document), sent, str(sent_by) if sent_by else None, parse_day(table.get(row, "due date"))))
    return rows, problems


def _named(workbook: Any, *names: str) -> str | None:
    """The value of the first defined name found (a distribution list may carry its case and meeting folder)."""
    for name in names:
        try:
            defined = workbook.defined_names.get(name)
        except (AttributeError, KeyError):
            defined = None
        if defined is None:
            continue
        for sheet_title, ref in defined.destinations:
            if sheet_title in workbook.sheetnames:
                value = workbook[sheet_title][ref.replace("$", "").split(":")[0]].value
                if value is not None and str(value).strip():
                    return str(value).strip()
    return None


def _meeting_of(
    workbook: Any, rows: list[tuple[str, str, dt.date | None, str | None, dt.date | None]], ledger: Ledger
) -> MeetingRow | None:
    case = _named(workbook, "case.reference", "case_reference")
    folder = _named(workbook, "meeting.folder", "meeting_folder")
    if case and folder:
        return ledger.meeting_by_folder(case, folder)
    date, kind = _named(workbook, "meeting.date"), _named(workbook, "meeting.type")
    if case and date and kind:
        return ledger.meeting_for(case, date, kind)
    # No names: the meeting whose copies are exactly these recipients and documents (and due dates, which tell
    # an initial meeting's list from a review's for the same family).
    wanted = {(comparable(r), comparable(d), due) for r, d, _, _, due in rows}
    found = []
    for meeting in ledger.meetings(case):
        have = {(comparable(c["recipient"]), comparable(c["document"]), parse_day(c["due_date"])) for c in ledger.copies(meeting.id)}
        have_loose = {(r, d, None) for r, d, _ in have}
        if wanted and wanted <= (have | have_loose):
            found.append(meeting)
    return found[0] if len(found) == 1 else None


def _apply_sent(ledger: Ledger, meeting: MeetingRow, rows: Iterable[tuple[str, str, dt.date | None, str | None, dt.date | None]]) -> int:
    # A blank cell means "not recorded here", never "not sent": the outbox list and a copy dropped into the
    # inbox may each hold only some of the dates, and neither may wipe out the other's.
    return ledger.mark_copies_sent(meeting.id, [(r, d, sent, by) for r, d, sent, by, _ in rows if sent is not None])


def _refused_dates(
    ledger: Ledger, table: WorkbookTable, meeting: MeetingRow, rows: list[tuple[str, str, dt.date | None, str | None, dt.date | None]]
) -> list[str]:
    """Each row whose sent date could not have happened (before the meeting, after today): the whole list is then refused."""
    held = dt.date.fromisoformat(meeting.meeting_date)
    # a date the ledger already holds (docgen send wrote it, or it was read before) is no new claim to judge
    known = {(comparable(c["recipient"]), comparable(c["document"]), c["sent_date"]) for c in ledger.copies(meeting.id)}
    found = []
    for number, (recipient, document, sent, _, _) in zip((n for n, row in table.rows if _named_row(table, row)), rows, strict=True):
        if sent is None or (comparable(recipient), comparable(document), sent.isoformat()) in known:
            continue
        problem = sent_date_problem(sent, held)
        if problem:
            found.append(f"{table.sheet}!row {number} ({recipient}, {document}): {problem}")
    return found


def _named_row(table: WorkbookTable, row: Any) -> bool:
    return bool(table.get(row, "recipient") and table.get(row, "document"))


def _sent_summary(ledger: Ledger, meeting: MeetingRow) -> str:
    copies = ledger.copies(meeting.id)
    sent = [c for c in copies if c["sent_date"]]
    late = [c for c in sent if c["sent_date"] > c["due_date"]]
    return f"{meeting.case_reference} {meeting.folder}: {len(sent)} of {len(copies)} copies recorded as sent" + (
        f", {len(late)} after the due date" if late else ""
    )


def ingest_distribution(path: Path, workbook: Any, table: WorkbookTable, ledger: Ledger) -> IngestResult:
    """Records the sent dates of a distribution list dropped in the inbox; raises ``LedgerWorkbookError`` if it matches no meeting."""
    rows, problems = _sent_rows(table)
    meeting = _meeting_of(workbook, rows, ledger)
    if meeting is None:
        raise LedgerWorkbookError(
            f"{path.name} looks like a distribution list, but it matches no published meeting: "
            "fill in the Sent date column of distribution.xlsx in the meeting's outbox folder instead, or check the recipients and documents were not changed."
        )
    refused = _refused_dates(ledger, table, meeting, rows)
    if refused:
        raise LedgerWorkbookError(
            f"{path.name}: nothing in it was recorded. " + "; ".join(refused) + " Correct the date and drop the list into the inbox again."
        )
    _apply_sent(ledger, meeting, rows)
    summary = _sent_summary(ledger, meeting) + "".join(f"; {p}" for p in problems)
    return IngestResult(summary, f"{OUTBOX_DIR}/{meeting.case_reference}/{meeting.folder}/sent-updates/{archive_stamp()}-{path.name}")


def sync_sent_dates(root: Path, ledger: Ledger) -> SyncResult:
    """Reads every ``outbox/<case>/<meeting>/distribution.xlsx`` changed since last time and records its sent dates."""
    result = SyncResult()
    outbox = Layout(Path(root)).outbox
    if not outbox.is_dir():
        return result
    for path in sorted(outbox.glob("*/*/distribution.xlsx")):
        case, folder = path.parent.parent.name, path.parent.name
        meeting = ledger.meeting_by_folder(case, folder)
        if meeting is None:
            continue  # not published through this ledger (or a superseded copy)
        try:
            relative = path.relative_to(root).as_posix()
            stat = path.stat()
            known = ledger.workbook_state(relative)
            if known and known[1] == stat.st_mtime_ns:
                continue  # not touched since last read: no need even to hash it
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            result.problems.append(f"{path.relative_to(root)} cannot be read: {exc.strerror}")
            continue
        if known and known[0] == sha:
            ledger.remember_workbook(relative, sha, stat.st_mtime_ns)  # touched (copied, opened and saved) but not changed
            continue
        if not is_safe_zip(path):
            result.problems.append(f"{relative} is not a workbook any more: save it as .xlsx")
            continue
        try:
            workbook = load_workbook(path)
        except Exception as exc:  # a half-saved or locked file: try again next time
            result.problems.append(f"{relative} cannot be opened ({type(exc).__name__}): it is read again next time")
            continue
        try:
            table = find_table(workbook, "distribution")
        finally:
            workbook.close()
        if table is None:
            result.problems.append(f"{relative} has no Recipient / Document / Sent date header row: restore it")
            continue
        rows, problems = _sent_rows(table)
        result.problems += [f"{relative}: {p}" for p in problems]
        refused = _refused_dates(ledger, table, meeting, rows)
        if refused:  # nothing of it is recorded, and it is read (and named) again until the date is corrected
            result.problems += [f"{relative}: nothing in it was recorded. {p}" for p in refused]
            continue
        result.copies_changed += _apply_sent(ledger, meeting, rows)
        result.workbooks_read += 1
        ledger.remember_workbook(relative, sha, stat.st_mtime_ns)
    return result
