"""Manifests for ledger tests, built the way the service builds them: deadlines from ``meeting_deadlines``."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from docgen.deadlines import meeting_deadlines
from docgen.record import child_name, receives_copy
from tests.shipped import load_profile

RECORD = Path(__file__).parent.parent / "records" / "initial-two-children.json"


def base_record() -> dict[str, Any]:
    """The two-child initial meeting for case CIN-2026-0412 (Leo receives a copy too)."""
    record: dict[str, Any] = json.loads(RECORD.read_text(encoding="utf-8"))
    del record["children"][1]["receives_copy"]
    return record


def meeting(record: dict[str, Any], kind: str, date: str, *, next_review: str | None = None, **meeting_fields: Any) -> dict[str, Any]:
    """A copy of ``record`` as a meeting of ``kind`` on ``date``."""
    out = copy.deepcopy(record)
    out["meeting"].update({"type": kind, "date": date, **meeting_fields})
    if next_review:
        out["meeting"]["next_review_date"] = next_review
    elif kind == "closure":
        out["meeting"].pop("next_review_date", None)
        out["decision"] = {"outcome": "close", "rationale": "Objectives met."}
    return out


def distribution(record: dict[str, Any], copies_due: str) -> list[dict[str, Any]]:
    """One row per recipient per document, as the distribution list has them."""
    rows: list[dict[str, Any]] = []
    for child in record["children"]:
        if receives_copy(child):
            rows.append(
                _row(child_name(child), "child", f"plan-{child['id']}.docx", child["id"], child.get("delivery", "hand"), copies_due)
            )
    for person in record.get("participants", []):
        if not receives_copy(person):
            continue
        for child in record["children"]:
            rows.append(
                _row(person["name"], person["role"], f"plan-{child['id']}.docx", child["id"], person.get("delivery", "post"), copies_due)
            )
    return rows


def _row(recipient: str, role: str, document: str, child: str, delivery: str, due: str) -> dict[str, Any]:
    return {
        "recipient": recipient,
        "role": role,
        "relationship": "",
        "agency": "",
        "document": document,
        "delivery": delivery,
        "email": "",
        "address": "",
        "due": due,
        "child": child,
    }


def manifest(record: dict[str, Any], *, generated_at: str | None = None, warnings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The manifest the service would publish for ``record``."""
    profile = load_profile(record.get("policy"))
    deadlines = [d.to_json() for d in meeting_deadlines(record, profile)]
    copies_due = next(d["date"] for d in deadlines if d["kind"] == "copies_due")
    source = json.dumps(record, sort_keys=True).encode()
    date, kind = record["meeting"]["date"], record["meeting"]["type"]
    return {
        "manifest_version": 1,
        "generated_at": generated_at or f"{date}T17:00:00+00:00",
        "generator": "docgen test",
        "source": {"name": f"{date}-{kind}.json", "sha256": hashlib.sha256(source).hexdigest()},
        "policy": profile.id,
        "case_reference": record["case"]["reference"],
        "key_worker": record["key_worker"]["name"],
        "meeting": {"type": kind, "date": date, "folder": f"{date}-{kind}"},
        "warnings": warnings or [],
        "documents": [{"path": f"plan-{c['id']}.docx", "kind": "plan", "child": c["id"]} for c in record["children"]],
        "deadlines": deadlines,
        "distribution": distribution(record, copies_due),
    }


def write_distribution(
    path: Path, manifest_: dict[str, Any], sent: dict[str, str] | None = None, *, names: dict[str, str] | None = None
) -> Path:
    """A distribution.xlsx as staff see it (header row 1, an Excel table), with ``sent`` dates by recipient filled in."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.table import Table

    from docgen.ledger.workbooks import DISTRIBUTION_HEADERS

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Distribution"
    sheet.append(list(DISTRIBUTION_HEADERS))
    for row in manifest_["distribution"]:
        when = (sent or {}).get(row["recipient"])
        sheet.append(
            [
                row["recipient"],
                row["role"],
                row["relationship"],
                row["agency"],
                row["document"],
                row["child"],
                row["delivery"],
                row["email"],
                row["address"],
                dt.date.fromisoformat(row["due"]),
                (dt.date.fromisoformat(when) if "-" in when else when) if when else None,
                "Admin Team" if when else None,
            ]
        )
    sheet.add_table(Table(displayName="Distribution", ref=f"A1:L{sheet.max_row}"))
    for index, (name, value) in enumerate((names or {}).items()):
        cell = f"Z{index + 1}"
        sheet[cell] = value
        workbook.defined_names[name] = DefinedName(name, attr_text=f"Distribution!${cell[0]}${cell[1:]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
