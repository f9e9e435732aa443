"""The warning for a child with no ``la_child_id``: the form is still valid, but the CIN census export needs the ID."""

from __future__ import annotations

from collections.abc import Iterator

from docgen.record import Record, child_name
from docgen.validation.record_parts import items_of
from docgen.validation.report import Problem
from docgen.validation.wording import path_of

__all__ = ["RULE", "census_id_problems"]

RULE = "census-la-child-id"
_SECTION = "CIN census (DfE), LAchildID"


def census_id_problems(record: Record) -> Iterator[Problem]:
    """A warning per child with no LA child ID, at every meeting, so the gap is seen before the census is due."""
    for index, child in items_of(record, "children"):
        if not str(child.get("la_child_id") or "").strip():
            name = child_name(child)
            yield Problem(
                RULE,
                "warning",
                path_of("children", index, "la_child_id"),
                f"{name} has no LA child ID: the CIN census export (docgen export census) needs it and will leave {name} out",
                _SECTION,
                f"Fill in LA child ID in {name}'s row with the child's ID in the council's case management system (letters and digits, at most 20).",
            )
