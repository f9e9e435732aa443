"""Excel forms: defined names, field/value sheets, group sheets, cell types and formulas, read into the record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from docgen.errors import UnsafeFormError
from docgen.forms import read_form
from tests.forms.builders import macro_enabled_copy


def _name(target: object, name: str, reference: str) -> None:
    target.defined_names[name] = DefinedName(name, attr_text=reference)  # type: ignore[attr-defined]


def test_defined_names_group_sheets_and_cell_types(tmp_path: Path) -> None:
    workbook = Workbook()
    meeting = workbook.active
    meeting.title = "Meeting"
    meeting["A1"], meeting["B1"] = "Instructions live on another sheet", None
    meeting["B2"] = "CIN-2026-0042"
    meeting["B3"] = dt.datetime(2026, 9, 3)  # a real date cell
    meeting["B4"] = 46328  # an Excel serial number typed into a general cell: 2 November 2026
    meeting["B5"] = "Practice Lead"
    meeting["B6"] = 14.0
    meeting["B7"] = "✓"
    meeting["B8"] = "=B6*2"  # openpyxl saves no result for a formula
    meeting["B9"] = "1.0"
    plan = workbook.create_sheet("Child's Plan")
    plan["C3"] = "02/11/26"
    _name(workbook, "case.reference", "Meeting!$B$2")
    _name(workbook, "case.referral_date", "Meeting!$B$3")
    _name(workbook, "meeting.date", "Meeting!$B$4")
    _name(workbook, "meeting.chair_role", "Meeting!$B$5")
    _name(workbook, "meeting.visit_frequency_days", "Meeting!$B$6")
    _name(workbook, "decision.locality_team_invited", "Meeting!$B$7")
    _name(workbook, "scaling.score", "Meeting!$B$8")
    _name(workbook, "form_version", "Meeting!$B$9")
    _name(plan, "meeting.next_review_date", "'Child''s Plan'!$C$3")  # sheet-scoped, quoted name
    children = workbook.create_sheet("children")
    children.append(["Child ID", "first_name", "Date of birth", "Child attended", "Plan format"])
    children.append(["C1", "Amy", dt.datetime(2015, 5, 14), "Yes", "Words and pictures"])
    children.append([None, None, None, None, None])
    children.append(["C2", "Leo", "2 Mar 2019", "n", "standard"])
    participants = workbook.create_sheet("Participants")
    participants.append(["Who took part"])
    participants.append(["Name", "Role", "Attended"])
    participants.append(["Sam Jones", "Parent", "31/02/2026"])
    path = tmp_path / "form.xlsx"
    workbook.save(path)

    form = read_form(path)
    assert form.kind == "xlsx"
    assert form.record["case"] == {"reference": "CIN-2026-0042", "referral_date": "2026-09-03"}
    assert form.record["meeting"] == {
        "date": "2026-11-02",
        "chair_role": "practice_lead",
        "visit_frequency_days": 14,
        "next_review_date": "2026-11-02",
    }
    assert form.record["decision"] == {"locality_team_invited": True}
    assert form.record["children"] == [
        {"id": "C1", "first_name": "Amy", "date_of_birth": "2015-05-14", "attended": True, "plan_format": "words_and_pictures"},
        {"id": "C2", "first_name": "Leo", "date_of_birth": "2019-03-02", "attended": False, "plan_format": "standard"},
    ]
    assert form.record["participants"] == [{"name": "Sam Jones", "role": "parent"}]
    assert form.locations["meeting.next_review_date"] == "Child's Plan!C3"
    assert form.locations["children[1]"] == "row 4 of the children sheet"
    assert form.locations["children[1].first_name"] == "children!B4"
    rules = {(p.rule, p.field, p.location) for p in form.problems}
    assert rules == {
        ("form-formula", "scaling.score", "Meeting!B8"),
        ("form-yes-no", "participants[0].attended", "Participants!C3"),
    }
    formula = next(p for p in form.problems if p.rule == "form-formula")
    assert formula.message == "Scaling score (Meeting!B8) is a formula with no saved result, so its value cannot be read."


def test_column_a_field_paths_or_titles(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Form"
    rows = [
        ("Field", "Value"),
        ("case.reference", "REF-9"),
        ("Meeting date", "2nd November 2026"),
        ("Meeting type", "Closure"),
        ("Key worker's name", "  Jo Bloggs "),
        ("Something else", "ignored"),
    ]
    for line in rows:
        sheet.append(line)
    guide = workbook.create_sheet("Instructions")
    guide.append(("Meeting date", "The date the meeting was held."))
    guide.append(("Venue", "Where the meeting was held."))
    path = tmp_path / "columns.xlsx"
    workbook.save(path)
    form = read_form(path)
    assert form.problems == []
    assert form.record == {
        "case": {"reference": "REF-9"},
        "meeting": {"date": "2026-11-02", "type": "closure"},
        "key_worker": {"name": "Jo Bloggs"},
    }
    assert form.locations["meeting.type"] == "Form!B4"


def test_fields_labelled_by_their_own_names_or_common_aliases(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Form"
    for line in [
        ("Case ref", "REF-9"),
        ("Chair name", "Priya Shah"),
        ("Chair role", "Practice lead"),
        ("Referral date", "01/10/2026"),
        ("Visit frequency", 14),
        ("Next review", "10/01/2027"),
    ]:
        sheet.append(line)
    children = workbook.create_sheet("children")
    children.append(("id", "first_name", "last_name", "DOB", "Receives a copy"))
    children.append(("C1", "Amy", "Jones", "09/04/2015", "No"))
    path = tmp_path / "aliases.xlsx"
    workbook.save(path)
    form = read_form(path)
    assert form.problems == []
    assert form.record == {
        "case": {"reference": "REF-9", "referral_date": "2026-10-01"},
        "meeting": {"chair_name": "Priya Shah", "chair_role": "practice_lead", "visit_frequency_days": 14, "next_review_date": "2027-01-10"},
        "children": [{"id": "C1", "first_name": "Amy", "last_name": "Jones", "date_of_birth": "2015-04-09", "receives_copy": False}],
    }


def test_macro_enabled_workbook_with_any_name_is_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Form"
    workbook.active.append(("case.reference", "X-1"))
    path = tmp_path / "form.xlsx"
    workbook.save(path)
    xlsm = macro_enabled_copy(
        path,
        tmp_path / "scan-0001.dat",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "xl/vbaProject.bin",
    )
    with pytest.raises(UnsafeFormError, match=r"^scan-0001.dat was refused: it carries macros"):
        read_form(xlsm)


def test_form_version_as_a_constant_name_outdated_form_warned(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Meeting"
    workbook.active["B2"] = "CIN-1"
    _name(workbook, "case.reference", "Meeting!$B$2")
    _name(workbook, "form_version", '"0.5"')
    path = tmp_path / "old.xlsx"
    workbook.save(path)
    form = read_form(path)
    assert form.record == {"case": {"reference": "CIN-1"}, "form_version": "0.5"}
    [warning] = form.problems
    assert (warning.rule, warning.severity, warning.location) == ("form-outdated", "warning", "defined name form_version")


def test_chart_sheets_are_passed_over(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart, Reference

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Form"
    sheet.append(("case.reference", "C-5"))
    sheet.append(("Scaling score", 6))
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=2, max_row=2))
    workbook.create_chartsheet("Chart").add_chart(chart)
    path = tmp_path / "chart.xlsx"
    workbook.save(path)
    assert read_form(path).record == {"case": {"reference": "C-5"}, "scaling": {"score": 6}}


def test_the_generated_form_reads_by_its_questions_and_headings_when_its_names_are_lost(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from docgen.blanks.generate_xlsx import write_xlsx_form

    workbook = load_workbook(write_xlsx_form(tmp_path / "blank.xlsx"))
    for name in list(workbook.defined_names):
        del workbook.defined_names[name]  # as some spreadsheet programs do when they save a copy
    meeting = workbook["Meeting"]
    answers = {"Case reference *": "CIN-7", "Meeting date *": "17/12/2026", "Chair's name *": "Priya Shah"}
    for row in meeting.iter_rows(min_row=2):
        if row[0].value in answers:
            row[1].value = answers[row[0].value]
    participants = workbook["participants"]
    participants.append(["Sam Jones", "Parent", None, None, "No", "Unwell"])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    form = read_form(path)
    assert form.record["case"] == {"reference": "CIN-7"}
    assert form.record["meeting"] == {"date": "2026-12-17", "chair_name": "Priya Shah"}
    assert form.record["participants"] == [{"name": "Sam Jones", "role": "parent", "attended": False, "non_attendance_reason": "Unwell"}]
