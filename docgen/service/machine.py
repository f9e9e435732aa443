"""What went wrong with a form in hand, decided in one place: the form's fault, the machine's, or a bug in docgen.

Only the form's fault rejects a form. The machine's — a full disk or quota, a read-only or vanished
file system, a permission missing on docgen's own folders, read or write errors, a ledger full or
locked, a converter gone — holds the form and pauses the service, with one line naming the cause and
the fix. A bug in docgen is reported as one (the form kept beside a report saying so).
"""

from __future__ import annotations

import contextlib
import enum
import errno
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docgen import errors
from docgen.errors import FormError, MachineFaultError
from docgen.root import Layout

__all__ = ["Blame", "as_machine_fault", "blame", "describe", "low_space", "machine_fault", "quiet_unraisable", "say"]


class Blame(enum.Enum):
    """Whose fault it was."""

    FORM = "form"  # rejected with a report
    MACHINE = "machine"  # held: the form goes back, the service pauses and carries on by itself
    BUG = "bug"  # reported as a fault in docgen itself


_FULL = {errno.ENOSPC}
_QUOTA = {errno.EDQUOT}
_READ_ONLY = {errno.EROFS}
_IO = {errno.EIO}
_DENIED = {errno.EACCES, errno.EPERM}
#: a network share that dropped answers with these rather than "no such file"
_UNREACHABLE = {errno.ESTALE, errno.ENOTCONN, errno.EHOSTDOWN, errno.EHOSTUNREACH, errno.ENODEV, errno.ENXIO}

_SQLITE_CAUSES = (
    ("SQLITE_FULL", "disk_full"),
    ("SQLITE_BUSY", "ledger_busy"),
    ("SQLITE_LOCKED", "ledger_busy"),
    ("SQLITE_READONLY", "read_only"),
    ("SQLITE_IOERR", "io"),
    ("SQLITE_CANTOPEN", "ledger_cantopen"),
)
_SQLITE_WORDS = (
    ("disk is full", "disk_full"),
    ("is locked", "ledger_busy"),
    ("is busy", "ledger_busy"),
    ("readonly database", "read_only"),
    ("disk i/o error", "io"),
    ("unable to open database", "ledger_cantopen"),
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what caused it, nearest first."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)


def _marked(exc: BaseException) -> bool:
    """Marked by its raiser as a fault of the machine (a converter that cannot run, say)."""
    unavailable = getattr(errors, "ConverterUnavailableError", None)
    return bool(getattr(exc, "machine_fault", False)) or (isinstance(unavailable, type) and isinstance(exc, unavailable))


def _sqlite_cause(exc: sqlite3.Error) -> str | None:
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, cause in _SQLITE_CAUSES:
        if name.startswith(prefix):
            return cause
    text = str(exc).lower()
    return next((cause for words, cause in _SQLITE_WORDS if words in text), None)


def _under(path: object, folder: Path) -> bool:
    if not isinstance(path, (str, bytes, os.PathLike)):
        return False
    try:
        return Path(os.fsdecode(path)).resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return False


def _os_cause(exc: OSError, layout: Layout) -> str | None:
    code = exc.errno
    if code in _FULL:
        return "disk_full"
    if code in _QUOTA:
        return "quota"
    if code in _READ_ONLY:
        return "read_only"
    if code in _IO:
        return "io"
    if code in _UNREACHABLE:
        return "gone"
    if code == errno.ENOENT and not (layout.root.is_dir() and layout.inbox.is_dir()):
        return "gone"  # else a file that is simply not there: a bug, not the machine
    if code in _DENIED and (exc.filename is None or _under(exc.filename, layout.root)):
        return "permission"
    return None


def machine_fault(exc: BaseException, layout: Layout) -> MachineFaultError | None:
    """``exc`` (or what caused it) as a fault of the machine, in words; None when the machine is not to blame."""
    for link in _chain(exc):
        if isinstance(link, MachineFaultError):
            return link
        if _marked(link):
            return MachineFaultError("converter", str(link) or "The PDF converter stopped", "")
        cause: str | None = None
        if isinstance(link, OSError):
            cause = _os_cause(link, layout)
        elif isinstance(link, sqlite3.Error):
            cause = _sqlite_cause(link)
            if cause == "ledger_cantopen" and not (layout.root.is_dir() and layout.inbox.is_dir()):
                cause = "gone"
        if cause is not None:
            return describe(cause, layout, getattr(link, "filename", None))
    return None


@contextlib.contextmanager
def as_machine_fault(layout: Layout) -> Iterator[None]:
    """Turns a fault of the machine raised inside into ``MachineFaultError``; anything else passes through as it was."""
    try:
        yield
    except MachineFaultError:
        raise
    except Exception as exc:
        fault = machine_fault(exc, layout)
        if fault is None:
            raise
        raise fault from exc


def blame(exc: BaseException, layout: Layout) -> Blame:
    """Whose fault ``exc`` is: the machine's before the form's (an unreadable file on a failing disk is not a bad form)."""
    if machine_fault(exc, layout) is not None:
        return Blame.MACHINE
    if isinstance(exc, FormError):
        return Blame.FORM
    return Blame.BUG


#: what is wrong (``{root}``, ``{inbox}``, ``{ledger}``, ``{where}`` filled in) and what to do, by cause
_WORDS = {
    "disk_full": ("The disk holding {root} is full", "free some space"),
    "quota": ("docgen's account has used up its disk quota on {root}", "free some space or ask for a larger quota"),
    "read_only": ("The file system holding {root} is read-only", "make it writable again"),
    "io": ("The disk holding {root} reports read or write errors", "ask whoever looks after it to check it"),
    "ledger_busy": ("The ledger {ledger} is locked by another program (a backup?)", "let it finish"),
    "ledger_cantopen": ("The ledger {ledger} cannot be opened", "check that the account that runs docgen may write to its folder"),
    "permission": ("docgen may not write to {where}", "give the account that runs docgen write access to it"),
    "root_gone": ("The folder {root} cannot be reached (a network share dropped?)", "reconnect it"),
    "gone": ("The inbox {inbox} has gone (a network share dropped?)", "reconnect it or create the folder again"),
}


def describe(cause: str, layout: Layout, filename: object = None) -> MachineFaultError:
    """The one line for a cause: what is wrong, then what to do."""
    where = os.fsdecode(filename) if isinstance(filename, (str, bytes, os.PathLike)) else str(layout.root)
    words = "root_gone" if cause == "gone" and not layout.root.is_dir() else cause
    problem, fix = _WORDS[words]
    fields = {"root": layout.root, "inbox": layout.inbox, "ledger": layout.state / "ledger.sqlite3", "where": where}
    return MachineFaultError(cause, problem.format(**fields), fix)


def low_space(layout: Layout, free: int, margin: int) -> MachineFaultError:
    """The line for a root whose free space is below the margin kept in hand."""
    return MachineFaultError(
        "low_space",
        f"The disk holding {layout.root} is nearly full ({_mb(free)} free; docgen keeps {_mb(margin)} in hand)",
        "free some space",
    )


def say(fault: MachineFaultError, *, watching: bool) -> str:
    """The line a person reads: cause and fix, then what docgen does about it."""
    if watching:
        return f"{fault}; docgen carries on by itself"
    return f"{fault}, then run docgen again; no form was rejected and the rest wait in the inbox"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def quiet_unraisable() -> None:
    """A file that a full or failing disk stops from closing in a library's clean-up (``__del__``) is logged, not shown as a traceback."""
    default = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        if isinstance(exc, OSError) and exc.errno in _FULL | _QUOTA | _READ_ONLY | _IO | _UNREACHABLE:
            logging.getLogger("docgen.service").debug("a file could not be closed: %s", exc)
            return
        default(unraisable)

    sys.unraisablehook = hook
