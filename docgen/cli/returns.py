"""``docgen export census`` and ``docgen export ssd``: the returns a council sends on, written from the ledger."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen.cli.options import root_option
from docgen.errors import ExitCode
from docgen.returns.plans import ChildPlan

__all__ = ["export"]


def _name_missing(plans: list[ChildPlan], where: str) -> None:
    """Names each child without an LA child ID on stderr, once, by case reference and child id (never by name)."""
    seen: set[tuple[str, str]] = set()
    for plan in plans:
        if (plan.case_reference, plan.child_id) not in seen:
            seen.add((plan.case_reference, plan.child_id))
            click.echo(
                f"docgen: case {plan.case_reference}, child {plan.child_id} has no LA child ID: left out of {where}; "
                "add it to the child's row on the next meeting's form",
                err=True,
            )


@click.group()
def export() -> None:
    """Returns for the DfE and the council's own systems, from what docgen has published."""


@export.command()
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Census year YYYY: 1 April YYYY-1 to 31 March YYYY.")
@root_option()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder to write the files into (made if missing).")
def census(year: int, root: Path, out: Path) -> None:
    """The CIN census plan dates: cin-plans-YYYY.xml and cin-plans-YYYY.csv; exit 1 if a child has no LA child ID."""
    from docgen.returns.census import write_census
    from docgen.returns.source import known_at

    result = write_census(known_at(root).plans, year, out)
    click.echo(f"{result.plans} plan(s) of {result.children_in_xml} child(ren) in {result.xml_path} and {result.csv_path}")
    _name_missing(result.without_id, "the XML (its CSV row has a blank ID)")
    sys.exit(ExitCode.LEFT_OUT if result.without_id else ExitCode.OK)


@export.command()
@root_option()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder to write the files into (made if missing).")
def ssd(root: Path, out: Path) -> None:
    """The Standard Safeguarding Dataset's ssd_cin_plans.csv and ssd_cin_visits.csv (children without an LA child ID named, left out)."""
    from docgen.returns.source import known_at
    from docgen.returns.ssd import write_ssd

    known = known_at(root)
    result = write_ssd(known.plans, known.visits, out)
    click.echo(f"{result.plans} plan(s) in {result.plans_path}, {result.visits} visit(s) in {result.visits_path}")
    _name_missing(result.without_id, "the SSD tables")
