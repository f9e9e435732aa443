"""The sending journal: a durable record, in the ledger's database, of every message handed to the mail server.

Each change of a row is also appended, whole, to the root's journal of facts (``docgen.facts``) before it commits,
so a ledger restored from an older backup, or rebuilt, still knows every message that went.

Before a message goes, a ``sending`` row with its Message-ID is committed; after the server's 250 the
row becomes ``sent`` with the time. A row still ``sending`` when the next run starts was interrupted
after the server may have taken the message: it becomes ``uncertain`` and is sent again only when
staff ask (``docgen send --resend``). ``failed`` rows (the server refused) are tried again next run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docgen.ledger.connection import LedgerConnection
from docgen.ledger.from_files import Collected, record_sending

__all__ = ["SEND_LOCK_NAME", "Journal", "Sending", "emails_to_check", "uncertain_copies"]

#: the lock a sender holds, in the ledger's folder (``.docgen``)
SEND_LOCK_NAME = "send.lock"


@dataclass(frozen=True)
class Sending:
    """One copy's row in the journal."""

    copy_key: str
    case_reference: str
    folder: str
    recipient: str
    email: str
    documents: tuple[str, ...]
    message_id: str
    status: str
    sent_at: str | None
    detail: str | None
    recorded: bool  # the sent date is in the ledger and distribution.xlsx
    started_at: str = ""  # when this message was last handed to the server (UTC, ISO 8601)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _sending(row: sqlite3.Row) -> Sending:
    return Sending(
        copy_key=row["copy_key"],
        case_reference=row["case_reference"],
        folder=row["folder"],
        recipient=row["recipient"],
        email=row["email"],
        documents=tuple(json.loads(row["documents"])),
        message_id=row["message_id"],
        status=row["status"],
        sent_at=row["sent_at"],
        detail=row["detail"],
        recorded=bool(row["recorded"]),
        started_at=row["started_at"],
    )


def _unwritten(root: Path, exc: OSError) -> str:
    """What ``docgen send`` says when the journal of facts cannot take a step: the step is rolled back, never half recorded."""
    return (
        f"The journal of facts under {root} cannot be written ({exc.strerror or exc}), so docgen send stopped "
        "before recording this step. Check that this account may write to it and that the disk has room, then run "
        "docgen send again (a copy that may have been handed over shows as uncertain)."
    )


def _collect(db: sqlite3.Connection, collected: Collected | None, copy_keys: Sequence[str]) -> None:
    """Collects the rows of ``copy_keys`` as they now stand, for the root's journal of facts (None: the ledger only)."""
    if collected is not None:
        for key in copy_keys:
            record_sending(db, collected, key)


class Journal:
    """The ``sendings`` table, over a connection of the ledger: each change its own transaction, synced as it commits."""

    def __init__(self, ledger: LedgerConnection, *, owned: bool = False) -> None:
        self._ledger = ledger  # the table is made by the ledger's migration 5
        self._owned = owned  # closed with the journal (``open``); a ledger lent by its caller stays open

    @property
    def facts_root(self) -> Path | None:
        """The root whose journal of facts gets every change; None: the ledger only."""
        return self._ledger.facts_root

    @classmethod
    def open(cls, ledger_path: Path) -> Journal:
        """The journal in the ledger at ``ledger_path``, made by ``Ledger.open`` first, on a connection of its own."""
        path = Path(ledger_path)
        return cls(LedgerConnection.open(path.parent.parent, create=False, path=path, up_to_date=False), owned=True)

    def close(self) -> None:
        """Closes the connection, where the journal opened it."""
        if self._owned:
            self._ledger.close()

    def _write(self, sql: str, args: tuple[object, ...], *copy_keys: str) -> None:
        # durable: a record of a message handed over must survive a power cut too
        with self._ledger.recording(durable=True, unwritten=_unwritten) as (db, collected):
            db.execute(sql, args)
            _collect(db, collected, copy_keys)

    def get(self, copy_key: str) -> Sending | None:
        """The copy's row, or None if it was never tried."""
        rows = self._ledger.query("SELECT * FROM sendings WHERE copy_key = ?", (copy_key,))
        return _sending(rows[0]) if rows else None

    def all(self, *, case: str | None = None, status: str | None = None) -> list[Sending]:
        """Rows, optionally of one case or status, in the order they were started."""
        sql, args = "SELECT * FROM sendings WHERE 1 = 1", []
        if case:
            sql += " AND case_reference = ?"
            args.append(case)
        if status:
            sql += " AND status = ?"
            args.append(status)
        return [_sending(r) for r in self._ledger.query(sql + " ORDER BY started_at, rowid", args)]

    def interrupted_to_uncertain(self) -> int:
        """Rows left ``sending`` by a run that stopped: the server may have the message. Call only while holding the send lock."""
        with self._ledger.recording(durable=True, unwritten=_unwritten) as (db, collected):
            keys = [row[0] for row in db.execute("SELECT copy_key FROM sendings WHERE status = 'sending'")]
            changed = db.execute(
                "UPDATE sendings SET status = 'uncertain', detail = 'sending was interrupted after the message may have reached the mail server' "
                "WHERE status = 'sending'"
            ).rowcount
            _collect(db, collected, keys)
        return int(changed)

    def start(
        self, *, copy_key: str, case_reference: str, folder: str, recipient: str, email: str, documents: tuple[str, ...], message_id: str
    ) -> None:
        """Durably notes that this message is about to be handed to the server (before any byte of it goes)."""
        self._write(
            "INSERT INTO sendings (copy_key, case_reference, folder, recipient, email, documents, message_id, status, attempts, started_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'sending', 1, ?) ON CONFLICT (copy_key) DO UPDATE SET status = 'sending', "
            "message_id = excluded.message_id, attempts = sendings.attempts + 1, started_at = excluded.started_at, detail = NULL, "
            "email = excluded.email, documents = excluded.documents",
            (copy_key, case_reference, folder, recipient, email, json.dumps(list(documents)), message_id, _now()),
            copy_key,
        )

    def sent(self, copy_key: str, reply: str, when: dt.datetime | None = None) -> None:
        """The server answered 250: the message is sent."""
        stamp = (when or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        self._write("UPDATE sendings SET status = 'sent', sent_at = ?, detail = ? WHERE copy_key = ?", (stamp, reply, copy_key), copy_key)

    def failed(self, copy_key: str, detail: str) -> None:
        """The server refused the message for good (or it could not be handed over): the copy stays due."""
        self._write("UPDATE sendings SET status = 'failed', detail = ? WHERE copy_key = ?", (detail, copy_key), copy_key)

    def uncertain(self, copy_key: str, detail: str) -> None:
        """The connection broke while the message was being handed over: the server may have it."""
        self._write("UPDATE sendings SET status = 'uncertain', detail = ? WHERE copy_key = ?", (detail, copy_key), copy_key)

    def mark_recorded(self, copy_key: str) -> None:
        """The sent date is now in the ledger and ``distribution.xlsx``."""
        self._write("UPDATE sendings SET recorded = 1 WHERE copy_key = ?", (copy_key,), copy_key)

    def unrecorded(self) -> list[Sending]:
        """Sent messages whose sent date still has to reach the ledger or the workbook (open in Excel, or a crash)."""
        return [_sending(r) for r in self._ledger.query("SELECT * FROM sendings WHERE status = 'sent' AND recorded = 0 ORDER BY rowid")]


def emails_to_check(ledger_path: Path) -> list[Sending]:
    """Emails that may or may not have reached their recipient: ``uncertain`` ones, and any left ``sending`` by a run that
    stopped (no sender holds the send lock). Staff check with the recipient, then ``docgen send --resend``."""
    if not Path(ledger_path).is_file():
        return []
    with LedgerConnection.open_to_read(Path(ledger_path)) as ledger:
        if not ledger.query("SELECT 1 FROM sqlite_master WHERE name = 'sendings'"):
            return []
        rows = ledger.query("SELECT * FROM sendings WHERE status IN ('uncertain', 'sending') ORDER BY started_at, rowid")
    found = [_sending(row) for row in rows]
    if any(s.status == "sending" for s in found) and _sender_running(Path(ledger_path).parent):
        found = [s for s in found if s.status == "uncertain"]  # those are being sent right now
    return found


def _sender_running(folder: Path) -> bool:
    """Whether a ``docgen send`` (or ``watch``'s sender) holds the send lock in ``folder`` (``.docgen``) right now."""
    path = folder / SEND_LOCK_NAME
    try:
        import fcntl
    except ImportError:  # cannot tell: a row still being sent counts as one to check
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def uncertain_copies(ledger_path: Path) -> set[tuple[str, str, str]]:
    """(case, meeting folder, recipient in lower case) of every copy in ``emails_to_check``; for ``docgen due`` and the web app."""
    return {(s.case_reference, s.folder, s.recipient.strip().lower()) for s in emails_to_check(ledger_path)}
