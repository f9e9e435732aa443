"""Every rule, broken alone, is reported at exactly its field; every clean record passes under both profiles."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from docgen.validation import validate_record
from tests.conftest import clean_closure, clean_initial, clean_review
from tests.shipped import available_profiles, load_profile
from tests.validation.test_timing import TESTED_IN_TEST_TIMING

Record = dict[str, Any]
Mutation = Callable[[Record], None]


def _set(path: str, value: Any) -> Mutation:
    """A mutation that sets (or, for None, removes) a dotted path with optional [i] indices."""

    def apply(record: Record) -> None:
        node: Any = record
        parts = path.replace("]", "").replace("[", ".").split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value

    return apply


def _all(*mutations: Mutation) -> Mutation:
    def apply(record: Record) -> None:
        for mutation in mutations:
            mutation(record)

    return apply


def _append(group: str, item: Record) -> Mutation:
    return lambda record: record[group].append(item)


BASES = {"initial": clean_initial, "review": clean_review, "closure": clean_closure}

# (case id, base, profile, mutation, expected {(rule, severity, field)})
CASES: list[tuple[str, str, str, Mutation, set[tuple[str, str, str]]]] = [
    ("action points at no objective", "initial", "standard", _set("actions[0].objective_id", "O9"),
     {("standard-1.3-action-objective", "error", "actions[0].objective_id")}),
    ("objective names no real child", "initial", "standard", _set("objectives[1].child_ids", "C1, C9"),
     {("standard-1.3-objective-children", "error", "objectives[1].child_ids")}),
    ("objective id used twice", "initial", "standard",
     _append("objectives", {"id": "O1", "need": "Play", "outcome": "More play", "measure": "Diary", "target_date": "2027-02-01"}),
     {("standard-1.3-unique-ids", "error", "objectives[3].id")}),
    ("objective without an action", "initial", "standard",
     _append("objectives", {"id": "O4", "need": "Play", "outcome": "More play", "measure": "Diary", "target_date": "2027-02-01"}),
     {("standard-1.3-objective-actions", "warning", "objectives[3]")}),
    ("child born after the meeting", "initial", "standard", _set("children[0].date_of_birth", "2027-01-01"),
     {("standard-1.3-dates-in-order", "error", "children[0].date_of_birth")}),
    ("referral after the meeting (the assessment dates now before it are not blamed)", "initial", "standard",
     _set("case.referral_date", "2026-12-18"),
     {("standard-1.3-dates-in-order", "error", "case.referral_date")}),
    ("plan starts before the referral", "initial", "standard", _set("case.plan_start_date", "2026-11-20"),
     {("standard-1.3-dates-in-order", "error", "case.plan_start_date")}),
    ("review giving a re-referral made while the plan ran (no error)", "review", "standard", _all(_set("case.referral_date", "2027-01-20"), _set("case.assessment_start_date", "2027-01-21"),
          _set("case.assessment_completed_date", "2027-02-01")),
     set()),
    ("assessment started before the referral", "initial", "standard", _set("case.assessment_start_date", "2026-11-20"),
     {("standard-1.3-dates-in-order", "error", "case.assessment_start_date")}),
    ("assessment completed before it started", "initial", "standard", _set("case.assessment_completed_date", "2026-11-23"),
     {("standard-1.3-dates-in-order", "error", "case.assessment_completed_date")}),
    ("plan starts after the meeting", "initial", "standard", _set("case.plan_start_date", "2026-12-18"),
     {("standard-1.3-dates-in-order", "error", "case.plan_start_date")}),
    ("target on the meeting date", "initial", "standard", _set("objectives[2].target_date", "2026-12-17"),
     {("standard-1.3-dates-in-order", "error", "objectives[2].target_date")}),
    ("action due before the meeting", "initial", "standard", _set("actions[3].due_date", "2026-12-16"),
     {("standard-1.3-dates-in-order", "error", "actions[3].due_date")}),
    ("review carrying a past target with no progress", "review", "standard", _set("objectives[2].target_date", "2027-01-31"),
     {("standard-4.1-carried-dates", "warning", "objectives[2].target_date")}),
    ("review carrying a past target still progressing", "review", "standard",
     _all(_set("objectives[1].target_date", "2027-02-11"), _set("objectives[1].progress", "progressing")),
     {("standard-4.1-carried-dates", "warning", "objectives[1].target_date")}),
    ("review carrying a past target, achieved (no warning)", "review", "standard",
     _all(_set("objectives[1].target_date", "2027-01-11"), _set("objectives[1].progress", "achieved")), set()),
    ("closure carrying a past due date not done", "closure", "standard",
     _all(_set("actions[0].due_date", "2027-03-01"), _set("actions[0].status", "not_done")),
     {("standard-4.1-carried-dates", "warning", "actions[0].due_date")}),
    ("review carrying a past due date, done (no warning)", "review", "standard",
     _all(_set("actions[0].due_date", "2027-01-08"), _set("actions[0].status", "done")), set()),
    ("review: an achieved objective needs no action", "review", "standard",
     _all(_set("actions", [{"objective_id": "O1", "action": "Routine chart", "responsible": "Sarah Jones", "due_date": "2027-03-31"}]),
          _set("objectives[1].progress", "achieved"), _set("objectives[2].progress", "no_longer_needed")), set()),
    ("review: child not seen alone is for the first visit only (no warning)", "review", "standard",
     _set("children[0].seen_alone", False), set()),
    ("closure with an objective still progressing", "closure", "standard", _set("objectives[1].progress", "progressing"),
     {("standard-4.2-closure-objectives", "error", "objectives[1].progress")}),
    ("closure with an objective's progress unrecorded", "closure", "standard", _set("objectives[0].progress", None),
     {("standard-4.2-closure-progress", "warning", "objectives[0].progress")}),
    ("service ends before it starts", "initial", "standard", _set("services[0].end_date", "2027-01-01"),
     {("standard-1.3-dates-in-order", "error", "services[0].end_date")}),
    ("initial meeting later than 4 weeks from referral", "initial", "standard",
     _all(_set("case.referral_date", "2026-11-18"), _set("case.assessment_start_date", "2026-11-19")),
     {("standard-1.2-plan-within-4-weeks", "warning", "meeting.date")}),
    ("initial meeting after day 35 of the assessment", "initial", "standard",
     _all(_set("case.referral_date", "2026-11-01"), _set("case.assessment_start_date", "2026-11-02")),
     {("standard-1.2-plan-within-4-weeks", "warning", "meeting.date"), ("standard-4.1-meeting-by-day-35", "warning", "meeting.date")}),
    # 4.1 "before day 35": the assessment started 12 Nov (day 0), so 17 Dec is day 35 itself: too late
    ("initial meeting on day 35 of the assessment", "initial", "standard",
     _all(_set("case.referral_date", "2026-11-12"), _set("case.assessment_start_date", "2026-11-12")),
     {("standard-1.2-plan-within-4-weeks", "warning", "meeting.date"), ("standard-4.1-meeting-by-day-35", "warning", "meeting.date")}),
    # started 13 Nov: 17 Dec is day 34, before day 35 (only the 4 weeks from the referral are passed)
    ("initial meeting on day 34 of the assessment", "initial", "standard",
     _all(_set("case.referral_date", "2026-11-13"), _set("case.assessment_start_date", "2026-11-13")),
     {("standard-1.2-plan-within-4-weeks", "warning", "meeting.date")}),
    ("initial meeting with no assessment start date", "initial", "standard", _set("case.assessment_start_date", None),
     {("standard-4.1-meeting-by-day-35-unchecked", "warning", "case.assessment_start_date")}),
    ("absent parent with no reason", "initial", "standard", _set("participants[1].non_attendance_reason", None),
     {("standard-2.1-absence-reason", "error", "participants[1].non_attendance_reason")}),
    ("absent child with no reason", "initial", "standard", _set("children[1].non_attendance_reason", None),
     {("standard-2.1-absence-reason", "error", "children[1].non_attendance_reason")}),
    ("absent professional with no reason", "initial", "standard", _set("participants[3].non_attendance_reason", None),
     {("standard-2.1-absence-reason", "error", "participants[3].non_attendance_reason")}),
    ("absent parent with no views", "initial", "standard", _set("participants[1].views", None),
     {("standard-2.1-absent-views", "error", "participants[1].views")}),
    ("absent child with no views", "initial", "standard", _set("children[1].views", None),
     {("standard-2.1-absent-views", "error", "children[1].views")}),
    ("absent parent made no contribution", "initial", "standard", _set("participants[1].contribution", "none"),
     {("standard-2.1-absent-contribution", "warning", "participants[1].contribution")}),
    ("no parent attended", "initial", "standard",
     _all(_set("participants[0].attended", False), _set("participants[0].non_attendance_reason", "Unwell")),
     {("standard-2.1-parent-participation", "warning", "participants")}),
    ("child's attendance not recorded", "initial", "standard", _set("children[0].attended", None),
     {("standard-2.1-attendance-recorded", "warning", "children[0].attended")}),
    ("community support worker chaired", "initial", "standard", _set("meeting.chair_role", "community_support_worker"),
     {("standard-2.3-chair", "error", "meeting.chair_role")}),
    ("team manager chaired", "initial", "standard", _set("meeting.chair_role", "team_manager"),
     {("standard-2.3-chair-role", "warning", "meeting.chair_role")}),
    ("absent professional sent no report", "initial", "standard",
     _all(_set("participants[3].contribution", "none"), _set("participants[3].views", None)),
     {("standard-2.4-professional-contribution", "warning", "participants[3].contribution")}),
    ("no considerations recorded", "initial", "standard", _set("children[0].considerations", None),
     {("standard-2.4-considerations", "warning", "children[0].considerations")}),
    ("an acronym the glossary does not explain", "initial", "standard", _set("actions[1].agency", "FRT"),
     {("standard-2.4-special-terms", "warning", "actions[1].agency")}),
    ("no contingency plan (standard)", "initial", "standard", _set("contingency_plan", None),
     {("standard-2.5-contingency", "warning", "contingency_plan")}),
    ("a child with no objective", "initial", "standard",
     _all(_set("objectives[0].child_ids", "C1"), _set("objectives[2].child_ids", "C1")),
     {("standard-3.2-child-objectives", "error", "objectives")}),
    ("someone gets no copy", "initial", "standard", _set("participants[2].receives_copy", False),
     {("standard-3.3-copy-withheld", "warning", "participants[2].copy_withheld_reason")}),
    ("someone gets no copy, and the form says why", "initial", "standard",
     _all(_set("participants[2].receives_copy", False), _set("participants[2].copy_withheld_reason", "Moved abroad; agreed by the family")),
     set()),
    ("post with no address", "initial", "standard", _set("participants[1].address", None),
     {("standard-3.3-delivery-details", "warning", "participants[1].address")}),
    ("email with no email address", "initial", "standard", _set("participants[0].email", "  "),
     {("standard-3.3-delivery-details", "warning", "participants[0].email")}),
    ("a malformed email address", "initial", "standard", _set("participants[0].email", "sarah.jones at example.org"),
     {("standard-3.3-email-address", "warning", "participants[0].email")}),
    ("review beyond 3 months", "initial", "standard", _set("meeting.next_review_date", "2027-03-18"),
     {("standard-4.1-review-interval", "error", "meeting.next_review_date")}),
    ("review at the 6 month point", "review", "standard",
     _all(_set("case.plan_start_date", "2026-08-11"), _set("case.referral_date", "2026-07-01"),
          _set("case.assessment_start_date", "2026-07-02"), _set("case.assessment_completed_date", "2026-07-20")),
     {("standard-4.1-six-month-review", "warning", "meeting.date")}),
    ("review without a plan start date", "review", "standard", _set("case.plan_start_date", None),
     {("standard-4.1-plan-start", "warning", "case.plan_start_date")}),
    ("unknown progress", "review", "standard", _set("objectives[0].progress", "done"),
     {("schema-choice", "error", "objectives[0].progress")}),
    ("unknown action status", "review", "standard", _set("actions[0].status", "finished"),
     {("schema-choice", "error", "actions[0].status")}),
    ("closure deciding to continue", "closure", "standard", _set("decision.outcome", "continue"),
     {("standard-4.2-closure-decision", "error", "decision.outcome")}),
    ("closure with no decision", "closure", "standard", _set("decision", None),
     {("standard-4.2-closure-decision", "error", "decision.outcome")}),
    ("step down to MAP without lead professional or locality team", "closure", "standard", _set("decision.outcome", "step_down_map"),
     {("standard-4.2-step-down-map", "error", "decision.lead_professional"),
      ("standard-4.2-step-down-map", "error", "decision.locality_team_invited")}),
    ("escalation to safeguarding", "initial", "standard", _set("decision.outcome", "escalate_safeguarding"),
     {("standard-4.4-safeguarding", "warning", "decision.outcome")}),
    ("next review on the meeting date", "initial", "standard", _set("meeting.next_review_date", "2026-12-17"),
     {("standard-4.5-next-review", "error", "meeting.next_review_date")}),
    ("no next review date", "initial", "standard", _set("meeting.next_review_date", None),
     {("standard-4.5-next-review", "error", "meeting.next_review_date")}),
    ("child not seen alone", "initial", "standard", _set("children[0].seen_alone", False),
     {("standard-5.1-seen-alone", "warning", "children[0].seen_alone")}),
    ("visits every 29 days", "initial", "standard", _set("meeting.visit_frequency_days", 29),
     {("standard-5.2-visit-frequency", "error", "meeting.visit_frequency_days")}),
    # south-gloucestershire
    ("plan later than 10 days after the assessment", "initial", "south-gloucestershire", _set("case.assessment_completed_date", "2026-12-01"),
     {("sg-expectations-plan-within-10-days", "warning", "meeting.date")}),
    ("review beyond 8 weeks without agreement", "initial", "south-gloucestershire", _set("meeting.next_review_date", "2027-02-12"),
     {("sg-expectations-review-8-weeks", "error", "meeting.next_review_date")}),
    ("SG initial meeting with no assessment completion date", "initial", "south-gloucestershire",
     _set("case.assessment_completed_date", None),
     {("sg-expectations-plan-within-10-days-unchecked", "warning", "case.assessment_completed_date")}),
    # with a management agreement: past the base procedure's 3 months (17 Mar) a warning, past 6 months (17 Jun) an error
    ("agreed review a day past 3 months", "initial", "south-gloucestershire",
     _all(_set("meeting.management_agreement", "Agreed by J. Patel, 17/12/2026"), _set("meeting.next_review_date", "2027-03-18")),
     {("sg-expectations-review-agreed-beyond-3-months", "warning", "meeting.next_review_date")}),
    ("agreed review with the year mistyped", "initial", "south-gloucestershire",
     _all(_set("meeting.management_agreement", "Agreed by J. Patel, 17/12/2026"), _set("meeting.next_review_date", "2028-02-11")),
     {("sg-expectations-review-agreed-beyond-3-months", "warning", "meeting.next_review_date"),
      ("sg-expectations-review-agreed-limit", "error", "meeting.next_review_date")}),
    ("no contingency plan (south gloucestershire)", "initial", "south-gloucestershire", _set("contingency_plan", None),
     {("sg-expectations-contingency", "error", "contingency_plan")}),
    ("no closure criteria", "initial", "south-gloucestershire", _set("closure_criteria", ""),
     {("sg-expectations-end-point", "error", "closure_criteria")}),
    ("no scaling score", "initial", "south-gloucestershire", _set("scaling", None),
     {("sg-top-tips-scaling", "warning", "scaling.score")}),
    ("assessment triangle incomplete", "initial", "south-gloucestershire", _set("assessment.parenting_capacity", None),
     {("sg-top-tips-assessment-triangle", "warning", "assessment.parenting_capacity")}),
    # the base schema
    ("chair's name missing", "initial", "standard", _set("meeting.chair_name", None),
     {("schema-required", "error", "meeting.chair_name")}),
    ("participant's name missing", "initial", "standard", _set("participants[2].name", None),
     {("schema-required", "error", "participants[2].name")}),
    ("impossible meeting date", "initial", "standard", _set("meeting.date", "2026-02-31"),
     {("schema-date", "error", "meeting.date")}),
    ("meeting date in year 9999", "initial", "standard", _set("meeting.date", "9999-12-31"),
     {("schema-date", "error", "meeting.date")}),
    ("review date in year 9999", "review", "standard", _set("meeting.next_review_date", "9999-12-31"),
     {("schema-date", "error", "meeting.next_review_date")}),
    ("unknown meeting type", "initial", "standard", _set("meeting.type", "annual"),
     {("schema-choice", "error", "meeting.type")}),
    ("case reference with a slash", "initial", "standard", _set("case.reference", "CIN/2026/12"),
     {("schema-pattern", "error", "case.reference")}),
    ("visit frequency in words", "initial", "standard", _set("meeting.visit_frequency_days", "fortnightly"),
     {("schema-type", "error", "meeting.visit_frequency_days")}),
    ("scaling score out of range", "initial", "standard", _set("scaling.score", 11),
     {("schema-range", "error", "scaling.score")}),
    ("no actions", "initial", "standard", _set("actions", []),
     {("schema-min-items", "error", "actions"), ("standard-1.3-objective-actions", "warning", "objectives[0]"),
      ("standard-1.3-objective-actions", "warning", "objectives[1]"), ("standard-1.3-objective-actions", "warning", "objectives[2]")}),
    ("empty children table", "initial", "standard", _set("children", [{}]),
     {("schema-min-items", "error", "children"), ("standard-1.3-objective-children", "error", "objectives[1].child_ids"),
      ("standard-1.3-objective-children", "error", "objectives[2].child_ids")}),
    ("unknown council named on the form", "initial", "standard", _set("policy", "atlantis"),
     {("policy-unknown", "error", "policy")}),
]


def _found(record: Record, policy: str | None) -> set[tuple[str, str, str]]:
    report = validate_record(record, policy)
    return {(p.rule, p.severity, p.field) for p in report.problems}


@pytest.mark.parametrize("base", sorted(BASES))
@pytest.mark.parametrize("policy", available_profiles())
def test_clean_records_pass_with_nothing_to_report(base: str, policy: str) -> None:
    report = validate_record(BASES[base](), policy)
    assert report.problems == []
    assert report.valid


@pytest.mark.parametrize(("name", "base", "policy", "mutation", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_broken_alone_names_exactly_its_field(name: str, base: str, policy: str, mutation: Mutation, expected: set[tuple[str, str, str]]) -> None:
    record = BASES[base]()
    mutation(record)
    # --policy wins over the record's own policy, except where the case is about the record's policy
    found = _found(record, None if name.startswith("unknown council") else policy)
    assert found == expected


def test_every_rule_of_every_profile_has_a_failing_case() -> None:
    tested = {rule for *_, expected in CASES for rule, _, _ in expected} | TESTED_IN_TEST_TIMING
    defined = {rule.id for pid in available_profiles() for rule in load_profile(pid).rules}
    defined |= {spec["id"] for pid in available_profiles() for spec in load_profile(pid).schema_rules.values()}
    assert defined - tested == set()


def test_south_gloucestershire_allows_a_longer_review_with_management_agreement_up_to_its_limits() -> None:
    record = clean_initial()
    record["meeting"].update(next_review_date="2027-03-17", management_agreement="Agreed by J. Patel, Team Manager, 17/12/2026")
    assert validate_record(record, "south-gloucestershire").problems == []  # 3 months exactly
    record["meeting"]["next_review_date"] = "2027-03-18"  # the 8 weeks no longer apply, the base procedure's 3 months warn
    assert [(p.rule, p.severity) for p in validate_record(record, "south-gloucestershire").problems] == [
        ("sg-expectations-review-agreed-beyond-3-months", "warning")
    ]
    assert {p.rule for p in validate_record(record, "standard").problems} == {"standard-4.1-review-interval"}
    record["meeting"]["next_review_date"] = "2027-06-17"  # 6 months exactly: still only the warning
    assert not validate_record(record, "south-gloucestershire").errors
    record["meeting"]["next_review_date"] = "2027-06-18"
    assert [p.message for p in validate_record(record, "south-gloucestershire").errors] == [
        "The next review on 18 Jun 2027 is more than 6 months after the meeting on 17 Dec 2026, beyond what even a management "
        "agreement allows (latest 17 Jun 2027): the date is probably mistyped"
    ]


def test_review_exactly_three_months_on_is_allowed() -> None:
    record = clean_initial()
    record["meeting"]["next_review_date"] = "2027-03-17"
    assert validate_record(record, "standard").problems == []


def test_visits_every_28_days_are_allowed() -> None:
    record = clean_initial()
    record["meeting"]["visit_frequency_days"] = 28
    assert validate_record(record, "standard").problems == []


def test_a_late_initial_meeting_is_a_warning_not_an_error() -> None:
    record = clean_initial()
    record["case"].update(referral_date="2026-10-01", assessment_start_date="2026-10-02", assessment_completed_date="2026-11-30")
    report = validate_record(record, "standard")
    assert report.valid
    assert {p.rule for p in report.warnings} == {"standard-1.2-plan-within-4-weeks", "standard-4.1-meeting-by-day-35"}


def test_record_policy_is_used_when_no_policy_is_given() -> None:
    record = clean_initial()
    record["policy"] = "south-gloucestershire"
    del record["closure_criteria"]
    report = validate_record(record)
    assert report.policy == "south-gloucestershire"
    assert [p.rule for p in report.errors] == ["sg-expectations-end-point"]


@pytest.mark.parametrize("address", ["sarah.jones@example.org\r\nBcc: all@example.org", "sarah@example.org, tom@example.org"])
def test_an_address_the_schema_refuses_is_one_error_not_also_a_warning(address: str) -> None:
    record = clean_initial()
    record["participants"][0]["email"] = address
    report = validate_record(record, "standard")
    assert [(p.rule, p.field) for p in report.problems] == [("schema-email", "participants[0].email")]


def test_all_problems_are_reported_at_once() -> None:
    record = clean_initial()
    record["meeting"]["chair_role"] = "community_support_worker"
    record["participants"][1].pop("non_attendance_reason")
    record["actions"][0]["objective_id"] = "O9"
    record["meeting"]["visit_frequency_days"] = 42
    report = validate_record(record, "standard")
    assert len(report.errors) == 4


def test_profiles_are_data_a_third_council_needs_no_code(tmp_path: Any) -> None:
    from docgen.profiles import profiles_in

    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "elsewhere.json").write_text(json.dumps({
        "id": "elsewhere", "extends": "standard", "cite": "Elsewhere procedure {section}",
        "timescales": {"visit_interval_max_days": {"days": 20, "section": "7.1"}},
        "rules": {"standard-2.3-chair-role": None},
    }), encoding="utf-8")
    profile = profiles_in(tmp_path).load("elsewhere")
    assert profile.lineage == ("elsewhere", "standard")
    assert profile.timescale("visit_interval_max_days")["cite"] == "Elsewhere procedure 7.1"
    assert "standard-2.3-chair-role" not in {r.id for r in profile.rules}


def test_docs_rules_md_is_generated_from_the_profiles() -> None:
    from pathlib import Path

    from docgen.validation.catalogue import rules_markdown

    committed = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "docs/rules.md is stale: run `docgen rules > docs/rules.md`"


def test_every_numbered_section_of_the_procedure_is_covered() -> None:
    import json

    from docgen.profiles import PROFILE_DIR

    covered = {c["section"] for c in json.loads((PROFILE_DIR / "standard.json").read_text(encoding="utf-8"))["coverage"]}
    numbered = {f"{major}.{minor}" for major, last in ((1, 4), (2, 5), (3, 3), (4, 5), (5, 2)) for minor in range(1, last + 1)}
    assert covered == numbered
