"""Sign-in throttling: after a few failures an account, or an address, waits a short while before it may try again.

The pause starts small and doubles with each further failure up to a ceiling of minutes, never a lock-out:
someone guessing passwords gets a handful of tries an hour, and the real user can still sign in soon after.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

__all__ = ["LoginThrottle"]


class LoginThrottle:
    """Counts failed sign-ins per account and per address within a window."""

    def __init__(self, per_account: int, per_address: int, window_seconds: float, pause_seconds: float, pause_max_seconds: float) -> None:
        self._limits = {"account": per_account, "address": per_address}
        self.window = window_seconds
        self.pause = pause_seconds
        self.pause_max = pause_max_seconds
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _wait(self, key: tuple[str, str], now: float) -> float:
        failures = self._failures.get(key)
        if not failures:
            return 0.0
        while failures and now - failures[0] > self.window:
            failures.popleft()
        over = len(failures) - self._limits[key[0]]
        if over < 0:
            return 0.0
        pause = min(self.pause * 2**over, self.pause_max)
        return max(0.0, failures[-1] + pause - now)

    def wait_seconds(self, account: str, address: str) -> float:
        """How long this account or address must wait before trying again (0: it may try now)."""
        now = time.monotonic()
        with self._lock:
            return max(self._wait(("account", account.lower()), now), self._wait(("address", address), now))

    def failed(self, account: str, address: str) -> None:
        """Counts a failed sign-in against the account and the address."""
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 10_000:  # someone trying many names: forget the ones whose window has passed
                for key in [k for k, v in self._failures.items() if not v or now - v[-1] > self.window]:
                    del self._failures[key]
            self._failures[("account", account.lower())].append(now)
            self._failures[("address", address)].append(now)

    def succeeded(self, account: str) -> None:
        """Clears the account's failures once its real user signs in."""
        with self._lock:
            self._failures.pop(("account", account.lower()), None)
