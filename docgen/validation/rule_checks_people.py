"""Rule checks on the people at a meeting: why someone was absent, their views, the child seen alone, who receives a copy and how.

Children and participants are walked together (``people_of``), so a rule about attendance or copies
reads the same for both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from docgen.profiles import Profile
from docgen.record import Record, child_name, get, is_email_address, person_label
from docgen.validation.checks import Finding, check
from docgen.validation.record_parts import items_of, people_of, person_context
from docgen.validation.wording import path_of


@check("absence_reason")
def _absence_reason(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, index, item, role in people_of(record):
        if item.get("attended") is False and not item.get("non_attendance_reason"):
            yield path_of(group, index, "non_attendance_reason"), person_context(group, item, role)


@check("absent_views")
def _absent_views(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    roles = set(params.get("roles", ()))
    for group, index, item, role in people_of(record):
        if role in roles and item.get("attended") is False and not item.get("views"):
            yield path_of(group, index, "views"), person_context(group, item, role)


@check("absent_contribution")
def _absent_contribution(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    roles = set(params.get("roles", ()))
    for index, person in items_of(record, "participants"):
        role = str(person.get("role", "other"))
        if role not in roles or person.get("attended") is not False:
            continue
        contribution = person.get("contribution")
        if contribution == "none" or (contribution is None and not person.get("views")):
            yield path_of("participants", index, "contribution"), person_context("participants", person, role)


@check("parent_participation")
def _parent_participation(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    parents = [p for _, p in items_of(record, "participants") if p.get("role") in ("parent", "carer")]
    if not parents:
        yield "participants", {"message": "No parent or carer is recorded among the participants"}
    elif not any(p.get("attended") is True for p in parents):
        names = ", ".join(person_label(p) for p in parents)
        yield "participants", {"message": f"No parent or carer attended the meeting ({names})"}


@check("attendance_recorded")
def _attendance_recorded(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for index, child in items_of(record, "children"):
        if not isinstance(child.get("attended"), bool):
            yield path_of("children", index, "attended"), person_context("children", child, "child")


@check("child_considerations")
def _child_considerations(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for index, child in items_of(record, "children"):
        if not child.get("considerations"):
            yield path_of("children", index, "considerations"), {"child": child_name(child)}


@check("seen_alone")
def _seen_alone(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    if params.get("meeting_types") and get(record, "meeting.type") not in params["meeting_types"]:
        return  # procedure 5.1 is the first visit after the referral: not asked again at a review
    for index, child in items_of(record, "children"):
        if child.get("seen_alone") is not True:
            yield path_of("children", index, "seen_alone"), {"child": child_name(child)}


@check("copy_withheld")
def _copy_withheld(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, index, item, role in people_of(record):
        if item.get("receives_copy") is False and not item.get("copy_withheld_reason"):
            # the field to fill in is the reason: the report's location then points at that cell or control
            yield path_of(group, index, "copy_withheld_reason"), person_context(group, item, role)


_DELIVERY_NEEDS = {"email": ("email", "email address"), "secure_email": ("email", "email address"), "post": ("address", "postal address")}


@check("delivery_details")
def _delivery_details(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, index, item, role in people_of(record):
        need = _DELIVERY_NEEDS.get(str(item.get("delivery")))
        if need and item.get("receives_copy") is not False and not item.get(need[0]):
            yield (
                path_of(group, index, need[0]),
                {
                    **person_context(group, item, role),
                    "delivery": str(item["delivery"]).replace("_", " "),
                    "needed": need[1],
                },
            )


# what the record schema already refuses as an error (a line break, a second address): not warned about twice
_SCHEMA_REFUSES = re.compile(r"[\r\n,;]|@.*@", re.S)


@check("email_address")
def _email_address(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    for group, index, item, role in people_of(record):
        email = item.get("email")
        if email and not is_email_address(email) and not _SCHEMA_REFUSES.search(str(email)):
            yield path_of(group, index, "email"), {**person_context(group, item, role), "email": str(item["email"])}
