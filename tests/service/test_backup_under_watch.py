"""``docgen backup`` while a real ``docgen watch`` publishes: the copy passes SQLite's integrity check and restores to the same ``due``."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import clean_initial
from tests.service.conftest import wait_for

pytestmark = pytest.mark.slow


def _docgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=120)


def _integrity(ledger: Path) -> str:
    db = sqlite3.connect(ledger)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def test_a_backup_taken_under_watch_is_whole_and_restores_to_the_same_due(tmp_path: Path) -> None:
    root = tmp_path / "cin"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text("pdf = false\nsettle_seconds = 0\nmin_free_mb = 0\n", encoding="utf-8")
    service = subprocess.Popen(
        [sys.executable, "-m", "docgen", "watch", "--root", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert wait_for(lambda: _docgen("status", "--root", str(root)).returncode == 0, 60), "watch never started"
        for number in range(3):
            record = clean_initial()
            record["case"]["reference"] = f"CIN-2026-{number:04d}"
            (root / "inbox" / f"form-{number}.json").write_text(json.dumps(record), encoding="utf-8")
        during = _docgen("backup", "--root", str(root), "--to", str(tmp_path / "during"))  # while the forms are being published
        assert during.returncode == 0, during.stderr
        assert wait_for(
            lambda: len(list((root / "outbox").glob("*/*/manifest.json"))) == 3 and not any((root / "inbox").glob("*.json")), 120
        )
        assert wait_for(lambda: len(json.loads(_docgen("due", "--root", str(root), "--json").stdout or "[]")) > 0, 60)
        taken = _docgen("backup", "--root", str(root), "--to", str(tmp_path / "backup"))
        assert taken.returncode == 0, taken.stderr
        assert _docgen("status", "--root", str(root)).returncode == 0, "watch carried on through both backups"
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(60)
    assert _integrity(tmp_path / "during" / "ledger.sqlite3") == "ok"
    assert _integrity(tmp_path / "backup" / "ledger.sqlite3") == "ok"
    backed_up = {p.name for p in (tmp_path / "backup").iterdir()}
    assert "ledger.sqlite3" in backed_up and not backed_up & {"lock", "state.json", "ledger.sqlite3-wal"}
    before = _docgen("due", "--root", str(root), "--json", "--as-of", "2027-01-10").stdout

    for name in ("ledger.sqlite3", "ledger.sqlite3-wal", "ledger.sqlite3-shm"):  # the disk lost, docgen stopped
        (root / ".docgen" / name).unlink(missing_ok=True)
    for path in (tmp_path / "backup").iterdir():
        (root / ".docgen" / path.name).write_bytes(path.read_bytes())
    assert _docgen("due", "--root", str(root), "--json", "--as-of", "2027-01-10").stdout == before
    assert len(json.loads(before)) > 3

    # the backup taken half way through is restored just as well: what was published after it comes back from the outbox
    for path in (tmp_path / "during").iterdir():
        (root / ".docgen" / path.name).write_bytes(path.read_bytes())
    assert _docgen("due", "--root", str(root), "--json", "--as-of", "2027-01-10").stdout == before
