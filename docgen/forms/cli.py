"""``docgen forms``: writes the blank Word and Excel meeting forms generated from the schema."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.forms.generate_docx import write_docx_form
from docgen.forms.generate_xlsx import write_xlsx_form
from docgen.profiles import check_every_profile, load_profile
from docgen.schema import schema_version

__all__ = ["DOCX_NAME", "XLSX_NAME", "forms", "write_forms"]

DOCX_NAME = "cin-meeting-form.docx"
XLSX_NAME = "cin-meeting-form.xlsx"


def write_forms(out: Path, policy: str | None = None) -> list[Path]:
    """Writes both blank forms into ``out`` (created if missing) and returns their paths."""
    if policy:
        load_profile(policy)  # an unknown council stops here, before any folder is made
    out.mkdir(parents=True, exist_ok=True)
    return [write_docx_form(out / DOCX_NAME, policy), write_xlsx_form(out / XLSX_NAME, policy)]


@click.command()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Folder to write the blank forms into.")
@click.option("--policy", help="Council profile: preselects it, adds that council's own fields and marks the fields it requires.")
def forms(out: Path, policy: str | None) -> None:
    """Write blank fillable meeting forms (.docx and .xlsx) generated from the schema."""
    check_every_profile()  # ./profiles/ holds the council's own: a broken one is a settings error, not a form without it
    written = write_forms(out, policy)
    council = f" for {policy}" if policy else ""
    for path in written:
        click.echo(f"Wrote {path} (form version {schema_version()}{council})")
