"""Bounding slow clients: a connection that has not sent a whole request head within a few seconds is closed.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``) and caps connections (``limit_concurrency``), but
it waits for ever on a request head that arrives a byte at a time: a few hundred such connections would use up the
cap and shut staff out. This is uvicorn's own h11 protocol with one timer more.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["MAX_HEAD_BYTES", "protocol_with_head_deadline"]

MAX_HEAD_BYTES = 16 * 1024  # a request line and headers beyond this are refused (431/400) by h11 itself


def protocol_with_head_deadline(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol, closing any connection still without a complete request head ``seconds`` after it was ready for one."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadDeadline(H11Protocol):
        """Arms a timer when the connection opens and after each response; a head still incomplete when it fires ends the connection."""

        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request on this connection gets a deadline of its own

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, self._head_overdue)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _head_overdue(self) -> None:
            waiting = self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)
            if waiting and not self.transport.is_closing():
                self.transport.close()

    return HeadDeadline
