"""The timing checks at the edges: a meeting dated ahead of today (usually a typo in the year)."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.validation import timing, validate_record
from tests.conftest import clean_initial

TESTED_IN_TEST_TIMING = {"standard-3.1-meeting-date-in-future"}


@pytest.mark.parametrize("policy", ["standard", "south-gloucestershire"])
@pytest.mark.parametrize(
    ("today", "warned"),
    [
        ("2026-12-10", False),  # the meeting on 17 Dec is 7 days ahead: a form filled in early is fine
        ("2026-12-09", True),  # 8 days ahead
        ("2025-12-17", True),  # the year typed one too high would look like this
        ("2027-06-01", False),
    ],
)
def test_a_meeting_more_than_a_week_ahead_is_a_warning(monkeypatch: pytest.MonkeyPatch, policy: str, today: str, warned: bool) -> None:
    monkeypatch.setattr(timing, "today", lambda: dt.date.fromisoformat(today))
    problems = [(p.rule, p.severity, p.field) for p in validate_record(clean_initial(), policy).problems]
    assert problems == ([("standard-3.1-meeting-date-in-future", "warning", "meeting.date")] if warned else [])


def test_the_warning_says_what_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timing, "today", lambda: dt.date(2025, 12, 17))
    (problem,) = validate_record(clean_initial(), "standard").problems
    assert (
        problem.message
        == "The meeting date 17 Dec 2026 is more than 7 days after today (17 Dec 2025): the record of a meeting is made after it"
    )
    assert problem.section == "procedure 3.1"


@pytest.mark.parametrize(("team", "unchecked"), [("Health and Disability", True), ("Assessment", False)])
def test_a_plan_by_timescale_that_does_not_apply_is_not_called_unchecked(team: str, unchecked: bool) -> None:
    # a council's timescale counted from a date only its Health and Disability team records: with that date missing,
    # the team's meeting is told the check could not run; another team's meeting, to which it does not apply, is not
    import dataclasses

    from docgen.validation.rules import CHECKS
    from tests.shipped import load_profile

    standard = load_profile("standard")
    spec = {
        "from": "case.assessment_start_date",
        "days": 20,
        "day_kind": "working",
        "what": "the assessment began",
        "when": {"key_worker.team": "Health and Disability"},
    }
    profile = dataclasses.replace(standard, timescales={**standard.timescales, "plan_by": [spec]})
    record = clean_initial()
    record["case"].pop("assessment_start_date", None)
    record["key_worker"]["team"] = team
    found = list(CHECKS["plan_by_checkable"](record, profile, {"index": 0}))
    assert found == ([("case.assessment_start_date", {"what": "the assessment began"})] if unchecked else [])
