"""``docgen status`` against a real ``docgen watch``: 0 while it runs, 3 once it is stopped or killed, 3 on a copy of its root."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.service.conftest import wait_for

pytestmark = pytest.mark.slow


def _status(root: Path) -> int:
    return subprocess.run([sys.executable, "-m", "docgen", "status", "--root", str(root)], capture_output=True, timeout=60).returncode


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A root of its own, PDFs off so that ``watch`` starts quickly."""
    root = tmp_path / "cin"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text("pdf = false\nmin_free_mb = 0\n", encoding="utf-8")
    return root


def _watch(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "docgen", "watch", "--root", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def test_status_follows_watch_through_a_kill_and_a_copied_root(root: Path, tmp_path: Path) -> None:
    assert _status(root) == 3  # never started
    service = _watch(root)
    try:
        assert wait_for(lambda: _status(root) == 0, 60), "status never said running"
        copy = tmp_path / "copy"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("lock"))
        assert _status(copy) == 3  # the copied state names a live process, but not one working on the copy
        os.kill(service.pid, signal.SIGKILL)
        service.wait(30)
        assert _status(root) == 3
    finally:
        if service.poll() is None:
            service.kill()
            service.wait(30)


def test_status_says_not_running_after_a_clean_stop(root: Path) -> None:
    service = _watch(root)
    try:
        assert wait_for(lambda: _status(root) == 0, 60)
        service.send_signal(signal.SIGTERM)
        assert service.wait(60) == 0
        started = time.monotonic()
        assert _status(root) == 3, time.monotonic() - started
    finally:
        if service.poll() is None:
            service.kill()
            service.wait(30)
