"""``docgen backup``'s work: a consistent copy of a root's ``.docgen`` folder, taken while ``watch`` and ``serve`` run.

The ledger is copied with SQLite's online backup (a snapshot no writer can tear, whatever is in its ``-wal`` file),
into one self-contained file; the accounts, the session key, the audit log and the other small files are copied as
they stand. Each file keeps its name, so restoring is copying them back into ``.docgen/`` with docgen stopped.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import LedgerError
from docgen.root import Layout

__all__ = ["BackedUp", "back_up"]

LEDGER_NAME = "ledger.sqlite3"
#: what the service keeps only while it runs (locks, its state, work in hand): nothing to restore
_RUNTIME = frozenset({"lock", "state.json", "send.lock", "rebuild.lock", "templates-checked"})


@dataclass(frozen=True)
class BackedUp:
    """The files written into the backup folder, by name."""

    folder: Path
    names: tuple[str, ...]


def _copy_ledger(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        live = sqlite3.connect(source, timeout=30.0)
        try:
            copy = sqlite3.connect(partial)
            try:
                live.backup(copy)  # SQLite's online backup: restarts by itself if a writer changes a page it copied
                copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
                copy.commit()
            finally:
                copy.close()
        finally:
            live.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise LedgerError(f"The ledger {source} could not be backed up ({exc}): check the disk and try again.") from exc
    os.chmod(partial, 0o600)
    os.replace(partial, target)


def back_up(root: Path, to: Path) -> BackedUp:
    """Copies the ledger (online) and every other file docgen keeps in ``root/.docgen`` into ``to`` (made if missing)."""
    state = Layout(Path(root)).state
    if not state.is_dir():
        raise LedgerError(f"There is nothing to back up: {state} does not exist (docgen has not run on {root}).")
    to = Path(to)
    to.mkdir(mode=0o700, parents=True, exist_ok=True)
    names = []
    if (state / LEDGER_NAME).is_file():
        _copy_ledger(state / LEDGER_NAME, to / LEDGER_NAME)
        names.append(LEDGER_NAME)
    for path in sorted(state.iterdir()):
        name = path.name
        if name in _RUNTIME or name.startswith((LEDGER_NAME, "ledger.", ".")) or not path.is_file() or path.is_symlink():
            continue
        partial = to / f".{name}.partial"
        shutil.copyfile(path, partial)  # the audit log is only appended to: a copy is every entry up to now
        os.chmod(partial, 0o600)  # accounts, session key and audit log stay owner-only in the backup too
        os.replace(partial, to / name)
        names.append(name)
    return BackedUp(to, tuple(names))
