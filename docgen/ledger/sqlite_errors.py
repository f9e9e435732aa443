"""SQLite's errors at the ledger's boundary, turned into ``LedgerError``s that say what happened and what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docgen.errors import LedgerError

__all__ = ["ledger_error"]

#: (SQLite's result-code name prefix, words said when it is met) — the first that matches wins
_WORDS = (
    ("SQLITE_FULL", "cannot be written: the disk holding it is full. Free some space and try again"),
    ("SQLITE_BUSY", "is locked by another program (a backup, or a second reader) that held it too long. Let it finish and try again"),
    ("SQLITE_LOCKED", "is locked by another program (a backup, or a second reader) that held it too long. Let it finish and try again"),
    (
        "SQLITE_READONLY",
        "cannot be written: its file system is read-only, or this account may not write it. Make it writable and try again",
    ),
    ("SQLITE_IOERR", "cannot be read or written (the disk reports errors). Ask whoever looks after the disk to check it"),
    ("SQLITE_CANTOPEN", "cannot be opened: its folder has gone or may not be written. Check the folder and try again"),
    ("SQLITE_CORRUPT", "is damaged. Restore it from the backup"),
    ("SQLITE_NOTADB", "is not a ledger (the file was replaced). Restore it from the backup"),
)


def ledger_error(exc: sqlite3.Error, path: Path) -> LedgerError | None:
    """``exc`` as a ``LedgerError`` naming ``path`` and a fix; None for a mistake in docgen's own SQL (a bug, to surface as one)."""
    if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    words = next((words for prefix, words in _WORDS if name.startswith(prefix)), None)
    if words is None:
        if not isinstance(exc, sqlite3.OperationalError):
            return None
        words = f"could not be used ({exc}). Try again; if it persists, restore the ledger from the backup"
    return LedgerError(f"The ledger {path} {words}.")
