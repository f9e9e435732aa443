"""The service's PDFs: made before publishing, a form whose PDFs cannot be made rejected with a report, LibreOffice faults survived."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from docgen.errors import ConverterError
from docgen.service import Layout, Service
from docgen.service.form_log import FormLog
from tests.render.helpers import FakeConverter
from tests.render.libreoffice import gone, group_processes
from tests.service.conftest import Drop, all_files
from tests.service.fakes import run_once, settings_for_tests

FOLDER = "outbox/CIN-2026-0412/2026-12-17-initial"
REPO = Path(__file__).resolve().parents[2]


def broken_libreoffice(documents: list[Path], out_dir: Path, timeout: float) -> dict[Path, Path]:
    """Stands in for a LibreOffice that dies on this form's documents every time, fresh or not."""
    raise ConverterError(
        "LibreOffice could not make PDFs of plan-C1.docx, even after a fresh start (LibreOffice stopped while converting plan-C1.docx)"
    )


def test_the_pdfs_are_published_with_the_word_documents_and_listed_in_the_manifest(layout: Layout, drop: Drop) -> None:
    drop("Amy and Leo initial.json")
    run_once(layout.root, settings_for_tests(pdf=True), converter=FakeConverter())
    assert [p for p in all_files(layout.root) if p.endswith(".pdf")] == [
        f"{FOLDER}/meeting-record.pdf",
        f"{FOLDER}/plan-C1.pdf",
        f"{FOLDER}/plan-C2.pdf",
    ]
    manifest = json.loads((layout.root / FOLDER / "manifest.json").read_text())
    assert [d["path"] for d in manifest["documents"] if d["kind"] == "pdf"] == ["plan-C1.pdf", "plan-C2.pdf", "meeting-record.pdf"]
    assert manifest["pdf"]["made"] is True


def test_a_form_whose_pdfs_cannot_be_made_is_rejected_with_a_report_and_kept(layout: Layout, drop: Drop) -> None:
    drop("Amy and Leo initial.json")
    out = io.StringIO()
    run_once(layout.root, settings_for_tests(pdf=True), converter=broken_libreoffice, form_log=FormLog(out=out, progress=False))
    assert all_files(layout.root) == [
        "inbox/rejected/Amy and Leo initial.json",
        "inbox/rejected/Amy and Leo initial.json.errors.json",
        "inbox/rejected/Amy and Leo initial.json.errors.txt",
    ]
    assert not any((layout.root / ".docgen" / "tmp").iterdir())  # no half-made pack left behind
    report = json.loads((layout.rejected / "Amy and Leo initial.json.errors.json").read_text())
    assert [e["rule"] for e in report["errors"]] == ["pdf-conversion-failed"]
    assert report["errors"][0]["message"].startswith(
        "docgen could not make the PDF copies of this meeting's documents: LibreOffice could not make PDFs of plan-C1.docx, even after a fresh start"
    )
    assert "rejected" in out.getvalue() and "(pdf-conversion-failed)" in out.getvalue()


def test_the_start_up_line_says_whether_pdfs_are_made(layout: Layout) -> None:
    err = io.StringIO()
    run_once(layout.root, settings_for_tests(pdf=False), form_log=FormLog(out=io.StringIO(), err=err, progress=False))
    assert err.getvalue().splitlines()[0] == "docgen: PDF copies: off (pdf = false in docgen.toml)"


@pytest.mark.slow
def test_pdf_true_without_libreoffice_refuses_to_start(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "docgen.toml").write_text("pdf = true\n")
    (tmp_path / "bin").mkdir()
    env = {**os.environ, "PATH": str(tmp_path / "bin")}
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "run", "--once", "--root", str(tmp_path)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "docgen: pdf = true in docgen.toml, but LibreOffice is not installed" in done.stderr
    assert not (tmp_path / "outbox").exists()


@pytest.mark.slow
def test_a_libreoffice_killed_while_the_service_converts_a_form_costs_nothing(layout: Layout, drop: Drop, warm_converters: Any) -> None:
    drop("Amy and Leo initial.json")
    leader = warm_converters.converters[0].pid or 0
    if leader == 0:
        warm_converters.wait_ready()
        leader = warm_converters.converters[0].pid or 0
    (office,) = group_processes(leader)
    killer = threading.Timer(0.2, os.kill, (office, signal.SIGKILL))
    killer.start()
    with Service(layout.root, settings_for_tests(pdf=True), form_log=FormLog(out=io.StringIO()), converter=warm_converters) as service:
        service.run_once()
    killer.join()
    assert gone(office)
    manifest = json.loads((layout.root / FOLDER / "manifest.json").read_text())
    pdfs = [d["path"] for d in manifest["documents"] if d["kind"] == "pdf"]
    assert pdfs == ["plan-C1.pdf", "plan-C1-child.pdf", "plan-C2.pdf", "meeting-record.pdf"]
    for name in pdfs:
        assert PdfReader(layout.root / FOLDER / name).trailer["/Root"]["/Lang"] == "en-GB"


@pytest.mark.slow
def test_watch_warms_libreoffice_before_the_first_form_and_stops_it_on_sigterm(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "docgen.toml").write_text('pdf = "auto"\nsettle_seconds = 0.1\nworkers = 2\n')
    service = subprocess.Popen(
        [sys.executable, "-m", "docgen", "watch", "--root", str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert service.stderr is not None
    try:
        lines = [service.stderr.readline().strip() for _ in range(2)]
        assert lines[0].startswith("docgen: PDF copies: on (tagged PDF/A-2b by LibreOffice at ")
        assert lines[1].startswith("docgen: watching ")  # said once LibreOffice answers
        offices = [office for child in _children(service.pid) for office in group_processes(child)]
        assert len(offices) == 2
        (tmp_path / "inbox" / "initial-jones.docx").write_bytes((REPO / "examples/standard/initial-jones.docx").read_bytes())
        manifest = tmp_path / FOLDER / "manifest.json"
        deadline = time.monotonic() + 60
        while not manifest.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (tmp_path / FOLDER / "plan-C1-child.pdf").is_file()
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(60)
    assert service.returncode == 0
    assert all(gone(pid) for pid in offices)


def _children(parent: int) -> list[int]:
    """The direct children of ``parent`` (each converter's unoserver leads a process group holding its LibreOffice)."""
    return [int(child) for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]


def test_a_batch_on_two_workers_has_every_forms_pdfs_converted_beside_the_others(layout: Layout, drop: Drop) -> None:
    for n in range(5):
        drop(f"form-{n}.json", case__reference=f"CIN-2026-04{n:02d}")
    run_once(layout.root, settings_for_tests(pdf=True, workers=2), converter=FakeConverter())
    manifests = sorted(layout.root.glob("outbox/*/*/manifest.json"))
    assert len(manifests) == 5
    for path in manifests:
        manifest = json.loads(path.read_text())
        pdfs = [d["path"] for d in manifest["documents"] if d["kind"] == "pdf"]
        assert pdfs == ["plan-C1.pdf", "plan-C2.pdf", "meeting-record.pdf"]
        assert all((path.parent / pdf).is_file() for pdf in pdfs)
    assert not any((layout.root / ".docgen" / "tmp").iterdir())
