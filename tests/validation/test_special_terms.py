"""Warning standard-2.4-special-terms: an acronym a family's or child's copy prints that the glossary does not explain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docgen.profiles import Profiles, profiles_in
from docgen.validation import validate_record
from tests.conftest import clean_initial

RULE = "standard-2.4-special-terms"
FIX = "explain it in the text, or add it to the council's glossary"


def _special_terms(record: dict[str, Any], policy: str = "standard", profiles: Profiles | None = None) -> list[tuple[str, str, str]]:
    report = validate_record(record, policy, profiles=profiles)
    return [(p.field, p.message, p.fix) for p in report.warnings if p.rule == RULE]


def test_an_unknown_acronym_is_warned_about_naming_the_field_and_the_term() -> None:
    record = clean_initial()
    record["objectives"][0]["need"] = "Family routines at home, with help from the FRT"
    record["contingency_plan"] = "If routines do not improve, an ICPC may be called and QXB informed."
    found = _special_terms(record)
    assert [(field, message.split(" uses ")[1].split(",")[0]) for field, message, _ in found] == [
        ("objectives[0].need", "FRT"),
        ("contingency_plan", "QXB"),
    ]
    _, message, fix = found[0]
    assert message.startswith("Objectives row 1, Area of need uses FRT, which the glossary does not explain")
    assert FIX in fix and "FRT" in fix


def test_acronyms_the_glossary_explains_are_not_warned_about() -> None:
    record = clean_initial()
    record["actions"][0]["action"] = "Refer to CAMHS and SALT; ask the GP and the school's SENCO; S47 enquiries if needed"
    record["services"][0]["agency"] = "NHS"
    assert _special_terms(record) == []


def test_every_family_facing_field_is_read_and_nothing_else() -> None:
    record = clean_initial()
    record["services"][0]["purpose"] = "Support from the ABC"
    record["decision"] = {"outcome": "continue", "rationale": "The DEF agreed"}
    record["closure_criteria"] = "When the GHI is satisfied"
    record["assessment"]["summary"] = "Seen by the JKL"  # the assessment is not in a family's copy of the plan
    assert [field for field, *_ in _special_terms(record)] == ["services[0].purpose", "closure_criteria", "decision.rationale"]


def test_no_warning_for_case_references_postcodes_initials_or_emphasis() -> None:
    record = clean_initial()
    reference = record["case"]["reference"]
    child = record["children"][0]
    parent = next(p for p in record["participants"] if p.get("role") == "parent")
    child_initials = (child["first_name"][0] + child["last_name"][0]).upper()
    parent_initials = "".join(w[0] for w in parent["name"].split()).upper()
    record["objectives"][0]["need"] = f"Case {reference}: {child_initials} and {parent_initials} to attend the clinic at BS16 7AB"
    record["actions"][0]["action"] = "Do NOT miss the 9 AM appointment"
    record["participants"][-1]["name"] = "Dr Priya Shah"
    record["services"][0]["contact"] = "PS on 01454 866000, or duty@example.org.uk"
    assert _special_terms(record) == []


@pytest.fixture
def council(tmp_path: Path) -> Iterator[Path]:
    """A council profile, in a root's profiles/ folder, with its own name on its letterhead."""
    (tmp_path / "profiles").mkdir()
    profile = {
        "id": "wessex",
        "extends": "standard",
        "letterhead": {"council": "Wessex County Council"},
        "glossary": {"FIRST": {"plain": "First Response, the team that takes calls about children.", "child": "The team you can ring."}},
    }
    (tmp_path / "profiles" / "wessex.json").write_text(json.dumps(profile), encoding="utf-8")
    yield tmp_path


def test_no_warning_for_the_councils_own_name_and_its_own_terms(council: Path) -> None:
    record = clean_initial()
    record["objectives"][0]["need"] = "WESSEX WCC and WCC's FIRST team to help; the QXB to visit (WC Children's Services)"
    assert [message.split(" uses ")[1].split(",")[0] for _, message, _ in _special_terms(record, "wessex", profiles_in(council))] == ["QXB"]
