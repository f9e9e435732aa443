"""Working days in England (weekends and England's bank holidays skipped) and calendar arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import holidays

__all__ = ["add_days", "add_months", "add_working_days", "bank_holidays", "is_working_day"]


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in ``year`` (GB with subdivision ENG: includes Easter Monday and the August holiday)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not an England bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself never counts)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def add_days(start: dt.date, count: int, day_kind: str = "calendar") -> dt.date:
    """``count`` calendar or working days after ``start``, as a profile's ``day_kind`` says."""
    if day_kind == "working":
        return add_working_days(start, count)
    if day_kind == "calendar":
        return start + dt.timedelta(days=count)
    raise ValueError(f"unknown day kind {day_kind!r}")


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day where it is shorter (31 Aug + 6 → 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
