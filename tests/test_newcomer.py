"""The README's newcomer path, end to end: `make demo` (twice), then `docgen init`, a first form, `docgen run`, `docgen due`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.blanks.fill import fill_docx

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git")]
REPO = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent
DOCGEN = str(VENV / "bin" / "docgen")
SAMPLE = REPO / "tests" / "records" / "initial-two-children.json"


def _checkout(tmp_path: Path) -> Path:
    """A fresh copy of the repository's tracked files, as a newcomer's clone would have them."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    copy = tmp_path / "docgen"
    for name in filter(None, files):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    return copy


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_make_demo_twice_then_a_first_root_of_ones_own(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    make = ["make", "demo", f"VENV={VENV}"]  # the venv already set up: `make setup` is what makes it
    first = _run(*make, cwd=checkout)
    assert first.stdout.count(" published ") == 4, first.stdout
    second = _run(*make, cwd=checkout)
    assert second.stdout.count(" duplicate ") == 4, second.stdout
    assert "docgen: 4 already published (nothing to do)" in second.stderr
    rejected = checkout / "inbox" / "rejected"
    assert not rejected.exists() or list(rejected.iterdir()) == []  # the demo twice never fills inbox/rejected/
    notes = sorted(p.name for p in (checkout / "inbox" / "duplicates").glob("*.note.txt"))
    assert notes == [
        "closure-brennan.xlsx.note.txt",
        "initial-hughes.docx.note.txt",
        "initial-jones.docx.note.txt",
        "review-patel.xlsx.note.txt",
    ]

    root = tmp_path / "cin"
    _run(DOCGEN, "init", str(root), "--policy", "standard", cwd=tmp_path)
    _run(DOCGEN, "forms", "--out", str(tmp_path / "cin-forms"), cwd=tmp_path)
    record = json.loads(SAMPLE.read_text(encoding="utf-8"))
    fill_docx(tmp_path / "cin-forms" / "cin-meeting-form.docx", record, root / "inbox" / "jones.docx")
    published = _run(DOCGEN, "run", "--root", str(root), cwd=tmp_path)
    assert "jones.docx published" in published.stdout, published.stdout + published.stderr
    due = _run(DOCGEN, "due", "--root", str(root), "--as-of", "2026-12-18", cwd=tmp_path).stdout
    lines = due.splitlines()
    assert lines[0].startswith("Upcoming (")
    assert any("CIN-2026-0412  Copy to: Sarah Jones" in line and "procedure 3.3" in line for line in lines), due
    assert any("CIN-2026-0412  Review" in line for line in lines), due
    assert not (tmp_path / "cin-typo").exists()
    typo = subprocess.run([DOCGEN, "due", "--root", str(tmp_path / "cin-typo")], capture_output=True, text=True, timeout=60)
    assert typo.returncode == 2 and "does not exist" in typo.stderr
    assert not (tmp_path / "cin-typo").exists()
