"""The audit log: every sign-in, case viewed, file downloaded, upload and change (from the web app or a command such as
``docgen sent``), appended to ``.docgen/audit.log``.

One JSON object per line (``time``, ``user``, ``action``, ``what``, ``address``, ``outcome``). The file is only ever
opened for appending and is readable by its owner alone; a data protection officer reads it on the admins' page.

Rotation keeps it append-only: once it passes ``ROTATE_BYTES`` it is renamed, whole, to ``audit.log.<UTC time>`` (never
copied and truncated, never overwritten, never deleted by docgen) and a new ``audit.log`` is begun. Closed files can be
made immutable (``chattr +i``) or moved to the council's archive; each process takes a lock on the file while it
appends or rotates, so no entry is lost between two writers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections import deque
from pathlib import Path
from typing import Any

from docgen.file_modes import AUDIT_FILE
from docgen.root import STATE_DIR

__all__ = ["AUDIT_PATH", "ROTATE_BYTES", "AuditLog"]

AUDIT_PATH = Path(STATE_DIR) / AUDIT_FILE
#: the size at which the audit log is closed and a new one begun (about 50,000 entries)
ROTATE_BYTES = 10_000_000


class AuditLog:
    """Appends entries to a root's audit log and reads the latest back."""

    def __init__(self, root: Path, rotate_bytes: int = ROTATE_BYTES) -> None:
        self.path = Path(root) / AUDIT_PATH
        self.rotate_bytes = rotate_bytes
        self._lock = threading.Lock()

    def record(self, user: str | None, action: str, what: str = "", address: str | None = None, outcome: str = "ok") -> None:
        """Appends one entry; each is a single write, so entries from several threads never interleave."""
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "user": user or "",
            "action": action,
            "what": what,
            "address": address or "",
            "outcome": outcome,
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            handle = self._open_locked()
            try:
                if os.fstat(handle).st_size >= self.rotate_bytes:
                    self._rotate()
                    os.close(handle)
                    handle = self._open_locked()
                os.write(handle, line)
            finally:
                os.close(handle)

    def _open_locked(self) -> int:
        """The current log, opened for appending and locked against other processes (the lock goes with the descriptor)."""
        while True:
            handle = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                import fcntl
            except ImportError:  # Windows: one writer (the web app) in practice
                return handle
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                if os.stat(self.path).st_ino == os.fstat(handle).st_ino:
                    return handle
            except FileNotFoundError:
                pass
            os.close(handle)  # another process rotated it while this one waited: open the new one

    def _rotate(self) -> None:
        """Renames the full log to ``audit.log.<UTC time>`` (under the lock: no other writer rotates meanwhile); a name taken is never reused."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        target = self.path.with_name(f"{self.path.name}.{stamp}")
        attempt = 0
        while target.exists():
            attempt += 1
            target = self.path.with_name(f"{self.path.name}.{stamp}-{attempt}")
        os.rename(self.path, target)

    def latest(self, count: int = 500) -> list[dict[str, Any]]:
        """The last ``count`` entries, newest first."""
        if not self.path.is_file():
            return []
        with open(self.path, encoding="utf-8") as stream:
            lines = deque(stream, maxlen=count)
        return [json.loads(line) for line in reversed(lines) if line.strip()]
