"""Opening a root's ledger file: the SQLite settings, one write transaction at a time, the schema brought up to date.

``Ledger`` (in ``store``) is this connection with the facts and questions on top; everything that
touches the file itself (WAL, the busy timeout, SQLite's errors turned into ``LedgerError``s with a
fix, migrations) lives here, so the rest of the ledger only writes SQL inside ``transaction()``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Self

from docgen.errors import LedgerError
from docgen.facts import FACTS_FILE
from docgen.ledger.deadline_rows import reconcile
from docgen.ledger.from_files import Collected, append_recorded, catch_up
from docgen.ledger.migrations import MIGRATIONS, migrate
from docgen.ledger.sqlite_errors import ledger_error
from docgen.profiles import profiles_in
from docgen.root import STATE_DIR

__all__ = ["LEDGER_PATH", "LedgerConnection"]

LEDGER_PATH = Path(STATE_DIR) / "ledger.sqlite3"


class LedgerConnection:
    """One connection to a root's ledger file, opened with the settings every process shares."""

    def __init__(self, connection: sqlite3.Connection, path: Path, facts_root: Path | None = None) -> None:
        self._db = connection
        self.path = path
        #: the root whose journal of facts (``docgen.facts``) gets every fact recorded here; None: recorded in the ledger only
        self.facts_root = facts_root
        #: the root's council profiles, which work out each meeting's timescales (none but the shipped ones for a ledger in memory)
        self.profiles = profiles_in(facts_root if facts_root is not None else (path.parent.parent if path.name != ":memory:" else None))

    @classmethod
    def open(
        cls, root: Path, *, create: bool = True, wait_seconds: float = 30.0, path: Path | None = None, up_to_date: bool = True
    ) -> Self:
        """The ledger at ``root/.docgen/ledger.sqlite3``, created or migrated to the current schema, and brought up to date
        with the root's journal of facts (a ledger restored from an older backup learns what happened since).

        A write waits up to ``wait_seconds`` for another connection (a backup, the web app) to let go of the lock.
        ``path`` opens another file as this root's ledger, with ``up_to_date`` False not yet brought up to date (``docgen
        rebuild-ledger`` builds one beside it, and applies the journal once the meetings are in).
        """
        path = path or Path(root) / LEDGER_PATH
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.is_file():
            raise LedgerError(
                f"There is no ledger at {path}: if docgen has published here before, make it again with "
                f"`docgen rebuild-ledger --root {root}` (or restore it from a backup); otherwise run docgen on this root first."
            )
        try:
            db = sqlite3.connect(path, timeout=wait_seconds, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")  # another process may hold the write lock for a moment
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")  # readers never block the service's writes
            db.execute("PRAGMA synchronous = NORMAL")
            ledger = cls(db, path, Path(root))
            ledger._migrate()
            if up_to_date:
                with ledger.transaction() as db:
                    catch_up(db, Path(root))
        except sqlite3.DatabaseError as exc:
            raise LedgerError(
                f"The ledger {path} cannot be opened ({exc}): check that this account may write to {path.parent}, "
                "or restore the file from the backup."
            ) from exc
        return ledger

    @classmethod
    def open_to_read(cls, path: Path, *, wait_seconds: float = 5.0) -> Self:
        """The ledger file at ``path`` opened only to read: never made, migrated or written (a build worker's view of a
        case's history, the emails to check). SQLite's errors leave as they are: a reader decides what a failure means."""
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"  # as_uri: a folder named "a #1?" stays one path
        db = sqlite3.connect(uri, uri=True, timeout=wait_seconds, isolation_level=None)
        db.row_factory = sqlite3.Row
        return cls(db, Path(path))

    @classmethod
    def in_memory(cls) -> Self:
        """An empty ledger that is never saved (a report for a root where nothing was published)."""
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        ledger = cls(db, Path(":memory:"))
        ledger._migrate()
        return ledger

    def close(self) -> None:
        """Closes the connection."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def recording(
        self, *, durable: bool = False, unwritten: Callable[[Path, OSError], str] | None = None
    ) -> Iterator[tuple[sqlite3.Connection, Collected | None]]:
        """A write transaction whose facts (collected in the list it gives) reach the root's journal before it commits.

        A journal that cannot be written rolls the transaction back: a fact is never in the ledger alone. ``unwritten``
        words that failure for the command that met it (from the root whose journal it is and the error); ``durable`` as
        for ``transaction``.
        """
        collected: Collected | None = [] if self.facts_root is not None else None
        with self.transaction(durable=durable) as db:
            yield db, collected
            if collected and self.facts_root is not None:
                try:
                    append_recorded(db, self.facts_root, collected)
                except OSError as exc:
                    where = self.facts_root / FACTS_FILE
                    raise LedgerError(
                        unwritten(self.facts_root, exc)
                        if unwritten
                        else f"The journal of facts {where} cannot be written ({exc.strerror or exc}): nothing was recorded. "
                        f"Check that this account may write to {where.parent} and that the disk has room, then try again."
                    ) from exc

    @contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so two processes never deadlock.

        ``durable``: synced to the disk as it commits (``synchronous = FULL`` for this transaction alone), for the few
        writes that must survive a power cut too (a message handed to the mail server). SQLite's errors leave as
        ``LedgerError``s with a fix (full disk, locked, read-only...), their cause kept.
        """
        try:
            before = int(self._db.execute("PRAGMA synchronous").fetchone()[0]) if durable else None
            if durable:
                self._db.execute("PRAGMA synchronous = FULL")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:  # SQLite may have rolled back by itself (a full disk does)
                        with suppress(sqlite3.Error):
                            self._db.execute("ROLLBACK")
                    raise
            finally:
                if before is not None:  # the connection's other writes as they were
                    with suppress(sqlite3.Error):
                        self._db.execute(f"PRAGMA synchronous = {before}")
        except sqlite3.Error as exc:
            mapped = ledger_error(exc, self.path)
            if mapped is None:
                raise
            raise mapped from exc

    def query(self, sql: str, args: Sequence[object] = ()) -> list[sqlite3.Row]:
        """The rows a question of the ledger gives (a read: no transaction of its own)."""
        return self._db.execute(sql, args).fetchall()

    def _migrate(self) -> None:
        with self.transaction() as db:
            before = migrate(db, self.path)
            if 0 < before < len(MIGRATIONS):
                # a newer docgen may work deadlines out differently (schema 3: visits per child, the 6 month point
                # foreseen): every case's are worked out again from its facts, which changes nothing where it agrees
                for (case,) in db.execute("SELECT DISTINCT case_reference FROM meetings").fetchall():
                    reconcile(db, case, self.profiles)

    def schema_version(self) -> int:
        """The schema version of the open ledger."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])
