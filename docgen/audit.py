"""The audit log: every sign-in, case viewed, file downloaded, upload and change (from the web app or a command such as
``docgen sent``), appended to ``.docgen/audit.log``.

One JSON object per line (``time``, ``user``, ``action``, ``what``, ``address``, ``outcome``). The file is only ever
opened for appending and is readable by its owner alone; a data protection officer reads it on the admins' page.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections import deque
from pathlib import Path
from typing import Any

__all__ = ["AUDIT_PATH", "AuditLog"]

AUDIT_PATH = Path(".docgen") / "audit.log"


class AuditLog:
    """Appends entries to a root's audit log and reads the latest back."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / AUDIT_PATH
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
            handle = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(handle, line)
            finally:
                os.close(handle)

    def latest(self, count: int = 500) -> list[dict[str, Any]]:
        """The last ``count`` entries, newest first."""
        if not self.path.is_file():
            return []
        with open(self.path, encoding="utf-8") as stream:
            lines = deque(stream, maxlen=count)
        return [json.loads(line) for line in reversed(lines) if line.strip()]
