"""The real ``docgen`` on real file systems that fail: a small tmpfs that fills at each stage of a form, a root
remounted read-only and back, an inbox removed and made again, a ledger held locked by another connection.

Each asserts what a person would see: the cause named in one line, no traceback, the exit code, no form
rejected for it, every form published exactly once after the fault clears, and no stray files.
Mounting needs root (CI runs as root); elsewhere these tests are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from docgen.service.faults import FILL_ENV, fill_disk
from tests.service.conftest import FAULT_STAGES
from tests.service.realfs import DOCGEN, REPO, Mounts, Watching, run_command

pytestmark = pytest.mark.slow

EXAMPLE = json.loads((REPO / "examples/standard/initial-jones.json").read_text())
GOOD = ("CIN-A", "CIN-B")
FAST = "settle_seconds = 0\nmin_free_mb = 1\nretry_seconds = 0.2\nretry_max_seconds = 1\nrescan_seconds = 0.5\n"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Mounts]:
    """Mounts small tmpfs file systems under this test's own folder; every one is unmounted afterwards, even on failure."""
    mounts = Mounts(tmp_path)
    try:
        yield mounts
    finally:
        mounts.unmount_all()


def _root(point: Path, settings: str = FAST) -> Path:
    (point / "inbox").mkdir()
    (point / "docgen.toml").write_text('policy = "standard"\npdf = false\n' + settings)
    return point


def _drop(root: Path, name: str, record: dict[str, object]) -> None:
    """Drops a form whole, as a copy tool does (written under a hidden name, then renamed): never seen half-written."""
    partial = root / "inbox" / f".{name}.partial"
    partial.write_text(json.dumps(record))
    partial.replace(root / "inbox" / name)


def _drop_forms(root: Path, *, bad: bool = True) -> None:
    for reference in GOOD:
        record = json.loads(json.dumps(EXAMPLE))
        record["case"]["reference"] = reference
        _drop(root, f"{reference}.json", record)
    if bad:
        record = json.loads(json.dumps(EXAMPLE))
        record["meeting"]["chair_role"] = "community_support_worker"
        _drop(root, "bad.json", record)


def _docgen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DOCGEN, *args], cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=120)


def _files(root: Path) -> list[str]:
    skip = (".docgen/ledger", ".docgen/lock", ".docgen/templates-checked", ".docgen/state.json", "docgen.toml", "filler")
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.relative_to(root).as_posix().startswith(skip)
    )


def _said(stderr: str) -> list[str]:
    """What a run said on stderr, less the start-up line saying whether PDFs are made."""
    return [line for line in stderr.splitlines() if not line.startswith("docgen: PDF copies: ")]


def _nothing_rejected(root: Path) -> None:
    rejected = root / "inbox" / "rejected"
    assert not rejected.exists() or list(rejected.iterdir()) == []


def _all_done_once(root: Path, references: tuple[str, ...] = GOOD, bad: bool = True) -> None:
    """Every good form published exactly once, the bad one rejected once, nothing in hand, nothing half-written."""
    files = _files(root)
    assert [f for f in files if f.endswith("manifest.json")] == [f"outbox/{ref}/2026-12-17-initial/manifest.json" for ref in references]
    for reference in references:
        folder = root / "outbox" / reference / "2026-12-17-initial"
        manifest = json.loads((folder / "manifest.json").read_text())
        assert "supersedes" not in manifest
        listed = sorted(d["path"] for d in manifest["documents"])
        assert listed == sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")
    expected_inbox = ["inbox/rejected/bad.json", "inbox/rejected/bad.json.errors.json", "inbox/rejected/bad.json.errors.txt"] if bad else []
    assert [f for f in files if f.startswith("inbox/")] == expected_inbox
    if bad:
        assert json.loads((root / "inbox/rejected/bad.json.errors.json").read_text())["errors"][0]["rule"] == "standard-2.3-chair"
    assert [f for f in files if f.startswith(".docgen/")] == []  # no claim held, no build, no temporary file
    with sqlite3.connect(root / ".docgen" / "ledger.sqlite3") as ledger:
        published = ledger.execute("SELECT COUNT(*) FROM files WHERE outcome = 'published'").fetchone()[0]
    assert published == len(references)


# -- run --once ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", list(FAULT_STAGES))
def test_run_once_on_a_disk_that_fills_at_each_stage(tmpfs: Mounts, stage: str) -> None:
    root = _root(tmpfs())
    _drop_forms(root)
    done = _docgen("run", "--once", "--root", str(root), env={FILL_ENV: f"{FAULT_STAGES[stage]}:{root / 'filler'}"})
    assert done.returncode == 1, done.stderr
    assert _said(done.stderr) == [
        f"docgen: The disk holding {root} is full: free some space, then run docgen again; no form was rejected and the rest wait in the inbox"
    ]
    assert (root / "filler").is_file()  # the disk really filled
    _nothing_rejected(root)
    (root / "filler").unlink()
    again = _docgen("run", "--once", "--root", str(root))
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    _all_done_once(root)


def test_run_once_with_workers_on_a_disk_that_fills_while_they_build(tmpfs: Mounts) -> None:
    root = _root(tmpfs(), FAST + "workers = 2\n")
    _drop_forms(root)
    done = _docgen("run", "--once", "--root", str(root), env={FILL_ENV: f"before-render:{root / 'filler'}"})
    assert done.returncode == 1, done.stderr  # the fault crossed back from a worker process, named
    assert _said(done.stderr) == [
        f"docgen: The disk holding {root} is full: free some space, then run docgen again; no form was rejected and the rest wait in the inbox"
    ]
    _nothing_rejected(root)
    (root / "filler").unlink()
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0
    _all_done_once(root)


def test_run_once_sees_a_nearly_full_disk_coming_and_claims_nothing(tmpfs: Mounts) -> None:
    root = _root(tmpfs("8m"), "settle_seconds = 0\n")  # the default margin: a tenth of this small disk
    _drop_forms(root)
    fill_disk(root / "filler")
    os.truncate(root / "filler", (root / "filler").stat().st_size - 300_000)
    done = _docgen("run", "--once", "--root", str(root))
    assert done.returncode == 1
    [line] = _said(done.stderr)
    assert re.fullmatch(
        rf"docgen: The disk holding {re.escape(str(root))} is nearly full \(0\.[1-3] MB free; docgen keeps 0\.8 MB in hand\): "
        "free some space, then run docgen again; no form was rejected and the rest wait in the inbox",
        line,
    ), line
    assert sorted(p.name for p in (root / "inbox").iterdir() if p.is_file()) == ["CIN-A.json", "CIN-B.json", "bad.json"]
    assert list((root / ".docgen" / "work").iterdir()) == []  # nothing claimed
    status = _docgen("status", "--root", str(root))
    assert status.returncode == 3  # run --once has stopped: no service runs, whatever the disk says
    assert "Forms waiting: 3 in the inbox" in status.stdout and "is nearly full" in status.stdout
    (root / "filler").unlink()
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0
    _all_done_once(root)


def test_run_once_on_a_root_turned_read_only_and_back(tmpfs: Mounts) -> None:
    root = _root(tmpfs())
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0  # the root has run before: ledger and lock exist
    _drop_forms(root)
    run_command("mount", "-o", "remount,ro", str(root))
    done = _docgen("run", "--once", "--root", str(root))
    assert done.returncode == 1
    assert _said(done.stderr) == [
        f"docgen: The file system holding {root} is read-only: make it writable again, then run docgen again; "
        "no form was rejected and the rest wait in the inbox"
    ]
    run_command("mount", "-o", "remount,rw", str(root))
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0
    _all_done_once(root)


def test_run_once_with_the_ledger_held_locked_by_another_connection(tmpfs: Mounts) -> None:
    root = _root(tmpfs(), FAST + "ledger_wait_seconds = 0.3\n")
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0
    _drop_forms(root)
    backup = sqlite3.connect(root / ".docgen" / "ledger.sqlite3", isolation_level=None)
    backup.execute("BEGIN IMMEDIATE")
    try:
        done = _docgen("run", "--once", "--root", str(root))
    finally:
        backup.execute("ROLLBACK")
        backup.close()
    assert done.returncode == 1
    assert _said(done.stderr) == [
        f"docgen: The ledger {root}/.docgen/ledger.sqlite3 is locked by another program (a backup?): let it finish, "
        "then run docgen again; no form was rejected and the rest wait in the inbox"
    ]
    _nothing_rejected(root)
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0
    _all_done_once(root)


# -- watch -----------------------------------------------------------------------------------------


@pytest.fixture
def watching() -> Iterator[Callable[..., Watching]]:
    """Starts ``docgen watch``; stops it afterwards (before the file systems are unmounted)."""
    started: list[Watching] = []

    def start(root: Path, env: dict[str, str] | None = None, started_when: str = "docgen: watching ") -> Watching:
        started.append(Watching(root, env, started_when))
        return started[-1]

    yield start
    for service in started:
        service.stop()


def _published(root: Path, count: int) -> Callable[[], bool]:
    return lambda: len(list((root / "outbox").glob("*/*/manifest.json"))) == count and not any((root / ".docgen" / "work").iterdir())


def _lines(said: str, start: str) -> list[str]:
    return [line for line in said.splitlines() if line.startswith(start)]


def _carried_on(service: Watching, root: Path) -> None:
    """Once the fault has cleared: every form done once, stopped cleanly, resumed said once, no traceback."""
    assert service.wait_for(_published(root, 2)), service.said()
    assert service.wait_for(lambda: (root / "inbox/rejected/bad.json").is_file())
    assert service.stop() == 0
    assert len(_lines(service.said(), "docgen: resumed: ")) == 1
    assert "Traceback" not in service.said()
    _all_done_once(root)


@pytest.mark.parametrize("stage", list(FAULT_STAGES))
def test_watch_on_a_disk_that_fills_at_each_stage_pauses_and_carries_on_by_itself(
    tmpfs: Mounts, watching: Callable[..., Watching], stage: str
) -> None:
    root = _root(tmpfs())
    service = watching(root, {FILL_ENV: f"{FAULT_STAGES[stage]}:{root / 'filler'}"})
    _drop_forms(root)
    assert service.wait_for(lambda: "docgen: paused: " in service.said()), service.said()
    full = f"docgen: paused: The disk holding {root} is full: free some space; docgen carries on by itself"
    assert _lines(service.said(), "docgen: paused") == [full]
    status = _docgen("status", "--root", str(root))
    assert status.returncode == 1
    assert status.stdout.splitlines()[:2] == [
        f"docgen on {root}: paused since {status.stdout.split(' since ')[1][:20]}",
        f"  The disk holding {root} is full: free some space; docgen carries on by itself",
    ]
    due = _docgen("due", "--root", str(root))
    assert "docgen is paused (since " in due.stderr and f"The disk holding {root} is full" in due.stderr
    time.sleep(1.5)  # several retries while the disk stays full: still said only once
    assert _lines(service.said(), "docgen: paused") == [full]
    _nothing_rejected(root)
    (root / "filler").unlink()
    assert service.wait_for(_published(root, 2) and (lambda: (root / "inbox/rejected/bad.json").is_file())), service.said()
    assert service.wait_for(_published(root, 2))
    assert service.stop() == 0
    said = service.said()
    assert len(_lines(said, "docgen: resumed: the fault has cleared")) == 1
    assert "Traceback" not in said
    assert _docgen("status", "--root", str(root)).stdout.startswith(f"docgen on {root}: not running\n")
    _all_done_once(root)


def test_watch_on_a_root_turned_read_only_and_back(tmpfs: Mounts, watching: Callable[..., Watching]) -> None:
    root = _root(tmpfs(), FAST.replace("settle_seconds = 0", "settle_seconds = 1"))
    service = watching(root)
    _drop_forms(root)
    deadline = time.monotonic() + 10  # an idle docgen holds no file open for writing: the remount succeeds at once or nearly
    while run_command("mount", "-o", "remount,ro", str(root), check=False).returncode != 0:
        assert time.monotonic() < deadline, "docgen kept the root busy"
        time.sleep(0.05)
    try:
        assert service.wait_for(lambda: "docgen: paused: " in service.said()), service.said()
        assert _lines(service.said(), "docgen: paused") == [
            f"docgen: paused: The file system holding {root} is read-only: make it writable again; docgen carries on by itself"
        ]
        status = _docgen("status", "--root", str(root), "--json")
        assert status.returncode == 1
        assert json.loads(status.stdout) | {"since": None} == json.loads(status.stdout) | {
            "service": "paused",
            "cause": "read_only",
            "since": None,
            "read_only": True,
            "forms_waiting": json.loads(status.stdout)["forms_waiting"],
        }
    finally:
        run_command("mount", "-o", "remount,rw", str(root))
    _carried_on(service, root)


def test_watch_when_the_inbox_is_removed_and_made_again(tmpfs: Mounts, watching: Callable[..., Watching]) -> None:
    root = _root(tmpfs(), FAST.replace("rescan_seconds = 0.5", "rescan_seconds = 600"))  # only file events wake it
    service = watching(root)
    shutil.rmtree(root / "inbox")
    assert service.wait_for(lambda: "docgen: paused: " in service.said(), 30), service.said()
    assert _lines(service.said(), "docgen: paused") == [
        f"docgen: paused: The inbox {root}/inbox has gone (a network share dropped?): reconnect it or create the folder again; "
        "docgen carries on by itself"
    ]
    (root / "inbox").mkdir()
    assert service.wait_for(lambda: "docgen: resumed: " in service.said()), service.said()
    _drop_forms(root, bad=False)  # seen through the observer watching the new folder, not a rescan an hour away
    assert service.wait_for(_published(root, 2), 30), service.said()
    assert service.stop() == 0
    assert service.said().count("docgen: watching ") == 2
    _all_done_once(root, bad=False)


def test_watch_with_the_ledger_held_locked_by_another_connection(tmpfs: Mounts, watching: Callable[..., Watching]) -> None:
    root = _root(tmpfs(), FAST + "ledger_wait_seconds = 0.3\n")
    service = watching(root)
    backup = sqlite3.connect(root / ".docgen" / "ledger.sqlite3", isolation_level=None)
    backup.execute("BEGIN IMMEDIATE")
    try:
        _drop_forms(root)
        assert service.wait_for(lambda: "docgen: paused: " in service.said()), service.said()
        assert _lines(service.said(), "docgen: paused") == [
            f"docgen: paused: The ledger {root}/.docgen/ledger.sqlite3 is locked by another program (a backup?): let it finish; "
            "docgen carries on by itself"
        ]
        _nothing_rejected(root)
    finally:
        backup.execute("ROLLBACK")
        backup.close()
    _carried_on(service, root)


def test_watch_started_on_a_read_only_root_waits_for_it(tmpfs: Mounts, watching: Callable[..., Watching]) -> None:
    root = _root(tmpfs())
    assert _docgen("run", "--once", "--root", str(root)).returncode == 0
    _drop_forms(root)
    run_command("mount", "-o", "remount,ro", str(root))
    try:
        service = watching(root, started_when="docgen: paused: ")
        assert _lines(service.said(), "docgen: paused") == [
            f"docgen: paused: The file system holding {root} is read-only: make it writable again; docgen carries on by itself"
        ]
        assert "paused" in _docgen("status", "--root", str(root)).stdout  # said from the temporary folder: the root takes no note
    finally:
        run_command("mount", "-o", "remount,rw", str(root))
    _carried_on(service, root)
    assert "docgen: watching " in service.said()


def test_watch_on_a_share_that_drops_and_comes_back(tmpfs: Mounts, watching: Callable[..., Watching]) -> None:
    server = _root(tmpfs())  # the file server's copy of the folder
    root = tmpfs.bind(server, "share")
    service = watching(root)
    run_command("umount", "-l", str(root))  # the share drops: its mount point is an empty folder again
    assert service.wait_for(lambda: "docgen: paused: " in service.said()), service.said()
    assert _lines(service.said(), "docgen: paused") == [
        f"docgen: paused: The inbox {root}/inbox has gone (a network share dropped?): reconnect it or create the folder again; "
        "docgen carries on by itself"
    ]
    _drop_forms(server)  # staff keep dropping forms on the server meanwhile
    time.sleep(1)
    assert list(root.iterdir()) == []  # docgen made nothing under the bare mount point
    run_command("mount", "--bind", str(server), str(root))  # the share is back
    _carried_on(service, root)
