"""Files made by a command run as root belong to the account that owns the docgen folder, so the service can still use them."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["follow_owner", "owner_name", "root_owner"]


def root_owner(root: Path) -> tuple[int, int] | None:
    """The uid and gid that own ``root``'s ``.docgen`` folder (else the root itself); None when neither can be read."""
    for folder in (Path(root) / ".docgen", Path(root)):
        try:
            info = folder.stat()
        except OSError:
            continue
        return info.st_uid, info.st_gid
    return None


def owner_name(uid: int) -> str:
    """The account name of ``uid`` (its number where the system has no name for it)."""
    try:
        import pwd  # POSIX only; Windows has no root to run as
    except ImportError:
        return str(uid)
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def follow_owner(path: Path, root: Path) -> None:
    """Run as root on a root owned by another account: gives ``path`` to that account (a no-op otherwise)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    owner = root_owner(root)
    if owner is None or owner[0] == 0:
        return
    with contextlib.suppress(FileNotFoundError):
        os.chown(path, *owner, follow_symlinks=False)
