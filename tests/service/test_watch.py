"""``docgen watch``: woken by file events (faked here), a rescan for missed events, and the observer chosen for the share."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from docgen.service import Layout, Service
from docgen.service.form_log import FormLog
from docgen.service.watch import filesystem_type, is_network_share, start_observer, watch
from tests.service.conftest import Drop, wait_for
from tests.service.fakes import fake_build_pack, settings_for_tests

FOLDER = "outbox/CIN-2026-0412/2026-12-17-initial"


class FakeObserver:
    """Stands in for watchdog's observers: the test says when an event happens."""

    instances: list[FakeObserver] = []  # noqa: RUF012

    def __init__(self, poll_seconds: float = 1.0, fail: bool = False) -> None:
        self.handlers: list[Any] = []
        self.fail = fail
        self.running = False
        FakeObserver.instances.append(self)

    def schedule(self, handler: Any, path: str, recursive: bool = False) -> None:
        assert recursive is False  # sub-folders (rejected/) are never watched
        self.handlers.append(handler)

    def start(self) -> None:
        if self.fail:
            raise OSError(28, "inotify watch limit reached")
        self.running = True

    def stop(self) -> None:
        self.running = False

    def join(self, timeout: float | None = None) -> None:
        pass

    def emit(self) -> None:
        for handler in self.handlers:
            handler.dispatch(object())


@pytest.fixture
def running(layout: Layout) -> Iterator[Callable[..., tuple[Service, FakeObserver]]]:
    """Starts ``watch`` in a thread with a fake observer; stops it (and checks it stopped) afterwards."""
    threads: list[tuple[Service, threading.Thread]] = []

    def _serve(service: Service) -> None:
        with service:  # the ledger connection belongs to the thread that opens it
            watch(service, native=FakeObserver, polling=polling, network=lambda _p: False)

    polling: Any = FakeObserver

    def _start(real_polling: bool = False, **settings: Any) -> tuple[Service, FakeObserver]:
        nonlocal polling
        if real_polling:
            from watchdog.observers.polling import PollingObserver

            polling = lambda seconds: PollingObserver(timeout=seconds)  # noqa: E731
        FakeObserver.instances.clear()
        service = Service(layout.root, settings_for_tests(**settings), builder=fake_build_pack, form_log=FormLog(progress=False))
        thread = threading.Thread(target=_serve, args=(service,))
        thread.start()
        threads.append((service, thread))
        if real_polling:
            assert wait_for(lambda: (layout.root / ".docgen" / "lock").exists())
            time.sleep(0.3)
            return service, FakeObserver()
        assert wait_for(lambda: bool(FakeObserver.instances) and FakeObserver.instances[0].running)
        return service, FakeObserver.instances[0]

    yield _start
    for service, thread in threads:
        service.stop()
        thread.join(timeout=10)
        assert not thread.is_alive()


def test_a_drop_is_processed_when_its_event_arrives(layout: Layout, drop: Drop, running: Any) -> None:
    _service, observer = running(rescan_seconds=3600)
    drop()
    time.sleep(0.3)
    assert not (layout.root / FOLDER).exists()  # no event yet, and the rescan is an hour away
    observer.emit()
    assert wait_for(lambda: (layout.root / FOLDER / "manifest.json").is_file())


def test_a_missed_event_is_caught_by_the_rescan(layout: Layout, drop: Drop, running: Any) -> None:
    running(rescan_seconds=0.2)
    drop()
    assert wait_for(lambda: (layout.root / FOLDER / "manifest.json").is_file())


def test_a_drop_still_changing_is_read_only_after_settling(layout: Layout, drop: Drop, running: Any) -> None:
    _service, observer = running(settle_seconds=0.6, rescan_seconds=3600)
    path = drop()
    observer.emit()
    time.sleep(0.3)
    assert path.exists()  # not yet settled
    started = time.monotonic()
    assert wait_for(lambda: (layout.root / FOLDER / "manifest.json").is_file())
    assert time.monotonic() - started < 1.5  # the loop wakes when the file is due to settle, not at the rescan


def test_stopping_finishes_and_returns(layout: Layout, drop: Drop, running: Any) -> None:
    service, observer = running(rescan_seconds=3600)
    service.stop()
    assert wait_for(lambda: not observer.running)


def test_the_real_polling_observer_wakes_the_service(layout: Layout, drop: Drop, running: Any) -> None:
    running(real_polling=True, observer="polling", poll_seconds=0.1, rescan_seconds=3600)
    drop()
    assert wait_for(lambda: (layout.root / FOLDER / "manifest.json").is_file(), 10)


def test_native_events_are_used_where_they_work() -> None:
    _observer, kind = start_observer(
        Path("/srv/inbox"), "auto", 1.0, threading.Event(), native=FakeObserver, polling=FakeObserver, network=lambda _p: False
    )
    assert kind == "native"


def test_a_network_share_is_polled() -> None:
    polled: list[float] = []

    def polling(seconds: float) -> FakeObserver:
        polled.append(seconds)
        return FakeObserver()

    _observer, kind = start_observer(
        Path("/mnt/share/inbox"), "auto", 2.5, threading.Event(), native=FakeObserver, polling=polling, network=lambda _p: True
    )
    assert (kind, polled) == ("polling", [2.5])


def test_polling_is_used_when_native_events_fail_to_start() -> None:
    _observer, kind = start_observer(
        Path("/srv/inbox"),
        "native",
        1.0,
        threading.Event(),
        native=lambda s: FakeObserver(s, fail=True),
        polling=FakeObserver,
        network=lambda _p: False,
    )
    assert kind == "polling"


def test_polling_can_be_chosen_in_the_settings() -> None:
    _observer, kind = start_observer(
        Path("/srv/inbox"), "polling", 1.0, threading.Event(), native=FakeObserver, polling=FakeObserver, network=lambda _p: False
    )
    assert kind == "polling"


MOUNTS = """\
sysfs /sys sysfs rw 0 0
/dev/sda1 / ext4 rw,relatime 0 0
//fileserver/cin /srv/docgen cifs rw,vers=3.0 0 0
fileserver:/export /mnt/nfs\\040share nfs4 rw 0 0
"""


def test_the_file_system_type_comes_from_the_longest_mount_point(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(MOUNTS)
    assert filesystem_type(Path("/srv/docgen/inbox"), mounts) == "cifs"
    assert filesystem_type(Path("/srv/docgenx/inbox"), mounts) == "ext4"
    assert filesystem_type(Path("/mnt/nfs share/inbox"), mounts) == "nfs4"
    assert is_network_share(Path("/srv/docgen/inbox"), mounts)
    assert not is_network_share(Path("/home/admin/inbox"), mounts)
    assert filesystem_type(Path("/srv"), tmp_path / "no-such-file") is None


def test_watch_with_workers_builds_a_batch_in_them(layout: Layout, drop: Drop, running: Any) -> None:
    from tests.conftest import clean_initial

    service, observer = running(workers=2, rescan_seconds=3600)
    assert wait_for(lambda: service.workers.pool is not None)  # started before the first drop
    for n in range(4):
        record = clean_initial()
        record["case"]["reference"] = f"CIN-{n}"
        drop(f"form-{n}.json", record=record)
    observer.emit()
    assert wait_for(lambda: len(list(layout.outbox.glob("*/*/manifest.json"))) == 4, 30)


class RacingObserver(FakeObserver):
    """Stops the way watchdog's inotify emitter sometimes does: complaining that it was asked for events while stopping."""

    def stop(self) -> None:
        logging.getLogger("watchdog.observers.inotify").error("InotifyEmitter.queue_events() called when the thread is inactive")
        logging.getLogger("watchdog.observers.inotify").error("a real failure")
        super().stop()


def test_watchdogs_stop_race_is_not_shown_to_staff(layout: Layout, caplog: pytest.LogCaptureFixture) -> None:
    service = Service(layout.root, settings_for_tests(), builder=fake_build_pack, form_log=FormLog(progress=False))
    with service:
        service.stop()
        watch(service, native=RacingObserver, polling=RacingObserver, network=lambda _p: False)
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("watchdog")]
    assert messages == ["a real failure"]
