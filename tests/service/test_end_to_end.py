"""The real ``docgen run --once`` and ``docgen watch`` in subprocesses, with the real readers and renderer."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.service.faults import FAULT_ENV
from docgen.service.lock import RootLock
from tests.forms.hostile.corpus import CORPUS, build_corpus
from tests.service.conftest import all_files

REPO = Path(__file__).resolve().parents[2]
DOCGEN = [sys.executable, "-m", "docgen"]
EXAMPLES = sorted(p for p in (REPO / "examples").glob("*/*") if p.suffix in (".docx", ".xlsx"))

pytestmark = pytest.mark.slow


def _root(tmp_path: Path, settings: str = "") -> Path:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "docgen.toml").write_text('policy = "standard"\npdf = false\n' + settings)
    return tmp_path


def _docgen(*args: str, fault: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run([*DOCGEN, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def _wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_examples_and_every_hostile_file_in_one_run(tmp_path: Path) -> None:
    root = _root(tmp_path, "workers = 2\nsettle_seconds = 0.2\nincomplete_after_seconds = 0\n")
    for example in EXAMPLES:
        shutil.copy(example, root / "inbox" / example.name)
    build_corpus(root / "inbox")
    done = _docgen("run", "--once", "--root", str(root), "--json-log")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    outcomes = {line["name"]: line["outcome"] for line in lines if "name" in line and "outcome" in line}
    assert outcomes == {**{p.name: "published" for p in EXAMPLES}, **{case.name: "rejected" for case in CORPUS}}
    for case in CORPUS:
        report = json.loads((root / "inbox/rejected" / f"{case.name}.errors.json").read_text())
        assert report["errors"][0]["rule"] == case.error.kind, case.name
        assert case.says in report["errors"][0]["message"], case.name
        assert len(report["source"]["sha256"]) == 64
    manifests = sorted(root.glob("outbox/*/*/manifest.json"))
    assert sorted(json.loads(m.read_text())["source"]["name"] for m in manifests) == sorted(p.name for p in EXAMPLES)
    for manifest_path in manifests:
        manifest = json.loads(manifest_path.read_text())
        listed = sorted(d["path"] for d in manifest["documents"])
        on_disk = sorted(
            p.relative_to(manifest_path.parent).as_posix()
            for p in manifest_path.parent.rglob("*")
            if p.is_file() and p.name != "manifest.json"
        )
        assert listed == on_disk  # every document listed, nothing unlisted
    files = all_files(root)
    assert len([f for f in files if f.startswith("inbox/rejected/") and not f.endswith((".errors.txt", ".errors.json"))]) == len(CORPUS)
    assert [f for f in files if f.startswith((".docgen/work", ".docgen/tmp"))] == []
    assert [f for f in files if f.startswith("inbox/") and not f.startswith("inbox/rejected/")] == []


@pytest.mark.parametrize("stage", ["after-move-source", "before-manifest"])
def test_killed_mid_publish_with_the_real_renderer_then_finished(tmp_path: Path, stage: str) -> None:
    root = _root(tmp_path, "settle_seconds = 0\n")
    example = REPO / "examples/standard/initial-jones.docx"
    shutil.copy(example, root / "inbox" / example.name)
    assert _docgen("run", "--once", "--root", str(root), fault=stage).returncode == -signal.SIGKILL
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0
    folder = root / "outbox/CIN-2026-0412/2026-12-17-initial"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert sorted(d["path"] for d in manifest["documents"]) == sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"
    )
    assert (folder / "source" / example.name).read_bytes() == example.read_bytes()
    assert [f for f in all_files(root) if not f.startswith("outbox/")] == ["docgen.toml"]


def test_a_second_instance_is_refused_with_exit_3(tmp_path: Path) -> None:
    root = _root(tmp_path)
    (root / ".docgen").mkdir()
    with RootLock(root / ".docgen" / "lock"):
        done = _docgen("run", "--once", "--root", str(root))
    assert done.returncode == 3
    assert f"is already working on {root}: only one may run per folder" in done.stderr


def test_bad_settings_and_usage_exit_2(tmp_path: Path) -> None:
    root = _root(tmp_path, "workers = 'many'\n")
    done = _docgen("run", "--once", "--root", str(root))
    assert (done.returncode, done.stderr.strip()) == (2, "docgen: In docgen.toml, workers must be a whole number, not 'many'.")
    assert _docgen("run", "--root", str(root)).returncode == 2  # run without --once
    (root / "docgen.toml").write_text("")
    done = _docgen("run", "--once", "--root", str(root), "--policy", "atlantis")
    assert done.returncode == 2 and "atlantis" in done.stderr


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ('policy = "atlantis"', "policy must be one of south-gloucestershire, standard, not 'atlantis'"),
        ("settle_seconds = -1", "settle_seconds must not be negative"),
    ],
)
def test_a_setting_no_form_could_be_processed_with_exits_2_before_anything_moves(tmp_path: Path, setting: str, says: str) -> None:
    root = _root(tmp_path)
    (root / "docgen.toml").write_text(setting + "\n")
    (root / "inbox" / "jones.json").write_bytes((REPO / "examples/standard/initial-jones.json").read_bytes())
    done = _docgen("run", "--once", "--root", str(root))
    assert (done.returncode, done.stderr.strip()) == (2, f"docgen: In docgen.toml, {says}.")
    assert (root / "inbox" / "jones.json").is_file()


def _slow_copy(source: Path, target: Path, pieces: int = 5, pause: float = 0.3) -> None:
    """Writes ``target`` in pieces, as a copy over a slow network would (each pause shorter than the settle time)."""
    data = source.read_bytes()
    step = len(data) // pieces + 1
    with open(target, "wb") as handle:
        for start in range(0, len(data), step):
            handle.write(data[start : start + step])
            handle.flush()
            time.sleep(pause)


def test_watch_slow_copy_duplicate_corrupt_file_and_sigterm(tmp_path: Path) -> None:
    root = _root(tmp_path, "settle_seconds = 1\nincomplete_after_seconds = 60\n")
    service = subprocess.Popen([*DOCGEN, "watch", "--root", str(root)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: (root / ".docgen" / "lock").exists())
        example = REPO / "examples/standard/initial-jones.docx"
        folder = root / "outbox/CIN-2026-0412/2026-12-17-initial"
        _slow_copy(example, root / "inbox" / "jones.docx")
        assert _wait_for(lambda: (folder / "manifest.json").is_file())
        assert not (root / "inbox/rejected").exists() or list((root / "inbox/rejected").iterdir()) == []  # never rejected half-copied

        shutil.copy(example, root / "inbox" / "jones again.docx")
        (root / "inbox" / "corrupt.docx").write_bytes(b"PK\x03\x04" + os.urandom(3000) + b"PK\x05\x06" + bytes(18))
        (root / "inbox" / "~$jones.docx").write_bytes(b"owner file")
        assert _wait_for(
            lambda: (
                (root / "inbox/rejected/corrupt.docx.errors.txt").is_file()
                and (root / "inbox/duplicates/jones again.docx.note.txt").is_file()
            )
        )
        duplicate = (root / "inbox/duplicates/jones again.docx.note.txt").read_text()
        assert duplicate.startswith(
            "jones again.docx: already published — nothing needs doing.\nIt is identical to jones.docx, published on "
        )
        assert not (root / "inbox/rejected/jones again.docx").exists()
        corrupt = json.loads((root / "inbox/rejected/corrupt.docx.errors.json").read_text())
        assert corrupt["errors"][0]["rule"].startswith("form-")
        assert service.poll() is None  # still running after the bad files
    finally:
        service.send_signal(signal.SIGTERM)
        out, err = service.communicate(timeout=30)
    assert service.returncode == 0, err
    assert "jones.docx published" in out
    assert (root / "inbox" / "~$jones.docx").is_file()  # the owner file was left alone
    assert [p.name for p in (folder / "source").iterdir()] == ["jones.docx"]


def test_sigterm_while_starting_up_still_exits_0_and_loses_nothing(tmp_path: Path) -> None:
    root = _root(tmp_path, "settle_seconds = 0\n")
    example = REPO / "examples/standard/initial-jones.docx"
    shutil.copy(example, root / "inbox" / example.name)
    service = subprocess.Popen([*DOCGEN, "watch", "--root", str(root)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert _wait_for(lambda: (root / ".docgen").exists(), 30)  # past the imports, starting up
    service.send_signal(signal.SIGTERM)
    _out, err = service.communicate(timeout=60)
    assert service.returncode == 0, err
    found = [f for f in all_files(root) if f.endswith(example.name)]
    assert found in (["inbox/initial-jones.docx"], ["outbox/CIN-2026-0412/2026-12-17-initial/source/initial-jones.docx"])
    assert [f for f in all_files(root) if f.startswith((".docgen/work", ".docgen/tmp"))] == []


def test_an_edited_distribution_list_dropped_in_updates_the_ledger_and_is_archived(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    from docgen.ledger import Ledger
    from tests.conftest import moved_back

    root = _root(tmp_path, "settle_seconds = 0\n")
    # the meeting moved into the past: a copy can only have been sent between its meeting and today
    record = moved_back(json.loads((REPO / "examples/standard/initial-jones.json").read_text(encoding="utf-8")))
    (root / "inbox" / "jones.json").write_text(json.dumps(record), encoding="utf-8")
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0
    held = dt.date.fromisoformat(record["meeting"]["date"])
    folder = root / f"outbox/CIN-2026-0412/{held.isoformat()}-initial"
    workbook = openpyxl.load_workbook(folder / "distribution.xlsx")
    sheet = workbook["Distribution"]
    sent_column = [c.value for c in sheet[1]].index("Sent date") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=sent_column, value=dt.datetime.combine(held + dt.timedelta(days=2), dt.time()))
    workbook.save(root / "inbox" / "sent copies.xlsx")
    done = _docgen("run", "--once", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert "sent copies.xlsx ledger_update " in done.stdout
    assert "copies recorded as sent" in done.stdout
    archived = list(folder.glob("sent-updates/*-sent copies.xlsx"))
    assert len(archived) == 1
    assert not (root / "inbox" / "sent copies.xlsx").exists()
    assert list((root / "inbox/rejected").iterdir()) == []
    with Ledger.open(root) as ledger:
        assert not [item for item in ledger.due(dt.date.today()) if item.kind == "copies_due"]
