"""``docgen forms``: writes the blank Word and Excel meeting forms generated from the schema."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.forms.generate_docx import write_docx_form
from docgen.forms.generate_xlsx import write_xlsx_form
from docgen.options import policy_option
from docgen.profiles import check_every_profile, load_profile
from docgen.schema import schema_version

__all__ = ["DOCX_NAME", "VISIT_LOG_NAME", "XLSX_NAME", "forms", "write_forms"]

DOCX_NAME = "cin-meeting-form.docx"
XLSX_NAME = "cin-meeting-form.xlsx"
VISIT_LOG_NAME = "visit-log.xlsx"


def write_forms(out: Path, policy: str | None = None) -> list[Path]:
    """Writes both blank forms into ``out`` (created if missing) and returns their paths."""
    if policy:
        load_profile(policy)  # an unknown council stops here, before any folder is made
    out.mkdir(parents=True, exist_ok=True)
    return [write_docx_form(out / DOCX_NAME, policy), write_xlsx_form(out / XLSX_NAME, policy)]


@click.command()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Folder to write the blank forms into.")
@policy_option("Council profile: preselects it and adds that council's own fields and marks the fields it requires.")
@click.option("--visit-log", "visit_log", is_flag=True, help=f"Write the blank visit log ({VISIT_LOG_NAME}) instead of the meeting forms.")
def forms(out: Path, policy: str | None, visit_log: bool) -> None:
    """Write blank fillable meeting forms (.docx and .xlsx) generated from the schema, or the blank visit log."""
    check_every_profile()  # ./profiles/ holds the council's own: a broken one is a settings error, not a form without it
    if visit_log:
        from docgen.ledger.workbooks import write_visit_log

        out.mkdir(parents=True, exist_ok=True)
        path = write_visit_log(out / VISIT_LOG_NAME)
        click.echo(f"Wrote {path}: one row per child seen (case reference, child ID, visit date, seen alone), then drop it into the inbox.")
        return
    written = write_forms(out, policy)
    council = f" for {policy}" if policy else ""
    for path in written:
        click.echo(f"Wrote {path} (form version {schema_version()}{council})")
