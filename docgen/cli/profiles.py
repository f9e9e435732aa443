"""``docgen profiles check [FILE…]`` and ``docgen profiles new ID``: council profiles checked before they go live, and a starting file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click

from docgen.cli.options import root_option
from docgen.errors import ConfigError
from docgen.profile_check import profile_schema
from docgen.profiles import Profile, Profiles, council_folder, profiles_in, shown_path

__all__ = ["profiles", "starting_profile"]

_ROOT = root_option("Folder holding docgen.toml and profiles/ (default: the current folder).", default=None, show_default=False)


@click.group()
def profiles() -> None:
    """Council profiles: check them before they go live, or start a new one."""


@profiles.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_ROOT
def check(files: tuple[Path, ...], root: Path | None) -> None:
    """Check profile FILEs (default: every profile in profiles/ and the shipped ones); exit 0 if right, 2 if not."""
    known = profiles_in(root if root is not None else Path("."))
    checked = [known.check_file(path) for path in files] if files else known.check_every()
    for profile in checked:
        click.echo(f"{shown_path(profile.path) if profile.path else profile.id}: no mistakes — {describe(profile, known)}")


def describe(profile: Profile, known: Profiles) -> str:
    """One line on what a profile holds: what it extends, its rules, the fields it adds (to the profile at the root of its lineage)."""
    parent = f", extends {profile.lineage[1]}" if len(profile.lineage) > 1 else ""
    base = known.load(profile.lineage[-1]).catalogue if len(profile.lineage) > 1 else None
    added = sorted(set(profile.catalogue.paths()) - set(base.paths() if base else profile.catalogue.paths()))
    fields = f", adds {', '.join(added)}" if added else ""
    return f"profile {profile.id}{parent}: {len(profile.rules)} rules{fields}"


@profiles.command()
@click.argument("profile_id", metavar="ID")
@click.option("--extends", "parent", default="standard", show_default=True, help="The profile the new one builds on.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write it (default: profiles/ID.json).")
@_ROOT
def new(profile_id: str, parent: str, out: Path | None, root: Path | None) -> None:
    """Write a starting profile, ID.json, that extends another and explains every part in $comment notes."""
    folder = root if root is not None else Path(".")
    known = profiles_in(folder)
    if not re.fullmatch(profile_schema()["properties"]["id"]["pattern"], profile_id):
        raise ConfigError(f"A profile id is {profile_schema()['properties']['id']['x-expected']}, not {profile_id!r}.")
    target = out or council_folder(folder) / f"{profile_id}.json"
    if target.exists():
        raise ConfigError(f"{target} already exists: choose another id, or edit that file.")
    text = json.dumps(starting_profile(profile_id, known.load(parent)), indent=2, ensure_ascii=False) + "\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    try:
        profiles_in(folder).check_file(target)  # the folder as it is now, with the new file in it
    except ConfigError:
        target.unlink()
        raise
    click.echo(f"Wrote {target}. Edit it, then check it with: docgen profiles check {target}")


def starting_profile(profile_id: str, parent: Profile) -> dict[str, Any]:
    """A profile that changes nothing yet, with a note in each part saying what goes there and what is inherited."""
    inherited = [f"{name}: {json.dumps(spec, ensure_ascii=False)}" for name, spec in parent.timescales.items()]
    name = profile_id.replace("-", " ").title()
    return {
        "$comment": [
            f"docgen council profile for {name}. docs/councils.md explains every part.",
            f"Everything not written here is taken from {parent.id!r}.",
            f"Check it before it goes live: docgen profiles check profiles/{profile_id}.json",
        ],
        "id": profile_id,
        "title": f"{name} Child in Need procedure",
        "source": "",
        "extends": parent.id,
        "cite": f"{name} procedure {{section}}",
        "schema": {
            "$comment": "Fields the council adds (under properties, each with a title and description) and fields it requires.",
            "properties": {},
        },
        "schema_rules": {"$comment": "For each field required above: the rule id, section, message and fix shown when it is missing."},
        "timescales": {"$comment": [f"Inherited from {parent.id} (write the same key here to change it):", *inherited]},
        "rules": {
            "$comment": [
                f"Inherited from {parent.id}: {', '.join(r.id for r in parent.rules)}.",
                "Add rules here; set an inherited rule to null to switch it off.",
            ]
        },
        "glossary": {
            "$comment": [
                "Special terms explained (procedure 2.4): each term with plain words for adults and for a child, e.g.",
                '"FIRST": {"plain": "First Response: the council\'s team that takes calls about children.", '
                '"child": "The team anyone can ring if they are worried about a child."}',
                "A term written here that the inherited glossary has replaces its entry whole.",
                f"Inherited from {parent.id}: {', '.join(parent.glossary)}.",
            ]
        },
    }
