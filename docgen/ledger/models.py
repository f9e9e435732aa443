"""The ledger's rows as plain data: files seen, meetings, visits, what ``docgen due`` lists, and the deadline words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from docgen.deadline_kinds import DeadlineKind

__all__ = [
    "DeadlineKind",
    "DeadlineStatus",
    "DueItem",
    "MeetingRow",
    "SeenFile",
    "Visit",
    "key_worker_name",
    "meeting_details",
    "text_or_none",
]


class DeadlineStatus(StrEnum):
    """Where a deadline stands: still to do, done, ended by a closure, replaced, or (copies) overtaken by a later meeting."""

    OPEN = "open"
    MET = "met"
    CLOSED = "closed"
    RETIRED = "retired"
    SUPERSEDED = "superseded"  # copies never sent before a later meeting of the case was published: never sent now


@dataclass(frozen=True)
class SeenFile:
    """A file the service has handled before, and what came of it."""

    sha256: str
    name: str
    outcome: str  # published, rejected, duplicate, ledger_update
    where: str | None  # what it produced, relative to the root
    at: str
    detail: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SeenFile:
        """The file a ``files`` table row remembers."""
        return cls(sha256=row["sha256"], name=row["name"], outcome=row["outcome"], where=row["where"], at=row["at"], detail=row["detail"])


_MEETING_COLUMNS = (
    "id",
    "case_reference",
    "meeting_date",
    "meeting_type",
    "policy",
    "sha256",
    "folder",
    "key_worker",
    "published_at",
    "superseded_by",
)


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

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> MeetingRow:
        """The meeting a ``meetings`` table row holds."""
        return cls(*(row[name] for name in _MEETING_COLUMNS))


@dataclass(frozen=True)
class Visit:
    """One statutory visit: the child seen, on which date, and whether alone (None: not recorded)."""

    case_reference: str
    child: str
    visit_date: dt.date
    seen_alone: bool | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Visit:
        """The visit a ``visits`` table row holds."""
        return cls(
            row["case_reference"],
            row["child"],
            dt.date.fromisoformat(row["visit_date"]),
            None if row["seen_alone"] is None else bool(row["seen_alone"]),
        )


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


def text_or_none(value: Any) -> str | None:
    """Text with its spaces trimmed, or None when blank or not text."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def key_worker_name(manifest: Mapping[str, Any], record: dict[str, Any] | None) -> str | None:
    """The key worker's name from the record, or from the manifest's ``key_worker`` (text or object)."""
    for source in (record or {}, manifest):
        value = source.get("key_worker")
        if isinstance(value, dict):
            value = value.get("name")
        if text_or_none(value):
            return text_or_none(value)
    return None


def meeting_details(manifest: Mapping[str, Any], record: dict[str, Any] | None) -> dict[str, Any]:
    """What the ledger keeps about a meeting beyond its manifest's deadlines: from the record, else the manifest."""
    meeting, case = (record or {}).get("meeting") or {}, (record or {}).get("case") or {}
    in_manifest, manifest_case, plan = manifest.get("meeting") or {}, manifest.get("case") or {}, manifest.get("plan") or {}
    frequency = meeting.get("visit_frequency_days") or plan.get("visit_frequency_days")
    return {
        "key_worker": key_worker_name(manifest, record),
        "chair_role": meeting.get("chair_role") or in_manifest.get("chair_role"),
        "referral_date": case.get("referral_date") or manifest_case.get("referral_date"),
        "visit_frequency_days": frequency if isinstance(frequency, int) and not isinstance(frequency, bool) and frequency > 0 else None,
        "plan_start_date": case.get("plan_start_date") or plan.get("start_date"),
    }
