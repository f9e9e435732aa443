"""Files made by a command run as root belong to the account that owns the root folder, so the service can still use them.

Run as root (``sudo docgen users add …``) on a root owned by the service account, a command first hands back to that
account any file under ``.docgen/`` an earlier run as root left behind, and when it ends hands over every file it made.
``serve`` and ``watch``, which never end by themselves, refuse to run as root there, naming the account to use; and
they check at start that they can use ``.docgen/``, saying in one line what to fix instead of failing later.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import time
from pathlib import Path

from docgen.errors import ConfigError
from docgen.root import STATE_DIR

__all__ = ["check_permissions", "follow_owner", "hand_to_owner", "owner_name", "refuse_root_run", "root_owner"]


def root_owner(root: Path) -> tuple[int, int] | None:
    """The uid and gid that own the root folder; None when it cannot be read."""
    try:
        info = Path(root).stat()
    except OSError:
        return None
    return info.st_uid, info.st_gid


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


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def follow_owner(path: Path, root: Path) -> None:
    """Run as root on a root owned by another account: gives ``path`` to that account (a no-op otherwise)."""
    if not _running_as_root():
        return
    owner = root_owner(root)
    if owner is None or owner[0] == 0:
        return
    with contextlib.suppress(FileNotFoundError):
        os.chown(path, *owner, follow_symlinks=False)


def _hand_back(root: Path, owner: tuple[int, int], since: float | None) -> None:
    """Gives the owner every root-owned entry under ``.docgen/`` and, with ``since``, every one made or changed since then."""
    state = str(Path(root) / STATE_DIR)
    for base, dirs, files in os.walk(root):
        for entry in (base, *(os.path.join(base, d) for d in dirs), *(os.path.join(base, f) for f in files)):
            with contextlib.suppress(FileNotFoundError):
                info = os.lstat(entry)
                if info.st_uid == 0 and (entry.startswith(state) or (since is not None and info.st_ctime >= since)):
                    os.chown(entry, *owner, follow_symlinks=False)
        if since is None and base == str(root):
            dirs[:] = [d for d in dirs if d == STATE_DIR]  # only docgen's own folder: the rest is the administrator's


def hand_to_owner(root: Path) -> str | None:
    """Run as root on a root owned by another account: every file this command makes becomes that account's when it ends.

    Files an earlier run as root left under ``.docgen/`` are handed back at once. Returns the account's name, or None
    when there is nothing to do (not root, or a root that root owns).
    """
    if not _running_as_root():
        return None
    owner = root_owner(root)
    if owner is None or owner[0] == 0:
        return None
    started = time.time() - 1  # file times may be a little coarser than the clock
    _hand_back(Path(root), owner, None)
    atexit.register(_hand_back, Path(root), owner, started)
    return owner_name(owner[0])


def refuse_root_run(root: Path, command: str) -> None:
    """Raises ``ConfigError`` when a long-running command is started as root on a root another account owns, naming that account."""
    if not _running_as_root():
        return
    owner = root_owner(root)
    if owner is None or owner[0] == 0:
        return
    name = owner_name(owner[0])
    raise ConfigError(
        f"{root} belongs to the account {name}: run `docgen {command}` as that account (`sudo -u {name} docgen {command} --root {root}`, "
        "or the systemd unit's User=), never as root."
    )


def check_permissions(root: Path) -> None:
    """Raises ``ConfigError`` naming the first file or folder under ``.docgen/`` this account cannot use, and the fix."""
    state = Path(root) / STATE_DIR
    if not state.exists() or _read_only(state):
        return  # a read-only file system is a fault of the machine, not of ownership: the service names it and waits it out
    me = owner_name(os.geteuid()) if hasattr(os, "geteuid") else "this account"
    entries = [state, *sorted(p for p in state.iterdir() if not p.is_symlink())]
    for path in entries:
        wanted = os.R_OK | os.W_OK | (os.X_OK if path.is_dir() else 0)
        if os.access(path, wanted, effective_ids=os.access in os.supports_effective_ids):
            continue
        try:
            info = path.stat()
            held = f"owned by {owner_name(info.st_uid)}, mode {info.st_mode & 0o777:04o}"
        except OSError:
            held = "cannot be read"
        raise ConfigError(
            f"docgen (running as {me}) cannot use {path} ({held}): as root run `chown -R {me}: {state}` "
            f"(or run docgen as the account that owns it), then start again."
        )


def _read_only(path: Path) -> bool:
    """Whether the file system holding ``path`` is mounted read-only."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): permissions are checked as usual
        return False
