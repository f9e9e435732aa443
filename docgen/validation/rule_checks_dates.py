"""Rule checks on dates: in the order a case goes, within the profile's timescales, and visits often enough.

The timescales (``plan_by``, ``review_interval``, ``visit_interval_max_days``, the escalation point) are
profile data; these checks only compare the form's dates with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from docgen.profiles import Profile
from docgen.record import Record, as_date, child_name, get
from docgen.timescales import applicable, condition_holds, period_of
from docgen.typed_dates import swap_hint
from docgen.validation.checks import Finding, check
from docgen.validation.record_parts import is_closure, items_of, meeting_date
from docgen.validation.wording import path_of, uk_date
from docgen.workdays import add_months

__all__ = ["plan_by_spec"]


@check("dates_in_order")
def _dates_in_order(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    meeting = meeting_date(record)
    referral = as_date(get(record, "case.referral_date"))
    started = as_date(get(record, "case.assessment_start_date"))
    completed = as_date(get(record, "case.assessment_completed_date"))
    plan_start = as_date(get(record, "case.plan_start_date"))

    def breach(
        path: str, message: str, fix: str, day: dt.date | None = None, after: dt.date | None = None, before: dt.date | None = None
    ) -> Finding:
        # a date typed month first often reads as a real but out-of-order date: say so where the swap would fit
        hint = swap_hint(day, after, before) if day else ""
        return path, {"message": message, "fix": f"{hint[0].upper()}{hint[1:]}." if hint else fix}

    if meeting and referral and referral > meeting:
        yield breach(
            "case.referral_date",
            f"The referral date {uk_date(referral)} is after the meeting on {uk_date(meeting)}",
            "Check the referral date and the meeting date.",
            referral,
            None,
            meeting,
        )
        referral = None  # the referral date is the one in doubt: other dates are not blamed for preceding it
    if referral and started and started < referral:
        yield breach(
            "case.assessment_start_date",
            f"The assessment started on {uk_date(started)}, before the referral on {uk_date(referral)}",
            "Check the assessment start date and the referral date.",
            started,
            referral,
            meeting,
        )
        started = None  # the one in doubt: not blamed twice (completion before it)
    if (
        started
        and completed
        and completed < started
        and swap_hint(started, referral, completed)
        and not swap_hint(completed, started, meeting)
    ):
        # the start date is the one typed month first: blame it, once, with the date it was meant to be
        yield breach(
            "case.assessment_start_date",
            f"The assessment started on {uk_date(started)}, after it was completed on {uk_date(completed)}",
            "Check the assessment start and completion dates.",
            started,
            referral,
            completed,
        )
    elif started and completed and completed < started:
        yield breach(
            "case.assessment_completed_date",
            f"The assessment was completed on {uk_date(completed)}, before it started on {uk_date(started)}",
            "Check the assessment start and completion dates.",
            completed,
            started,
            meeting,
        )
    if meeting and plan_start and plan_start > meeting:
        yield breach(
            "case.plan_start_date",
            f"The plan start date {uk_date(plan_start)} is after the meeting on {uk_date(meeting)}",
            "The plan starts at the initial meeting: check the plan start date.",
            plan_start,
            referral,
            meeting,
        )
    elif referral and plan_start and plan_start < referral and get(record, "meeting.type") == "initial":
        # only at the initial meeting: a review's form may give a later re-referral, made while the plan ran
        yield breach(
            "case.plan_start_date",
            f"The plan start date {uk_date(plan_start)} is before the referral on {uk_date(referral)}",
            "A plan follows the referral: check the plan start date and the referral date.",
            plan_start,
            referral,
            meeting,
        )
    for index, child in items_of(record, "children"):
        born = as_date(child.get("date_of_birth"))
        if meeting and born and born >= meeting:
            yield breach(
                path_of("children", index, "date_of_birth"),
                f"{child_name(child)}'s date of birth {uk_date(born)} is not before the meeting on {uk_date(meeting)}",
                f"Check {child_name(child)}'s date of birth.",
                born,
                None,
                meeting - dt.timedelta(days=1),
            )
    carried_over = get(record, "meeting.type") in ("review", "closure")  # their past dates: ``carried_dates``, a warning
    for index, objective in items_of(record, "objectives"):
        target = as_date(objective.get("target_date"))
        if meeting and target and not carried_over and target <= meeting:
            yield breach(
                path_of("objectives", index, "target_date"),
                f"Objective {objective.get('id', index + 1)}'s target date {uk_date(target)} is not after the meeting on {uk_date(meeting)}",
                "Set a target date after the meeting.",
                target,
                meeting + dt.timedelta(days=1),
            )
    for index, action in items_of(record, "actions"):
        due = as_date(action.get("due_date"))
        if meeting and due and due < meeting and not carried_over:
            yield breach(
                path_of("actions", index, "due_date"),
                f'Action "{action.get("action", index + 1)}" is due on {uk_date(due)}, before the meeting on {uk_date(meeting)}',
                "Set a due date on or after the meeting.",
                due,
                meeting,
            )
    for index, service in items_of(record, "services"):
        begins, ends = as_date(service.get("start_date")), as_date(service.get("end_date"))
        if begins and ends and ends < begins:
            yield breach(
                path_of("services", index, "end_date"),
                f'Service "{service.get("service", index + 1)}" ends on {uk_date(ends)}, before it starts on {uk_date(begins)}',
                "Check the service's start and end dates.",
                ends,
                begins,
            )


def plan_by_spec(record: Record, profile: Profile, params: dict[str, Any]) -> dict[str, Any] | None:
    """The ``plan_by`` timescale a rule's ``index`` names, where it applies: an initial meeting its ``when`` holds for."""
    limits = profile.timescale("plan_by") or []
    index = int(params.get("index", 0))
    if get(record, "meeting.type") != "initial" or index >= len(limits):
        return None
    spec: dict[str, Any] = limits[index]
    return spec if condition_holds(spec.get("when"), record) else None


@check("plan_by")
def _plan_by(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    spec = plan_by_spec(record, profile, params)
    meeting = meeting_date(record)
    start = as_date(get(record, spec["from"])) if spec else None
    if spec is None or not meeting or not start:
        return
    limit = period_of(spec).after(start)
    if meeting > limit:
        yield (
            "meeting.date",
            {
                "meeting_date": uk_date(meeting),
                "limit_date": uk_date(limit),
                "from_date": uk_date(start),
                "what": spec.get("what", spec["from"]),
            },
        )


@check("review_interval")
def _review_interval(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    spec = applicable(profile.timescale("review_interval"), record)
    meeting = meeting_date(record)
    next_review = as_date(get(record, "meeting.next_review_date"))
    if not spec or is_closure(record) or not meeting or not next_review:
        return
    if spec.get("unless") and get(record, spec["unless"]):
        return
    period = period_of(spec)
    limit = period.after(meeting)
    interval = spec.get("label", period.words())
    if next_review > limit:
        yield (
            "meeting.next_review_date",
            {
                "next_review": uk_date(next_review),
                "meeting_date": uk_date(meeting),
                "limit_date": uk_date(limit),
                "interval": interval,
            },
        )


@check("next_review_after_meeting")
def _next_review_after_meeting(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    meeting = meeting_date(record)
    next_review = as_date(get(record, "meeting.next_review_date"))
    if meeting and next_review and next_review <= meeting:
        yield "meeting.next_review_date", {"next_review": uk_date(next_review), "meeting_date": uk_date(meeting)}


@check("six_month_point")
def _six_month_point(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    escalation = profile.timescale("escalation") or {}
    meeting = meeting_date(record)
    plan_start = as_date(get(record, "case.plan_start_date"))
    if get(record, "meeting.type") != "review" or not meeting or not plan_start or "principal_manager_months" not in escalation:
        return
    point = add_months(plan_start, int(escalation["principal_manager_months"]))
    if meeting >= point:
        yield "meeting.date", {"plan_start": uk_date(plan_start), "six_months": uk_date(point), "meeting_date": uk_date(meeting)}


@check("plan_start_known")
def _plan_start_known(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if get(record, "meeting.type") == "review" and not get(record, "case.plan_start_date"):
        yield "case.plan_start_date", {}


@check("visit_frequency")
def _visit_frequency(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    spec = applicable(profile.timescale("visit_interval_max_days"), record)
    frequency = get(record, "meeting.visit_frequency_days")
    meeting = meeting_date(record)
    if not spec or not isinstance(frequency, int) or isinstance(frequency, bool) or not meeting:
        return
    max_days = (period_of(spec).after(meeting) - meeting).days
    if frequency > max_days:
        yield "meeting.visit_frequency_days", {"frequency": frequency, "max_days": max_days}
