"""Turning what staff typed or picked on a form into the canonical record's types, by the schema field's type."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from docgen.errors import UnsafeFormError
from docgen.forms.labels import label_key
from docgen.schema import Field
from docgen.validation.problems import Problem

__all__ = ["MAX_FIELD_CHARS", "Reading", "normalise", "parse_uk_date"]

#: The longest text docgen accepts in one field: about ten typed pages. Anything longer is not a meeting note.
MAX_FIELD_CHARS = 30_000

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 once its 1900 leap-year bug is allowed for
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+"
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ][0-9:.]+(?:z|[+-]\d\d:?\d\d)?)?$")
_DAY_MONTH_YEAR = re.compile(rf"^(?:{_WEEKDAY})?(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-/.]+([a-z]+)\.?[\s,\-/.]+(\d{{2}}|\d{{4}})$")
_MONTH_DAY_YEAR = re.compile(rf"^(?:{_WEEKDAY})?([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$")
_INTEGER = re.compile(r"^([+-]?\d[\d,]*)(?:\.0*)?(?:\s*[a-z() ]*)?$")

_NUMBER_IN_WORDS = re.compile(r"(?<![\w.])\d[\d,]*(?![\w.])")

_TRUE = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "☑", "☒", "✅", "ticked", "checked", "on"}
_FALSE = {"no", "n", "false", "f", "0", "✗", "✘", "☐", "unticked", "unchecked", "off", "none"}


@dataclass(frozen=True)
class Reading:
    """One field as read: the normalised value (None = absent) or the problem that stopped it."""

    value: Any
    problem: Problem | None = None


def normalise(spec: Field, raw: Any, path: str, location: str | None) -> Reading:
    """``raw`` (text, a number, a date or a bool from a cell or control) as the type ``spec`` wants."""
    if raw is None:
        return Reading(None)
    if isinstance(raw, str):
        if len(raw) > MAX_FIELD_CHARS:
            where = f" ({location})" if location else ""
            raise UnsafeFormError(
                f"The form's '{spec.title}' field{where} holds {len(raw):,} characters, far more than any meeting form: "
                f"shorten it to under {MAX_FIELD_CHARS:,} characters (or attach the long text separately) and drop the form in again."
            )
        raw = raw.strip()
        if not raw:
            return Reading(None)
    reader = _READERS.get(spec.type, _text)
    return reader(spec, raw, path, location)


def _problem(rule: str, spec: Field, path: str, location: str | None, message: str, fix: str) -> Reading:
    return Reading(None, Problem(rule=rule, severity="error", field=path, message=message, section="", fix=fix, location=location))


def parse_uk_date(raw: Any, *, today: dt.date | None = None) -> dt.date | None:
    """A date from a cell or typed text, day before month (never US order); None when it cannot be one.

    Raises ``ValueError`` for text shaped like a date that names a day that does not exist (31/02/2026).
    """
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return _from_serial(raw)
    text = " ".join(str(raw).strip().lower().split())
    if re.fullmatch(r"\d{4,5}(?:\.0+)?", text):
        return _from_serial(float(text))
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if match := _NUMERIC.match(text):
        day, month, year = (int(g) for g in match.groups())
        return dt.date(_full_year(year, match.group(3), today), month, day)
    if match := _DAY_MONTH_YEAR.match(text):
        named = _MONTHS.get(match.group(2))
        if named is None:
            return None
        return dt.date(_full_year(int(match.group(3)), match.group(3), today), named, int(match.group(1)))
    if match := _MONTH_DAY_YEAR.match(text):
        named = _MONTHS.get(match.group(1))
        if named is None:
            return None
        return dt.date(int(match.group(3)), named, int(match.group(2)))
    return None


def _from_serial(number: float) -> dt.date | None:
    # Serial numbers only make sense as whole days between about 1955 and 2119.
    if number != int(number) or not 20_000 <= number <= 80_000:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def _full_year(year: int, typed: str, today: dt.date | None) -> int:
    if len(typed) == 4:
        return year
    # Two-digit years: this century unless that lands more than 20 years ahead (a date of birth in '98).
    now = (today or dt.date.today()).year
    return 2000 + year if 2000 + year <= now + 20 else 1900 + year


def _date(spec: Field, raw: Any, path: str, location: str | None) -> Reading:
    try:
        parsed = parse_uk_date(raw)
    except ValueError:
        return _problem(
            "form-date",
            spec,
            path,
            location,
            f"{spec.title}: '{raw}' is not a real date (there is no such day in that month).",
            "Check the day and month and type the date as day/month/year, for example 02/11/2026.",
        )
    if parsed is None:
        return _problem(
            "form-date",
            spec,
            path,
            location,
            f"{spec.title}: '{raw}' is not a date docgen can read.",
            "Type the date as day/month/year, for example 02/11/2026 or 2 November 2026.",
        )
    return Reading(parsed.isoformat())


def _boolean(spec: Field, raw: Any, path: str, location: str | None) -> Reading:
    if isinstance(raw, bool):
        return Reading(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return Reading(bool(raw))
    word = str(raw).strip().lower().rstrip(".!")
    if word in _TRUE:
        return Reading(True)
    if word in _FALSE:
        return Reading(False)
    return _problem(
        "form-yes-no",
        spec,
        path,
        location,
        f"{spec.title}: '{raw}' is not a yes or no answer.",
        "Answer Yes or No (or tick the box for yes).",
    )


_TIME_UNIT = re.compile(r"\b(day|week|fortnight|month|year|hour)s?\b")


def _integer(spec: Field, raw: Any, path: str, location: str | None) -> Reading:
    if isinstance(raw, str) and spec.name.endswith("_days"):
        return _days(spec, raw, path, location)
    return _whole_number(spec, raw, path, location)


def _whole_number(spec: Field, raw: Any, path: str, location: str | None) -> Reading:
    if isinstance(raw, bool):
        raw = str(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date) and raw.year <= 1900:
        # A number in a cell formatted as a date: 14 shows as 14/01/1900. Excel counts a 29/02/1900
        # that never was, so its days before March 1900 start one day later.
        raw = (raw - (dt.date(1899, 12, 31) if raw < dt.date(1900, 3, 1) else _EXCEL_EPOCH)).days
    if isinstance(raw, int):
        return Reading(raw)
    if isinstance(raw, float) and raw == int(raw):
        return Reading(int(raw))
    text = str(raw).strip().lower()
    match = _INTEGER.match(text)
    if match:
        return Reading(int(match.group(1).replace(",", "")))
    # "every 10 days", "approx. 14": one whole number among words
    numbers = _NUMBER_IN_WORDS.findall(text)
    if len(numbers) == 1 and not re.search(r"\d[.,/]\d|\d\s*[/-]\s*\d", text):
        return Reading(int(numbers[0].replace(",", "")))
    return _problem(
        "form-number",
        spec,
        path,
        location,
        f"{spec.title}: '{raw}' is not a whole number.",
        "Type a whole number in figures, for example 14.",
    )


def _days(spec: Field, raw: str, path: str, location: str | None) -> Reading:
    """A number of days as typed: "14", "every 14 days", or "2 weeks" (14); never "2 weeks" read as 2 days."""
    units = set(_TIME_UNIT.findall(raw.lower()))
    if units <= {"day"}:
        return _whole_number(spec, raw, path, location)
    if units == {"week"}:
        reading = _whole_number(spec, re.sub(r"\bweeks?\b", "", raw.lower()).strip(), path, location)
        if reading.problem is None and reading.value is not None:
            return Reading(reading.value * 7)
    return _problem(
        "form-number",
        spec,
        path,
        location,
        f"{spec.title}: '{raw}' is not a number of days.",
        "Type the number of days in figures, for example 28 (a month is not a fixed number of days).",
    )


def _enum(spec: Field, raw: Any, path: str, location: str | None) -> Reading:
    key = label_key(str(raw))
    for value, title in zip(spec.enum, spec.enum_titles, strict=True):
        if key in (label_key(value), label_key(title)):
            return Reading(value)
    choices = ", ".join(spec.enum_titles)
    return _problem(
        "form-choice",
        spec,
        path,
        location,
        f"{spec.title}: '{raw}' is not one of the choices ({choices}).",
        f"Pick one of: {choices}.",
    )


def _text(spec: Field, raw: Any, path: str, location: str | None) -> Reading:
    if isinstance(raw, float) and raw == int(raw):
        raw = int(raw)  # a case number typed into a number cell reads back as 12345.0
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
    if spec.name == "child_ids":
        ids = [part for part in re.split(r"[,;/&+\s]+|\band\b", text) if part]
        text = ", ".join(ids)
    # Word and Excel keep tidy text, but stray \r and trailing spaces on lines are noise.
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()
    return Reading(text or None)


_READERS = {"date": _date, "boolean": _boolean, "integer": _integer, "enum": _enum, "string": _text}
