"""Looking at the inbox: which drops are settled and ready, which must wait, and for how long."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

from docgen.service.filters import Disposition, InboxFilter
from docgen.service.settle import SettleTracker, looks_cut_short

__all__ = ["Scan", "scan_inbox"]


@dataclass
class Scan:
    """What the inbox holds right now."""

    ready: list[Path] = field(default_factory=list)  # settled: to be claimed
    held: list[Path] = field(default_factory=list)  # settled but cut short: waiting for the rest of the copy
    changing: list[Path] = field(default_factory=list)  # not settled yet: still being copied, perhaps
    settle_in: float | None = None  # seconds until the next unsettled file may settle
    held_until: float | None = None  # seconds until the first cut-short file is given up on


def scan_inbox(inbox: Path, accepts: InboxFilter, tracker: SettleTracker, give_up_after: float) -> Scan:
    """The top level of ``inbox``, oldest drop first; a settled zip still cut short is held until ``give_up_after`` seconds of quiet.

    An inbox that has gone raises ``FileNotFoundError`` (a share dropped: the caller pauses, it never recreates it).
    """
    scan = Scan()
    if not inbox.is_dir():
        raise FileNotFoundError(errno.ENOENT, "the inbox has gone", str(inbox))
    entries = [p for p in inbox.iterdir() if accepts(p) is not Disposition.IGNORE]
    files = [p for p in entries if p.is_file() and not p.is_symlink()]  # links could point anywhere: not ours
    tracker.keep_only(files)
    stamped: list[tuple[float, str, Path]] = []
    for path in files:
        snapshot = tracker.observe(path)
        if snapshot is None:
            continue
        if not tracker.is_settled(path):
            scan.changing.append(path)
            scan.settle_in = min(scan.settle_in or 1e9, tracker.wait_left(path))
            continue
        if looks_cut_short(path) and tracker.quiet_for(path) < give_up_after:
            scan.held.append(path)
            scan.held_until = min(scan.held_until or 1e9, give_up_after - tracker.quiet_for(path))
            continue
        stamped.append((snapshot.last_change, path.name, path))
    scan.ready = [path for *_, path in sorted(stamped)]  # oldest drop first: amendments publish in drop order
    return scan
