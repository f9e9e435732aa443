"""The audit log rotates by renaming, whole, never by copying and truncating: every entry is kept, in order, and no file is rewritten."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from docgen.audit import AuditLog


def _entries(folder: Path) -> list[str]:
    files = [*sorted(folder.glob("audit.log.*")), folder / "audit.log"]
    return [json.loads(line)["what"] for path in files for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_full_log_is_renamed_and_a_new_one_begun(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, rotate_bytes=1000)
    for n in range(30):
        log.record("admin", "case_viewed", f"entry {n:02d}")
    folder = tmp_path / ".docgen"
    rotated = sorted(folder.glob("audit.log.*"))
    assert len(rotated) >= 2 and all(p.stat().st_size >= 1000 for p in rotated)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in [*rotated, folder / "audit.log"])
    assert _entries(folder) == [f"entry {n:02d}" for n in range(30)]
    first = rotated[0].read_bytes()
    log.record("admin", "case_viewed", "one more")
    assert rotated[0].read_bytes() == first, "a closed log is never written again"


def test_two_writers_rotating_together_lose_no_entry(tmp_path: Path) -> None:
    logs = [AuditLog(tmp_path, rotate_bytes=2000) for _ in range(2)]  # as the web app and `docgen users` would, each its own

    def write(log: AuditLog, who: str) -> None:
        for n in range(100):
            log.record(who, "case_viewed", f"{who} {n:03d}")

    threads = [threading.Thread(target=write, args=(log, f"w{i}")) for i, log in enumerate(logs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = _entries(tmp_path / ".docgen")
    assert sorted(found) == sorted(f"w{i} {n:03d}" for i in range(2) for n in range(100))
    for who in ("w0", "w1"):
        assert [e for e in found if e.startswith(who)] == [f"{who} {n:03d}" for n in range(100)], "each writer's entries in order"
