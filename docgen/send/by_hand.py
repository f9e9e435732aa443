"""Copies posted or handed over (``docgen sent``): checked against the case, recorded or corrected, and audited.

A date that could not have happened (before the meeting, after today) is refused; a new date for a copy
already recorded replaces the old one in the ledger and ``distribution.xlsx`` and the audit log keeps both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from docgen.audit import AuditLog
from docgen.errors import DocgenError
from docgen.ledger.store import Ledger
from docgen.root import Layout
from docgen.send.sent_dates import SentChange, record_sent
from docgen.send.workbook import is_open_in_excel
from docgen.typed_dates import sent_date_problem

__all__ = ["HandRecord", "SentRefused", "record_by_hand"]


class SentRefused(DocgenError):
    """Nothing was recorded: the message says why (no such meeting or recipient, a date that could not be, Excel has the list)."""


@dataclass(frozen=True)
class HandRecord:
    """What ``record_by_hand`` did: the meeting, the recipient as the list names them, the copies changed, whether the workbook was written."""

    folder: str
    recipient: str
    changes: list[SentChange]
    written: bool


def record_by_hand(root: Path, ledger: Ledger, case: str, recipient: str, day: dt.date, folder: str | None, who: str) -> HandRecord:
    """Records (or corrects) ``recipient``'s copies of the case's meeting (its latest, or ``folder``) as sent on ``day``.

    Raises ``SentRefused`` and records nothing when the meeting or recipient is unknown, the date could not have
    happened, or a correction would leave ``distribution.xlsx`` (open in Excel) holding the old date.
    """
    meetings = [m for m in ledger.meetings(case) if m.superseded_by is None and (folder is None or m.folder == folder)]
    if not meetings:
        raise SentRefused(f"no published meeting {folder or ''} for case {case}: check the reference".replace("  ", " "))
    meeting = max(meetings, key=lambda m: (m.meeting_date, m.id))
    copies = ledger.copies(meeting.id)
    names = {c["recipient"].strip().lower(): c["recipient"] for c in copies}
    if recipient.strip().lower() not in names:
        known = ", ".join(sorted(set(names.values())))
        raise SentRefused(f"{recipient} is not on the distribution list of {case} {meeting.folder} (it lists {known})")
    problem = sent_date_problem(day, dt.date.fromisoformat(meeting.meeting_date))
    if problem:
        raise SentRefused(f"nothing recorded. {problem}")
    name = names[recipient.strip().lower()]
    workbook = Layout(root).outbox / case / meeting.folder / "distribution.xlsx"
    recorded = [c["sent_date"] for c in copies if c["recipient"] == name and c["sent_date"]]
    if any(date != day.isoformat() for date in recorded) and is_open_in_excel(workbook):
        # a correction must reach the workbook too, or reading the workbook back would bring the old date back
        raise SentRefused(f"nothing changed. {workbook} is open in Excel: close it, then run docgen sent again to correct the date.")
    changes, written = record_sent(root, ledger, case, meeting.folder, name, day, "docgen sent", correct=True)
    audit = AuditLog(root)
    for change in changes:
        before = change.before.isoformat() if change.before else "none"
        action = "sent_date_corrected" if change.before else "copy_sent"
        audit.record(who, action, f"{case} {meeting.folder}: {change.document} to {name}: sent date {before} -> {day.isoformat()}")
    return HandRecord(meeting.folder, name, changes, written)
