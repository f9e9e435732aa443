"""The service's state for other programs (``docgen due``, ``docgen status``, the web app): running, or paused and why.

The service keeps ``.docgen/state.json`` at a fixed size and rewrites it in place, so that saying "paused"
needs no new room on a full disk. Where even that fails (a read-only file system) it writes a copy in the
machine's temporary folder instead; readers take the newer of the two, and only from a live service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["STATE_NAME", "ServiceState", "paused_notice", "read_state", "write_state"]

STATE_NAME = "state.json"
_SIZE = 4096  # bytes: the file is padded to this and rewritten in place
_RUNNING, _PAUSED = "running", "paused"


@dataclass
class ServiceState:
    """What a running service says about itself."""

    state: str  # "running", "paused" or "stopped"
    since: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    cause: str = ""  # the machine fault's code while paused (disk_full, read_only, gone, ...)
    message: str = ""  # its line: cause and fix
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)
    written: float = field(default_factory=time.time)

    @property
    def paused(self) -> bool:
        """True while intake is paused by a fault of the machine."""
        return self.state == _PAUSED


def _own_path(root: Path) -> Path:
    return Path(root) / ".docgen" / STATE_NAME


def _spare_path(root: Path) -> Path:
    digest = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"docgen-{digest}-{STATE_NAME}"


def _write_in_place(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        os.pwrite(fd, data, 0)
    finally:
        os.close(fd)


def write_state(root: Path, state: ServiceState) -> None:
    """Records the service's state; never raises (a state that cannot be written must not stop the service)."""
    data = json.dumps(asdict(state), ensure_ascii=False).encode("utf-8")
    data = data[:_SIZE] + b" " * max(0, _SIZE - len(data))
    own = _own_path(root)
    try:
        _write_in_place(own, data)
    except OSError:
        try:
            _write_in_place(_spare_path(root), data)
        except OSError:
            return
        return
    _spare_path(root).unlink(missing_ok=True)  # the spare is stale once the real one could be written


def _load(path: Path, owner: int | None) -> ServiceState | None:
    try:
        if owner is not None and path.stat().st_uid not in (owner, 0):
            return None  # a spare in the shared temporary folder written by someone else: not trusted
        for _ in range(3):  # a read racing an in-place write sees a torn file: read again
            try:
                data = json.loads(path.read_bytes().decode("utf-8").strip() or "null")
            except (ValueError, UnicodeDecodeError):
                time.sleep(0.01)
                continue
            if isinstance(data, dict):
                return ServiceState(**{k: v for k, v in data.items() if k in ServiceState.__dataclass_fields__})
            return None
    except OSError:
        return None
    return None


def _alive(state: ServiceState) -> bool:
    if state.host != socket.gethostname():
        return True  # a service on another machine: its own word is all there is
    try:
        os.kill(state.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, under another account
    return True


def read_state(root: Path) -> ServiceState | None:
    """The state of the service running on ``root``; None when none is running there."""
    own = _own_path(root)
    try:
        owner: int | None = own.parent.stat().st_uid
    except OSError:
        owner = None
    found = [s for s in (_load(own, None), _load(_spare_path(root), owner)) if s is not None]
    if not found:
        return None
    newest = max(found, key=lambda s: s.written)
    return newest if newest.state in (_RUNNING, _PAUSED) and _alive(newest) else None


def paused_notice(root: Path) -> str | None:
    """One line for people while the service on ``root`` is paused by a fault of the machine; None otherwise."""
    state = read_state(root)
    if state is None or not state.paused:
        return None
    since = state.since[11:16] if len(state.since) >= 16 else state.since
    return f"docgen is paused (since {since} UTC) and is not taking new forms: {state.message}"
