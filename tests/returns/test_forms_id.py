"""The LA child ID on the blank Word and Excel forms, read back from both, and carried by the next meeting's pre-filled form."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docgen.blanks.generate_docx import write_docx_form
from docgen.blanks.generate_xlsx import write_xlsx_form
from docgen.cli import main
from docgen.forms import read_form
from docgen.ledger import Ledger
from docgen.validation import validate_record
from tests.blanks.fill import fill_docx, fill_xlsx
from tests.conftest import load_record
from tests.ledger.builders import manifest


def test_the_blank_word_form_has_an_la_child_id_control_in_each_childs_row(tmp_path: Path) -> None:
    form = write_docx_form(tmp_path / "blank.docx")
    xml = zipfile.ZipFile(form).read("word/document.xml").decode("utf-8")
    assert xml.count('w:val="children.la_child_id"') == xml.count('w:val="children.first_name"') > 0
    assert "LA child ID" in xml


def test_the_blank_excel_form_has_an_la_child_id_column(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx_form(tmp_path / "blank.xlsx"))
    header = [c.value for c in book["children"][1]]
    assert any(str(h).startswith("LA child ID") or h == "la_child_id" for h in header), header


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_filled_in_it_reads_back_and_a_bad_one_is_an_error(tmp_path: Path, kind: str) -> None:
    record = load_record()
    record["children"][1]["la_child_id"] = "LCS-7001"  # a hyphen: not an LAchildID
    blank = write_docx_form(tmp_path / "blank.docx") if kind == "docx" else write_xlsx_form(tmp_path / "blank.xlsx")
    filled = (fill_docx if kind == "docx" else fill_xlsx)(blank, record, tmp_path / f"filled.{kind}")
    read = read_form(filled).record
    assert [c.get("la_child_id") for c in read["children"]] == ["LCS700101", "LCS-7001"]
    report = validate_record(read, default_policy="standard")
    assert [(p.rule, p.field) for p in report.errors] == [("schema-pattern", "children[1].la_child_id")]


def test_a_form_without_it_is_valid_with_a_warning_naming_the_child() -> None:
    record = load_record()
    del record["children"][0]["la_child_id"]
    report = validate_record(record, default_policy="standard")
    assert report.valid
    (warning,) = [p for p in report.warnings if p.rule == "census-la-child-id"]
    assert warning.field == "children[0].la_child_id"
    assert "Amy Jones" in warning.message and "census" in warning.message


def test_the_next_meetings_form_carries_it(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inbox").mkdir(parents=True)
    record = load_record()
    with Ledger.open(root) as ledger:
        ledger.publish_meeting(manifest(record), record=record)
    result = CliRunner().invoke(main, ["forms", "--out", str(tmp_path / "next"), "--case", "CIN-2026-0412", "--root", str(root)])
    assert result.exit_code == 0, result.output
    for kind in ("docx", "xlsx"):
        carried = read_form(tmp_path / "next" / f"CIN-2026-0412-review.{kind}").record
        assert [c.get("la_child_id") for c in carried["children"]] == ["LCS700101", "LCS700102"], kind


def test_two_children_with_one_id_is_a_warning_naming_both() -> None:
    record = load_record()
    record["children"][1]["la_child_id"] = "lcs700101"
    report = validate_record(record, default_policy="standard")
    assert report.valid
    (warning,) = [p for p in report.warnings if p.rule == "census-la-child-id-repeated"]
    assert warning.field == "children[1].la_child_id"
    assert warning.message.startswith("Leo Jones has the same LA child ID as Amy Jones (lcs700101)")
