"""``docgen forms``: what it writes and what it says."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from docgen.cli import main


def test_forms_writes_both_blank_forms_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "blank"
    result = CliRunner().invoke(main, ["forms", "--out", str(out), "--policy", "south-gloucestershire"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote {out / 'cin-meeting-form.docx'} (form version 1.0 for south-gloucestershire)\n"
        f"Wrote {out / 'cin-meeting-form.xlsx'} (form version 1.0 for south-gloucestershire)\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["cin-meeting-form.docx", "cin-meeting-form.xlsx"]


def test_forms_with_an_unknown_council_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["forms", "--out", str(tmp_path), "--policy", "atlantis"])
    assert result.exit_code == 2
    assert "There is no council profile called 'atlantis': use one of south-gloucestershire, standard." in result.output
    assert list(tmp_path.iterdir()) == []


def test_forms_policy_is_read_in_any_case_and_its_help_lists_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["forms", "--out", str(tmp_path), "--policy", "South-Gloucestershire"])
    assert result.exit_code == 0, result.output
    assert "(form version 1.0 for south-gloucestershire)" in result.output
    help_text = "".join(CliRunner().invoke(main, ["forms", "--help"]).output.split())  # however the terminal wraps it
    assert "Choices:south-gloucestershire,standard." in help_text


def test_forms_visit_log_writes_the_blank_visit_log_that_the_inbox_reads(tmp_path: Path) -> None:
    import openpyxl

    from docgen.ledger.workbooks import classify_workbook

    result = CliRunner().invoke(main, ["forms", "--out", str(tmp_path), "--visit-log"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "visit-log.xlsx"
    assert result.output == (
        f"Wrote {path}: one row per child seen (case reference, child ID, visit date, seen alone), then drop it into the inbox.\n"
    )
    header = [c.value for c in next(openpyxl.load_workbook(path).worksheets[0].iter_rows(max_row=1))]
    assert header[:3] == ["Case reference", "Child ID", "Visit date"]
    assert classify_workbook(path) == "visit_log"
