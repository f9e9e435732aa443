"""The SQL that keeps a case's deadlines: storing those a meeting sets, and saving their statuses after each new fact."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from docgen.copies import copies_by_recipient
from docgen.escalation import divisional_manager_review, escalation_timescale
from docgen.ledger.models import DeadlineKind, DeadlineStatus
from docgen.ledger.statuses import case_statuses

__all__ = ["reconcile", "store_deadlines"]

_CASE_LEVEL = (DeadlineKind.PRINCIPAL_MANAGER_REVIEW, DeadlineKind.DIVISIONAL_MANAGER_REVIEW)


def store_deadlines(db: sqlite3.Connection, meeting_id: int, case: str, manifest: dict[str, Any]) -> None:
    """Stores the deadlines a newly published meeting sets: its manifest's, one ``copies_due`` per recipient."""
    distribution = [row for row in manifest.get("distribution") or [] if isinstance(row.get("recipient"), str) and row["recipient"].strip()]
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


def reconcile(db: sqlite3.Connection, case: str) -> None:
    """Works out every deadline's status for one case from the meetings, copies sent and visits recorded, and saves the changes."""
    meetings = [dict(r) for r in db.execute("SELECT * FROM meetings WHERE case_reference = ? ORDER BY meeting_date, id", (case,))]
    _ensure_divisional_review(db, case, [m for m in meetings if m["superseded_by"] is None])
    rows = [dict(r) for r in db.execute("SELECT * FROM deadlines WHERE case_reference = ? ORDER BY due_date, id", (case,))]
    copies: dict[int, list[dict[str, Any]]] = {}
    for copy in db.execute("SELECT * FROM copies WHERE meeting_id IN (SELECT id FROM meetings WHERE case_reference = ?)", (case,)):
        copies.setdefault(copy["deadline_id"], []).append(dict(copy))
    visits = [
        (dt.date.fromisoformat(v["visit_date"][:10]), v["child"])
        for v in db.execute("SELECT * FROM visits WHERE case_reference = ? ORDER BY visit_date", (case,))
    ]
    statuses = case_statuses(meetings, rows, copies, visits)
    for row in rows:
        new = statuses[row["id"]]
        if (row["status"], row["met_at"], row["met_by"], bool(row["late"])) != (new.status, new.met_at, new.met_by, new.late):
            db.execute(
                "UPDATE deadlines SET status = ?, met_at = ?, met_by = ?, late = ? WHERE id = ?",
                (str(new.status), new.met_at, new.met_by, int(new.late), row["id"]),
            )


def _ensure_divisional_review(db: sqlite3.Connection, case: str, active: list[dict[str, Any]]) -> None:
    """Procedure 4.1: a case still open at a review months after the Principal Manager review goes to the Divisional Manager."""
    ids = [m["id"] for m in active]
    marks = ",".join("?" * len(ids)) or "NULL"
    review = db.execute(
        f"SELECT * FROM deadlines WHERE kind = 'principal_manager_review' AND meeting_id IN ({marks}) ORDER BY due_date LIMIT 1", ids
    ).fetchone()
    wanted: tuple[int, str] | None = None
    spec: dict[str, Any] = {}
    if review is not None:
        raising = next(m for m in active if m["id"] == review["meeting_id"])
        spec = escalation_timescale(raising["policy"])
        found = divisional_manager_review(dt.date.fromisoformat(review["due_date"][:10]), raising["meeting_date"], active, spec)
        wanted = (found[0], found[1].isoformat()) if found else None
    existing = db.execute(
        "SELECT * FROM deadlines WHERE case_reference = ? AND kind = 'divisional_manager_review' AND generated = 1", (case,)
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
        _insert_deadline(
            db,
            wanted[0],
            case,
            {
                "kind": DeadlineKind.DIVISIONAL_MANAGER_REVIEW,
                "date": wanted[1],
                "section": str(spec.get("cite") or ""),
                "description": "Divisional Manager review: the case is still open after the Principal Manager review",
            },
            generated=True,
        )
