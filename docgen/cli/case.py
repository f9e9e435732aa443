"""``docgen case REF``: a case's history from the ledger, for people or (``--json``) for other systems."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from docgen.cli.due import DAY
from docgen.cli.options import root_option
from docgen.ledger.history import CaseHistory, UnknownCaseError, case_history
from docgen.ledger.reading import open_for_reading

__all__ = ["case", "history_text"]

_PROGRESS = {"achieved": "achieved", "progressing": "progressing", "not_progressing": "not progressing", "no_longer_needed": "no longer needed"}


def _day(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d %b %Y}"


def history_text(history: CaseHistory) -> str:
    """The history as a person reads it: each meeting with its score and objectives, then the deadlines."""
    count = len(history.meetings)
    lines = [f"Case {history.case_reference}: {count} meeting{'s' * (count != 1)}", ""]
    for child in history.children:
        name = " ".join(str(child[k]) for k in ("first_name", "last_name") if child.get(k))
        la_child_id = child.get("la_child_id") or "none recorded (the CIN census export needs it)"
        lines.append(f"Child {child['id']}: {name}  LA child ID {la_child_id}")
    if history.children:
        lines.append("")
    for meeting in history.meetings:
        score = f", scaling {meeting.scaling_score}/10" if meeting.scaling_score is not None else ""
        lines.append(f"{_day(meeting.date)}  {meeting.type} meeting ({meeting.policy}{score})  outbox/{history.case_reference}/{meeting.folder}")
        for objective in meeting.objectives:
            progress = _PROGRESS.get(str(objective["progress"]), "new" if meeting.type == "initial" else "no progress recorded")
            lines.append(f"    objective {objective['id']}: {progress}")
    lines += ["", "Deadlines"]
    for item in history.deadlines:
        who = item.get("recipient") or (f"child {item['child']}" if item.get("child") else "")
        lines.append(f"  {_day(item['date'])}  {item['status']:<8}  {item['kind']}{f' ({who})' if who else ''}")
    return "\n".join(lines)


@click.command()
@click.argument("reference")
@root_option()
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@click.option("--as-of", "as_of", type=DAY, default=None, help="The day to judge open deadlines by (default today).")
def case(reference: str, root: Path, as_json: bool, as_of: dt.date | None) -> None:
    """A case's history: its meetings in order with objectives, progress and scaling scores, and its deadlines."""
    ledger = open_for_reading(root)
    if ledger is None:
        raise UnknownCaseError(reference)  # exit 1, through docgen.cli like every error
    with ledger:
        history = case_history(ledger, reference, as_of=as_of, root=root)
    click.echo(json.dumps(history.to_json(), indent=2, ensure_ascii=False) if as_json else history_text(history))
