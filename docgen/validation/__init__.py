"""Validation: the schema first, then the profile's cross-field rules; every problem at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docgen.profiles import DEFAULT_PROFILE, Profile, Profiles, shipped
from docgen.record import Record, clean
from docgen.validation import review_rules as _review_rules  # noqa: F401  (registers its checks)
from docgen.validation.census_id import census_id_problems
from docgen.validation.problems import Problem, Report
from docgen.validation.rules import rule_problems
from docgen.validation.schema_check import schema_problems

__all__ = ["Problem", "Report", "choose_profile", "profile_basis", "validate_record"]


def choose_profile(record: Record, policy: str | None = None, default: str | None = None) -> str:
    """The profile id to use: ``--policy``, else the record's ``policy``, else the configured default, else ``standard``."""
    chosen = policy or (record.get("policy") if isinstance(record.get("policy"), str) else None) or default or DEFAULT_PROFILE
    return chosen.strip() or DEFAULT_PROFILE


def profile_basis(record: Record, policy: str | None, profile_id: str, settings_file: str) -> str:
    """One line for a report: which profile was used and why, and which settings file was read."""
    if policy:
        why = "given by --policy"
    elif isinstance(record.get("policy"), str) and record["policy"].strip():
        why = "named on the form (Council procedure)"
    elif settings_file and not settings_file.startswith("none"):
        why = "the policy in docgen.toml, as the form names none"
    else:
        why = "docgen's default, as the form names none"
    return f"Profile {profile_id}: {why}." + (f" Settings file: {settings_file}." if settings_file else "")


def validate_record(
    record: Record,
    policy: str | None = None,
    *,
    default_policy: str | None = None,
    source: Mapping[str, Any] | None = None,
    locations: Mapping[str, str] | None = None,
    extra: list[Problem] | None = None,
    settings_file: str = "",
    profiles: Profiles | None = None,
) -> Report:
    """Checks ``record`` and reports every error and warning, each with its form location where known.

    ``policy`` (``--policy``) wins over the record's own ``policy``; an explicit ``policy`` that is unknown
    raises ``ConfigError`` (a usage mistake), while an unknown one named by the form is reported as an error.
    ``extra`` carries problems found while reading the form (an invalid date as typed, say);
    ``settings_file`` names the ``docgen.toml`` read (see ``docgen.config.settings_file_note``) for the report;
    ``profiles`` are the root's (``profiles_in(root)``), else the shipped ones.
    """
    profiles = profiles or shipped()
    record = clean(record)
    profile_id = choose_profile(record, policy, default_policy)
    report = Report(source=dict(source or {}), policy=profile_id, problems=list(extra or []))
    known = profiles.available()
    if profile_id in known or policy or profile_id == default_policy:
        profile: Profile = profiles.load(profile_id)  # unknown --policy, or a broken profile: a settings error
    else:
        report.problems.append(
            Problem(
                rule="policy-unknown",
                severity="error",
                field="policy",
                message=f"The form names the council procedure {profile_id!r}, which docgen does not know",
                section="",
                fix=f"Leave it blank for the default, or use one of: {', '.join(known)}.",
            )
        )
        report.policy = default_policy or DEFAULT_PROFILE
        profile = profiles.load(report.policy)
    already = {(p.field, p.rule) for p in report.problems}
    # A field whose answer could not be read ('31/02/2019') is already reported with what was typed;
    # saying it is "missing" as well would contradict that.
    unreadable = {p.field for p in report.problems if p.severity == "error" and p.field}
    for problem in (
        *schema_problems(record, profile, profiles.reading_catalogue()),
        *rule_problems(record, profile),
        *census_id_problems(record),
    ):
        if (problem.field, problem.rule) in already or (problem.rule == "schema-required" and problem.field in unreadable):
            continue
        report.problems.append(problem)
    if locations:
        report.problems = [_locate(p, locations) for p in report.problems]
    report.basis = profile_basis(record, policy, report.policy, settings_file)
    return report


def _locate(problem: Problem, locations: Mapping[str, str]) -> Problem:
    """Attaches where to look: the field's own location, else the row or object holding it."""
    if problem.location:
        return problem
    path = problem.field
    while path:
        if path in locations:
            return Problem(**{**problem.__dict__, "location": locations[path]})
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return problem
