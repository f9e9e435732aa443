"""The ledger meeting a full disk or a lock held elsewhere: a ``LedgerError`` that says what to do, and a ledger still usable after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from docgen.errors import LedgerError
from docgen.ledger import Ledger


def test_a_full_disk_during_a_write_is_a_ledger_error_and_the_ledger_stays_usable(tmp_path: Path) -> None:
    ledger = Ledger.open(tmp_path)
    pages = ledger._db.execute("PRAGMA page_count").fetchone()[0]
    ledger._db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full" on the next growth
    with pytest.raises(LedgerError) as raised:
        ledger.record_file(sha256="a" * 64, name="form.json", outcome="published", where="outbox/x", detail="x" * 1_000_000)
    assert str(raised.value) == (
        f"The ledger {tmp_path / '.docgen' / 'ledger.sqlite3'} cannot be written: the disk holding it is full. Free some space and try again."
    )
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
    assert not ledger._db.in_transaction  # rolled back: nothing half-written, and the next write can begin
    ledger._db.execute("PRAGMA max_page_count = 1073741823")
    ledger.record_file(sha256="a" * 64, name="form.json", outcome="published", where="outbox/x")
    seen = ledger.file_seen("a" * 64)
    assert seen is not None and seen.outcome == "published"
    ledger.close()


def test_a_lock_held_past_the_wait_is_a_ledger_error_naming_the_likely_holder(tmp_path: Path) -> None:
    Ledger.open(tmp_path).close()
    holder = sqlite3.connect(tmp_path / ".docgen" / "ledger.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(LedgerError) as raised:
            Ledger.open(tmp_path, wait_seconds=0.1)
        assert "is locked by another program (a backup, or a second reader) that held it too long" in str(raised.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    Ledger.open(tmp_path, wait_seconds=0.1).close()
