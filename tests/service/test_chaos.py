"""A kill is not the form's fault: ``docgen watch`` with two workers killed by SIGKILL again and again while forms
arrive publishes every valid form once and rejects none — with PDFs off, with PDFs on, and on a machine whose every
core is busy (a slower start-up leaves the same forms in hand across several kills)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import clean_initial

REPO = Path(__file__).resolve().parents[2]
DOCGEN = [sys.executable, "-m", "docgen"]

pytestmark = pytest.mark.slow


@contextmanager
def _busy_cores() -> Iterator[None]:
    """A process spinning on every core, as other services on a shared council server would."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _drop(inbox: Path, number: int) -> None:
    record = clean_initial()
    record["case"]["reference"] = f"CIN-CHAOS-{number:03d}"
    staging = inbox.parent / f".form-{number}.json"
    staging.write_text(json.dumps(record), encoding="utf-8")
    os.replace(staging, inbox / f"form-{number:03d}.json")  # arrives whole, as a copy onto the share does


def _watch(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*DOCGEN, "watch", "--root", str(root)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_a_build(root: Path, since: float, seconds: float) -> None:
    """Until the running service has started building a form (a build folder made after ``since``)."""
    tmp = root / ".docgen" / "tmp"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if tmp.is_dir() and any(p.stat().st_mtime >= since for p in tmp.iterdir() if p.exists()):
            return
        time.sleep(0.02)


def _published(root: Path) -> list[Path]:
    return sorted(root.glob("outbox/*/*/manifest.json"))


def _chaos(root: Path, *, files: int, kills: int, pdf: bool) -> None:
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(
        f'policy = "standard"\npdf = {"true" if pdf else "false"}\nworkers = 2\nsettle_seconds = 0.2\n', encoding="utf-8"
    )
    service, started = _watch(root), time.time()
    dropped = 0
    for kill in range(kills):
        for _ in range(-(-files // kills)):
            if dropped < files:
                _drop(root / "inbox", dropped)
                dropped += 1
        # killed while forms are in hand (claimed, being built), at a different point of their work each time
        _wait_for_a_build(root, started, seconds=20)
        time.sleep(0.05 * (kill % 3))
        service.send_signal(signal.SIGKILL)
        service.wait()
        service, started = _watch(root), time.time()
    while dropped < files:
        _drop(root / "inbox", dropped)
        dropped += 1
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and (len(_published(root)) < files or any((root / "inbox").glob("*.json"))):
        time.sleep(0.2)
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=60) == 0

    rejected = sorted(p.name for p in (root / "inbox" / "rejected").glob("*.errors.txt")) if (root / "inbox" / "rejected").is_dir() else []
    assert rejected == [], [p.read_text() for p in (root / "inbox" / "rejected").glob("*.errors.txt")]
    folders = [p.parent for p in _published(root)]
    assert sorted(p.parent.name for p in folders) == [f"CIN-CHAOS-{n:03d}" for n in range(files)], "every form published"
    assert all(len(list(p.parent.iterdir())) == 1 for p in folders), "none published twice"
    assert not list(root.glob("inbox/duplicates/*")), "none taken for a duplicate of itself"


def test_repeated_kills_of_watch_reject_no_valid_form(tmp_path: Path) -> None:
    _chaos(tmp_path / "root", files=18, kills=6, pdf=False)


def test_repeated_kills_of_watch_on_a_busy_machine_reject_no_valid_form(tmp_path: Path) -> None:
    with _busy_cores():
        _chaos(tmp_path / "root", files=12, kills=5, pdf=False)


def test_repeated_kills_of_watch_with_pdfs_reject_no_valid_form(tmp_path: Path) -> None:
    if not any(Path(p, "soffice").exists() for p in os.environ.get("PATH", "").split(os.pathsep)):
        pytest.skip("LibreOffice is not installed")
    _chaos(tmp_path / "root", files=6, kills=3, pdf=True)
