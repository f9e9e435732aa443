"""Reads one dropped file (any form format) and validates it: the whole of ``docgen validate`` for one file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from docgen.errors import FormError
from docgen.forms import read_form
from docgen.profiles import Profiles, shipped
from docgen.validation import Problem, Report, profile_basis, validate_record

__all__ = ["file_sha256", "validate_file"]


def file_sha256(path: Path) -> str:
    """The file's sha256 in hex, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def validate_file(
    path: Path, policy: str | None = None, default_policy: str | None = None, settings_file: str = "", *, profiles: Profiles | None = None
) -> Report:
    """A report for ``path`` against ``profiles`` (the root's; the shipped ones without): a file that cannot be read as a form is
    one error saying what it is and what to do."""
    profiles = profiles or shipped()
    source = {"name": path.name, "sha256": file_sha256(path) if path.is_file() else None}
    if not path.is_file():
        return Report(
            source,
            policy or default_policy or "standard",
            [
                Problem(
                    rule="file-missing",
                    severity="error",
                    field="",
                    message=f"There is no file at {path}",
                    section="",
                    fix="Check the file name and folder.",
                )
            ],
        )
    try:
        form = read_form(path, profiles.reading_catalogue())
    except FormError as exc:
        chosen = policy or default_policy or "standard"
        basis = profile_basis({}, policy, chosen, settings_file)
        return Report(
            source, chosen, [Problem(rule=exc.kind, severity="error", field="", message=str(exc), section="", fix="")], basis=basis
        )
    return validate_record(
        form.record,
        policy,
        default_policy=default_policy,
        source=source,
        locations=form.locations,
        extra=form.problems,
        settings_file=settings_file,
        profiles=profiles,
    )
