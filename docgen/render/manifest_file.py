"""``manifest.json``: the machine-readable summary of one published meeting, written last and atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from docgen.deadlines import Deadline
from docgen.manifest import DistributionRow, DocumentEntry, Manifest
from docgen.record import Record, get
from docgen.validation import Report

__all__ = ["MANIFEST_NAME", "MANIFEST_VERSION", "build_manifest", "generator", "meeting_folder", "write_manifest"]

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def generator() -> str:
    """``docgen <version>``."""
    try:
        return f"docgen {metadata.version('docgen')}"
    except metadata.PackageNotFoundError:
        return "docgen (not installed)"


def meeting_folder(record: Record) -> str:
    """``2026-12-17-initial``: the meeting's folder under ``outbox/<case reference>/``."""
    return f"{get(record, 'meeting.date')}-{get(record, 'meeting.type')}"


def build_manifest(
    record: Record,
    report: Report,
    *,
    source: Mapping[str, Any],
    documents: list[DocumentEntry],
    deadlines: list[Deadline],
    distribution: list[DistributionRow],
    generated_at: dt.datetime,
) -> Manifest:
    """Every key DESIGN.md lists (``source``, ``policy``, ``case_reference``, ``meeting``, ``warnings``, ``documents``,
    ``deadlines``, ``distribution``) plus the generator, the time and the children's ids.

    A review's or closure's ``previous_meeting`` and ``scaling_history`` are added by the caller, after these."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "generator": generator(),
        "source": {"name": source.get("name"), "sha256": source.get("sha256")},
        "policy": report.policy,
        "case_reference": get(record, "case.reference"),
        "meeting": {"type": get(record, "meeting.type"), "date": get(record, "meeting.date"), "folder": meeting_folder(record)},
        # what the ledger counts each child's visits and the 6 month point from
        "plan": {"start_date": get(record, "case.plan_start_date"), "visit_frequency_days": get(record, "meeting.visit_frequency_days")},
        "key_worker": {
            "name": get(record, "key_worker.name"),
            "role": get(record, "key_worker.role"),
            "email": get(record, "key_worker.email"),
            "phone": get(record, "key_worker.phone"),
        },
        "children": [c.get("id") for c in record.get("children", [])],
        "warnings": [{"rule": w.rule, "field": w.field, "message": w.message, "section": w.section, "fix": w.fix} for w in report.warnings],
        "documents": documents,
        "deadlines": [d.to_json() for d in deadlines],
        "distribution": distribution,
    }


def write_manifest(out_dir: Path, manifest: Manifest, *, mode: int = 0o640) -> Path:
    """Writes ``out_dir/manifest.json`` atomically: a temporary file in the same folder, flushed to disk, then renamed."""
    target = Path(out_dir) / MANIFEST_NAME
    handle, temp_name = tempfile.mkstemp(prefix=".manifest-", suffix=".tmp", dir=out_dir)
    try:
        os.fchmod(handle, mode)  # mkstemp makes 0600; the manifest is read like the documents beside it
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(manifest, stream, indent=2, ensure_ascii=False)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target
