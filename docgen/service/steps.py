"""The steps one claimed form goes through in the service's own process: claim, prepare its build, then publish or reject it."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for_any
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import ConverterError, DocgenError
from docgen.file_names import safe_file_name
from docgen.profiles import profiles_in
from docgen.root import Layout, make_dir, move_file
from docgen.service.build import Builder, BuildJob, BuildResult, internal_error_report, timed_build
from docgen.service.faults import crash_point
from docgen.service.form_log import FormLog
from docgen.service.health import still_faulty
from docgen.service.journal import Journal, new_claim_id
from docgen.service.machine import machine_fault
from docgen.service.pdfs import PdfStep, pdf_failure_report
from docgen.service.publish import DuplicateNote, adopt_group, publish, read_manifest, reject, set_aside_duplicate, unique_name
from docgen.service.settle import SettleTracker
from docgen.service.workers import WorkerPool
from docgen.settings import settings_file_note
from docgen.settings.service import Settings
from docgen.validate_file import file_sha256
from docgen.validation import Problem, Report

__all__ = ["MAX_ATTEMPTS", "Claimed", "FormSteps", "InHand"]

log = logging.getLogger("docgen.service")

#: a form whose build has killed docgen's worker process this many times (built alone) is put aside instead of tried again
MAX_ATTEMPTS = 3

Claimed = tuple[Path, Journal, float]  # claim folder, journal, when the form was taken (perf_counter)


@dataclass
class InHand:
    """A claimed form and its build, from claim until it is published or rejected."""

    claim_dir: Path
    journal: Journal
    started: float
    future: Future[BuildResult] | None = None
    pool: ProcessPoolExecutor | None = None  # the pool building it
    result: BuildResult | None = None
    pdfs: Future[None] | None = None  # its documents being converted, once built
    alone: bool = False  # built with no other form in the workers: if a worker dies now, this form killed it


class FormSteps:
    """What the service does with one form; ``ledger`` is asked for each time (the service closes it while idle)."""

    def __init__(
        self,
        layout: Layout,
        settings: Settings,
        *,
        policy: str | None,
        builder: Builder | None,
        log: FormLog,
        tracker: SettleTracker,
        workers: WorkerPool,
        ledger: Callable[[], Any],
        worker_died: Callable[[InHand], None],
        pdfs: PdfStep,
    ) -> None:
        self.layout, self.settings, self.policy, self.builder = layout, settings, policy, builder
        self.log, self.tracker, self.workers = log, tracker, workers
        self._ledger, self.worker_died, self.pdfs = ledger, worker_died, pdfs
        self.on_published: Callable[[Path], None] | None = None  # e.g. send_on_publish: given each meeting folder published

    @property
    def ledger(self) -> Any:
        """The service's ledger."""
        return self._ledger()

    def claim(self, path: Path) -> Claimed | None:
        """Takes a file out of the inbox by one rename into ``.docgen/work/<id>/``; None if it has gone meanwhile."""
        started = time.perf_counter()
        claim_id = new_claim_id()
        claim_dir = self.layout.work / claim_id
        make_dir(claim_dir, self.settings.dir_mode)
        name = safe_file_name(path.name)  # kept, reported and published under this name: never CON.docx or a bidi trick
        journal = Journal(claim_id, name)
        try:
            journal.save(claim_dir, self.settings.file_mode)
            move_file(path, claim_dir / name)
        except OSError as exc:
            shutil.rmtree(claim_dir, ignore_errors=True)  # the claim never happened: the form is still in the inbox
            if isinstance(exc, FileNotFoundError) and self.layout.inbox.is_dir() and not path.exists():
                self.tracker.forget(path)  # moved away or renamed by its writer meanwhile
                return None
            if isinstance(exc, PermissionError) and sys.platform == "win32":
                return None  # still open in Word or in the copy; the next look will try again
            raise  # a full, read-only or vanished disk, a permission missing: the service holds
        self.tracker.forget(path)
        crash_point("after-claim")
        journal.advance(claim_dir, "claimed", self.settings.file_mode, sha256=file_sha256(claim_dir / name))
        return claim_dir, journal, started

    def prepare(self, hand: InHand, alone: bool) -> bool:
        """Deals in the parent with what needs no build (repeats, duplicates, ledger workbooks); else starts the build.

        The build always runs in a worker process, even with one worker: a form that kills its builder kills a
        worker, never the service, and only such deaths (``alone``: with no other form beside it) count against it.
        """
        journal, claim_dir = hand.journal, hand.claim_dir
        original = claim_dir / journal.name
        source = {"name": journal.name, "sha256": journal.sha256}
        policy = self.policy or self.settings.policy
        if journal.attempts >= MAX_ATTEMPTS:
            report = internal_error_report(source, policy, f"building this form stopped docgen's worker process {MAX_ATTEMPTS} times")
            self.reject(hand, report)
            return False
        assert journal.sha256 is not None
        seen = self.ledger.file_seen(journal.sha256)
        if seen is not None and seen.outcome == "published":
            self.set_aside_duplicate(hand, DuplicateNote(journal.name, journal.sha256, seen.name, str(seen.at or ""), seen.where or ""))
            return False
        build = self.layout.tmp / journal.claim_id
        shutil.rmtree(build, ignore_errors=True)
        make_dir(build, self.settings.dir_mode)
        job = BuildJob(
            original,
            build,
            journal.name,
            journal.sha256,
            self.policy,
            self.settings,
            settings_file_note(self.layout.root),
            self.layout.root,
        )
        hand.alone = alone
        try:
            hand.pool = self.workers.get()
            hand.future = hand.pool.submit(timed_build, job, self.builder)
        except BrokenProcessPool:  # a worker died building an earlier form: this one waits for the retry round
            hand.alone = False
            self.worker_died(hand)
            return False
        return True

    def complete(self, hand: InHand, others: Iterable[InHand] = ()) -> None:
        """Waits for a build (and its PDFs) and publishes or rejects its form; ``others``, the forms behind it, start their PDFs meanwhile."""
        if hand.future is not None:
            try:
                hand.result = hand.future.result()
                # the form's time is its build in the worker plus publishing here, not its wait in the queue
                hand.started = time.perf_counter() - hand.result.ms / 1000
            except (BrokenProcessPool, CancelledError):
                log.error("a worker process died while building %s; it will be tried again", hand.journal.name)
                self.worker_died(hand)
                return
        result = hand.result
        assert result is not None
        if result.fault is not None:  # the machine failed under the build: the form is held, never rejected
            raise result.fault
        journal = hand.journal
        if result.workbook is not None:
            shutil.rmtree(self.layout.tmp / journal.claim_id, ignore_errors=True)
            self.ingest_workbook(hand)
            return
        if result.manifest is None:
            shutil.rmtree(self.layout.tmp / journal.claim_id, ignore_errors=True)
            self.reject(hand, result.report)
            return
        manifest = result.manifest
        pdf_problem = self._await_pdfs(hand, others)  # before anything may remove the build folder
        target = self.layout.meeting_folder(manifest["case_reference"], manifest["meeting"]["date"], manifest["meeting"]["type"])
        earlier = read_manifest(target)
        if earlier is not None and (earlier.get("source") or {}).get("sha256") == journal.sha256:
            shutil.rmtree(self.layout.tmp / journal.claim_id, ignore_errors=True)
            assert journal.sha256 is not None
            seen_name = earlier["source"].get("name", journal.name)
            note = DuplicateNote(
                journal.name, journal.sha256, seen_name, str(earlier.get("generated_at", "")), self.layout.relative(target)
            )
            self.set_aside_duplicate(hand, note)
            return
        if pdf_problem is not None:  # each document was already tried again on a fresh LibreOffice
            # LibreOffice gone, or the disk full or read-only under the PDFs (LibreOffice only says it failed): held
            fault = machine_fault(pdf_problem, self.layout) or still_faulty(self.layout, self.settings)
            if fault is not None:
                raise fault from pdf_problem
            log.error("the PDFs of %s were not made: %s", journal.name, pdf_problem)
            source = {"name": journal.name, "sha256": journal.sha256}
            if isinstance(pdf_problem, ConverterError):
                self.reject(hand, pdf_failure_report(source, result.report.policy, pdf_problem))
            else:  # a fault in docgen itself: the form is kept with a report, the service carries on
                self.reject(hand, internal_error_report(source, result.report.policy, f"{type(pdf_problem).__name__}: {pdf_problem}"))
            return
        if result.record is not None:
            journal.extra["record"] = result.record  # the ledger keeps it: the case's history, the next meeting's form
        where = publish(self.layout, hand.claim_dir, journal, manifest, self.settings, self.ledger)
        if self.on_published is not None:
            self.on_published(target)
        outcome = "amended" if journal.superseded else "published"
        warnings = len(result.report.warnings)
        self.log.form(journal.name, outcome, _ms(hand.started), where, f"{warnings} warning{'s' * (warnings != 1)}" if warnings else "")

    def _start_pdfs(self, hand: InHand) -> None:
        """Starts converting a built form's documents, if PDFs are on and it has been built into a plan pack."""
        if hand.pdfs is not None or not self.pdfs.on:
            return
        result = hand.result
        if result is None:
            future = hand.future
            if future is None or not future.done() or future.cancelled() or future.exception() is not None:
                return
            result = future.result()  # the same object complete() reads: the PDFs are added to its manifest
        if result.manifest is not None and result.workbook is None:
            hand.pdfs = self.pdfs.submit(
                self.layout.tmp / hand.journal.claim_id, result.manifest, profiles_in(self.layout.root).load(result.report.policy)
            )

    def _await_pdfs(self, hand: InHand, others: Iterable[InHand]) -> BaseException | None:
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

    def reject(self, hand: InHand, report: Report, outcome: str = "rejected") -> None:
        shutil.rmtree(self.layout.tmp / hand.journal.claim_id, ignore_errors=True)  # whatever a failed build left
        where = reject(self.layout, hand.claim_dir, hand.journal, report, self.settings, self.ledger, outcome=outcome)
        first = report.errors[0].rule if report.errors else ""
        self.log.form(hand.journal.name, outcome, _ms(hand.started), where, first)

    def set_aside_duplicate(self, hand: InHand, note: DuplicateNote) -> None:
        """An already-published drop goes to ``inbox/duplicates/`` with a note: never a rejection."""
        shutil.rmtree(self.layout.tmp / hand.journal.claim_id, ignore_errors=True)
        where = set_aside_duplicate(self.layout, hand.claim_dir, hand.journal, note, self.settings, self.ledger)
        self.log.form(hand.journal.name, "duplicate", _ms(hand.started), where, f"already published to {note.where}")

    def ingest_workbook(self, hand: InHand) -> None:
        """An edited distribution list or visit log: its dates go into the ledger (here, the one writer) and the file is archived."""
        from docgen.ledger.workbooks import ingest_workbook

        journal, claim_dir = hand.journal, hand.claim_dir
        path = claim_dir / journal.name
        source = {"name": journal.name, "sha256": journal.sha256}
        try:
            result = ingest_workbook(path, self.ledger)
        except DocgenError as exc:
            if machine_fault(exc, self.layout) is not None:
                raise  # a full or locked ledger is no fault of the workbook
            problem = Problem(
                rule=getattr(exc, "kind", "ledger-workbook"),
                severity="error",
                field="",
                message=str(exc),
                section="",
                fix="Correct the workbook and drop it into the inbox again.",
            )
            rows = list(getattr(exc, "problems", []))  # a visit log names each row to correct, under its own verdict
            self.reject(hand, Report(source, self.policy or self.settings.policy, rows or [problem], headline=str(exc) if rows else ""))
            return
        archive = self.layout.root / result.archive_relpath
        make_dir(archive.parent, self.settings.dir_mode)
        archive = archive.with_name(unique_name(archive.parent, archive.name))
        adopt_group(path, archive.parent)
        os.replace(path, archive)
        assert journal.sha256 is not None
        where = self.layout.relative(archive)
        self.ledger.record_file(sha256=journal.sha256, name=journal.name, outcome="ledger_update", where=where, detail=result.summary)
        shutil.rmtree(claim_dir, ignore_errors=True)
        self.log.form(journal.name, "ledger_update", _ms(hand.started), where, result.summary)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
