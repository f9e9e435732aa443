"""The sent-date story as a member of staff meets it: not root, not the service account, only in the staff group.

The docs share ``inbox/`` read-write and ``outbox/`` read-only to a staff group (setgid folders). Staff
record sent dates by copying a meeting's ``distribution.xlsx`` out of the outbox, filling in Sent date
and dropping the copy into the inbox; they read rejected forms' reports in ``inbox/rejected/``. These
tests run each staff step as ``nobody`` (group ``nogroup``) through ``setpriv``: they need root.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docgen.cli import main
from tests.conftest import clean_initial, moved_back

pytestmark = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv to act as another user"
)
STAFF_UID = STAFF_GID = 65534  # nobody / nogroup: a user with no rights but the staff group's
MEETING = Path("outbox/CIN-2026-0412/2026-12-17-initial")


def _as_staff(*command: str) -> subprocess.CompletedProcess[str]:
    """Runs ``command`` as the staff user, with the staff group and no other."""
    return subprocess.run(
        ["setpriv", f"--reuid={STAFF_UID}", f"--regid={STAFF_GID}", "--clear-groups", *command],
        capture_output=True,
        text=True,
        errors="replace",  # cat of a .docx: the bytes themselves do not matter, only that they could be read
        timeout=60,
    )


def _docgen(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def root() -> Iterator[Path]:
    """A root set up as docs/operations.md says: inbox 2770 and outbox 2750, group the staff group."""
    base = Path(tempfile.mkdtemp(prefix="docgen-staff-"))
    os.chmod(base, 0o755)  # pytest's own temporary folders are closed to other users
    folder = base / "cin"
    _docgen("init", str(folder))
    os.chmod(folder, 0o751)
    for name, mode in (("inbox", 0o2770), ("outbox", 0o2750)):
        os.chown(folder / name, 0, STAFF_GID)
        os.chmod(folder / name, mode)
    try:
        yield folder
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_staff_record_sent_dates_by_dropping_a_copy_of_the_list_into_the_inbox(root: Path) -> None:
    record = moved_back(clean_initial())  # a copy is recorded as sent only between its meeting and today
    held = dt.date.fromisoformat(record["meeting"]["date"])
    (root / "inbox" / "jones.json").write_text(json.dumps(record), encoding="utf-8")
    _docgen("run", "--root", str(root))
    listing = root / "outbox" / "CIN-2026-0412" / f"{held.isoformat()}-initial" / "distribution.xlsx"

    # the outbox is read-only to staff: saving into it is refused, as the docs say
    refused = _as_staff("sh", "-c", f"echo x >> '{listing}'")
    assert refused.returncode != 0 and "Permission denied" in refused.stderr
    # staff can read the published plans and copy the list out
    workspace = Path(tempfile.mkdtemp(prefix="docgen-staff-desk-"))
    os.chmod(workspace, 0o777)
    try:
        copied = _as_staff("cp", str(listing), str(workspace / "sent.xlsx"))
        assert copied.returncode == 0, copied.stderr
        book = openpyxl.load_workbook(workspace / "sent.xlsx")  # filling in cells is not a question of permissions
        sheet = book.active
        sent = [c.value for c in sheet[1]].index("Sent date") + 1
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, 1).value:
                sheet.cell(row, sent).value = f"{held + dt.timedelta(days=1):%d/%m/%Y}"
        book.save(workspace / "sent.xlsx")
        dropped = _as_staff("cp", str(workspace / "sent.xlsx"), str(root / "inbox" / "sent.xlsx"))
        assert dropped.returncode == 0, dropped.stderr
    finally:
        shutil.rmtree(workspace, ignore_errors=True)

    out = _docgen("run", "--root", str(root))
    assert "sent.xlsx ledger_update" in out
    assert json.loads(_docgen("due", "--root", str(root), "--json", "--kind", "copies_due")) == []
    readable = _as_staff("cat", str(listing.parent / "plan-C1.docx"))
    assert readable.returncode == 0, readable.stderr


def test_staff_can_read_a_rejected_form_and_its_report(root: Path) -> None:
    record = clean_initial()
    record["meeting"]["chair_role"] = "community_support_worker"
    (root / "inbox" / "bad.json").write_text(json.dumps(record), encoding="utf-8")
    _docgen("run", "--root", str(root))
    for name in ("bad.json", "bad.json.errors.txt"):
        read = _as_staff("cat", str(root / "inbox" / "rejected" / name))
        assert read.returncode == 0, (name, read.stderr)
    assert (
        "community support workers must not chair CIN meetings" in _as_staff("cat", str(root / "inbox/rejected/bad.json.errors.txt")).stdout
    )
