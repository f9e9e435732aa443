"""Working days in England: weekends and England's bank holidays skipped, counted from the day after."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.workdays import add_months, add_working_days, bank_holidays, is_working_day

D = dt.date
days = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2026, 12, 17), 5, D(2026, 12, 24)),  # Thursday before Christmas
        (D(2026, 12, 17), 10, D(2027, 1, 5)),  # over Christmas, Boxing Day (Mon 28 substitute) and New Year
        (D(2027, 3, 24), 5, D(2027, 4, 2)),  # Good Friday 26 Mar and Easter Monday 29 Mar 2027
        (D(2026, 5, 20), 5, D(2026, 5, 28)),  # late May bank holiday 25 May 2026
        (D(2026, 8, 27), 1, D(2026, 8, 28)),
        (D(2026, 8, 28), 1, D(2026, 9, 1)),  # summer bank holiday 31 Aug 2026 (England only)
        (D(2026, 11, 20), 1, D(2026, 11, 23)),  # Friday → Monday
        (D(2026, 11, 21), 0, D(2026, 11, 21)),
    ],
)
def test_known_dates(start: dt.date, count: int, expected: dt.date) -> None:
    assert add_working_days(start, count) == expected


def test_england_holidays_include_easter_monday_and_august_but_not_scottish_ones() -> None:
    holidays_2026 = bank_holidays(2026)
    assert D(2026, 4, 6) in holidays_2026  # Easter Monday
    assert D(2026, 8, 31) in holidays_2026  # Summer bank holiday (England)
    assert D(2026, 8, 3) not in holidays_2026  # Scotland's summer holiday
    assert D(2026, 1, 2) not in holidays_2026  # Scotland's 2 January


@given(days, st.integers(min_value=1, max_value=60))
def test_result_is_a_working_day_after_the_start(start: dt.date, count: int) -> None:
    result = add_working_days(start, count)
    assert result > start
    assert is_working_day(result)


@given(days, st.integers(min_value=0, max_value=60))
def test_exactly_count_working_days_lie_in_between(start: dt.date, count: int) -> None:
    result = add_working_days(start, count)
    span = [start + dt.timedelta(days=i) for i in range(1, (result - start).days + 1)]
    assert sum(is_working_day(d) for d in span) == count


@given(days, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_counting_composes(start: dt.date, a: int, b: int) -> None:
    assert add_working_days(add_working_days(start, a), b) == add_working_days(start, a + b)


@given(days)
def test_a_week_of_working_days_never_takes_more_than_two_weeks(start: dt.date) -> None:
    assert (add_working_days(start, 5) - start).days <= 14


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [(D(2026, 12, 17), 3, D(2027, 3, 17)), (D(2026, 8, 31), 6, D(2027, 2, 28)), (D(2027, 8, 31), 6, D(2028, 2, 29)), (D(2026, 11, 30), 3, D(2027, 2, 28))],
)
def test_add_months_clamps_to_the_month_end(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


@given(days, st.integers(min_value=0, max_value=24))
def test_add_months_lands_in_the_right_month(start: dt.date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year - start.year) * 12 + result.month - start.month == months
    assert result.day <= start.day
