"""The ledger's schema steps: a ledger written by an older release is upgraded in place and keeps its facts."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from docgen.errors import LedgerError
from docgen.ledger import LEDGER_PATH, Ledger
from docgen.ledger.migrations import MIGRATIONS, migrate

CASE = "CIN-2026-0412"


def _write_schema_1_ledger(root: Path) -> None:
    """A ledger as the first release left it: schema 1, one meeting with its planned visit series, one visit recorded."""
    manifest = {"children": ["C1", "C2"], "deadlines": [{"kind": "visit", "date": "2026-12-31"}, {"kind": "visit", "date": "2027-01-14"}]}
    path = root / LEDGER_PATH
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, path, MIGRATIONS[:1])
    db.execute(
        "INSERT INTO meetings (id, case_reference, meeting_date, meeting_type, policy, sha256, folder, key_worker, published_at, manifest) "
        "VALUES (1, ?, '2026-12-17', 'initial', 'standard', 'abc', '2026-12-17-initial', 'Tom Okafor', '2026-12-18T10:00:00+00:00', ?)",
        (CASE, json.dumps(manifest)),
    )
    db.execute(
        "INSERT INTO deadlines (meeting_id, case_reference, kind, due_date, section, description) "
        "VALUES (1, ?, 'visit', '2027-01-14', 'procedure 5.2', 'Statutory visit 1 (every 28 days)')",
        (CASE,),
    )
    db.execute(
        "INSERT INTO visits (case_reference, child, visit_date, recorded_at) VALUES (?, 'C1', '2026-12-29', '2026-12-30T09:00:00+00:00')",
        (CASE,),
    )
    db.close()


def test_a_ledger_from_the_first_release_is_upgraded_to_each_childs_visits_and_the_6_month_point(tmp_path: Path) -> None:
    _write_schema_1_ledger(tmp_path)
    with Ledger.open(tmp_path, create=False) as ledger:
        assert ledger.schema_version() == len(MIGRATIONS)
        due = [(i.kind, i.child, i.date, i.key_worker) for i in ledger.due(dt.date(2027, 1, 20))]
        old = next(d for d in ledger.deadlines() if not d["generated"])
        # the source forms are read again for what schema 3 keeps (the visit frequency, the plan start)
        assert [m.folder for m in ledger.meetings_without_details()] == ["2026-12-17-initial"]
    # the planned series said every 14 days (17 Dec to 31 Dec): C1 was seen on 29 Dec, so is due 12 Jan;
    # C2 was never seen, so is due 14 days after the meeting; the plan started at the initial meeting on
    # 17 Dec 2026, so the Principal Manager review falls on 17 Jun 2027
    assert due == [
        ("visit", "C2", dt.date(2026, 12, 31), "Tom Okafor"),
        ("visit", "C1", dt.date(2027, 1, 12), "Tom Okafor"),
        ("principal_manager_review", None, dt.date(2027, 6, 17), "Tom Okafor"),
    ]
    assert (old["kind"], old["status"]) == ("visit", "retired")


def test_a_ledger_from_a_newer_release_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_PATH
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(LedgerError, match=r"written by a newer docgen .*upgrade docgen"):
        Ledger.open(tmp_path)
