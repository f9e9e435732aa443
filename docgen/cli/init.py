"""``docgen init DIR``: a new root with ``inbox/``, ``outbox/`` and a commented ``docgen.toml``."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.options import policy_option
from docgen.new_root import init_root
from docgen.profiles import DEFAULT_PROFILE
from docgen.settings import CONFIG_NAME

__all__ = ["init"]


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@policy_option("The council's profile, written into docgen.toml (default: standard).")
def init(folder: Path, policy: str | None) -> None:
    """Make FOLDER a docgen root: inbox/, outbox/ and a commented docgen.toml."""
    from docgen.ownership import hand_to_owner

    if folder.is_dir():
        hand_to_owner(folder)  # run as root in a folder made for the service account: what init makes is that account's
    init_root(folder, policy)
    click.echo(
        f"Made {folder}: inbox/, outbox/ and {CONFIG_NAME} (policy {policy or DEFAULT_PROFILE}). "
        f"Next: `docgen forms --out forms/`, fill one in, drop it into {folder / 'inbox'}, "
        f"then `docgen run --root {folder}` and `docgen due --root {folder}`."
    )
