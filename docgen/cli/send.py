"""``docgen send`` (email the copies) and ``docgen sent`` (record a copy posted or handed over): thin commands."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from docgen.cli.options import root_option
from docgen.errors import ConfigError, ExitCode

__all__ = ["send", "sent"]

_STATUS_WORDS = {"sent": "Sent", "failed": "Failed", "uncertain": "Uncertain", "skipped": "Skipped", "would_send": "Would send"}


def _line(result: object) -> str:
    r = result.__dict__
    what = ", ".join(r["documents"])
    return f"{_STATUS_WORDS[r['status']]}: {r['case_reference']} {r['meeting']} to {r['recipient']} <{r['email']}> ({what}) — {r['detail']}"


@click.command()
@root_option()
@click.option("--case", "case", default=None, help="Only this case reference.")
@click.option("--dry-run", is_flag=True, help="Show who would get what, without connecting to the mail server.")
@click.option("--resend", is_flag=True, help="Also send again the copies whose sending was interrupted (uncertain).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per copy.")
def send(root: Path, case: str | None, dry_run: bool, resend: bool, as_json: bool) -> None:
    """Email every email and secure email copy not yet sent, one message per recipient per meeting."""
    from docgen.send.batch import send_copies
    from docgen.settings.sending import load_email_settings

    settings = load_email_settings(root)
    if settings is None:
        raise ConfigError(f"{root / 'docgen.toml'} has no [email] settings: add them (see docs/sending.md) to send copies by email.")
    run = send_copies(
        root, settings, case=case, dry_run=dry_run, resend=resend, progress=None if as_json else lambda r: click.echo(_line(r))
    )
    if as_json:
        click.echo(json.dumps([r.to_json() for r in run.results], indent=2, ensure_ascii=False))
    elif not run.results and run.stopped is None:
        click.echo("Nothing to send: every email copy has been sent.")
    else:
        counts = Counter(_STATUS_WORDS[r.status].lower() for r in run.results)
        click.echo(", ".join(f"{n} {status}" for status, n in counts.items()) + "." if counts else "Nothing was sent.")
    if run.stopped is not None:
        click.echo(f"docgen: {run.stopped}", err=True)
        sys.exit(ExitCode.USAGE if run.stopped.settings_problem else ExitCode.FAILED)


@click.command()
@click.argument("reference")
@root_option()
@click.option("--recipient", required=True, help="Who the copies went to, as the distribution list names them.")
@click.option("--date", "day", required=True, help="The day they were posted or handed over (2027-01-05 or 05/01/2027).")
@click.option("--meeting", "folder", default=None, help="The meeting's outbox folder (default: the case's latest meeting).")
def sent(reference: str, root: Path, recipient: str, day: str, folder: str | None) -> None:
    """Record that RECIPIENT's copies of case REFERENCE were posted or handed over on DATE (a new DATE corrects the one recorded)."""
    from docgen.ledger.dates import parse_day
    from docgen.ledger.store import Ledger
    from docgen.send.by_hand import SentRefused, record_by_hand
    from docgen.send.sent_dates import flush_pending_workbooks, send_lock
    from docgen.typed_dates import long_date

    when = parse_day(day)
    if when is None:
        raise click.BadParameter(f"{day!r} is not a date: use 2027-01-05 or 05/01/2027", param_hint="--date")
    with send_lock(root), Ledger.open(root, create=False) as ledger:
        flush_pending_workbooks(root, ledger)
        try:
            done = record_by_hand(root, ledger, reference, recipient, when, folder, _operator())
        except SentRefused as exc:
            click.echo(f"docgen: {exc}", err=True)
            sys.exit(ExitCode.REFUSED)
    what = f"{reference} {done.folder}, {done.recipient}'s copies sent on {long_date(when)}"
    if not done.changes:
        click.echo(
            f"Nothing changed: {reference} {done.folder}, {done.recipient}'s copies were already recorded as sent on {long_date(when)}."
        )
        return
    corrected = sorted({c.before for c in done.changes if c.before})
    if corrected:
        click.echo(f"Corrected: {what} (was {', '.join(long_date(d) for d in corrected)}).")
    if any(c.before is None for c in done.changes):
        click.echo(f"Recorded: {what}.")
    if not done.written:
        click.echo(
            "distribution.xlsx is open in Excel: the ledger has the date; the workbook is updated by the next docgen send or docgen sent once it is closed."
        )


def _operator() -> str:
    """Who ran the command, for the audit log (the account the shell runs as)."""
    import getpass

    try:
        return f"{getpass.getuser()} (docgen sent)"
    except (KeyError, OSError):
        return "docgen sent"
