"""``python -m docgen.ledger visit-log OUT.xlsx``: a blank visit log for staff to fill in and drop into the inbox."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.ledger.workbooks import write_visit_log


@click.group()
def tools() -> None:
    """Ledger helpers for administrators."""


@tools.command("visit-log")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def visit_log(out: Path) -> None:
    """Writes a blank visit log workbook (Case reference, Child ID, Visit date, Seen alone...)."""
    write_visit_log(out)
    click.echo(f"Blank visit log written to {out}: fill in one row per child seen, then drop it into the inbox.")


if __name__ == "__main__":
    tools()
