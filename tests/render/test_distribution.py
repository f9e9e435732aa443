"""distribution.xlsx and the manifest's distribution: who gets which document, how, by when — and no formulas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import load_record
from tests.render.helpers import make_pack


def test_who_gets_what(tmp_path: Path) -> None:
    manifest = make_pack(load_record(), tmp_path)
    got = [(r["recipient"], r["role"], r["document"], r["child"], r["delivery"], r["due"]) for r in manifest["distribution"]]
    due = "2027-01-05"  # 10 working days after 17 December 2026, past Christmas, Boxing Day (Monday 28th) and New Year
    assert got == [
        # Amy: her plan and her words-and-pictures plan; Leo's receives_copy is false, so nothing for him
        ("Amy Jones", "child", "plan-C1.docx", "C1", "hand", due),
        ("Amy Jones", "child", "plan-C1-child.docx", "C1", "hand", due),
        # every participant, present or absent, every child's plan
        ("Sarah Jones", "parent", "plan-C1.docx", "C1", "email", due),
        ("Sarah Jones", "parent", "plan-C2.docx", "C2", "email", due),
        ("Daniel Jones", "parent", "plan-C1.docx", "C1", "post", due),
        ("Daniel Jones", "parent", "plan-C2.docx", "C2", "post", due),
        ("Mrs Helen Carter", "professional", "plan-C1.docx", "C1", "secure_email", due),
        ("Mrs Helen Carter", "professional", "plan-C2.docx", "C2", "secure_email", due),
        ("Nadia Ali", "professional", "plan-C1.docx", "C1", "secure_email", due),
        ("Nadia Ali", "professional", "plan-C2.docx", "C2", "secure_email", due),
        # the Record of Planning Meeting: the key worker for the case file, the chair to check it
        ("Tom Okafor", "key worker", "meeting-record.docx", None, "email", due),
        ("Priya Shah", "chair", "meeting-record.docx", None, "hand", due),
    ]
    daniel = manifest["distribution"][4]
    assert daniel["address"] == "12 Example Road, Bristol BS15 0AA" and daniel["relationship"] == "Father"


def test_nobody_whose_receives_copy_is_false(tmp_path: Path) -> None:
    record = load_record()
    record["participants"][2]["receives_copy"] = False
    record["participants"].append(
        {"name": "Grace Jones", "role": "family", "relationship": "Grandmother", "attended": True, "address": "3 Hill St"}
    )
    manifest = make_pack(record, tmp_path)
    recipients = [r["recipient"] for r in manifest["distribution"]]
    assert "Mrs Helen Carter" not in recipients
    assert [(r["document"], r["delivery"]) for r in manifest["distribution"] if r["recipient"] == "Grace Jones"] == [
        ("plan-C1.docx", "post"),
        ("plan-C2.docx", "post"),
    ]


def test_workbook_is_a_formatted_table_with_dates_and_an_overdue_highlight(tmp_path: Path) -> None:
    make_pack(load_record(), tmp_path)
    sheet = load_workbook(tmp_path / "distribution.xlsx")["Distribution"]
    assert [c.value for c in sheet[1]] == [
        "Recipient",
        "Role",
        "Relationship",
        "Agency",
        "Document",
        "Child",
        "Delivery",
        "Email",
        "Address",
        "Due date",
        "Sent date",
        "Sent by",
    ]
    assert [c.value for c in sheet[4]][:7] == ["Sarah Jones", "parent", "Mother", None, "plan-C1.docx", "C1", "email"]
    assert sheet["J4"].value == dt.datetime(2027, 1, 5) and sheet["J4"].number_format == "dd/mm/yyyy"
    assert sheet["K4"].value is None and sheet["K4"].number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2"
    assert list(sheet.tables) == ["Distribution"] and sheet.tables["Distribution"].ref == "A1:L13"
    assert sheet.column_dimensions["A"].width == 24
    rules = [rule for ranges in sheet.conditional_formatting for rule in ranges.rules]
    assert rules[0].formula == ['AND($J2<>"",$J2<TODAY(),$K2="")']


def test_workbook_names_its_meeting_so_an_edited_copy_finds_it(tmp_path: Path) -> None:
    make_pack(load_record(), tmp_path)
    book = load_workbook(tmp_path / "distribution.xlsx")
    named = {}
    for name in ("case.reference", "meeting.date", "meeting.type", "meeting.folder"):
        ((sheet, ref),) = book.defined_names[name].destinations
        named[name] = book[sheet][ref.replace("$", "")].value
    assert named == {
        "case.reference": "CIN-2026-0412",
        "meeting.date": "2026-12-17",
        "meeting.type": "initial",
        "meeting.folder": "2026-12-17-initial",
    }
    assert [c.value for c in book["About"]["A"]] == ["Case reference", "Meeting date", "Meeting type", "Outbox folder"]


def test_text_from_a_form_never_becomes_a_formula(tmp_path: Path) -> None:
    record = load_record()
    hostile = ['=HYPERLINK("http://evil.example","click")', "+44 1454 000000", "-1+2", "@SUM(A1:A2)"]
    for person, name in zip(record["participants"], hostile, strict=True):
        person["name"] = name
        person["address"] = "=1+1"
    record["participants"][1]["delivery"] = "post"
    manifest = make_pack(record, tmp_path)
    book = load_workbook(tmp_path / "distribution.xlsx")
    sheet = book["Distribution"]
    assert [sheet.cell(row=r, column=1).value for r in (4, 6, 8, 10)] == hostile
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["I6"].value == "=1+1" and sheet["I6"].data_type == "s"
    assert [r["recipient"] for r in manifest["distribution"]][2] == hostile[0]
