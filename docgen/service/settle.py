"""Settling: a drop is read only once it has stopped changing, and a half-copied zip is never rejected as broken."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SettleTracker", "Snapshot", "looks_cut_short"]

_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_ZIP_END_RECORD = b"PK\x05\x06"
_ZIP_END_SEARCH = 22 + 65535 + 20  # end record + longest comment (+ room for a zip64 locator)
_JSON_LARGEST = 5 * 1024 * 1024  # the reader refuses larger JSON anyway
#: what is left where the decoder stopped, when a copy ends part-way through a value (``tr``, ``-``, ``1e``) or after it
_JSON_UNFINISHED_VALUE = re.compile(r"|t(r(u)?)?|f(a(l(s)?)?)?|n(u(l)?)?|-?[0-9]*\.?[0-9]*([eE][+-]?[0-9]*)?")


@dataclass(frozen=True)
class Snapshot:
    """What is known of a file without reading it: size and change times."""

    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, path: Path) -> Snapshot | None:
        """The file's snapshot, or None when it has gone (renamed by its writer, or taken)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    @property
    def last_change(self) -> float:
        """When the file last changed, in epoch seconds.

        ctime counts too: copy tools (Explorer, robocopy, ``cp -p``) give the copy the source's old mtime,
        but on POSIX every write moves ctime, which no tool can set back.
        """
        return max(self.mtime_ns, self.ctime_ns) / 1e9


def looks_cut_short(path: Path) -> bool:
    """True for a zip (a .docx/.xlsx) whose end record is missing, or JSON that stops part-way through a correct
    record: it is still being written, or was truncated."""
    if path.suffix.lower() == ".json":
        return _json_cut_short(path)
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != _ZIP_LOCAL_HEADER:
                return False
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _ZIP_END_SEARCH))
            return _ZIP_END_RECORD not in handle.read()
    except OSError:
        return False


def _json_cut_short(path: Path) -> bool:
    """True for JSON that is a correct start of a record but stops before its end: not for JSON broken anywhere else."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_JSON_LARGEST + 1)
    except OSError:
        return False
    if not data.strip() or len(data) > _JSON_LARGEST:
        return False
    text = data.decode("utf-8-sig", errors="replace").rstrip()
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Unterminated string"):
            return True  # no closing quote before the end
        return bool(_JSON_UNFINISHED_VALUE.fullmatch(text[exc.pos :]))
    except (RecursionError, ValueError):
        return False
    return False


@dataclass
class _Seen:
    snapshot: Snapshot
    unchanged_since: float  # our own clock: when we first saw this snapshot


class SettleTracker:
    """Remembers what each inbox file looked like, to say when it has been unchanged for ``settle_seconds``.

    A file is settled when its own timestamps say it has not changed for ``settle_seconds`` (so files that
    were already complete when the service started are read at once, without waiting), or when docgen has
    itself watched it stay the same that long (so a share whose clock runs ahead cannot hold a file back).
    """

    def __init__(self, settle_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.settle_seconds = settle_seconds
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}

    def observe(self, path: Path) -> Snapshot | None:
        """Records the file's current state; None when it has gone."""
        snapshot = Snapshot.of(path)
        if snapshot is None:
            self._seen.pop(path, None)
            return None
        seen = self._seen.get(path)
        if seen is None or seen.snapshot != snapshot:
            self._seen[path] = _Seen(snapshot, self.clock())
        return snapshot

    def quiet_for(self, path: Path) -> float:
        """How long the file is known to have stayed unchanged, in seconds (observe it first)."""
        seen = self._seen.get(path)
        if seen is None:
            return 0.0
        now = self.clock()
        return max(now - seen.snapshot.last_change, now - seen.unchanged_since)

    def is_settled(self, path: Path) -> bool:
        """True once the file has been unchanged for ``settle_seconds``."""
        return path in self._seen and self.quiet_for(path) >= self.settle_seconds

    def wait_left(self, path: Path) -> float:
        """Seconds until the file would settle if it stays as it is (0 when settled)."""
        return max(0.0, self.settle_seconds - self.quiet_for(path))

    def forget(self, path: Path) -> None:
        """Drops what is known of a file that has been taken or has gone."""
        self._seen.pop(path, None)

    def keep_only(self, paths: Iterable[Path]) -> None:
        """Forgets every file not in ``paths`` (it left the inbox)."""
        keep = set(paths)
        for path in list(self._seen):
            if path not in keep:
                del self._seen[path]
