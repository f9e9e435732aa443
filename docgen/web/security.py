"""ASGI middleware every response passes through: security headers, a cap on request bodies, and the signed-in check.

Only ``/login``, ``/healthz`` and the static assets answer a signed-out browser; everything else sends it to
``/login`` (303) before any view runs, so no page or file can forget to ask.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse

from docgen.web.sessions import COOKIE

__all__ = ["PUBLIC_PATHS", "BodyLimit", "SecurityHeaders", "SignedIn", "security_headers"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PATHS = ("/login", "/healthz")
PUBLIC_PREFIXES = ("/assets/",)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def security_headers(*, https: bool) -> list[tuple[bytes, bytes]]:
    """The headers DESIGN.md asks of every response, HSTS included when the server speaks HTTPS."""
    headers = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"cache-control", b"no-store"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if https:
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


class SecurityHeaders:
    """Adds the headers DESIGN.md asks of every page (and HSTS when the server speaks HTTPS)."""

    def __init__(self, app: App, *, https: bool) -> None:
        self.app = app
        self.headers = security_headers(https=https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {h for h, _ in self.headers}
                message["headers"] = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names] + self.headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses (413) a request body larger than the limit for its path: uploads get room for a form, everything else little."""

    def __init__(self, app: App, *, upload_bytes: int, other_bytes: int = 256 * 1024) -> None:
        self.app = app
        self.upload_bytes = upload_bytes
        self.other_bytes = other_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if scope["path"] == "/upload" else self.other_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(scope, receive, send)


class _TooLarge(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = PlainTextResponse("The file is too large to upload: a meeting form is well under 10 MB.", status_code=413)
    response.headers["connection"] = "close"
    await response(scope, receive, send)


class SignedIn:
    """Lets a request through only with a live session (or a trusted proxy's user); else 303 to ``/login``."""

    def __init__(self, app: App, *, resolve: Callable[[Request], Any]) -> None:
        self.app = app
        self.resolve = resolve  # request -> (account, session id, cookie to set or None) or None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS or scope["path"].startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        found = self.resolve(request)
        if found is None:
            # a browser still holding a session cookie was signed out for being idle (or by a restart): say so
            where = "/login?signed_out=1" if request.cookies.get(COOKIE) else "/login"
            await RedirectResponse(where, status_code=303)(scope, receive, send)
            return
        account, session_id, set_cookie = found
        scope.setdefault("state", {}).update(account=account, session_id=session_id)
        if set_cookie is None:
            await self.app(scope, receive, send)
            return

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", set_cookie.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, with_cookie)
