"""The ledger: every file seen, every published meeting and every deadline, in SQLite (WAL) under the root.

Deadline statuses are worked out again from the facts (meetings, copies sent, visits) each time a fact
changes for a case, so publishing the same manifest twice, or facts arriving out of order, give the
same answer. Statuses: ``open`` (still to do), ``met`` (done; ``late`` says whether after the date),
``closed`` (a closure meeting ended the case before it was done) and ``retired`` (replaced: by an
amended form, or by the visits a later meeting set). Opening the file, transactions and migrations
are ``connection``'s; this module holds the facts' SQL and the questions asked of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from docgen.errors import LedgerError
from docgen.ledger.connection import LEDGER_PATH, LedgerConnection
from docgen.ledger.deadline_rows import reconcile
from docgen.ledger.from_files import set_sent_dates, store_visit
from docgen.ledger.meetings import keep_record, published_fact, store_file, store_meeting
from docgen.ledger.migrations import MIGRATIONS
from docgen.ledger.models import DeadlineKind, DeadlineStatus, DueItem, MeetingRow, SeenFile, Visit, meeting_details
from docgen.manifest import Manifest
from docgen.record import as_date

__all__ = [
    "LEDGER_PATH",
    "MIGRATIONS",
    "DeadlineKind",
    "DeadlineStatus",
    "DueItem",
    "Ledger",
    "LedgerError",
    "MeetingRow",
    "SeenFile",
    "Visit",
]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Ledger(LedgerConnection):
    """One connection to a root's ledger; each process opens its own."""

    # -- files -------------------------------------------------------------------------------------

    def file_seen(self, sha256: str) -> SeenFile | None:
        """What happened to a file with this content before, or None."""
        row = self._db.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return SeenFile.from_row(row) if row is not None else None

    def published_since(self, name: str, since: dt.datetime) -> SeenFile | None:
        """The latest file of this name published at or after ``since`` (a corrected copy of a rejected form), or None."""
        rows = self._db.execute("SELECT * FROM files WHERE name = ? AND outcome = 'published' ORDER BY at DESC", (name,)).fetchall()
        for row in rows:
            seen = SeenFile.from_row(row)
            with contextlib.suppress(ValueError):
                if dt.datetime.fromisoformat(seen.at) >= since.replace(microsecond=0):
                    return seen
        return None

    def record_file(self, *, sha256: str, name: str, outcome: str, where: str | None, detail: str | None = None) -> None:
        """Remembers a file's content and outcome; a duplicate drop never overwrites the original's entry."""
        with self.transaction() as db:
            store_file(db, sha256=sha256, name=name, outcome=outcome, where=where, detail=detail)

    # -- meetings ----------------------------------------------------------------------------------

    def meeting_for(self, case_reference: str, meeting_date: str, meeting_type: str) -> MeetingRow | None:
        """The current published version of a case's meeting on a date, or None."""
        row = self._db.execute(
            "SELECT * FROM meetings WHERE case_reference = ? AND meeting_date = ? AND meeting_type = ? AND superseded_by IS NULL",
            (case_reference, str(meeting_date), meeting_type),
        ).fetchone()
        return MeetingRow.from_row(row) if row else None

    def meeting_by_folder(self, case_reference: str, folder: str) -> MeetingRow | None:
        """The current meeting published to ``outbox/<case>/<folder>``, or None."""
        row = self._db.execute(
            "SELECT * FROM meetings WHERE case_reference = ? AND folder = ? AND superseded_by IS NULL", (case_reference, folder)
        ).fetchone()
        return MeetingRow.from_row(row) if row else None

    def meetings(self, case_reference: str | None = None) -> list[MeetingRow]:
        """Current (not superseded) meetings, by case and date."""
        sql = "SELECT * FROM meetings WHERE superseded_by IS NULL"
        args: tuple[str, ...] = ()
        if case_reference:
            sql, args = sql + " AND case_reference = ?", (case_reference,)
        return [MeetingRow.from_row(r) for r in self._db.execute(sql + " ORDER BY case_reference, meeting_date, id", args)]

    def publish_meeting(self, manifest: Manifest, *, record: dict[str, Any] | None = None, published_at: str | None = None) -> None:
        """Stores a published meeting and its deadlines, and updates what it meets, closes or replaces.

        ``record`` (the canonical record) adds the key worker, chair and referral date where the manifest
        lacks them; ``published_at`` defaults to the manifest's ``generated_at``. Safe to call again with
        the same manifest. A meeting new to the ledger is noted in the root's journal of facts, so that a
        ledger restored from an older backup learns of it.
        """
        with self.recording() as (db, journal):
            if store_meeting(db, manifest, record, published_at, self.profiles) and journal is not None:
                journal.append(("published", published_fact(manifest, record)))

    def meetings_without_details(self) -> list[MeetingRow]:
        """Current meetings whose key worker, chair and referral date were never looked up in the source form."""
        rows = self._db.execute("SELECT * FROM meetings WHERE superseded_by IS NULL AND details_checked = 0 ORDER BY id")
        return [MeetingRow.from_row(r) for r in rows]

    def meeting_record(self, meeting_id: int) -> dict[str, Any] | None:
        """The canonical record a meeting was published from, or None where the ledger never had it."""
        row = self._db.execute("SELECT record FROM meeting_records WHERE meeting_id = ?", (meeting_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def keep_meeting_record(self, meeting_id: int, record: dict[str, Any]) -> None:
        """Keeps a meeting's canonical record (read later from its source form), unless the ledger already has one."""
        with self.transaction() as db:
            keep_record(db, meeting_id, record)

    def set_meeting_details(self, meeting_id: int, record: dict[str, Any] | None) -> None:
        """Fills in a meeting's key worker, chair, referral date, visit frequency, plan start and record from its source form (None: it could not be read)."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
            if record:
                details = meeting_details({}, record)
                db.execute(
                    "UPDATE meetings SET key_worker = coalesce(key_worker, ?), chair_role = coalesce(chair_role, ?), "
                    "referral_date = coalesce(referral_date, ?), visit_frequency_days = coalesce(visit_frequency_days, ?), "
                    "plan_start_date = coalesce(plan_start_date, ?) WHERE id = ?",
                    (*details.values(), meeting_id),
                )
                keep_record(db, meeting_id, record)
            db.execute("UPDATE meetings SET details_checked = 1 WHERE id = ?", (meeting_id,))
            reconcile(db, row["case_reference"], self.profiles)

    # -- copies and visits -------------------------------------------------------------------------

    def copies(self, meeting_id: int) -> list[dict[str, Any]]:
        """A meeting's copies: recipient, document, child, due date and sent date."""
        rows = self._db.execute(
            "SELECT c.*, d.due_date FROM copies c JOIN deadlines d ON d.id = c.deadline_id WHERE c.meeting_id = ? ORDER BY c.id",
            (meeting_id,),
        )
        return [dict(r) for r in rows]

    def mark_copies_sent(self, meeting_id: int, sent: Sequence[tuple[str, str | None, dt.date | None, str | None]]) -> int:
        """Records sent dates: ``(recipient, document or None for all, sent date or None to clear, sent by)``; returns rows changed."""
        rows = [(recipient, document, day.isoformat() if day else None, by) for recipient, document, day, by in sent]
        with self.recording() as (db, journal):
            return set_sent_dates(db, journal, meeting_id, rows, self.profiles)

    def record_visits(self, visits: Sequence[Visit], *, source: str | None = None) -> int:
        """Stores visits (a repeat of the same child and date updates "seen alone"); returns how many were new."""
        added = 0
        with self.recording() as (db, journal):
            for visit in visits:
                added += store_visit(
                    db,
                    journal,
                    case_reference=visit.case_reference,
                    child=visit.child,
                    visit_date=visit.visit_date.isoformat(),
                    seen_alone=visit.seen_alone,
                    source=source,
                    at=_now(),
                )
            for case in sorted({v.case_reference for v in visits}):
                reconcile(db, case, self.profiles)
        return added

    def visits(self, case_reference: str | None = None) -> list[Visit]:
        """Recorded visits, by case, date and child."""
        if case_reference:
            rows = self._db.execute("SELECT * FROM visits WHERE case_reference = ? ORDER BY visit_date, child", (case_reference,))
        else:
            rows = self._db.execute("SELECT * FROM visits ORDER BY case_reference, visit_date, child")
        return [Visit.from_row(r) for r in rows]

    # -- workbooks read back from the outbox -------------------------------------------------------

    def workbook_state(self, path: str) -> tuple[str, int] | None:
        """The sha256 and mtime (ns) an outbox workbook had when last read, or None if never read."""
        row = self._db.execute("SELECT sha256, mtime_ns FROM workbooks WHERE path = ?", (path,)).fetchone()
        return (str(row["sha256"]), int(row["mtime_ns"])) if row else None

    def remember_workbook(self, path: str, sha256: str, mtime_ns: int) -> None:
        """Notes the state of an outbox workbook just read."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO workbooks (path, sha256, mtime_ns, read_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, mtime_ns = excluded.mtime_ns, read_at = excluded.read_at",
                (path, sha256, mtime_ns, _now()),
            )

    # -- questions ---------------------------------------------------------------------------------

    def due(
        self,
        as_of: dt.date,
        *,
        overdue_only: bool = False,
        within_days: int | None = None,
        case: str | None = None,
        key_worker: str | None = None,
        kind: str | None = None,
    ) -> list[DueItem]:
        """Every open deadline: overdue ones first (most late first), then upcoming by date."""
        # The key worker is the case's current one (from its latest meeting): a transferred case's old
        # deadlines are the new worker's to chase.
        sql = (
            "SELECT d.*, m.folder, (SELECT k.key_worker FROM meetings k WHERE k.case_reference = d.case_reference "
            "AND k.superseded_by IS NULL AND k.key_worker IS NOT NULL ORDER BY k.meeting_date DESC, k.id DESC LIMIT 1) AS current_key_worker "
            "FROM deadlines d JOIN meetings m ON m.id = d.meeting_id WHERE d.status = 'open' AND m.superseded_by IS NULL"
        )
        args: list[Any] = []
        if overdue_only:
            sql += " AND d.due_date < ?"
            args.append(as_of.isoformat())
        if within_days is not None:
            sql += " AND d.due_date <= ?"
            args.append((as_of + dt.timedelta(days=within_days)).isoformat())
        if case:
            sql += " AND d.case_reference = ?"
            args.append(case)
        if key_worker:
            sql += " AND lower(trim(current_key_worker)) = lower(trim(?))"
            args.append(key_worker)
        if kind:
            sql += " AND d.kind = ?"
            args.append(kind)
        items = []
        for row in self._db.execute(sql + " ORDER BY d.due_date, d.case_reference, d.kind, d.recipient, d.id", args):
            date = dt.date.fromisoformat(row["due_date"])
            late = (as_of - date).days
            items.append(
                DueItem(
                    case_reference=row["case_reference"],
                    kind=row["kind"],
                    date=date,
                    status="overdue" if late > 0 else "upcoming",
                    days_late=max(late, 0),
                    meeting=row["folder"],
                    section=row["section"],
                    description=row["description"],
                    key_worker=row["current_key_worker"],
                    child=row["child"],
                    recipient=row["recipient"],
                    document=row["document"],
                )
            )
        return sorted(items, key=lambda i: (i.status != "overdue", i.date))

    def deadlines(self, *, case: str | None = None, include_superseded: bool = False) -> list[dict[str, Any]]:
        """Every deadline row with its meeting's folder, type, date, policy and key worker (for reports and tests)."""
        sql = (
            "SELECT d.*, m.folder, m.meeting_type, m.meeting_date, m.policy, m.key_worker, m.published_at "
            "FROM deadlines d JOIN meetings m ON m.id = d.meeting_id WHERE 1 = 1"
        )
        args: list[Any] = []
        if not include_superseded:
            sql += " AND m.superseded_by IS NULL"
        if case:
            sql += " AND d.case_reference = ?"
            args.append(case)
        rows = [dict(r) for r in self._db.execute(sql + " ORDER BY d.case_reference, d.due_date, d.kind, d.recipient, d.id", args)]
        for row in rows:
            row["status"] = row.get("closed_as") or row["status"]  # closed as superseded reads as "superseded"
        return rows

    def meeting_manifest(self, meeting_id: int) -> dict[str, Any]:
        """The manifest a meeting was published with."""
        row = self._db.execute("SELECT manifest FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        result: dict[str, Any] = json.loads(row[0])
        return result

    def referral_date(self, case_reference: str) -> dt.date | None:
        """The case's referral date, as its latest meeting recorded it."""
        row = self._db.execute(
            "SELECT referral_date FROM meetings WHERE case_reference = ? AND referral_date IS NOT NULL ORDER BY meeting_date DESC LIMIT 1",
            (case_reference,),
        ).fetchone()
        return as_date(row[0]) if row else None

    def plan_start(self, case_reference: str) -> dt.date | None:
        """The day the case's plan started: the plan start its forms give, else its first meeting (the initial meeting)."""
        given = self._db.execute(
            "SELECT min(plan_start_date) FROM meetings WHERE case_reference = ? AND superseded_by IS NULL", (case_reference,)
        ).fetchone()
        first = self._db.execute(
            "SELECT min(meeting_date) FROM meetings WHERE case_reference = ? AND superseded_by IS NULL", (case_reference,)
        ).fetchone()
        return as_date((given and given[0]) or (first and first[0]))
