"""``print-pack.pdf``: everything to print for one meeting, in the order it goes into envelopes and hands.

For each ``post`` recipient a cover letter on the council's letterhead — their name and address placed
in the window of a DL envelope (see ``ADDRESS_BOX``), the date, what is enclosed — then their
documents; then each ``hand`` copy behind a short covering note. Every page carries "page i of n" of
its recipient's bundle, so a bundle that comes apart can be put back together.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject, TextStringObject

from docgen.profiles import load_profile
from docgen.render.context import uk_date
from docgen.send.letterhead import Letterhead, letterhead_for
from docgen.send.pdf_text import A4, TextPage, text_width_mm

__all__ = ["ADDRESS_BOX", "DL_WINDOW", "PRINT_PACK", "Envelope", "add_print_pack", "build_print_pack", "envelopes"]

log = logging.getLogger(__name__)

PRINT_PACK = "print-pack.pdf"

#: the window of a DL (220 × 110 mm) envelope as BS EN ISO 269 / Royal Mail give it, in mm: 90 wide, 45 high,
#: 20 from the left edge and 15 from the bottom edge — so 50 to 95 mm below the envelope's top edge
DL_WINDOW = {"envelope": (220.0, 110.0), "left": 20.0, "bottom": 15.0, "width": 90.0, "height": 45.0}
#: an A4 letter folded in three (99 mm panels) can slide up to 10 mm sideways and 11 mm down in a DL envelope;
#: this box on the letter (mm from its top left: left, top, right, bottom) shows through the window however it sits
ADDRESS_BOX = (22.0, 52.0, 98.0, 82.0)
_ADDRESS_SIZE, _ADDRESS_LEADING = 10.5, 4.6
_MAX_ADDRESS_LINES = int((ADDRESS_BOX[3] - ADDRESS_BOX[1]) // _ADDRESS_LEADING)  # 6


@dataclass(frozen=True)
class Envelope:
    """One bundle of the print pack: a recipient, how it goes, and their documents (PDF names in the folder)."""

    recipient: str
    role: str
    delivery: str  # post or hand
    address: str
    documents: tuple[str, ...]


def _address_lines(recipient: str, address: str) -> list[str]:
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


def envelopes(distribution: list[dict[str, Any]], out_dir: Path) -> list[Envelope]:
    """Post recipients first, then hand copies, each with the PDFs of their documents, in distribution order."""
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for row in distribution:
        if row.get("delivery") in ("post", "hand"):
            key = (str(row["recipient"]), str(row.get("role") or ""), str(row["delivery"]), str(row.get("address") or ""))
            pdf = Path(str(row["document"])).with_suffix(".pdf").name
            if (out_dir / pdf).is_file():
                grouped.setdefault(key, []).append(pdf)
    found = [Envelope(r, role, d, a, tuple(dict.fromkeys(docs))) for (r, role, d, a), docs in grouped.items()]
    return sorted(found, key=lambda e: e.delivery != "post")


def _cover_letter(envelope: Envelope, head: Letterhead, about: dict[str, Any], today: dt.date) -> TextPage:
    page = TextPage()
    right = A4[0] - 20
    page.line(right, 20, head.council, size=14, bold=True, right=True)
    for number, line in enumerate(head.lines()):
        page.line(right, 26 + number * 4.2, line, size=9, right=True)
    for number, line in enumerate(_address_lines(envelope.recipient, envelope.address)):
        page.line(ADDRESS_BOX[0] + 2, ADDRESS_BOX[1] + 4 + number * _ADDRESS_LEADING, line, size=_ADDRESS_SIZE)
    page.line(right, 100, uk_date(today), right=True)
    page.line(25, 100, f"Case reference: {about['case_reference']}", bold=True)
    y = page.wrap(25, 115, 160, f"Dear {envelope.recipient},")
    body = (
        f"Please find enclosed your copy of the papers from the Child in Need meeting held on {uk_date(about['meeting_date'])}. "
        "Please keep them somewhere private."
    )
    y = page.wrap(25, y + 3, 160, body)
    y = page.wrap(25, y + 3, 160, "Enclosed:")
    for document in envelope.documents:
        y = page.wrap(30, y, 155, f"- {_document_words(document)}")
    if about.get("next_review"):
        y = page.wrap(25, y + 3, 160, f"The next review meeting is planned for {uk_date(about['next_review'])}; you are invited to it.")
    return _sign_off(page, y, about)


def _sign_off(page: TextPage, y: float, about: dict[str, Any]) -> TextPage:
    worker = about.get("key_worker") or {}
    contact = ", ".join(x for x in (f"on {worker['phone']}" if worker.get("phone") else "", worker.get("email") or "") if x)
    if worker.get("name"):
        y = page.wrap(
            25, y + 3, 160, f"If you have any questions, please contact {worker['name']}" + (f", {contact}" if contact else "") + "."
        )
        y = page.wrap(25, y + 6, 160, "Yours sincerely,")
        y = page.wrap(25, y + 14, 160, str(worker["name"]))
        if worker.get("role"):
            page.wrap(25, y, 160, str(worker["role"]))
    return page


def _covering_note(envelope: Envelope, head: Letterhead, about: dict[str, Any], today: dt.date) -> TextPage:
    page = TextPage()
    page.line(A4[0] - 20, 20, head.council, size=14, bold=True, right=True)
    page.line(25, 45, f"To be handed to {envelope.recipient}" + (f" ({envelope.role})" if envelope.role else ""), size=14, bold=True)
    y = page.wrap(
        25,
        58,
        160,
        f"Case reference {about['case_reference']}, meeting held on {uk_date(about['meeting_date'])}. Prepared {uk_date(today)}.",
    )
    y = page.wrap(25, y + 3, 160, "Enclosed:")
    for document in envelope.documents:
        y = page.wrap(30, y, 155, f"- {_document_words(document)}")
    y = page.wrap(25, y + 3, 160, "Please record the date it was handed over: docgen sent, or the Sent date column of distribution.xlsx.")
    return _sign_off(page, y, about)


def _number_pages(writer: PdfWriter, first: int, envelope: Envelope, case_reference: str) -> None:
    """``Page i of n`` at the foot of each page of one bundle, with the recipient and the case."""
    pages = writer.pages[first:]
    for number, page in enumerate(pages, start=1):
        width, height = float(page.mediabox.width) / (72 / 25.4), float(page.mediabox.height) / (72 / 25.4)
        footer = TextPage(width_mm=width, height_mm=height)
        text = f"{envelope.recipient}, case {case_reference}: page {number} of {len(pages)}"
        footer.line((width - text_width_mm(text, 8)) / 2, height - 7, text, size=8)
        page.merge_page(footer.page(writer))


def build_print_pack(
    out_dir: Path, distribution: list[dict[str, Any]], head: Letterhead, about: dict[str, Any], *, today: dt.date
) -> dict[str, Any] | None:
    """Writes ``out_dir/print-pack.pdf`` (see the module's note) and returns its manifest entry; None when nothing goes by post or hand.

    ``about`` holds ``case_reference``, ``meeting_date``, ``next_review`` and ``key_worker`` {name, role, phone, email}.
    """
    bundles = envelopes(distribution, out_dir)
    if not bundles:
        return None
    writer = PdfWriter()
    for envelope in bundles:
        first = len(writer.pages)
        make = _cover_letter if envelope.delivery == "post" else _covering_note
        writer.add_page(make(envelope, head, about, today).page(writer))
        for document in envelope.documents:
            writer.append(PdfReader(out_dir / document), import_outline=False)
        _number_pages(writer, first, envelope, str(about["case_reference"]))
    writer.add_metadata({"/Title": f"Print pack, case {about['case_reference']}", "/Creator": "docgen"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    with (out_dir / PRINT_PACK).open("wb") as stream:
        writer.write(stream)
    return {
        "path": PRINT_PACK,
        "kind": "print_pack",
        "child": None,
        "recipients": [{"recipient": e.recipient, "delivery": e.delivery, "documents": list(e.documents)} for e in bundles],
    }


def add_print_pack(out_dir: Path, manifest: dict[str, Any], *, today: dt.date | None = None) -> None:
    """Makes ``print-pack.pdf`` for a meeting whose PDFs are made, on its profile's letterhead, and lists it in ``manifest``."""
    next_review = next((d.get("date") for d in manifest.get("deadlines", []) if d.get("kind") == "next_review"), None)
    about = {
        "case_reference": manifest["case_reference"],
        "meeting_date": manifest["meeting"]["date"],
        "next_review": next_review,
        "key_worker": manifest.get("key_worker") or {},
    }
    try:
        entry = build_print_pack(
            out_dir, manifest["distribution"], letterhead_for(load_profile(manifest["policy"])), about, today=today or dt.date.today()
        )
    except (OSError, PdfReadError) as exc:  # the plans are published all the same; the print pack can be made by hand
        (out_dir / PRINT_PACK).unlink(missing_ok=True)
        log.warning("print-pack.pdf was not made (%s): print the copies to post from their PDFs.", exc)
        return
    if entry is not None:
        manifest["documents"].append(entry)
