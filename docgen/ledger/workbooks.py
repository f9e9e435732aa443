"""Workbooks that come back to the ledger: distribution lists with sent dates, and visit logs.

Staff fill the "Sent date" column of ``distribution.xlsx`` in the outbox (``sync_sent_dates`` reads it
back), or drop the edited list into the inbox; they drop visit logs into the inbox. The service asks
``classify_workbook`` about every ``.xlsx`` before reading it as a form, and hands these to
``ingest_workbook``, then moves the file to the archive path it returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from docgen.errors import LedgerWorkbookError
from docgen.ledger.dates import parse_day
from docgen.ledger.store import Ledger, MeetingRow
from docgen.ledger.visit_log import VisitLogError, VisitRows, check_visit_rows, children_of_cases, receipt
from docgen.validation import timing

__all__ = [
    "DISTRIBUTION_HEADERS",
    "VISIT_LOG_HEADERS",
    "IngestResult",
    "LedgerWorkbookError",
    "SyncResult",
    "VisitLogError",
    "classify_workbook",
    "ingest_workbook",
    "sync_sent_dates",
    "write_visit_log",
]

WorkbookKind = Literal["distribution", "visit_log"]

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
VISIT_LOG_HEADERS = ("Case reference", "Child ID", "Visit date", "Seen alone", "Visited by", "Notes")

_MAX_UNZIPPED = 50 * 1024 * 1024  # a visit log or distribution list is a few kilobytes; more is not one of ours
_MAX_PARTS = 500


@dataclass(frozen=True)
class IngestResult:
    """What a dropped workbook changed, and where the service should archive it (relative to the root)."""

    summary: str
    archive_relpath: str


@dataclass
class SyncResult:
    """What reading the outbox's distribution lists changed."""

    workbooks_read: int = 0
    copies_changed: int = 0
    problems: list[str] = field(default_factory=list)


def _norm(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(value or "").lower()).strip()


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _safe_zip(path: Path) -> bool:
    """A real zip of a sane size (never hand a zip bomb to openpyxl)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            return len(parts) <= _MAX_PARTS and sum(p.file_size for p in parts) <= _MAX_UNZIPPED and "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _is_generated_form(path: Path) -> bool:
    """True when the workbook defines ``form_version``, as every form from ``docgen forms`` does: a form, not a ledger workbook.

    (A distribution list names its case and meeting too, so only ``form_version`` tells them apart.)
    """
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except Exception:  # unreadable here: classify_workbook's fuller look decides
        return False
    names = (element.get("name") or "" for element in root.iter(f"{_MAIN_NS}definedName"))
    return "form_version" in names


def _load(path: Path) -> Any:
    import openpyxl  # imported here: classifying a .docx never needs it

    return openpyxl.load_workbook(path, data_only=True)


_HEADER_ROWS = 5  # a title line or two may sit above a visit log's header


@dataclass
class _Table:
    """A sheet's rows under a recognised header: column name → index, data rows with their sheet row numbers."""

    sheet: str
    columns: dict[str, int]
    rows: list[tuple[int, tuple[Any, ...]]]

    def get(self, row: tuple[Any, ...], *names: str) -> Any:
        for name in names:
            index = self.columns.get(name)
            if index is not None and index < len(row):
                value = row[index]
                if value is not None and not (isinstance(value, str) and not value.strip()):
                    return value.strip() if isinstance(value, str) else value
        return None


def _find_table(workbook: Any, kind: WorkbookKind) -> _Table | None:
    for sheet in workbook.worksheets:
        for header_row in range(1, _HEADER_ROWS + 1):
            columns = _columns([c.value for c in sheet[header_row]] if sheet.max_row >= header_row else [])
            if _matches(columns, kind):
                rows = [
                    (number, tuple(values))
                    for number, values in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1)
                    if any(v is not None and str(v).strip() for v in values)
                ]
                return _Table(sheet.title, columns, rows)
    return None


def _columns(cells: Any) -> dict[str, int]:
    """A would-be header row's cells: each named column (normalised) → its index."""
    return {_norm(v): i for i, v in enumerate(cells) if _norm(v)}


def _matches(columns: dict[str, int], kind: WorkbookKind) -> bool:
    if kind == "distribution":
        return {"recipient", "document", "sent date"} <= set(columns)
    return {"case reference", "visit date"} <= set(columns) and bool({"child id", "child", "child name"} & set(columns))


def classify_workbook(path: Path) -> WorkbookKind | None:
    """``distribution`` for an edited distribution list, ``visit_log`` for a visit log, None for anything else.

    Reads only the first rows of each sheet (openpyxl's read-only mode), so a meeting form costs almost nothing here.
    """
    import openpyxl

    path = Path(path)
    if not _safe_zip(path) or _is_generated_form(path):
        return None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # anything openpyxl cannot open is for the form reader to report on
        return None
    try:
        headers = []
        for sheet in workbook.worksheets:
            for cells in sheet.iter_rows(min_row=1, max_row=_HEADER_ROWS, values_only=True):
                headers.append(_columns(cells))
        for kind in ("distribution", "visit_log"):
            if any(_matches(columns, kind) for columns in headers):
                return kind
        return None
    except Exception:  # a damaged sheet: the form reader reports on it
        return None
    finally:
        workbook.close()


def ingest_workbook(path: Path, ledger: Ledger, *, today: dt.date | None = None) -> IngestResult:
    """Applies a dropped distribution list or visit log to the ledger; raises ``LedgerWorkbookError`` saying what to fix.

    A visit log with any row to correct raises ``VisitLogError`` (its ``problems`` name each row) and records nothing;
    ``today`` (default: the day forms are checked on) is the last day a visit can have happened.
    """
    path = Path(path)
    kind = classify_workbook(path)
    if kind is None:
        raise LedgerWorkbookError(f"{path.name} is neither a distribution list nor a visit log: check its header row.")
    workbook = _load(path)
    try:
        table = _find_table(workbook, kind)
        assert table is not None  # classify found it
        if kind == "distribution":
            return _ingest_distribution(path, workbook, table, ledger)
        return _ingest_visits(path, table, ledger, today or timing.today())
    finally:
        workbook.close()


# -- distribution lists -----------------------------------------------------------------------------


def _sent_rows(table: _Table) -> tuple[list[tuple[str, str, dt.date | None, str | None, dt.date | None]], list[str]]:
    """(recipient, document, sent date, sent by, due date) per row, and the rows whose sent date is not a date."""
    rows, problems = [], []
    for number, row in table.rows:
        recipient, document = table.get(row, "recipient"), table.get(row, "document")
        if not recipient or not document:
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
    wanted = {(_norm(r), _norm(d), due) for r, d, _, _, due in rows}
    found = []
    for meeting in ledger.meetings(case):
        have = {(_norm(c["recipient"]), _norm(c["document"]), parse_day(c["due_date"])) for c in ledger.copies(meeting.id)}
        have_loose = {(r, d, None) for r, d, _ in have}
        if wanted and wanted <= (have | have_loose):
            found.append(meeting)
    return found[0] if len(found) == 1 else None


def _apply_sent(ledger: Ledger, meeting: MeetingRow, rows: Iterable[tuple[str, str, dt.date | None, str | None, dt.date | None]]) -> int:
    # A blank cell means "not recorded here", never "not sent": the outbox list and a copy dropped into the
    # inbox may each hold only some of the dates, and neither may wipe out the other's.
    return ledger.mark_copies_sent(meeting.id, [(r, d, sent, by) for r, d, sent, by, _ in rows if sent is not None])


def _sent_summary(ledger: Ledger, meeting: MeetingRow) -> str:
    copies = ledger.copies(meeting.id)
    sent = [c for c in copies if c["sent_date"]]
    late = [c for c in sent if c["sent_date"] > c["due_date"]]
    return f"{meeting.case_reference} {meeting.folder}: {len(sent)} of {len(copies)} copies recorded as sent" + (
        f", {len(late)} after the due date" if late else ""
    )


def _ingest_distribution(path: Path, workbook: Any, table: _Table, ledger: Ledger) -> IngestResult:
    rows, problems = _sent_rows(table)
    meeting = _meeting_of(workbook, rows, ledger)
    if meeting is None:
        raise LedgerWorkbookError(
            f"{path.name} looks like a distribution list, but it matches no published meeting: "
            "fill in the Sent date column of distribution.xlsx in the meeting's outbox folder instead, or check the recipients and documents were not changed."
        )
    _apply_sent(ledger, meeting, rows)
    summary = _sent_summary(ledger, meeting) + "".join(f"; {p}" for p in problems)
    return IngestResult(summary, f"outbox/{meeting.case_reference}/{meeting.folder}/sent-updates/{_stamp()}-{path.name}")


def sync_sent_dates(root: Path, ledger: Ledger) -> SyncResult:
    """Reads every ``outbox/<case>/<meeting>/distribution.xlsx`` changed since last time and records its sent dates."""
    result = SyncResult()
    outbox = Path(root) / "outbox"
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
        if not _safe_zip(path):
            result.problems.append(f"{relative} is not a workbook any more: save it as .xlsx")
            continue
        try:
            workbook = _load(path)
        except Exception as exc:  # a half-saved or locked file: try again next time
            result.problems.append(f"{relative} cannot be opened ({type(exc).__name__}): it is read again next time")
            continue
        try:
            table = _find_table(workbook, "distribution")
        finally:
            workbook.close()
        if table is None:
            result.problems.append(f"{relative} has no Recipient / Document / Sent date header row: restore it")
            continue
        rows, problems = _sent_rows(table)
        result.problems += [f"{relative}: {p}" for p in problems]
        result.copies_changed += _apply_sent(ledger, meeting, rows)
        result.workbooks_read += 1
        ledger.remember_workbook(relative, sha, stat.st_mtime_ns)
    return result


# -- visit logs -------------------------------------------------------------------------------------


def _ingest_visits(path: Path, table: _Table, ledger: Ledger, today: dt.date) -> IngestResult:
    rows = VisitRows(
        table.sheet,
        {**table.columns, "child": next(table.columns[c] for c in ("child id", "child", "child name") if c in table.columns)},
        [
            (
                number,
                {
                    "case reference": table.get(row, "case reference"),
                    "child": table.get(row, "child id", "child", "child name"),
                    "visit date": table.get(row, "visit date"),
                    "seen alone": table.get(row, "seen alone"),
                },
            )
            for number, row in table.rows
        ],
    )
    visits = check_visit_rows(path.name, rows, ledger, children_of_cases(ledger), today)
    added = ledger.record_visits(visits, source=path.name)
    cases = sorted({v.case_reference for v in visits})
    archive = f"outbox/{cases[0]}/visits" if len(cases) == 1 else "outbox/_visit-logs"
    return IngestResult(receipt(visits, added), f"{archive}/{_stamp()}-{path.name}")


def write_visit_log(path: Path, rows: Iterable[tuple[str, str, dt.date, bool | None]] = ()) -> Path:
    """A visit log workbook (sheet "Visits", an Excel table, Yes/No list for "Seen alone"), blank or with ``rows``."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table, TableStyleInfo

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Visits"
    sheet.append(list(VISIT_LOG_HEADERS))
    written = 0
    for case, child, day, alone in rows:
        sheet.append([case, child, day, None if alone is None else ("Yes" if alone else "No"), None, None])
        written += 1
    last = max(written + 1, 200)  # room for a term's visits
    for row in range(2, last + 1):
        sheet.cell(row, 3).number_format = "DD/MM/YYYY"
    yes_no = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    sheet.add_data_validation(yes_no)
    yes_no.add(f"D2:D{last}")
    table = Table(displayName="Visits", ref=f"A1:F{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    for column, width in zip("ABCDEF", (18, 12, 12, 11, 20, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    path = Path(path)
    workbook.save(path)
    return path
