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

from docgen.root import Layout

__all__ = [
    "STATE_NAME",
    "ServiceState",
    "boot_id",
    "folder_identity",
    "last_state",
    "paused_notice",
    "process_started",
    "read_state",
    "stale_reason",
    "write_state",
]

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
    # who wrote it, beyond the pid (reused after a kill) and host: this boot, the process's start, and the .docgen
    # folder it ran on (a copied root has another), so that a state left by a killed or copied service is known stale
    boot_id: str = field(default_factory=lambda: boot_id())
    started: str = field(default_factory=lambda: process_started(os.getpid()))
    folder: str = ""

    @property
    def paused(self) -> bool:
        """True while intake is paused by a fault of the machine."""
        return self.state == _PAUSED


def boot_id() -> str:
    """This boot of the machine (Linux's random boot id); "" where the system does not say."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def process_started(pid: int) -> str:
    """When process ``pid`` started, in clock ticks since boot (Linux); "" where it cannot be told, or it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = stat[stat.rfind(")") + 2 :].split()  # after the command name, which may hold spaces
    return fields[19] if len(fields) > 19 else ""


def folder_identity(root: Path) -> str:
    """The device and inode of ``root``'s ``.docgen`` folder: the same for this folder however it is reached, new for a copy."""
    try:
        found = Layout(Path(root)).state.stat()
    except OSError:
        return ""
    return f"{found.st_dev}:{found.st_ino}"


def _own_path(root: Path) -> Path:
    return Layout(Path(root)).state / STATE_NAME


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
    state.folder = state.folder or folder_identity(root)
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
                # a state written before these were kept says nothing of them: "" (unknown), never this reader's own
                known: dict[str, object] = {"boot_id": "", "started": "", "folder": "", **data}
                return ServiceState(**{k: v for k, v in known.items() if k in ServiceState.__dataclass_fields__})  # type: ignore[arg-type]
            return None
    except OSError:
        return None
    return None


def stale_reason(state: ServiceState, root: Path) -> str | None:
    """Why a state saying "running" or "paused" does not describe a service running on ``root`` now; None when it does.

    The pid alone is not enough: after a kill -9 another process may have it, a copied root carries the state of the
    service running on the original, and a state written on another machine cannot be checked from here.
    """
    if state.host != socket.gethostname():
        return f"the state was written by docgen on {state.host}, which cannot be checked from this machine"
    if state.boot_id and state.boot_id != boot_id():
        return "the machine has restarted since the service wrote its state"
    if state.folder and state.folder != folder_identity(root):
        return "the state was copied here with the folder: no service runs on this copy"
    try:
        os.kill(state.pid, 0)
    except ProcessLookupError:
        return f"process {state.pid} that wrote the state has ended (stopped or killed)"
    except PermissionError:
        pass  # alive, under another account
    if state.started and process_started(state.pid) not in (state.started, ""):
        return f"process {state.pid} that wrote the state has ended, and another process now has its number"
    return None


def last_state(root: Path) -> ServiceState | None:
    """The newest state any service wrote for ``root``, live or not; None when none ever did."""
    own = _own_path(root)
    try:
        owner: int | None = own.parent.stat().st_uid
    except OSError:
        owner = None
    found = [s for s in (_load(own, None), _load(_spare_path(root), owner)) if s is not None]
    return max(found, key=lambda s: s.written) if found else None


def read_state(root: Path) -> ServiceState | None:
    """The state of the service running on ``root``; None when none is running there."""
    newest = last_state(root)
    if newest is None:
        return None
    return newest if newest.state in (_RUNNING, _PAUSED) and stale_reason(newest, root) is None else None


def paused_notice(root: Path) -> str | None:
    """One line for people while the service on ``root`` is paused by a fault of the machine; None otherwise."""
    state = read_state(root)
    if state is None or not state.paused:
        return None
    since = state.since[11:16] if len(state.since) >= 16 else state.since
    return f"docgen is paused (since {since} UTC) and is not taking new forms: {state.message}"
