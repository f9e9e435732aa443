"""The SQL that keeps a case's deadlines: storing those a meeting sets, and saving their statuses after each new fact."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from docgen.copies import copies_by_recipient
from docgen.escalation import (
    divisional_manager_review,
    divisional_manager_words,
    escalation_timescale,
    principal_manager_point,
    visit_limit,
)
from docgen.ledger.models import DeadlineKind, DeadlineStatus
from docgen.ledger.statuses import Status, case_statuses
from docgen.ledger.visit_deadlines import VisitPlan, child_visit_deadlines
from docgen.manifest import Manifest
from docgen.profiles import Profiles

__all__ = ["reconcile", "store_deadlines"]

# the ledger works these out from the case's facts, so a manifest's own are not stored: its planned visits from
# the meeting (each child's now run from their last visit) and its Principal Manager review (foreseen from the first meeting)
_WORKED_OUT = (DeadlineKind.VISIT, DeadlineKind.PRINCIPAL_MANAGER_REVIEW, DeadlineKind.DIVISIONAL_MANAGER_REVIEW)


def store_deadlines(db: sqlite3.Connection, meeting_id: int, case: str, manifest: Manifest) -> None:
    """Stores the deadlines a newly published meeting sets: its record, copies (one per recipient), next review and safeguarding."""
    distribution = [row for row in manifest.get("distribution") or [] if isinstance(row.get("recipient"), str) and row["recipient"].strip()]
    for item in manifest.get("deadlines") or []:
        if item["kind"] in _WORKED_OUT or (item["kind"] == DeadlineKind.COPIES_DUE and distribution):
            continue  # worked out by reconcile; copies: one copies_due per recipient instead, below
        _insert_deadline(db, meeting_id, case, item)
    copies_due: Mapping[str, Any] = next((d for d in manifest.get("deadlines") or [] if d["kind"] == "copies_due"), {})
    for group in copies_by_recipient(distribution, copies_due):
        deadline_id = _insert_deadline(db, meeting_id, case, group.deadline)
        for row in group.rows:
            db.execute(
                "INSERT OR IGNORE INTO copies (deadline_id, meeting_id, recipient, role, document, child, delivery) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    deadline_id,
                    meeting_id,
                    group.deadline["recipient"],
                    row.get("role"),
                    str(row.get("document") or ""),
                    row.get("child"),
                    row.get("delivery"),
                ),
            )


def _insert_deadline(db: sqlite3.Connection, meeting_id: int, case: str, item: Mapping[str, Any], *, generated: bool = False) -> int:
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


def reconcile(db: sqlite3.Connection, case: str, profiles: Profiles) -> None:
    """Works out every deadline's status for one case from the meetings, copies sent and visits recorded, and saves the changes.

    Each meeting's timescales (escalation, the longest gap between visits) are its profile's, from the root's ``profiles``.
    """
    meetings = [dict(r) for r in db.execute("SELECT * FROM meetings WHERE case_reference = ? ORDER BY meeting_date, id", (case,))]
    active = [m for m in meetings if m["superseded_by"] is None]
    visits = [
        (dt.date.fromisoformat(v["visit_date"][:10]), str(v["child"]))
        for v in db.execute("SELECT * FROM visits WHERE case_reference = ? ORDER BY visit_date", (case,))
    ]
    _ensure_principal_review(db, case, active, profiles)
    _ensure_divisional_review(db, case, active, profiles)
    _save_child_visits(db, case, active, visits, profiles)
    rows = [
        dict(r)
        for r in db.execute(
            "SELECT * FROM deadlines WHERE case_reference = ? AND NOT (kind = 'visit' AND generated = 1) ORDER BY due_date, id", (case,)
        )
    ]
    copies: dict[int, list[dict[str, Any]]] = {}
    for copy in db.execute("SELECT * FROM copies WHERE meeting_id IN (SELECT id FROM meetings WHERE case_reference = ?)", (case,)):
        copies.setdefault(copy["deadline_id"], []).append(dict(copy))
    statuses = case_statuses(meetings, rows, copies)
    for row in rows:
        _save_status(db, row, statuses[row["id"]])


def _save_status(db: sqlite3.Connection, row: dict[str, Any], new: Status) -> None:
    # "superseded" is stored as a closed deadline closed as superseded (the status column predates it)
    status, closed_as = (DeadlineStatus.CLOSED, str(new.status)) if new.status == DeadlineStatus.SUPERSEDED else (new.status, None)
    before = (row["status"], row.get("closed_as"), row["met_at"], row["met_by"], bool(row["late"]))
    if before != (status, closed_as, new.met_at, new.met_by, new.late):
        db.execute(
            "UPDATE deadlines SET status = ?, closed_as = ?, met_at = ?, met_by = ?, late = ? WHERE id = ?",
            (str(status), closed_as, new.met_at, new.met_by, int(new.late), row["id"]),
        )


def _save_child_visits(
    db: sqlite3.Connection, case: str, active: list[dict[str, Any]], visits: list[tuple[dt.date, str]], profiles: Profiles
) -> None:
    """Procedure 5.2: each child's visit deadlines, from their last visit, stored as the case's generated ``visit`` rows."""
    wanted = {
        (v.meeting_id, v.child, v.due.isoformat()): v for v in child_visit_deadlines([_visit_plan(m, profiles) for m in active], visits)
    }
    existing = db.execute("SELECT * FROM deadlines WHERE case_reference = ? AND kind = 'visit' AND generated = 1", (case,)).fetchall()
    for row in existing:
        found = wanted.pop((row["meeting_id"], row["child"], row["due_date"]), None)
        if found is None:
            db.execute("DELETE FROM deadlines WHERE id = ?", (row["id"],))  # worked out from facts that have changed since
            continue
        if (row["description"], row["section"]) != (found.description, found.section):
            db.execute("UPDATE deadlines SET description = ?, section = ? WHERE id = ?", (found.description, found.section, row["id"]))
        _save_status(db, dict(row), Status(found.status, found.met_at, found.met_by, found.late))
    for (meeting_id, child, due), found in wanted.items():
        deadline_id = _insert_deadline(
            db,
            meeting_id,
            case,
            {"kind": DeadlineKind.VISIT, "date": due, "child": child, "section": found.section, "description": found.description},
            generated=True,
        )
        db.execute(
            "UPDATE deadlines SET status = ?, met_at = ?, met_by = ?, late = ? WHERE id = ?",
            (str(found.status), found.met_at, found.met_by, int(found.late), deadline_id),
        )


def _visit_plan(meeting: dict[str, Any], profiles: Profiles) -> VisitPlan:
    """What a stored meeting set for visits: its frequency (from the form, else its planned series) and children."""
    manifest: Manifest = json.loads(meeting["manifest"])
    date = dt.date.fromisoformat(meeting["meeting_date"][:10])
    frequency = meeting.get("visit_frequency_days")
    if not frequency:  # a meeting stored before the frequency was kept: the gap to the first planned visit
        firsts = sorted(str(d["date"]) for d in manifest.get("deadlines") or [] if d.get("kind") == DeadlineKind.VISIT)
        frequency = (dt.date.fromisoformat(firsts[0]) - date).days if firsts else None
    children = [str(c) for c in manifest.get("children") or []] or [
        str(d["child"]) for d in manifest.get("documents") or [] if d.get("child")
    ]
    max_days, section = visit_limit(profiles, meeting["policy"])
    return VisitPlan(meeting["id"], date, meeting["meeting_type"], frequency, tuple(dict.fromkeys(children)), max_days, section)


def _ensure_principal_review(db: sqlite3.Connection, case: str, active: list[dict[str, Any]], profiles: Profiles) -> None:
    """Procedure 4.1: the Principal Manager review at the 6-month point, foreseen from the case's first meeting."""
    wanted: tuple[int, str] | None = None
    spec: dict[str, Any] = {}
    if active:
        first = active[0]
        spec = escalation_timescale(profiles, first["policy"])
        start = next((m["plan_start_date"] for m in active if m.get("plan_start_date")), None)
        if start is None and first["meeting_type"] == "initial":
            start = first["meeting_date"]  # the plan starts at the initial meeting
        if start and "principal_manager_months" in spec:
            wanted = (first["id"], principal_manager_point(dt.date.fromisoformat(str(start)[:10]), spec).isoformat())
    item = {
        "kind": DeadlineKind.PRINCIPAL_MANAGER_REVIEW,
        "section": str(spec.get("cite") or ""),
        "description": "Principal Manager review: the plan reaches the 6 month point",
    }
    _keep_generated(db, case, item, wanted)


def _ensure_divisional_review(db: sqlite3.Connection, case: str, active: list[dict[str, Any]], profiles: Profiles) -> None:
    """Procedure 4.1: a case still open at a review months after the Principal Manager review goes to the Divisional Manager."""
    ids = [m["id"] for m in active]
    marks = ",".join("?" * len(ids)) or "NULL"
    review = db.execute(
        f"SELECT * FROM deadlines WHERE case_reference = ? AND kind = 'principal_manager_review' AND meeting_id IN ({marks}) "
        "ORDER BY generated DESC, due_date LIMIT 1",
        [case, *ids],
    ).fetchone()
    wanted: tuple[int, str] | None = None
    spec: dict[str, Any] = {}
    if review is not None:
        raising = next(m for m in active if m["id"] == review["meeting_id"])
        spec = escalation_timescale(profiles, raising["policy"])
        found = divisional_manager_review(dt.date.fromisoformat(review["due_date"][:10]), raising["meeting_date"], active, spec)
        wanted = (found[0], found[1].isoformat()) if found else None
    item = {
        "kind": DeadlineKind.DIVISIONAL_MANAGER_REVIEW,
        "section": str(spec.get("cite") or ""),
        "description": divisional_manager_words(spec),
    }
    _keep_generated(db, case, item, wanted)


def _keep_generated(db: sqlite3.Connection, case: str, item: dict[str, Any], wanted: tuple[int, str] | None) -> None:
    """Keeps the one generated deadline of a kind the facts call for (meeting id, date), retiring any other."""
    existing = db.execute(
        "SELECT * FROM deadlines WHERE case_reference = ? AND kind = ? AND generated = 1", (case, str(item["kind"]))
    ).fetchall()
    for row in existing:
        keep = wanted is not None and (row["meeting_id"], row["due_date"]) == wanted
        if not keep and row["status"] != DeadlineStatus.RETIRED:
            db.execute(
                "UPDATE deadlines SET status = 'retired', met_at = NULL, met_by = 'no longer applies', late = 0 WHERE id = ?", (row["id"],)
            )
        if keep and row["status"] == DeadlineStatus.RETIRED:
            db.execute("UPDATE deadlines SET status = 'open', met_at = NULL, met_by = NULL WHERE id = ?", (row["id"],))
    if wanted and not any((r["meeting_id"], r["due_date"]) == wanted for r in existing):
        _insert_deadline(db, wanted[0], case, {**item, "date": wanted[1]}, generated=True)
