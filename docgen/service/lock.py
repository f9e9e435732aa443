"""One service per root: an exclusive, non-blocking lock on ``.docgen/lock`` (``flock``; ``msvcrt.locking`` on Windows)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from docgen.errors import RootBusyError

__all__ = ["RootLock"]


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class RootLock:
    """Held while a service works on a root; released by the OS even if the process is killed."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Takes the lock, or raises ``ServiceError`` naming the process that holds it."""
        # held through a read-only descriptor (flock allows it on POSIX), so that an idle service keeps no file on the
        # root open for writing and an admin can remount it; Windows' byte-range locks need a writable one
        if sys.platform == "win32":
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o640)
        else:
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o640))
            fd = os.open(self.path, os.O_RDONLY)
        if not _try_lock(fd):
            try:
                holder = os.read(fd, 64).decode("ascii", "replace").strip()
            except OSError:  # Windows: the locked byte cannot be read either
                holder = ""
            os.close(fd)
            who = f" (process {holder})" if holder else ""
            raise RootBusyError(
                f"Another docgen{who} is already working on {self.path.parent.parent}: only one may run per folder. "
                "Stop the other one first, or leave it running: it will pick up new forms."
            )
        self._fd = fd
        if sys.platform == "win32":
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return
        try:
            writer = os.open(self.path, os.O_WRONLY | os.O_TRUNC)
            try:
                os.write(writer, f"{os.getpid()}\n".encode())
            finally:
                os.close(writer)
        except OSError:
            self.release()  # a root that cannot be written: the caller says why, and holds nothing
            raise

    @property
    def fileno(self) -> int | None:
        """The locked file's descriptor while held."""
        return self._fd

    def release(self) -> None:
        """Lets another service take the root."""
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RootLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
