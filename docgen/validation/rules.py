"""The cross-field checks that JSON Schema cannot express, each named by the profiles that switch it on.

A check takes the record, the profile and the rule's ``params`` and yields ``(field path, context)``
for each breach; the rule's message and fix (profile data) are filled from the context. Checks never
assume the schema passed: they skip values that are missing or of the wrong type.

This module runs the rules (the register is ``checks``); the checks live beside it, grouped by what they look
at: ``rule_checks_references`` (items that name each other), ``rule_checks_dates`` (dates and timescales),
``rule_checks_people`` (attendance, views, copies), ``rule_checks_decision`` (the meeting and its decision),
``review_rules`` (what a review or closure carries over) and ``timing`` (dates against today); the words a copy
prints are read by ``special_terms``, given only the glossary.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docgen.profiles import Profile, RuleSpec
from docgen.record import Record
from docgen.timescales import condition_holds
from docgen.validation.checks import CHECKS, Finding, check
from docgen.validation.problems import Problem
from docgen.validation.special_terms import unexplained_terms

__all__ = ["CHECKS", "Finding", "check", "rule_problems"]

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
    return Problem(rule=rule.id, severity=rule.severity, field=path, message=message, section=rule.cite, fix=fix)


@check("special_terms")
def _special_terms(record: Record, profile: Profile, params: dict[str, Any]) -> Iterator[Finding]:
    """Procedure 2.4: acronyms in what a family's or child's copy prints that the profile's glossary does not explain."""
    council = (profile.council, profile.title, *profile.lineage)
    yield from unexplained_terms(record, profile.glossary, council=council, title_of=profile.catalogue.title_of)


# Each module of checks registers its checks on import: once this module is imported, every check is known.
from docgen.validation import review_rules as _review  # noqa: E402,F401
from docgen.validation import rule_checks_dates as _dates  # noqa: E402,F401
from docgen.validation import rule_checks_decision as _decision  # noqa: E402,F401
from docgen.validation import rule_checks_people as _people  # noqa: E402,F401
from docgen.validation import rule_checks_references as _references  # noqa: E402,F401
from docgen.validation import timing as _timing  # noqa: E402,F401
