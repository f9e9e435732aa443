"""The ledger's rows as plain data: files seen, meetings, visits, what ``docgen due`` lists, and the deadline words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["DeadlineKind", "DeadlineStatus", "DueItem", "MeetingRow", "SeenFile", "Visit"]


class DeadlineKind(StrEnum):
    """What a deadline asks for, in the procedure's words (the ``kind`` of ``docgen due``)."""

    RECORD_DUE = "record_due"
    COPIES_DUE = "copies_due"
    NEXT_REVIEW = "next_review"
    VISIT = "visit"
    PRINCIPAL_MANAGER_REVIEW = "principal_manager_review"
    DIVISIONAL_MANAGER_REVIEW = "divisional_manager_review"
    SAFEGUARDING = "safeguarding"


class DeadlineStatus(StrEnum):
    """Where a deadline stands: still to do, done, ended by a closure, or replaced."""

    OPEN = "open"
    MET = "met"
    CLOSED = "closed"
    RETIRED = "retired"


@dataclass(frozen=True)
class SeenFile:
    """A file the service has handled before, and what came of it."""

    sha256: str
    name: str
    outcome: str  # published, rejected, duplicate, ledger_update
    where: str | None  # what it produced, relative to the root
    at: str
    detail: str | None = None


@dataclass(frozen=True)
class MeetingRow:
    """A published meeting (the current version of its case, date and type)."""

    id: int
    case_reference: str
    meeting_date: str
    meeting_type: str
    policy: str
    sha256: str
    folder: str
    key_worker: str | None
    published_at: str
    superseded_by: int | None


@dataclass(frozen=True)
class Visit:
    """One statutory visit: the child seen, on which date, and whether alone (None: not recorded)."""

    case_reference: str
    child: str
    visit_date: dt.date
    seen_alone: bool | None = None


@dataclass(frozen=True)
class DueItem:
    """An open deadline as ``docgen due`` shows it."""

    case_reference: str
    kind: str
    date: dt.date
    status: str  # overdue or upcoming
    days_late: int
    meeting: str
    section: str
    description: str
    key_worker: str | None = None
    child: str | None = None
    recipient: str | None = None
    document: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The object ``docgen due --json`` prints; ``child`` and ``recipient`` only where they apply."""
        out: dict[str, Any] = {
            "case_reference": self.case_reference,
            "kind": str(self.kind),
            "date": self.date.isoformat(),
            "status": self.status,
            "days_late": self.days_late,
            "meeting": self.meeting,
            "section": self.section,
            "description": self.description,
            "key_worker": self.key_worker,
        }
        for key in ("child", "recipient", "document"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out
