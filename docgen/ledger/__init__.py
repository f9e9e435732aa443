"""The deadline ledger: what was published, what is due, what was sent and which visits happened.

``Ledger`` is the SQLite store the inbox service writes to; ``docgen due`` and ``docgen report`` read it.
Edited distribution lists and visit logs come back through ``docgen.ledger.workbooks``.
"""

from __future__ import annotations

from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.models import DeadlineKind, DeadlineStatus, DueItem, MeetingRow, SeenFile, Visit
from docgen.ledger.store import Ledger, LedgerError

__all__ = [
    "LEDGER_PATH",
    "DeadlineKind",
    "DeadlineStatus",
    "DueItem",
    "Ledger",
    "LedgerError",
    "MeetingRow",
    "SeenFile",
    "Visit",
]
