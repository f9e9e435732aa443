"""Finding a case by its reference, a child's name or a child's LA child ID, and naming a case's children, for staff.

Read from the records the ledger keeps with each meeting: the children of a case are those of its latest
published meeting (a child who has left the plan is still found by the meetings that named them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docgen.ledger.plan_facts import meetings_with_plan_facts
from docgen.ledger.store import Ledger
from docgen.record import child_name

__all__ = ["CaseChild", "Found", "case_children", "find_cases"]

#: at most this many cases are listed for one search: a search that finds more needs more of the name
MAX_FOUND = 50


@dataclass(frozen=True)
class CaseChild:
    """A child as staff see them on a case: id on the form, name, and the LA child ID (None where not given)."""

    id: str
    name: str
    la_child_id: str | None


@dataclass
class Found:
    """A case a search found: its reference, key worker, and the children that matched (none for a reference)."""

    reference: str
    key_worker: str | None
    matched: list[CaseChild] = field(default_factory=list)
    how: str = "reference"  # reference, la_child_id or name


def _children(record: dict[str, Any] | None) -> list[CaseChild]:
    items = (record or {}).get("children")
    out = []
    for child in items if isinstance(items, list) else []:
        if isinstance(child, dict) and child.get("id"):
            la_child_id = child.get("la_child_id")
            out.append(CaseChild(str(child["id"]), child_name(child), str(la_child_id) if la_child_id else None))
    return out


def case_children(ledger: Ledger, reference: str) -> list[CaseChild]:
    """The children of the case's latest published meeting that the ledger has the record of."""
    for row in reversed(ledger.meetings(reference)):
        children = _children(ledger.meeting_record(row.id))
        if children:
            return children
    return []


def _words(text: str) -> list[str]:
    return [w for w in text.casefold().replace("-", " ").split() if w]


def _name_matches(query: list[str], name: str) -> bool:
    """Every word of the query begins a word of the name: "amy jon" finds Amy Jones."""
    words = _words(name)
    return bool(query) and all(any(w.startswith(q) for w in words) for q in query)


def find_cases(ledger: Ledger, query: str) -> list[Found]:
    """Cases whose reference is ``query``, or with a child whose LA child ID is it or whose name it matches."""
    text = query.strip()
    if not text:
        return []
    wanted, words = text.casefold(), _words(text)
    found: dict[str, Found] = {}
    by_case: dict[str, tuple[str | None, list[dict[str, Any] | None]]] = {}
    for row, record in meetings_with_plan_facts(ledger):
        key_worker, records = by_case.get(row.case_reference, (None, []))
        by_case[row.case_reference] = (row.key_worker or key_worker, [*records, record])
    for reference, (key_worker, records) in by_case.items():
        if reference.casefold() == wanted:
            found[reference] = Found(reference, key_worker)
            continue
        seen: dict[str, CaseChild] = {}
        for record in reversed(records):  # the latest meeting's details of a child win
            for child in _children(record):
                seen.setdefault(child.id, child)
        by_id = [c for c in seen.values() if c.la_child_id and c.la_child_id.casefold() == wanted]
        by_name = [c for c in seen.values() if _name_matches(words, c.name)]
        if by_id or by_name:
            found[reference] = Found(reference, key_worker, by_id or by_name, "la_child_id" if by_id else "name")
    return sorted(found.values(), key=lambda f: f.reference)[:MAX_FOUND]
