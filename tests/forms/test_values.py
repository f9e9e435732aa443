"""Normalising what staff type: UK dates (never US order), yes/no words and ticks, numbers, choices, child id lists."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.errors import UnsafeFormError
from docgen.forms.values import MAX_FIELD_CHARS, normalise, parse_uk_date
from tests.shipped import field


def _read(path: str, raw: object) -> object:
    spec = field(path)
    assert spec is not None
    reading = normalise(spec, raw, path, "Meeting!B7")
    assert reading.problem is None, reading.problem
    return reading.value


@pytest.mark.parametrize(
    "typed",
    [
        "2/11/2026",
        "02/11/2026",
        "02/11/26",
        "2.11.2026",
        "2-11-2026",
        "2 Nov 2026",
        "2 nov. 2026",
        "2nd November 2026",
        "Monday 2nd November 2026",
        "2-Nov-26",
        "November 2, 2026",
        "2026-11-02",
        "2026-11-02T00:00:00Z",
        "46328",
        46328,
        46328.0,
        dt.datetime(2026, 11, 2, 0, 0),
        dt.date(2026, 11, 2),
    ],
)
def test_uk_dates_in_every_form_staff_type(typed: object) -> None:
    assert _read("meeting.date", typed) == "2026-11-02"


def test_day_comes_before_month_never_us_order() -> None:
    assert _read("meeting.date", "03/04/2026") == "2026-04-03"
    assert parse_uk_date("12/01/2026") == dt.date(2026, 1, 12)


def test_two_digit_year_of_birth_in_the_last_century() -> None:
    assert parse_uk_date("05/03/98", today=dt.date(2026, 11, 2)) == dt.date(1998, 3, 5)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2026", "Meeting date: '31/02/2026' is not a real date (there is no such day in that month)."),
        ("11/31/2026", "Meeting date: '11/31/2026' is not a real date (there is no such day in that month)."),
        ("next Tuesday", "Meeting date: 'next Tuesday' is not a date docgen can read."),
    ],
)
def test_impossible_dates_are_problems_quoting_what_was_typed(typed: str, message: str) -> None:
    spec = field("meeting.date")
    assert spec is not None
    reading = normalise(spec, typed, "meeting.date", "Meeting!B7")
    assert reading.value is None
    assert reading.problem is not None
    assert (reading.problem.rule, reading.problem.severity, reading.problem.message) == ("form-date", "error", message)
    assert (reading.problem.field, reading.problem.location) == ("meeting.date", "Meeting!B7")


@pytest.mark.parametrize("typed", ["Yes", "y", "TRUE", "✓", "✔", "☒", "x", True, 1])
def test_yes_words_and_ticks(typed: object) -> None:
    assert _read("children.attended", typed) is True


@pytest.mark.parametrize("typed", ["No", "n", "false", "☐", False, 0])
def test_no_words(typed: object) -> None:
    assert _read("children.attended", typed) is False


@pytest.mark.parametrize(
    ("typed", "number"),
    [("14", 14), ("14 days", 14), ("every 10 days", 10), (14.0, 14), (" 28 ", 28), ("1,000", 1000), (dt.datetime(1900, 1, 14), 14)],
)
def test_whole_numbers(typed: object, number: int) -> None:
    assert _read("meeting.visit_frequency_days", typed) == number


@pytest.mark.parametrize("typed", ["14.5", "7/10", "10 to 14 days", "fortnightly"])
def test_not_one_whole_number(typed: str) -> None:
    spec = field("meeting.visit_frequency_days")
    assert spec is not None
    reading = normalise(spec, typed, "meeting.visit_frequency_days", None)
    assert reading.problem is not None
    assert reading.problem.message == f"Visit frequency (days): '{typed}' is not a whole number."


@pytest.mark.parametrize(("typed", "number"), [("2 weeks", 14), ("every 2 weeks", 14), ("1 week", 7), ("4 Weeks", 28)])
def test_visit_frequency_in_weeks_is_counted_in_days(typed: str, number: int) -> None:
    # "every 2 weeks" once read as 2 days: visits every other day, and the form passed validation.
    assert _read("meeting.visit_frequency_days", typed) == number


@pytest.mark.parametrize("typed", ["1 month", "every 2 months", "28 days (4 weeks)", "2.5 weeks"])
def test_visit_frequency_in_other_units_is_refused_not_misread(typed: str) -> None:
    spec = field("meeting.visit_frequency_days")
    assert spec is not None
    reading = normalise(spec, typed, "meeting.visit_frequency_days", None)
    assert reading.value is None
    assert reading.problem is not None
    assert reading.problem.message == f"Visit frequency (days): '{typed}' is not a number of days."
    assert "28" in reading.problem.fix


@pytest.mark.parametrize("typed", ["step_down_map", "Step down to MAP", "STEP DOWN TO MAP", "step-down-map"])
def test_choices_by_value_or_title(typed: str) -> None:
    assert _read("decision.outcome", typed) == "step_down_map"


def test_unknown_choice_lists_the_choices() -> None:
    spec = field("meeting.type")
    assert spec is not None
    reading = normalise(spec, "Annual", "meeting.type", None)
    assert reading.problem is not None
    assert reading.problem.message == "Meeting type: 'Annual' is not one of the choices (Initial, Review, Closure)."


@pytest.mark.parametrize(("typed", "ids"), [("C1,C2", "C1, C2"), ("C1; C2", "C1, C2"), ("C1 and C2", "C1, C2"), ("all", "all")])
def test_child_id_lists(typed: str, ids: str) -> None:
    assert _read("objectives.child_ids", typed) == ids


def test_text_is_trimmed_and_empty_means_absent() -> None:
    assert _read("meeting.chair_name", "  Priya Shah \r\n") == "Priya Shah"
    assert _read("meeting.chair_name", "   ") is None
    assert _read("meeting.chair_name", None) is None
    assert _read("case.reference", 12345.0) == "12345"


def test_absurdly_long_text_is_refused() -> None:
    spec = field("children.views")
    assert spec is not None
    with pytest.raises(UnsafeFormError, match=r"^The form's 'Child's views' field \(Sheet!B2\) holds 30,001 characters"):
        normalise(spec, "a" * (MAX_FIELD_CHARS + 1), "children[0].views", "Sheet!B2")
