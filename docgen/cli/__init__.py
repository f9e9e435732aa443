"""The ``docgen`` command: a thin layer that parses arguments, calls the library and sets exit codes."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

from docgen.cli.options import policy_option, root_option
from docgen.errors import DocgenError, ExitCode

__all__ = ["main"]


#: commands that live beside the stage they drive, imported only when used (start-up stays fast)
LAZY_COMMANDS = {
    "forms": "docgen.cli.forms:forms",
    "check-templates": "docgen.cli.templates:check_templates",
    "run": "docgen.cli.service:run",
    "watch": "docgen.cli.service:watch",
    "status": "docgen.cli.admin:status",
    "retry-rejected": "docgen.cli.admin:retry_rejected",
    "backup": "docgen.cli.admin:backup",
    "rebuild-ledger": "docgen.cli.admin:rebuild_ledger",
    "due": "docgen.cli.due:due",
    "report": "docgen.cli.due:report",
    "case": "docgen.cli.case:case",
    "export": "docgen.cli.returns:export",
    "send": "docgen.cli.send:send",
    "sent": "docgen.cli.send:sent",
    "profiles": "docgen.cli.profiles:profiles",
    "serve": "docgen.cli.web:serve",
    "users": "docgen.cli.web:users",
    "init": "docgen.cli.init:init",
}


class _Group(click.Group):
    """Loads stage commands lazily and turns any ``DocgenError`` into one clear line on stderr and its ``exit_code``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, attr = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DocgenError as exc:
            click.echo(f"docgen: {exc}", err=True)
            ctx.exit(exc.exit_code)  # the one place errors become exit codes: each kind carries its own


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="docgen")
def main() -> None:
    """docgen: Child in Need plans from completed meeting forms."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@policy_option("Council profile to check against (default: the form's own, then docgen.toml, then standard).")
@root_option("Folder whose docgen.toml gives the default profile, as `docgen run --root` would use it.", default=None, show_default=False)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
def validate(files: tuple[Path, ...], policy: str | None, root: Path | None, as_json: bool) -> None:
    """Parse and validate forms only: exit 0 if all are valid, 1 if any is not."""
    from docgen.config import load_settings
    from docgen.profiles import profiles_in
    from docgen.settings import settings_file_note
    from docgen.validate_file import validate_file

    folder = root if root is not None else Path(".")  # without --root: the current folder's docgen.toml and profiles/, if any
    settings = load_settings(folder)  # also checks the council's profiles in folder/profiles/
    profiles = profiles_in(folder)
    if policy:
        profiles.load(policy)  # an unknown --policy is a usage error, before any file is read
    note = settings_file_note(folder)
    reports = [validate_file(path, policy=policy, default_policy=settings.policy, settings_file=note, profiles=profiles) for path in files]
    if as_json:
        payload = [r.to_json() for r in reports]
        click.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(r.to_text() for r in reports), nl=False)
    sys.exit(ExitCode.OK if all(r.valid for r in reports) else ExitCode.INVALID)


@main.command()
def rules() -> None:
    """Print the rules catalogue (every rule of every council profile) as Markdown."""
    from docgen.profiles import profiles_in
    from docgen.validation.catalogue import rules_markdown

    click.echo(rules_markdown(profiles_in(Path("."))), nl=False)  # the current folder's council profiles too, if any
