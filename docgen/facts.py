"""The root's journal of facts: what the ledger records that no published file shows, one JSON line each.

Manifests, source forms and ``distribution.xlsx`` already hold most of what the ledger knows. The rest —
visits (from a visit log or the web app), sent dates and their corrections, every step of sending an email (its
Message-ID, sent, failed or uncertain), and a note of each meeting published (where its manifest is, so that a
ledger restored from an older backup learns of it) — is appended here, in ``journal/facts.jsonl`` at the root, by
the same transaction that records it in the ledger, so that a root's nightly file backup holds every fact and
``docgen rebuild-ledger`` can make the ledger again from the root's files alone.

Each line is an object with ``kind`` (what sort of fact), ``at`` (when it was recorded, UTC) and the fact's own
fields. Lines are only ever appended: a correction is a later line, never an edit. A new kind of fact is added
by calling ``append_fact`` where it is recorded and registering how to apply it in ``docgen.ledger.from_files``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from docgen.ownership import follow_owner
from docgen.root import JOURNAL_DIR

__all__ = ["FACTS_FILE", "append_fact", "append_facts", "journal_size", "read_facts"]

FACTS_FILE = Path(JOURNAL_DIR) / "facts.jsonl"


def append_fact(root: Path, kind: str, fields: Mapping[str, Any]) -> None:
    """Appends one fact to the root's journal and makes it durable (fsync) before returning; raises ``OSError`` if it cannot."""
    append_facts(root, [(kind, fields)])


def append_facts(root: Path, facts: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
    """Appends facts ``(kind, fields)`` in one write and one fsync (a visit log's hundred rows cost one); nothing for none."""
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    data = b"".join(
        (json.dumps({"kind": kind, "at": at, **fields}, ensure_ascii=False, sort_keys=True, default=str) + "\n").encode("utf-8")
        for kind, fields in facts
    )
    if not data:
        return
    path = Path(root) / FACTS_FILE
    if not path.parent.is_dir():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        follow_owner(path.parent, Path(root))
    created = not path.exists()
    # owner-only: the facts name children and recipients, as the plans do
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        _lock(fd)  # one line at a time from every process: the web app, the service and ``docgen send`` write together
        size = os.fstat(fd).st_size
        if size and os.lseek(fd, size - 1, os.SEEK_SET) >= 0 and os.read(fd, 1) != b"\n":  # appends still go to the end
            data = b"\n" + data  # a line torn by a crash stays alone (and unread): never glued to this one
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(28, "the journal line could not be written whole (disk full?)")
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        follow_owner(path, Path(root))


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: appends of one write each are not interleaved
        return
    fcntl.flock(fd, fcntl.LOCK_EX)  # released when the descriptor closes


def read_facts(root: Path, start: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every whole fact from byte ``start`` on, each with the offset just past it; a torn last line (a crash mid-write) is left for later."""
    path = Path(root) / FACTS_FILE
    try:
        with path.open("rb") as stream:
            stream.seek(start)
            offset = start
            for raw in stream:
                if not raw.endswith(b"\n"):
                    return
                offset += len(raw)
                try:
                    fact = json.loads(raw)
                except ValueError:
                    continue  # a line spoiled by hand: the others still count
                if isinstance(fact, dict) and isinstance(fact.get("kind"), str):
                    yield offset, fact
    except FileNotFoundError:
        return


def journal_size(root: Path) -> int:
    """How many bytes the journal holds (0 when there is none yet)."""
    try:
        return (Path(root) / FACTS_FILE).stat().st_size
    except FileNotFoundError:
        return 0
