"""Hypothesis strategies for canonical records, drawn from the schema: every field, every type, any mix of blanks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from docgen.blanks.form_layout import spare_rows
from docgen.schema import Field, Group, schema_version
from tests.shipped import available_profiles, fields, groups

__all__ = ["records"]

# What staff type: letters (some accented), digits, everyday punctuation. No "=" (a spreadsheet would take it
# for a formula) and no leading or trailing spaces ("empty means absent" and text is trimmed when read).
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éèüçñ'’£&%()-,.?!/", min_size=1, max_size=12)
_LINE = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_TEXT = st.lists(_LINE, min_size=1, max_size=3).map("\n".join)
_ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,8}", fullmatch=True)
_DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)).map(dt.date.isoformat)


def _value(spec: Field) -> st.SearchStrategy[Any]:
    if spec.path == "policy":
        return st.sampled_from(available_profiles())
    if spec.type == "date":
        return _DATES
    if spec.type == "enum":
        return st.sampled_from(spec.enum)
    if spec.type == "boolean":
        return st.booleans()
    if spec.type == "integer":
        return st.integers(
            min_value=spec.minimum if spec.minimum is not None else 0, max_value=spec.maximum if spec.maximum is not None else 400
        )
    if spec.name in ("id", "objective_id", "reference"):
        return _ID
    if spec.name == "child_ids":
        return st.one_of(st.just("all"), st.lists(_ID, min_size=1, max_size=3, unique=True).map(", ".join))
    return _TEXT


def _fields(specs: tuple[Field, ...], *, all_required: bool) -> st.SearchStrategy[dict[str, Any]]:
    """An object where required fields are always present and optional ones come and go."""
    return st.fixed_dictionaries(
        {s.name: _value(s) for s in specs if s.required or all_required},
        optional={s.name: _value(s) for s in specs if not (s.required or all_required)},
    )


def _group(group: Group) -> st.SearchStrategy[list[dict[str, Any]]]:
    # a row is one item only if something other than a tick box is filled in: required fields see to that
    return st.lists(_fields(group.fields, all_required=False), min_size=0, max_size=min(3, spare_rows(group)))


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A canonical record with any mix of fields filled in, as a blank form from ``docgen forms`` could hold it."""
    record: dict[str, Any] = {"form_version": schema_version()}
    sections: dict[str | None, list[Field]] = {}
    for spec in fields():
        if spec.path != "form_version":
            sections.setdefault(spec.section, []).append(spec)
    for section, specs in sections.items():
        values = draw(_fields(tuple(specs), all_required=False))
        if section is None:
            record.update(values)
        elif values:
            record[section] = values
    for group in groups():
        items = draw(_group(group))
        if items:
            record[group.name] = items
    return record
