"""The warm converter with the real LibreOffice: accessible PDF/A-2b, and a form's PDFs made despite a LibreOffice that dies, hangs or goes deaf."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from docgen.errors import ConverterError
from docgen.pdf.converter_queue import Converters
from docgen.pdf.warm import WarmConverter
from tests.conftest import load_record
from tests.render.helpers import make_pack
from tests.render.libreoffice import gone, group_processes, pdfa_part, structure_types, unembedded_fonts

pytestmark = pytest.mark.slow

TITLES = {
    "plan-C1.pdf": "Child in Need Plan for Amy Jones",
    "plan-C1-child.pdf": "Amy's plan",
    "plan-C2.pdf": "Child in Need Plan for Leo Jones",
    "meeting-record.pdf": "Record of Planning Meeting, case CIN-2026-0412",
}


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory, warm_converters: Converters) -> tuple[Path, dict[str, Any]]:
    """The two-child initial meeting's pack, PDFs made on the shared warm converters."""
    out = tmp_path_factory.mktemp("pack")
    return out, make_pack(load_record(), out, pdf=True, converter=warm_converters)


@pytest.fixture
def converter(warm_converters: Converters) -> Iterator[WarmConverter]:
    """One of the shared converters, its settings put back after the test."""
    chosen = warm_converters.converters[0]
    saved = (chosen.timeout, chosen.idle_check_after, chosen.health_timeout)
    yield chosen
    chosen.timeout, chosen.idle_check_after, chosen.health_timeout = saved


def test_every_document_has_a_pdf_and_the_manifest_lists_them(pack: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = pack
    pdfs = sorted(d["path"] for d in manifest["documents"] if d["kind"] == "pdf")
    assert pdfs == sorted(TITLES)
    assert manifest["pdf"]["made"] is True
    assert not list(out.glob(".*partial*")), "a half-written PDF was left behind"


@pytest.mark.parametrize("name", sorted(TITLES))
def test_each_pdf_is_tagged_british_english_titled_pdfa_2b_with_fonts_embedded(pack: tuple[Path, dict[str, Any]], name: str) -> None:
    pdf = PdfReader(pack[0] / name)
    catalog = pdf.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert pdf.metadata.title == TITLES[name]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # a reader shows the title, not the file name
    assert pdfa_part(pdf) == ("2", "B")
    assert unembedded_fonts(pdf) == []
    tags = [kind for kind, _ in structure_types(pdf)]
    assert tags.count("/H1") == 1 and tags.index("/H1") < tags.index("/Table")  # the title is the first heading


def test_a_pack_keeps_its_documents_tags_and_is_pdfa_unless_encrypted(pack: tuple[Path, dict[str, Any]]) -> None:
    out, _ = pack
    amy = PdfReader(out / "pack-amy-jones.pdf")  # her plan and her words-and-pictures plan, by hand
    catalog = amy.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True and catalog["/Lang"] == "en-GB"
    assert amy.metadata.title == "Child in Need plan pack for Amy Jones"
    assert pdfa_part(amy) == ("2", "B") and unembedded_fonts(amy) == []
    tags = structure_types(amy)
    assert [kind for kind, _ in tags].count("/H1") == 2  # each document's title
    assert sum(1 for kind, alt in tags if kind == "/Figure" and alt) == 6 + 10  # the six pictures, and the scale as ten stars
    pages = len(PdfReader(out / "plan-C1.pdf").pages) + len(PdfReader(out / "plan-C1-child.pdf").pages)
    assert len(amy.pages) == pages
    sarah = PdfReader(out / "pack-nadia-ali.pdf")  # by secure email: encrypted, so not PDF/A, but still tagged
    line = next(x for x in (out / "private" / "pdf-passwords.txt").read_text().splitlines() if x.startswith("pack-nadia-ali.pdf"))
    assert sarah.is_encrypted and sarah.decrypt(line.split("\t")[3])
    assert sarah.trailer["/Root"]["/Lang"] == "en-GB" and "/StructTreeRoot" in sarah.trailer["/Root"]
    assert pdfa_part(sarah) == (None, None)


def test_the_plans_headings_are_real_headings(pack: tuple[Path, dict[str, Any]]) -> None:
    tags = [kind for kind, _ in structure_types(PdfReader(pack[0] / "plan-C1.pdf"))]
    assert tags.count("/H2") == 8  # services, objectives, who does what, contingency, closure, scale, reviews, words we use


def test_every_picture_in_the_childs_plan_has_alternative_text(pack: tuple[Path, dict[str, Any]]) -> None:
    figures = [alt for kind, alt in structure_types(PdfReader(pack[0] / "plan-C1-child.pdf")) if kind == "/Figure"]
    assert figures == [
        "A drawing of a house",
        "A drawing of a grey cloud",
        "A drawing of a smiling sun",
        *(f"Star {n} of 10, coloured in" for n in range(1, 6)),  # the score, 5
        *(f"Star {n} of 10, not coloured in" for n in range(6, 11)),
        "A drawing of a checklist with ticks",
        "A drawing of three people holding hands",
        "A drawing of a calendar",
    ]


def _documents(tmp_path: Path) -> list[Path]:
    """The Word documents of the two-child meeting, rendered without PDFs."""
    make_pack(load_record(), tmp_path)
    return sorted(tmp_path.glob("*.docx"))


def _pid(converter: WarmConverter) -> int:
    assert converter.pid is not None
    (office,) = group_processes(converter.pid)
    return office


def test_a_libreoffice_killed_mid_conversion_is_started_again_and_the_pdfs_are_made(
    tmp_path: Path, warm_converters: Converters, converter: WarmConverter
) -> None:
    documents = _documents(tmp_path)
    converter.convert(documents[0], tmp_path / "warm.pdf")  # started and answering
    office, starts = _pid(converter), converter.starts
    killer = threading.Timer(0.05, os.kill, (office, signal.SIGKILL))
    killer.start()
    made = warm_converters(documents, tmp_path)
    killer.join()
    assert sorted(p.name for p in made.values()) == sorted(f"{d.stem}.pdf" for d in documents)
    assert all(PdfReader(p).trailer["/Root"]["/Lang"] == "en-GB" for p in made.values())
    assert converter.starts == starts + 1 and gone(office)
    assert not list(tmp_path.glob(".*partial*"))


def test_a_conversion_that_never_returns_is_cut_off_and_done_again_on_a_fresh_libreoffice(
    tmp_path: Path, converter: WarmConverter
) -> None:
    document = _documents(tmp_path)[0]
    converter.convert(document, tmp_path / "warm.pdf")
    converter.timeout, converter.idle_check_after = 3.0, 3600.0  # no health check first: the conversion itself hangs
    office, starts = _pid(converter), converter.starts
    os.kill(office, signal.SIGSTOP)  # LibreOffice frozen: the conversion never returns
    started = time.monotonic()
    with pytest.raises(ConverterError, match=r"did not convert meeting-record\.docx within 3 seconds and was stopped"):
        converter.convert(document, tmp_path / "hung.pdf")
    assert time.monotonic() - started < 10
    assert not (tmp_path / "hung.pdf").exists() and not list(tmp_path.glob(".*partial*"))
    assert gone(office)  # the frozen LibreOffice was killed, not left behind
    converter.convert(document, tmp_path / "again.pdf")
    assert converter.starts == starts + 1 and PdfReader(tmp_path / "again.pdf").metadata.title == TITLES["meeting-record.pdf"]


def test_a_libreoffice_gone_deaf_while_idle_fails_its_health_check_and_is_replaced(tmp_path: Path, converter: WarmConverter) -> None:
    document = _documents(tmp_path)[0]
    converter.convert(document, tmp_path / "warm.pdf")
    converter.idle_check_after, converter.health_timeout = 0.0, 2.0
    office, starts = _pid(converter), converter.starts
    os.kill(office, signal.SIGSTOP)  # deaf: the process is there but answers nothing
    converter.convert(document, tmp_path / "after.pdf")
    assert converter.starts == starts + 1 and gone(office)
    assert PdfReader(tmp_path / "after.pdf").trailer["/Root"]["/MarkInfo"]["/Marked"].value is True


def test_docgen_killed_outright_leaves_no_libreoffice_running(tmp_path: Path) -> None:
    # kill -9 gives docgen no chance to stop its converters: the guard each one runs under ends LibreOffice itself
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from docgen.pdf.converter_queue import Converters\n"
        "converters = Converters(1, timeout=120)\n"
        "converters.start()\n"
        "print(converters.converters[0].pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    repo = Path(__file__).resolve().parents[2]
    service = subprocess.Popen([sys.executable, "-c", script], cwd=repo, stdout=subprocess.PIPE, text=True)
    try:
        assert service.stdout is not None
        leader = int(service.stdout.readline())
        offices = group_processes(leader)
        assert offices, "LibreOffice was running under the converter"
        service.kill()
        service.wait()
        assert all(gone(pid, within=10) for pid in [leader, *offices]), "LibreOffice outlived docgen"
    finally:
        service.kill()
