"""Opening a root's ledger to read from: profiles checked, details filled in from source forms, sent dates read in."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.details import fill_in_from_sources
from docgen.ledger.distribution_lists import sync_sent_dates
from docgen.ledger.rebuild import missing_ledger_note
from docgen.ledger.store import Ledger
from docgen.profiles import profiles_in

__all__ = ["open_for_reading"]


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr)


def open_for_reading(root: Path, note: Callable[[str], None] = _to_stderr) -> Ledger | None:
    """The root's ledger with the outbox's sent dates read in; None where nothing was ever published."""
    profiles_in(root).check_every()  # a broken council profile is a settings error here, not a wrong deadline later
    missing_ledger_note(root)
    if not (root / LEDGER_PATH).is_file():
        return None
    ledger = Ledger.open(root)
    fill_in_from_sources(root, ledger)
    for problem in sync_sent_dates(root, ledger).problems:
        note(f"Note: {problem}")  # staff see why a sent date was not read in; the ledger still opens
    return ledger
