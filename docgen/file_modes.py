"""One rule for the modes of docgen's own files: ``file_mode`` for what staff may share, owner-only for the secrets."""

from __future__ import annotations

__all__ = ["AUDIT_FILE", "OWNER_ONLY", "SECRET_STATE_FILES", "SESSION_KEY_FILE", "USERS_FILE", "state_file_mode"]

OWNER_ONLY = 0o600
USERS_FILE = "users.json"  # the web app's accounts and their argon2 hashes
SESSION_KEY_FILE = "web-secret"  # the key that signs session cookies: whoever reads it can forge a sign-in
AUDIT_FILE = "audit.log"  # who opened which child's case
#: files directly under ``.docgen/`` that stay owner-only whatever ``file_mode`` says
SECRET_STATE_FILES = frozenset({USERS_FILE, SESSION_KEY_FILE, AUDIT_FILE})


def state_file_mode(name: str, file_mode: int) -> int:
    """The mode of the file ``name`` directly under ``.docgen/``: owner-only for a secret, else ``file_mode`` (the ledger's).

    A closed audit log (``audit.log.<UTC time>``, left by rotation) is as secret as the open one.
    """
    secret = name in SECRET_STATE_FILES or name.startswith(f"{AUDIT_FILE}.")
    return OWNER_ONLY if secret else file_mode
