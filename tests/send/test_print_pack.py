"""``print-pack.pdf``: cover letters addressed through a DL window, the documents behind them, pages numbered per recipient."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from docgen.profiles import load_profile
from docgen.send.letterhead import Letterhead, letterhead_for
from docgen.send.pdf_text import MM
from docgen.send.print_pack import ADDRESS_BOX, DL_WINDOW, build_print_pack
from tests.conftest import clean_initial
from tests.send.helpers import publish

ABOUT = {
    "case_reference": "CIN-2026-0412",
    "meeting_date": "2026-12-17",
    "next_review": "2027-02-11",
    "key_worker": {"name": "Tom Okafor", "role": "Social Worker", "phone": "01454 000000", "email": "tom.okafor@council.example"},
}
HEAD = Letterhead(
    "Example Borough Council", "Children's Services", ("Civic Centre", "Example Town EX1 1AA"), "01234 567890", "cin@example.gov.uk"
)


def _pdf(path: Path, pages: int) -> None:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595.3, height=841.9)
    with path.open("wb") as stream:
        writer.write(stream)


def _rows() -> list[dict[str, str]]:
    return [
        {
            "recipient": "Daniel Jones",
            "role": "parent",
            "document": "plan-C1.docx",
            "delivery": "post",
            "address": "12 Example Road, Kingswood, Bristol BS15 0AA",
        },
        {
            "recipient": "Daniel Jones",
            "role": "parent",
            "document": "plan-C2.docx",
            "delivery": "post",
            "address": "12 Example Road, Kingswood, Bristol BS15 0AA",
        },
        {"recipient": "Sarah Jones", "role": "parent", "document": "plan-C1.docx", "delivery": "email", "address": ""},
        {"recipient": "Priya Shah", "role": "chair", "document": "meeting-record.docx", "delivery": "hand", "address": ""},
    ]


def _positions(page: object) -> list[tuple[float, float, str]]:
    """(x mm from the left, baseline mm from the top, text) of each piece of text on the page, as a PDF reader places it."""
    found: list[tuple[float, float, str]] = []
    height = float(page.mediabox.height)  # type: ignore[attr-defined]

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((tm[4] / MM, (height - tm[5]) / MM, text.strip()))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found


def test_the_address_shows_through_a_dl_window_however_the_letter_sits(tmp_path: Path) -> None:
    # The window, on the letter: a DL envelope is 10 mm wider and 11 mm taller than the A4 letter folded in three, so the
    # letter can sit anywhere up to that far right and down; the address must be inside the window in every case.
    width, height = DL_WINDOW["envelope"]
    slack_x, slack_y = width - 210, height - 297 / 3
    top = height - DL_WINDOW["bottom"] - DL_WINDOW["height"]
    always_visible = (DL_WINDOW["left"], top, DL_WINDOW["left"] + DL_WINDOW["width"] - slack_x, top + DL_WINDOW["height"] - slack_y)
    assert (DL_WINDOW["width"], DL_WINDOW["height"], DL_WINDOW["left"], DL_WINDOW["bottom"]) == (90, 45, 20, 15)
    left, upper, right, lower = ADDRESS_BOX
    assert always_visible[0] <= left and always_visible[1] <= upper and right <= always_visible[2] and lower <= always_visible[3]

    for name in ("plan-C1.pdf", "plan-C2.pdf", "meeting-record.pdf"):
        _pdf(tmp_path / name, 2)
    build_print_pack(tmp_path, _rows(), HEAD, ABOUT, today=dt.date(2026, 12, 18))
    first = PdfReader(tmp_path / "print-pack.pdf").pages[0]
    address = [(x, y, t) for x, y, t in _positions(first) if t in ("Daniel Jones", "12 Example Road", "Kingswood", "Bristol BS15 0AA")]
    assert [t for *_, t in address] == ["Daniel Jones", "12 Example Road", "Kingswood", "Bristol BS15 0AA"]
    cap = 10.5 * 0.72 / MM  # the top of a capital above its baseline
    for x, y, text in address:
        assert left <= x and y - cap >= upper and y <= lower, f"{text} at ({x:.1f}, {y:.1f}) mm is outside the window"
        assert x + len(text) * 10.5 * 0.6 / MM <= right
    others = [(x, y, t) for x, y, t in _positions(first) if (x, y, t) not in address]
    assert all(not (upper - 3 <= y <= lower + 3 and x < right) for x, y, _ in others), "nothing else shows in the window"


def test_each_bundle_in_order_with_its_pages_numbered(tmp_path: Path) -> None:
    for name, pages in (("plan-C1.pdf", 2), ("plan-C2.pdf", 3), ("meeting-record.pdf", 1)):
        _pdf(tmp_path / name, pages)
    entry = build_print_pack(tmp_path, _rows(), HEAD, ABOUT, today=dt.date(2026, 12, 18))
    assert entry == {
        "path": "print-pack.pdf",
        "kind": "print_pack",
        "child": None,
        "recipients": [
            {"recipient": "Daniel Jones", "delivery": "post", "documents": ["plan-C1.pdf", "plan-C2.pdf"]},
            {"recipient": "Priya Shah", "delivery": "hand", "documents": ["meeting-record.pdf"]},
        ],
    }
    reader = PdfReader(tmp_path / "print-pack.pdf")
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 1 + 2 + 3 + 1 + 1, "letter and plans for Daniel, then a note and the record for Priya; nothing for email"
    letter = texts[0]
    for expected in ("Example Borough Council", "Civic Centre", "18 December 2026", "Case reference: CIN-2026-0412", "Dear Daniel Jones,"):
        assert expected in letter
    assert "- Child in Need plan (plan-C1.pdf)" in letter and "- Child in Need plan (plan-C2.pdf)" in letter
    assert "please contact Tom Okafor, on 01454 000000" in letter
    for number, text in enumerate(texts[:6], start=1):
        assert f"Daniel Jones, case CIN-2026-0412: page {number} of 6" in text
    assert "To be handed to Priya Shah (chair)" in texts[6] and "- Record of the planning meeting" in texts[6]
    for number, text in enumerate(texts[6:], start=1):
        assert f"Priya Shah, case CIN-2026-0412: page {number} of 2" in text
    assert "Sarah Jones" not in "".join(texts)


def test_nothing_to_print_makes_no_print_pack(tmp_path: Path) -> None:
    _pdf(tmp_path / "plan-C1.pdf", 1)
    rows = [r for r in _rows() if r["delivery"] == "email"]
    assert build_print_pack(tmp_path, rows, HEAD, ABOUT, today=dt.date(2026, 12, 18)) is None
    assert not (tmp_path / "print-pack.pdf").exists()


def test_publishing_with_pdf_puts_the_print_pack_in_the_folder_and_manifest(tmp_path: Path) -> None:
    manifest = publish(tmp_path, clean_initial())
    folder = tmp_path / "outbox/CIN-2026-0412/2026-12-17-initial"
    [entry] = [d for d in manifest["documents"] if d["kind"] == "print_pack"]
    assert (folder / entry["path"]).is_file()
    assert json.loads((folder / "manifest.json").read_text())["documents"][-1]["path"] == "print-pack.pdf"
    assert [r["recipient"] for r in entry["recipients"] if r["delivery"] == "post"] == ["Daniel Jones"]
    without = publish(tmp_path / "no-pdf", clean_initial(), pdf=False)
    assert "print_pack" not in {d["kind"] for d in without["documents"]}


def test_the_letterhead_comes_from_the_profile_or_what_it_extends(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "standard.json").write_text(
        json.dumps({"id": "standard", "letterhead": {"council": "Anytown Council", "address": ["1 High St"]}})
    )
    profile = load_profile("south-gloucestershire")
    assert letterhead_for(profile, tmp_path) == Letterhead("Anytown Council", "", ("1 High St",))
    assert letterhead_for(profile).council == "Children's Services"  # the shipped profiles name no council's letterhead


def test_a_pdf_that_cannot_be_read_leaves_no_print_pack_and_publishing_goes_on(tmp_path: Path) -> None:
    from docgen.send.print_pack import add_print_pack

    (tmp_path / "plan-C1.pdf").write_bytes(b"not a pdf")
    manifest = {
        "case_reference": "CIN-1",
        "meeting": {"date": "2026-12-17"},
        "policy": "standard",
        "documents": [],
        "distribution": _rows()[:1],
    }
    add_print_pack(tmp_path, manifest, today=dt.date(2026, 12, 18))
    assert manifest["documents"] == [] and not (tmp_path / "print-pack.pdf").exists()
