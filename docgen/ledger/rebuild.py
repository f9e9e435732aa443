"""``docgen rebuild-ledger``'s work: the ledger made again from the root's files alone.

The published meetings come from their manifests (amended versions from the ``superseded/`` folders kept inside
the current one), their records from the journal (or, for meetings published before it kept them, the source
forms), sent dates staff typed from each ``distribution.xlsx``, and everything else — visits, sent dates recorded by docgen and their corrections, the
sending journal — from the root's journal of facts (``docgen.facts``). The new ledger is built beside the old
one and takes its place only when complete, so running it twice, or stopping it half way, loses nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from docgen.errors import LedgerError
from docgen.facts import FACTS_FILE
from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.distribution_lists import sync_sent_dates
from docgen.ledger.from_files import catch_up, journaled_records
from docgen.ledger.sources import source_record
from docgen.ledger.store import Ledger
from docgen.manifest import Manifest
from docgen.ownership import follow_owner
from docgen.root import SUPERSEDED_DIR, Layout

__all__ = ["Rebuilt", "missing_ledger_note", "published_manifests", "rebuild_if_lost", "rebuild_ledger"]

_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Rebuilt:
    """What the rebuilt ledger was made from."""

    meetings: int
    records_read: int  # source forms read again, for meetings published before the journal kept their records
    facts_bytes: int
    problems: tuple[str, ...]
    seconds: float


def published_manifests(root: Path, problems: list[str] | None = None) -> Iterator[tuple[Path, Manifest]]:
    """Every published meeting's folder and manifest under ``outbox/``, amended (superseded) versions included.

    A manifest that cannot be read is left out, with a line saying so added to ``problems``.
    """
    outbox = Layout(Path(root)).outbox
    for path in [*sorted(outbox.glob("*/*/manifest.json")), *sorted(outbox.glob(f"*/*/{SUPERSEDED_DIR}/**/manifest.json"))]:
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            manifest = None
            reason = f"it cannot be read ({exc})"
        else:
            reason = "it lacks case_reference, meeting or source"
        if isinstance(manifest, dict) and manifest.get("case_reference") and manifest.get("meeting") and manifest.get("source"):
            yield path.parent, cast(Manifest, manifest)  # as the file holds it: an older one may lack a key
        elif problems is not None:
            problems.append(f"{path.relative_to(root)} was left out because {reason}: restore it from the file backup")


def _remove(path: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _published_here(root: Path) -> bool:
    return next(iter(Layout(Path(root)).outbox.glob("*/*/manifest.json")), None) is not None or (Path(root) / FACTS_FILE).is_file()


@contextlib.contextmanager
def _rebuilding(state: Path) -> Iterator[None]:
    """One rebuild at a time per root (``watch`` and ``serve`` starting together after a loss)."""
    fd = os.open(state / "rebuild.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # Windows: one service per root starts it
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def rebuild_if_lost(root: Path) -> Rebuilt | None:
    """Makes the ledger again when it is missing from a root where meetings were published (call before a service opens it)."""
    root = Path(root)
    if (root / LEDGER_PATH).is_file() or not _published_here(root):
        return None
    return rebuild_ledger(root, only_if_missing=True)


def rebuild_ledger(root: Path, *, only_if_missing: bool = False) -> Rebuilt | None:
    """Makes ``.docgen/ledger.sqlite3`` again from the root's files; the service must not be running (the caller checks).

    ``only_if_missing``: None, and nothing done, when another process made the ledger meanwhile.
    """
    root = Path(root)
    state = root / LEDGER_PATH.parent
    if not state.is_dir():
        state.mkdir(mode=0o700)
        follow_owner(state, root)
    with _rebuilding(state):
        if only_if_missing and (root / LEDGER_PATH).is_file():
            return None
        return _rebuild(root)


def _rebuild(root: Path) -> Rebuilt:
    started = time.monotonic()
    target = root / LEDGER_PATH
    building = target.with_name("ledger.rebuilding.sqlite3")
    _remove(building)  # a rebuild stopped half way starts again
    problems: list[str] = []
    found = sorted(published_manifests(root, problems), key=lambda item: (str(item[1].get("generated_at") or ""), len(item[0].parts)))
    records = 0
    journaled = journaled_records(root)
    with Ledger.open(root, path=building, up_to_date=False) as ledger:
        ledger.facts_root = None  # every fact applied here is already in the root's files
        for folder, manifest in found:
            try:
                meeting, source = manifest["meeting"], manifest["source"]
                key = (str(manifest["case_reference"]), str(meeting.get("date")), str(meeting.get("type")), str(source.get("sha256")))
                record = journaled.get(key)
                if record is None:  # published before the journal kept records: read from the form itself
                    record = source_record(folder, manifest, ledger.profiles.reading_catalogue())
                    records += record is not None
                ledger.publish_meeting(manifest, record=record)
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                problems.append(f"{folder.relative_to(root)}/manifest.json could not be read back ({exc}): check it against its folder")
                continue
            if folder.parent.name != SUPERSEDED_DIR and source.get("sha256"):
                where = folder.relative_to(root).as_posix()
                ledger.record_file(sha256=str(source["sha256"]), name=str(source.get("name") or ""), outcome="published", where=where)
        problems += sync_sent_dates(root, ledger).problems
        with ledger.transaction() as db:
            facts = catch_up(db, root)  # from the start: the journal's published meetings are all in already, its other facts not
    _remove(target)
    os.replace(building, target)
    follow_owner(target, root)
    return Rebuilt(len(found), records, facts, tuple(problems), time.monotonic() - started)


def missing_ledger_note(root: Path) -> None:
    """Raises ``LedgerError`` when the ledger is gone but the outbox shows meetings were published: an empty answer would be wrong."""
    if (Path(root) / LEDGER_PATH).is_file():
        return
    if _published_here(root):
        raise LedgerError(
            f"There is no ledger at {Path(root) / LEDGER_PATH}, but the outbox holds published meetings: "
            f"run `docgen rebuild-ledger --root {root}` to make it again from the root's files (or restore it from a backup)."
        )
