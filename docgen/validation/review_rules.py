"""Checks that depend on the kind of meeting: a review carries the plan's earlier dates, a closure needs its objectives done.

At an initial meeting every target and due date lies ahead (``dates_in_order``, an error). At a review
or closure the plan under review brings its own dates, now past: that is no fault of the form, but
the meeting must say how each objective went and set a new date for what goes on (procedure 1.3's
timescales, reviewed under 4.1). A closure may only follow a plan that achieved its objectives or is
no longer needed (4.2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from docgen.profiles import Profile
from docgen.record import Record, as_date, get
from docgen.validation.checks import Finding, check
from docgen.validation.record_parts import items_of
from docgen.validation.wording import path_of, uk_date

__all__ = ["DONE_ACTIONS", "DONE_OBJECTIVES", "PROGRESS_WORDS", "STATUS_WORDS", "is_carried_over", "objective_done"]

#: an objective with this progress is finished: shown as done, never as work ahead
DONE_OBJECTIVES = frozenset({"achieved", "no_longer_needed"})
DONE_ACTIONS = frozenset({"done"})
PROGRESS_WORDS = {
    "achieved": "achieved",
    "progressing": "progressing",
    "not_progressing": "not progressing",
    "no_longer_needed": "no longer needed",
}
STATUS_WORDS = {"done": "done", "in_progress": "in progress", "not_done": "not done"}


def is_carried_over(record: Record) -> bool:
    """True at a review or closure: the plan being reviewed carries its earlier dates."""
    return get(record, "meeting.type") in ("review", "closure")


def objective_done(objective: dict[str, Any]) -> bool:
    """Whether an objective's progress says it is finished (achieved or no longer needed)."""
    return objective.get("progress") in DONE_OBJECTIVES


def _passed(value: Any, meeting: dt.date | None, *, on_the_day: bool) -> dt.date | None:
    when = as_date(value)
    if meeting is None or when is None:
        return None
    return when if (when <= meeting if on_the_day else when < meeting) else None


@check("carried_dates")
def _carried_dates(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    """At a review or closure: objectives past their target and actions past their due date that are not finished."""
    meeting = as_date(get(record, "meeting.date"))
    if not is_carried_over(record) or meeting is None:
        return
    for index, objective in items_of(record, "objectives"):
        target = _passed(objective.get("target_date"), meeting, on_the_day=True)
        if target is None or objective_done(objective):
            continue
        name = f"Objective {objective.get('id', index + 1)} ({objective.get('need', 'no need stated')})"
        progress = objective.get("progress")
        state = f"is still {PROGRESS_WORDS[progress]}" if progress in PROGRESS_WORDS else "has no progress recorded"
        yield (
            path_of("objectives", index, "target_date"),
            {
                "message": f"{name} reached its target date {uk_date(target)} by this meeting on {uk_date(meeting)} and {state}",
                "fix": f"Record its progress (achieved, progressing, not progressing or no longer needed) and, if the work goes on, "
                f"set a new target date after {uk_date(meeting)}.",
            },
        )
    for index, action in items_of(record, "actions"):
        due = _passed(action.get("due_date"), meeting, on_the_day=False)
        if due is None or action.get("status") in DONE_ACTIONS:
            continue
        status = action.get("status")
        state = f"is {STATUS_WORDS[status]}" if status in STATUS_WORDS else "has no status recorded"
        yield (
            path_of("actions", index, "due_date"),
            {
                "message": f'Action "{action.get("action", index + 1)}" was due on {uk_date(due)}, before this meeting on {uk_date(meeting)}, and {state}',
                "fix": f"Record whether it was done and, if it goes on, set a new due date on or after {uk_date(meeting)}.",
            },
        )


@check("closure_objectives")
def _closure_objectives(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    """At a closure: objectives whose progress is (``recorded``: True) unfinished, or (False) not recorded at all."""
    if get(record, "meeting.type") != "closure":
        return
    want_recorded = bool(params.get("recorded", True))
    for index, objective in items_of(record, "objectives"):
        progress = objective.get("progress")
        if want_recorded and progress in PROGRESS_WORDS and not objective_done(objective):
            words = PROGRESS_WORDS[progress]
        elif not want_recorded and not progress:
            words = "not recorded"
        else:
            continue
        yield (
            path_of("objectives", index, "progress"),
            {"objective_id": objective.get("id", index + 1), "need": objective.get("need", "no need stated"), "progress": words},
        )
