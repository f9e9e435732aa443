"""The ledger's side of the root's journal of facts (``docgen.facts``): writing each fact it records, and applying them back.

Every writer of a published meeting, a visit, a sent date or a sending step goes through the functions here, which
change the ledger and collect the fact in ``journal`` (None: applying, nothing is collected again); the caller
appends what was collected with ``append_recorded`` before its transaction commits. Applying is idempotent: a fact
the ledger already holds changes nothing, so the journal can be read again from any point — after a ledger
restored from an older backup (``catch_up``, at every opening), or from the start (``docgen rebuild-ledger``).

To add a kind of fact: collect it inside ``Ledger.recording()`` where it is recorded, and register how to apply it with
``@applies("kind")`` below: a function of the open transaction, the fact, the root and its council profiles that returns
the case whose deadlines need working out again (None when it did that itself, or changed none).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from docgen.facts import FACTS_FILE, append_facts, journal_size, read_facts
from docgen.ledger.deadline_rows import reconcile
from docgen.ledger.meetings import store_file, store_meeting
from docgen.ledger.sources import source_record
from docgen.manifest import Manifest
from docgen.profiles import Profiles, profiles_in
from docgen.root import SUPERSEDED_DIR, Layout

__all__ = [
    "APPLIERS",
    "SENDING_COLUMNS",
    "append_recorded",
    "applies",
    "apply_facts",
    "catch_up",
    "journaled_records",
    "published_manifest",
    "record_sending",
    "set_sent_dates",
    "store_visit",
]

Applier = Callable[[sqlite3.Connection, dict[str, Any], Path, Profiles], str | None]
#: facts recorded in a transaction, appended to the root's journal before it commits
Collected = list[tuple[str, dict[str, Any]]]

#: how each kind of fact is applied to the ledger
APPLIERS: dict[str, Applier] = {}

SENDING_COLUMNS = (
    "copy_key",
    "case_reference",
    "folder",
    "recipient",
    "email",
    "documents",
    "message_id",
    "status",
    "attempts",
    "started_at",
    "sent_at",
    "detail",
    "recorded",
)


def applies(kind: str) -> Callable[[Applier], Applier]:
    """Registers how facts of ``kind`` are applied to the ledger."""

    def register(function: Applier) -> Applier:
        APPLIERS[kind] = function
        return function

    return register


# -- published meetings ------------------------------------------------------------------------------


def journaled_records(root: Path) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """The records the journal keeps of published meetings, by (case, meeting date, meeting type, source sha256)."""
    found = {}
    for _, fact in read_facts(root):
        if fact["kind"] == "published" and isinstance(fact.get("record"), dict):
            key = (str(fact.get("case_reference")), str(fact.get("meeting_date")), str(fact.get("meeting_type")), str(fact.get("sha256")))
            found[key] = fact["record"]
    return found


def published_manifest(root: Path, fact: dict[str, Any]) -> tuple[Path, Manifest] | None:
    """The folder and manifest of the version a ``published`` fact names: the meeting's folder, or an amended copy kept in it."""
    folder = Layout(Path(root)).outbox / str(fact["case_reference"]) / str(fact["folder"])
    for path in (folder / "manifest.json", *sorted(folder.glob(f"{SUPERSEDED_DIR}/**/manifest.json"), reverse=True)):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict) and (manifest.get("source") or {}).get("sha256") == fact.get("sha256"):
            return path.parent, cast(Manifest, manifest)  # as the file holds it: an older one may lack a key
    return None


def _meeting_id(db: sqlite3.Connection, fact: dict[str, Any]) -> int | None:
    """The ledger's id of the meeting a fact names (its case, date, type and source form), or None."""
    row = db.execute(
        "SELECT id FROM meetings WHERE case_reference = ? AND meeting_date = ? AND meeting_type = ? AND sha256 = ?",
        (fact.get("case_reference"), fact.get("meeting_date"), fact.get("meeting_type"), fact.get("sha256")),
    ).fetchone()
    return int(row[0]) if row is not None else None


@applies("published")
def _apply_published(db: sqlite3.Connection, fact: dict[str, Any], root: Path, profiles: Profiles) -> str | None:
    if _meeting_id(db, fact) is not None:
        return None  # the ledger has this version, in its place among the others
    found = published_manifest(root, fact)
    if found is None:
        return None  # its folder is gone from the outbox: nothing left to stand for it
    folder, manifest = found
    record = (
        fact.get("record")
        if isinstance(fact.get("record"), dict)
        else source_record(folder, manifest, profiles.reading_catalogue())
    )
    store_meeting(db, manifest, record, None, profiles)
    if folder.parent.name != SUPERSEDED_DIR:
        where = folder.relative_to(root).as_posix()
        store_file(db, sha256=str(fact["sha256"]), name=str(fact.get("source") or ""), outcome="published", where=where)
    return None  # store_meeting worked the case's deadlines out again itself


# -- visits -----------------------------------------------------------------------------------------


def store_visit(
    db: sqlite3.Connection,
    journal: Collected | None,
    *,
    case_reference: str,
    child: str,
    visit_date: str,
    seen_alone: bool | None,
    source: str | None,
    at: str,
) -> bool:
    """Stores a visit (a repeat of the same child and date updates "seen alone"); True if it was new. Collects it in ``journal``."""
    known = db.execute(
        "SELECT seen_alone FROM visits WHERE case_reference = ? AND child = ? AND visit_date = ?", (case_reference, child, visit_date)
    ).fetchone()
    alone = None if seen_alone is None else int(seen_alone)
    if known is not None and (alone is None or known[0] == alone):
        return False  # nothing new: neither the ledger nor the journal changes
    db.execute(
        "INSERT INTO visits (case_reference, child, visit_date, seen_alone, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (case_reference, child, visit_date) DO UPDATE SET seen_alone = coalesce(excluded.seen_alone, visits.seen_alone)",
        (case_reference, child, visit_date, alone, source, at),
    )
    if journal is not None:
        fields = {"case_reference": case_reference, "child": child, "visit_date": visit_date, "seen_alone": seen_alone, "source": source}
        journal.append(("visit", fields))
    return known is None


@applies("visit")
def _apply_visit(db: sqlite3.Connection, fact: dict[str, Any], root: Path, profiles: Profiles) -> str | None:
    alone = fact.get("seen_alone")
    store_visit(
        db,
        None,
        case_reference=str(fact["case_reference"]),
        child=str(fact["child"]),
        visit_date=str(fact["visit_date"]),
        seen_alone=None if alone is None else bool(alone),
        source=fact.get("source"),
        at=str(fact.get("at") or ""),
    )
    return str(fact["case_reference"])


# -- sent dates (and their corrections) -----------------------------------------------------------


def set_sent_dates(
    db: sqlite3.Connection,
    journal: Collected | None,
    meeting_id: int,
    sent: Sequence[tuple[str, str | None, str | None, str | None]],
    profiles: Profiles,
) -> int:
    """Records sent dates ``(recipient, document or None for all, ISO date or None to clear, sent by)``; returns the copies changed."""
    meeting = db.execute(
        "SELECT case_reference, folder, meeting_date, meeting_type, sha256 FROM meetings WHERE id = ?", (meeting_id,)
    ).fetchone()
    changed = 0
    for recipient, document, sent_date, sent_by in sent:
        sql = "UPDATE copies SET sent_date = ?, sent_by = ? WHERE meeting_id = ? AND lower(trim(recipient)) = lower(trim(?))"
        args: list[Any] = [sent_date, sent_by, meeting_id, recipient]
        if document:
            sql += " AND document = ?"
            args.append(document)
        sql += " AND (sent_date IS NOT ? OR sent_by IS NOT ?)"
        args += [sent_date, sent_by]
        count = db.execute(sql, args).rowcount
        changed += count
        if count and journal is not None and meeting is not None:
            fact = {**dict(meeting), "recipient": recipient, "document": document, "sent_date": sent_date, "sent_by": sent_by}
            journal.append(("sent_date", fact))
    if changed and meeting is not None:
        reconcile(db, meeting["case_reference"], profiles)
    return changed


@applies("sent_date")
def _apply_sent_date(db: sqlite3.Connection, fact: dict[str, Any], root: Path, profiles: Profiles) -> str | None:
    meeting_id = _meeting_id(db, fact)
    if meeting_id is None:
        return None  # a meeting whose folder is gone from the outbox: nothing to record it against
    set_sent_dates(
        db, None, meeting_id, [(fact["recipient"], fact.get("document"), fact.get("sent_date"), fact.get("sent_by"))], profiles
    )
    return None  # set_sent_dates worked the case's deadlines out again itself


# -- the sending journal ----------------------------------------------------------------------------


def record_sending(db: sqlite3.Connection, journal: Collected, copy_key: str) -> None:
    """Collects the copy's row of ``sendings`` as it now stands (after a change in the same transaction)."""
    row = db.execute(f"SELECT {', '.join(SENDING_COLUMNS)} FROM sendings WHERE copy_key = ?", (copy_key,)).fetchone()
    if row is not None:
        journal.append(("sending", {"row": dict(zip(SENDING_COLUMNS, tuple(row), strict=True))}))


@applies("sending")
def _apply_sending(db: sqlite3.Connection, fact: dict[str, Any], root: Path, profiles: Profiles) -> str | None:
    row = fact.get("row")
    if not isinstance(row, dict) or not row.get("copy_key"):
        return None
    values = [row.get(c) for c in SENDING_COLUMNS]
    if isinstance(values[5], list):
        values[5] = json.dumps(values[5])
    db.execute(
        f"INSERT OR REPLACE INTO sendings ({', '.join(SENDING_COLUMNS)}) VALUES ({', '.join('?' * len(SENDING_COLUMNS))})",
        values,
    )
    return None  # the sending journal has no deadlines of its own: its sent dates are facts of their own


# -- reading the journal back ------------------------------------------------------------------------


def apply_facts(db: sqlite3.Connection, root: Path, start: int = 0) -> int:
    """Applies every fact from byte ``start`` of the root's journal; returns the byte offset reached."""
    reached = start
    touched: set[str] = set()
    profiles = profiles_in(root)  # found once for the whole journal, not once a fact
    for offset, fact in read_facts(root, start):
        apply = APPLIERS.get(fact["kind"])
        if apply is not None:  # a kind this docgen does not know (written by a newer one) is left for it
            case = apply(db, fact, Path(root), profiles)
            if case:
                touched.add(case)
        reached = offset
    for case in sorted(touched):
        reconcile(db, case, profiles)
    return reached


def append_recorded(db: sqlite3.Connection, root: Path, collected: Collected) -> None:
    """Appends the facts a transaction recorded (inside it, before it commits); a ledger that had read the journal to its end
    still has, so the next opening reads nothing again.

    Every fact with an applier is appended this way, under the ledger's write lock, so no other such fact can slip in
    between the ledger's last reading and this append.
    """
    if not collected:
        return
    key = FACTS_FILE.as_posix()
    row = db.execute("SELECT bytes FROM journal_read WHERE path = ?", (key,)).fetchone()
    before = journal_size(root)
    append_facts(root, collected)
    if row is not None and int(row[0]) == before:
        db.execute("UPDATE journal_read SET bytes = ? WHERE path = ?", (journal_size(root), key))


def _facts_held(db: sqlite3.Connection) -> Collected:
    """Every fact a ledger held before the root's journal was kept (an upgrade), as the journal would have them, oldest first."""
    facts: Collected = []
    meetings = db.execute(
        "SELECT m.case_reference, m.folder, m.meeting_date, m.meeting_type, m.sha256, m.manifest, r.record "
        "FROM meetings m LEFT JOIN meeting_records r ON r.meeting_id = m.id ORDER BY m.id"
    )
    for meeting in meetings:
        manifest = json.loads(meeting["manifest"] or "{}")  # the first release kept little of it
        fact = {k: meeting[k] for k in ("case_reference", "folder", "meeting_date", "meeting_type", "sha256")}
        record = json.loads(meeting["record"]) if meeting["record"] else None
        facts.append(("published", {**fact, "source": (manifest.get("source") or {}).get("name"), "record": record}))
    for visit in db.execute("SELECT case_reference, child, visit_date, seen_alone, source FROM visits ORDER BY id"):
        alone = visit["seen_alone"]
        facts.append(("visit", {**dict(visit), "seen_alone": None if alone is None else bool(alone)}))
    sent = db.execute(
        "SELECT m.case_reference, m.folder, m.meeting_date, m.meeting_type, m.sha256, c.recipient, c.document, c.sent_date, c.sent_by "
        "FROM copies c JOIN meetings m ON m.id = c.meeting_id WHERE c.sent_date IS NOT NULL ORDER BY c.id"
    )
    facts += [("sent_date", dict(row)) for row in sent]
    sendings = db.execute(f"SELECT {', '.join(SENDING_COLUMNS)} FROM sendings ORDER BY rowid")
    facts += [("sending", {"row": dict(zip(SENDING_COLUMNS, tuple(row), strict=True))}) for row in sendings]
    return facts


def catch_up(db: sqlite3.Connection, root: Path) -> int:
    """Applies the facts the root's journal gained since this ledger last read it (all of them after a restore); returns bytes read.

    Call inside a write transaction. A journal shorter than the point reached (replaced, or rotated) is read from the start.
    A ledger that never read a journal, on a root that has none (docgen upgraded), first writes every fact it holds there.
    """
    key = FACTS_FILE.as_posix()
    row = db.execute("SELECT bytes FROM journal_read WHERE path = ?", (key,)).fetchone()
    start = int(row[0]) if row else 0
    size = journal_size(root)
    if row is None and size == 0:
        # a ledger from before the journal was kept, on a root without one: what it holds goes into the journal once
        append_facts(root, _facts_held(db))
        start = size = journal_size(root)
    if size == start:
        if row is None:  # from now on this ledger's own facts keep it at the journal's end (``append_recorded``)
            db.execute("INSERT INTO journal_read (path, bytes) VALUES (?, ?)", (key, start))
        return 0
    if size < start:
        start = 0
    reached = apply_facts(db, root, start)
    db.execute(
        "INSERT INTO journal_read (path, bytes) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET bytes = excluded.bytes", (key, reached)
    )
    return reached - start
