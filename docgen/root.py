"""Where everything lives under a root (the drop zone, the outbox, docgen's own working state), and writing a file there atomically."""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DUPLICATES_DIR",
    "INBOX_DIR",
    "JOURNAL_DIR",
    "OUTBOX_DIR",
    "PRIVATE_DIR",
    "REJECTED_DIR",
    "SOURCE_DIR",
    "STATE_DIR",
    "SUPERSEDED_DIR",
    "TEMP_PREFIX",
    "TMP_DIR",
    "WORK_DIR",
    "Layout",
    "make_dir",
    "move_file",
    "write_atomically",
]

TEMP_PREFIX = ".docgen-"  # docgen's own half-written files: never picked up, cleared on restart

# the folders of a root (DESIGN.md's outputs); every path under a root is built from these names
INBOX_DIR = "inbox"
REJECTED_DIR = "rejected"  # in the inbox
DUPLICATES_DIR = "duplicates"  # in the inbox
OUTBOX_DIR = "outbox"
STATE_DIR = ".docgen"  # docgen's own working state
WORK_DIR = "work"  # in the state folder
TMP_DIR = "tmp"  # in the state folder
JOURNAL_DIR = "journal"  # the journal of facts, beside the outbox

# the folders of a published meeting, ``outbox/<case>/<date>-<type>/``
SOURCE_DIR = "source"  # the accepted original
SUPERSEDED_DIR = "superseded"  # earlier outputs an amended form replaced
PRIVATE_DIR = "private"  # owner-only: the PDF pack passwords


@dataclass(frozen=True)
class Layout:
    """The folders of one root (DESIGN.md's outputs): ``inbox/``, ``inbox/rejected/``, ``inbox/duplicates/``, ``outbox/`` and ``.docgen/``."""

    root: Path

    @property
    def inbox(self) -> Path:
        """The drop zone."""
        return self.root / INBOX_DIR

    @property
    def rejected(self) -> Path:
        """Rejected originals and their reports."""
        return self.inbox / REJECTED_DIR

    @property
    def duplicates(self) -> Path:
        """Drops already published, each with a note saying where and when (never a rejection)."""
        return self.inbox / DUPLICATES_DIR

    def set_aside_folder(self, outcome: str | None) -> Path:
        """Where a file that is not published goes: ``duplicates/`` for a repeat, else ``rejected/``."""
        return self.duplicates if outcome == "duplicate" else self.rejected

    @property
    def outbox(self) -> Path:
        """Published meeting folders, ``outbox/<case>/<date>-<type>/``."""
        return self.root / OUTBOX_DIR

    @property
    def state(self) -> Path:
        """docgen's own working state: ledger, lock, claimed files, builds."""
        return self.root / STATE_DIR

    @property
    def work(self) -> Path:
        """Claimed files, one folder per claim with its journal."""
        return self.state / WORK_DIR

    @property
    def tmp(self) -> Path:
        """Builds in progress; on the same filesystem as ``outbox/`` so publishing is one rename."""
        return self.state / TMP_DIR

    @property
    def lock(self) -> Path:
        """The file held locked while a service runs on this root."""
        return self.state / "lock"

    def meeting_folder(self, case_reference: str, meeting_date: str, meeting_type: str) -> Path:
        """``outbox/<case>/<date>-<type>/``."""
        return self.outbox / case_reference / f"{meeting_date}-{meeting_type}"

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, with forward slashes (as the ledger and reports show it)."""
        return Path(os.path.relpath(path, self.root)).as_posix()

    def create(self, dir_mode: int = 0o750) -> None:
        """Creates any missing folder with ``dir_mode``; existing folders are left as the admin set them."""
        for folder in (self.inbox, self.rejected, self.outbox, self.state, self.work, self.tmp):
            make_dir(folder, dir_mode)


def make_dir(path: Path, dir_mode: int) -> None:
    """Creates ``path`` and missing parents with ``dir_mode`` (not masked by the umask), keeping an inherited setgid bit."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        # keep the setgid bit a shared folder passes down (mkdir inherits it; a plain chmod would drop it),
        # so files made later in the new folder still take the staff group
        inherited = os.stat(folder.parent).st_mode & stat.S_ISGID
        os.chmod(folder, dir_mode | inherited)


def move_file(source: Path, destination: Path) -> None:
    """A rename; across filesystems (an inbox mounted apart from the root) a copy, flushed, then renamed into place."""
    try:
        os.rename(source, destination)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        partial = destination.with_name(f".{destination.name}.partial")
        try:
            shutil.copy2(source, partial)
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, destination)
        except BaseException:  # a disk that filled part-way through the copy keeps no half of it
            partial.unlink(missing_ok=True)
            raise
        os.unlink(source)


def write_atomically(path: Path, data: bytes, mode: int = 0o640) -> None:
    """Writes ``data`` to ``path`` so that a reader (or a restart) sees the old file or the new one, never half."""
    tmp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.tmp")  # short: ``path`` may be near the name limit
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:  # a full disk must not leave half a file behind
        tmp.unlink(missing_ok=True)
        raise
