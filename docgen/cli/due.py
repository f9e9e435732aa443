"""``docgen due`` and ``docgen report``: thin commands over the ledger."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from docgen.cli.options import root_option
from docgen.deadline_kinds import DeadlineKind, kind_words
from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.dates import parse_day
from docgen.ledger.reading import open_for_reading
from docgen.ledger.store import DueItem, Ledger

__all__ = ["DAY", "due", "report"]



class DayParam(click.ParamType):
    """A date given as 2027-01-05, 05/01/2027 or 5 Jan 2027."""

    name = "date"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        """The date, or a usage error saying which forms are accepted."""
        day = parse_day(value)
        if day is None:
            self.fail(f"{value!r} is not a date: use 2027-01-05 or 05/01/2027", param, ctx)
        return day


DAY = DayParam()


def _note(line: str) -> None:
    click.echo(line, err=True)


def _key(item: DueItem) -> tuple[str, str, str]:
    return (item.case_reference, item.meeting, (item.recipient or "").strip().lower())


def _uncertain_emails(root: Path) -> set[tuple[str, str, str]]:
    """Copies whose email may or may not have gone (``docgen send`` was interrupted): staff check, then ``--resend``."""
    from docgen.ledger.send_journal import uncertain_copies

    return uncertain_copies(root / LEDGER_PATH)


def _label(item: DueItem, uncertain: set[tuple[str, str, str]]) -> str:
    who = item.recipient or (f"child {item.child}" if item.child else "")
    flag = " (email uncertain: check, then docgen send --resend)" if item.kind == "copies_due" and _key(item) in uncertain else ""
    return kind_words(item.kind, "short") + (f": {who}" if who else "") + flag


def _days(count: int, words: str) -> str:
    return "today" if count == 0 else f"{count} day{'s' if count != 1 else ''} {words}"


def _table(items: list[DueItem], as_of: dt.date, uncertain: set[tuple[str, str, str]]) -> str:
    overdue = [i for i in items if i.status == "overdue"]
    upcoming = [i for i in items if i.status == "upcoming"]
    lines: list[str] = []
    for title, group in ((f"Overdue on {as_of:%d %b %Y}", overdue), ("Upcoming", upcoming)):
        if not group:
            continue
        if lines:
            lines.append("")
        lines.append(f"{title} ({len(group)})")
        rows = [("Due", "", "Case", "What", "Key worker", "Procedure")] + [
            (
                f"{i.date:%d %b %Y}",
                _days(i.days_late, "late") if i.status == "overdue" else _days((i.date - as_of).days, "to go"),
                i.case_reference,
                _label(i, uncertain),
                i.key_worker or "",
                i.section,
            )
            for i in group
        ]
        widths = [max(len(r[c]) for r in rows) for c in range(6)]
        lines += ["  " + "  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines)


@click.command()
@root_option()
@click.option("--as-of", "as_of", type=DAY, default=None, help="The day to judge overdue by (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for other systems.")
@click.option("--overdue", is_flag=True, help="Only what is overdue.")
@click.option(
    "--within", "within_days", type=click.IntRange(min=0), default=None, help="Only what falls due within DAYS days (and what is overdue)."
)
@click.option("--case", "case", default=None, help="Only this case reference.")
@click.option("--key-worker", "key_worker", default=None, help="Only this key worker's cases.")
@click.option("--kind", type=click.Choice([k.value for k in DeadlineKind]), default=None, help="Only this kind of deadline.")
def due(
    root: Path,
    as_of: dt.date | None,
    as_json: bool,
    overdue: bool,
    within_days: int | None,
    case: str | None,
    key_worker: str | None,
    kind: str | None,
) -> None:
    """Every open deadline: overdue first (with days late), then upcoming."""
    from docgen.service.state import paused_notice

    notice = paused_notice(root)  # while the service is held by a full disk or a dropped share, say so above the list
    if notice:
        click.echo(notice, err=True)
    day = as_of or dt.date.today()
    ledger = open_for_reading(root, _note)
    items: list[DueItem] = []
    if ledger is not None:
        with ledger:
            items = ledger.due(day, overdue_only=overdue, within_days=within_days, case=case, key_worker=key_worker, kind=kind)
    uncertain = _uncertain_emails(root)
    if as_json:
        click.echo(json.dumps([i.to_json() | ({"sending": "uncertain"} if _key(i) in uncertain else {}) for i in items], indent=2))
    elif not items:
        click.echo("Nothing is due.")
    else:
        click.echo(_table(items, day, uncertain))


@click.command()
@root_option()
@click.option("--from", "start", type=DAY, required=True, help="First day of the period.")
@click.option("--to", "end", type=DAY, required=True, help="Last day of the period.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .xlsx file to write.")
@click.option("--as-of", "as_of", type=DAY, default=None, help="Judge open deadlines as of this day (default today).")
def report(root: Path, start: dt.date, end: dt.date, output: Path, as_of: dt.date | None) -> None:
    """Performance against the procedure's timescales in a period, per key worker, as a workbook with charts."""
    from docgen.ledger.performance import build_report
    from docgen.ledger.report_workbook import write_report

    if end < start:
        raise click.BadParameter("--to must not be before --from", param_hint="--to")
    ledger = open_for_reading(root, _note) or Ledger.in_memory()  # nothing published yet: an empty report
    from docgen.ledger.send_journal import emails_to_check

    with ledger:
        figures = build_report(ledger, start, end, as_of or dt.date.today())
    to_check = emails_to_check(root / LEDGER_PATH)
    write_report(figures, output, to_check)
    for measure in figures.measures:
        click.echo(measure.summary_line(figures.as_of))
    if to_check:
        click.echo(
            f"{len(to_check)} emailed cop{'y' if len(to_check) == 1 else 'ies'} may not have been sent (docgen send was interrupted): "
            "see 'Emails to check' in the workbook; ask each recipient, then docgen send --resend."
        )
    click.echo(f"Report written to {output}")
