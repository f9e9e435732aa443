"""The print pack's covering pages as Word documents, for LibreOffice to make tagged PDF/A like every other document.

A ``post`` recipient's cover letter is on the council's letterhead with their name and address placed
in ``ADDRESS_BOX``, the part of an A4 letter that shows through a DL window envelope however the
folded letter sits (see ``DL_WINDOW``); a ``hand`` copy gets a short covering note. Positions are
fixed with exact line heights and spacing, so the address lands where it must in any word processor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen.glossary import Glossary, words_we_use
from docgen.pdf.letterhead import Letterhead
from docgen.pdf.page_numbers import add_page_labels
from docgen.printable import uk_date

__all__ = ["ADDRESS_BOX", "DL_WINDOW", "Envelope", "address_lines", "write_covers"]

#: the window of a DL (220 × 110 mm) envelope as BS EN ISO 269 / Royal Mail give it, in mm: 90 wide, 45 high,
#: 20 from the left edge and 15 from the bottom edge — so 50 to 95 mm below the envelope's top edge
DL_WINDOW = {"envelope": (220.0, 110.0), "left": 20.0, "bottom": 15.0, "width": 90.0, "height": 45.0}
#: an A4 letter folded in three (99 mm panels) can slide up to 10 mm sideways and 11 mm down in a DL envelope;
#: this box on the letter (mm from its top left: left, top, right, bottom) shows through the window however it sits
ADDRESS_BOX = (22.0, 52.0, 98.0, 82.0)

_TOP, _LEFT, _RIGHT, _BOTTOM = 15.0, 25.0, 20.0, 20.0  # page margins, mm
_TEXT_WIDTH = 210.0 - _LEFT - _RIGHT
_ADDRESS_SIZE, _ADDRESS_LEADING, _ADDRESS_INSET = 10.5, 4.6, 2.0
_MAX_ADDRESS_LINES = int((ADDRESS_BOX[3] - ADDRESS_BOX[1] - _ADDRESS_INSET) // _ADDRESS_LEADING)  # 6
_HEAD_SIZE, _HEAD_LEADING, _COUNCIL_SIZE, _COUNCIL_LEADING = 9.0, 4.2, 14.0, 6.5
_MAX_HEAD_LINES = int((ADDRESS_BOX[1] - _TOP - _COUNCIL_LEADING - 2) // _HEAD_LEADING)  # 6
_BODY_STARTS = 95.0  # mm from the top: the date and case reference, below the window

# Arial's (and Liberation Sans's, and Helvetica's) advance widths per 1000 units for printable ASCII; others the average
# fmt: off
_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
    278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]
# fmt: on


@dataclass(frozen=True)
class Envelope:
    """One bundle of the print pack: a recipient, how it goes, and their documents (PDF names in the folder)."""

    recipient: str
    role: str
    delivery: str  # post or hand
    address: str
    documents: tuple[str, ...]


def text_width_mm(text: str, size: float) -> float:
    """The width of ``text`` set in Arial at ``size`` points, in millimetres."""
    units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else 556 for c in text)
    return units * size / 1000 * 25.4 / 72


def address_lines(recipient: str, address: str) -> list[str]:
    """Name, then the address split at line breaks or commas, at most six lines (the window's height)."""
    parts = [p.strip() for p in re.split(r"[\n,]", address or "") if p.strip()]
    lines = [recipient, *parts]
    if len(lines) > _MAX_ADDRESS_LINES:  # keep the postcode line; join the middle
        lines = [*lines[: _MAX_ADDRESS_LINES - 2], ", ".join(lines[_MAX_ADDRESS_LINES - 2 : -1]), lines[-1]]
    return lines


def _document_words(name: str) -> str:
    stem = Path(name).stem
    if stem.startswith("meeting-record"):
        return "Record of the planning meeting"
    if stem.endswith("-child"):
        return f"Child's own plan in words and pictures ({Path(name).name})"
    return f"Child in Need plan ({Path(name).name})" if stem.startswith("plan-") else Path(name).name


class _Page:
    """A Word document of covering pages, each starting a page: A4, Arial, British English, paragraphs placed in millimetres."""

    def __init__(self, title: str) -> None:
        self.new_page = False  # the next paragraph starts a page
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.left_margin, section.right_margin, section.bottom_margin = Mm(_TOP), Mm(_LEFT), Mm(_RIGHT), Mm(_BOTTOM)
        core = self.doc.core_properties
        core.title, core.author, core.language, core.subject, core.comments = title, "docgen", "en-GB", "", ""
        for lang in self.doc.styles.element.iter(qn("w:lang")):  # the PDF's /Lang and the spelling
            for attribute in ("w:val", "w:eastAsia"):
                lang.set(qn(attribute), "en-GB")
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = "Arial", Pt(11)
        normal.paragraph_format.space_after = Mm(2.5)
        for style in ("Normal", "List Bullet", "Heading 2"):
            fonts = self.doc.styles[style].element.get_or_add_rPr().get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attribute), "Arial")

    def line(self, text: str, *, size: float = 11, bold: bool = False, right: bool = False, leading: float | None = None) -> Any:
        """A paragraph of one run; ``leading`` (mm) fixes its line height exactly, with no space around it."""
        paragraph = self.paragraph()
        run = paragraph.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if leading is not None:
            layout = paragraph.paragraph_format
            layout.line_spacing_rule, layout.line_spacing = WD_LINE_SPACING.EXACTLY, Mm(leading)
            layout.space_before, layout.space_after = Mm(0), Mm(0)
        return paragraph

    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        """A new paragraph, at the top of a new page if one was asked for."""
        paragraph = self.doc.add_paragraph(text, style=style)
        if self.new_page:
            paragraph.paragraph_format.page_break_before, self.new_page = True, False
        return paragraph

    def bullet(self, text: str) -> None:
        self.paragraph(text, style="List Bullet")

    def heading(self, head: Letterhead, *, with_address: bool) -> float:
        """The council's name and (on letters) its return address, right-aligned at the top; returns mm used."""
        self.line(head.council, size=_COUNCIL_SIZE, bold=True, right=True, leading=_COUNCIL_LEADING)
        used = _COUNCIL_LEADING
        if with_address:
            lines = head.lines()
            if len(lines) > _MAX_HEAD_LINES:  # keep the contact lines; join the address
                lines = [", ".join(lines[: len(lines) - _MAX_HEAD_LINES + 1]), *lines[len(lines) - _MAX_HEAD_LINES + 1 :]]
            for text in lines:
                self.line(text, size=_HEAD_SIZE, right=True, leading=_HEAD_LEADING)
                used += _HEAD_LEADING
        return used

    def gap(self, mm: float) -> None:
        """Empty space of exactly ``mm`` below the last paragraph."""
        self.doc.paragraphs[-1].paragraph_format.space_after = Mm(max(mm, 0))

    def save(self, path: Path) -> Path:
        self.doc.save(str(path))
        return path


def _address(page: _Page, envelope: Envelope) -> float:
    """The name and address inside ``ADDRESS_BOX``, each line small enough to fit its width; returns mm used."""
    width = ADDRESS_BOX[2] - _LEFT - 2
    used = 0.0
    for text in address_lines(envelope.recipient, envelope.address):
        size = _ADDRESS_SIZE
        while size > 7 and text_width_mm(text, size) > width:
            size -= 0.5
        page.line(text, size=size, leading=_ADDRESS_LEADING)
        used += _ADDRESS_LEADING
    return used


def _enclosed(page: _Page, envelope: Envelope) -> None:
    page.line("Enclosed:")
    for document in envelope.documents:
        page.bullet(_document_words(document))


def _sign_off(page: _Page, about: dict[str, Any]) -> None:
    worker = about.get("key_worker") or {}
    if not worker.get("name"):
        return
    contact = ", ".join(x for x in (f"on {worker['phone']}" if worker.get("phone") else "", worker.get("email") or "") if x)
    page.line(f"If you have any questions, please contact {worker['name']}" + (f", {contact}" if contact else "") + ".")
    page.line("Yours sincerely,")
    page.gap(12)
    page.line(str(worker["name"]))
    if worker.get("role"):
        page.line(str(worker["role"]))


def _letter(page: _Page, envelope: Envelope, head: Letterhead, about: dict[str, Any], today: dt.date) -> None:
    used = page.heading(head, with_address=True)
    page.gap(ADDRESS_BOX[1] + _ADDRESS_INSET - _TOP - used)
    used = ADDRESS_BOX[1] + _ADDRESS_INSET - _TOP + _address(page, envelope)
    page.gap(_BODY_STARTS - _TOP - used)
    reference = page.paragraph()
    reference.paragraph_format.tab_stops.add_tab_stop(Mm(_TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    reference.add_run(f"Case reference: {about['case_reference']}").bold = True
    reference.add_run(f"\t{uk_date(today)}")
    reference.paragraph_format.space_after = Mm(8)
    page.line(f"Dear {envelope.recipient},")
    page.line(
        f"Please find enclosed your copy of the papers from the Child in Need meeting held on {uk_date(about['meeting_date'])}. "
        "Please keep them somewhere private."
    )
    _enclosed(page, envelope)
    if about.get("next_review"):
        page.line(f"The next review meeting is planned for {uk_date(about['next_review'])}; you are invited to it.")
    _sign_off(page, about)


def _note(page: _Page, envelope: Envelope, head: Letterhead, about: dict[str, Any], today: dt.date) -> None:
    page.heading(head, with_address=False)
    page.gap(20)
    page.line(f"To be handed to {envelope.recipient}" + (f" ({envelope.role})" if envelope.role else ""), size=14, bold=True)
    page.line(f"Case reference {about['case_reference']}, meeting held on {uk_date(about['meeting_date'])}. Prepared {uk_date(today)}.")
    _enclosed(page, envelope)
    page.line("Please record the date it was handed over: docgen sent, or the Sent date column of distribution.xlsx.")
    _sign_off(page, about)


def _words_we_use(page: _Page, glossary: Glossary, texts: list[str]) -> None:
    """The letter's own "Words we use" (procedure 2.4): a heading and a list of the glossary terms it holds."""
    entries = words_we_use(glossary, texts)
    if not entries:
        return
    page.paragraph("Words we use", style="Heading 2")
    for entry in entries:
        item = page.paragraph(style="List Bullet")
        item.add_run(entry["term"]).bold = True
        item.add_run(f": {entry['meaning']}")


def write_covers(
    envelopes: list[Envelope],
    head: Letterhead,
    about: dict[str, Any],
    today: dt.date,
    path: Path,
    page_labels: list[str] | None = None,
) -> Path:
    """Writes the cover letter (``post``) or covering note (``hand``) of each bundle to ``path``, each on a page of its own,
    then (``page_labels``) the print pack's page numbers, a page each (``docgen.pdf.page_numbers``).

    ``about`` holds ``case_reference``, ``meeting_date``, ``next_review``, ``key_worker`` {name, role, phone, email} and
    the profile's ``glossary``: each page ends with "Words we use" for the terms it holds.
    """
    page = _Page(f"Covering letters, case {about['case_reference']}")
    for number, envelope in enumerate(envelopes):
        page.new_page = number > 0
        make = _letter if envelope.delivery == "post" else _note
        first = len(page.doc.paragraphs)
        make(page, envelope, head, about, today)
        _words_we_use(page, about.get("glossary") or {}, [p.text for p in page.doc.paragraphs[first:]])
    if page_labels:
        add_page_labels(page.doc, page_labels)
    return page.save(path)
