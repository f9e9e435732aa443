"""Dates as staff type them: ISO (2027-01-05), UK order (05/01/2027, 5 Jan 2027) or real spreadsheet dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

__all__ = ["parse_day"]

_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%d %b %y", "%d %B %y")


def parse_day(value: Any) -> dt.date | None:
    """The date a cell or argument holds, or None when it is blank or not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 30000 <= value <= 80000:
        # a date cell that lost its date format shows Excel's day number (46392 is 5 Jan 2027)
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    if not isinstance(value, str):
        return None
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", value.strip()).replace(",", " ")
    text = " ".join(text.split())
    if not text:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    return _uk(text)


def _uk(text: str) -> dt.date | None:
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
