"""A published meeting stored in the ledger: its row, its deadlines, its record, and the versions it amends."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from docgen.ledger.deadline_rows import reconcile, store_deadlines
from docgen.ledger.models import meeting_details, text_or_none
from docgen.manifest import Manifest
from docgen.profiles import Profiles

__all__ = ["keep_record", "published_fact", "store_file", "store_meeting"]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def store_meeting(
    db: sqlite3.Connection, manifest: Manifest, record: dict[str, Any] | None, published_at: str | None, profiles: Profiles
) -> bool:
    """Stores a published meeting (inside the caller's transaction); True when it was new to the ledger, False for a retry."""
    case = str(manifest["case_reference"])
    meeting = manifest["meeting"]
    date, kind = str(meeting["date"]), str(meeting["type"])
    sha = str(manifest["source"]["sha256"])
    folder = str(meeting.get("folder") or f"{date}-{kind}")
    at = published_at or text_or_none(manifest.get("generated_at")) or _now()
    details = meeting_details(manifest, record)
    same = db.execute(
        "SELECT id, superseded_by FROM meetings WHERE case_reference = ? AND meeting_date = ? AND meeting_type = ? AND sha256 = ?",
        (case, date, kind, sha),
    ).fetchone()
    if same is not None:
        meeting_id = int(same["id"])
        if same["superseded_by"] is None:
            keep_record(db, meeting_id, record)
            return False  # already stored: a retry after a crash
    else:
        meeting_id = int(
            db.execute(
                "INSERT INTO meetings (case_reference, meeting_date, meeting_type, policy, sha256, folder, key_worker, chair_role, "
                "referral_date, visit_frequency_days, plan_start_date, published_at, manifest, details_checked) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    case,
                    date,
                    kind,
                    str(manifest.get("policy") or "standard"),
                    sha,
                    folder,
                    details["key_worker"],
                    details["chair_role"],
                    details["referral_date"],
                    details["visit_frequency_days"],
                    details["plan_start_date"],
                    at,
                    json.dumps(manifest, sort_keys=True),
                    int(record is not None),
                ),
            ).lastrowid
            or 0
        )
        store_deadlines(db, meeting_id, case, manifest)
    keep_record(db, meeting_id, record)
    # This version is now current; earlier versions of the same meeting are amended by it.
    db.execute("UPDATE meetings SET superseded_by = NULL WHERE id = ?", (meeting_id,))
    db.execute(
        "UPDATE meetings SET superseded_by = ? WHERE case_reference = ? AND meeting_date = ? AND meeting_type = ? AND id != ?",
        (meeting_id, case, date, kind, meeting_id),
    )
    reconcile(db, case, profiles)
    return same is None


def published_fact(manifest: Manifest, record: dict[str, Any] | None) -> dict[str, Any]:
    """The journal's note of a published meeting: where its manifest is, which version, and the record it was made from.

    The record is the form's answers as docgen read them: kept here, the ledger is rebuilt without reading every Word
    and Excel form again (a fifth of a second each).
    """
    meeting = manifest["meeting"]
    folder = str(meeting.get("folder") or f"{meeting['date']}-{meeting['type']}")
    return {
        "case_reference": manifest["case_reference"],
        "folder": folder,
        "meeting_date": str(meeting["date"]),
        "meeting_type": str(meeting["type"]),
        "sha256": manifest["source"]["sha256"],
        "source": manifest["source"].get("name"),
        "record": record,
    }


def keep_record(db: sqlite3.Connection, meeting_id: int, record: dict[str, Any] | None) -> None:
    """Keeps the meeting's canonical record, unless the ledger already has one for it."""
    if record:
        db.execute(
            "INSERT OR IGNORE INTO meeting_records (meeting_id, record) VALUES (?, ?)", (meeting_id, json.dumps(record, ensure_ascii=False))
        )


def store_file(db: sqlite3.Connection, *, sha256: str, name: str, outcome: str, where: str | None, detail: str | None = None) -> None:
    """Remembers a file's content and outcome; a duplicate drop never overwrites the original's entry."""
    if outcome == "duplicate" and db.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone():
        return
    db.execute(
        'INSERT INTO files (sha256, name, outcome, "where", detail, at) VALUES (?, ?, ?, ?, ?, ?) '
        'ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, outcome = excluded.outcome, "where" = excluded."where", '
        "detail = excluded.detail, at = excluded.at",
        (sha256, name, outcome, where, detail, _now()),
    )
