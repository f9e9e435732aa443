"""Each child's CIN plans, worked out from a case's published meetings in order (the episode rules of DESIGN.md).

An episode begins at an initial meeting and takes its referral date; the children on that meeting's form
start their plan at the case's plan start (else the meeting date). A review that adds a child starts that
child's plan on the review's date; a review the child is no longer on ends it there (``ended_by`` review).
A closure ends every open plan of the episode on its date; an initial meeting after a closure begins a new
episode. A case whose first published meeting is a review began before docgen: its episode starts there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from docgen.ledger.history import MEETING_ORDER
from docgen.ledger.models import MeetingRow
from docgen.ledger.plan_facts import meetings_with_plan_facts
from docgen.ledger.store import Ledger
from docgen.record import as_date

__all__ = ["ChildPlan", "MeetingFacts", "case_plans", "ledger_plans", "overlaps", "plans_of"]


@dataclass(frozen=True)
class MeetingFacts:
    """What the episode rules read from one published meeting."""

    type: str
    date: dt.date
    folder: str
    record: dict[str, Any]


@dataclass(frozen=True)
class ChildPlan:
    """One child's CIN plan in one episode of a case: from ``start`` to ``end`` (None while open)."""

    case_reference: str
    episode: int  # 1 for the case's first episode, 2 after a closure and a new initial meeting, …
    child_id: str
    la_child_id: str | None
    date_of_birth: dt.date | None
    referral_date: dt.date
    start: dt.date
    end: dt.date | None
    ended_by: str | None  # "closure", "review" (the child left the plan at a review) or None while open
    key_worker: str | None = None
    began_at: str = ""  # the meeting folder the plan began at

    @property
    def plan_id(self) -> str:
        """A stable identifier for the plan: case, episode and child."""
        return f"{self.case_reference}-E{self.episode}-{self.child_id}"

    @property
    def referral_id(self) -> str:
        """A stable identifier for the episode's referral: case and episode."""
        return f"{self.case_reference}-E{self.episode}"


@dataclass
class _Open:
    start: dt.date
    folder: str


@dataclass
class _Episode:
    number: int
    referral_date: dt.date
    open: dict[str, _Open] = field(default_factory=dict)


def _children(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    items = record.get("children")
    out: dict[str, dict[str, Any]] = {}
    for child in items if isinstance(items, list) else []:
        if isinstance(child, dict) and isinstance(child.get("id"), str) and child["id"].strip():
            out[child["id"].strip()] = child
    return out


def _key_worker(record: dict[str, Any]) -> str | None:
    worker = record.get("key_worker")
    name = worker.get("name") if isinstance(worker, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def case_plans(case_reference: str, meetings: Iterable[MeetingFacts]) -> list[ChildPlan]:
    """Every child plan of one case, from its published meetings (any order: they are put in the procedure's order)."""
    ordered = sorted(meetings, key=lambda m: (m.date, MEETING_ORDER.get(m.type, 1)))
    about: dict[str, dict[str, Any]] = {}  # the latest known details of each child (an ID added at a later meeting counts)
    for meeting in ordered:
        for child_id, child in _children(meeting.record).items():
            known = about.setdefault(child_id, {})
            for key in ("la_child_id", "date_of_birth"):
                value = child.get(key)
                if isinstance(value, str) and value.strip():
                    known[key] = value.strip()
    ended: list[tuple[str, int, dt.date, _Open, dt.date | None, str | None, str | None]] = []
    episode: _Episode | None = None
    count = 0
    worker: str | None = None
    closed_on: dt.date | None = None  # the last closure's date
    for meeting in ordered:
        case = meeting.record.get("case") if isinstance(meeting.record.get("case"), dict) else {}
        assert isinstance(case, dict)
        children = _children(meeting.record)
        worker = _key_worker(meeting.record) or worker
        if episode is None:
            count += 1
            episode = _Episode(count, as_date(case.get("referral_date")) or meeting.date)
            # the plan start the form gives (an initial meeting's own date by definition); a case first seen at a
            # review or closure began before docgen, and its form's plan start is the best there is
            start = as_date(case.get("plan_start_date")) or meeting.date
            if closed_on is not None and start <= closed_on:  # a form carrying the closed episode's plan start: never overlap it
                start = meeting.date
            episode.open = {child_id: _Open(start, meeting.folder) for child_id in children}
        elif meeting.type != "closure":  # a closure ends the plans as they stand: it starts none and ends each as closed
            for child_id in [c for c in episode.open if c not in children]:
                ended.append((child_id, episode.number, episode.referral_date, episode.open.pop(child_id), meeting.date, "review", worker))
            for child_id in children:
                episode.open.setdefault(child_id, _Open(meeting.date, meeting.folder))
        if meeting.type == "closure":
            for child_id, plan in episode.open.items():
                ended.append((child_id, episode.number, episode.referral_date, plan, meeting.date, "closure", worker))
            episode, closed_on = None, meeting.date
    if episode is not None:
        for child_id, plan in episode.open.items():
            ended.append((child_id, episode.number, episode.referral_date, plan, None, None, worker))
    return [
        ChildPlan(
            case_reference,
            number,
            child_id,
            about.get(child_id, {}).get("la_child_id"),
            as_date(about.get(child_id, {}).get("date_of_birth")),
            referral,
            plan.start,
            end,
            why,
            who,
            plan.folder,
        )
        for child_id, number, referral, plan, end, why, who in sorted(ended, key=lambda e: (e[1], e[3].start, e[0]))
    ]


def ledger_plans(ledger: Ledger) -> Iterator[ChildPlan]:
    """Every child plan of every case the ledger holds, case by case (meetings without a kept record are passed over)."""
    return plans_of(meetings_with_plan_facts(ledger))


def plans_of(meetings: Iterable[tuple[MeetingRow, dict[str, Any] | None]]) -> Iterator[ChildPlan]:
    """Every child plan of the cases these meetings (with their records, or None) belong to, case by case."""
    by_case: dict[str, list[MeetingFacts]] = {}
    for row, record in meetings:
        day = as_date(row.meeting_date)
        if record is None or day is None:
            continue
        by_case.setdefault(row.case_reference, []).append(MeetingFacts(row.meeting_type, day, row.folder, record))
    for case_reference, facts in by_case.items():
        yield from case_plans(case_reference, facts)


def overlaps(plan: ChildPlan, first: dt.date, last: dt.date) -> bool:
    """Whether the plan was open on any day from ``first`` to ``last``."""
    return plan.start <= last and (plan.end is None or plan.end >= first)
