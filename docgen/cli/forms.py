"""``docgen forms``: writes the blank Word and Excel meeting forms generated from the schema, or a case's next meeting form."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.blanks.files import VISIT_LOG_NAME, write_forms
from docgen.cli.options import policy_option
from docgen.profiles import profiles_in
from docgen.schema import schema_version

__all__ = ["forms"]


@click.command()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Folder to write the blank forms into.")
@policy_option("Council profile: preselects it and adds that council's own fields and marks the fields it requires.")
@click.option("--visit-log", "visit_log", is_flag=True, help=f"Write the blank visit log ({VISIT_LOG_NAME}) instead of the meeting forms.")
@click.option("--case", "case", default=None, help="Pre-fill the next meeting's form for this case from its latest published meeting.")
@click.option(
    "--root", type=click.Path(path_type=Path), default=Path("."), help="With --case: the folder holding inbox/, outbox/ and the ledger."
)
@click.option(
    "--meeting", "meeting", type=click.Choice(["review", "closure"]), default="review", help="With --case: the next meeting's type."
)
def forms(out: Path, policy: str | None, visit_log: bool, case: str | None, root: Path, meeting: str) -> None:
    """Write blank fillable meeting forms (.docx and .xlsx) generated from the schema, the blank visit log, or a case's next meeting form."""
    if case is not None:
        _case_forms(out, root, case, meeting)
        return
    profiles = profiles_in(Path("."))  # ./profiles/ holds the council's own
    profiles.check_every()  # a broken one is a settings error, not a form without it
    if visit_log:
        from docgen.ledger.workbooks import write_visit_log

        out.mkdir(parents=True, exist_ok=True)
        path = write_visit_log(out / VISIT_LOG_NAME)
        click.echo(f"Wrote {path}: one row per child seen (case reference, child ID, visit date, seen alone), then drop it into the inbox.")
        return
    written = write_forms(out, profiles, policy)
    council = f" for {policy}" if policy else ""
    for path in written:
        click.echo(f"Wrote {path} (form version {schema_version()}{council})")


def _case_forms(out: Path, root: Path, case: str, meeting: str) -> None:
    from docgen.blanks.next_meeting import write_case_forms
    from docgen.config import load_settings, resolve_root
    from docgen.ownership import hand_to_owner

    root = resolve_root(root)  # a folder that is no docgen root is a usage error (exit 2), as for every command
    hand_to_owner(root)  # run as root: the ledger and forms kept under .docgen/ stay the service account's
    load_settings(root)  # the root's own profiles/ are the ones its cases use
    written = write_case_forms(out, root, case, meeting)  # an unknown case: exit 1, through docgen.cli
    for path in written:
        click.echo(f"Wrote {path} ({meeting} form for case {case}, form version {schema_version()})")
