"""Dates as staff type them into sent-date columns, visit logs and ``--as-of``."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.ledger.dates import parse_day


@pytest.mark.parametrize(
    "typed",
    ["2027-01-05", "05/01/2027", "5/1/27", "5 Jan 2027", "5th January 2027", "05.01.2027", dt.datetime(2027, 1, 5, 9, 30), 46392],
)
def test_uk_and_iso_dates_and_date_cells_read_as_5_january_2027(typed: object) -> None:
    assert parse_day(typed) == dt.date(2027, 1, 5)


@pytest.mark.parametrize("typed", ["", "next Tuesday", "2027-02-30", "31/02/2027", None, True, 12])
def test_anything_else_is_not_a_date(typed: object) -> None:
    assert parse_day(typed) is None
