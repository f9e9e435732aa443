"""Page numbers, "page i of n" of each bundle, at the foot of every print-pack page, without spoiling the pack's tags or PDF/A.

The words are laid out by LibreOffice like every other text docgen prints (one small page per pack
page, its font embedded), then drawn onto the pack's pages as pagination artifacts: a screen reader
skips them, the structure tree is untouched, and PDF/A's rule that every font is embedded holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pikepdf
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from pikepdf import Name

__all__ = ["add_page_labels", "number_pages", "write_page_numbers"]

_BASELINE_FROM_BOTTOM = 6.0  # mm: below the documents' own footers
_MARKED_CONTENT = {"BDC", "BMC", "EMC"}


def add_page_labels(doc: Any, labels: list[str]) -> None:
    """One A4 page per label at the end of ``doc`` (a section of their own), each label alone at the foot of its page."""
    section = doc.add_section(WD_SECTION.NEW_PAGE) if doc.paragraphs else doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(297 - _BASELINE_FROM_BOTTOM - 4), Mm(2)
    section.header_distance = section.footer_distance = Mm(0)
    for number, label in enumerate(labels):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        layout = paragraph.paragraph_format
        layout.space_before, layout.space_after = Mm(0), Mm(0)
        if number:
            layout.page_break_before = True
        run = paragraph.add_run(label)
        run.font.size = Pt(8)
        run.font.name = "Arial"


def write_page_numbers(labels: list[str], path: Path) -> Path:
    """A Word document of ``labels`` alone, a page each (``add_page_labels``)."""
    doc = Document()
    doc.core_properties.title, doc.core_properties.language = "Page numbers", "en-GB"
    add_page_labels(doc, labels)
    doc.save(str(path))
    return path


def number_pages(pack: pikepdf.Pdf, labels: Sequence[pikepdf.Page]) -> None:
    """Draws ``labels[k]`` (a page of laid-out page numbers) at the foot of page k of ``pack``, centred, as a pagination artifact."""
    if len(labels) != len(pack.pages):
        raise ValueError(f"{len(labels)} page numbers were laid out for {len(pack.pages)} pages")
    for page, label in zip(pack.pages, labels, strict=True):
        form = label.as_form_xobject()
        kept = [i for i in pikepdf.parse_content_stream(form) if str(i.operator) not in _MARKED_CONTENT]
        form.write(pikepdf.unparse_content_stream(kept))  # its own tags mean nothing here: the whole label is an artifact
        name = page.add_resource(pack.copy_foreign(form), Name.XObject, prefix="PageNumber")
        shift = (float(page.mediabox[2]) - float(label.mediabox[2])) / 2 + float(page.mediabox[0])
        page.contents_add(pack.make_stream(b"q\n"), prepend=True)
        drawn = b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q 1 0 0 1 %.3f %.3f cm %s Do Q EMC\n" % (
            shift,
            float(page.mediabox[1]),
            str(name).encode(),
        )
        page.contents_add(pack.make_stream(drawn))
