"""The sending journal writes through the ledger's own connection: each step synced as it commits, its facts in the same transaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import docgen.ledger.from_files
from docgen.errors import LedgerError
from docgen.facts import FACTS_FILE
from docgen.ledger.send_journal import Journal
from docgen.ledger.store import Ledger
from tests.conftest import clean_initial
from tests.send.helpers import publish

NORMAL = 1  # PRAGMA synchronous: the ledger's setting for every other write


def _start(journal: Journal, manifest: dict[str, object], key: str) -> None:
    meeting = manifest["meeting"]
    assert isinstance(meeting, dict)
    journal.start(
        copy_key=key,
        case_reference=str(manifest["case_reference"]),
        folder=str(meeting["folder"]),
        recipient="Sarah Jones",
        email="sarah.jones@example.org",
        documents=("plan-C1.pdf",),
        message_id=f"<{key}@council.example>",
    )


def _sendings(root: Path) -> list[tuple[str, str]]:
    lines = (root / FACTS_FILE).read_text(encoding="utf-8").splitlines()
    facts = [json.loads(line) for line in lines]
    return [(f["row"]["copy_key"], f["row"]["status"]) for f in facts if f["kind"] == "sending"]


def test_each_step_is_in_the_ledger_and_the_journal_of_facts_and_the_ledger_stays_as_it_was(tmp_path: Path) -> None:
    manifest = publish(tmp_path, clean_initial())
    with Ledger.open(tmp_path) as ledger:
        journal = Journal(ledger)
        _start(journal, manifest, "one")
        journal.sent("one", "250 OK")
        journal.close()  # a lent connection stays open for the ledger's own work
        assert ledger.query("PRAGMA synchronous")[0][0] == NORMAL
        assert [(r["copy_key"], r["status"]) for r in ledger.query("SELECT * FROM sendings")] == [("one", "sent")]
    assert _sendings(tmp_path) == [("one", "sending"), ("one", "sent")]


def test_a_journal_of_facts_that_cannot_be_written_records_no_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = publish(tmp_path, clean_initial())

    def full_disk(root: Path, facts: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docgen.ledger.from_files, "append_facts", full_disk)
    with Ledger.open(tmp_path) as ledger:
        journal = Journal(ledger)
        with pytest.raises(LedgerError) as raised:
            _start(journal, manifest, "one")
        assert journal.get("one") is None, "a step is never in the ledger without its fact"
        assert ledger.query("PRAGMA synchronous")[0][0] == NORMAL
    assert str(raised.value) == (
        f"The journal of facts under {tmp_path} cannot be written (No space left on device), so docgen send stopped before "
        "recording this step. Check that this account may write to it and that the disk has room, then run docgen send "
        "again (a copy that may have been handed over shows as uncertain)."
    )
