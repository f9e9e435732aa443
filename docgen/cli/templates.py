"""``docgen check-templates``: a thin command over ``docgen.render.check_templates``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen.errors import ExitCode
from docgen.profiles import profiles_in
from docgen.render.check import SAMPLE_RECORD
from docgen.render.check import check_templates as find_template_problems
from docgen.render.documents import TEMPLATE_DIR, TEMPLATES

__all__ = ["check_templates"]


@click.command("check-templates")
@click.option(
    "--templates",
    "directory",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=TEMPLATE_DIR,
    show_default=True,
    help="Folder of templates to check.",
)
@click.option(
    "--sample",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=SAMPLE_RECORD,
    show_default=True,
    help="Complete record to render.",
)
def check_templates(directory: Path, sample: Path) -> None:
    """Check every template renders and uses only fields the schema defines: exit 0 if so, 1 if not."""
    problems = find_template_problems(directory, sample, profiles_in(Path(".")))  # the current folder's council profiles, if any
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} problem(s) in the templates in {directory}.", err=True)
        sys.exit(ExitCode.INVALID)
    click.echo(f"All {len(TEMPLATES)} templates in {directory} are fine: {', '.join(TEMPLATES)}.")
