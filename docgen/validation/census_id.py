"""Warnings about the children's ``la_child_id``: missing (the form is valid, but the CIN census export needs it) or repeated."""

from __future__ import annotations

from collections.abc import Iterator

from docgen.record import Record, child_name
from docgen.validation.problems import Problem
from docgen.validation.record_parts import items_of
from docgen.validation.wording import path_of

__all__ = ["REPEATED", "RULE", "census_id_problems"]

RULE = "census-la-child-id"
REPEATED = "census-la-child-id-repeated"
_SECTION = "CIN census (DfE), LAchildID"


def census_id_problems(record: Record) -> Iterator[Problem]:
    """Warnings for a child with no LA child ID (at every meeting, before the census is due) or another child's ID."""
    holders: dict[str, str] = {}
    for index, child in items_of(record, "children"):
        la_child_id = str(child.get("la_child_id") or "").strip()
        if la_child_id and la_child_id.casefold() in holders:
            name, first = child_name(child), holders[la_child_id.casefold()]
            yield Problem(
                rule=REPEATED,
                severity="warning",
                field=path_of("children", index, "la_child_id"),
                message=f"{name} has the same LA child ID as {first} ({la_child_id}): the CIN census would count them as one child",
                section=_SECTION,
                fix=f"Check both children's IDs in the council's case management system and correct {name}'s row.",
            )
        if la_child_id:
            holders.setdefault(la_child_id.casefold(), child_name(child))
        else:
            name = child_name(child)
            yield Problem(
                rule=RULE,
                severity="warning",
                field=path_of("children", index, "la_child_id"),
                message=f"{name} has no LA child ID: the CIN census export (docgen export census) needs it and will leave {name} out",
                section=_SECTION,
                fix=f"Fill in LA child ID in {name}'s row with the child's ID in the council's case management system (letters and digits, at most 20).",
            )
