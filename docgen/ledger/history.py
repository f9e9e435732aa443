"""A case's history from the ledger: its meetings in order, each one's objectives and progress, scaling scores, deadlines.

Meetings are ordered by date, then initial → review → closure on the same day, whatever order their forms
arrived in (a backlog may bring a review before its initial meeting); an amended meeting replaces the
version it amends, so it appears once. The records come from the ledger, which keeps each published
meeting's canonical record. This is the one history: ``docgen case``, the next meeting's forms and the
web app's case page all read a ``CaseHistory``; the page adds only its own words.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from docgen.errors import DocgenError, ExitCode
from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.details import fill_in_records
from docgen.ledger.store import Ledger, MeetingRow, Visit

__all__ = [
    "MEETING_ORDER",
    "CaseHistory",
    "HistoryMeeting",
    "UnknownCaseError",
    "UnsentCopy",
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

    exit_code: ClassVar[ExitCode] = ExitCode.UNKNOWN_CASE

    def __init__(self, reference: str) -> None:
        super().__init__(f"The ledger has no published meeting for case {reference}: check the case reference.")
        self.reference = reference


@dataclass(frozen=True)
class HistoryMeeting:
    """One published meeting of a case: its ledger row, the record it was published from (None where the ledger never had
    it), its manifest and its copies."""

    row: MeetingRow
    record: dict[str, Any] | None = field(repr=False)
    manifest: dict[str, Any] = field(default_factory=dict, repr=False)
    copies: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def type(self) -> str:
        """``initial``, ``review`` or ``closure``."""
        return self.row.meeting_type

    @property
    def date(self) -> str:
        """The meeting's date (ISO 8601)."""
        return self.row.meeting_date

    @property
    def folder(self) -> str:
        """The meeting's folder under ``outbox/<case>/``."""
        return self.row.folder

    @property
    def policy(self) -> str:
        """The council profile the meeting was published under."""
        return self.row.policy

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

    @property
    def progress(self) -> dict[str, int]:
        """How many objectives stood at each progress (``achieved``, ``progressing``...), where progress was recorded."""
        items = (self.record or {}).get("objectives") or []
        return dict(Counter(str(o.get("progress")) for o in items if isinstance(o, dict) and o.get("progress")))

    @property
    def documents(self) -> list[dict[str, Any]]:
        """The manifest's documents (``path``, ``kind``, ``child``)."""
        return [d for d in self.manifest.get("documents") or [] if d.get("path")]

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
class UnsentCopy:
    """A recipient's copies of one meeting still to be sent."""

    meeting_id: int
    recipient: str
    documents: list[str]
    delivery: str | None
    due: str


@dataclass(frozen=True)
class CaseHistory:
    """A case's meetings (oldest first), every deadline the ledger holds for it (retired ones aside) and its visits."""

    case_reference: str
    meetings: list[HistoryMeeting]
    deadline_rows: list[dict[str, Any]]  # the ledger's rows, in its order (by date, kind, recipient)
    visits: list[Visit] = field(default_factory=list)
    as_of: dt.date = field(default_factory=dt.date.today)  # the day open deadlines are judged by

    @property
    def latest(self) -> HistoryMeeting:
        """The case's latest published meeting."""
        return self.meetings[-1]

    @property
    def key_worker(self) -> str | None:
        """The case's current key worker: the latest meeting that names one."""
        return next((m.row.key_worker for m in reversed(self.meetings) if m.row.key_worker), None)

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

    @property
    def child_ids(self) -> list[str]:
        """Every child any of the case's meetings was published for (their manifests' ids), sorted."""
        return sorted({str(c) for m in self.meetings for c in m.manifest.get("children") or []})

    @property
    def scaling(self) -> list[tuple[dt.date, int]]:
        """Signs of Wellbeing scores over time, oldest first."""
        return [(dt.date.fromisoformat(m.date), m.scaling_score) for m in self.meetings if m.scaling_score is not None]

    @property
    def unsent_copies(self) -> list[UnsentCopy]:
        """The latest meeting's copies still to be sent, one entry per recipient (a recipient's documents go out together)."""
        grouped: dict[tuple[int, str], UnsentCopy] = {}
        for meeting in self.meetings[-1:]:  # an earlier meeting's unsent copies are superseded: never sent now
            for copy in meeting.copies:
                if copy.get("sent_date"):
                    continue
                key = (meeting.row.id, str(copy["recipient"]))
                entry = grouped.setdefault(
                    key, UnsentCopy(meeting.row.id, str(copy["recipient"]), [], copy.get("delivery"), str(copy["due_date"]))
                )
                entry.documents.append(str(copy["document"]))
        return list(grouped.values())

    @property
    def deadlines(self) -> list[dict[str, Any]]:
        """Each deadline as ``docgen case --json`` prints it (status ``overdue``/``upcoming`` as ``docgen due`` says), by date."""
        return [_deadline(r, self.as_of) for r in sorted(self.deadline_rows, key=_deadline_order)]

    def to_json(self) -> dict[str, Any]:
        """``{case_reference, meetings, deadlines}`` as DESIGN.md fixes it."""
        return {
            "case_reference": self.case_reference,
            "meetings": [m.to_json() for m in self.meetings],
            "deadlines": self.deadlines,
        }


def _deadline_order(row: dict[str, Any]) -> tuple[str, str, str, int]:
    return row["due_date"], row["kind"], row.get("child") or "", row["id"]


def _order(row: MeetingRow) -> tuple[str, int, int]:
    return row.meeting_date, MEETING_ORDER.get(row.meeting_type, 1), row.id


def _meetings(ledger: Ledger, case_reference: str) -> list[HistoryMeeting]:
    rows = sorted(ledger.meetings(case_reference), key=_order)
    return [HistoryMeeting(r, ledger.meeting_record(r.id), ledger.meeting_manifest(r.id), ledger.copies(r.id)) for r in rows]


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


def case_history(ledger: Ledger, case_reference: str, *, as_of: dt.date | None = None, root: Path | None = None) -> CaseHistory:
    """The case's history; ``UnknownCaseError`` when the ledger has no published meeting for it.

    With ``root``, the records of meetings published before the ledger kept them are read from their source forms first
    (and kept), so their scores and progress show.
    """
    if root is not None:
        fill_in_records(root, ledger, case_reference)
    meetings = _meetings(ledger, case_reference)
    if not meetings:
        raise UnknownCaseError(case_reference)
    rows = [r for r in ledger.deadlines(case=case_reference) if r["status"] != "retired"]
    return CaseHistory(case_reference, meetings, rows, ledger.visits(case_reference), as_of or dt.date.today())


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
        ledger = Ledger.open_to_read(Path(root) / LEDGER_PATH, wait_seconds=BUILD_READ_TIMEOUT)
    except sqlite3.Error as exc:
        log.warning("the ledger could not be opened for a review's history (%s): its documents show no earlier meetings", exc)
        return []
    try:
        return earlier_meetings(ledger, case_reference, meeting_date, meeting_type)
    except sqlite3.Error as exc:  # a ledger that cannot be read now: the plan is still made, without the history
        log.warning("the ledger could not be read for a review's history (%s): its documents show no earlier meetings", exc)
        return []
    finally:
        ledger.close()
