"""Accounts (argon2 hashes in an owner-only file) and the ``docgen users`` command's messages and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.audit import AuditLog
from docgen.cli import main
from docgen.web.accounts import AccountError, Accounts

PASSWORD = "a long enough password"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    return tmp_path


def users(root: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["users", *args, "--root", str(root)], input=stdin)
    return result.exit_code, result.output


def test_passwords_are_stored_only_as_argon2_hashes_in_an_owner_only_file(root: Path) -> None:
    accounts = Accounts(root)
    accounts.add("asmith", "worker", PASSWORD, "Alex Smith")
    text = accounts.path.read_text()
    assert PASSWORD not in text and "$argon2id$" in text
    assert accounts.path.stat().st_mode & 0o777 == 0o600
    assert accounts.verify("ASmith", PASSWORD).key_worker_name == "Alex Smith"  # type: ignore[union-attr]
    assert accounts.verify("asmith", "wrong password here") is None
    assert accounts.verify("nobody", PASSWORD) is None


def test_refusals_say_what_to_do(root: Path) -> None:
    accounts = Accounts(root)
    accounts.add("asmith", "worker", PASSWORD)
    with pytest.raises(AccountError, match="There is already an account called asmith"):
        accounts.add("ASMITH", "admin", PASSWORD)
    with pytest.raises(AccountError, match="too short: use at least 8 characters"):
        accounts.add("bjones", "admin", "short")
    with pytest.raises(AccountError, match="cannot be an account name"):
        accounts.add("../etc", "admin", PASSWORD)
    with pytest.raises(AccountError, match="There is no account called nobody"):
        accounts.remove("nobody")


def test_docgen_users_add_list_password_remove(root: Path) -> None:
    assert users(root, "add", "asmith", "--role", "manager", "--password-stdin", stdin=PASSWORD + "\n") == (0, "Added asmith (manager).\n")
    assert users(root, "add", "tok", "--role", "worker", "--key-worker", "Tom Okafor", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert users(root, "list") == (0, "asmith\tmanager\ntok\tworker\tTom Okafor\n")
    assert users(root, "password", "asmith", "--password-stdin", stdin="another long password\n") == (0, "Password changed for asmith.\n")
    assert Accounts(root).verify("asmith", "another long password") is not None
    assert users(root, "remove", "asmith") == (0, "Removed asmith.\n")
    assert users(root, "list") == (0, "tok\tworker\tTom Okafor\n")
    changes = [(e["action"], e["what"], e["address"]) for e in AuditLog(root).latest()][::-1]
    assert changes == [
        ("account_added", "asmith (manager)", "command line"),
        ("account_added", "tok (worker)", "command line"),
        ("password_changed", "asmith", "command line"),
        ("account_removed", "asmith", "command line"),
    ]


def test_docgen_users_exit_1_when_refused_and_2_for_usage(root: Path, tmp_path: Path) -> None:
    users(root, "add", "asmith", "--role", "manager", "--password-stdin", stdin=PASSWORD + "\n")
    code, out = users(root, "add", "asmith", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 1 and "There is already an account called asmith" in out
    assert users(root, "add", "b", "--role", "admin", "--password-stdin", stdin="short\n")[0] == 1
    assert users(root, "remove", "nobody")[0] == 1
    assert users(root, "password", "nobody", "--password-stdin", stdin=PASSWORD + "\n")[0] == 1
    assert users(root, "add", "c", "--role", "superuser", "--password-stdin", stdin=PASSWORD + "\n")[0] == 2
    assert users(root, "add", "c", "--password-stdin", stdin=PASSWORD + "\n")[0] == 2
    code, out = users(tmp_path / "missing", "list")
    assert code == 2 and "does not exist" in out
