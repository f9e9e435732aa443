"""Helpers for the plan pack tests: building a pack, and reading back what a family would read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from pypdf import PdfWriter

from docgen.pdf.making import Converter
from docgen.record import clean
from docgen.render import build_pack
from docgen.validation import validate_record
from tests.shipped import load_profile


def _page_breaks(document: Path) -> int:
    """How many page breaks a Word document asks for (0 for a stand-in document that is not one)."""
    try:
        body = docx.Document(str(document)).element.body
    except (OSError, ValueError, KeyError, PackageNotFoundError):
        return 0
    breaks = [b for b in body.iter(qn("w:br")) if b.get(qn("w:type")) == "page"]
    sections = body.findall(".//" + qn("w:pPr") + "/" + qn("w:sectPr"))  # each but the last ends with a paragraph
    return len(body.findall(".//" + qn("w:pageBreakBefore"))) + len(breaks) + len(sections)


class FakeConverter:
    """Stands in for LibreOffice: a blank PDF per document, a page more for each page break in it, and a record of each call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, documents: list[Path], out_dir: Path, timeout: float) -> dict[Path, Path]:
        self.calls.append([d.name for d in documents])
        made = {}
        for document in documents:
            breaks = _page_breaks(document)
            writer = PdfWriter()
            for _ in range(1 + breaks):
                writer.add_blank_page(width=595, height=842)
            made[document] = out_dir / f"{document.stem}.pdf"
            with made[document].open("wb") as stream:
                writer.write(stream)
        return made


SOURCE = {"name": "meeting.json", "sha256": "0" * 64}
TODAY = dt.date(2026, 12, 18)


def make_pack(record: dict[str, Any], out: Path, *, pdf: bool = False, converter: Converter | None = None, **kwargs: Any) -> dict[str, Any]:
    """Validates the record (it must be valid) and builds its pack into ``out``; returns the manifest."""
    cleaned = clean(record)
    report = validate_record(cleaned, default_policy="standard", source=SOURCE)
    assert report.valid, report.to_text()
    out.mkdir(parents=True, exist_ok=True)
    profile = load_profile(report.policy)
    return build_pack(cleaned, report, profile, out, source=SOURCE, pdf=pdf, today=TODAY, converter=converter, **kwargs)


def docx_text(path: Path) -> str:
    """Every piece of text in a Word document, in order: body paragraphs and tables, headers and footers.

    Line breaks (``w:br``) read as newlines, as Word shows them.
    """
    document = docx.Document(str(path))
    parts = []
    roots = [document.element.body]
    for section in document.sections:
        roots += [section.header._element, section.footer._element]
    for root in roots:
        for paragraph in root.iter(qn("w:p")):
            text = []
            for node in paragraph.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
                text.append(node.text or "" if node.tag == qn("w:t") else ("\n" if node.tag == qn("w:br") else "\t"))
            parts.append("".join(text))
    return "\n".join(parts)
