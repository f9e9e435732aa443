"""What a root without council profiles of its own has: the shipped profiles, and the fields forms are read against."""

from __future__ import annotations

from docgen.profiles import Profile, shipped
from docgen.schema import Field, Group

__all__ = ["available_profiles", "field", "fields", "groups", "load_profile"]


def load_profile(profile_id: str | None = None) -> Profile:
    """A shipped profile by id (default ``standard``)."""
    return shipped().load(profile_id)


def available_profiles() -> list[str]:
    """The ids of the shipped profiles."""
    return shipped().available()


def fields() -> tuple[Field, ...]:
    """Every single field forms are read against."""
    return shipped().reading_catalogue().fields


def groups() -> tuple[Group, ...]:
    """Every repeating group forms are read against."""
    return shipped().reading_catalogue().groups


def field(path: str) -> Field | None:
    """The field at ``path``."""
    return shipped().reading_catalogue().field(path)
