"""Generated Word forms in a real office suite: LibreOffice renders the blank form, and a filled one it re-saves still reads.

LibreOffice drops every content control tag when it saves a .docx, so a form staff fill in and
save there reaches docgen with labels only: the titles beside each control must carry it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.blanks.generate_docx import write_docx_form
from docgen.forms import read_form
from docgen.record import clean
from docgen.schema import schema_version
from tests.blanks.fill import as_form_answers, checkbox_paths, fill_docx
from tests.shipped import groups

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")]
SAMPLE = Path(__file__).parent.parent / "records" / "initial-two-children.json"


def _soffice(tmp_path: Path, target: str, source: Path, out: Path) -> None:
    profile = tmp_path / "lo-profile"  # a private profile: no clash with another LibreOffice running
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target, "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_libreoffice_renders_the_blank_word_form(tmp_path: Path) -> None:
    form = write_docx_form(tmp_path / "cin-meeting-form.docx", "south-gloucestershire")
    _soffice(tmp_path, "pdf", form, tmp_path)
    pdf = PdfReader(tmp_path / "cin-meeting-form.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) >= 5
    for words in ("Child in Need meeting form", "Case reference *", "Children", "Contingency plan *", "Reasons for the decision"):
        assert words in text
    landscape = [page.mediabox.width > page.mediabox.height for page in pdf.pages]
    assert landscape[0] is False and any(landscape)
    # every page carries a fair share of the form: no page left nearly empty by a change of orientation
    assert min(len(page.extract_text()) for page in pdf.pages) > 600, [len(page.extract_text()) for page in pdf.pages]
    # every word of every table heading prints whole: never "Contributio n" or "Chil d" (a heading may wrap after a hyphen)
    headings = {w for g in groups() for f in g.fields for w in re.split(r"[\s-]+", f.title)}
    broken = sorted(
        w for w in headings for k in range(1, len(w)) if re.search(rf"(?<![\w-]){re.escape(w[:k])}\s+{re.escape(w[k:])}(?!\w)", text)
    )
    assert broken == []


def test_a_filled_form_resaved_by_libreoffice_reads_by_its_labels(tmp_path: Path) -> None:
    blank = write_docx_form(tmp_path / "blank.docx")
    record = json.loads(SAMPLE.read_text(encoding="utf-8"))
    record["form_version"] = schema_version()
    filled = fill_docx(blank, record, tmp_path / "filled.docx")
    _soffice(tmp_path, "docx", filled, tmp_path / "resaved")
    resaved = tmp_path / "resaved" / "filled.docx"
    assert b"w:tag " not in _document_xml(resaved)  # the tags really are gone
    parsed = read_form(resaved)
    assert parsed.problems == []
    assert clean(parsed.record) == clean(as_form_answers(record, checkbox_paths(blank)))


def _document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")
