"""``docgen watch``: the service kept running, woken by file-system events, with a periodic rescan as a safety net."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docgen.errors import MachineFaultError
from docgen.service.machine import as_machine_fault
from docgen.service.pause import Backoff, family, pause
from docgen.service.service import Service
from docgen.service.state import ServiceState, write_state

__all__ = ["NETWORK_FS_TYPES", "filesystem_type", "is_network_share", "start_observer", "watch"]

log = logging.getLogger("docgen.service")

#: file systems whose change notifications do not reach this machine (changes made by other clients are missed)
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "davfs",
        "fuse.sshfs",
        "fuse.davfs2",
        "fuse.rclone",
        "vboxsf",
        "virtiofs",
        "prl_fs",
    }
)

ObserverFactory = Callable[[str], Any]


class _StopNoise(logging.Filter):
    """Drops watchdog's complaint that its emitter was asked for events while stopping: a race of its own, harmless."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


def filesystem_type(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The file-system type of the mount holding ``path`` (Linux: from /proc/mounts); None where unknown."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    real = os.path.realpath(path)
    best, best_type = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (real == point or real.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, best_type = point, parts[2]
    return best_type


def is_network_share(path: Path, mounts: Path = Path("/proc/mounts")) -> bool:
    """True when ``path`` is on a network file system, where native change events cannot be trusted."""
    kind = filesystem_type(path, mounts)
    return kind is not None and (kind in NETWORK_FS_TYPES or kind.startswith("nfs"))


def _native(poll_seconds: float) -> Any:
    from watchdog.observers import Observer

    return Observer()


def _polling(poll_seconds: float) -> Any:
    from watchdog.observers.polling import PollingObserver

    return PollingObserver(timeout=poll_seconds)


class _Wake:
    """A watchdog event handler that only wakes the service loop: the loop itself looks at the inbox."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def dispatch(self, event: Any) -> None:
        """Called by watchdog on any change in the inbox."""
        self.event.set()


def start_observer(
    inbox: Path,
    setting: str,
    poll_seconds: float,
    wake: threading.Event,
    *,
    native: Callable[[float], Any] = _native,
    polling: Callable[[float], Any] = _polling,
    network: Callable[[Path], bool] = is_network_share,
) -> tuple[Any, str]:
    """Starts watching ``inbox``: the native observer, or polling when set, on a network share, or where native fails."""
    kind = setting
    if kind == "auto":
        kind = "polling" if network(inbox) else "native"
    if kind == "native":
        try:
            observer = native(poll_seconds)
            observer.schedule(_Wake(wake), str(inbox), recursive=False)
            observer.start()
            return observer, "native"
        except OSError as exc:  # inotify watch limit reached, or no native API here
            log.warning("native file events are unavailable (%s): polling the inbox instead", exc)
            kind = "polling"
    observer = polling(poll_seconds)
    observer.schedule(_Wake(wake), str(inbox), recursive=False)
    observer.start()
    return observer, "polling"


def watch(
    service: Service,
    *,
    native: Callable[[float], Any] = _native,
    polling: Callable[[float], Any] = _polling,
    network: Callable[[Path], bool] = is_network_share,
) -> None:
    """Processes the inbox now and on every change until ``service.stop()``; the forms in hand are always finished first.

    A fault of the machine pauses intake (said once), is looked at again with back-off, and intake resumes by
    itself once it clears, watching the inbox afresh (a share that came back is a new folder to watch).
    """
    settings = service.settings
    wake = service.wake
    service.rest()  # forked workers must not inherit the ledger's descriptors
    service.start_workers()
    service.start_converters(wait=True)
    observer: _Watching | None = None
    with contextlib.suppress(MachineFaultError):  # an inbox already gone: the loop below pauses for it
        observer = _Watching.start(service, native, polling, network)
    write_state(service.root, ServiceState("running"))
    backoff = Backoff(settings.retry_seconds, settings.retry_max_seconds)
    last_resumed: tuple[str, float] | None = None  # the cause of the last pause, and when intake resumed from it
    try:
        held_logged: set[Path] = set()
        while not service.stopping.is_set():
            try:
                if observer is None or observer.inbox_replaced():
                    _stop(observer)
                    observer = _Watching.start(service, native, polling, network)
                service.process_pending()
                wake.clear()
                scan = service.scan()
                if scan.ready:
                    service.process(scan.ready)
                    continue
            except MachineFaultError as fault:
                _stop(observer)
                observer = None
                service.rest()
                # the same fault straight back after resuming: not said again, and the back-off keeps growing
                again = last_resumed is not None and last_resumed[0] == family(fault) and time.monotonic() - last_resumed[1] < 60
                if not again:
                    backoff = Backoff(settings.retry_seconds, settings.retry_max_seconds)
                if pause(fault, service.resume, service.stopping.wait, service.log, service.root, backoff, quiet=again):
                    last_resumed = (family(fault), time.monotonic())
                continue
            for path in set(scan.held) - held_logged:
                service.log.event(f"{path.name} is not complete yet (still being copied?): waiting for the rest", name=path.name)
            held_logged = set(scan.held)
            waits = [settings.rescan_seconds] + [w for w in (scan.settle_in, scan.held_until) if w is not None]
            service.rest()
            wake.wait(max(0.01, min(waits) + 0.005))
    finally:
        _stop(observer)
        write_state(service.root, ServiceState("stopped"))
        service.log.event("stopped")


class _Watching:
    """The observer on the inbox, and which folder it watches (a folder deleted and made again is another one)."""

    def __init__(self, observer: Any, inbox: Path, identity: tuple[int, int]) -> None:
        self.observer, self.inbox, self.identity = observer, inbox, identity

    @classmethod
    def start(
        cls, service: Service, native: Callable[[float], Any], polling: Callable[[float], Any], network: Callable[[Path], bool]
    ) -> _Watching:
        """Starts watching the service's inbox (said in the log)."""
        settings, inbox = service.settings, service.layout.inbox
        with as_machine_fault(service.layout):
            identity = _identity(inbox)
            if identity is None:
                raise FileNotFoundError(errno.ENOENT, "the inbox has gone", str(inbox))
            observer, kind = start_observer(
                inbox, settings.observer, settings.poll_seconds, service.wake, native=native, polling=polling, network=network
            )
        service.log.event(f"watching {inbox} ({kind} events, rescan every {settings.rescan_seconds:g}s)", observer=kind)
        return cls(observer, inbox, identity)

    def inbox_replaced(self) -> bool:
        """True when the inbox is no longer the folder being watched (removed and made again, a share remounted)."""
        return _identity(self.inbox) != self.identity


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _stop(watching: _Watching | None) -> None:
    if watching is None:
        return
    quiet = _StopNoise()
    logging.getLogger("watchdog.observers.inotify").addFilter(quiet)
    try:
        watching.observer.stop()
        watching.observer.join(timeout=5)
    except Exception as exc:  # an observer whose folder vanished under it may fail even to stop
        log.debug("stopping the observer: %s", exc)
    finally:
        logging.getLogger("watchdog.observers.inotify").removeFilter(quiet)
