"""A fast stand-in for the plan-pack renderer and helpers to drive the service from tests (and from crash-test subprocesses)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from docgen.deadlines import meeting_deadlines
from docgen.profiles import Profile
from docgen.schema import Catalogue
from docgen.service import Service
from docgen.service.form_log import FormLog
from docgen.settings.service import Settings
from docgen.validation import Report

FAIL_ON_CASE = "CIN-FAULTY"  # a case reference that makes the fake builder fail as a docgen bug would
KILL_ON_CASE = "CIN-KILLER"  # ... and one that kills the process building it, as running out of memory would


def fake_build_pack(
    record: dict[str, Any],
    report: Report,
    profile: Profile,
    out_dir: Path,
    *,
    source: dict[str, Any],
    pdf: bool = False,
    settings: Settings | None = None,
    earlier: list[dict[str, Any]] | None = None,
    fields: Catalogue | None = None,
) -> dict[str, Any]:
    """Writes one small file per child plan and the meeting record, and returns a manifest shaped as the real one."""
    if record["case"]["reference"] == FAIL_ON_CASE:
        raise RuntimeError("template exploded")
    if record["case"]["reference"] == KILL_ON_CASE:
        os._exit(137)
    documents = []
    for child in record["children"]:
        (out_dir / f"plan-{child['id']}.docx").write_text(f"plan for {child['first_name']}\n", encoding="utf-8")
        documents.append({"path": f"plan-{child['id']}.docx", "kind": "plan", "child": child["id"]})
    (out_dir / "meeting-record.docx").write_text("record\n", encoding="utf-8")
    documents.append({"path": "meeting-record.docx", "kind": "meeting_record", "child": None})
    meeting = record["meeting"]
    return {
        "manifest_version": 1,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "generator": "docgen test",
        "source": dict(source),
        "policy": report.policy,
        "case_reference": record["case"]["reference"],
        "meeting": {"type": meeting["type"], "date": meeting["date"], "folder": f"{meeting['date']}-{meeting['type']}"},
        "warnings": [w.to_json() for w in report.warnings],
        "documents": documents,
        "deadlines": [d.to_json() for d in meeting_deadlines(record, profile)],
        "distribution": [],
    }


def settings_for_tests(**changes: Any) -> Settings:
    """Settings that read files at once (they are complete when a test drops them)."""
    base = {"settle_seconds": 0.0, "workers": 1, "pdf": False}
    base.update(changes)
    return Settings(**base)


def run_once(root: Path, settings: Settings | None = None, **kwargs: Any) -> FormLog:
    """One ``run --once`` over ``root`` with the fake renderer; returns the log (its counts say what happened)."""
    form_log = kwargs.pop("form_log", None) or FormLog(out=open(os.devnull, "w"), err=open(os.devnull, "w"))  # noqa: SIM115
    with Service(root, settings or settings_for_tests(), builder=fake_build_pack, form_log=form_log, **kwargs) as service:
        service.run_once()
    return form_log


if __name__ == "__main__":  # the crash tests run this in a subprocess: python -m tests.service.fakes ROOT [WORKERS]
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    log = run_once(Path(sys.argv[1]), settings_for_tests(workers=workers), form_log=FormLog(progress=False))
    print(json.dumps(dict(log.counts)))
