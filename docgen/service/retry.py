"""Forms rejected by a fault in docgen itself (a full disk, in versions before faults of the machine were told apart) go back through the inbox."""

from __future__ import annotations

import json
from pathlib import Path

from docgen.root import Layout, move_file
from docgen.service.publish import unique_name
from docgen.service.status import internal_rejections

__all__ = ["retry_rejected_internal"]


def retry_rejected_internal(layout: Layout) -> list[str]:
    """Puts every original rejected only as a docgen-internal error back into the inbox (under its first name); returns the names given."""
    names = []
    for report in internal_rejections(layout):
        original = report.with_name(report.name.removesuffix(".errors.json"))
        try:
            source = json.loads(report.read_text(encoding="utf-8")).get("source") or {}
        except (OSError, ValueError, AttributeError):
            source = {}
        wanted = source.get("name") if isinstance(source.get("name"), str) and Path(source["name"]).name == source["name"] else None
        name = unique_name(layout.inbox, wanted or original.name)
        # the original first: a stop between the two steps leaves a stale report behind, never a form lost or unexplained
        move_file(original, layout.inbox / name)
        report.unlink(missing_ok=True)
        report.with_name(f"{original.name}.errors.txt").unlink(missing_ok=True)
        names.append(name)
    return names
