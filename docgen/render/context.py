"""What each template is given: the record made safe to print, and the few values worked out from it.

Templates see the canonical record under its schema's names (``meeting.date``, ``o.need``) with every
field the schema defines present (missing → ``None``), so a misspelt name fails loudly under
``StrictUndefined`` while an optional blank field is simply empty. Dates are shown the British way
(``17 December 2026``) and enum values as their titles (``Practice lead``).

A child's plan is given only what that child may see: their own details, their objectives and those for
every child, the actions for those objectives and the family's services. Siblings' details, everyone's
views and the assessment are never put in its context, so no template can leak them.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from docgen.deadline_kinds import kind_words
from docgen.deadlines import Deadline
from docgen.glossary import Glossary, words_we_use
from docgen.printable import SafeText, safe_text, uk_date
from docgen.record import Record, applies_to, as_date, child_name, objective_child_ids
from docgen.schema import Catalogue, base_schema

__all__ = [
    "DOCUMENT_SHAPES",
    "child_plan_context",
    "document_shapes",
    "meeting_record_context",
    "words_we_use_context",
]

# ---------------------------------------------------------------------------------------------- shapes
# A shape is what a template may name: a dict of names (None = a value), a one-item list for a list of items.


def _record_shape(schema: dict[str, Any]) -> dict[str, Any]:
    """The record's shape: what ``schema`` (the base, or the base with council profiles' fields) says a record holds."""

    def walk(spec: dict[str, Any]) -> Any:
        if spec.get("type") == "object":
            return {name: walk(inner) for name, inner in spec.get("properties", {}).items()}
        if spec.get("type") == "array":
            return [walk(spec["items"])]
        return None

    shape = walk(schema)
    assert isinstance(shape, dict)
    return shape


_PERSON = {
    "name": None,
    "role": None,
    "relationship": None,
    "agency": None,
    "attended": None,
    "non_attendance_reason": None,
    "views": None,
    "contribution": None,
    "seen_alone": None,
    "considerations": None,
    "receives_copy": None,
    "copy_withheld_reason": None,
}
_DEADLINE = {"kind": None, "what": None, "date": None, "section": None, "description": None}
_SCALE_POINT = {"number": None, "colour": None, "chosen": None}
_GOING = {"id": None, "need": None, "outcome": None, "progress": None, "note": None, "when": None}
_REVIEW = {
    "held": None,
    "closure": None,
    "previous": None,
    "going": [_GOING],
    "achieved": [_GOING],
    "no_longer_needed": [_GOING],
    "scores": [{"date": None, "score": None}],
    "chart": None,
    "movement": None,
    "pictures": [None],
}


def _with(base: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**base, **extra}


#: a child's fields for staff and returns only: no template may name them, so no family's or child's copy prints them
STAFF_ONLY_CHILD_FIELDS = frozenset({"la_child_id"})
#: warnings about the council's own records (the census ID), not about the plan: the family's meeting record leaves them out
STAFF_ONLY_WARNINGS = frozenset({"census-la-child-id", "census-la-child-id-repeated"})


def _family_child(child: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in child.items() if name not in STAFF_ONLY_CHILD_FIELDS}


@lru_cache(maxsize=8)
def document_shapes(fields: Catalogue) -> dict[str, dict[str, Any]]:
    """What each kind of document's template may name: the record as ``fields`` has it (council profiles' own fields included)."""
    return _document_shapes(fields.schema)


def _document_shapes(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    record = _record_shape(schema)
    child = _with(_family_child(record["children"][0]), name=None, age=None)
    objective = _with(record["objectives"][0], who=None, actions=[record["actions"][0]])
    action = _with(record["actions"][0], objective_need=None)
    common = {
        "case": record["case"],
        "meeting": _with(record["meeting"], review_arrangements=None),
        "key_worker": record["key_worker"],
        "services": record["services"],
        "contingency_plan": None,
        "closure_criteria": None,
        "scaling": record["scaling"],
        "scale": [_SCALE_POINT],
        "decision": record["decision"],
        "deadlines": [_DEADLINE],
        "visits": [_DEADLINE],
        "generated_on": None,
        "procedure": None,
        "review": _REVIEW,
        "done_actions": [action],
        "words": [{"term": None, "meaning": None}],
    }
    child_plan = _with(common, child=child, objectives=[objective], actions=[action])
    meeting_record = _with(
        common,
        children=[child],
        participants=[record["participants"][0]],
        people=[_PERSON],
        assessment=record["assessment"],
        objectives=[objective],
        actions=[action],
        disagreements=None,
        changes={"compared": None, "added": [_GOING], "ended": [_GOING]},
        warnings=[{"rule": None, "field": None, "message": None, "section": None, "fix": None}],
    )
    return {"child_plan": child_plan, "meeting_record": meeting_record}


#: what each kind of document's template may name (``check-templates`` holds templates to it)
DOCUMENT_SHAPES: dict[str, dict[str, Any]] = _document_shapes(base_schema())


# ---------------------------------------------------------------------------------------------- values


def _prepared(value: Any, spec: dict[str, Any]) -> Any:
    """A record value shaped for printing: every schema key present, dates British, enums as words, text safe."""
    kind = spec.get("type")
    if kind == "object":
        given = value if isinstance(value, dict) else {}
        return {name: _prepared(given.get(name), inner) for name, inner in spec.get("properties", {}).items()}
    if kind == "array":
        return [_prepared(item, spec["items"]) for item in value] if isinstance(value, list) else []
    if value is None:
        return None
    if spec.get("format") == "date":
        return SafeText(uk_date(value))
    if "enum" in spec and isinstance(value, str):
        return safe_text(str(spec.get("x-enum-titles", {}).get(value, value)))
    if isinstance(value, str):
        return safe_text(value)
    return value


def _prepare_record(record: Record, fields: Catalogue) -> dict[str, Any]:
    prepared = _prepared(record, fields.schema)  # with the fields council profiles add, for their own templates
    assert isinstance(prepared, dict)
    prepared["children"] = [_family_child(child) for child in prepared.get("children") or []]
    return prepared


def _age(child: dict[str, Any], on: dt.date) -> int | None:
    born = as_date(child.get("date_of_birth"))
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _deadline(deadline: Deadline) -> dict[str, Any]:
    return {
        "kind": deadline.kind,
        "what": kind_words(deadline.kind, "plan"),
        "date": SafeText(uk_date(deadline.date)),
        "section": safe_text(deadline.section),
        "description": safe_text(deadline.description),
    }


def _review_arrangements(record: Record) -> str:
    meeting = record.get("meeting", {})
    if meeting.get("type") == "closure":
        return "This was the closing meeting: there is no further review."
    parts = []
    if meeting.get("next_review_date"):
        parts.append(f"The next review meeting is on {uk_date(meeting['next_review_date'])}.")
    if meeting.get("visit_frequency_days"):
        parts.append(f"The key worker visits at least every {meeting['visit_frequency_days']} days, and sees the children.")
    if meeting.get("management_agreement"):
        parts.append(f"Review interval agreed by management: {meeting['management_agreement']}.")
    return " ".join(parts)


def _scale(score: Any) -> list[dict[str, Any]]:
    """The 0–10 scale as eleven cells, the chosen one filled (colours are hex for docxtpl's ``cellbg``)."""
    return [
        {
            "number": n,
            "chosen": n == score,
            "colour": "2E74B5" if n == score else ("DEEAF6" if isinstance(score, int) and n < score else "FFFFFF"),
        }
        for n in range(11)
    ]


def _common(record: Record, deadlines: list[Deadline], procedure: str, today: dt.date, fields: Catalogue) -> dict[str, Any]:
    prepared = _prepare_record(record, fields)
    prepared["meeting"]["review_arrangements"] = safe_text(_review_arrangements(record))
    return {
        "case": prepared["case"],
        "meeting": prepared["meeting"],
        "key_worker": prepared["key_worker"],
        "services": prepared["services"],
        "contingency_plan": prepared["contingency_plan"],
        "closure_criteria": prepared["closure_criteria"],
        "scaling": prepared["scaling"],
        "scale": _scale(record.get("scaling", {}).get("score")),
        "decision": prepared["decision"],
        "deadlines": [_deadline(d) for d in deadlines],
        "visits": [_deadline(d) for d in deadlines if d.kind == "visit"],
        "generated_on": uk_date(today),
        "procedure": safe_text(procedure),
        "words": [],  # "Words we use": filled in from the document's own text as it is rendered
    }


def words_we_use_context(glossary: Glossary, text: str, *, child: bool = False) -> list[dict[str, SafeText]]:
    """The "Words we use" entries for a document's text (procedure 2.4), safe to print."""
    return [{k: safe_text(v) for k, v in entry.items()} for entry in words_we_use(glossary, [text], child=child)]


def _objectives(
    record: Record, prepared: dict[str, Any], keep: list[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The kept objectives (by index) still being worked on, with their actions; those actions as one list; the actions done.

    An objective achieved or no longer needed, and an action done, are shown as done, never as work ahead.
    """
    names = {c.get("id"): c.get("first_name") or child_name(c) for c in record.get("children", [])}
    objectives, actions, done = [], [], []
    raw_actions = record.get("actions", [])
    for index in keep:
        raw = record["objectives"][index]
        item = dict(prepared["objectives"][index])
        ids = objective_child_ids(raw)
        item["who"] = safe_text("Every child" if ids is None else " and ".join(str(names.get(i, i)) for i in ids))
        item["actions"] = []
        finished = raw.get("progress") in ("achieved", "no_longer_needed")
        for position, action in enumerate(raw_actions):
            if action.get("objective_id") == raw.get("id"):
                shown = dict(prepared["actions"][position], objective_need=item["need"])
                if action.get("status") == "done":
                    done.append(shown)
                elif not finished:
                    item["actions"].append(shown)
                    actions.append(shown)
        if not finished:
            objectives.append(item)
    return objectives, actions, done


def child_plan_context(
    record: Record,
    child_id: str,
    deadlines: list[Deadline],
    *,
    procedure: str,
    today: dt.date,
    fields: Catalogue,
    earlier: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything one child's plan (and words-and-pictures plan) shows — and nothing about a sibling.

    ``fields``: the record's fields as the root's profiles have them (``Profiles.reading_catalogue``);
    ``earlier``: the case's earlier meetings, oldest first, for how the plan has moved (``docgen.render.review_progress``).
    """
    from docgen.render.review_progress import review_view

    index = next(i for i, c in enumerate(record.get("children", [])) if c.get("id") == child_id)
    raw_child = record["children"][index]
    prepared = _prepare_record(record, fields)
    child = dict(prepared["children"][index], name=safe_text(child_name(raw_child)), age=_age(raw_child, today))
    keep = [i for i, o in enumerate(record.get("objectives", [])) if applies_to(o, child_id)]
    objectives, actions, done = _objectives(record, prepared, keep)
    return {
        **_common(record, deadlines, procedure, today, fields),
        "child": child,
        "objectives": objectives,
        "actions": actions,
        "done_actions": done,
        "review": review_view(record, earlier or [], child_id),
    }


def _people(record: Record, prepared: dict[str, Any]) -> list[dict[str, Any]]:
    people = []
    for raw, shown in zip(record.get("children", []), prepared["children"], strict=True):
        people.append({**{k: shown.get(k) for k in _PERSON}, "name": safe_text(child_name(raw)), "role": SafeText("Child")})
    for shown in prepared["participants"]:
        people.append({k: shown.get(k) for k in _PERSON})
    return people


def meeting_record_context(
    record: Record,
    deadlines: list[Deadline],
    warnings: list[dict[str, Any]],
    *,
    procedure: str,
    today: dt.date,
    fields: Catalogue,
    earlier: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything the Record of Planning Meeting shows: the whole meeting, everyone's views, what changed since the last."""
    from docgen.render.review_progress import record_review, review_view

    prepared = _prepare_record(record, fields)
    children = [
        dict(shown, name=safe_text(child_name(raw)), age=_age(raw, today))
        for raw, shown in zip(record.get("children", []), prepared["children"], strict=True)
    ]
    objectives, actions, done = _objectives(record, prepared, list(range(len(record.get("objectives", [])))))
    return {
        **_common(record, deadlines, procedure, today, fields),
        "children": children,
        "participants": prepared["participants"],
        "people": _people(record, prepared),
        "assessment": prepared["assessment"],
        "objectives": objectives,
        "actions": actions,
        "disagreements": prepared["disagreements"],
        "done_actions": done,
        "review": review_view(record, earlier or []),
        "changes": record_review(record, earlier or []),
        "warnings": [
            {k: safe_text(str(w.get(k) or "")) for k in ("rule", "field", "message", "section", "fix")}
            for w in warnings
            if w.get("rule") not in STAFF_ONLY_WARNINGS
        ],
    }
