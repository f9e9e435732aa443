"""How reports name things: dates in UK words, items of a repeating group by who or what they are."""

from __future__ import annotations

from typing import Any

from docgen.record import Record, as_date, child_name, person_label

__all__ = ["describe_item", "path_of", "uk_date"]


def uk_date(value: Any) -> str:
    """``2 Nov 2026`` for a date or ISO string; anything else as it is."""
    day = as_date(value)
    if day is None:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def path_of(*parts: str | int) -> str:
    """``path_of("participants", 1, "views")`` → ``participants[1].views``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def describe_item(record: Record, group: str, index: int) -> str:
    """Names item ``index`` of ``group`` as a person would: "Daniel Jones (parent)", "objective O1"."""
    items = record.get(group)
    item: dict[str, Any] = {}
    if isinstance(items, list) and 0 <= index < len(items) and isinstance(items[index], dict):
        item = items[index]
    ordinal = f"row {index + 1}"
    if group == "children":
        return f"{child_name(item)} (child)" if item.get("first_name") or item.get("last_name") else f"child in {ordinal}"
    if group == "participants":
        return person_label(item) if item.get("name") else f"participant in {ordinal}"
    if group == "objectives":
        return f"objective {item['id']}" if item.get("id") else f"objective in {ordinal}"
    if group == "actions":
        return f'action "{item["action"]}"' if item.get("action") else f"action in {ordinal}"
    if group == "services":
        return f'service "{item["service"]}"' if item.get("service") else f"service in {ordinal}"
    return f"{group} {ordinal}"
