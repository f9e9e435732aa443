"""Every fix a report gives names a place on the form that exists (a question, a column or a section), or says no change is needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docgen.schema import base_schema
from docgen.validation import validate_record
from tests.conftest import clean_initial
from tests.shipped import available_profiles, fields, groups, load_profile


def _places() -> set[str]:
    """Every question, column heading and section title the generated forms print, lower-cased."""
    titles = {f.title for f in fields()} | {f.title for g in groups() for f in g.fields} | {g.title for g in groups()}
    titles |= {spec.get("title", "") for spec in base_schema()["properties"].values()}
    return {t.lower() for t in titles if t}


def _names_a_place(fix: str) -> bool:
    text = re.sub(r"\{[a-z_]+\}", "", fix).lower()
    return text.startswith("no change to the form is needed") or any(place in text for place in _places())


@pytest.mark.parametrize("profile_id", available_profiles())
def test_every_rule_fix_names_a_place_on_the_form(profile_id: str) -> None:
    vague = [(rule.id, rule.fix) for rule in load_profile(profile_id).rules if rule.fix != "{fix}" and not _names_a_place(rule.fix)]
    assert vague == []


def test_the_reasons_a_copy_is_withheld_and_the_chairs_notes_are_on_the_form() -> None:
    paths = {f.path for f in fields()} | {f.path for g in groups() for f in g.fields}
    assert {"children.copy_withheld_reason", "participants.copy_withheld_reason", "meeting.chair_notes"} <= paths


def test_a_withheld_copy_and_missing_parents_point_at_the_fields_that_answer_them() -> None:
    record = clean_initial()
    record["participants"][2]["receives_copy"] = False
    record["participants"] = [p for p in record["participants"] if p["role"] not in ("parent", "carer")]
    report = validate_record(record, "standard", locations={"participants[0]": "row 2 of the Participants table"})
    fixes = {p.rule: (p.field, p.fix) for p in report.warnings}
    name = next(p["name"] for p in record["participants"] if p.get("receives_copy") is False)
    assert fixes["standard-3.3-copy-withheld"][1] == (
        "Copies go to the child, the family and everyone in the planning group: "
        f"fill in Reason no copy is sent in {name}'s row, or answer Yes to receiving a copy."
    )
    assert fixes["standard-3.3-copy-withheld"][0].endswith(".copy_withheld_reason")
    assert fixes["standard-2.1-parent-participation"][1] == (
        "Plans can only progress with the parents' consent and full participation: add the parent or carer to the "
        "Participants table, or record the extenuating circumstances in Chair's notes (Meeting section)."
    )


def test_whole_missing_sections_are_reported_where_they_sit_on_the_excel_form(tmp_path: Path) -> None:
    from docgen.blanks.generate_xlsx import write_xlsx_form
    from docgen.validate_file import validate_file

    report = validate_file(write_xlsx_form(tmp_path / "blank.xlsx"))
    where = {p.field: (p.location, p.fix) for p in report.errors}
    assert where["key_worker"] == (
        "the Key worker questions, from Meeting!B25",
        "Fill in the Key worker section: Key worker's name and Key worker's role.",
    )
    assert where["objectives"] == (
        "the objectives sheet, from row 2",
        "Add at least one row to the Objectives table, filling in every column marked *.",
    )
    assert where["actions"][0] == "the actions sheet, from row 2"


def test_whole_missing_sections_are_reported_where_they_sit_on_the_word_form(tmp_path: Path) -> None:
    from docgen.blanks.generate_docx import write_docx_form
    from docgen.validate_file import validate_file

    report = validate_file(write_docx_form(tmp_path / "blank.docx"))
    where = {p.field: p.location for p in report.errors}
    assert where["key_worker"] == "the Key worker questions, from control key_worker.name (Key worker's name)"
    assert where["objectives"] == "row 2 of the Objectives table"
    assert where["actions"] == "row 2 of the Actions table"
