"""Sign-in throttling: each password check is reserved before it is made, at most so many per account and per address in a window.

The reservation is taken under a lock before argon2 runs, so a burst of sign-ins arriving at once cannot all be
checked: the sixth wrong password for an account within 15 minutes is refused (429) without a check, however
many arrive together. A successful sign-in gives its reservation back and clears the account's failures.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

__all__ = ["LoginThrottle"]


class LoginThrottle:
    """Counts password checks per account and per address within a window, reserving each before it is made."""

    def __init__(self, per_account: int, per_address: int, window_seconds: float) -> None:
        self._limits = {"account": per_account, "address": per_address}
        self.window = window_seconds
        self._checks: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _keys(self, account: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return ("account", account.lower()), ("address", address)

    def _wait(self, key: tuple[str, str], now: float) -> float:
        checks = self._checks.get(key)
        if not checks:
            return 0.0
        while checks and now - checks[0] > self.window:
            checks.popleft()
        if len(checks) < self._limits[key[0]]:
            return 0.0
        return max(0.0, checks[0] + self.window - now)  # until the oldest leaves the window

    def reserve(self, account: str, address: str) -> tuple[float, float | None]:
        """Reserves one password check: ``(0, ticket)`` when it may be made now, else ``(seconds to wait, None)``."""
        now = time.monotonic()
        with self._lock:
            if len(self._checks) > 10_000:  # someone trying many names: forget the ones whose window has passed
                for key in [k for k, v in self._checks.items() if not v or now - v[-1] > self.window]:
                    del self._checks[key]
            keys = self._keys(account, address)
            wait = max(self._wait(key, now) for key in keys)
            if wait > 0:
                return wait, None
            for key in keys:
                self._checks[key].append(now)
            return 0.0, now

    def succeeded(self, account: str, address: str, ticket: float) -> None:
        """The password was right: the account's failures are cleared and the address gets its reservation back."""
        with self._lock:
            self._checks.pop(("account", account.lower()), None)
            checks = self._checks.get(("address", address))
            if checks and ticket in checks:
                checks.remove(ticket)
