"""Which files in the inbox are docgen's to handle: a callable filter, in the manner of watchfiles' ``DefaultFilter``."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path

__all__ = ["Disposition", "InboxFilter"]


class Disposition(enum.Enum):
    """What to do with a file found in the inbox."""

    IGNORE = "ignore"  # not ours: owner files, hidden files, downloads in progress
    FORM = "form"  # looks like a form (or a ledger workbook): read it
    NOT_A_FORM = "not_a_form"  # something else dropped in: reject it with a report so it is not stranded


class InboxFilter:
    """Decides, from the name alone, whether a file dropped into the inbox is read, rejected, or left alone.

    Only files directly inside the inbox count (never ``rejected/`` or any other sub-folder). Word and
    Excel leave ``~$name`` owner files beside an open document; browsers and copy tools write to
    ``.tmp``/``.crdownload``/``.part`` names and rename when done; hidden files belong to the system.
    """

    form_suffixes: Sequence[str] = (".docx", ".xlsx", ".json", ".docm", ".xlsm", ".dotx", ".xltx")
    ignore_suffixes: Sequence[str] = (".tmp", ".crdownload", ".part", ".partial", ".download", ".swp", ".lock")
    ignore_prefixes: Sequence[str] = ("~$", ".", "~lock.", ".~lock.")
    ignore_names: Sequence[str] = ("Thumbs.db", "desktop.ini", "Desktop.ini", ".DS_Store")

    def __init__(self, inbox: Path) -> None:
        self.inbox = Path(inbox)

    def __call__(self, path: Path) -> Disposition:
        """The disposition of ``path``; anything not directly in the inbox is ignored."""
        path = Path(path)
        if path.parent != self.inbox:
            return Disposition.IGNORE
        name = path.name
        lowered = name.lower()
        if name in self.ignore_names or name.startswith(tuple(self.ignore_prefixes)) or name.endswith("~"):
            return Disposition.IGNORE
        if lowered.endswith(tuple(self.ignore_suffixes)):
            return Disposition.IGNORE
        if lowered.endswith(tuple(self.form_suffixes)):
            return Disposition.FORM
        return Disposition.NOT_A_FORM

    def __repr__(self) -> str:
        return f"{type(self).__name__}(inbox={str(self.inbox)!r})"
