"""What a blank form holds, in order: sections of single fields and repeating groups, drawn from the schema.

Both blank-form generators (Word and Excel) lay out the same sections, mark the same fields
required and offer the same kind of answer for each field, so the two forms never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from docgen.profiles import Profiles
from docgen.schema import Catalogue, Field, Group, base_schema, catalogue_of

__all__ = [
    "OPENING_SECTION",
    "PLAN_SECTION",
    "SPARE_ROWS",
    "Section",
    "answer_kind",
    "form_fields",
    "hint",
    "layout",
    "required_paths",
    "spare_rows",
]

OPENING_SECTION = "About this form"
PLAN_SECTION = "The plan"

#: blank rows each repeating table offers; a family larger than this adds rows (Word) or fills more lines (Excel)
SPARE_ROWS = {"children": 4, "participants": 10, "objectives": 6, "actions": 12, "services": 6}
DEFAULT_SPARE_ROWS = 6

#: optional yes/no fields where "not answered" means something other than "No", so they get a
#: Yes/No choice rather than a tick box: a copy goes out unless someone says No, and every
#: child's attendance must be recorded either way (procedure 2.1)
_ANSWER_MATTERS = frozenset({"children.attended", "children.receives_copy", "participants.receives_copy"})


@dataclass(frozen=True)
class Section:
    """A titled block of single fields (Case, Meeting...), each shown as label beside answer."""

    name: str
    title: str
    fields: tuple[Field, ...]


def form_fields(profiles: Profiles, policy: str | None = None) -> Catalogue:
    """The fields a blank form holds: the base schema's, plus those ``policy``'s profile adds in its ``schema``.

    Without a council, the fields every known profile adds (in a council's root, its own: the shipped profiles add none).
    """
    return profiles.load(policy).catalogue if policy else profiles.reading_catalogue()


@cache
def _base_catalogue() -> Catalogue:
    return catalogue_of(base_schema())


def layout(profiles: Profiles, policy: str | None = None) -> tuple[Section | Group, ...]:
    """Every section and repeating group in the order the schema lists them (``policy``'s own fields in their place).

    Top-level single fields before the first object (council procedure, form version) open the
    form; the rest (contingency plan, closure criteria, disagreements) gather in "The plan".
    """
    catalogue = form_fields(profiles, policy)
    properties: dict[str, Any] = catalogue.schema["properties"]
    by_section: dict[str | None, list[Field]] = {}
    for single in catalogue.fields:
        by_section.setdefault(single.section, []).append(single)
    group_by_name = {g.name: g for g in catalogue.groups}

    opening: list[Field] = []
    plan: list[Field] = []
    out: list[Section | Group] = []
    plan_at: int | None = None
    for name, spec in properties.items():
        if name in group_by_name:
            out.append(group_by_name[name])
        elif spec.get("type") == "object":
            out.append(Section(name, spec.get("title", name), tuple(by_section.get(name, ()))))
        else:
            single = next(f for f in by_section.get(None, ()) if f.path == name)
            if not out:
                opening.append(single)
            else:
                plan.append(single)
                if plan_at is None:
                    plan_at = len(out)
    if plan and plan_at is not None:
        out.insert(plan_at, Section("plan", PLAN_SECTION, tuple(plan)))
    if opening:
        out.insert(0, Section("about", OPENING_SECTION, tuple(opening)))
    return tuple(out)


def required_paths(profiles: Profiles, policy: str | None = None) -> frozenset[str]:
    """Field paths a form should mark required: the base schema's, plus what ``policy``'s profile adds."""
    base = _base_catalogue()
    required = {f.path for f in base.fields if f.required}
    required |= {f.path for g in base.groups for f in g.fields if f.required}
    if policy:
        for overlay in profiles.load(policy).schema_overlays:
            required |= _overlay_required(overlay, "")
    return frozenset(required)


def _overlay_required(schema: dict[str, Any], prefix: str) -> set[str]:
    found = {prefix + name for name in schema.get("required", ())}
    for name, spec in schema.get("properties", {}).items():
        if isinstance(spec, dict):
            inner = spec.get("items", spec) if spec.get("type") == "array" or "items" in spec else spec
            found |= _overlay_required(inner, f"{prefix}{name}.")
    return found


def answer_kind(field: Field, required: bool) -> str:
    """How the form asks for ``field``: text, number, date, choice, yes_no (a Yes/No choice) or checkbox."""
    if field.type == "boolean":
        return "yes_no" if required or field.path in _ANSWER_MATTERS else "checkbox"
    return {"date": "date", "enum": "choice", "integer": "number"}.get(field.type, "text")


def hint(field: Field, required: bool, ticks: bool = True) -> str:
    """The short grey guidance shown with a field: whether it is required and how to answer.

    ``ticks``: whether the form offers tick boxes (Word does); Excel asks every yes/no question with a Yes/No list.
    """
    kind = answer_kind(field, required)
    if kind == "checkbox" and not ticks:
        kind = "yes_no"
    how = {
        "date": "A date, dd/mm/yyyy.",
        "choice": "Choose one: " + ", ".join(field.enum_titles) + ".",
        "yes_no": "Choose Yes or No.",
        "checkbox": "Tick for yes.",
        "number": _number_hint(field),
        "text": "",
    }[kind]
    return " ".join(part for part in ("Required." if required else "", how) if part)


def _number_hint(field: Field) -> str:
    if field.minimum is not None and field.maximum is not None:
        return f"A whole number from {field.minimum} to {field.maximum}."
    return "A whole number."


def spare_rows(group: Group) -> int:
    """How many blank rows the form offers for ``group``."""
    return SPARE_ROWS.get(group.name, DEFAULT_SPARE_ROWS)
