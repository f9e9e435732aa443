"""Fault injection for the fault tests: ``DOCGEN_FAULT=<stage>`` kills the process outright at that stage, and
``DOCGEN_FILL_DISK=<stage>:<file>`` fills the disk holding ``<file>`` there (once per process), as a disk filling
up part-way through a form would."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

__all__ = ["FAULT_ENV", "FILL_ENV", "STAGES", "crash_point", "fill_disk"]

FAULT_ENV = "DOCGEN_FAULT"
FILL_ENV = "DOCGEN_FILL_DISK"

#: every point at which a crash must lose nothing, in the order a form passes them
STAGES = (
    "after-claim",
    "before-render",
    "after-build",
    "after-move-source",
    "after-supersede",
    "after-publish",
    "before-manifest",
    "after-manifest",
    "before-ledger",
    "after-ledger",
    "before-reports",
    "after-reports",
    "after-reject",
)

_filled: set[str] = set()


def crash_point(stage: str) -> None:
    """Dies by SIGKILL (no clean-up, no finally blocks) when ``DOCGEN_FAULT`` names ``stage``; fills the disk when ``DOCGEN_FILL_DISK`` does."""
    if os.environ.get(FAULT_ENV) == stage:
        os.kill(os.getpid(), signal.SIGKILL)
    wanted, _, filler = os.environ.get(FILL_ENV, "").partition(":")
    if wanted == stage and filler and stage not in _filled:
        _filled.add(stage)
        fill_disk(Path(filler))


def fill_disk(filler: Path) -> None:
    """Writes ``filler`` until its file system has no byte left."""
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            chunk = b"\0" * size
            while True:
                try:
                    os.write(fd, chunk)
                except OSError as exc:
                    if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                        raise
                    break
    finally:
        os.close(fd)
