"""The cross-field checks that JSON Schema cannot express, each named by the profiles that switch it on.

A check takes the record, the profile and the rule's ``params`` and yields ``(field path, context)``
for each breach; the rule's message and fix (profile data) are filled from the context. Checks never
assume the schema passed: they skip values that are missing or of the wrong type.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from docgen.profiles import Profile, RuleSpec
from docgen.record import Record, applies_to, as_date, child_name, get, is_email_address, objective_child_ids, person_label
from docgen.timescales import applicable, condition_holds, period_of
from docgen.validation.report import Problem
from docgen.validation.wording import path_of, uk_date
from docgen.workdays import add_months

__all__ = ["CHECKS", "CHECK_PARAMS", "Finding", "check", "items_of", "plan_by_spec", "rule_problems"]

Finding = tuple[str, dict[str, Any]]
Check = Callable[[Record, Profile, dict[str, Any]], Iterator[Finding]]
CHECKS: dict[str, Check] = {}
#: the ``params`` each check cannot do without; a profile's check refuses a rule that leaves one out
CHECK_PARAMS: dict[str, tuple[str, ...]] = {}


def check(name: str, needs: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    """Registers a check under the name profiles use, with the ``params`` it needs."""

    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        CHECK_PARAMS[name] = needs
        return fn

    return register


class _Context(dict[str, Any]):
    """Leaves an unknown ``{name}`` in a message as it is rather than failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def rule_problems(record: Record, profile: Profile) -> Iterator[Problem]:
    """Runs every rule the profile switches on, each where its ``when`` holds (the profile's check refused unknown checks)."""
    for rule in profile.rules:
        if not condition_holds(rule.when, record):
            continue
        for path, context in CHECKS[rule.check](record, profile, rule.params):
            yield _problem(rule, path, context)


def _problem(rule: RuleSpec, path: str, context: dict[str, Any]) -> Problem:
    values = _Context(context)
    message = rule.message.format_map(values)
    fix = rule.fix.format_map(values)
    return Problem(rule.id, rule.severity, path, message, rule.cite, fix)


# ---------------------------------------------------------------- helpers


def _items(record: Record, group: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = record.get(group)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def items_of(record: Record, group: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each item of a repeating group with its index, skipping anything that is not an object."""
    return _items(record, group)


def _people(record: Record) -> Iterator[tuple[str, int, dict[str, Any], str]]:
    """Every child and participant as (group, index, item, role), children with role ``child``."""
    for index, child in _items(record, "children"):
        yield "children", index, child, "child"
    for index, person in _items(record, "participants"):
        yield "participants", index, person, str(person.get("role", "other"))


def _person_context(group: str, item: dict[str, Any], role: str) -> dict[str, Any]:
    name = child_name(item) if group == "children" else str(item.get("name") or "someone unnamed")
    return {"person": person_label(item, role), "name": name}


def _meeting_date(record: Record) -> dt.date | None:
    return as_date(get(record, "meeting.date"))


def _is_closure(record: Record) -> bool:
    return get(record, "meeting.type") == "closure"


# ---------------------------------------------------------------- references between items


@check("action_objective_exists")
def _action_objective_exists(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    ids = [str(o["id"]) for _, o in _items(record, "objectives") if o.get("id")]
    for index, action in _items(record, "actions"):
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
    ids = [str(c["id"]) for _, c in _items(record, "children") if c.get("id")]
    for index, objective in _items(record, "objectives"):
        for child_id in objective_child_ids(objective) or []:
            if child_id not in ids:
                yield (
                    path_of("objectives", index, "child_ids"),
                    {
                        "objective_id": objective.get("id", f"in row {index + 1}"),
                        "child_id": child_id,
                        "child_ids": ", ".join(ids) or "none yet",
                    },
                )


@check("unique_ids")
def _unique_ids(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, what in (("children", "Child"), ("objectives", "Objective")):
        counts = Counter(str(item["id"]) for _, item in _items(record, group) if item.get("id"))
        reported: set[str] = set()
        for index, item in _items(record, group):
            ident = str(item.get("id", ""))
            if counts.get(ident, 0) > 1 and ident in reported:
                yield path_of(group, index, "id"), {"what": what, "what_lower": what.lower(), "id": ident}
            reported.add(ident)


@check("objective_has_action")
def _objective_has_action(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    served = {str(a.get("objective_id")) for _, a in _items(record, "actions")}
    for index, objective in _items(record, "objectives"):
        if objective.get("progress") in ("achieved", "no_longer_needed"):
            continue  # finished: nobody needs to act on it any more
        if objective.get("id") and str(objective["id"]) not in served:
            yield path_of("objectives", index), {"objective_id": objective["id"], "need": objective.get("need", "no need stated")}


@check("child_has_objective")
def _child_has_objective(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    objectives = [o for _, o in _items(record, "objectives")]
    if not objectives:
        return  # the schema already says an objective is needed
    for _, child in _items(record, "children"):
        child_id = child.get("id")
        if child_id and not any(applies_to(o, str(child_id)) for o in objectives):
            yield "objectives", {"child": child_name(child), "child_id": child_id}


# ---------------------------------------------------------------- dates


@check("dates_in_order")
def _dates_in_order(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    meeting = _meeting_date(record)
    referral = as_date(get(record, "case.referral_date"))
    started = as_date(get(record, "case.assessment_start_date"))
    completed = as_date(get(record, "case.assessment_completed_date"))
    plan_start = as_date(get(record, "case.plan_start_date"))

    def breach(path: str, message: str, fix: str) -> Finding:
        return path, {"message": message, "fix": fix}

    if meeting and referral and referral > meeting:
        yield breach(
            "case.referral_date",
            f"The referral date {uk_date(referral)} is after the meeting on {uk_date(meeting)}",
            "Check the referral date and the meeting date.",
        )
        referral = None  # the referral date is the one in doubt: other dates are not blamed for preceding it
    if referral and started and started < referral:
        yield breach(
            "case.assessment_start_date",
            f"The assessment started on {uk_date(started)}, before the referral on {uk_date(referral)}",
            "Check the assessment start date and the referral date.",
        )
    if started and completed and completed < started:
        yield breach(
            "case.assessment_completed_date",
            f"The assessment was completed on {uk_date(completed)}, before it started on {uk_date(started)}",
            "Check the assessment start and completion dates.",
        )
    if meeting and plan_start and plan_start > meeting:
        yield breach(
            "case.plan_start_date",
            f"The plan start date {uk_date(plan_start)} is after the meeting on {uk_date(meeting)}",
            "The plan starts at the initial meeting: check the plan start date.",
        )
    elif referral and plan_start and plan_start < referral and get(record, "meeting.type") == "initial":
        # only at the initial meeting: a review's form may give a later re-referral, made while the plan ran
        yield breach(
            "case.plan_start_date",
            f"The plan start date {uk_date(plan_start)} is before the referral on {uk_date(referral)}",
            "A plan follows the referral: check the plan start date and the referral date.",
        )
    for index, child in _items(record, "children"):
        born = as_date(child.get("date_of_birth"))
        if meeting and born and born >= meeting:
            yield breach(
                path_of("children", index, "date_of_birth"),
                f"{child_name(child)}'s date of birth {uk_date(born)} is not before the meeting on {uk_date(meeting)}",
                f"Check {child_name(child)}'s date of birth.",
            )
    carried_over = get(record, "meeting.type") in ("review", "closure")  # their past dates: ``carried_dates``, a warning
    for index, objective in _items(record, "objectives"):
        target = as_date(objective.get("target_date"))
        if meeting and target and not carried_over and target <= meeting:
            yield breach(
                path_of("objectives", index, "target_date"),
                f"Objective {objective.get('id', index + 1)}'s target date {uk_date(target)} is not after the meeting on {uk_date(meeting)}",
                "Set a target date after the meeting.",
            )
    for index, action in _items(record, "actions"):
        due = as_date(action.get("due_date"))
        if meeting and due and due < meeting and not carried_over:
            yield breach(
                path_of("actions", index, "due_date"),
                f'Action "{action.get("action", index + 1)}" is due on {uk_date(due)}, before the meeting on {uk_date(meeting)}',
                "Set a due date on or after the meeting.",
            )
    for index, service in _items(record, "services"):
        begins, ends = as_date(service.get("start_date")), as_date(service.get("end_date"))
        if begins and ends and ends < begins:
            yield breach(
                path_of("services", index, "end_date"),
                f'Service "{service.get("service", index + 1)}" ends on {uk_date(ends)}, before it starts on {uk_date(begins)}',
                "Check the service's start and end dates.",
            )


def plan_by_spec(record: Record, profile: Profile, params: dict[str, Any]) -> dict[str, Any] | None:
    """The ``plan_by`` timescale a rule's ``index`` names, where it applies: an initial meeting its ``when`` holds for."""
    limits = profile.timescale("plan_by") or []
    index = int(params.get("index", 0))
    if get(record, "meeting.type") != "initial" or index >= len(limits):
        return None
    spec: dict[str, Any] = limits[index]
    return spec if condition_holds(spec.get("when"), record) else None


@check("plan_by")
def _plan_by(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    spec = plan_by_spec(record, profile, params)
    meeting = _meeting_date(record)
    start = as_date(get(record, spec["from"])) if spec else None
    if spec is None or not meeting or not start:
        return
    limit = period_of(spec).after(start)
    if meeting > limit:
        yield (
            "meeting.date",
            {
                "meeting_date": uk_date(meeting),
                "limit_date": uk_date(limit),
                "from_date": uk_date(start),
                "what": spec.get("what", spec["from"]),
            },
        )


@check("review_interval")
def _review_interval(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    spec = applicable(profile.timescale("review_interval"), record)
    meeting = _meeting_date(record)
    next_review = as_date(get(record, "meeting.next_review_date"))
    if not spec or _is_closure(record) or not meeting or not next_review:
        return
    if spec.get("unless") and get(record, spec["unless"]):
        return
    period = period_of(spec)
    limit = period.after(meeting)
    interval = spec.get("label", period.words())
    if next_review > limit:
        yield (
            "meeting.next_review_date",
            {
                "next_review": uk_date(next_review),
                "meeting_date": uk_date(meeting),
                "limit_date": uk_date(limit),
                "interval": interval,
            },
        )


@check("next_review_after_meeting")
def _next_review_after_meeting(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    meeting = _meeting_date(record)
    next_review = as_date(get(record, "meeting.next_review_date"))
    if meeting and next_review and next_review <= meeting:
        yield "meeting.next_review_date", {"next_review": uk_date(next_review), "meeting_date": uk_date(meeting)}


@check("six_month_point")
def _six_month_point(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    escalation = profile.timescale("escalation") or {}
    meeting = _meeting_date(record)
    plan_start = as_date(get(record, "case.plan_start_date"))
    if get(record, "meeting.type") != "review" or not meeting or not plan_start or "principal_manager_months" not in escalation:
        return
    point = add_months(plan_start, int(escalation["principal_manager_months"]))
    if meeting >= point:
        yield "meeting.date", {"plan_start": uk_date(plan_start), "six_months": uk_date(point), "meeting_date": uk_date(meeting)}


@check("plan_start_known")
def _plan_start_known(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if get(record, "meeting.type") == "review" and not get(record, "case.plan_start_date"):
        yield "case.plan_start_date", {}


@check("visit_frequency")
def _visit_frequency(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    spec = applicable(profile.timescale("visit_interval_max_days"), record)
    frequency = get(record, "meeting.visit_frequency_days")
    meeting = _meeting_date(record)
    if not spec or not isinstance(frequency, int) or isinstance(frequency, bool) or not meeting:
        return
    max_days = (period_of(spec).after(meeting) - meeting).days
    if frequency > max_days:
        yield "meeting.visit_frequency_days", {"frequency": frequency, "max_days": max_days}


# ---------------------------------------------------------------- people


@check("absence_reason")
def _absence_reason(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, index, item, role in _people(record):
        if item.get("attended") is False and not item.get("non_attendance_reason"):
            yield path_of(group, index, "non_attendance_reason"), _person_context(group, item, role)


@check("absent_views")
def _absent_views(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    roles = set(params.get("roles", ()))
    for group, index, item, role in _people(record):
        if role in roles and item.get("attended") is False and not item.get("views"):
            yield path_of(group, index, "views"), _person_context(group, item, role)


@check("absent_contribution")
def _absent_contribution(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    roles = set(params.get("roles", ()))
    for index, person in _items(record, "participants"):
        role = str(person.get("role", "other"))
        if role not in roles or person.get("attended") is not False:
            continue
        contribution = person.get("contribution")
        if contribution == "none" or (contribution is None and not person.get("views")):
            yield path_of("participants", index, "contribution"), _person_context("participants", person, role)


@check("parent_participation")
def _parent_participation(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    parents = [p for _, p in _items(record, "participants") if p.get("role") in ("parent", "carer")]
    if not parents:
        yield "participants", {"message": "No parent or carer is recorded among the participants"}
    elif not any(p.get("attended") is True for p in parents):
        names = ", ".join(person_label(p) for p in parents)
        yield "participants", {"message": f"No parent or carer attended the meeting ({names})"}


@check("attendance_recorded")
def _attendance_recorded(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for index, child in _items(record, "children"):
        if not isinstance(child.get("attended"), bool):
            yield path_of("children", index, "attended"), _person_context("children", child, "child")


@check("child_considerations")
def _child_considerations(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for index, child in _items(record, "children"):
        if not child.get("considerations"):
            yield path_of("children", index, "considerations"), {"child": child_name(child)}


@check("seen_alone")
def _seen_alone(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if params.get("meeting_types") and get(record, "meeting.type") not in params["meeting_types"]:
        return  # procedure 5.1 is the first visit after the referral: not asked again at a review
    for index, child in _items(record, "children"):
        if child.get("seen_alone") is not True:
            yield path_of("children", index, "seen_alone"), {"child": child_name(child)}


@check("copy_withheld")
def _copy_withheld(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, index, item, role in _people(record):
        if item.get("receives_copy") is False and not item.get("copy_withheld_reason"):
            # the field to fill in is the reason: the report's location then points at that cell or control
            yield path_of(group, index, "copy_withheld_reason"), _person_context(group, item, role)


_DELIVERY_NEEDS = {"email": ("email", "email address"), "secure_email": ("email", "email address"), "post": ("address", "postal address")}


@check("delivery_details")
def _delivery_details(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, index, item, role in _people(record):
        need = _DELIVERY_NEEDS.get(str(item.get("delivery")))
        if need and item.get("receives_copy") is not False and not item.get(need[0]):
            yield (
                path_of(group, index, need[0]),
                {
                    **_person_context(group, item, role),
                    "delivery": str(item["delivery"]).replace("_", " "),
                    "needed": need[1],
                },
            )


@check("email_address")
def _email_address(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, index, item, role in _people(record):
        if item.get("email") and not is_email_address(item["email"]):
            yield path_of(group, index, "email"), {**_person_context(group, item, role), "email": str(item["email"])}


# ---------------------------------------------------------------- meeting and decision


@check("chair_role_not")
def _chair_role_not(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if get(record, "meeting.chair_role") in set(params.get("roles", ())):
        yield "meeting.chair_role", {"chair_name": get(record, "meeting.chair_name") or "the chair"}


@check("field_present", needs=("field",))
def _field_present(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if params.get("unless_closure") and _is_closure(record):
        return
    if get(record, params["field"]) in (None, ""):
        yield params["field"], {}


@check("field_in", needs=("field", "values"))
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
    if not _is_closure(record):
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


@check("decision_is", needs=("outcome",))
def _decision_is(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if get(record, "decision.outcome") == params["outcome"]:
        yield "decision.outcome", {"meeting_date": uk_date(get(record, "meeting.date"))}


# the timing checks register themselves here too, so every check is known once this module is imported
from docgen.validation import timing as _timing  # noqa: E402,F401
