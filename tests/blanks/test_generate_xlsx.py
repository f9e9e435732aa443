"""The blank Excel form: defined names per field, one sheet per group, dropdowns and date formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from docgen.blanks.generate_xlsx import write_xlsx_form
from docgen.schema import schema_version
from tests.shipped import fields, groups


def _named_cell(workbook: Workbook, name: str) -> tuple[str, str]:
    ((sheet, coordinate),) = list(workbook.defined_names[name].destinations)
    return sheet, coordinate.replace("$", "")


def _validations(sheet: object) -> dict[str, str]:
    """Each validated range → its list or type."""
    out = {}
    for rule in sheet.data_validations.dataValidation:  # type: ignore[attr-defined]
        for cells in str(rule.sqref).split():
            out[cells] = rule.formula1 if rule.type == "list" else rule.type
    return out


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path = write_xlsx_form(tmp_path_factory.mktemp("forms") / "form.xlsx")
    return load_workbook(path)


def test_sheets_start_with_instructions_then_meeting_then_one_per_group(workbook: Workbook) -> None:
    assert workbook.sheetnames == ["Instructions", "Meeting", *(g.name for g in groups())]


def test_every_single_field_has_a_defined_name_on_its_meeting_row(workbook: Workbook) -> None:
    meeting = workbook["Meeting"]
    for spec in fields():
        if spec.path == "form_version":
            continue
        sheet, coordinate = _named_cell(workbook, spec.path)
        assert sheet == "Meeting"
        assert coordinate.startswith("B")
        row = int(coordinate[1:])
        assert meeting.cell(row, 1).value in (spec.title, spec.title + " *")  # the question first, in words
        assert meeting.cell(row, 4).value == spec.path  # the path for reference, outside the printed area


def test_form_version_is_named_on_the_instructions_sheet(workbook: Workbook) -> None:
    sheet, coordinate = _named_cell(workbook, "form_version")
    assert sheet == "Instructions"
    assert workbook[sheet][coordinate].value == schema_version()


def test_choices_offer_their_titles_and_dates_are_uk(workbook: Workbook) -> None:
    meeting = workbook["Meeting"]
    rules = _validations(meeting)
    assert rules[_named_cell(workbook, "meeting.type")[1]] == '"Initial,Review,Closure"'
    assert rules[_named_cell(workbook, "meeting.date")[1]] == "date"
    assert rules[_named_cell(workbook, "decision.locality_team_invited")[1]] == '"Yes,No"'
    assert rules[_named_cell(workbook, "scaling.score")[1]] == "whole"
    assert meeting[_named_cell(workbook, "meeting.date")[1]].number_format == "dd/mm/yyyy"


def test_the_meeting_sheet_asks_the_question_then_takes_the_answer_and_prints_without_field_paths(workbook: Workbook) -> None:
    meeting = workbook["Meeting"]
    assert [c.value for c in meeting[1]] == ["Question", "Answer", "Guidance", "Field (for reference)"]
    row = int(_named_cell(workbook, "meeting.chair_name")[1][1:])
    assert [meeting.cell(row, c).value for c in (1, 3)] == [
        "Chair's name *",
        "The full name of the person who chaired the meeting. Required.",
    ]
    assert meeting.print_area == f"'Meeting'!$A$1:$C${meeting.max_row}"


def test_yes_no_lists_never_say_tick(workbook: Workbook) -> None:
    everything = [str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value]
    comments = [c.comment.text for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.comment]
    assert not [text for text in everything + comments if "Tick" in text]
    row = int(_named_cell(workbook, "decision.locality_team_invited")[1][1:])
    assert workbook["Meeting"].cell(row, 3).value.endswith("Choose Yes or No.")


def test_group_sheets_are_headed_in_words_wide_enough_to_print_whole(workbook: Workbook) -> None:
    participants = workbook["participants"]
    assert [c.value for c in participants[1]] == [
        "Name *",
        "Role *",
        "Relationship",
        "Agency",
        "Attended *",
        "Reason for non-attendance",
        "Views",
        "Contribution",
        "Receives a copy",
        "Reason no copy is sent",
        "Delivery",
        "Email",
        "Address",
    ]
    for sheet in (workbook[g.name] for g in groups()):
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert cell.alignment.wrap_text and all(len(word) + 2 <= width for word in cell.value.split()), (sheet.title, cell.value)
        assert sheet.print_title_rows == "$1:$1"


def test_group_sheets_have_a_header_of_titles_with_guidance_in_comments(workbook: Workbook) -> None:
    children = workbook["children"]
    header = [c.value for c in children[1]]
    group = next(g for g in groups() if g.name == "children")
    assert header == [f.title + (" *" if f.required else "") for f in group.fields]
    assert children["B1"].comment.text.startswith("First name (required)\nThe child's first name.")
    assert children["D2"].number_format == "dd/mm/yyyy"
    assert children.freeze_panes == "A2"
    rules = _validations(workbook["participants"])
    assert rules["B2:B101"] == '"Parent,Carer,Family,Professional,Other"'
    assert rules["E2:E101"] == '"Yes,No"'


def test_a_council_form_preselects_it_and_marks_what_it_requires(tmp_path: Path) -> None:
    workbook = load_workbook(write_xlsx_form(tmp_path / "sg.xlsx", "south-gloucestershire"))
    assert workbook["Meeting"][_named_cell(workbook, "policy")[1]].value == "south-gloucestershire"
    row = int(_named_cell(workbook, "closure_criteria")[1][1:])
    assert workbook["Meeting"].cell(row, 1).value == "Closure criteria *"
