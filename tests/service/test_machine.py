"""One classification of what goes wrong: the form's fault, the machine's (named in words), or a bug in docgen."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from docgen.errors import LedgerError, MachineFaultError, NotAFormError
from docgen.ledger.sqlite_errors import ledger_error
from docgen.service import Layout
from docgen.service.machine import Blame, blame, machine_fault, say


@pytest.fixture
def root(tmp_path: Path) -> Layout:
    (tmp_path / "inbox").mkdir()
    (tmp_path / ".docgen").mkdir()
    return Layout(tmp_path)


@pytest.mark.parametrize(
    ("code", "cause", "says"),
    [
        (errno.ENOSPC, "disk_full", "The disk holding {root} is full: free some space"),
        (errno.EDQUOT, "quota", "docgen's account has used up its disk quota on {root}: free some space or ask for a larger quota"),
        (errno.EROFS, "read_only", "The file system holding {root} is read-only: make it writable again"),
        (errno.EIO, "io", "The disk holding {root} reports read or write errors: ask whoever looks after it to check it"),
        (errno.ESTALE, "gone", "The inbox {root}/inbox has gone (a network share dropped?): reconnect it or create the folder again"),
        (errno.ENOTCONN, "gone", "The inbox {root}/inbox has gone (a network share dropped?): reconnect it or create the folder again"),
    ],
)
def test_each_fault_of_the_machine_is_named_with_its_fix(root: Layout, code: int, cause: str, says: str) -> None:
    fault = machine_fault(OSError(code, "boom", str(root.state / "x")), root)
    assert fault is not None
    assert (fault.cause, str(fault)) == (cause, says.format(root=root.root))
    assert blame(OSError(code, "boom"), root) is Blame.MACHINE


def test_the_lines_people_read_under_run_once_and_under_watch(root: Layout) -> None:
    fault = machine_fault(OSError(errno.ENOSPC, "No space left on device"), root)
    assert fault is not None
    assert say(fault, watching=True) == f"The disk holding {root.root} is full: free some space; docgen carries on by itself"
    assert say(fault, watching=False) == (
        f"The disk holding {root.root} is full: free some space, then run docgen again; no form was rejected and the rest wait in the inbox"
    )


def test_a_permission_missing_on_docgens_own_folders_is_the_machines_elsewhere_a_bug(root: Layout, tmp_path: Path) -> None:
    own = PermissionError(errno.EACCES, "Permission denied", str(root.outbox / "CIN-1"))
    fault = machine_fault(own, root)
    assert fault is not None and fault.cause == "permission"
    assert str(fault) == f"docgen may not write to {root.outbox / 'CIN-1'}: give the account that runs docgen write access to it"
    elsewhere = PermissionError(errno.EACCES, "Permission denied", "/usr/share/docgen/templates/plan.docx")
    assert blame(elsewhere, root) is Blame.BUG


def test_a_missing_file_is_a_bug_unless_the_inbox_or_root_has_gone(root: Layout) -> None:
    missing = FileNotFoundError(errno.ENOENT, "No such file", str(root.root / "templates" / "x.docx"))
    assert blame(missing, root) is Blame.BUG
    root.inbox.rmdir()
    assert blame(missing, root) is Blame.MACHINE


@pytest.mark.parametrize(
    ("message", "cause"),
    [
        ("database or disk is full", "disk_full"),
        ("database is locked", "ledger_busy"),
        ("attempt to write a readonly database", "read_only"),
        ("disk I/O error", "io"),
        ("unable to open database file", "ledger_cantopen"),
    ],
)
def test_sqlites_faults_are_the_machines_even_inside_a_ledger_error(root: Layout, message: str, cause: str) -> None:
    try:
        try:
            raise sqlite3.OperationalError(message)
        except sqlite3.OperationalError as exc:
            raise LedgerError("The ledger cannot be written") from exc
    except LedgerError as wrapped:
        fault = machine_fault(wrapped, root)
    assert fault is not None and fault.cause == cause


def test_a_form_unreadable_because_the_disk_fails_is_not_the_forms_fault(root: Layout) -> None:
    try:
        try:
            raise OSError(errno.EIO, "Input/output error")
        except OSError as exc:
            raise NotAFormError("form.docx is damaged") from exc
    except NotAFormError as unreadable:
        assert blame(unreadable, root) is Blame.MACHINE
    assert blame(NotAFormError("form.docx is damaged"), root) is Blame.FORM


def test_a_converter_marked_as_the_machines_fault_is_held_not_rejected(root: Layout) -> None:
    class ConverterGone(RuntimeError):
        machine_fault = True

    fault = machine_fault(ConverterGone("LibreOffice stopped answering: check that it is installed"), root)
    assert fault is not None and (fault.cause, str(fault)) == ("converter", "LibreOffice stopped answering: check that it is installed")


def test_a_bug_stays_a_bug(root: Layout) -> None:
    assert blame(KeyError("case"), root) is Blame.BUG
    assert blame(sqlite3.IntegrityError("UNIQUE constraint failed"), root) is Blame.BUG


def test_a_machine_fault_crosses_from_a_worker_process_intact() -> None:
    import pickle

    fault = MachineFaultError("disk_full", "The disk holding /srv/cin is full", "free some space")
    again = pickle.loads(pickle.dumps(fault))
    assert (again.cause, str(again)) == ("disk_full", "The disk holding /srv/cin is full: free some space")


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("database or disk is full", "cannot be written: the disk holding it is full. Free some space and try again."),
        ("database is locked", "is locked by another program (a backup, or a second reader) that held it too long."),
    ],
)
def test_the_ledger_says_what_to_do_about_sqlites_errors(tmp_path: Path, message: str, says: str) -> None:
    db = sqlite3.connect(tmp_path / "x.sqlite3")
    db.execute("CREATE TABLE t (x)")
    with pytest.raises(sqlite3.Error) as raised:
        if "full" in message:
            db.execute("PRAGMA max_page_count = 1")
            db.execute("INSERT INTO t VALUES (randomblob(100000))")
        else:
            other = sqlite3.connect(tmp_path / "x.sqlite3", timeout=0)
            db.execute("BEGIN EXCLUSIVE")
            other.execute("BEGIN IMMEDIATE")
    mapped = ledger_error(raised.value, tmp_path / "x.sqlite3")
    assert mapped is not None and says in str(mapped)
    assert str(mapped).startswith(f"The ledger {tmp_path / 'x.sqlite3'} ")
    assert ledger_error(sqlite3.IntegrityError("UNIQUE constraint failed"), tmp_path) is None  # a bug, not the machine


def test_the_margin_and_back_off_are_settings_and_none_may_be_negative(tmp_path: Path) -> None:
    from docgen.config import load_settings
    from docgen.errors import ConfigError

    (tmp_path / "docgen.toml").write_text("min_free_mb = 200\nretry_seconds = 1\nretry_max_seconds = 30\nledger_wait_seconds = 5\n")
    settings = load_settings(tmp_path)
    assert (settings.min_free_mb, settings.retry_seconds, settings.retry_max_seconds, settings.ledger_wait_seconds) == (200, 1, 30, 5)
    (tmp_path / "docgen.toml").write_text("retry_seconds = -1\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path)
    assert str(raised.value) == "In docgen.toml, retry_seconds must not be negative."


def test_the_pause_looks_again_after_a_few_seconds_then_up_to_a_minute() -> None:
    from docgen.service.pause import Backoff

    backoff = Backoff(5, 60)
    assert [backoff.next() for _ in range(7)] == [5, 10, 20, 40, 60, 60, 60]
