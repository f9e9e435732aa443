"""``docgen run --once`` and ``docgen watch``: parse the options, start the service, map failures to exit codes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from docgen.cli.options import policy_option, root_option
from docgen.config import load_settings
from docgen.errors import ExitCode, MachineFaultError
from docgen.settings.service import Settings

__all__ = ["run", "watch"]


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
    from docgen.profiles import profiles_in

    settings = load_settings(root)  # also checks the council's profiles in root/profiles/
    if policy:
        profiles_in(root).load(policy)  # an unknown --policy is a usage error (exit 2), before anything moves
    return settings.with_overrides(workers=workers, pdf=pdf)


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
    from docgen.service.form_log import FormLog
    from docgen.service.machine import quiet_unraisable, say
    from docgen.service.starting import run_service

    if watching:
        refuse_root_run(root, "watch")
    check_permissions(root)  # a file under .docgen/ left by a run as root: said now in one line, before any form is taken
    _rebuild_if_lost(root)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="docgen: %(message)s")
    quiet_unraisable()
    settings = _settings(root, workers, pdf, policy)
    form_log = FormLog(json_log=json_log)
    try:
        run_service(root, settings, body, policy=policy, form_log=form_log, watching=watching)
    except MachineFaultError as fault:
        click.echo(f"docgen: {say(fault, watching=False)}", err=True)
        sys.exit(ExitCode.FAILED)  # docgen itself failed; errors carry their own codes
    except PermissionError as exc:
        click.echo(f"docgen: cannot work in {root}: {exc.strerror} ({exc.filename}). Run docgen as a user who can write there.", err=True)
        sys.exit(ExitCode.FAILED)
    form_log.event(form_log.summary(), counts=dict(form_log.counts))


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
