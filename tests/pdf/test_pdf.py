"""PDF copies: one conversion per form, a pack per recipient from those PDFs, encryption for email, and no PDFs without LibreOffice."""

from __future__ import annotations

import logging
import os
import stat
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.errors import ConfigError, ConverterError
from docgen.pdf import making as pdf_module
from docgen.pdf.making import PASSWORDS_FILE, find_soffice, libreoffice_converter, pdf_wanted
from docgen.settings.service import Settings
from tests.conftest import load_record
from tests.render.helpers import FakeConverter, make_pack


def passwords(out: Path) -> dict[str, str]:
    lines = (out / PASSWORDS_FILE).read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[0]: line.split("\t")[3] for line in lines if not line.startswith("#")}


def test_one_conversion_for_all_documents_then_packs_from_those_pdfs(tmp_path: Path) -> None:
    fake = FakeConverter()
    manifest = make_pack(load_record(), tmp_path, pdf=True, converter=fake)
    documents, printing = fake.calls  # then the print pack's covering pages and its page numbers
    assert documents == ["plan-C1.docx", "plan-C1-child.docx", "plan-C2.docx", "meeting-record.docx"]
    assert printing == ["printing.docx"]
    packs = {d["path"]: d for d in manifest["documents"] if d["kind"] == "pdf_pack"}
    assert sorted(packs) == [
        "pack-amy-jones.pdf",
        "pack-daniel-jones.pdf",
        "pack-mrs-helen-carter.pdf",
        "pack-nadia-ali.pdf",
        "pack-priya-shah.pdf",
        "pack-sarah-jones.pdf",
        "pack-tom-okafor.pdf",
    ]
    # Amy gets her plan and her words-and-pictures plan, by hand: not encrypted
    assert not packs["pack-amy-jones.pdf"]["encrypted"]
    assert len(PdfReader(tmp_path / "pack-amy-jones.pdf").pages) == 2
    # Nadia's copies go by secure email: encrypted, with the password only in the private file
    assert packs["pack-nadia-ali.pdf"]["encrypted"]
    reader = PdfReader(tmp_path / "pack-nadia-ali.pdf")
    assert reader.is_encrypted
    password = passwords(tmp_path)["pack-nadia-ali.pdf"]
    assert reader.decrypt(password) and len(reader.pages) >= 1
    assert reader.trailer["/Root"]["/Lang"] == "en-GB" and reader.metadata.title == "Child in Need plan pack for Nadia Ali"
    assert password.encode() not in (tmp_path / "pack-nadia-ali.pdf").read_bytes()
    # Sarah's go by plain email (PDFs over verified TLS): no encrypted pack that nobody would send
    assert not packs["pack-sarah-jones.pdf"]["encrypted"] and not PdfReader(tmp_path / "pack-sarah-jones.pdf").is_encrypted
    assert sorted(passwords(tmp_path)) == ["pack-mrs-helen-carter.pdf", "pack-nadia-ali.pdf"]
    assert stat.S_IMODE((tmp_path / PASSWORDS_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / PASSWORDS_FILE.parent).stat().st_mode) == 0o700
    assert manifest["pdf"] == {"made": True, "problem": None, "passwords_file": "private/pdf-passwords.txt"}
    # Daniel's go by post: printed, not encrypted
    assert not PdfReader(tmp_path / "pack-daniel-jones.pdf").is_encrypted


def test_docgen_toml_can_switch_encryption_off(tmp_path: Path) -> None:
    manifest = make_pack(load_record(), tmp_path, pdf=True, converter=FakeConverter(), settings=Settings(encrypt_email_pdfs=False))
    assert not any(d.get("encrypted") for d in manifest["documents"])
    assert not (tmp_path / PASSWORDS_FILE).exists()


def test_without_libreoffice_docgen_says_so_once_and_keeps_the_docx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(pdf_module, "_warned_missing", False)
    with caplog.at_level(logging.WARNING, logger="docgen.pdf.making"):
        first = make_pack(load_record(), tmp_path / "a", pdf=True)
        make_pack(load_record(), tmp_path / "b", pdf=True)
    assert [r.getMessage() for r in caplog.records] == [
        "PDF copies are switched on but LibreOffice (soffice) is not installed: only .docx documents are made."
    ]
    assert first["pdf"]["made"] is False
    assert [d["kind"] for d in first["documents"]] == ["plan", "child_plan", "plan", "meeting_record", "distribution", "calendar"]
    assert not list((tmp_path / "a").glob("*.pdf"))


def test_a_hung_libreoffice_is_killed_with_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    child_pid = tmp_path / "child.pid"
    script = bin_dir / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {child_pid}\nsleep 60\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    document = tmp_path / "plan-C1.docx"
    document.write_bytes(b"")
    started = time.monotonic()
    with pytest.raises(ConverterError, match=r"did not finish converting within 0\.5 seconds"):
        libreoffice_converter([document], tmp_path, 0.5)
    assert time.monotonic() - started < 10
    pid = int(child_pid.read_text())
    for _ in range(50):  # the killed child is reaped by init shortly after
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the hung converter's child process is still running")


@pytest.mark.slow
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_real_libreoffice_makes_readable_pdfs_and_packs(tmp_path: Path) -> None:
    manifest = make_pack(load_record(), tmp_path, pdf=True, settings=Settings(pdf_timeout_seconds=180))
    assert manifest["pdf"]["made"] is True, manifest["pdf"]
    plan = PdfReader(tmp_path / "plan-C2.pdf")
    text = " ".join(" ".join(page.extract_text() for page in plan.pages).split())  # table cells wrap lines
    assert "Child in Need Plan" in text and "for Leo Jones" in text
    assert "Leo is assessed and supported with his speech" in text
    assert "Amy attends school every day she is well" not in text
    assert plan.metadata.title == "Child in Need Plan for Leo Jones"
    meta = PdfReader(tmp_path / "meeting-record.pdf").metadata  # from the Word document's properties
    assert meta.subject == "Child in Need: case CIN-2026-0412, initial meeting on 17 December 2026"
    assert meta.author == "Tom Okafor"
    assert plan.trailer["/Root"]["/Lang"] == "en-GB" and "/StructTreeRoot" in plan.trailer["/Root"]  # the one-shot exports alike
    child_plan = PdfReader(tmp_path / "plan-C1-child.pdf")
    assert "This is your plan, Amy" in " ".join(" ".join(page.extract_text() for page in child_plan.pages).split())
    sarah = PdfReader(tmp_path / "pack-sarah-jones.pdf")  # by plain email: her pack is not encrypted
    assert not sarah.is_encrypted and "pack-sarah-jones.pdf" not in passwords(tmp_path)
    expected = len(PdfReader(tmp_path / "plan-C1.pdf").pages) + len(plan.pages)
    assert len(sarah.pages) == expected
    assert not list(tmp_path.glob("*.docx#")) and not list(tmp_path.glob(".~lock*"))


def test_auto_makes_pdfs_where_libreoffice_is_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").write_text("#!/bin/sh\n")
    (bin_dir / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert pdf_wanted("auto") == (True, f"PDF copies: on (tagged PDF/A-2b by LibreOffice at {bin_dir / 'soffice'})")
    assert pdf_wanted(False) == (False, "PDF copies: off (pdf = false in docgen.toml)")


def test_auto_without_libreoffice_is_off_and_true_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert pdf_wanted("auto") == (False, 'PDF copies: off (LibreOffice is not installed; pdf = "auto")')
    with pytest.raises(ConfigError, match=r"^pdf = true in docgen.toml, but LibreOffice is not installed: install it"):
        pdf_wanted(True)
