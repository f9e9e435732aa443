"""The deadlines a meeting sets, under both profiles."""

from __future__ import annotations

from docgen.deadlines import meeting_deadlines
from tests.conftest import clean_closure, clean_initial, clean_review
from tests.shipped import load_profile


def _table(record: dict[str, object], profile: str = "standard") -> list[tuple[str, str, str]]:
    return [(d.kind, d.date.isoformat(), d.section) for d in meeting_deadlines(record, load_profile(profile))]


def test_initial_meeting_before_christmas() -> None:
    assert _table(clean_initial()) == [
        ("record_due", "2026-12-24", "procedure 3.1"),
        ("visit", "2026-12-31", "procedure 5.2"),
        ("copies_due", "2027-01-05", "procedure 3.3"),
        ("visit", "2027-01-14", "procedure 5.2"),
        ("visit", "2027-01-28", "procedure 5.2"),
        ("next_review", "2027-02-11", "procedure 4.1"),
        ("visit", "2027-02-11", "procedure 5.2"),
    ]


def test_south_gloucestershire_cites_its_own_review_interval_and_keeps_the_rest() -> None:
    sections = {kind: section for kind, _, section in _table(clean_initial(), "south-gloucestershire")}
    assert sections == {
        "record_due": "procedure 3.1",
        "copies_due": "procedure 3.3",
        "visit": "procedure 5.2",
        "next_review": "South Gloucestershire guidance, Expectations: reviews every 8 weeks",
    }


def test_review_at_six_months_raises_a_principal_manager_review() -> None:
    record = clean_review()
    record["case"]["plan_start_date"] = "2026-08-11"
    kinds = {kind: date for kind, date, _ in _table(record)}
    assert kinds["principal_manager_review"] == "2027-02-11"


def test_review_before_six_months_raises_none() -> None:
    assert "principal_manager_review" not in {k for k, _, _ in _table(clean_review())}


def test_closure_sets_no_review_and_no_visits() -> None:
    assert [k for k, _, _ in _table(clean_closure())] == ["record_due", "copies_due"]


def test_escalation_to_safeguarding_is_due_on_the_meeting_day() -> None:
    record = clean_initial()
    record["decision"]["outcome"] = "escalate_safeguarding"
    assert ("safeguarding", "2026-12-17", "procedure 4.4") in _table(record)


def test_late_may_and_easter_bank_holidays_move_the_due_dates() -> None:
    record = clean_initial()
    record["meeting"].update(date="2027-03-25", next_review_date="2027-05-20")  # Thursday before Good Friday
    due = {k: d for k, d, _ in _table(record)}
    assert due["record_due"] == "2027-04-05"  # skips Good Friday 26 Mar and Easter Monday 29 Mar
    assert due["copies_due"] == "2027-04-12"
    record["meeting"].update(date="2027-05-27", next_review_date="2027-07-22")  # late May bank holiday is 31 May 2027
    due = {k: d for k, d, _ in _table(record)}
    assert due["record_due"] == "2027-06-04"
    assert due["copies_due"] == "2027-06-11"
