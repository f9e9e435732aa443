"""The inbox service: scan, settle, claim, build (in worker processes), publish or reject, and recover after a crash."""

from __future__ import annotations

import contextlib
import errno
import logging
import multiprocessing
import multiprocessing.context
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for_any
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from docgen.config import Settings, settings_file_note
from docgen.errors import ConverterError, DocgenError
from docgen.service.build import Builder, BuildJob, BuildResult, ignore_stop_signals, internal_error_report, timed_build
from docgen.service.faults import crash_point
from docgen.service.filters import Disposition, InboxFilter
from docgen.service.journal import Journal, new_claim_id
from docgen.service.layout import Layout, make_dir
from docgen.service.lock import RootLock
from docgen.service.pdfs import PdfStep, pdf_failure_report
from docgen.service.progress import FormLog
from docgen.service.publish import DuplicateNote, adopt_group, publish, read_manifest, reject, set_aside_duplicate, unique_name
from docgen.service.recovery import recover
from docgen.service.settle import SettleTracker, looks_cut_short
from docgen.validate_file import file_sha256
from docgen.validation import Problem, Report

__all__ = ["MAX_ATTEMPTS", "Scan", "Service", "move_file"]

log = logging.getLogger("docgen.service")

#: a form that has stopped docgen this many times is put aside instead of being tried again
MAX_ATTEMPTS = 3

LedgerOpener = Callable[[Path], Any]


def _open_real_ledger(root: Path) -> Any:
    from docgen.ledger import Ledger

    return Ledger.open(root)


@dataclass
class Scan:
    """What the inbox holds right now."""

    ready: list[Path] = field(default_factory=list)  # settled: to be claimed
    held: list[Path] = field(default_factory=list)  # settled but cut short: waiting for the rest of the copy
    changing: list[Path] = field(default_factory=list)  # not settled yet: still being copied, perhaps
    settle_in: float | None = None  # seconds until the next unsettled file may settle
    held_until: float | None = None  # seconds until the first cut-short file is given up on


_Claimed = tuple[Path, Journal, float]  # claim folder, journal, when the form was taken (perf_counter)


@dataclass
class _InHand:
    claim_dir: Path
    journal: Journal
    started: float
    future: Future[BuildResult] | None = None
    pool: ProcessPoolExecutor | None = None  # the pool building it
    result: BuildResult | None = None
    pdfs: Future[None] | None = None  # its documents being converted, once built


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
        self.open_ledger = open_ledger or _open_real_ledger
        self.log = form_log or FormLog()
        self.check_templates = check_templates
        self.clock = clock
        self.filter = InboxFilter(self.layout.inbox)
        self.tracker = SettleTracker(settings.settle_seconds, clock)
        self.stopping = threading.Event()
        self.wake = threading.Event()  # set by file events and by stop(): the watch loop looks again
        self.ledger: Any = None
        self.pdfs = PdfStep(settings, converter)  # says now whether PDFs are on: `true` without LibreOffice stops here
        self._lock = RootLock(self.layout.lock)
        self._pool: ProcessPoolExecutor | None = None
        self._redo: deque[tuple[Path, Journal]] = deque()
        self._suspects = False  # the forms to redo were in hand when a worker died

    # -- life cycle -------------------------------------------------------------------------------

    def __enter__(self) -> Service:
        make_dir(self.layout.state, self.settings.dir_mode)
        self._lock.acquire()
        try:
            if self.check_templates is not None:
                self.check_templates()
            self.layout.create(self.settings.dir_mode)
            self.ledger = self.open_ledger(self.root)
            if isinstance(self.ledger, AbstractContextManager):
                self.ledger = self.ledger.__enter__() or self.ledger
            self._restrict_state_files()
            self.log.event(self.pdfs.line, pdf=self.pdfs.on)
            redo = recover(self.layout, self.settings, self.ledger)
            if redo:
                self.log.event(f"recovered {len(redo)} form(s) left in hand by an earlier run", count=len(redo))
            self._redo.extend(redo)
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stops the workers, closes the ledger and lets another service take the root."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.pdfs.close()
        if self.ledger is not None:
            if isinstance(self.ledger, AbstractContextManager):
                self.ledger.__exit__(None, None, None)
            elif hasattr(self.ledger, "close"):
                self.ledger.close()
            self.ledger = None
        self._lock.release()

    def _restrict_state_files(self) -> None:
        """The ledger (names of children and families) gets ``file_mode`` like every other generated file."""
        for path in self.layout.state.iterdir():
            if path.is_file() and not path.is_symlink():
                with contextlib.suppress(OSError):  # someone else's file (a run under another account): left as is
                    os.chmod(path, self.settings.file_mode)

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
        scan = Scan()
        try:
            entries = [p for p in self.layout.inbox.iterdir() if self.filter(p) is not Disposition.IGNORE]
        except FileNotFoundError:
            make_dir(self.layout.inbox, self.settings.dir_mode)
            return scan
        files = [p for p in entries if p.is_file() and not p.is_symlink()]  # links could point anywhere: not ours
        self.tracker.keep_only(files)
        if incomplete_after_seconds is None:
            incomplete_after_seconds = self.settings.incomplete_after_seconds
        give_up_after = self.settings.settle_seconds + incomplete_after_seconds
        stamped: list[tuple[float, str, Path]] = []
        for path in files:
            snapshot = self.tracker.observe(path)
            if snapshot is None:
                continue
            if not self.tracker.is_settled(path):
                scan.changing.append(path)
                scan.settle_in = min(scan.settle_in or 1e9, self.tracker.wait_left(path))
                continue
            if looks_cut_short(path) and self.tracker.quiet_for(path) < give_up_after:
                scan.held.append(path)
                scan.held_until = min(scan.held_until or 1e9, give_up_after - self.tracker.quiet_for(path))
                continue
            stamped.append((snapshot.last_change, path.name, path))
        scan.ready = [path for *_, path in sorted(stamped)]  # oldest drop first: amendments publish in drop order
        return scan

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

    # -- one batch ----------------------------------------------------------------------------------

    def _run_batch(self, items: list[Path] | list[_Claimed], isolate: bool = False) -> None:
        """Keeps up to two forms per worker in hand (claimed, building); the rest wait in the inbox, so a stop leaves them there.

        ``isolate``: one form alone, still in a worker process, so that if it kills the worker it alone is blamed.
        """
        window = 1 if isolate else max(1, self.settings.workers) * 2
        self.start_converters(wait=False)  # LibreOffice starts while the first forms are read and rendered
        queue: deque[Path | _Claimed] = deque(items)
        in_hand: deque[_InHand] = deque()
        while (queue and not self.stopping.is_set()) or in_hand:
            while queue and len(in_hand) < window and not self.stopping.is_set():
                item = queue[0]
                claimed = self._claim(item) if isinstance(item, Path) else item
                if claimed is None:
                    queue.popleft()
                    continue
                claim_dir, journal, started = claimed
                if journal.sha256 in {h.journal.sha256 for h in in_hand}:
                    # the same content is already in hand: settle that one first, so this one is seen as a duplicate
                    queue[0] = (claim_dir, journal, started)
                    break
                queue.popleft()
                hand = _InHand(claim_dir, journal, started)
                if self._prepare(hand, use_pool=isolate or len(queue) + len(in_hand) > 0):
                    in_hand.append(hand)
            if not in_hand:
                continue
            hand = in_hand.popleft()
            self._complete(hand, in_hand)

    def _claim(self, path: Path) -> _Claimed | None:
        """Takes a file out of the inbox by one rename into ``.docgen/work/<id>/``; None if it has gone meanwhile."""
        started = time.perf_counter()
        claim_id = new_claim_id()
        claim_dir = self.layout.work / claim_id
        make_dir(claim_dir, self.settings.dir_mode)
        journal = Journal(claim_id, path.name)
        journal.save(claim_dir, self.settings.file_mode)
        try:
            move_file(path, claim_dir / path.name)
        except FileNotFoundError:  # moved away or renamed by its writer meanwhile
            shutil.rmtree(claim_dir, ignore_errors=True)
            self.tracker.forget(path)
            return None
        except PermissionError:  # Windows: still open in Word or in the copy; the next look will try again
            shutil.rmtree(claim_dir, ignore_errors=True)
            return None
        self.tracker.forget(path)
        crash_point("after-claim")
        journal.advance(claim_dir, "claimed", self.settings.file_mode, sha256=file_sha256(claim_dir / path.name))
        return claim_dir, journal, started

    def _prepare(self, hand: _InHand, use_pool: bool) -> bool:
        """Deals in the parent with what needs no build (repeats, duplicates, ledger workbooks); else starts the build."""
        journal, claim_dir = hand.journal, hand.claim_dir
        original = claim_dir / journal.name
        source = {"name": journal.name, "sha256": journal.sha256}
        policy = self.policy or self.settings.policy
        journal.attempts += 1
        journal.save(claim_dir, self.settings.file_mode)
        if journal.attempts > MAX_ATTEMPTS:
            report = internal_error_report(source, policy, f"processing this file stopped docgen {MAX_ATTEMPTS} times")
            self._reject(hand, report)
            return False
        assert journal.sha256 is not None
        seen = self.ledger.file_seen(journal.sha256)
        if seen is not None and seen.outcome == "published":
            self._set_aside_duplicate(hand, DuplicateNote(journal.name, journal.sha256, seen.name, str(seen.at or ""), seen.where or ""))
            return False
        build = self.layout.tmp / journal.claim_id
        shutil.rmtree(build, ignore_errors=True)
        make_dir(build, self.settings.dir_mode)
        job = BuildJob(original, build, journal.name, journal.sha256, self.policy, self.settings, settings_file_note(self.root), self.root)
        if use_pool and self.settings.workers > 1:
            try:
                hand.pool = self._workers()
                hand.future = hand.pool.submit(timed_build, job, self.builder)
            except BrokenProcessPool:  # a worker died building an earlier form: this one waits for the retry round
                journal.attempts -= 1
                journal.save(claim_dir, self.settings.file_mode)
                self._worker_died(hand)
                return False
        else:
            hand.result = timed_build(job, self.builder)
        return True

    def _complete(self, hand: _InHand, others: Iterable[_InHand] = ()) -> None:
        """Waits for a build (and its PDFs) and publishes or rejects its form; ``others``, the forms behind it, start their PDFs meanwhile."""
        if hand.future is not None:
            try:
                hand.result = hand.future.result()
                # the form's time is its build in the worker plus publishing here, not its wait in the queue
                hand.started = time.perf_counter() - hand.result.ms / 1000
            except (BrokenProcessPool, CancelledError):
                log.error("a worker process died while building %s; it will be tried again", hand.journal.name)
                self._worker_died(hand)
                return
        result = hand.result
        assert result is not None
        journal = hand.journal
        if result.workbook is not None:
            shutil.rmtree(self.layout.tmp / journal.claim_id, ignore_errors=True)
            self._ingest_workbook(hand)
            return
        if result.manifest is None:
            shutil.rmtree(self.layout.tmp / journal.claim_id, ignore_errors=True)
            self._reject(hand, result.report)
            return
        manifest = result.manifest
        pdf_problem = self._await_pdfs(hand, others)  # before anything may remove the build folder
        target = self.layout.meeting_folder(manifest["case_reference"], manifest["meeting"]["date"], manifest["meeting"]["type"])
        earlier = read_manifest(target)
        if earlier is not None and (earlier.get("source") or {}).get("sha256") == journal.sha256:
            shutil.rmtree(self.layout.tmp / journal.claim_id, ignore_errors=True)
            assert journal.sha256 is not None
            seen_name = earlier["source"].get("name", journal.name)
            note = DuplicateNote(journal.name, journal.sha256, seen_name, str(earlier.get("generated_at", "")), self.layout.relative(target))
            self._set_aside_duplicate(hand, note)
            return
        if pdf_problem is not None:  # each document was already tried again on a fresh LibreOffice
            log.error("the PDFs of %s were not made: %s", journal.name, pdf_problem)
            source = {"name": journal.name, "sha256": journal.sha256}
            if isinstance(pdf_problem, ConverterError):
                self._reject(hand, pdf_failure_report(source, result.report.policy, pdf_problem))
            else:  # a fault in docgen itself: the form is kept with a report, the service carries on
                self._reject(hand, internal_error_report(source, result.report.policy, f"{type(pdf_problem).__name__}: {pdf_problem}"))
            return
        where = publish(self.layout, hand.claim_dir, journal, manifest, self.settings, self.ledger)
        outcome = "amended" if journal.superseded else "published"
        warnings = len(result.report.warnings)
        self.log.form(journal.name, outcome, _ms(hand.started), where, f"{warnings} warning{'s' * (warnings != 1)}" if warnings else "")

    def _start_pdfs(self, hand: _InHand) -> None:
        """Starts converting a built form's documents, if PDFs are on and it has been built into a plan pack."""
        if hand.pdfs is not None or not self.pdfs.on:
            return
        result = hand.result
        if result is None:
            future = hand.future
            if future is None or not future.done() or future.cancelled() or future.exception() is not None:
                return
            result = future.result()  # the same object _complete reads: the PDFs are added to its manifest
        if result.manifest is not None and result.workbook is None:
            hand.pdfs = self.pdfs.submit(self.layout.tmp / hand.journal.claim_id, result.manifest, result.report.policy)

    def _await_pdfs(self, hand: _InHand, others: Iterable[_InHand]) -> BaseException | None:
        """Waits for this form's PDFs, starting the PDFs of each form behind it as soon as it is built; the failure, if any."""
        others = list(others)
        self._start_pdfs(hand)
        if hand.pdfs is None:
            return None
        while not hand.pdfs.done():
            for other in others:
                self._start_pdfs(other)
            waiting: list[Future[Any]] = [hand.pdfs]
            waiting += [o.future for o in others if o.pdfs is None and o.future is not None and not o.future.done()]
            wait_for_any(waiting, return_when=FIRST_COMPLETED)
        for other in others:
            self._start_pdfs(other)
        return hand.pdfs.exception()

    def _worker_died(self, hand: _InHand) -> None:
        """A worker died (out of memory, killed): the form stays claimed and is tried again, alone, up to MAX_ATTEMPTS."""
        if self._pool is not None and (hand.pool is None or hand.pool is self._pool):  # not a newer pool started since
            self._pool.shutdown(wait=False)
            self._pool = None
        self._suspects = True
        self._redo.append((hand.claim_dir, hand.journal))

    def _reject(self, hand: _InHand, report: Report, outcome: str = "rejected") -> None:
        shutil.rmtree(self.layout.tmp / hand.journal.claim_id, ignore_errors=True)  # whatever a failed build left
        where = reject(self.layout, hand.claim_dir, hand.journal, report, self.settings, self.ledger, outcome=outcome)
        first = report.errors[0].rule if report.errors else ""
        self.log.form(hand.journal.name, outcome, _ms(hand.started), where, first)

    def _set_aside_duplicate(self, hand: _InHand, note: DuplicateNote) -> None:
        shutil.rmtree(self.layout.tmp / hand.journal.claim_id, ignore_errors=True)
        where = set_aside_duplicate(self.layout, hand.claim_dir, hand.journal, note, self.settings, self.ledger)
        self.log.form(hand.journal.name, "duplicate", _ms(hand.started), where, f"already published to {note.where}")

    def _ingest_workbook(self, hand: _InHand) -> None:
        """An edited distribution list or visit log: its dates go into the ledger (here, the one writer) and the file is archived."""
        from docgen.ledger.workbooks import ingest_workbook

        journal, claim_dir = hand.journal, hand.claim_dir
        path = claim_dir / journal.name
        source = {"name": journal.name, "sha256": journal.sha256}
        try:
            result = ingest_workbook(path, self.ledger)
        except DocgenError as exc:
            problem = Problem(
                getattr(exc, "kind", "ledger-workbook"), "error", "", str(exc), "", "Correct the workbook and drop it into the inbox again."
            )
            rows = list(getattr(exc, "problems", []))  # a visit log names each row to correct
            self._reject(hand, Report(source, self.policy or self.settings.policy, [problem, *rows]))
            return
        archive = self.root / result.archive_relpath
        make_dir(archive.parent, self.settings.dir_mode)
        archive = archive.with_name(unique_name(archive.parent, archive.name))
        adopt_group(path, archive.parent)
        os.replace(path, archive)
        assert journal.sha256 is not None
        where = self.layout.relative(archive)
        self.ledger.record_file(sha256=journal.sha256, name=journal.name, outcome="ledger_update", where=where, detail=result.summary)
        shutil.rmtree(claim_dir, ignore_errors=True)
        self.log.form(journal.name, "ledger_update", _ms(hand.started), where, result.summary)

    def start_workers(self) -> None:
        """Starts the worker processes now (``watch`` does, before its observer thread: forked workers start warm and safe)."""
        if self.settings.workers > 1:
            self._workers().submit(os.getpid).result()

    def start_converters(self, wait: bool = True) -> None:
        """Starts the warm LibreOffices when PDFs are on (``watch`` waits for them: warm before the first form)."""
        line = self.pdfs.start(wait=wait)
        if line:
            self.log.event(line, pdf=False)

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork starts workers at once with the libraries already imported; but forking a process that runs
            # threads (the watcher's observer) can copy a lock held mid-operation, so then a clean forkserver
            inherited: int | None = None
            if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
                context: multiprocessing.context.BaseContext = multiprocessing.get_context("fork")
                inherited = self._lock.fileno
            else:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["docgen.service.build", "docgen.forms", "docgen.validation", "docgen.render"])
            self._pool = ProcessPoolExecutor(
                max_workers=self.settings.workers, mp_context=context, initializer=ignore_stop_signals, initargs=(inherited,)
            )
        return self._pool


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def move_file(source: Path, destination: Path) -> None:
    """A rename; across filesystems (an inbox mounted apart from the root) a copy, flushed, then renamed into place."""
    try:
        os.rename(source, destination)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        partial = destination.with_name(f".{destination.name}.partial")
        shutil.copy2(source, partial)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, destination)
        os.unlink(source)
