"""The inbox service: scan, settle, claim, build (in worker processes), publish or reject, and recover after a crash."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any

from docgen.errors import MachineFaultError
from docgen.file_modes import state_file_mode
from docgen.root import Layout, make_dir
from docgen.service.build import Builder
from docgen.service.filters import InboxFilter
from docgen.service.form_log import FormLog
from docgen.service.health import check_machine, check_space
from docgen.service.journal import Journal
from docgen.service.lock import RootLock
from docgen.service.machine import as_machine_fault, machine_fault
from docgen.service.pdfs import PdfStep
from docgen.service.publish import LedgerLike
from docgen.service.recovery import recover
from docgen.service.scan import Scan, scan_inbox
from docgen.service.settle import SettleTracker
from docgen.service.steps import MAX_ATTEMPTS, Claimed, FormSteps, InHand
from docgen.service.workers import WorkerPool
from docgen.settings.service import Settings

__all__ = ["MAX_ATTEMPTS", "Scan", "Service"]

LedgerOpener = Callable[[Path], Any]


def _open_real_ledger(root: Path, wait_seconds: float = 30.0) -> Any:
    from docgen.ledger import Ledger

    return Ledger.open(root, wait_seconds=wait_seconds)


class Service:
    """One root's inbox service; use as a context manager (takes the lock, creates folders, recovers)."""

    def __init__(
        self,
        root: Path,
        settings: Settings,
        *,
        policy: str | None = None,
        builder: Builder | None = None,
        open_ledger: LedgerOpener | None = None,
        form_log: FormLog | None = None,
        check_templates: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.time,
        converter: Callable[[list[Path], Path, float], dict[Path, Path]] | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.layout = Layout(self.root)
        self.settings = settings
        self.policy = policy
        self.builder = builder
        self.open_ledger = open_ledger or functools.partial(_open_real_ledger, wait_seconds=settings.ledger_wait_seconds)
        self.log = form_log or FormLog()
        self.check_templates = check_templates
        self.clock = clock
        self.filter = InboxFilter(self.layout.inbox)
        self.tracker = SettleTracker(settings.settle_seconds, clock)
        self.stopping = threading.Event()
        self.wake = threading.Event()  # set by file events and by stop(): the watch loop looks again
        self._ledger: LedgerLike | None = None
        self._lock = RootLock(self.layout.lock)
        self.workers = WorkerPool(settings.workers, lambda: self._lock.fileno)
        self._redo: deque[tuple[Path, Journal]] = deque()
        self._suspects = False  # the forms to redo were in hand when a worker died
        self.pdfs = PdfStep(settings, converter)  # says now whether PDFs are on: `true` without LibreOffice stops here
        self.steps = FormSteps(
            self.layout,
            settings,
            policy=policy,
            builder=builder,
            log=self.log,
            tracker=self.tracker,
            workers=self.workers,
            ledger=lambda: self.ledger,
            worker_died=self._worker_died,
            pdfs=self.pdfs,
        )

    # -- life cycle -------------------------------------------------------------------------------

    def __enter__(self) -> Service:
        with as_machine_fault(self.layout):
            make_dir(self.layout.state, self.settings.dir_mode)
            self._lock.acquire()
        try:
            with as_machine_fault(self.layout):  # a broken template is a TemplateError; a full disk writing its stamp is not
                if self.check_templates is not None:
                    self.check_templates()
                self.layout.create(self.settings.dir_mode)
                self._open_ledger()
                self._restrict_state_files()
                self.log.event(self.pdfs.line, pdf=self.pdfs.on)
                redo = recover(self.layout, self.settings, self.ledger)
            if redo:
                self.log.event(f"recovered {len(redo)} form(s) left in hand by an earlier run", count=len(redo))
            self._redo.extend(redo)
        except BaseException:
            self._close_ledger()
            self._lock.release()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stops the workers, closes the ledger and lets another service take the root."""
        self.workers.shutdown()
        self.pdfs.close()
        self._close_ledger()
        self._lock.release()

    @property
    def on_published(self) -> Callable[[Path], None] | None:
        """Called with each meeting folder once it is published (``send_on_publish``)."""
        return self.steps.on_published

    @on_published.setter
    def on_published(self, hook: Callable[[Path], None] | None) -> None:
        self.steps.on_published = hook

    @property
    def ledger(self) -> LedgerLike:
        """The ledger, opened again if ``rest`` closed it."""
        if self._ledger is None:
            with as_machine_fault(self.layout):
                self._open_ledger()
        assert self._ledger is not None  # opened just now, or the opener raised
        return self._ledger

    def rest(self) -> None:
        """Closes the ledger while there is nothing to do: no file on the root stays open for writing, so an admin can remount it."""
        self._close_ledger()

    def _open_ledger(self) -> None:
        ledger = self.open_ledger(self.root)
        if isinstance(ledger, AbstractContextManager):
            ledger = ledger.__enter__() or ledger
        self._ledger = ledger

    def _close_ledger(self) -> None:
        ledger, self._ledger = self._ledger, None
        with contextlib.suppress(Exception):  # a connection a fault has broken may fail even to close
            if isinstance(ledger, AbstractContextManager):
                ledger.__exit__(None, None, None)
            elif callable(close := getattr(ledger, "close", None)):
                close()

    def _restrict_state_files(self) -> None:
        """The ledger (names of children and families) gets ``file_mode`` like every other generated file; the secrets stay owner-only."""
        for path in self.layout.state.iterdir():
            if path.is_file() and not path.is_symlink():
                with contextlib.suppress(OSError):  # someone else's file (a run under another account): left as is
                    os.chmod(path, state_file_mode(path.name, self.settings.file_mode))

    def stop(self) -> None:
        """Asks the service to stop once the forms in hand are finished (signal handlers call this)."""
        self.stopping.set()
        self.wake.set()

    # -- finding work -----------------------------------------------------------------------------

    def scan(self, incomplete_after_seconds: float | None = None) -> Scan:
        """Looks at the top level of the inbox: which files are settled and ready, which must wait, and for how long.

        A settled zip still cut short is held for ``incomplete_after_seconds`` (the setting unless given) in case
        its copy resumes, then handed on to be rejected as incomplete.
        """
        if incomplete_after_seconds is None:
            incomplete_after_seconds = self.settings.incomplete_after_seconds
        with as_machine_fault(self.layout):  # an inbox gone (a share dropped) pauses the service; it is never recreated
            return scan_inbox(self.layout.inbox, self.filter, self.tracker, self.settings.settle_seconds + incomplete_after_seconds)

    # -- the two ways to run ----------------------------------------------------------------------

    def run_once(self, max_wait_seconds: float = 300.0) -> None:
        """Processes everything in the inbox (waiting for files still being copied to settle), then returns.

        Every settled file ends up published or rejected: a zip that is still cut short once it has stopped
        changing is rejected as incomplete at once (its report says to copy it again), because a one-off run
        cannot come back for it later. Only a file still changing when ``max_wait_seconds`` run out stays.
        """
        give_up = self.clock() + max_wait_seconds
        self.process_pending()
        while not self.stopping.is_set():
            scan = self.scan(incomplete_after_seconds=0.0)
            if scan.ready:
                self.process(scan.ready)
                continue
            if scan.settle_in is None or self.clock() >= give_up:
                break
            self.stopping.wait(min(scan.settle_in, 0.5) + 0.01)
        for path in [] if self.stopping.is_set() else sorted(self.scan(incomplete_after_seconds=0.0).changing):
            self.log.event(f"{path.name} was still changing (being copied?): left in the inbox for the next run", name=path.name)

    def process_pending(self) -> None:
        """Finishes the forms recovered at start-up (or handed back by a broken worker)."""
        while self._redo and not self.stopping.is_set():
            batch = [(claim_dir, journal, time.perf_counter()) for claim_dir, journal in self._redo]
            self._redo.clear()
            if self._suspects:
                # a worker died with these in hand: one at a time now, so only the form that kills a worker
                # uses up its attempts, and never the forms that happened to be beside it
                self._suspects = False
                for claimed in batch:
                    self._run_batch([claimed], isolate=True)
            else:
                self._run_batch(batch)

    def process(self, paths: Iterable[Path]) -> None:
        """Claims and processes the given inbox files, ``workers`` at a time, publishing in the order given."""
        paths = list(paths)
        self.log.start_batch(len(paths))
        try:
            self._run_batch(paths)
        finally:
            self.log.end_batch()
        self.process_pending()

    # -- faults of the machine ----------------------------------------------------------------------

    def resume(self) -> None:
        """Looks again after a fault of the machine: raises ``MachineFaultError`` while it lasts, else takes up the forms held."""
        with as_machine_fault(self.layout):
            check_machine(self.layout, self.settings)
            self._close_ledger()  # a connection that met a full or read-only disk may be stuck mid-transaction
            self._open_ledger()
            self._redo = deque(recover(self.layout, self.settings, self.ledger))

    def _hold(self, in_hand: Iterable[InHand]) -> None:
        """The forms in hand go back to being claimed, as a restart would leave them; what a fault still blocks waits for ``resume``."""
        for hand in in_hand:
            for future in (hand.future, hand.pdfs):  # its build and PDFs finish before its folder is cleared
                if future is not None:
                    with contextlib.suppress(Exception, CancelledError):
                        future.result()
        recovery_log = logging.getLogger("docgen.service.recovery")
        was_disabled, recovery_log.disabled = recovery_log.disabled, True  # one line about the fault, not one per form
        try:
            with contextlib.suppress(MachineFaultError), as_machine_fault(self.layout):
                is_machines = lambda exc: machine_fault(exc, self.layout) is not None  # noqa: E731
                self._redo = deque(recover(self.layout, self.settings, self.ledger, leave_if=is_machines))
        finally:
            recovery_log.disabled = was_disabled

    # -- one batch ----------------------------------------------------------------------------------

    def _run_batch(self, items: list[Path] | list[Claimed], isolate: bool = False) -> None:
        """Keeps up to two forms per worker in hand (claimed, building); the rest wait in the inbox, so a stop leaves them there.

        ``isolate``: one form alone, still in a worker process, so that if it kills the worker it alone is blamed.
        """
        window = 1 if isolate else max(1, self.settings.workers) * 2
        queue: deque[Path | Claimed] = deque(items)
        in_hand: deque[InHand] = deque()
        try:
            self.start_converters(wait=False)  # LibreOffice starts while the first forms are read and rendered
            while (queue and not self.stopping.is_set()) or in_hand:
                while queue and len(in_hand) < window and not self.stopping.is_set():
                    check_space(self.layout, self.settings)  # see a full disk coming: pause before a form, not half-way
                    item = queue[0]
                    claimed = self.steps.claim(item) if isinstance(item, Path) else item
                    if claimed is None:
                        queue.popleft()
                        continue
                    claim_dir, journal, started = claimed
                    if journal.sha256 in {h.journal.sha256 for h in in_hand}:
                        # the same content is already in hand: settle that one first, so this one is seen as a duplicate
                        queue[0] = (claim_dir, journal, started)
                        break
                    queue.popleft()
                    hand = InHand(claim_dir, journal, started)
                    in_hand.append(hand)
                    if not self.steps.prepare(hand, alone=isolate or (len(queue) + len(in_hand) == 1 and not self._redo)):
                        in_hand.remove(hand)
                if in_hand:
                    self.steps.complete(in_hand[0], list(in_hand)[1:])  # the forms behind it start their PDFs meanwhile
                    in_hand.popleft()
        except Exception as exc:
            fault = machine_fault(exc, self.layout)
            if fault is None:
                raise  # not the machine's: a bug, surfacing as one
            self._hold(in_hand)
            if fault is exc:
                raise
            raise fault from exc

    def _worker_died(self, hand: InHand) -> None:
        """A worker died (out of memory, killed): the form stays claimed and is tried again, alone, up to MAX_ATTEMPTS.

        Only a death while the form was built alone counts against it: the service lives on to see it, so the
        form (not a kill of the whole service, nor a neighbour) is what stopped the worker.
        """
        if hand.alone:
            hand.journal.attempts += 1
            with contextlib.suppress(OSError):
                hand.journal.save(hand.claim_dir, self.settings.file_mode)
        self.workers.discard(hand.pool)
        self._suspects = True
        self._redo.append((hand.claim_dir, hand.journal))

    def start_converters(self, wait: bool = True) -> None:
        """Starts the warm LibreOffices when PDFs are on (``watch`` waits for them: warm before the first form)."""
        line = self.pdfs.start(wait=wait)
        if line:
            self.log.event(line, pdf=False)

    def start_workers(self) -> None:
        """Starts the worker processes now (``watch`` does, before its observer thread: forked workers start warm and safe)."""
        self.workers.start()


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
