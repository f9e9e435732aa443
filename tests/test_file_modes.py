"""The modes of docgen's own files under ``.docgen/``: secrets owner-only whatever ``file_mode`` says."""

from __future__ import annotations

import pytest

from docgen.file_modes import OWNER_ONLY, state_file_mode


@pytest.mark.parametrize("name", ["users.json", "web-secret", "audit.log", "audit.log.20261207T170000.000000Z"])
def test_secrets_and_closed_audit_logs_stay_owner_only(name: str) -> None:
    assert state_file_mode(name, 0o644) == OWNER_ONLY


@pytest.mark.parametrize("name", ["ledger.sqlite3", "ledger.sqlite3-wal", "state.json"])
def test_the_ledger_and_state_follow_file_mode(name: str) -> None:
    assert state_file_mode(name, 0o640) == 0o640
