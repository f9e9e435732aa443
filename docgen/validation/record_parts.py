"""The parts of a record the rule checks look at: a group's items, the people in it, the meeting's date and type.

Like the checks, these never assume the schema passed: an item that is not an object is skipped and
a date that is missing or not a date comes back as None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from docgen.record import Record, as_date, child_name, get, person_label

__all__ = ["is_closure", "items_of", "meeting_date", "people_of", "person_context"]


def items_of(record: Record, group: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each item of a repeating group with its index, skipping anything that is not an object."""
    items = record.get(group)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def people_of(record: Record) -> Iterator[tuple[str, int, dict[str, Any], str]]:
    """Every child and participant as (group, index, item, role), children with role ``child``."""
    for index, child in items_of(record, "children"):
        yield "children", index, child, "child"
    for index, person in items_of(record, "participants"):
        yield "participants", index, person, str(person.get("role", "other"))


def person_context(group: str, item: dict[str, Any], role: str) -> dict[str, Any]:
    """What a rule's message may say of a person: ``{person}`` (name and role) and ``{name}``."""
    name = child_name(item) if group == "children" else str(item.get("name") or "someone unnamed")
    return {"person": person_label(item, role), "name": name}


def meeting_date(record: Record) -> dt.date | None:
    """The meeting's date, or None where it is missing or not a date."""
    return as_date(get(record, "meeting.date"))


def is_closure(record: Record) -> bool:
    """Whether this is a closure meeting."""
    return get(record, "meeting.type") == "closure"
