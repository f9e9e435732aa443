"""Cover letters end with "Words we use" (procedure 2.4): the glossary terms each letter's own text uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx

from docgen.pdf.cover_letters import Envelope, write_covers
from docgen.pdf.letterhead import Letterhead
from tests.shipped import load_profile

ABOUT = {
    "case_reference": "CIN-2026-0412",
    "meeting_date": "2026-12-17",
    "next_review": "2027-02-11",
    "key_worker": {"name": "Tom Okafor", "role": "Key worker", "phone": "01454 866000"},
}


def test_each_letter_ends_with_the_words_it_uses(tmp_path: Path) -> None:
    glossary = load_profile("standard").glossary
    envelopes = [
        Envelope("Sarah Jones", "parent", "post", "1 High Street, Kingswood, BS15 1AA", ("plan-C1.pdf",)),
        Envelope("Priya Shah", "professional", "hand", "", ("meeting-record.pdf",)),
    ]
    path = write_covers(
        envelopes, Letterhead("Wessex County Council"), {**ABOUT, "glossary": glossary}, dt.date(2026, 12, 18), tmp_path / "c.docx"
    )
    paragraphs = docx.Document(str(path)).paragraphs
    headings = [n for n, p in enumerate(paragraphs) if p.text == "Words we use"]
    assert len(headings) == 2 and all(paragraphs[n].style.name == "Heading 2" for n in headings)
    letter = [p.text for p in paragraphs[headings[0] + 1 : headings[1]] if p.style.name == "List Bullet" and ": " in p.text]
    assert letter == [
        f"child in need plan: {glossary['child in need plan']['plain']}",  # "Child in Need plan (plan-C1.pdf)"
        f"review: {glossary['review']['plain']}",  # "The next review meeting"
        f"key worker: {glossary['key worker']['plain']}",  # signed by the key worker
    ]
    note = [p.text.split(": ")[0] for p in paragraphs[headings[1] + 1 :] if p.style.name == "List Bullet"]
    assert note == ["key worker"]  # the covering note names no plan and no review


def test_a_letter_without_a_glossary_has_no_words_we_use(tmp_path: Path) -> None:
    envelope = Envelope("Sarah Jones", "parent", "post", "1 High Street, BS15 1AA", ("plan-C1.pdf",))
    path = write_covers([envelope], Letterhead("Wessex County Council"), ABOUT, dt.date(2026, 12, 18), tmp_path / "c.docx")
    assert "Words we use" not in [p.text for p in docx.Document(str(path)).paragraphs]
