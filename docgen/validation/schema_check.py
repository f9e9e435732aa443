"""JSON Schema validation of the canonical record, every error translated into words admin staff can act on."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from docgen.profiles import Profile
from docgen.record import PLAUSIBLE_YEARS, Record, as_date
from docgen.schema import Catalogue, base_schema
from docgen.validation.problems import Problem
from docgen.validation.wording import describe_item, path_of

__all__ = ["schema_problems"]

_SECTION = ""  # the base schema is the form itself, not a procedure section


_FORMATS = FormatChecker()
_FORMATS.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)


@_FORMATS.checks("date")
def _plausible_date(value: object) -> bool:
    """A real ``YYYY-MM-DD`` date in a year a form can mean: 31/12/9999 is a typo, and no deadline can follow it."""
    if not isinstance(value, str):
        return True
    return Draft202012Validator.FORMAT_CHECKER.conforms(value, "date") and as_date(value) is not None


@lru_cache(maxsize=16)
def _validators(profile: Profile) -> tuple[Draft202012Validator, ...]:
    schemas = (base_schema(), *profile.schema_overlays)
    return tuple(Draft202012Validator(s, format_checker=_FORMATS) for s in schemas)


def schema_problems(record: Record, profile: Profile, fields: Catalogue) -> Iterator[Problem]:
    """Every way ``record`` breaks the base schema or the profile's overlay, each field named as ``fields`` (what forms are read against) titles it."""
    seen: set[tuple[str, str]] = set()
    for validator in _validators(profile):
        for error in sorted(validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path))):
            for problem in _translate(error, record, profile, fields):
                key = (problem.field, problem.rule)
                if key not in seen:
                    seen.add(key)
                    yield problem


def _owner(record: Record, parts: list[str | int]) -> str:
    """ "for Daniel Jones (parent)" when the path is inside a group item, else ""."""
    if len(parts) >= 2 and isinstance(parts[0], str) and isinstance(parts[1], int):
        return f" for {describe_item(record, parts[0], parts[1])}"
    return ""


def _translate(error: ValidationError, record: Record, profile: Profile, fields: Catalogue) -> Iterator[Problem]:
    parts: list[str | int] = list(error.absolute_path)
    kind = str(error.validator)
    if kind in ("allOf", "if", "then"):
        return
    if kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        for name in error.validator_value:
            if name not in instance and f"{name!r} is a required property" == error.message:
                yield _missing(record, profile, fields, [*parts, name])
        return
    if kind == "minLength" and error.validator_value == 1:
        yield _missing(record, profile, fields, parts)
        return

    path = path_of(*parts)
    title = fields.title_of(path)
    owner = _owner(record, parts)
    value = error.instance
    spec = fields.field(path)
    if kind == "minItems":
        noun = title.lower()
        yield Problem(
            rule="schema-min-items",
            severity="error",
            field=path,
            message=f"{title}: at least {error.validator_value} row is needed, and none is filled in",
            section=_SECTION,
            fix=f"Add at least one row to {noun}.",
        )
    elif kind == "type":
        expected = {
            "integer": "a whole number",
            "boolean": "Yes or No",
            "string": "text",
            "array": "a table of rows",
            "object": "a set of fields",
        }
        want = expected.get(str(error.validator_value), str(error.validator_value))
        yield Problem(
            rule="schema-type",
            severity="error",
            field=path,
            message=f"{title}{owner} must be {want}, not {value!r}",
            section=_SECTION,
            fix=f"Enter {want} for {title}.",
        )
    elif kind == "format":
        real = Draft202012Validator.FORMAT_CHECKER.conforms(value, "date")
        yield Problem(
            rule="schema-date",
            severity="error",
            field=path,
            message=f"{title}{owner} is {value!r}: the year must be between {PLAUSIBLE_YEARS[0]} and {PLAUSIBLE_YEARS[-1]}"
            if real
            else f"{title}{owner} is not a real date: {value!r}",
            section=_SECTION,
            fix=f"Enter {title} as a date, for example 02/11/2026.",
        )
    elif kind == "enum":
        choices = ", ".join(spec.enum_titles) if spec else ", ".join(map(str, error.validator_value))
        yield Problem(
            rule="schema-choice",
            severity="error",
            field=path,
            message=f"{title}{owner} is {value!r}, which is not one of the choices",
            section=_SECTION,
            fix=f"Choose one of: {choices}.",
        )
    elif kind == "pattern" and path.endswith("email"):  # a line break or a second address would add recipients to an email
        yield Problem(
            rule="schema-email",
            severity="error",
            field=path,
            message=f"{title}{owner} {value!r} must be one email address on one line",
            section=_SECTION,
            fix=f"Enter one address for {title}, like name@agency.example: no line breaks, commas or second address.",
        )
    elif kind == "pattern":
        hint = spec.description if spec else "use letters, digits, - and _ only"
        yield Problem(
            rule="schema-pattern",
            severity="error",
            field=path,
            message=f"{title}{owner} {value!r} is not in the right form",
            section=_SECTION,
            fix=hint,
        )
    elif kind in ("minimum", "maximum"):
        low = spec.minimum if spec else None
        high = spec.maximum if spec else None
        span = (
            f"between {low} and {high}"
            if low is not None and high is not None
            else f"at least {low}"
            if low is not None
            else f"at most {high}"
        )
        yield Problem(
            rule="schema-range",
            severity="error",
            field=path,
            message=f"{title}{owner} is {value!r}; it must be {span}",
            section=_SECTION,
            fix=f"Enter a number {span}.",
        )
    else:
        yield Problem(
            rule=f"schema-{kind}",
            severity="error",
            field=path,
            message=f"{title}{owner}: {error.message}",
            section=_SECTION,
            fix="Correct this field.",
        )


def _missing(record: Record, profile: Profile, fields: Catalogue, parts: list[str | int]) -> Problem:
    path = path_of(*parts)
    plain = ".".join(p for p in parts if isinstance(p, str))
    custom: dict[str, Any] | None = profile.schema_rules.get(plain)
    title = fields.title_of(path)
    if custom:
        return Problem(
            rule=custom["id"],
            severity="error",
            field=path,
            message=custom["message"],
            section=custom.get("cite", custom.get("section", "")),
            fix=custom["fix"],
        )
    owner = _owner(record, parts)
    return Problem(
        rule="schema-required",
        severity="error",
        field=path,
        message=f"{title}{owner} is missing",
        section=_SECTION,
        fix=_fill_in(parts, title, owner),
    )


def _fill_in(parts: list[str | int], title: str, owner: str) -> str:
    """The fix for a missing field; a whole missing section names the questions in it to answer."""
    spec = base_schema()["properties"].get(parts[0], {}) if len(parts) == 1 and isinstance(parts[0], str) else {}
    if spec.get("type") == "array":
        return f"Add at least one row to the {title} table, filling in every column marked *."
    if spec.get("type") == "object":
        needed = [spec["properties"][name].get("title", name) for name in spec.get("required", ()) if name in spec.get("properties", {})]
        if needed:
            return f"Fill in the {title} section: {', '.join(needed[:-1])}{' and ' if len(needed) > 1 else ''}{needed[-1]}."
    return f"Fill in {title}{owner}."
