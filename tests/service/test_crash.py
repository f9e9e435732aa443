"""Kill -9 at every stage, restart, and count every file: published exactly once or rejected with reports, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.ledger import Ledger
from docgen.service import Layout
from docgen.service.faults import FAULT_ENV
from tests.service.conftest import Drop, all_files

REPO = Path(__file__).resolve().parents[2]
FOLDER = "outbox/CIN-2026-0412/2026-12-17-initial"
PUBLISH_STAGES = [
    "after-claim",
    "after-build",
    "after-move-source",
    "after-publish",
    "before-manifest",
    "after-manifest",
    "before-ledger",
    "after-ledger",
]
REJECT_STAGES = ["after-claim", "after-reports", "after-reject", "after-ledger"]


def _run(root: Path, fault: str | None = None, workers: int = 1) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run(
        [sys.executable, "-m", "tests.service.fakes", str(root), str(workers)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _crash_then_restart(root: Path, stage: str) -> dict[str, int]:
    crashed = _run(root, stage)
    assert crashed.returncode == -9, crashed.stderr  # it really died at that stage
    restarted = _run(root)
    assert restarted.returncode == 0, restarted.stderr
    return dict(json.loads(restarted.stdout.strip().splitlines()[-1]))


def _nothing_in_hand(layout: Layout) -> None:
    assert list(layout.work.iterdir()) == [] and list(layout.tmp.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("stage", PUBLISH_STAGES)
def test_a_crash_while_publishing_loses_nothing(layout: Layout, drop: Drop, stage: str) -> None:
    drop("form.json")
    _crash_then_restart(layout.root, stage)
    assert all_files(layout.root) == [
        f"{FOLDER}/manifest.json",
        f"{FOLDER}/meeting-record.docx",
        f"{FOLDER}/plan-C1.docx",
        f"{FOLDER}/plan-C2.docx",
        f"{FOLDER}/source/form.json",
    ]
    manifest = json.loads((layout.root / FOLDER / "manifest.json").read_text())
    assert [d["path"] for d in manifest["documents"]][-1] == "source/form.json"
    with Ledger.open(layout.root) as ledger:
        seen = ledger.file_seen(manifest["source"]["sha256"])
        assert seen is not None and seen.outcome == "published"
        assert ledger.meeting_for("CIN-2026-0412", "2026-12-17", "initial") is not None
    _nothing_in_hand(layout)


@pytest.mark.slow
@pytest.mark.parametrize("stage", REJECT_STAGES)
def test_a_crash_while_rejecting_loses_nothing(layout: Layout, drop: Drop, stage: str) -> None:
    drop("bad.json", meeting__chair_role="community_support_worker")
    _crash_then_restart(layout.root, stage)
    assert all_files(layout.root) == [
        "inbox/rejected/bad.json",
        "inbox/rejected/bad.json.errors.json",
        "inbox/rejected/bad.json.errors.txt",
    ]
    report = json.loads((layout.rejected / "bad.json.errors.json").read_text())
    assert report["errors"][0]["field"] == "meeting.chair_role"
    _nothing_in_hand(layout)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["after-move-source", "after-supersede", "after-publish", "after-manifest", "before-ledger"])
def test_a_crash_during_an_amendment_keeps_both_versions(layout: Layout, drop: Drop, stage: str) -> None:
    drop("first.json")
    assert _run(layout.root).returncode == 0
    first = json.loads((layout.root / FOLDER / "manifest.json").read_text())
    drop("second.json", meeting__venue="Civic Centre")
    _crash_then_restart(layout.root, stage)
    folder = layout.root / FOLDER
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["source"]["name"] == "second.json"
    assert manifest["supersedes"]["sha256"] == first["source"]["sha256"]
    kept = folder / manifest["supersedes"]["path"]
    assert json.loads((kept / "manifest.json").read_text()) == first
    files = all_files(layout.root)
    assert [f for f in files if f.endswith(("first.json", "second.json"))] == [
        f"{FOLDER}/source/second.json",
        f"{FOLDER}/{manifest['supersedes']['path']}source/first.json",
    ]
    assert len([f for f in files if f.endswith("manifest.json")]) == 2
    _nothing_in_hand(layout)


@pytest.mark.slow
def test_killing_the_whole_service_again_and_again_never_puts_a_form_aside(layout: Layout, drop: Drop) -> None:
    drop("form.json")
    for _ in range(4):  # more kills than the attempts a form that kills its worker is allowed
        assert _run(layout.root, "after-build").returncode == -9
    counts = json.loads(_run(layout.root).stdout.strip().splitlines()[-1])
    assert counts == {"published": 1}, "a kill of the service is not the form's fault"
    assert not (layout.rejected / "form.json").exists()
    _nothing_in_hand(layout)


def test_leftovers_without_a_journal_go_back_to_the_inbox_and_are_processed(layout: Layout) -> None:
    from tests.conftest import clean_initial
    from tests.service.fakes import run_once

    stray_build = layout.tmp / "0000-orphan" / "source"
    stray_build.mkdir(parents=True)
    (stray_build / "orphan.json").write_text(json.dumps(clean_initial()))
    (layout.tmp / "0000-orphan" / "plan-C1.docx").write_text("half-built")
    stray_claim = layout.work / "0001-no-journal"
    stray_claim.mkdir(parents=True)
    (stray_claim / "bad.json").write_text("{not json")
    log = run_once(layout.root)
    assert log.counts == {"published": 1, "rejected": 1}
    assert (layout.root / FOLDER / "source" / "orphan.json").is_file()
    assert (layout.rejected / "bad.json.errors.txt").is_file()
    _nothing_in_hand(layout)


@pytest.mark.slow
def test_a_crash_with_workers_busy_loses_nothing_and_leaves_the_root_free(layout: Layout, drop: Drop) -> None:
    from tests.conftest import clean_initial

    for n in range(5):
        record = clean_initial()
        record["case"]["reference"] = f"CIN-{n}"
        drop(f"form-{n}.json", record=record)
    assert _run(layout.root, "after-move-source", workers=2).returncode == -9
    restarted = _run(layout.root, workers=2)  # at once: workers of the killed run must not hold the lock
    assert restarted.returncode == 0, restarted.stderr
    files = all_files(layout.root)
    assert sorted(f for f in files if "/source/" in f) == [f"outbox/CIN-{n}/2026-12-17-initial/source/form-{n}.json" for n in range(5)]
    assert len([f for f in files if f.endswith("manifest.json")]) == 5
    _nothing_in_hand(layout)
