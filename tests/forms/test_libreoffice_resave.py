"""A filled Word form re-saved by LibreOffice (which drops every control's tag) still reads back, by its labels."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from docgen.forms import read_form
from tests.conftest import load_record
from tests.forms.fill import fill_docx

pytestmark = pytest.mark.slow


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_resave_reads_back_by_labels(tmp_path: Path) -> None:
    from docgen.blanks.generate_docx import write_docx_form

    record = load_record()
    record["objectives"][1].update(progress="not_progressing", progress_note="Attendance still 86%.")  # a review's answers too
    record["actions"][0]["status"] = "in_progress"
    filled = fill_docx(write_docx_form(tmp_path / "blank.docx"), record, tmp_path / "filled.docx")
    tagged = read_form(filled)
    resaved_dir = tmp_path / "resaved"
    # A private profile: a LibreOffice already running for someone else would otherwise swallow the conversion.
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(resaved_dir),
            str(filled),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = resaved_dir / "filled.docx"
    assert b"w:tag" not in _document_xml(resaved), "LibreOffice kept the tags: this test no longer tests reading by label"

    form = read_form(resaved)
    assert form.problems == []
    assert form.record == tagged.record
    assert form.record["meeting"]["date"] == record["meeting"]["date"]
    assert form.record["children"][1]["non_attendance_reason"] == record["children"][1]["non_attendance_reason"]
    assert form.record["participants"][3]["delivery"] == "secure_email"
    assert (form.record["objectives"][1]["progress"], form.record["actions"][0]["status"]) == ("not_progressing", "in_progress")
    assert form.locations["meeting.date"] == "the box beside 'Meeting date *'"
    assert form.locations["participants[1]"] == "row 3 of the Participants table"


def _document_xml(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml")
