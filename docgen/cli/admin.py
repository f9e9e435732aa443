"""``docgen status``, ``retry-rejected``, ``backup`` and ``rebuild-ledger``: looking after a root's service from outside."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from docgen.cli.options import root_option
from docgen.config import load_settings
from docgen.errors import ExitCode, MachineFaultError
from docgen.root import Layout
from docgen.service.machine import as_machine_fault

__all__ = ["backup", "rebuild_ledger", "retry_rejected", "status"]


@click.command()
@root_option(as_owner=False)  # looks, and changes nothing: not even the owner of a file
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object for monitoring.")
def status(root: Path, as_json: bool) -> None:
    """Whether the service is running or paused (and why), forms waiting, free space and the ledger's size.

    Exit 0 when `docgen watch` runs and all is well, 1 while it is paused (a fault of the machine holds or would hold
    it), 3 when no service runs on the folder (stopped, killed, or a copy of a root).
    """
    from docgen.service.status import service_status

    found = service_status(root, load_settings(root))
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(found.to_text())
    sys.exit(found.exit_code)


@click.command("retry-rejected")
@root_option()
@click.option(
    "--internal", is_flag=True, help="Put back the forms rejected by a fault in docgen itself (not those rejected for their contents)."
)
def retry_rejected(root: Path, internal: bool) -> None:
    """Put rejected originals back through the inbox, their reports removed."""
    from docgen.service.retry import retry_rejected_internal

    if not internal:
        raise click.UsageError(
            "Say --internal: only forms rejected by a fault in docgen itself can be put back as they are; "
            "a form rejected for its contents needs correcting (its report says how) and dropping in again."
        )
    layout = Layout(root.resolve())
    try:
        with as_machine_fault(layout):
            names = retry_rejected_internal(layout)
    except MachineFaultError as fault:
        click.echo(f"docgen: {fault}, then run this again", err=True)
        sys.exit(ExitCode.FAILED)
    for name in names:
        click.echo(f"{name} put back into the inbox")
    if names:
        click.echo(f"{len(names)} form(s) put back: `docgen run --once` processes them (a running `docgen watch` already is).")
    else:
        click.echo("No form was rejected by a fault in docgen itself: nothing to put back.")


@click.command()
@root_option()
@click.option(
    "--to", "to", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write the copy into (made if missing)."
)
def backup(root: Path, to: Path) -> None:
    """A consistent copy of the ledger, accounts, session key and audit log, safe to take while watch and serve run."""
    from docgen.backup import back_up

    done = back_up(root, to)
    click.echo(f"Backed up {', '.join(done.names)} into {done.folder}")
    click.echo(
        "To restore: stop docgen, copy these files back into .docgen/ (deleting any ledger.sqlite3-wal and -shm there), start docgen."
    )


@click.command("rebuild-ledger")
@root_option()
def rebuild_ledger(root: Path) -> None:
    """Make the ledger again from the root's files alone (manifests, sources, distribution lists, the journal of facts)."""
    from docgen.errors import ServiceError
    from docgen.ledger.rebuild import rebuild_ledger as rebuild
    from docgen.service.lock import RootLock
    from docgen.service.state import read_state

    if read_state(root) is not None:
        raise ServiceError(f"docgen watch is running on {root}: stop it (and docgen serve) first, then run this again.")
    layout = Layout(root.resolve())
    layout.state.mkdir(mode=0o700, exist_ok=True)
    with RootLock(layout.lock):  # no service starts on the root while its ledger is being made
        done = rebuild(root)
    assert done is not None  # only a rebuild asked for "only if missing" can find nothing to do
    for problem in done.problems:
        click.echo(f"Note: {problem}", err=True)
    click.echo(
        f"Ledger rebuilt from {done.meetings} published meeting(s) ({done.records_read} source form(s) read again) "
        f"and {done.facts_bytes} bytes of recorded facts in {done.seconds:.1f} s."
    )
