"""``docgen run --once`` and ``docgen watch``: parse the options, start the service, map failures to exit codes."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from docgen.cli.options import policy_option, root_option
from docgen.config import Settings, load_settings
from docgen.errors import MachineFaultError, ServiceError, TemplateError

__all__ = ["EXIT_BUSY", "EXIT_TEMPLATES", "run", "watch"]

EXIT_OK, EXIT_FAILED, EXIT_SETTINGS, EXIT_BUSY, EXIT_TEMPLATES = 0, 1, 2, 3, 4


def _service_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        root_option(),
        policy_option("Council profile for every form (default: the form's own, then docgen.toml)."),
        click.option("--workers", type=click.IntRange(min=1), help="Worker processes for batches (default: docgen.toml, else 1)."),
        click.option(
            "--pdf/--no-pdf",
            default=None,
            help="PDFs of every document: --pdf insists on LibreOffice (default: docgen.toml, else wherever it is installed).",
        ),
        click.option("--json-log", is_flag=True, help="One JSON object per line on stdout, for log shippers."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings(root: Path, workers: int | None, pdf: bool | None, policy: str | None) -> Settings:
    from docgen.profiles import load_profile

    settings = load_settings(root)  # also takes the council's profiles from root/profiles/, checked
    if policy:
        load_profile(policy)  # an unknown --policy is a usage error (exit 2), before anything moves
    return settings.with_overrides(workers=workers, pdf=pdf)


def _template_check(root: Path) -> Callable[[], None] | None:
    """The plan pack's template check (``docgen check-templates``), skipped while nothing it checks has changed since it last passed."""
    try:
        from docgen.render import TEMPLATE_DIR, check_templates
    except ImportError:
        return None
    from docgen.schema import SCHEMA_DIR

    def check() -> None:
        stamp = root / ".docgen" / "templates-checked"
        fingerprint = _fingerprint([TEMPLATE_DIR, SCHEMA_DIR])
        if stamp.is_file() and stamp.read_text(encoding="ascii", errors="replace").strip() == fingerprint:
            return  # the same templates, schema and docgen passed before: a second of start-up saved
        problems = check_templates()
        if problems:
            raise TemplateError(
                f"A document template is broken, so no plan can be produced: {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
                + ". Run `docgen check-templates` for the full list."
            )
        stamp.write_text(fingerprint + "\n", encoding="ascii")

    return check


def _fingerprint(folders: list[Path]) -> str:
    """A hash of docgen's version and every file in ``folders`` (names and contents)."""
    from importlib import metadata

    digest = hashlib.sha256()
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("docgen").encode())
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _rebuild_if_lost(root: Path) -> None:
    """A ledger lost from a root where meetings were published is made again from the root's files before anything else."""
    from docgen.ledger.rebuild import rebuild_if_lost

    done = rebuild_if_lost(root)
    if done is not None:
        click.echo(
            f"docgen: the ledger was missing: made again from the root's files ({done.meetings} published meeting(s), "
            f"{done.facts_bytes} bytes of recorded facts)",
            err=True,
        )


def _serve(
    root: Path,
    policy: str | None,
    workers: int | None,
    pdf: bool | None,
    json_log: bool,
    body: Callable[[Any], None],
    *,
    watching: bool = False,
) -> None:
    from docgen.ownership import check_permissions, refuse_root_run

    if watching:
        refuse_root_run(root, "watch")
    check_permissions(root)  # a file under .docgen/ left by a run as root: said now in one line, before any form is taken
    _rebuild_if_lost(root)
    # a stop signal must never kill docgen mid-form, even one that arrives while it is still starting up
    services: list[Any] = []
    asked_to_stop: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        asked_to_stop.append(signum)
        for service in services:
            service.stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _start_service(root, policy, workers, pdf, json_log, body, services, asked_to_stop, watching)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _start_service(
    root: Path,
    policy: str | None,
    workers: int | None,
    pdf: bool | None,
    json_log: bool,
    body: Callable[[Any], None],
    services: list[Any],
    asked_to_stop: list[int],
    watching: bool = False,
) -> None:
    from docgen.service.machine import quiet_unraisable, say
    from docgen.service.progress import FormLog
    from docgen.service.service import Service

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="docgen: %(message)s")
    quiet_unraisable()
    settings = _settings(root, workers, pdf, policy)
    form_log = FormLog(json_log=json_log)
    service = Service(root, settings, policy=policy, form_log=form_log, check_templates=_template_check(Path(root)))
    services.append(service)
    if asked_to_stop:
        service.stop()
    try:
        _enter_and_run(service, body, watching)
    except MachineFaultError as fault:
        click.echo(f"docgen: {say(fault, watching=False)}", err=True)
        sys.exit(EXIT_FAILED)
    except ServiceError as exc:
        click.echo(f"docgen: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    except TemplateError as exc:
        click.echo(f"docgen: {exc}", err=True)
        sys.exit(EXIT_TEMPLATES)
    except PermissionError as exc:
        click.echo(f"docgen: cannot work in {root}: {exc.strerror} ({exc.filename}). Run docgen as a user who can write there.", err=True)
        sys.exit(EXIT_FAILED)
    form_log.event(form_log.summary(), counts=dict(form_log.counts))


def _enter_and_run(service: Any, body: Callable[[Any], None], watching: bool) -> None:
    """Starts the service and runs ``body``; ``watch`` meeting a fault of the machine while starting waits for it to clear."""
    from docgen.service.pause import Backoff, announce_pause, announce_resume

    backoff: Backoff | None = None
    fault: MachineFaultError | None = None
    while True:
        try:
            with service:
                if fault is not None:
                    announce_resume(service.log, service.root, fault)
                body(service)
            return
        except MachineFaultError as exc:
            if not watching or service.stopping.is_set():
                raise
            fault = exc
            if backoff is None:
                announce_pause(service.log, service.root, fault)
                backoff = Backoff(service.settings.retry_seconds, service.settings.retry_max_seconds)
            if service.stopping.wait(backoff.next()):
                return


@click.command()
@click.option("--once", is_flag=True, help="Process everything in the inbox, then stop: run's only mode, so it may be left out.")
@_service_options
def run(once: bool, root: Path, policy: str | None, workers: int | None, pdf: bool | None, json_log: bool) -> None:
    """Process every form in ROOT/inbox once, then stop (`docgen watch` keeps going). Exit 0 when it ran (rejections are normal)."""
    del once  # accepted as documented (`docgen run --once`); running once is all `run` does
    _serve(root, policy, workers, pdf, json_log, lambda service: service.run_once())


@click.command()
@_service_options
def watch(root: Path, policy: str | None, workers: int | None, pdf: bool | None, json_log: bool) -> None:
    """Process ROOT/inbox now and every new drop, until stopped (SIGINT/SIGTERM finish the form in hand, then exit 0)."""
    from docgen.send.on_publish import sending_on_publish
    from docgen.service.watch import watch as watch_inbox

    def watch_and_send(service: Any) -> None:
        with sending_on_publish(service.root, service.log.event) as on_published:
            service.on_published = on_published
            watch_inbox(service)

    _serve(root, policy, workers, pdf, json_log, watch_and_send, watching=True)
