"""The web app's accounts: names, roles and argon2 password hashes in ``.docgen/users.json`` (owner-only, mode 0600)."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from docgen.errors import DocgenError
from docgen.file_modes import USERS_FILE
from docgen.root import STATE_DIR

__all__ = ["ROLES", "USERS_PATH", "Account", "AccountError", "Accounts", "password_weakness"]

USERS_PATH = Path(STATE_DIR) / USERS_FILE
ROLES = ("admin", "manager", "worker")
MIN_PASSWORD = 8
STRONG_SCORE = 3  # zxcvbn scores 0 to 4; below 3 is guessable within about a million tries
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_HASHER = PasswordHasher()
# verified against when the name is unknown, so a wrong name takes as long as a wrong password
_DUMMY_HASH = _HASHER.hash("not a password anybody has")


class AccountError(DocgenError):
    """An account cannot be added, changed or removed as asked (the message says why)."""


@dataclass(frozen=True)
class Account:
    """One person who may sign in: ``key_worker`` is the name forms give them as key worker (a worker sees those cases)."""

    name: str
    role: str
    password_hash: str
    key_worker: str = ""

    @property
    def key_worker_name(self) -> str:
        """The key worker name this account's cases carry (the account name where none was given)."""
        return self.key_worker or self.name


class Accounts:
    """The accounts of one root, read from and written back to ``.docgen/users.json``."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / USERS_PATH
        self._cache: tuple[tuple[int, int], dict[str, Account]] | None = None

    def _load(self) -> dict[str, Account]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (stat.st_mtime_ns, stat.st_size)
        if self._cache is None or self._cache[0] != stamp:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._cache = (stamp, {a["name"].lower(): Account(**a) for a in data.get("accounts", [])})
        return self._cache[1]

    def _save(self, accounts: dict[str, Account]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".users-", suffix=".tmp", dir=self.path.parent)  # mkstemp: mode 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"accounts": [asdict(a) for a in sorted(accounts.values(), key=lambda a: a.name.lower())]}, stream, indent=2)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self._cache = None

    def list(self) -> list[Account]:
        """Every account, by name."""
        return sorted(self._load().values(), key=lambda a: a.name.lower())

    def get(self, name: str) -> Account | None:
        """The account called ``name`` (any case), or None."""
        return self._load().get(name.strip().lower())

    def check_new(self, name: str, role: str) -> None:
        """Refuses a name that is taken or unusable, or an unknown role (before anyone is asked for a password)."""
        if not _NAME.match(name):
            raise AccountError(f"{name!r} cannot be an account name: use letters, digits, dots, dashes or @, up to 64.")
        if role not in ROLES:
            raise AccountError(f"{role!r} is not a role: use {', '.join(ROLES)}.")
        taken = self.get(name)
        if taken:
            raise AccountError(
                f"There is already an account called {taken.name}: choose another name, or use `docgen users password {taken.name}`."
            )

    def add(self, name: str, role: str, password: str, key_worker: str = "") -> Account:
        """A new account; refused if the name is taken or unusable, the role unknown or the password too short or weak."""
        self.check_new(name, role)
        account = Account(name, role, _hash(password, name), key_worker.strip())
        self._save({**self._load(), name.lower(): account})
        return account

    def remove(self, name: str) -> None:
        """Removes an account; refused if there is none of that name."""
        accounts = dict(self._load())
        if accounts.pop(name.lower(), None) is None:
            raise AccountError(f"There is no account called {name}: `docgen users list` shows them.")
        self._save(accounts)

    def set_password(self, name: str, password: str) -> None:
        """Gives an account a new password; refused if there is no such account or the password is too short or weak."""
        accounts = self._load()
        account = accounts.get(name.lower())
        if account is None:
            raise AccountError(f"There is no account called {name}: `docgen users list` shows them.")
        self._save({**accounts, name.lower(): Account(account.name, account.role, _hash(password, account.name), account.key_worker)})

    def verify(self, name: str, password: str) -> Account | None:
        """The account if ``password`` is its password, else None (taking as long for an unknown name)."""
        account = self.get(name)
        try:
            _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return account


def _hash(password: str, name: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"The password is too short: use at least {MIN_PASSWORD} characters (a few words together are easy to remember)."
        )
    weakness = password_weakness(password, names=(name,))  # a password made of the account's name is guessed first
    if weakness:
        raise AccountError(weakness)
    return _HASHER.hash(password)


def password_weakness(password: str, *, names: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` is too easy to guess (zxcvbn's score below 3, with its advice), or None for a strong one."""
    from zxcvbn import zxcvbn  # loads its word lists: only when a password is set

    verdict = zxcvbn(password[:100], user_inputs=list(names))  # beyond 100 characters it only gets slower, not weaker
    if verdict["score"] >= STRONG_SCORE:
        return None
    feedback = verdict.get("feedback") or {}
    advice = " ".join(filter(None, [feedback.get("warning"), *(feedback.get("suggestions") or [])]))
    return f"The password is too easy to guess. {advice or 'Use three or four words together that nobody would link to you.'}".strip()
