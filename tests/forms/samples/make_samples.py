"""Rebuilds the generated sample forms in this folder and their expected outcomes (run by hand, then review the diff).

``libreoffice-resaved.docx`` is not rebuilt here: it is a filled form from `docgen forms` saved by LibreOffice 7.4.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from openpyxl import Workbook  # noqa: E402

from docgen.errors import FormError  # noqa: E402
from docgen.forms import read_form  # noqa: E402
from tests.forms.builders import cell, date_control, dropdown, legacy_checkbox, para, row, run, table, text_control, write_docx  # noqa: E402


def legacy_docx(path: Path) -> None:
    """A form typed into plain tables, as councils had before content controls."""
    body = "".join(
        [
            para(run("Child in Need meeting")),
            table(
                row(cell(run("Case reference")), cell(run("CIN-2026-0099"))),
                row(cell(run("Referral date")), cell(run("1st October 2026"))),
                row(cell(run("Meeting type")), cell(run("Review")), cell(run("Meeting date")), cell(run("03/12/26"))),
                row(cell(run("Chair's name:")), cell(run("Ann Lee")), cell(run("Chair’s role")), cell(run("Principal Manager"))),
                row(cell(run("Visit frequency (days)")), cell(run("every 10 days"))),
                row(cell(run("Locality Team invited")), cell(legacy_checkbox(False))),
            ),
            para(run("Key worker")),
            table(row(cell(run("Name")), cell(run("Tom Okafor"))), row(cell(run("Role")), cell(run("Social Worker")))),
            para(run("Children")),
            table(
                row(
                    cell(run("Child ID")),
                    cell(run("First name")),
                    cell(run("Last name")),
                    cell(run("Date of birth")),
                    cell(run("Child attended")),
                ),
                row(cell(run("C1")), cell(run("Amy")), cell(run("Jones")), cell(run("9/4/2015")), cell(run("✓"))),
                row(cell(run("")), cell(run("")), cell(run("")), cell(run("")), cell(run(""))),
                row(cell(run("C2")), cell(run("Leo")), cell(run("Jones")), cell(run("30 Aug 2019")), cell(run("No"))),
            ),
            para(run("Next review date: "), date_control(None, "31/02/2027", None)),
            para(run("Decision: "), dropdown(None, "Continue the plan", [("Continue the plan", "continue"), ("Close", "close")])),
            para(run("Venue: "), text_control(None, "Kingswood Family Centre")),
        ]
    )
    write_docx(path, body)


def field_list_xlsx(path: Path) -> None:
    """A workbook with titles in column A and a group sheet named by its title."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Meeting"
    for line in [
        ("Question", "Answer"),
        ("Case reference", "CIN-2026-0100"),
        ("Meeting date", "2 Nov 2026"),
        ("Meeting type", "initial"),
        ("Visit frequency (days)", 14),
        ("Next review date", "29/01/2027"),
    ]:
        sheet.append(line)
    objectives = workbook.create_sheet("Objectives")
    objectives.append(["Objective ID", "For children", "Area of need", "Outcome wanted", "How we will know", "Target date"])
    objectives.append(["O1", "C1;C2", "Routines", "Calm mornings", "Chart kept", "31/03/2027"])
    objectives.append(["O2", "C1", "School", "Attends every day", "Register", "2027-13-01"])
    workbook.save(path)


def expected(path: Path) -> None:
    """Writes NAME.expected.json beside ``path``: the record read, the problems found, or the refusal."""
    try:
        form = read_form(path)
        outcome = {"record": form.record, "problems": [{"rule": p.rule, "field": p.field, "location": p.location} for p in form.problems]}
    except FormError as exc:
        outcome = {"error": exc.kind, "message": str(exc)}
    target = path.with_name(path.name + ".expected.json")
    target.write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    legacy_docx(HERE / "legacy-label-tables.docx")
    field_list_xlsx(HERE / "field-list.xlsx")
    for sample in sorted(HERE.iterdir()):
        if sample.suffix in (".docx", ".xlsx"):
            expected(sample)
