"""The ledger: every file seen, every published meeting and every deadline, in SQLite (WAL) under the root.

Deadline statuses are worked out again from the facts (meetings, copies sent, visits) each time a fact
changes for a case, so publishing the same manifest twice, or facts arriving out of order, give the
same answer. Statuses: ``open`` (still to do), ``met`` (done; ``late`` says whether after the date),
``closed`` (a closure meeting ended the case before it was done) and ``retired`` (replaced: by an
amended form, or by the visits a later meeting set).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, LedgerError
from docgen.profiles import load_profile
from docgen.record import as_date
from docgen.workdays import add_months

__all__ = ["LEDGER_PATH", "DueItem", "Ledger", "LedgerError", "MeetingRow", "SeenFile", "Visit"]

LEDGER_PATH = Path(".docgen") / "ledger.sqlite3"

# Each entry upgrades the schema by one version; PRAGMA user_version says how many have run.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('published', 'rejected', 'duplicate', 'ledger_update')),
        "where" TEXT,
        detail TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        case_reference TEXT NOT NULL,
        meeting_date TEXT NOT NULL,
        meeting_type TEXT NOT NULL,
        policy TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        folder TEXT NOT NULL,
        key_worker TEXT,
        chair_role TEXT,
        referral_date TEXT,
        published_at TEXT NOT NULL,
        superseded_by INTEGER REFERENCES meetings (id),
        manifest TEXT NOT NULL,
        UNIQUE (case_reference, meeting_date, meeting_type, sha256)
    );
    CREATE INDEX meetings_case ON meetings (case_reference, meeting_date);
    CREATE TABLE deadlines (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        case_reference TEXT NOT NULL,
        kind TEXT NOT NULL,
        due_date TEXT NOT NULL,
        child TEXT,
        recipient TEXT,
        document TEXT,
        section TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'met', 'closed', 'retired')),
        met_at TEXT,
        met_by TEXT,
        late INTEGER NOT NULL DEFAULT 0,
        generated INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX deadlines_case ON deadlines (case_reference);
    CREATE INDEX deadlines_open ON deadlines (status, due_date);
    CREATE TABLE copies (
        id INTEGER PRIMARY KEY,
        deadline_id INTEGER NOT NULL REFERENCES deadlines (id),
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        recipient TEXT NOT NULL,
        role TEXT,
        document TEXT NOT NULL,
        child TEXT,
        delivery TEXT,
        sent_date TEXT,
        sent_by TEXT,
        UNIQUE (meeting_id, recipient, document)
    );
    CREATE TABLE visits (
        id INTEGER PRIMARY KEY,
        case_reference TEXT NOT NULL,
        child TEXT NOT NULL,
        visit_date TEXT NOT NULL,
        seen_alone INTEGER,
        source TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (case_reference, child, visit_date)
    );
    CREATE TABLE workbooks (
        path TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        mtime_ns INTEGER NOT NULL,
        read_at TEXT NOT NULL
    );
    """,
    # 2: whether a meeting's key worker, chair and referral date were looked up in its source form
    "ALTER TABLE meetings ADD COLUMN details_checked INTEGER NOT NULL DEFAULT 0",
)


@dataclass(frozen=True)
class SeenFile:
    """A file the service has handled before, and what came of it."""

    sha256: str
    name: str
    outcome: str  # published, rejected, duplicate, ledger_update
    where: str | None  # what it produced, relative to the root
    at: str
    detail: str | None = None


@dataclass(frozen=True)
class MeetingRow:
    """A published meeting (the current version of its case, date and type)."""

    id: int
    case_reference: str
    meeting_date: str
    meeting_type: str
    policy: str
    sha256: str
    folder: str
    key_worker: str | None
    published_at: str
    superseded_by: int | None


@dataclass(frozen=True)
class Visit:
    """One statutory visit: the child seen, on which date, and whether alone (None: not recorded)."""

    case_reference: str
    child: str
    visit_date: dt.date
    seen_alone: bool | None = None


@dataclass(frozen=True)
class DueItem:
    """An open deadline as ``docgen due`` shows it."""

    case_reference: str
    kind: str
    date: dt.date
    status: str  # overdue or upcoming
    days_late: int
    meeting: str
    section: str
    description: str
    key_worker: str | None = None
    child: str | None = None
    recipient: str | None = None
    document: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The object ``docgen due --json`` prints; ``child`` and ``recipient`` only where they apply."""
        out: dict[str, Any] = {
            "case_reference": self.case_reference,
            "kind": self.kind,
            "date": self.date.isoformat(),
            "status": self.status,
            "days_late": self.days_late,
            "meeting": self.meeting,
            "section": self.section,
            "description": self.description,
            "key_worker": self.key_worker,
        }
        for key in ("child", "recipient", "document"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _key_worker(manifest: dict[str, Any], record: dict[str, Any] | None) -> str | None:
    """The key worker's name from the record, or from the manifest's ``key_worker`` (text or object)."""
    for source in (record or {}, manifest):
        value = source.get("key_worker")
        if isinstance(value, dict):
            value = value.get("name")
        if _text(value):
            return _text(value)
    return None


class Ledger:
    """One connection to a root's ledger; each process opens its own."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, root: Path, *, create: bool = True) -> Ledger:
        """The ledger at ``root/.docgen/ledger.sqlite3``, created or migrated to the current schema."""
        path = Path(root) / LEDGER_PATH
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.is_file():
            raise LedgerError(f"There is no ledger at {path}: run docgen on this root first.")
        try:
            db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA busy_timeout = 30000")  # another worker may hold the write lock for a moment
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")  # readers never block the service's writes
            db.execute("PRAGMA synchronous = NORMAL")
            ledger = cls(db, path)
            ledger._migrate()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(
                f"The ledger {path} cannot be opened ({exc}): check that this account may write to {path.parent}, "
                "or restore the file from the backup."
            ) from exc
        return ledger

    @classmethod
    def in_memory(cls) -> Ledger:
        """An empty ledger that is never saved (a report for a root where nothing was published)."""
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        ledger = cls(db, Path(":memory:"))
        ledger._migrate()
        return ledger

    def close(self) -> None:
        """Closes the connection."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so two processes never deadlock."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise LedgerError(f"The ledger {self.path} was written by a newer docgen (schema {version}): upgrade docgen.")
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    def schema_version(self) -> int:
        """The schema version of the open ledger."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- files -------------------------------------------------------------------------------------

    def file_seen(self, sha256: str) -> SeenFile | None:
        """What happened to a file with this content before, or None."""
        row = self._db.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return None
        return SeenFile(
            sha256=row["sha256"], name=row["name"], outcome=row["outcome"], where=row["where"], at=row["at"], detail=row["detail"]
        )

    def record_file(self, *, sha256: str, name: str, outcome: str, where: str | None, detail: str | None = None) -> None:
        """Remembers a file's content and outcome; a duplicate drop never overwrites the original's entry."""
        with self.transaction() as db:
            if outcome == "duplicate" and db.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone():
                return
            db.execute(
                'INSERT INTO files (sha256, name, outcome, "where", detail, at) VALUES (?, ?, ?, ?, ?, ?) '
                'ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, outcome = excluded.outcome, "where" = excluded."where", '
                "detail = excluded.detail, at = excluded.at",
                (sha256, name, outcome, where, detail, _now()),
            )

    # -- meetings ----------------------------------------------------------------------------------

    def meeting_for(self, case_reference: str, meeting_date: str, meeting_type: str) -> MeetingRow | None:
        """The current published version of a case's meeting on a date, or None."""
        row = self._db.execute(
            "SELECT * FROM meetings WHERE case_reference = ? AND meeting_date = ? AND meeting_type = ? AND superseded_by IS NULL",
            (case_reference, str(meeting_date), meeting_type),
        ).fetchone()
        return _meeting(row) if row else None

    def meeting_by_folder(self, case_reference: str, folder: str) -> MeetingRow | None:
        """The current meeting published to ``outbox/<case>/<folder>``, or None."""
        row = self._db.execute(
            "SELECT * FROM meetings WHERE case_reference = ? AND folder = ? AND superseded_by IS NULL", (case_reference, folder)
        ).fetchone()
        return _meeting(row) if row else None

    def meetings(self, case_reference: str | None = None) -> list[MeetingRow]:
        """Current (not superseded) meetings, by case and date."""
        sql = "SELECT * FROM meetings WHERE superseded_by IS NULL"
        args: tuple[str, ...] = ()
        if case_reference:
            sql, args = sql + " AND case_reference = ?", (case_reference,)
        return [_meeting(r) for r in self._db.execute(sql + " ORDER BY case_reference, meeting_date, id", args)]

    def publish_meeting(self, manifest: dict[str, Any], *, record: dict[str, Any] | None = None, published_at: str | None = None) -> None:
        """Stores a published meeting and its deadlines, and updates what it meets, closes or replaces.

        ``record`` (the canonical record) adds the key worker, chair and referral date where the manifest
        lacks them; ``published_at`` defaults to the manifest's ``generated_at``. Safe to call again with
        the same manifest.
        """
        case = str(manifest["case_reference"])
        meeting = manifest["meeting"]
        date, kind = str(meeting["date"]), str(meeting["type"])
        sha = str(manifest["source"]["sha256"])
        folder = str(meeting.get("folder") or f"{date}-{kind}")
        at = published_at or _text(manifest.get("generated_at")) or _now()
        chair = (record or {}).get("meeting", {}).get("chair_role") or meeting.get("chair_role")
        referral = (record or {}).get("case", {}).get("referral_date") or (manifest.get("case") or {}).get("referral_date")
        with self.transaction() as db:
            same = db.execute(
                "SELECT id, superseded_by FROM meetings WHERE case_reference = ? AND meeting_date = ? AND meeting_type = ? AND sha256 = ?",
                (case, date, kind, sha),
            ).fetchone()
            if same is not None:
                meeting_id = int(same["id"])
                if same["superseded_by"] is None:
                    return  # already stored: a retry after a crash
            else:
                meeting_id = int(
                    db.execute(
                        "INSERT INTO meetings (case_reference, meeting_date, meeting_type, policy, sha256, folder, key_worker, chair_role, "
                        "referral_date, published_at, manifest, details_checked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            case,
                            date,
                            kind,
                            str(manifest.get("policy") or "standard"),
                            sha,
                            folder,
                            _key_worker(manifest, record),
                            chair,
                            referral,
                            at,
                            json.dumps(manifest, sort_keys=True),
                            int(record is not None),
                        ),
                    ).lastrowid
                    or 0
                )
                self._store_deadlines(db, meeting_id, case, manifest)
            # This version is now current; earlier versions of the same meeting are amended by it.
            db.execute("UPDATE meetings SET superseded_by = NULL WHERE id = ?", (meeting_id,))
            db.execute(
                "UPDATE meetings SET superseded_by = ? WHERE case_reference = ? AND meeting_date = ? AND meeting_type = ? AND id != ?",
                (meeting_id, case, date, kind, meeting_id),
            )
            _reconcile(db, case)

    def _store_deadlines(self, db: sqlite3.Connection, meeting_id: int, case: str, manifest: dict[str, Any]) -> None:
        distribution = [row for row in manifest.get("distribution") or [] if _text(row.get("recipient"))]
        meeting = manifest["meeting"]
        for item in manifest.get("deadlines") or []:
            if item["kind"] == "copies_due" and distribution:
                continue  # one copies_due per recipient instead, below
            if (
                item["kind"] in _CASE_LEVEL
                and db.execute(
                    "SELECT 1 FROM deadlines d JOIN meetings m ON m.id = d.meeting_id WHERE d.case_reference = ? AND d.kind = ? "
                    "AND d.due_date = ? AND m.superseded_by IS NULL AND NOT (m.meeting_date = ? AND m.meeting_type = ?)",
                    (case, item["kind"], str(item["date"]), str(meeting["date"]), str(meeting["type"])),
                ).fetchone()
            ):
                continue  # every review past the 6 month point repeats it: the case needs one Principal Manager review
            _insert_deadline(db, meeting_id, case, item)
        copies_due: dict[str, Any] = next((d for d in manifest.get("deadlines") or [] if d["kind"] == "copies_due"), {})
        by_recipient: dict[str, list[dict[str, Any]]] = {}
        for row in distribution:
            by_recipient.setdefault(str(row["recipient"]).strip(), []).append(row)
        for recipient, rows in by_recipient.items():
            dates = [str(d) for d in (r.get("due") or copies_due.get("date") for r in rows) if d]
            if not dates:
                continue  # a list without due dates sets no copies deadline
            due = min(dates)
            documents = ", ".join(dict.fromkeys(str(r.get("document") or "") for r in rows))
            # a child's own copies name the child (``docgen due`` shows ``child`` where it applies)
            own = {str(r["child"]) for r in rows if r.get("role") == "child" and r.get("child")}
            deadline_id = _insert_deadline(
                db,
                meeting_id,
                case,
                {
                    "kind": "copies_due",
                    "date": due,
                    "section": copies_due.get("section", ""),
                    "description": f"Copies sent to {recipient} ({documents})",
                    "recipient": recipient,
                    "document": documents,
                    "child": own.pop() if len(own) == 1 else None,
                },
            )
            for row in rows:
                db.execute(
                    "INSERT OR IGNORE INTO copies (deadline_id, meeting_id, recipient, role, document, child, delivery) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        deadline_id,
                        meeting_id,
                        recipient,
                        row.get("role"),
                        str(row.get("document") or ""),
                        row.get("child"),
                        row.get("delivery"),
                    ),
                )

    def meetings_without_details(self) -> list[MeetingRow]:
        """Current meetings whose key worker, chair and referral date were never looked up in the source form."""
        rows = self._db.execute("SELECT * FROM meetings WHERE superseded_by IS NULL AND details_checked = 0 ORDER BY id")
        return [_meeting(r) for r in rows]

    def set_meeting_details(self, meeting_id: int, record: dict[str, Any] | None) -> None:
        """Fills in a meeting's key worker, chair and referral date from its record (None: the source could not be read)."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
            if record:
                db.execute(
                    "UPDATE meetings SET key_worker = coalesce(key_worker, ?), chair_role = coalesce(chair_role, ?), "
                    "referral_date = coalesce(referral_date, ?) WHERE id = ?",
                    (
                        _key_worker({}, record),
                        (record.get("meeting") or {}).get("chair_role"),
                        (record.get("case") or {}).get("referral_date"),
                        meeting_id,
                    ),
                )
            db.execute("UPDATE meetings SET details_checked = 1 WHERE id = ?", (meeting_id,))
            _reconcile(db, row["case_reference"])

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
        changed = 0
        with self.transaction() as db:
            for recipient, document, sent_date, sent_by in sent:
                sql = "UPDATE copies SET sent_date = ?, sent_by = ? WHERE meeting_id = ? AND lower(trim(recipient)) = lower(trim(?))"
                args: list[Any] = [sent_date.isoformat() if sent_date else None, sent_by, meeting_id, recipient]
                if document:
                    sql += " AND document = ?"
                    args.append(document)
                sql += " AND (sent_date IS NOT ? OR sent_by IS NOT ?)"
                args += [args[0], sent_by]
                changed += db.execute(sql, args).rowcount
            case = db.execute("SELECT case_reference FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
            if case and changed:
                _reconcile(db, case[0])
        return changed

    def record_visits(self, visits: Sequence[Visit], *, source: str | None = None) -> int:
        """Stores visits (a repeat of the same child and date updates "seen alone"); returns how many were new."""
        added = 0
        with self.transaction() as db:
            for visit in visits:
                added += not db.execute(
                    "SELECT 1 FROM visits WHERE case_reference = ? AND child = ? AND visit_date = ?",
                    (visit.case_reference, visit.child, visit.visit_date.isoformat()),
                ).fetchone()
                db.execute(
                    "INSERT INTO visits (case_reference, child, visit_date, seen_alone, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (case_reference, child, visit_date) DO UPDATE SET seen_alone = coalesce(excluded.seen_alone, visits.seen_alone)",
                    (visit.case_reference, visit.child, visit.visit_date.isoformat(), visit.seen_alone, source, _now()),
                )
            for case in sorted({v.case_reference for v in visits}):
                _reconcile(db, case)
        return added

    def visits(self, case_reference: str | None = None) -> list[Visit]:
        """Recorded visits, by case, date and child."""
        if case_reference:
            rows = self._db.execute("SELECT * FROM visits WHERE case_reference = ? ORDER BY visit_date, child", (case_reference,))
        else:
            rows = self._db.execute("SELECT * FROM visits ORDER BY case_reference, visit_date, child")
        return [
            Visit(
                r["case_reference"],
                r["child"],
                dt.date.fromisoformat(r["visit_date"]),
                None if r["seen_alone"] is None else bool(r["seen_alone"]),
            )
            for r in rows
        ]

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
        return [dict(r) for r in self._db.execute(sql + " ORDER BY d.case_reference, d.due_date, d.kind, d.recipient, d.id", args)]

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


def _meeting(row: sqlite3.Row) -> MeetingRow:
    return MeetingRow(
        id=row["id"],
        case_reference=row["case_reference"],
        meeting_date=row["meeting_date"],
        meeting_type=row["meeting_type"],
        policy=row["policy"],
        sha256=row["sha256"],
        folder=row["folder"],
        key_worker=row["key_worker"],
        published_at=row["published_at"],
        superseded_by=row["superseded_by"],
    )


def _insert_deadline(db: sqlite3.Connection, meeting_id: int, case: str, item: dict[str, Any], *, generated: bool = False) -> int:
    cursor = db.execute(
        "INSERT INTO deadlines (meeting_id, case_reference, kind, due_date, child, recipient, document, section, description, generated) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            meeting_id,
            case,
            item["kind"],
            str(item["date"]),
            item.get("child"),
            item.get("recipient"),
            item.get("document"),
            item.get("section") or "",
            item.get("description") or "",
            int(generated),
        ),
    )
    return int(cursor.lastrowid or 0)


# -- working out statuses ------------------------------------------------------------------------------

_CASE_LEVEL = ("principal_manager_review", "divisional_manager_review")


@dataclass
class _Status:
    status: str = "open"
    met_at: str | None = None
    met_by: str | None = None
    late: bool = False


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def _local_day(timestamp: str) -> dt.date:
    """The day in England a publication time falls on (a form published at 00:30 BST is that day's, not the day before's)."""
    try:
        moment = dt.datetime.fromisoformat(timestamp)
    except ValueError:
        return _day(timestamp)
    if moment.tzinfo is None:
        return moment.date()
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo("Europe/London")).date()
    except (ImportError, KeyError, OSError):  # no time zone data (Windows without tzdata): the UTC day
        return moment.date()


def _reconcile(db: sqlite3.Connection, case: str) -> None:
    """Works out every deadline's status for one case from the meetings, copies sent and visits recorded."""
    meetings = [dict(r) for r in db.execute("SELECT * FROM meetings WHERE case_reference = ? ORDER BY meeting_date, id", (case,))]
    by_id = {m["id"]: m for m in meetings}
    active = [m for m in meetings if m["superseded_by"] is None]
    _ensure_divisional_review(db, case, active)
    rows = [dict(r) for r in db.execute("SELECT * FROM deadlines WHERE case_reference = ? ORDER BY due_date, id", (case,))]
    copies: dict[int, list[sqlite3.Row]] = {}
    for copy in db.execute("SELECT * FROM copies WHERE meeting_id IN (SELECT id FROM meetings WHERE case_reference = ?)", (case,)):
        copies.setdefault(copy["deadline_id"], []).append(copy)
    visits = [
        (_day(v["visit_date"]), v["child"])
        for v in db.execute("SELECT * FROM visits WHERE case_reference = ? ORDER BY visit_date", (case,))
    ]
    first_published: dict[tuple[str, str], str] = {}
    for m in meetings:
        key = (m["meeting_date"], m["meeting_type"])
        first_published[key] = min(first_published.get(key, m["published_at"]), m["published_at"])

    def next_meeting(m: dict[str, Any]) -> dict[str, Any] | None:
        return next((n for n in active if n["meeting_date"] > m["meeting_date"] and n["meeting_type"] in ("review", "closure")), None)

    def closure_after(m: dict[str, Any]) -> dict[str, Any] | None:
        # the closure meeting itself included: a closure ends every open deadline of the case (DESIGN.md), so
        # its own copies are tracked once sent dates arrive but are never overdue
        return next((c for c in active if c["meeting_type"] == "closure" and c["meeting_date"] >= m["meeting_date"]), None)

    statuses: dict[int, _Status] = {}
    visit_windows = _visit_windows(rows, by_id)
    for row in rows:
        m = by_id[row["meeting_id"]]
        due = _day(row["due_date"])
        if m["superseded_by"] is not None:
            newer = by_id.get(m["superseded_by"], {})
            statuses[row["id"]] = _Status("retired", newer.get("published_at"), f"amended form published as {newer.get('folder', '?')}")
            continue
        if row["generated"] and row["kind"] == "divisional_manager_review" and row["status"] == "retired":
            statuses[row["id"]] = _Status("retired", row["met_at"], row["met_by"])
            continue
        status = _met(row, m, due, copies.get(row["id"], []), visits, visit_windows, active, next_meeting(m), first_published)
        if status.status == "open":
            later = next_meeting(m)
            closure = closure_after(m)
            if row["kind"] == "visit" and later and due > _day(later["meeting_date"]):
                status = _Status(
                    "retired", later["meeting_date"], f"the {later['meeting_type']} meeting on {later['meeting_date']} set new visits"
                )
            elif closure:
                status = _Status("closed", closure["meeting_date"], f"case closed at the meeting on {closure['meeting_date']}")
        statuses[row["id"]] = status
    for row in rows:
        new = statuses[row["id"]]
        if (row["status"], row["met_at"], row["met_by"], bool(row["late"])) != (new.status, new.met_at, new.met_by, new.late):
            db.execute(
                "UPDATE deadlines SET status = ?, met_at = ?, met_by = ?, late = ? WHERE id = ?",
                (new.status, new.met_at, new.met_by, int(new.late), row["id"]),
            )


def _met(
    row: dict[str, Any],
    meeting: dict[str, Any],
    due: dt.date,
    copies: list[sqlite3.Row],
    visits: list[tuple[dt.date, str]],
    windows: dict[int, tuple[dt.date, dt.date]],
    active: list[dict[str, Any]],
    later: dict[str, Any] | None,
    first_published: dict[tuple[str, str], str],
) -> _Status:
    """Whether an event has met this deadline, and when; open where none has."""
    kind = row["kind"]
    if kind == "record_due":
        published = first_published[(meeting["meeting_date"], meeting["meeting_type"])]
        day = _local_day(published)
        return _Status("met", day.isoformat(), "form published", day > due)
    if kind == "copies_due" and copies:
        sent = [c["sent_date"] for c in copies]
        if all(sent):
            last = max(sent)
            by = sorted({c["sent_by"] for c in copies if c["sent_by"]})
            return _Status("met", last, "sent" + (f" by {', '.join(by)}" if by else ""), _day(last) > due)
        return _Status()
    if kind == "next_review" and later:
        return _Status(
            "met", later["meeting_date"], f"{later['meeting_type']} meeting on {later['meeting_date']}", _day(later["meeting_date"]) > due
        )
    if kind == "visit" and row["id"] in windows:
        start, end = windows[row["id"]]
        seen = next((day for day, child in visits if start < day <= end and (not row["child"] or row["child"] == child)), None)
        if seen:
            return _Status("met", seen.isoformat(), f"visit on {seen.isoformat()}", False)
        return _Status()
    if kind == "principal_manager_review":
        chaired = next(
            (m for m in active if m["chair_role"] == "principal_manager" and m["meeting_date"] >= meeting["meeting_date"]),
            None,
        )
        if chaired:
            return _Status(
                "met",
                chaired["meeting_date"],
                f"meeting on {chaired['meeting_date']} chaired by a Principal Manager",
                _day(chaired["meeting_date"]) > due,
            )
    return _Status()


def _visit_windows(rows: list[dict[str, Any]], meetings: dict[int, dict[str, Any]]) -> dict[int, tuple[dt.date, dt.date]]:
    """Each visit deadline's window: after the one before it (or the meeting) up to its own date."""
    windows: dict[int, tuple[dt.date, dt.date]] = {}
    previous: dict[tuple[int, str | None], dt.date] = {}
    for row in sorted((r for r in rows if r["kind"] == "visit"), key=lambda r: (r["meeting_id"], r["due_date"], r["id"])):
        key = (row["meeting_id"], row["child"])
        start = previous.get(key, _day(meetings[row["meeting_id"]]["meeting_date"]))
        end = _day(row["due_date"])
        windows[row["id"]] = (start, end)
        previous[key] = end
    return windows


def _ensure_divisional_review(db: sqlite3.Connection, case: str, active: list[dict[str, Any]]) -> None:
    """Procedure 4.1: a case still open at a review months after the Principal Manager review goes to the Divisional Manager."""
    ids = [m["id"] for m in active]
    marks = ",".join("?" * len(ids)) or "NULL"
    reviews = db.execute(
        f"SELECT * FROM deadlines WHERE kind = 'principal_manager_review' AND meeting_id IN ({marks}) ORDER BY due_date LIMIT 1", ids
    ).fetchone()
    wanted: tuple[int, str] | None = None
    spec: dict[str, Any] = {}
    if reviews is not None:
        raising = next(m for m in active if m["id"] == reviews["meeting_id"])
        try:
            spec = load_profile(raising["policy"]).timescale("escalation") or {}
        except ConfigError:
            spec = {}
        if "divisional_manager_months" in spec and "principal_manager_months" in spec:
            gap = int(spec["divisional_manager_months"]) - int(spec["principal_manager_months"])
            point = add_months(_day(reviews["due_date"]), gap)
            closed_before = any(m["meeting_type"] == "closure" and _day(m["meeting_date"]) < point for m in active)
            trigger = next(
                (
                    m
                    for m in active
                    if m["meeting_type"] == "review" and _day(m["meeting_date"]) >= point and m["meeting_date"] >= raising["meeting_date"]
                ),
                None,
            )
            if trigger and not closed_before:
                wanted = (trigger["id"], point.isoformat())
    existing = db.execute(
        "SELECT * FROM deadlines WHERE case_reference = ? AND kind = 'divisional_manager_review' AND generated = 1", (case,)
    ).fetchall()
    for row in existing:
        keep = wanted is not None and (row["meeting_id"], row["due_date"]) == wanted
        if not keep and row["status"] != "retired":
            db.execute(
                "UPDATE deadlines SET status = 'retired', met_at = NULL, met_by = 'no longer applies', late = 0 WHERE id = ?", (row["id"],)
            )
        if keep and row["status"] == "retired":
            db.execute("UPDATE deadlines SET status = 'open', met_at = NULL, met_by = NULL WHERE id = ?", (row["id"],))
    if wanted and not any((r["meeting_id"], r["due_date"]) == wanted for r in existing):
        cite = str(spec.get("cite") or "")
        _insert_deadline(
            db,
            wanted[0],
            case,
            {
                "kind": "divisional_manager_review",
                "date": wanted[1],
                "section": cite,
                "description": "Divisional Manager review: the case is still open after the Principal Manager review",
            },
            generated=True,
        )
