"""The fields forms are read against: the base schema with every known council profile's fields laid on it."""

from __future__ import annotations

from pathlib import Path

from docgen import profiles
from docgen.schema import Catalogue, Field, Group, catalogue_of, merged_schema

__all__ = ["catalogue", "field", "fields", "groups", "title_of"]

_READING: dict[tuple[int, Path], Catalogue] = {}


def catalogue() -> Catalogue:
    """What forms are read against: the base schema with the fields every known council profile adds.

    A form names its council only inside itself, so reading cannot wait for the profile: every
    profile's fields are readable, and validation then holds the record to its own profile.
    """
    key = (profiles.generation(), profiles.council_dir())
    if key not in _READING:
        overlays = [o for pid in profiles.available_profiles() for o in profiles.load_profile(pid).schema_overlays]
        _READING.clear()
        _READING[key] = catalogue_of(merged_schema(overlays))
    return _READING[key]


def fields() -> tuple[Field, ...]:
    """Every single (non-repeating) field, in form order."""
    return catalogue().fields


def groups() -> tuple[Group, ...]:
    """Every repeating group, in form order."""
    return catalogue().groups


def field(path: str) -> Field | None:
    """The field at ``path`` (``meeting.date`` or ``children.first_name``); indices are ignored."""
    return catalogue().field(path)


def title_of(path: str) -> str:
    """The words a form shows for ``path``; falls back to the path itself."""
    return catalogue().title_of(path)
