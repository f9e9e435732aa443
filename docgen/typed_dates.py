"""Dates staff type for what happened (a copy sent, a visit made): refused when they could not have happened.

One check for every door (``docgen sent``, the web app, a ``distribution.xlsx`` read back, visit logs): the
message shows the date as docgen read it and, where reading day and month the other way round would give a
date that fits, says so — ``12/5/2026`` meant as 5 December is read as 12 May.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["long_date", "out_of_range", "sent_date_problem", "swap_hint", "swapped", "today", "visit_date_problem"]


def today() -> dt.date:
    """The day a recorded date may not be after (one place, so tests can fix it)."""
    return dt.date.today()


def long_date(day: dt.date) -> str:
    """A date as staff read it in a sentence: ``12 May 2026``."""
    return f"{day.day} {day:%B %Y}"


def swapped(day: dt.date) -> dt.date | None:
    """The date with day and month the other way round, where that is a different real date."""
    if day.day > 12 or day.day == day.month:
        return None
    return dt.date(day.year, day.day, day.month)


def swap_hint(day: dt.date, earliest: dt.date | None, latest: dt.date | None) -> str:
    """``if you meant 5 December 2026, …`` where the day/month swap of ``day`` falls within the range; else ''."""
    other = swapped(day)
    if other is None or (earliest and other < earliest) or (latest and other > latest):
        return ""
    return f"if you meant {long_date(other)}, the day and month were read the other way round (type it day first, as {other:%d/%m/%Y})"


def out_of_range(day: dt.date, what: str, earliest: dt.date | None, earliest_is: str, today: dt.date) -> str | None:
    """None when ``day`` lies from ``earliest`` to ``today``; else one sentence naming the date as read and, where it fits, the swap."""
    if day > today:
        reason = f"is after today ({long_date(today)})"
    elif earliest is not None and day < earliest:
        reason = f"is before {earliest_is} on {long_date(earliest)}"
    else:
        return None
    hint = swap_hint(day, earliest, today)
    return f"The {what} {long_date(day)} {reason}: " + (hint or "check the day, the month and the year") + "."


def _today() -> dt.date:
    return today()  # looked up on each call, so a test's fixed day is seen


def sent_date_problem(day: dt.date, meeting_date: dt.date, today: dt.date | None = None) -> str | None:
    """Why a copy cannot have been sent on ``day`` (before the meeting, or after today); None when it could."""
    return out_of_range(day, "sent date", meeting_date, "the meeting", today or _today())


def visit_date_problem(day: dt.date, plan_start: dt.date | None, today: dt.date | None = None) -> str | None:
    """Why a visit cannot have been made on ``day`` (before the case's plan start, or after today); None when it could."""
    return out_of_range(day, "visit date", plan_start, "the plan start", today or _today())
