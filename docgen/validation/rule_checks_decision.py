"""Rule checks on the meeting and its decision: who chairs, the fields a profile requires, the assessment, and how a case closes or steps down."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docgen.profiles import Profile
from docgen.record import Record, get
from docgen.validation.checks import Finding, check
from docgen.validation.record_parts import is_closure
from docgen.validation.wording import uk_date


@check("chair_role_not")
def _chair_role_not(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if get(record, "meeting.chair_role") in set(params.get("roles", ())):
        yield "meeting.chair_role", {"chair_name": get(record, "meeting.chair_name") or "the chair"}


@check("field_present")
def _field_present(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if params.get("unless_closure") and is_closure(record):
        return
    if get(record, params["field"]) in (None, ""):
        yield params["field"], {}


@check("field_in")
def _field_in(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    """A field's answer is one of ``values`` (e.g. who may chair a first meeting); an unanswered field is left to the schema."""
    value = get(record, params["field"])
    if value not in (None, "") and value not in params.get("values", ()):
        spec = profile.catalogue.field(params["field"])
        shown = dict(zip(spec.enum, spec.enum_titles, strict=True)).get(value, value) if spec else value
        yield params["field"], {"value": str(shown).lower() if spec and spec.enum else str(shown)}


@check("assessment_triangle")
def _assessment_triangle(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    sides = (
        ("child_development", "the child's developmental needs"),
        ("parenting_capacity", "parenting capacity"),
        ("family_environment", "family and environmental factors"),
    )
    for name, words in sides:
        if not get(record, f"assessment.{name}"):
            yield f"assessment.{name}", {"missing": words}


_CLOSING_OUTCOMES = {"step_down_map", "step_down_universal", "close"}


@check("closure_decision")
def _closure_decision(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if not is_closure(record):
        return
    outcome = get(record, "decision.outcome")
    if not outcome:
        yield (
            "decision.outcome",
            {
                "message": "This is a closure meeting but no decision is recorded: a case may only close once a review decides the plan is no longer needed"
            },
        )
    elif outcome not in _CLOSING_OUTCOMES:
        words = str(outcome).replace("_", " ")
        yield (
            "decision.outcome",
            {
                "message": f'This is a closure meeting but the decision is "{words}": a case may only close by step down to MAP, step down to universal services, or closure'
            },
        )


@check("step_down_map")
def _step_down_map(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if get(record, "decision.outcome") != "step_down_map":
        return
    if not get(record, "decision.lead_professional"):
        yield (
            "decision.lead_professional",
            {
                "message": "The case steps down to a Multi Agency Plan but no lead professional is identified",
                "fix": "Fill in Lead professional (Decision section) with who leads the MAP.",
            },
        )
    if get(record, "decision.locality_team_invited") is not True:
        yield (
            "decision.locality_team_invited",
            {
                "message": "The case steps down to a Multi Agency Plan but the Locality Team was not recorded as invited to the final meeting",
                "fix": "Invite a member of the Locality Team to the final Child in Need meeting and answer Yes to Locality Team invited (Decision section).",
            },
        )


@check("decision_is")
def _decision_is(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if get(record, "decision.outcome") == params["outcome"]:
        yield "decision.outcome", {"meeting_date": uk_date(get(record, "meeting.date"))}
