"""Rule checks on the references between a plan's items: actions name real objectives, objectives real children, ids are unique.

Each also asks that the plan hangs together: every objective still open has an action serving it,
and every child has an objective.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from docgen.profiles import Profile
from docgen.record import Record, applies_to, child_name, objective_child_ids
from docgen.validation.checks import Finding, check
from docgen.validation.record_parts import items_of
from docgen.validation.wording import path_of


@check("action_objective_exists")
def _action_objective_exists(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    ids = [str(o["id"]) for _, o in items_of(record, "objectives") if o.get("id")]
    for index, action in items_of(record, "actions"):
        target = action.get("objective_id")
        if target and str(target) not in ids:
            yield (
                path_of("actions", index, "objective_id"),
                {
                    "action": action.get("action", f"in row {index + 1}"),
                    "objective_id": target,
                    "objective_ids": ", ".join(ids) or "none yet",
                },
            )


@check("objective_children_exist")
def _objective_children_exist(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    ids = [str(c["id"]) for _, c in items_of(record, "children") if c.get("id")]
    for index, objective in items_of(record, "objectives"):
        given = objective_child_ids(objective) or []
        unknown = [child_id for child_id in given if child_id not in ids]
        if unknown:
            # one error for one mistake: a name typed where IDs go ("Mia Thomson") is read as two words, not two children
            named = " ".join(unknown) if len(unknown) == len(given) else ", ".join(unknown)
            yield (
                path_of("objectives", index, "child_ids"),
                {
                    "objective_id": objective.get("id", f"in row {index + 1}"),
                    "child_id": named,
                    "child_ids": ", ".join(ids) or "none yet",
                },
            )


@check("unique_ids")
def _unique_ids(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, what in (("children", "Child"), ("objectives", "Objective")):
        counts = Counter(str(item["id"]) for _, item in items_of(record, group) if item.get("id"))
        reported: set[str] = set()
        for index, item in items_of(record, group):
            ident = str(item.get("id", ""))
            if counts.get(ident, 0) > 1 and ident in reported:
                yield path_of(group, index, "id"), {"what": what, "what_lower": what.lower(), "id": ident}
            reported.add(ident)


@check("objective_has_action")
def _objective_has_action(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    served = {str(a.get("objective_id")) for _, a in items_of(record, "actions")}
    for index, objective in items_of(record, "objectives"):
        if objective.get("progress") in ("achieved", "no_longer_needed"):
            continue  # finished: nobody needs to act on it any more
        if objective.get("id") and str(objective["id"]) not in served:
            yield path_of("objectives", index), {"objective_id": objective["id"], "need": objective.get("need", "no need stated")}


@check("child_has_objective")
def _child_has_objective(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    objectives = [o for _, o in items_of(record, "objectives")]
    if not objectives:
        return  # the schema already says an objective is needed
    for _, child in items_of(record, "children"):
        child_id = child.get("id")
        if child_id and not any(applies_to(o, str(child_id)) for o in objectives):
            yield "objectives", {"child": child_name(child), "child_id": child_id}
