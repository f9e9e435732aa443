"""Sent dates: a copy sent (by email, post or hand) meets its recipient's ``copies_due`` in the ledger and shows in
the meeting's ``distribution.xlsx``; while Excel has the workbook open, the update waits in ``PENDING_WORKBOOKS``."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen.ledger.send_journal import SEND_LOCK_NAME
from docgen.ledger.store import Ledger
from docgen.root import STATE_DIR, Layout, write_atomically
from docgen.send.workbook import write_sent_dates

__all__ = [
    "PENDING_WORKBOOKS",
    "SEND_LOCK",
    "SentChange",
    "flush_pending_workbooks",
    "mark_carried_in_ledger",
    "mark_in_ledger",
    "record_sent",
    "send_lock",
    "update_workbook",
]

SEND_LOCK = Path(STATE_DIR) / SEND_LOCK_NAME
#: meetings (``case/folder``) whose distribution.xlsx was open in Excel when a sent date was to go in
PENDING_WORKBOOKS = Path(STATE_DIR) / "distribution-pending.txt"


@contextlib.contextmanager
def send_lock(root: Path) -> Iterator[None]:
    """One sender per root at a time (``docgen send`` and ``watch``'s sender wait for each other)."""
    path = root / SEND_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # Windows: one sender is the operator's to ensure
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class SentChange:
    """One copy whose sent date changed: its document, the date it had (None: none recorded) and the date it has now."""

    recipient: str
    document: str
    before: dt.date | None
    after: dt.date


def record_sent(
    root: Path, ledger: Ledger, case: str, folder: str, recipient: str, day: dt.date, by: str, *, correct: bool = False
) -> tuple[list[SentChange], bool]:
    """Records ``recipient``'s copies of one meeting as sent on ``day``: where no date is recorded yet, or every one if ``correct``.

    The ledger always; ``distribution.xlsx`` too unless it is open in Excel. Returns the copies changed and
    whether the workbook was written (False: it is remembered, and written by the next ``docgen send`` or ``docgen sent``).
    """
    changes = mark_in_ledger(ledger, case, folder, recipient, day, by, correct=correct)
    corrected = [(c.recipient, c.document) for c in changes if c.before is not None]
    return changes, update_workbook(root, ledger, case, folder, corrected)


def mark_in_ledger(
    ledger: Ledger, case: str, folder: str, recipient: str, day: dt.date, by: str, *, correct: bool = False
) -> list[SentChange]:
    """``recipient``'s copies of the meeting are sent on ``day`` (their ``copies_due`` met); a recorded date is replaced only if ``correct``."""
    meeting = ledger.meeting_by_folder(case, folder)
    if meeting is None:
        return []  # superseded or never published through this ledger: nothing left to record
    key = recipient.strip().lower()
    mine = [c for c in ledger.copies(meeting.id) if c["recipient"].strip().lower() == key]
    changes = [
        SentChange(c["recipient"], c["document"], dt.date.fromisoformat(c["sent_date"]) if c["sent_date"] else None, day)
        for c in mine
        if not c["sent_date"] or (correct and c["sent_date"] != day.isoformat())
    ]
    if changes:
        ledger.mark_copies_sent(meeting.id, [(c.recipient, c.document, day, by) for c in changes])
    return changes


def mark_carried_in_ledger(ledger: Ledger, case: str, folder: str, carries: Iterable[tuple[str, str]], day: dt.date, by: str) -> None:
    """The ``(recipient, document)`` copies an accepted message carried are sent on ``day``, where no date is recorded yet.

    Only those: a copy counts as sent when a message carrying that very document was accepted.
    """
    meeting = ledger.meeting_by_folder(case, folder)
    if meeting is None:
        return
    wanted = {(r.strip().lower(), d) for r, d in carries}
    unsent = [c for c in ledger.copies(meeting.id) if (c["recipient"].strip().lower(), c["document"]) in wanted and not c["sent_date"]]
    if unsent:
        ledger.mark_copies_sent(meeting.id, [(c["recipient"], c["document"], day, by) for c in unsent])


def update_workbook(root: Path, ledger: Ledger, case: str, folder: str, corrected: list[tuple[str, str]] | None = None) -> bool:
    """Every sent date the ledger has for the meeting goes into the blank cells of its ``distribution.xlsx`` (and the ``corrected`` rows).

    While the workbook is open in Excel it is left alone and remembered in ``PENDING_WORKBOOKS``; returns False then.
    """
    meeting = ledger.meeting_by_folder(case, folder)
    if meeting is None:
        return True
    dates = [
        (c["recipient"], c["document"], dt.date.fromisoformat(c["sent_date"]), c["sent_by"] or "")
        for c in ledger.copies(meeting.id)
        if c["sent_date"]
    ]
    if write_sent_dates(Layout(root).outbox / case / folder / "distribution.xlsx", dates, corrected or ()) is not False:
        return True
    pending = _pending(root)
    if f"{case}/{folder}" not in pending:
        _write_pending(root, [*pending, f"{case}/{folder}"])
    return False


def _pending(root: Path) -> list[str]:
    path = root / PENDING_WORKBOOKS
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.is_file() else []


def _write_pending(root: Path, meetings: list[str]) -> None:
    write_atomically(root / PENDING_WORKBOOKS, "".join(f"{m}\n" for m in meetings).encode("utf-8"), 0o600)


def _case_and_folder(meeting: str) -> tuple[str, str]:
    case, _, folder = meeting.partition("/")
    return case, folder


def flush_pending_workbooks(root: Path, ledger: Ledger) -> None:
    """Writes the sent dates that waited while a ``distribution.xlsx`` was open in Excel (call under the send lock)."""
    waiting = _pending(root)
    if waiting:
        _write_pending(root, [m for m in waiting if not update_workbook(root, ledger, *_case_and_folder(m))])
