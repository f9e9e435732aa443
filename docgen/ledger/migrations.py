"""The ledger's schema, one step per version: ``PRAGMA user_version`` says how many steps a ledger has had."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docgen.errors import LedgerError

__all__ = ["MIGRATIONS", "migrate"]

# Each entry upgrades the schema by one version. Never edit a step once released: add another.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('published', 'rejected', 'duplicate', 'ledger_update')),
        "where" TEXT,
        detail TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        case_reference TEXT NOT NULL,
        meeting_date TEXT NOT NULL,
        meeting_type TEXT NOT NULL,
        policy TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        folder TEXT NOT NULL,
        key_worker TEXT,
        chair_role TEXT,
        referral_date TEXT,
        published_at TEXT NOT NULL,
        superseded_by INTEGER REFERENCES meetings (id),
        manifest TEXT NOT NULL,
        UNIQUE (case_reference, meeting_date, meeting_type, sha256)
    );
    CREATE INDEX meetings_case ON meetings (case_reference, meeting_date);
    CREATE TABLE deadlines (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        case_reference TEXT NOT NULL,
        kind TEXT NOT NULL,
        due_date TEXT NOT NULL,
        child TEXT,
        recipient TEXT,
        document TEXT,
        section TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'met', 'closed', 'retired')),
        met_at TEXT,
        met_by TEXT,
        late INTEGER NOT NULL DEFAULT 0,
        generated INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX deadlines_case ON deadlines (case_reference);
    CREATE INDEX deadlines_open ON deadlines (status, due_date);
    CREATE TABLE copies (
        id INTEGER PRIMARY KEY,
        deadline_id INTEGER NOT NULL REFERENCES deadlines (id),
        meeting_id INTEGER NOT NULL REFERENCES meetings (id),
        recipient TEXT NOT NULL,
        role TEXT,
        document TEXT NOT NULL,
        child TEXT,
        delivery TEXT,
        sent_date TEXT,
        sent_by TEXT,
        UNIQUE (meeting_id, recipient, document)
    );
    CREATE TABLE visits (
        id INTEGER PRIMARY KEY,
        case_reference TEXT NOT NULL,
        child TEXT NOT NULL,
        visit_date TEXT NOT NULL,
        seen_alone INTEGER,
        source TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (case_reference, child, visit_date)
    );
    CREATE TABLE workbooks (
        path TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        mtime_ns INTEGER NOT NULL,
        read_at TEXT NOT NULL
    );
    """,
    # 2: whether a meeting's key worker, chair and referral date were looked up in its source form
    "ALTER TABLE meetings ADD COLUMN details_checked INTEGER NOT NULL DEFAULT 0",
    # 3: what each child's visits and the 6-month point are counted from (read from the form, or its manifest);
    # earlier meetings have their source forms read again for them
    """
    ALTER TABLE meetings ADD COLUMN visit_frequency_days INTEGER;
    ALTER TABLE meetings ADD COLUMN plan_start_date TEXT;
    UPDATE meetings SET details_checked = 0
    """,
    # 4: each published meeting's canonical record (the case's history, the next meeting's form); a meeting
    # published before it has its record read from its source form when its case is first asked for
    """
    CREATE TABLE meeting_records (
        meeting_id INTEGER PRIMARY KEY REFERENCES meetings (id),
        record TEXT NOT NULL
    )
    """,
    # 5: the sending journal of ``docgen send`` (docgen/ledger/send_journal.py): one row per emailed copy, written before it goes
    """
    CREATE TABLE IF NOT EXISTS sendings (
        copy_key TEXT PRIMARY KEY,
        case_reference TEXT NOT NULL,
        folder TEXT NOT NULL,
        recipient TEXT NOT NULL,
        email TEXT NOT NULL,
        documents TEXT NOT NULL,
        message_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'uncertain')),
        attempts INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        sent_at TEXT,
        detail TEXT,
        recorded INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS sendings_status ON sendings (status)
    """,
    # 6: how far the ledger has read the root's journal of facts (docgen/facts.py), so that each opening applies only what is new
    # (everything, for a ledger restored from an older backup)
    "CREATE TABLE IF NOT EXISTS journal_read (path TEXT PRIMARY KEY, bytes INTEGER NOT NULL)",
    # 7: what closed a closed deadline when it was not the case's closure: ``superseded`` for copies a later meeting
    # of the case overtook before they were sent (worked out again from the meetings and sent dates, like every status)
    "ALTER TABLE deadlines ADD COLUMN closed_as TEXT",
)


def migrate(db: sqlite3.Connection, path: Path, steps: tuple[str, ...] = MIGRATIONS) -> int:
    """Runs the steps a ledger has not had yet, inside the caller's transaction, and returns the version it had.

    A ledger written by a newer docgen is refused.
    """
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(steps):
        raise LedgerError(f"The ledger {path} was written by a newer docgen (schema {version}): upgrade docgen.")
    for number, script in enumerate(steps[version:], start=version + 1):
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")
    return int(version)
