"""The ledger's schema steps: a ledger written by an older release is upgraded in place and keeps its facts."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from docgen.errors import LedgerError
from docgen.ledger import LEDGER_PATH, Ledger
from docgen.ledger.migrations import MIGRATIONS, migrate

CASE = "CIN-2026-0412"


def _write_schema_1_ledger(root: Path) -> None:
    """A ledger as the first release left it: schema 1, one published meeting with an open visit deadline."""
    path = root / LEDGER_PATH
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, path, MIGRATIONS[:1])
    db.execute(
        "INSERT INTO meetings (id, case_reference, meeting_date, meeting_type, policy, sha256, folder, key_worker, published_at, manifest) "
        "VALUES (1, ?, '2026-12-17', 'initial', 'standard', 'abc', '2026-12-17-initial', 'Tom Okafor', '2026-12-18T10:00:00+00:00', '{}')",
        (CASE,),
    )
    db.execute(
        "INSERT INTO deadlines (meeting_id, case_reference, kind, due_date, section, description) "
        "VALUES (1, ?, 'visit', '2027-01-14', 'procedure 5.2', 'Statutory visit 1 (every 28 days)')",
        (CASE,),
    )
    db.close()


def test_a_ledger_from_the_first_release_is_upgraded_and_keeps_what_was_due(tmp_path: Path) -> None:
    _write_schema_1_ledger(tmp_path)
    with Ledger.open(tmp_path, create=False) as ledger:
        assert ledger.schema_version() == len(MIGRATIONS)
        due = [(i.case_reference, i.kind, i.date, i.key_worker) for i in ledger.due(dt.date(2027, 1, 20))]
        # schema 2 added "details checked": a meeting from before it has never had its source form looked up
        assert [m.folder for m in ledger.meetings_without_details()] == ["2026-12-17-initial"]
    assert due == [(CASE, "visit", dt.date(2027, 1, 14), "Tom Okafor")]


def test_a_ledger_from_a_newer_release_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_PATH
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(LedgerError, match=r"written by a newer docgen .*upgrade docgen"):
        Ledger.open(tmp_path)
