"""A case's history from the ledger: its meetings in order, each one's objectives and progress, scaling scores, deadlines.

Meetings are ordered by date, then initial → review → closure on the same day, whatever order their forms
arrived in (a backlog may bring a review before its initial meeting); an amended meeting replaces the
version it amends, so it appears once. The records come from the ledger, which keeps each published
meeting's canonical record.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from docgen.errors import DocgenError
from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.store import Ledger, MeetingRow

__all__ = [
    "MEETING_ORDER",
    "CaseHistory",
    "HistoryMeeting",
    "UnknownCaseError",
    "case_history",
    "earlier_meetings",
    "earlier_meetings_at",
]

log = logging.getLogger("docgen.ledger")

#: seconds a build waits to read a busy ledger before making the plan without the history (WAL readers rarely wait)
BUILD_READ_TIMEOUT = 5.0
#: meetings on the same day: the initial first, a closure last
MEETING_ORDER = {"initial": 0, "review": 1, "closure": 2}


class UnknownCaseError(DocgenError):
    """The ledger has no published meeting for this case reference (``docgen case`` and ``forms --case`` exit 1)."""

    exit_code: ClassVar[int] = 1

    def __init__(self, reference: str) -> None:
        super().__init__(f"The ledger has no published meeting for case {reference}: check the case reference.")
        self.reference = reference


@dataclass(frozen=True)
class HistoryMeeting:
    """One published meeting of a case, with the record it was published from (None where the ledger never had it)."""

    type: str
    date: str
    folder: str
    policy: str
    record: dict[str, Any] | None = field(repr=False)

    @property
    def scaling_score(self) -> int | None:
        """The meeting's Signs of Wellbeing score, where one was given."""
        score = ((self.record or {}).get("scaling") or {}).get("score")
        return score if isinstance(score, int) and not isinstance(score, bool) else None

    @property
    def objectives(self) -> list[dict[str, Any]]:
        """Each objective's id and progress (None: new at that meeting, or not recorded)."""
        items = (self.record or {}).get("objectives") or []
        return [{"id": o.get("id"), "progress": o.get("progress")} for o in items if isinstance(o, dict)]

    def to_json(self) -> dict[str, Any]:
        """The meeting as ``docgen case --json`` prints it."""
        return {
            "type": self.type,
            "date": self.date,
            "folder": self.folder,
            "policy": self.policy,
            "scaling_score": self.scaling_score,
            "objectives": self.objectives,
        }

    def as_earlier(self) -> dict[str, Any]:
        """Plain data for rendering (``docgen.render.review_progress``)."""
        return {"type": self.type, "date": self.date, "folder": self.folder, "policy": self.policy, "record": self.record}


@dataclass(frozen=True)
class CaseHistory:
    """A case's meetings (oldest first) and every deadline the ledger holds for it, with its status."""

    case_reference: str
    meetings: list[HistoryMeeting]
    deadlines: list[dict[str, Any]]

    @property
    def latest(self) -> HistoryMeeting:
        """The case's latest published meeting."""
        return self.meetings[-1]

    @property
    def children(self) -> list[dict[str, Any]]:
        """The children on the latest meeting's form, for staff: id, name and the council's LA child ID (None where not given)."""
        for meeting in reversed(self.meetings):
            items = (meeting.record or {}).get("children")
            if isinstance(items, list) and items:
                return [
                    {key: child.get(key) for key in ("id", "first_name", "last_name", "la_child_id")} for child in items if isinstance(child, dict)
                ]
        return []

    def to_json(self) -> dict[str, Any]:
        """``{case_reference, meetings, deadlines}`` as DESIGN.md fixes it."""
        return {
            "case_reference": self.case_reference,
            "meetings": [m.to_json() for m in self.meetings],
            "deadlines": self.deadlines,
        }


def _order(row: MeetingRow) -> tuple[str, int, int]:
    return row.meeting_date, MEETING_ORDER.get(row.meeting_type, 1), row.id


def _meetings(ledger: Ledger, case_reference: str) -> list[HistoryMeeting]:
    rows = sorted(ledger.meetings(case_reference), key=_order)
    return [HistoryMeeting(r.meeting_type, r.meeting_date, r.folder, r.policy, ledger.meeting_record(r.id)) for r in rows]


def _deadline_status(row: dict[str, Any], as_of: dt.date) -> str:
    """``met``, ``closed``, ``retired``, or for an open deadline ``overdue``/``upcoming`` as ``docgen due`` says."""
    if row["status"] != "open":
        return str(row["status"])
    return "overdue" if dt.date.fromisoformat(row["due_date"]) < as_of else "upcoming"


def _deadline(row: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": row["kind"],
        "date": row["due_date"],
        "status": _deadline_status(row, as_of),
        "meeting": row["folder"],
        "section": row["section"],
        "description": row["description"],
    }
    for key in ("child", "recipient"):
        if row.get(key):
            out[key] = row[key]
    if row["status"] != "open":
        out["met_at"], out["met_by"] = row.get("met_at"), row.get("met_by")
    return out


def case_history(ledger: Ledger, case_reference: str, *, as_of: dt.date | None = None) -> CaseHistory:
    """The case's history; ``UnknownCaseError`` when the ledger has no published meeting for it."""
    meetings = _meetings(ledger, case_reference)
    if not meetings:
        raise UnknownCaseError(case_reference)
    day = as_of or dt.date.today()
    rows = [r for r in ledger.deadlines(case=case_reference) if r["status"] != "retired"]
    deadlines = [_deadline(r, day) for r in sorted(rows, key=lambda r: (r["due_date"], r["kind"], r.get("child") or "", r["id"]))]
    return CaseHistory(case_reference, meetings, deadlines)


def earlier_meetings(ledger: Ledger, case_reference: str, meeting_date: str, meeting_type: str) -> list[dict[str, Any]]:
    """The case's published meetings before this one (by date, then kind), oldest first, as plain data for rendering."""
    this = (str(meeting_date), MEETING_ORDER.get(meeting_type, 1))
    return [
        m.as_earlier() for m in _meetings(ledger, case_reference) if (m.date, MEETING_ORDER.get(m.type, 1)) < this
    ]


def earlier_meetings_at(root: Path | None, case_reference: str, meeting_date: str, meeting_type: str) -> list[dict[str, Any]]:
    """``earlier_meetings`` from the root's ledger, opened only to read (a build worker's view); none without a ledger."""
    if root is None or not (Path(root) / LEDGER_PATH).is_file():
        return []
    try:
        uri = f"{(Path(root) / LEDGER_PATH).resolve().as_uri()}?mode=ro"  # as_uri: a folder named "a #1?" stays one path
        connection = sqlite3.connect(uri, uri=True, timeout=BUILD_READ_TIMEOUT, isolation_level=None)
    except sqlite3.Error as exc:
        log.warning("the ledger could not be opened for a review's history (%s): its documents show no earlier meetings", exc)
        return []
    connection.row_factory = sqlite3.Row
    ledger = Ledger(connection, Path(root) / LEDGER_PATH)
    try:
        return earlier_meetings(ledger, case_reference, meeting_date, meeting_type)
    except sqlite3.Error as exc:  # a ledger that cannot be read now: the plan is still made, without the history
        log.warning("the ledger could not be read for a review's history (%s): its documents show no earlier meetings", exc)
        return []
    finally:
        ledger.close()
