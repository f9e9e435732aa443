"""The words a family's or child's copy prints (procedure 2.4): acronyms the glossary does not explain.

The fields read are those the plans print for the family and the child: objectives, actions, services, the
contingency plan, the closure criteria and the decision's rationale. Capitals that are not jargon are
left alone: the council's own name, the case reference, postcodes and people's initials. Plain data in and
out (no profile code), so that the rule's register (``docgen.validation.rules``) only hands it the glossary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from docgen.glossary import Glossary, acronyms, explains
from docgen.record import Record, get

__all__ = ["family_facing_texts", "unexplained_terms"]

#: the family- and child-facing free text: each list of items and the fields of an item a copy prints
_ITEM_FIELDS = {
    "objectives": ("need", "outcome", "measure", "progress_note"),
    "actions": ("action", "responsible", "agency", "frequency"),
    "services": ("agency", "service", "purpose", "frequency", "contact"),
}
_SINGLE_FIELDS = ("contingency_plan", "closure_criteria", "decision.rationale")
#: ordinary words written in capitals for emphasis ("do NOT"), not acronyms
_EMPHASIS = {"AM", "PM", "OK", "NO", "NOT", "MUST", "ALL", "AND", "OR", "THE", "ONLY", "NEVER", "ALWAYS", "DO", "YES"}
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?[0-9][A-Z]{2}\b")
_LITTLE_WORDS = {"of", "and", "the", "for", "in", "on"}
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady", "lord"}


def _place(title_of: Callable[[str], str], path: str) -> str:
    """Where a field is on the form: ``Objectives row 2, Area of need`` or ``Contingency plan``."""
    found = re.fullmatch(r"(\w+)\[(\d+)\]\.(\w+)", path)
    if found is None:
        return title_of(path)
    group, index, _ = found.groups()
    return f"{title_of(group)} row {int(index) + 1}, {title_of(path)}"


def family_facing_texts(record: Record) -> Iterator[tuple[str, str]]:
    """Each (field path, text) of the record that a family's or child's copy prints, with 0-based indices."""
    for group, fields in _ITEM_FIELDS.items():
        items = record.get(group)
        for index, item in enumerate(items if isinstance(items, list) else []):
            for name in fields if isinstance(item, dict) else ():
                if isinstance(item.get(name), str):
                    yield f"{group}[{index}].{name}", item[name]
    for path in _SINGLE_FIELDS:
        value = get(record, path)
        if isinstance(value, str):
            yield path, value


def _initials(name: str) -> set[str]:
    """A person's initials without their title: every word's, the first and last, the first two (``Dr Mary Ann Smith``: MAS, MS, MA)."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’]*", name) if w.lower().rstrip(".") not in _TITLES]
    if not words:
        return set()
    return {"".join(w[0] for w in words).upper(), (words[0][0] + words[-1][0]).upper(), "".join(w[0] for w in words[:2]).upper()}


def _name_words(name: str) -> set[str]:
    """A council's name in capitals, word by word, and its initials, with and without its little words, and of its first words
    (``Testshire County Council Child in Need procedure``: TESTSHIRE, TC, TCC, ...)."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    found = {w.upper() for w in words}
    for chosen in (words, [w for w in words if w.lower() not in _LITTLE_WORDS]):
        initials = "".join(w[0] for w in chosen).upper()
        found |= {initials[:end] for end in range(2, len(initials) + 1)} | {initials + "C"}
    return found


def _not_jargon(record: Record, council: Iterable[str]) -> set[str]:
    """Capitals on this form that are no special term: the council's name, the case reference, postcodes, people's initials."""
    found: set[str] = set().union(*(_name_words(n.replace("-", " ")) for n in council if n))
    reference = get(record, "case.reference")
    if isinstance(reference, str):
        found |= {reference.upper(), *(part.upper() for part in re.split(r"[-_]", reference))}
    people = [p for group in ("children", "participants") for p in (record.get(group) or []) if isinstance(p, dict)]
    for person in people:
        name = person.get("name") or " ".join(str(person.get(k) or "") for k in ("first_name", "last_name"))
        found |= _initials(str(name))
        address = person.get("address")
        if isinstance(address, str):
            found |= {m.group(1) for m in _POSTCODE.finditer(address.upper())}
    for path in ("key_worker.name", "meeting.chair_name", "decision.lead_professional"):
        if isinstance(get(record, path), str):
            found |= _initials(str(get(record, path)))
    return found | _EMPHASIS


def unexplained_terms(
    record: Record, glossary: Glossary, *, council: Iterable[str], title_of: Callable[[str], str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each acronym in a family- or child-facing field that ``glossary`` does not explain, once per field, as
    (field path, {term, field, place}); ``council``: the council's names (letterhead, title, profile ids), never jargon."""
    ordinary = _not_jargon(record, council)
    for path, text in family_facing_texts(record):
        for term in acronyms(text):
            if term not in ordinary and not explains(glossary, term):
                yield path, {"term": term, "field": path, "place": _place(title_of, path)}
