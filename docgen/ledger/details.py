"""What a manifest may not carry (key worker, chair, referral date, the whole record), read from each meeting's source form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docgen.ledger.models import MeetingRow
from docgen.ledger.sources import source_record
from docgen.ledger.store import Ledger
from docgen.root import Layout

__all__ = ["fill_in_from_sources", "fill_in_records"]


def _source_record(root: Path, ledger: Ledger, meeting: MeetingRow) -> dict[str, Any] | None:
    """The record read from ``outbox/<case>/<meeting>/source/NAME``; None when it is gone or cannot be read."""
    folder = Layout(Path(root)).outbox / meeting.case_reference / meeting.folder
    return source_record(folder, ledger.meeting_manifest(meeting.id), ledger.profiles.reading_catalogue())


def fill_in_from_sources(root: Path, ledger: Ledger) -> int:
    """Reads the source form of meetings published without their key worker, chair and referral date; returns how many were read."""
    read = 0
    for meeting in ledger.meetings_without_details():
        record = _source_record(root, ledger, meeting)
        ledger.set_meeting_details(meeting.id, record)
        read += record is not None
    return read


def fill_in_records(root: Path, ledger: Ledger, case_reference: str) -> int:
    """Keeps the records of a case's meetings published before the ledger kept them, read from their source forms."""
    read = 0
    for meeting in ledger.meetings(case_reference):
        if ledger.meeting_record(meeting.id) is None:
            record = _source_record(root, ledger, meeting)
            if record is not None:
                ledger.keep_meeting_record(meeting.id, record)
                read += 1
    return read
