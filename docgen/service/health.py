"""Seeing a fault coming: free space on the root against the margin docgen keeps in hand, and folders it can write."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass

from docgen.errors import MachineFaultError
from docgen.root import Layout
from docgen.service.machine import as_machine_fault, describe, low_space
from docgen.settings.service import Settings

__all__ = ["DiskSpace", "check_machine", "check_space", "disk_space", "still_faulty"]

_ALL_BUT_FULL = 64 * 1024  # bytes: not room for a journal and a report, let alone a plan


@dataclass(frozen=True)
class DiskSpace:
    """The root's file system: its size, what docgen may still use, and the margin kept in hand."""

    total: int
    free: int
    margin: int

    @property
    def low(self) -> bool:
        """True when less is free than the margin (and, whatever the margin, when the disk is all but full)."""
        return self.free < max(self.margin, _ALL_BUT_FULL)


def disk_space(layout: Layout, settings: Settings) -> DiskSpace | None:
    """The root's free space; None when it cannot be told (the root has gone)."""
    try:
        usage = shutil.disk_usage(layout.root)
    except OSError:
        return None
    # the margin: the setting, but never more than a tenth of the disk, so that a small disk is still used
    margin = int(min(settings.min_free_mb * 1_000_000, usage.total / 10))
    return DiskSpace(usage.total, usage.free, margin)


def check_space(layout: Layout, settings: Settings) -> None:
    """Raises ``MachineFaultError`` when the root is gone or its free space is below the margin: no form is claimed then."""
    space = disk_space(layout, settings)
    if space is None:
        raise describe("gone", layout)
    if space.free < _ALL_BUT_FULL:
        raise describe("disk_full", layout)
    if space.low:
        raise low_space(layout, space.free, space.margin)


def check_machine(layout: Layout, settings: Settings) -> None:
    """Raises ``MachineFaultError`` while the root or inbox is gone, space is short, or docgen's folder cannot be written."""
    if not layout.root.is_dir() or not layout.inbox.is_dir():
        raise describe("gone", layout)
    check_space(layout, settings)
    probe = layout.state / f".docgen-probe-{os.getpid()}-{secrets.token_hex(3)}"
    with as_machine_fault(layout):
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"docgen")
                os.fsync(fd)
            finally:
                os.close(fd)
        finally:
            probe.unlink(missing_ok=True)


def still_faulty(layout: Layout, settings: Settings) -> MachineFaultError | None:
    """The fault that still holds the service, or None once the machine looks right again."""
    try:
        check_machine(layout, settings)
    except MachineFaultError as fault:
        return fault
    return None
