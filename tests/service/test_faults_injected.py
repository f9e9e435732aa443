"""Faults of the machine injected at each stage of a form (the OSErrors a full, read-only or failing disk raises):
no form is rejected for them, ``run --once`` stops with the cause, ``watch`` pauses and carries on by itself."""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from docgen.errors import ConverterUnavailableError, MachineFaultError
from docgen.ledger import Ledger
from docgen.service import Layout, Service, build, publish, steps
from docgen.service.form_log import FormLog
from docgen.service.state import paused_notice, read_state
from docgen.service.watch import watch
from tests.conftest import clean_initial
from tests.service.conftest import FAULT_STAGES, Drop, all_files, wait_for
from tests.service.fakes import fake_build_pack, run_once, settings_for_tests
from tests.service.test_watch import FakeObserver

CAUSES = {errno.ENOSPC: "disk_full", errno.EDQUOT: "quota", errno.EROFS: "read_only", errno.EIO: "io", errno.ESTALE: "gone"}
GOOD = ("CIN-1", "CIN-2")


@pytest.fixture
def fault_at(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[BaseException]]:
    """``fault_at[stage] = [error, ...]``: each time a form reaches ``stage`` the next error is raised there."""
    armed: dict[str, list[BaseException]] = {}

    def point(stage: str) -> None:
        if armed.get(stage):
            raise armed[stage].pop(0)

    for module in (steps, publish, build):
        monkeypatch.setattr(module, "crash_point", point)
    return armed


def _drop_forms(drop: Drop) -> None:
    for reference in GOOD:
        record = clean_initial()
        record["case"]["reference"] = reference
        drop(f"{reference}.json", record=record)
    drop("bad.json", meeting__chair_role="community_support_worker")


def _os_error(code: int, layout: Layout) -> OSError:
    return OSError(code, os.strerror(code), str(layout.state / "work"))


def _nothing_rejected(layout: Layout) -> None:
    assert not layout.rejected.exists() or list(layout.rejected.iterdir()) == []


def _all_done_once(layout: Layout) -> None:
    """Every good form published exactly once, the bad one rejected once, nothing left in hand or half-written."""
    files = all_files(layout.root)
    assert [f for f in files if f.endswith("manifest.json")] == [f"outbox/{ref}/2026-12-17-initial/manifest.json" for ref in GOOD]
    for reference in GOOD:
        manifest = json.loads((layout.outbox / reference / "2026-12-17-initial" / "manifest.json").read_text())
        assert "supersedes" not in manifest  # published once, not twice over itself
    assert [f for f in files if f.startswith("inbox/")] == [
        "inbox/rejected/bad.json",
        "inbox/rejected/bad.json.errors.json",
        "inbox/rejected/bad.json.errors.txt",
    ]
    assert json.loads((layout.rejected / "bad.json.errors.json").read_text())["errors"][0]["rule"] == "standard-2.3-chair"
    assert [f for f in files if f.startswith(".docgen/") and f != ".docgen/state.json"] == []
    with Ledger.open(layout.root) as ledger:
        for reference in GOOD:
            assert ledger.meeting_for(reference, "2026-12-17", "initial") is not None


@pytest.mark.parametrize("code", list(CAUSES))
@pytest.mark.parametrize("stage", list(FAULT_STAGES))
def test_run_once_stops_on_a_fault_at_any_stage_and_the_next_run_finishes_everything(
    layout: Layout, drop: Drop, fault_at: dict[str, list[BaseException]], stage: str, code: int
) -> None:
    if stage == "build":
        # the build runs in a worker process (forked, or started apart once threads run): a fault injected in this
        # process may not reach it; test_real_faults fills a real disk while a form is built, through the environment
        pytest.skip("the build stage's fault is struck in a worker process: see test_real_faults")
    _drop_forms(drop)
    fault_at[FAULT_STAGES[stage]] = [_os_error(code, layout)]
    with pytest.raises(MachineFaultError) as raised:
        run_once(layout.root)
    assert raised.value.cause == CAUSES[code]
    _nothing_rejected(layout)
    assert not fault_at[FAULT_STAGES[stage]]  # the fault really struck
    assert run_once(layout.root).counts["rejected"] == 1  # the bad form, and only it
    _all_done_once(layout)


def test_a_form_held_by_the_machine_again_and_again_is_never_put_aside(layout: Layout, drop: Drop, fault_at: Any) -> None:
    drop("form.json")
    for _ in range(5):  # more than the attempts a form that kills its worker is allowed
        fault_at["after-build"] = [_os_error(errno.ENOSPC, layout)]  # built, then the disk fills as it is published
        with pytest.raises(MachineFaultError):
            run_once(layout.root)
    assert run_once(layout.root).counts == {"published": 1}


def test_a_ledger_locked_longer_than_the_wait_stops_run_once_and_then_carries_on(layout: Layout, drop: Drop) -> None:
    Ledger.open(layout.root).close()
    drop("form.json")
    backup = sqlite3.connect(layout.root / ".docgen" / "ledger.sqlite3", isolation_level=None)
    backup.execute("BEGIN IMMEDIATE")  # a backup tool holding the write lock
    try:
        with pytest.raises(MachineFaultError) as raised:
            run_once(layout.root, settings_for_tests(ledger_wait_seconds=0.2))
        assert str(raised.value) == f"The ledger {layout.state / 'ledger.sqlite3'} is locked by another program (a backup?): let it finish"
    finally:
        backup.execute("ROLLBACK")
        backup.close()
    assert run_once(layout.root).counts == {"published": 1}


def test_a_ledger_locked_for_a_moment_is_waited_for(layout: Layout, drop: Drop) -> None:
    Ledger.open(layout.root).close()
    drop("form.json")
    backup = sqlite3.connect(layout.root / ".docgen" / "ledger.sqlite3", isolation_level=None, check_same_thread=False)
    backup.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: (backup.execute("ROLLBACK"), backup.close()))
    release.start()
    try:
        assert run_once(layout.root, settings_for_tests(ledger_wait_seconds=5)).counts == {"published": 1}
    finally:
        release.join()


def test_no_form_is_claimed_when_free_space_is_below_the_margin(layout: Layout, drop: Drop, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 990 * 10**6, 10 * 10**6))
    drop("form.json")
    with pytest.raises(MachineFaultError) as raised:
        run_once(layout.root, settings_for_tests(min_free_mb=50))
    assert raised.value.cause == "low_space"
    assert (
        str(raised.value) == f"The disk holding {layout.root} is nearly full (10.0 MB free; docgen keeps 50.0 MB in hand): free some space"
    )
    assert all_files(layout.root) == ["inbox/form.json"]  # not even claimed
    assert run_once(layout.root, settings_for_tests(min_free_mb=5)).counts == {"published": 1}


def test_the_reports_of_a_rejection_a_full_disk_interrupted_are_not_left_behind(layout: Layout, drop: Drop, fault_at: Any) -> None:
    drop("bad.json", meeting__chair_role="community_support_worker")
    fault_at["after-reports"] = [_os_error(errno.ENOSPC, layout)]
    with pytest.raises(MachineFaultError):
        run_once(layout.root)
    assert [f for f in all_files(layout.root) if f.startswith("inbox/")] == []  # no report without its form
    assert run_once(layout.root).counts == {"rejected": 1}


# -- watch ----------------------------------------------------------------------------------------


@pytest.fixture
def watching(layout: Layout) -> Iterator[Callable[..., tuple[Service, io.StringIO]]]:
    """Starts ``watch`` in a thread (fake observer, short back-off); returns the service and what it says on stderr."""
    started: list[tuple[Service, threading.Thread]] = []

    def _start(**settings: Any) -> tuple[Service, io.StringIO]:
        said = io.StringIO()
        chosen = {"settle_seconds": 0.2, "retry_seconds": 0.05, "retry_max_seconds": 0.2, "rescan_seconds": 0.1, **settings}
        service = Service(layout.root, settings_for_tests(**chosen), builder=fake_build_pack, form_log=FormLog(err=said, progress=False))

        def serve() -> None:
            with service:
                watch(service, native=FakeObserver, polling=FakeObserver, network=lambda _p: False)

        thread = threading.Thread(target=serve)
        thread.start()
        started.append((service, thread))
        assert wait_for(lambda: "watching" in said.getvalue())
        return service, said

    yield _start
    for service, thread in started:
        service.stop()
        thread.join(timeout=10)
        assert not thread.is_alive()


@pytest.mark.parametrize("stage", list(FAULT_STAGES))
def test_watch_pauses_on_a_fault_at_any_stage_says_so_once_and_carries_on(
    layout: Layout, drop: Drop, fault_at: dict[str, list[BaseException]], watching: Any, stage: str
) -> None:
    if stage == "build":
        # the build runs in watch's worker processes, started apart from this test's process: a fault injected here
        # cannot reach them (test_real_faults fills a real disk while a form is built, through the environment)
        pytest.skip("the build stage's fault is struck in a worker process: see test_real_faults")
    fault_at[FAULT_STAGES[stage]] = [_os_error(errno.ENOSPC, layout) for _ in range(3)]  # struck three times in a row
    _service, said = watching()
    _drop_forms(drop)
    assert wait_for(lambda: len(list(layout.outbox.glob("*/*/manifest.json"))) == 2 and (layout.rejected / "bad.json").exists())
    assert wait_for(lambda: not any(layout.work.iterdir()))
    lines = said.getvalue().splitlines()
    paused = [line for line in lines if line.startswith(("docgen: paused", "docgen: still paused"))]
    assert paused == [f"docgen: paused: The disk holding {layout.root} is full: free some space; docgen carries on by itself"]
    assert len([line for line in lines if line.startswith("docgen: resumed: ")]) == 1
    assert "Traceback" not in said.getvalue()
    _all_done_once(layout)


def test_while_paused_the_state_says_why_and_due_can_show_it(
    layout: Layout, drop: Drop, monkeypatch: pytest.MonkeyPatch, watching: Any
) -> None:
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    free = {"bytes": 10**7}
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 10**9 - free["bytes"], free["bytes"]))
    _service, said = watching(min_free_mb=50)
    drop("form.json")
    assert wait_for(lambda: "docgen: paused: " in said.getvalue())
    state = read_state(layout.root)
    assert state is not None and state.paused and state.cause == "low_space"
    assert paused_notice(layout.root) == (
        f"docgen is paused (since {state.since[11:16]} UTC) and is not taking new forms: The disk holding {layout.root} "
        "is nearly full (10.0 MB free; docgen keeps 50.0 MB in hand): free some space; docgen carries on by itself"
    )
    assert (layout.inbox / "form.json").is_file()  # left where it was, not even claimed
    free["bytes"] = 10**8
    assert wait_for(lambda: (layout.outbox / "CIN-2026-0412").is_dir())
    assert wait_for(lambda: paused_notice(layout.root) is None)
    assert read_state(layout.root) is not None  # running


def test_a_vanished_inbox_pauses_watch_until_it_is_back(layout: Layout, drop: Drop, watching: Any) -> None:
    import shutil

    _service, said = watching(rescan_seconds=0.05)
    shutil.rmtree(layout.inbox)
    assert wait_for(lambda: "docgen: paused: " in said.getvalue())
    assert said.getvalue().count("paused: The inbox ") == 1
    assert not layout.inbox.exists()  # never made again by docgen: it may be a share's mount point
    layout.inbox.mkdir()
    assert wait_for(lambda: "docgen: resumed: " in said.getvalue())
    drop("form.json")
    assert wait_for(lambda: (layout.outbox / "CIN-2026-0412").is_dir())
    assert said.getvalue().count("watching ") == 2  # the observer was attached again to the new folder


def test_an_inbox_docgen_may_not_move_files_out_of_is_named_and_nothing_is_left_claimed(
    layout: Layout, drop: Drop, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = drop("form.json")

    def denied(source: object, destination: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(source))

    monkeypatch.setattr(os, "rename", denied)
    with pytest.raises(MachineFaultError) as raised:
        run_once(layout.root)
    assert str(raised.value) == f"docgen may not write to {form}: give the account that runs docgen write access to it"
    monkeypatch.undo()
    assert all_files(layout.root) == ["inbox/form.json"]  # still where it was dropped, no claim left behind
    assert run_once(layout.root).counts == {"published": 1}


def test_a_fault_while_an_amendment_replaces_the_plans_puts_the_earlier_plans_back(layout: Layout, drop: Drop, fault_at: Any) -> None:
    folder = layout.outbox / "CIN-2026-0412" / "2026-12-17-initial"
    drop("first.json")
    run_once(layout.root)
    first = (folder / "manifest.json").read_text()
    drop("second.json", meeting__venue="Civic Centre")
    fault_at["after-supersede"] = [_os_error(errno.EROFS, layout)]
    with pytest.raises(MachineFaultError):
        run_once(layout.root)
    assert (folder / "manifest.json").read_text() == first  # the earlier plans are out again, whole
    assert not (folder / "superseded").exists()
    assert run_once(layout.root).counts == {"amended": 1}
    assert json.loads((folder / "manifest.json").read_text())["source"]["name"] == "second.json"
    assert [f for f in all_files(layout.root) if f.startswith((".docgen/", "inbox/"))] == []


def test_a_paused_watch_still_stops_at_once_when_asked(layout: Layout, drop: Drop, monkeypatch: pytest.MonkeyPatch, watching: Any) -> None:
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 10**9, 0))
    service, said = watching(retry_seconds=30, retry_max_seconds=60)  # a long wait before it looks again
    drop("form.json")
    assert wait_for(lambda: "docgen: paused: " in said.getvalue())
    asked = time.monotonic()
    service.stop()
    assert wait_for(lambda: "docgen: stopped" in said.getvalue(), 5)
    assert time.monotonic() - asked < 2
    assert all_files(layout.root) == [".docgen/state.json", "inbox/form.json"]  # nothing taken, nothing left in hand
    assert read_state(layout.root) is None  # stopped: no longer said to be paused


@pytest.mark.parametrize(
    ("failure", "cause"),
    [
        (ConverterUnavailableError("LibreOffice will not start: check it is installed correctly"), "converter"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
    ],
)
def test_a_libreoffice_gone_or_a_disk_full_under_the_pdfs_holds_the_form(
    layout: Layout, drop: Drop, failure: BaseException, cause: str
) -> None:
    from tests.render.helpers import FakeConverter

    def failing(documents: list[Any], out_dir: Any, timeout: float) -> dict[Any, Any]:
        raise failure

    drop("form.json")
    with pytest.raises(MachineFaultError) as raised:
        run_once(layout.root, settings_for_tests(pdf=True), converter=failing)
    assert raised.value.cause == cause
    _nothing_rejected(layout)
    assert run_once(layout.root, settings_for_tests(pdf=True), converter=FakeConverter()).counts == {"published": 1}
    assert [f for f in all_files(layout.root) if f.startswith((".docgen/", "inbox/"))] == []


def test_pdfs_that_fail_while_the_disk_is_full_are_the_disks_fault_not_the_forms(
    layout: Layout, drop: Drop, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from collections import namedtuple

    from docgen.errors import ConverterError
    from tests.render.helpers import FakeConverter

    usage = namedtuple("usage", "total used free")
    real_usage = shutil.disk_usage

    def filling(documents: list[Any], out_dir: Any, timeout: float) -> dict[Any, Any]:
        monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 10**9, 0))  # the PDFs filled the disk
        raise ConverterError("LibreOffice could not make PDFs of plan-C1.docx")  # all LibreOffice says of it

    drop("form.json")
    with pytest.raises(MachineFaultError) as raised:
        run_once(layout.root, settings_for_tests(pdf=True), converter=filling)
    assert raised.value.cause == "disk_full"
    _nothing_rejected(layout)
    monkeypatch.setattr(shutil, "disk_usage", real_usage)
    assert run_once(layout.root, settings_for_tests(pdf=True), converter=FakeConverter()).counts == {"published": 1}
