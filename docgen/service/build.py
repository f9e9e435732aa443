"""Building one claimed form: read, validate, render into a temporary folder. Runs in a worker process; touches no shared state."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import shutil
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import FormError, MachineFaultError
from docgen.manifest import Manifest
from docgen.service.faults import crash_point
from docgen.settings.service import Settings
from docgen.validation import Problem, Report

__all__ = [
    "BuildJob",
    "BuildResult",
    "Builder",
    "build_form",
    "default_builder",
    "ignore_stop_signals",
    "internal_error_report",
    "timed_build",
]

log = logging.getLogger("docgen.service")

#: ``build_pack``'s shape: (record, report, profile, out_dir, *, source, pdf, settings) -> manifest
Builder = Callable[..., Manifest]


@dataclass(frozen=True)
class BuildJob:
    """Everything a worker needs to build one form; plain data so it crosses to another process."""

    path: Path  # the claimed original, .docgen/work/<id>/NAME
    out_dir: Path  # .docgen/tmp/<id>/, empty
    name: str
    sha256: str
    policy: str | None  # --policy, wins over the form's own
    settings: Settings
    settings_file: str = ""  # the root's docgen.toml (or that it has none), named in every report
    root: Path | None = (
        None  # the root: its ledger (the case's earlier meetings), its profiles/, and to tell a fault of the machine from one of the form
    )


@dataclass
class BuildResult:
    """A built plan pack (``manifest``) or a rejection (``report`` with errors)."""

    report: Report
    manifest: Manifest | None = None
    incomplete: bool = False  # the reader found a zip cut short
    workbook: str | None = None  # "distribution" or "visit_log": not a form but a ledger workbook, for the parent to ingest
    fault: MachineFaultError | None = None  # the machine failed under the build: the form is held, neither built nor rejected
    ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    record: dict[str, Any] | None = None  # the canonical record built from, for the ledger to keep

    @property
    def accepted(self) -> bool:
        """True when a plan pack was built."""
        return self.manifest is not None


def default_builder() -> Builder:
    """The real plan-pack renderer, ``docgen.render.build_pack``."""
    builder: Builder = importlib.import_module("docgen.render").build_pack
    return builder


def internal_error_report(source: dict[str, Any], policy: str, what: str) -> Report:
    """The report for a form docgen failed on through a fault of its own: the form is kept, staff are told who to call."""
    return Report(
        source,
        policy,
        [
            Problem(
                rule="docgen-internal-error",
                severity="error",
                field="",
                message=f"docgen could not produce the plan because of a fault in docgen itself ({what}). The form itself may be fine.",
                section="",
                fix="Keep this file and tell whoever looks after docgen; once it is fixed, drop the form into the inbox again.",
            )
        ],
    )


def ledger_workbook_kind(path: Path) -> str | None:
    """``distribution`` or ``visit_log`` for an edited ledger workbook dropped in (checked before reading a form), else None."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        from docgen.ledger.workbook_tables import classify_workbook
    except ImportError:
        return None
    kind: str | None = classify_workbook(path)
    return kind


def build_form(job: BuildJob, builder: Builder | None = None) -> BuildResult:
    """Reads, validates and (when valid) renders one form into ``job.out_dir``; never raises for a bad form or a docgen fault."""
    from docgen.forms import read_form
    from docgen.profiles import profiles_in
    from docgen.record import clean
    from docgen.validation import validate_record

    profiles = profiles_in(job.root)  # the root's council profiles, read once per worker while their files are unchanged
    source = {"name": job.name, "sha256": job.sha256}
    default_policy = job.settings.policy
    policy_shown = job.policy or default_policy
    try:
        workbook = ledger_workbook_kind(job.path)
        if workbook is not None:
            return BuildResult(Report(source, policy_shown), workbook=workbook)
        try:
            form = read_form(job.path, profiles.reading_catalogue())
        except FormError as exc:
            if _machine_fault(exc, job) is not None:
                raise  # a failing disk under a good form: handled below
            # no profile was read for a file that is no readable form: the report names none
            basis = f"Settings file: {job.settings_file}." if job.settings_file else ""
            headline = f"{job.name}: rejected — docgen could not read it as a meeting form. Correct it and drop it into the inbox again."
            problem = Problem(rule=exc.kind, severity="error", field="", message=str(exc), section="", fix="")
            report = Report(source, policy_shown, [problem], basis=basis, headline=headline)
            return BuildResult(report, incomplete=exc.kind == "form-incomplete")
        report = validate_record(
            form.record,
            job.policy,
            default_policy=default_policy,
            source=source,
            locations=form.locations,
            extra=form.problems,
            settings_file=job.settings_file,
            profiles=profiles,
        )
        if not report.valid:
            return BuildResult(report)
        profile = profiles.load(report.policy)
        build = builder or default_builder()
        crash_point("before-render")
        record = clean(form.record)
        history = _earlier_meetings(job.root, record)
        # the Word documents only: the service makes the PDFs on its warm LibreOffices (docgen.service.pdfs)
        manifest = build(
            record,
            report,
            profile,
            job.out_dir,
            source=source,
            pdf=False,
            settings=job.settings,
            fields=profiles.reading_catalogue(),
            **history,
        )
        return BuildResult(report, manifest=manifest, record=record)
    except Exception as exc:  # a bug in docgen (or the machine failing) must not take the service down, nor lose the form
        shutil.rmtree(job.out_dir, ignore_errors=True)
        fault = _machine_fault(exc, job)
        if fault is not None:
            return BuildResult(Report(source, policy_shown), fault=fault)
        log.error("building %s failed:\n%s", job.name, traceback.format_exc())
        return BuildResult(internal_error_report(source, policy_shown, f"{type(exc).__name__}: {exc}"))


def _machine_fault(exc: BaseException, job: BuildJob) -> MachineFaultError | None:
    from docgen.root import Layout
    from docgen.service.machine import machine_fault

    return machine_fault(exc, Layout(job.root if job.root is not None else job.out_dir.parents[2]))


def _earlier_meetings(root: Path | None, record: dict[str, Any]) -> dict[str, Any]:
    """``{"earlier": [...]}`` for a review or closure (the case's earlier meetings from the ledger); nothing for an initial meeting."""
    meeting = record.get("meeting") or {}
    if meeting.get("type") not in ("review", "closure"):
        return {}
    from docgen.ledger.history import earlier_meetings_at

    reference = str((record.get("case") or {}).get("reference"))
    return {"earlier": earlier_meetings_at(root, reference, str(meeting.get("date")), str(meeting["type"]))}


def timed_build(job: BuildJob, builder: Builder | None = None) -> BuildResult:
    """``build_form`` with its wall time recorded (for the log line)."""
    started = time.perf_counter()
    result = build_form(job, builder)
    result.ms = (time.perf_counter() - started) * 1000
    return result


def ignore_stop_signals(inherited_lock: int | None = None) -> None:
    """Worker start-up: leave SIGINT/SIGTERM to the parent, which finishes the forms in hand and then stops the workers.

    A forked worker also lets go of its copy of the root's lock, so that a parent killed outright
    never leaves the root locked by workers winding down.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if inherited_lock is not None:
        with contextlib.suppress(OSError):
            os.close(inherited_lock)
    os.environ.pop("DOCGEN_FAULT", None)  # crashes are injected in the parent, which does every move
    from docgen.service.machine import quiet_unraisable

    quiet_unraisable()
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="docgen-orphan-check", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """Ends a worker whose parent was killed: its queue never closes (the workers hold its other end), so it would wait for ever."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
