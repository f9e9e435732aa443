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
