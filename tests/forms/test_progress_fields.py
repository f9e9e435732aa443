"""Progress on objectives and the status of actions, read from legacy Word tables and Excel sheets headed by titles."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from docgen.forms import read_form
from tests.forms.builders import cell, para, row, run, table, write_docx


def test_a_word_table_headed_by_titles_gives_progress_and_status(tmp_path: Path) -> None:
    body = "".join(
        [
            para(run("Objectives")),
            table(
                row(*(cell(run(t)) for t in ("Objective ID", "Area of need", "Target date", "Progress", "Progress note"))),
                row(*(cell(run(t)) for t in ("O1", "Routines", "11/02/2027", "Not progressing", "Chart not kept."))),
                row(*(cell(run(t)) for t in ("O2", "School", "31/03/2027", "No longer needed", ""))),
            ),
            para(run("Actions")),
            table(
                row(*(cell(run(t)) for t in ("Objective ID", "Action", "Responsible", "Due date", "Status"))),
                row(*(cell(run(t)) for t in ("O1", "Routine chart", "Sarah", "08/01/2027", "In progress"))),
            ),
        ]
    )
    form = read_form(write_docx(tmp_path / "legacy.docx", body))
    assert form.problems == []
    assert form.record["objectives"] == [
        {"id": "O1", "need": "Routines", "target_date": "2027-02-11", "progress": "not_progressing", "progress_note": "Chart not kept."},
        {"id": "O2", "need": "School", "target_date": "2027-03-31", "progress": "no_longer_needed"},
    ]
    assert form.record["actions"] == [
        {"objective_id": "O1", "action": "Routine chart", "responsible": "Sarah", "due_date": "2027-01-08", "status": "in_progress"}
    ]


def test_excel_group_sheets_give_progress_and_status_by_name_or_title(tmp_path: Path) -> None:
    workbook = Workbook()
    objectives = workbook.active
    objectives.title = "objectives"
    objectives.append(["id", "need", "progress", "Progress note"])
    objectives.append(["O1", "Routines", "Achieved", "Kept every day."])
    actions = workbook.create_sheet("actions")
    actions.append(["Objective ID", "Action", "Status"])
    actions.append(["O1", "Routine chart", "Done"])
    path = tmp_path / "progress.xlsx"
    workbook.save(path)
    form = read_form(path)
    assert form.problems == []
    assert form.record["objectives"] == [{"id": "O1", "need": "Routines", "progress": "achieved", "progress_note": "Kept every day."}]
    assert form.record["actions"] == [{"objective_id": "O1", "action": "Routine chart", "status": "done"}]
