"""The blank Word form opens cleanly in a real office suite: LibreOffice converts it to PDF pages showing its sections."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.forms.generate_docx import write_docx_form

pytestmark = pytest.mark.slow


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_blank_word_form(tmp_path: Path) -> None:
    form = write_docx_form(tmp_path / "cin-meeting-form.docx", "south-gloucestershire")
    profile = tmp_path / "lo-profile"  # a private profile: no clash with another LibreOffice running
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(form)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = PdfReader(tmp_path / "cin-meeting-form.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) >= 5
    for words in ("Child in Need meeting form", "Case reference *", "Children", "Contingency plan *", "Reasons for the decision"):
        assert words in text
    landscape = [page.mediabox.width > page.mediabox.height for page in pdf.pages]
    assert landscape[0] is False and any(landscape)
