"""A ledger restored from a backup taken before a ``docgen send`` sends nothing twice: the root's files show what went."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import main
from tests.send.helpers import MailServer
from tests.send.test_send_smtp import set_up


def _docgen(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_restored_older_backup_sends_no_copy_twice(tmp_path: Path, mail_server: MailServer, smtp_password: str) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    backup = tmp_path / "backup"
    said = _docgen("backup", "--root", str(root), "--to", str(backup))
    assert said.startswith(f"Backed up ledger.sqlite3 into {backup}"), said
    first = json.loads(_docgen("send", "--root", str(root), "--json"))
    assert len(first) == 4 and {o["status"] for o in first} == {"sent"}
    assert len(mail_server.messages()) == 4

    # the restore as docs/operations.md gives it: docgen stopped, the files copied back, -wal and -shm removed
    for name in ("ledger.sqlite3-wal", "ledger.sqlite3-shm"):
        (root / ".docgen" / name).unlink(missing_ok=True)
    for path in backup.iterdir():
        shutil.copy2(path, root / ".docgen" / path.name)

    again = json.loads(_docgen("send", "--root", str(root), "--json"))
    assert again == [], "every copy the root's files show as sent stays sent"
    assert len(mail_server.messages()) == 4
    due = json.loads(_docgen("due", "--root", str(root), "--as-of", "2026-12-18", "--json"))
    emailed = {o["recipient"] for o in first}
    assert not {d.get("recipient") for d in due if d["kind"] == "copies_due"} & emailed
