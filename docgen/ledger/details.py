"""Details a manifest may not carry (key worker, chair, referral date), read once from each meeting's source form."""

from __future__ import annotations

from pathlib import Path

from docgen.errors import FormError
from docgen.ledger.store import Ledger
from docgen.record import clean

__all__ = ["fill_in_from_sources"]


def fill_in_from_sources(root: Path, ledger: Ledger) -> int:
    """Reads ``outbox/<case>/<meeting>/source/NAME`` for meetings published without these details; returns how many were read."""
    read = 0
    for meeting in ledger.meetings_without_details():
        manifest = ledger.meeting_manifest(meeting.id)
        sources = [d["path"] for d in manifest.get("documents") or [] if d.get("kind") == "source" and d.get("path")]
        name = (manifest.get("source") or {}).get("name")
        candidates = [*sources, f"source/{name}"] if name else sources
        folder = Path(root) / "outbox" / meeting.case_reference / meeting.folder
        record = None
        for relative in candidates:
            path = folder / relative
            if not path.is_file():
                continue
            from docgen.forms import read_form  # only needed for old or partial manifests

            try:
                record = clean(read_form(path).record)
            except (FormError, OSError, ValueError):
                record = None
            break
        ledger.set_meeting_details(meeting.id, record)
        read += record is not None
    return read
