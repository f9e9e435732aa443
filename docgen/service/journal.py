"""The claim journal: a small JSON file beside each claimed form saying how far it got, so a restart can finish it."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from docgen.manifest import Manifest
from docgen.root import write_atomically

__all__ = ["JOURNAL_NAME", "Journal", "new_claim_id"]

JOURNAL_NAME = ".journal.json"  # hidden: an inbox file of that name is never picked up, so never collides


def new_claim_id() -> str:
    """A folder name for one claim, sortable in claim order."""
    return f"{time.time_ns():020d}-{secrets.token_hex(3)}"


@dataclass
class Journal:
    """Where one claimed form is: its name, content hash, stage, and what is needed to finish it.

    Stages: ``claiming`` → ``claimed`` → ``built`` → ``source_moved`` → ``superseding`` → ``published``
    → ``manifest_written``; or ``claimed`` → ``rejecting``. The journal goes when the ledger has the outcome.
    """

    claim_id: str
    name: str
    stage: str = "claiming"
    sha256: str | None = None
    attempts: int = 0
    target: str | None = None  # the meeting folder, relative to the root
    superseded: str | None = None  # "superseded/<ts>" inside the build (and then inside the target)
    manifest: Manifest | None = None
    rejected_name: str | None = None
    outcome: str | None = None  # for the ledger: published, rejected, duplicate, ledger_update
    detail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Journal | None:
        """The journal in a claim folder, or None when there is none (or it is unreadable)."""
        try:
            data = json.loads((folder / JOURNAL_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, folder: Path, mode: int = 0o640) -> None:
        """Writes the journal atomically into ``folder``."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}  # not asdict(): it deep-copies the manifest on every step
        write_atomically(folder / JOURNAL_NAME, json.dumps(data, ensure_ascii=False).encode("utf-8"), mode)

    def advance(self, folder: Path, stage: str, mode: int = 0o640, **changes: Any) -> None:
        """Moves to ``stage`` (with any other field changes) and saves."""
        self.stage = stage
        for key, value in changes.items():
            setattr(self, key, value)
        self.save(folder, mode)
