"""``print-pack.pdf``: cover letters addressed through a DL window, the documents behind them, pages numbered per recipient,
and the whole pack as accessible and archival as every other PDF docgen makes."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
from pypdf import PdfReader, PdfWriter

from docgen.errors import ConverterError
from docgen.pdf.converter_queue import Converters
from docgen.pdf.cover_letters import ADDRESS_BOX, DL_WINDOW, Envelope, address_lines, write_covers
from docgen.pdf.letterhead import Letterhead, letterhead_for
from docgen.pdf.print_pack import add_print_pack, build_print_pack
from docgen.profiles import profiles_in
from tests.conftest import clean_initial, load_record
from tests.render.helpers import FakeConverter, make_pack
from tests.render.libreoffice import pdfa_part, structure_types
from tests.send.helpers import publish
from tests.shipped import load_profile

ABOUT = {
    "case_reference": "CIN-2026-0412",
    "meeting_date": "2026-12-17",
    "next_review": "2027-02-11",
    "key_worker": {"name": "Tom Okafor", "role": "Social Worker", "phone": "01454 000000", "email": "tom.okafor@council.example"},
}
HEAD = Letterhead(
    "Example Borough Council", "Children's Services", ("Civic Centre", "Example Town EX1 1AA"), "01234 567890", "cin@example.gov.uk"
)
TODAY = dt.date(2026, 12, 18)
MM = 72 / 25.4


def _pdf(path: Path, pages: int) -> None:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595.3, height=841.9)
    with path.open("wb") as stream:
        writer.write(stream)


def _rows() -> list[dict[str, str]]:
    daniel = {"recipient": "Daniel Jones", "role": "parent", "delivery": "post", "address": "12 Example Road, Kingswood, Bristol BS15 0AA"}
    return [
        {**daniel, "document": "plan-C1.docx"},
        {**daniel, "document": "plan-C2.docx"},
        {"recipient": "Sarah Jones", "role": "parent", "document": "plan-C1.docx", "delivery": "email", "address": ""},
        {"recipient": "Priya Shah", "role": "chair", "document": "meeting-record.docx", "delivery": "hand", "address": ""},
        {
            "recipient": "Helen Carter",
            "role": "school",
            "document": "meeting-record.docx",
            "delivery": "post",
            "address": "Kingswood School",
        },
    ]


def _words(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


# --------------------------------------------------------------------------------------- without LibreOffice


def test_the_address_box_shows_through_a_dl_window_however_the_letter_sits() -> None:
    # A DL envelope is 10 mm wider and 11 mm taller than an A4 letter folded in three, so the letter can sit anywhere up to
    # that far right and down: the address box must be inside the window in every case.
    width, height = DL_WINDOW["envelope"]
    slack_x, slack_y = width - 210, height - 297 / 3
    top = height - DL_WINDOW["bottom"] - DL_WINDOW["height"]
    always_visible = (DL_WINDOW["left"], top, DL_WINDOW["left"] + DL_WINDOW["width"] - slack_x, top + DL_WINDOW["height"] - slack_y)
    assert (DL_WINDOW["width"], DL_WINDOW["height"], DL_WINDOW["left"], DL_WINDOW["bottom"]) == (90, 45, 20, 15)
    left, upper, right, lower = ADDRESS_BOX
    assert always_visible[0] <= left and always_visible[1] <= upper and right <= always_visible[2] and lower <= always_visible[3]


def test_an_address_too_long_for_the_window_keeps_the_name_and_postcode() -> None:
    lines = address_lines("Helen Carter", "Flat 2, 10 Long Road, Kingswood, South Gloucestershire, Bristol, England, BS15 0AA")
    assert len(lines) == 6 and lines[0] == "Helen Carter" and lines[-1] == "BS15 0AA"
    assert "Bristol" in lines[-2] and "South Gloucestershire" in lines[-2]


def test_the_cover_letter_and_covering_note_say_who_it_is_for_what_is_enclosed_and_who_to_ask(tmp_path: Path) -> None:
    daniel = Envelope("Daniel Jones", "parent", "post", "12 Example Road, Bristol BS15 0AA", ("plan-C1.pdf", "plan-C1-child.pdf"))
    letter = _words(write_covers([daniel], HEAD, ABOUT, TODAY, tmp_path / "letter.docx"))
    for expected in (
        "Example Borough Council",
        "Civic Centre",
        "Telephone 01234 567890",
        "Daniel Jones\n12 Example Road\nBristol BS15 0AA",
        "Case reference: CIN-2026-0412\t18 December 2026",
        "Dear Daniel Jones,",
        "meeting held on 17 December 2026",
        "Child in Need plan (plan-C1.pdf)",
        "Child's own plan in words and pictures (plan-C1-child.pdf)",
        "planned for 11 February 2027; you are invited to it",
        "please contact Tom Okafor, on 01454 000000, tom.okafor@council.example.",
    ):
        assert expected in letter
    priya = Envelope("Priya Shah", "chair", "hand", "", ("meeting-record.pdf",))
    note = _words(write_covers([priya], HEAD, ABOUT, TODAY, tmp_path / "note.docx"))
    assert "To be handed to Priya Shah (chair)" in note and "Record of the planning meeting" in note
    assert "Civic Centre" not in note, "a note handed over needs no return address"


def test_each_bundle_in_order_cover_first_and_nothing_for_email(tmp_path: Path) -> None:
    for name, pages in (("plan-C1.pdf", 2), ("plan-C2.pdf", 3), ("meeting-record.pdf", 1)):
        _pdf(tmp_path / name, pages)
    fake = FakeConverter()
    entry = build_print_pack(tmp_path, _rows(), HEAD, ABOUT, today=TODAY, converter=fake)
    assert entry == {
        "path": "print-pack.pdf",
        "kind": "print_pack",
        "child": None,
        "recipients": [
            {"recipient": "Daniel Jones", "delivery": "post", "documents": ["plan-C1.pdf", "plan-C2.pdf"]},
            {"recipient": "Helen Carter", "delivery": "post", "documents": ["meeting-record.pdf"]},
            {"recipient": "Priya Shah", "delivery": "hand", "documents": ["meeting-record.pdf"]},
        ],
    }
    assert fake.calls == [["printing.docx"]], "one conversion for the covering pages and the page numbers"
    assert len(PdfReader(tmp_path / "print-pack.pdf").pages) == (1 + 2 + 3) + (1 + 1) + (1 + 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["meeting-record.pdf", "plan-C1.pdf", "plan-C2.pdf", "print-pack.pdf"]


def test_a_cover_letter_longer_than_a_page_has_the_page_numbers_laid_out_again(tmp_path: Path) -> None:
    for name, pages in (("plan-C1.pdf", 2), ("plan-C2.pdf", 3), ("meeting-record.pdf", 1)):
        _pdf(tmp_path / name, pages)
    labels: dict[str, list[str]] = {}

    def long_first_letter(documents: list[Path], out_dir: Path, timeout: float) -> dict[Path, Path]:
        made = FakeConverter()(documents, out_dir, timeout)
        for document in documents:
            if document.name.startswith("page-numbers"):
                labels[document.name] = [p.text for p in docx.Document(str(document)).paragraphs]
            if document.name == "printing.docx":
                labels["printing.docx"] = [p.text for p in docx.Document(str(document)).paragraphs if ", case CIN-" in p.text]
                _pdf(made[document], len(PdfReader(made[document]).pages) + 1)
        if out_dir / "cover-1.docx" in made:
            _pdf(made[out_dir / "cover-1.docx"], 2)
        return made

    build_print_pack(tmp_path, _rows(), HEAD, ABOUT, today=TODAY, converter=long_first_letter)
    assert labels["printing.docx"][:6][-1] == "Daniel Jones, case CIN-2026-0412: page 6 of 6"
    again = labels["page-numbers.docx"]
    assert again[:7] == [f"Daniel Jones, case CIN-2026-0412: page {n} of 7" for n in range(1, 8)]
    assert again[7:] == [f"{who}, case CIN-2026-0412: page {n} of 2" for who in ("Helen Carter", "Priya Shah") for n in (1, 2)]
    assert len(PdfReader(tmp_path / "print-pack.pdf").pages) == len(again)


def test_nothing_to_print_makes_no_print_pack(tmp_path: Path) -> None:
    _pdf(tmp_path / "plan-C1.pdf", 1)
    rows = [r for r in _rows() if r["delivery"] == "email"]
    assert build_print_pack(tmp_path, rows, HEAD, ABOUT, today=TODAY, converter=FakeConverter()) is None
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
    anytown = {"id": "anytown", "extends": "standard", "letterhead": {"council": "Anytown Council", "address": ["1 High St"]}}
    (profiles / "anytown.json").write_text(json.dumps(anytown))
    (profiles / "anytown-east.json").write_text(json.dumps({"id": "anytown-east", "extends": "anytown", "title": "East"}))
    profile = load_profile("south-gloucestershire")
    assert letterhead_for(profile) == Letterhead("South Gloucestershire Council", "Children's Services")  # its own
    assert letterhead_for(profiles_in(tmp_path).load("anytown-east")) == Letterhead("Anytown Council", "", ("1 High St",))
    assert letterhead_for(load_profile("standard")) == Letterhead("Children's Services", "Child in Need Planning Procedure")


def test_a_councils_own_profile_gives_the_letterhead_where_publishing_finds_it(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    council = {"id": "york", "extends": "standard", "title": "York", "letterhead": {"council": "City of York Council"}}
    (tmp_path / "profiles" / "york.json").write_text(json.dumps(council))
    assert letterhead_for(profiles_in(tmp_path).load("york")) == Letterhead("City of York Council")


def _manifest(rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"case_reference": "CIN-1", "meeting": {"date": "2026-12-17"}, "policy": "standard", "documents": [], "distribution": rows}


def test_a_pdf_that_cannot_be_read_leaves_no_print_pack_and_publishing_goes_on(tmp_path: Path) -> None:
    (tmp_path / "plan-C1.pdf").write_bytes(b"not a pdf")
    manifest = _manifest(_rows()[:1])
    add_print_pack(tmp_path, manifest, profile=load_profile("standard"), converter=FakeConverter(), today=TODAY)
    assert manifest["documents"] == [] and sorted(p.name for p in tmp_path.iterdir()) == ["plan-C1.pdf"]


def test_libreoffice_failing_on_a_cover_letter_fails_the_pdfs_and_leaves_nothing_half_made(tmp_path: Path) -> None:
    _pdf(tmp_path / "plan-C1.pdf", 1)

    def failing(documents: list[Path], out_dir: Path, timeout: float) -> dict[Path, Path]:
        raise ConverterError("LibreOffice could not make PDFs of cover-1.docx")

    manifest = _manifest(_rows()[:1])
    with pytest.raises(ConverterError):
        add_print_pack(tmp_path, manifest, profile=load_profile("standard"), converter=failing, today=TODAY)
    assert manifest["documents"] == [] and sorted(p.name for p in tmp_path.iterdir()) == ["plan-C1.pdf"]


# --------------------------------------------------------------------------------------- with the real LibreOffice


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, warm_converters: Converters) -> Path:
    """A meeting's real PDFs, and a print pack for ``_rows()`` on ``HEAD``'s letterhead made with the real LibreOffice."""
    out = tmp_path_factory.mktemp("printed")
    make_pack(load_record(), out, pdf=True, converter=warm_converters)
    build_print_pack(out, _rows(), HEAD, ABOUT, today=TODAY, converter=warm_converters)
    return out


def _boxes(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(left, top, right, bottom in mm from the page's top left, word) of each word on a page, as poppler lays it out."""
    found = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], capture_output=True, text=True)
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(*(float(v) / MM for v in m.groups()[:4]), m.group(5)) for m in re.finditer(pattern, found.stdout)]  # type: ignore[misc]


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True).stdout


@pytest.mark.slow
def test_the_printed_address_sits_in_the_window_and_nothing_else_does(printed: Path) -> None:
    left, upper, right, lower = ADDRESS_BOX
    words = _boxes(printed / "print-pack.pdf", 1)
    address = [w for w in words if upper - 5 <= w[1] <= lower + 5 and w[0] < right]
    assert " ".join(w[4] for w in address) == "Daniel Jones 12 Example Road Kingswood Bristol BS15 0AA"
    for x0, y0, x1, y1, word in address:
        assert left <= x0 and upper <= y0 and x1 <= right and y1 <= lower, f"{word} at ({x0:.1f}, {y0:.1f}) mm is outside the window"


@pytest.mark.slow
def test_every_page_is_numbered_within_its_recipients_bundle(printed: Path) -> None:
    plans = len(PdfReader(printed / "plan-C1.pdf").pages) + len(PdfReader(printed / "plan-C2.pdf").pages)
    record = len(PdfReader(printed / "meeting-record.pdf").pages)
    bundles = [("Daniel Jones", 1 + plans), ("Helen Carter", 1 + record), ("Priya Shah", 1 + record)]
    page = 0
    for recipient, pages in bundles:
        for number in range(1, pages + 1):
            page += 1
            assert f"{recipient}, case CIN-2026-0412: page {number} of {pages}" in _page_text(printed / "print-pack.pdf", page)
    assert page == len(PdfReader(printed / "print-pack.pdf").pages)
    letter = _page_text(printed / "print-pack.pdf", 1)
    assert "Dear Daniel Jones," in letter and "Example Borough Council" in letter and "18 December 2026" in letter
    everything = "".join(_page_text(printed / "print-pack.pdf", n) for n in range(1, page + 1))
    assert "Sarah Jones, case" not in everything and "Dear Sarah" not in everything, "her copies go by email"


def _fonts(resources: Any, seen: set[int]) -> list[Any]:
    """Every font a page's resources use, those of its form XObjects (the page numbers) included."""
    found = list((resources.get("/Font") or {}).values())
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.objgen not in seen and xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            seen.add(xobject.objgen)
            found += _fonts(xobject.Resources, seen)
    return found


def _elements(node: Any) -> list[Any]:
    """Every structure element under ``node``."""
    found = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *_elements(kid)]
    return found


@pytest.mark.slow
def test_the_print_pack_is_tagged_british_english_titled_pdfa_2b_with_every_font_embedded(printed: Path) -> None:
    reader = PdfReader(printed / "print-pack.pdf")
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True and catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == "Print pack, case CIN-2026-0412"
    assert pdfa_part(reader) == ("2", "B")
    tags = [kind for kind, _ in structure_types(reader)]
    assert tags[0] == "/Document" and tags.count("/H1") == 4, "each enclosed document keeps its title heading"
    assert tags.count("/L") >= 3, "each covering page lists what is enclosed as a list"
    with pikepdf.open(printed / "print-pack.pdf") as pdf:
        for page in pdf.pages:
            for font in _fonts(page.Resources, set()):
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{font.BaseFont} not embedded"
            operators = [str(op) for _, op in pikepdf.parse_content_stream(page)]
            tail = operators[len(operators) - operators[::-1].index("BDC") - 1 :]
            assert tail == ["BDC", "q", "cm", "Do", "Q", "EMC"], "the page number is drawn last, as an artifact"
        in_pack = {page.objgen for page in pdf.pages}
        elements = _elements(pdf.Root.StructTreeRoot)
        assert {e.Pg.objgen for e in elements if "/Pg" in e} <= in_pack, "every tag points at a page of the pack"
        for key, value in zip(pdf.Root.StructTreeRoot.ParentTree.Nums[::2], pdf.Root.StructTreeRoot.ParentTree.Nums[1::2], strict=True):
            assert all(e.objgen in {x.objgen for x in elements} for e in value), (
                f"parent tree entry {key} names an element outside the tree"
            )
        numbers = pdf.pages[0].Resources.XObject
        label = next(x for name, x in numbers.items() if name.startswith("/PageNumber"))
        assert {"BDC", "BMC", "EMC"}.isdisjoint(str(op) for _, op in pikepdf.parse_content_stream(label))


@pytest.mark.slow
def test_a_meetings_own_print_pack_follows_its_distribution(tmp_path: Path, warm_converters: Converters) -> None:
    manifest = make_pack(load_record(), tmp_path, pdf=True, converter=warm_converters)
    [entry] = [d for d in manifest["documents"] if d["kind"] == "print_pack"]
    shutil.rmtree(tmp_path / "private", ignore_errors=True)
    assert not (tmp_path / ".print-pack").exists(), "the covering pages' working folder is gone"
    pages = 0
    for bundle in entry["recipients"]:
        pages += 1 + sum(len(PdfReader(tmp_path / name).pages) for name in bundle["documents"])
    assert len(PdfReader(tmp_path / "print-pack.pdf").pages) == pages
