"""Timing checks at the edges: a meeting dated ahead of today, a review agreed beyond the usual interval,
and a timescale that could not be checked because the date it counts from is missing.

Registered with the other checks (``docgen.validation.rules.CHECKS``); profiles switch them on like any rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from docgen.profiles import Profile
from docgen.record import Record, as_date, get
from docgen.validation.checks import Finding, check
from docgen.validation.rule_checks_dates import plan_by_spec
from docgen.validation.wording import uk_date
from docgen.workdays import add_months

__all__ = ["today"]


def today() -> dt.date:
    """The day forms are checked on (one place, so tests can fix it)."""
    return dt.date.today()


@check("meeting_not_in_future")
def _meeting_not_in_future(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    """A meeting dated more than ``days`` after today: usually a typo in the year (a record cannot precede its meeting)."""
    meeting = as_date(get(record, "meeting.date"))
    latest = today() + dt.timedelta(days=int(params.get("days", 7)))
    if meeting and meeting > latest:
        yield "meeting.date", {"meeting_date": uk_date(meeting), "today": uk_date(today()), "days": int(params.get("days", 7))}


@check("agreed_review_within")
def _agreed_review_within(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    """With a management agreement recorded, the next review still no more than ``months`` after the meeting."""
    meeting = as_date(get(record, "meeting.date"))
    next_review = as_date(get(record, "meeting.next_review_date"))
    if get(record, "meeting.type") == "closure" or not meeting or not next_review or not get(record, "meeting.management_agreement"):
        return
    limit = add_months(meeting, int(params["months"]))
    if next_review > limit:
        yield (
            "meeting.next_review_date",
            {
                "next_review": uk_date(next_review),
                "meeting_date": uk_date(meeting),
                "limit_date": uk_date(limit),
                "months": int(params["months"]),
                "agreement": str(get(record, "meeting.management_agreement")),
            },
        )


@check("plan_by_checkable")
def _plan_by_checkable(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    """An initial meeting whose ``plan_by`` timescale (``index``) applies but cannot be checked: the date it counts from is missing."""
    spec = plan_by_spec(record, profile, params)  # the same timescale, on the same meetings, as the plan_by check itself
    if spec is not None and not as_date(get(record, spec["from"])):
        yield spec["from"], {"what": spec.get("what", spec["from"])}
