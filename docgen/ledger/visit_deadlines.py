"""Each child's statutory visits as deadlines that follow what happened (procedure 5.1, 5.2).

A child's next visit is due ``visit_frequency_days`` (never more than the profile's maximum) after their last
recorded visit, or after the meeting that put them on the plan before any visit. Every visit meets the
deadline before it (late when after its date) and sets the next one; a later meeting that changes the
frequency replaces the deadline it finds still to come, while one already overdue stays until a visit
meets it; nothing stops at a next review date that was never held. A closure (or a later meeting without the
child) ends the chain.

Pure: plain data in, plain data out. ``docgen due`` lists the open deadline of each chain and
``docgen report`` counts the met and missed ones, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from docgen.ledger.models import DeadlineStatus

__all__ = ["ChildVisit", "VisitPlan", "child_visit_deadlines"]


@dataclass(frozen=True)
class VisitPlan:
    """What one published meeting set for visits: how often, for which children, and the profile's limit."""

    meeting_id: int
    date: dt.date
    meeting_type: str  # initial, review, closure
    frequency: int | None  # visit_frequency_days on the form (None: not known)
    children: tuple[str, ...]
    max_days: int | None = None  # the profile's visit_interval_max_days
    section: str = ""  # the citation for the visit timescale

    def days(self) -> int | None:
        """Days allowed between visits under this plan: the form's frequency, never more than the profile's maximum."""
        limits = [d for d in (self.frequency, self.max_days) if d]
        return min(limits) if limits else None


@dataclass(frozen=True)
class ChildVisit:
    """One visit deadline of one child, and what became of it."""

    meeting_id: int  # the meeting whose frequency sets it
    child: str
    due: dt.date
    since: dt.date  # the visit (or meeting) it is counted from
    days: int
    section: str
    status: str = DeadlineStatus.OPEN
    met_at: str | None = None
    met_by: str | None = None
    late: bool = False

    @property
    def description(self) -> str:
        """What ``docgen due`` shows: whose visit, how often, counted from when."""
        return f"Statutory visit to child {self.child} (every {self.days} days, counted from {self.since:%d %b %Y})"


def child_visit_deadlines(plans: Sequence[VisitPlan], visits: Sequence[tuple[dt.date, str]]) -> list[ChildVisit]:
    """Every child's visit deadlines, met, retired, closed or open, from the case's current meetings (by date) and visits."""
    ordered = sorted(plans, key=lambda p: (p.date, p.meeting_id))
    children = list(dict.fromkeys(child for plan in ordered for child in plan.children))
    found: list[ChildVisit] = []
    for child in children:
        seen = sorted({day for day, who in visits if who == child})
        found += _chain(child, ordered, seen)
    return found


def _chain(child: str, plans: list[VisitPlan], seen: list[dt.date]) -> Iterator[ChildVisit]:
    start = next(i for i, p in enumerate(plans) if child in p.children)
    plan = plans[start]
    if plan.meeting_type == "closure":
        return
    later = iter(plans[start + 1 :])
    meeting = next(later, None)
    since = plan.date
    days = plan.days()
    if days is None:
        return
    current = ChildVisit(plan.meeting_id, child, since + dt.timedelta(days=days), since, days, plan.section)
    while True:
        visit = next((day for day in seen if day > since), None)
        if visit is not None and (meeting is None or visit <= meeting.date):
            # a visit meets the deadline before it and sets the next one, under the plan now in force
            yield _settled(current, DeadlineStatus.MET, visit.isoformat(), f"visit on {visit.isoformat()}", visit > current.due)
            since = visit
            current = ChildVisit(plan.meeting_id, child, since + dt.timedelta(days=days), since, days, plan.section)
            continue
        if meeting is None:
            yield current
            return
        if meeting.meeting_type == "closure" or (meeting.children and child not in meeting.children):
            # the case, or this child's part in it, ends: a visit already overdue counts as missed, one to come does not
            why = "case closed" if meeting.meeting_type == "closure" else f"child {child} no longer on the plan"
            yield _settled(current, DeadlineStatus.CLOSED, meeting.date.isoformat(), f"{why} at the meeting on {meeting.date.isoformat()}")
            return
        new_days = meeting.days() or days
        if current.due >= meeting.date and new_days != days:
            # the new frequency counts from the same last visit, but cannot make a visit due before the meeting that set it
            yield _settled(
                current,
                DeadlineStatus.RETIRED,
                meeting.date.isoformat(),
                f"the {meeting.meeting_type} meeting on {meeting.date.isoformat()} set visits every {new_days} days",
            )
            due = max(since + dt.timedelta(days=new_days), meeting.date)
            current = ChildVisit(meeting.meeting_id, child, due, since, new_days, meeting.section or plan.section)
        # an overdue visit stays due as it was: the next visit meets it (late), then the new frequency applies
        plan, days = meeting, new_days
        meeting = next(later, None)


def _settled(item: ChildVisit, status: str, at: str, by: str, late: bool = False) -> ChildVisit:
    return ChildVisit(item.meeting_id, item.child, item.due, item.since, item.days, item.section, status, at, by, late)
