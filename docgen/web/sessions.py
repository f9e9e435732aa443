"""Signed-in sessions kept in the server's memory: a random id in a signed cookie, idle and absolute timeouts, CSRF tokens.

The cookie holds nothing but the session id and its HMAC signature, so nothing about a user or a case ever
leaves the server. Signing in always starts a new session (the old id is dropped), and a restart signs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from docgen.file_modes import SESSION_KEY_FILE
from docgen.root import STATE_DIR

__all__ = ["COOKIE", "LOGIN_COOKIE", "Session", "Sessions", "load_secret"]

COOKIE = "docgen_session"
LOGIN_COOKIE = "docgen_login"  # before signing in: ties the sign-in form's CSRF token to this browser
SECRET_PATH = Path(STATE_DIR) / SESSION_KEY_FILE


def load_secret(root: Path) -> bytes:
    """The root's signing key (``.docgen/web-secret``, mode 0600), made on first use."""
    path = Path(root) / SECRET_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    secret = secrets.token_bytes(32)
    with os.fdopen(handle, "wb") as stream:
        stream.write(secret)
    return secret


@dataclass
class Session:
    """One signed-in browser."""

    id: str
    user: str
    started: float
    last_seen: float = field(default=0.0)
    credential: str = ""  # the account's password hash when it signed in: a new password ends the session


class Sessions:
    """The live sessions of this server, with signing and CSRF tokens made from one secret."""

    def __init__(self, secret: bytes, idle_seconds: float, lifetime_seconds: float = 10 * 3600) -> None:
        self._secret = secret
        self.idle_seconds = idle_seconds
        self.lifetime_seconds = lifetime_seconds  # however active: a stolen cookie does not live for ever
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def _mac(self, purpose: str, value: str) -> str:
        return hmac.new(self._secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def sign(self, value: str) -> str:
        """``value`` with its signature, as a cookie holds it."""
        return f"{value}.{self._mac('cookie', value)}"

    def unsign(self, signed: str | None) -> str | None:
        """The value of a signed cookie, or None if it is missing or was tampered with."""
        value, _, mac = (signed or "").rpartition(".")
        return value if value and hmac.compare_digest(mac, self._mac("cookie", value)) else None

    def csrf_token(self, bound_to: str) -> str:
        """The CSRF token for forms shown to the holder of ``bound_to`` (a session id or a sign-in cookie)."""
        return self._mac("csrf", bound_to)

    def csrf_ok(self, bound_to: str | None, token: object) -> bool:
        """Whether a posted token is the one this browser was given."""
        return bool(bound_to) and isinstance(token, str) and hmac.compare_digest(token, self.csrf_token(str(bound_to)))

    def start(self, user: str, replacing: str | None = None, credential: str = "") -> Session:
        """A new session for ``user``; ``replacing`` (the browser's previous session) ends, so ids never carry over a sign-in."""
        now = time.monotonic()
        session = Session(secrets.token_urlsafe(32), user, now, now, credential)
        with self._lock:
            if replacing:
                self._sessions.pop(replacing, None)
            self._prune(now)
            self._sessions[session.id] = session
        return session

    def find(self, session_id: str | None) -> Session | None:
        """The live session with this id, its idle clock restarted; None if unknown, idle too long or too old (then it ends)."""
        if not session_id:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if self._ended(session, now):
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session

    def end(self, session_id: str | None) -> None:
        """Signs a session out."""
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def _prune(self, now: float) -> None:
        for sid in [sid for sid, s in self._sessions.items() if self._ended(s, now)]:
            del self._sessions[sid]

    def _ended(self, session: Session, now: float) -> bool:
        return now - session.last_seen > self.idle_seconds or now - session.started > self.lifetime_seconds
