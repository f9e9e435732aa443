"""Plain helpers over the canonical record (a ``dict`` shaped as DESIGN.md's table)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "PLAUSIBLE_YEARS",
    "Record",
    "applies_to",
    "as_date",
    "child_name",
    "clean",
    "get",
    "is_email_address",
    "objective_child_ids",
    "objectives_for",
    "person_label",
    "receives_copy",
]

Record = dict[str, Any]

#: years a date on a meeting form can be in; outside them it is a typo (9999), and deadlines worked out from it
#: (months and working days later) would run past the calendar's end
PLAUSIBLE_YEARS = range(1900, 2200)


def clean(value: Any) -> Any:
    """Trim text and drop empty values everywhere ("empty means absent"); empty list items go too."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = clean(item)
            if item is None or item == "" or item == {}:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [c for c in (clean(i) for i in value) if c not in (None, "", {})]
    return value


def get(record: Record, path: str) -> Any:
    """The value at a dotted path (``meeting.date``), or None."""
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def as_date(value: Any) -> dt.date | None:
    """An ISO date string as a ``date``; None for anything else, or a year no form can mean (the schema reports bad dates)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, dt.date) and value.year in PLAUSIBLE_YEARS:
        return value
    return None


def child_name(child: dict[str, Any]) -> str:
    """``Amy Jones``, or the child's id where the name is missing."""
    name = " ".join(p for p in (child.get("first_name"), child.get("last_name")) if isinstance(p, str) and p)
    return name or f"child {child.get('id', '?')}"


def person_label(person: dict[str, Any], role: str | None = None) -> str:
    """``Daniel Jones (parent)``: how reports name a person; children are labelled ``(child)``.

    A participant whose role is not given is named alone (``Daniel Jones``), never mislabelled.
    """
    if "name" not in person:
        return f"{child_name(person) or 'someone unnamed'} ({role or 'child'})"
    name = person.get("name") or "someone unnamed"
    role = role or person.get("role")
    return f"{name} ({role})" if role else str(name)


def receives_copy(person: dict[str, Any]) -> bool:
    """Whether this child or participant gets a copy (default yes)."""
    return person.get("receives_copy", True) is not False


def objective_child_ids(objective: dict[str, Any]) -> list[str] | None:
    """The child ids an objective names; None when it is for every child (blank or ``all``)."""
    raw = objective.get("child_ids")
    if raw is None:
        return None
    parts = raw if isinstance(raw, list) else str(raw).replace(";", ",").split(",")
    ids = [str(p).strip() for p in parts if str(p).strip()]
    if not ids or any(i.lower() == "all" for i in ids):
        return None
    return ids


def applies_to(objective: dict[str, Any], child_id: str) -> bool:
    """Whether an objective is for this child (its own, or one for every child)."""
    ids = objective_child_ids(objective)
    return ids is None or child_id in ids


def objectives_for(record: Record, child_id: str) -> Iterator[dict[str, Any]]:
    """The objectives in this child's plan: their own and those for all children."""
    return (o for o in record.get("objectives", []) if isinstance(o, dict) and applies_to(o, child_id))


_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def is_email_address(value: Any) -> bool:
    """True for one plain address (``name@agency.example``): no spaces, no display name, a dotted domain."""
    text = value.strip() if isinstance(value, str) else ""
    local = text.partition("@")[0]
    return bool(_EMAIL.fullmatch(text)) and not local.startswith(".") and not local.endswith(".") and ".." not in local
