"""A published meeting's canonical record, read again from the source form its folder keeps (``source/NAME``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docgen.errors import FormError
from docgen.record import clean
from docgen.root import SOURCE_DIR
from docgen.schema import Catalogue

__all__ = ["source_record"]


def source_record(folder: Path, manifest: Mapping[str, Any], fields: Catalogue | None = None) -> dict[str, Any] | None:
    """The canonical record read (against ``fields``, the root's reading catalogue) from the source form a published meeting
    ``folder`` keeps; None when it is gone or unreadable."""
    sources = [d["path"] for d in manifest.get("documents") or [] if d.get("kind") == "source" and d.get("path")]
    name = (manifest.get("source") or {}).get("name")
    candidates = [*sources, f"{SOURCE_DIR}/{name}"] if name else sources
    for relative in candidates:
        path = folder / relative
        if not path.is_file():
            continue
        from docgen.forms import read_form  # only needed for old or partial manifests

        try:
            record: dict[str, Any] = clean(read_form(path, fields).record)
        except (FormError, OSError, ValueError):
            return None
        return record
    return None
