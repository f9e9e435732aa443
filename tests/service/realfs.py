"""Real file systems for the fault tests: tmpfs mounts made and always unmounted, and ``docgen watch`` run in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCGEN = [sys.executable, "-m", "docgen"]


def run_command(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs a system command (mount, umount); raises with its error output when ``check`` and it fails."""
    done = subprocess.run(list(command), capture_output=True, text=True, timeout=60)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(command)}: {done.stderr}")
    return done


class Mounts:
    """Small tmpfs file systems (and bind mounts of them) under one test's folder, all unmounted afterwards."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.mounted: list[Path] = []

    def __call__(self, size: str = "16m") -> Path:
        """A new tmpfs of ``size``, mounted at a folder of its own."""
        point = self.folder / f"root{len(self.mounted)}"
        point.mkdir()
        done = run_command("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point), check=False)
        if done.returncode != 0:
            if os.environ.get("CI"):
                raise AssertionError(f"CI must be able to mount a tmpfs (it runs as root): {done.stderr.strip()}")
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'}): these tests need root, as in CI")
        self.mounted.append(point)
        return point

    def bind(self, source: Path, name: str) -> Path:
        """``source`` seen at a second place, as a network share is mounted on the docgen server."""
        point = self.folder / name
        point.mkdir(exist_ok=True)
        run_command("mount", "--bind", str(source), str(point))
        self.mounted.append(point)
        return point

    def unmount_all(self) -> None:
        """Everything mounted here, last first, even what a failed test left read-only or busy."""
        for point in reversed(self.mounted):
            run_command("mount", "-o", "remount,rw", str(point), check=False)
            if run_command("umount", str(point), check=False).returncode != 0:
                run_command("umount", "-l", str(point), check=False)  # something still holds it: detach it now, freed when let go


class Watching:
    """``docgen watch`` in a subprocess, its output in files a test can read as it goes."""

    def __init__(self, root: Path, env: dict[str, str] | None = None, started: str = "docgen: watching ") -> None:
        self.root = root
        self.out = (root.parent / f"{root.name}.out").open("w+")
        self.err = (root.parent / f"{root.name}.err").open("w+")
        self.process = subprocess.Popen(
            [*DOCGEN, "watch", "--root", str(root)], cwd=REPO, env={**os.environ, **(env or {})}, stdout=self.out, stderr=self.err
        )
        assert self.wait_for(lambda: started in self.said()), self.said()

    def said(self) -> str:
        """Everything it has said on stderr so far."""
        return Path(self.err.name).read_text()

    def wait_for(self, condition: Callable[[], bool], seconds: float = 60.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.process.poll() is not None:
                raise AssertionError(f"docgen watch ended ({self.process.returncode}): {self.said()}")
            time.sleep(0.05)
        return condition()

    def stop(self) -> int:
        """SIGTERM, then its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
