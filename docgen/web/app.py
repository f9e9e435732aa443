"""The staff web app: one Starlette application, its routes from the views modules, and the middleware that guards them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from docgen.audit import AuditLog
from docgen.errors import DocgenError
from docgen.settings.web import WebSettings, load_web_settings
from docgen.web import security
from docgen.web.accounts import Account, Accounts
from docgen.web.models import LedgerAccess
from docgen.web.pages import MAX_UPLOAD_BYTES, WebState, make_templates, render, session_cookie_for, state_of
from docgen.web.sessions import COOKIE, Sessions, load_secret
from docgen.web.throttle import LoginThrottle
from docgen.web.views import audit_log, cases, files, forms, overview, pack_passwords, rejected, report, returns, search, sign_in, upload

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"
PASSWORD_CHECKS_AT_ONCE = 2  # argon2 uses a core and 64 MB each: more at once only queues for the CPU


async def healthz(request: Request) -> Response:
    """``GET /healthz``: 200 ``ok``, and nothing else, for monitoring (answered on the event loop: a busy thread pool never delays it)."""
    return PlainTextResponse("ok")


def _resolver(state: WebState) -> Any:
    """Finds the signed-in account: a live session, or (from the trusted proxy alone) the user the proxy names."""

    def resolve(request: Request) -> tuple[Account, str, str | None] | None:
        session = state.sessions.find(state.sessions.unsign(request.cookies.get(COOKIE)))
        proxy_user = None
        address = request.client.host if request.client else ""
        if state.settings.trusted_proxy and address == state.settings.trusted_proxy:
            named = request.headers.getlist(state.settings.user_header)
            if len(named) > 1:  # the proxy sets one; a second came from the browser through it: trust neither
                state.audit.record("", "sign_in", f"from the sign-on proxy: {len(named)} user headers", address, "refused")
                return None
            proxy_user = named[0].strip() if named else ""
            if not proxy_user:
                return None
        if proxy_user and (session is None or session.user.lower() != proxy_user.lower()):
            account = state.accounts.get(proxy_user)
            if account is None:
                state.audit.record(proxy_user, "sign_in", "from the sign-on proxy: no such account", address, "refused")
                return None
            session = state.sessions.start(account.name, replacing=session.id if session else None, credential=account.password_hash)
            state.audit.record(account.name, "sign_in", "from the sign-on proxy", address)
            return account, session.id, session_cookie_for(request, session.id)
        if session is None:
            return None
        account = state.accounts.get(session.user)
        if account is None or account.password_hash != session.credential:  # removed, or a new password, since signing in
            state.sessions.end(session.id)
            return None
        return account, session.id, None

    return resolve


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {403: "You cannot do that", 404: "Page not found", 405: "Page not found", 413: "File too large"}
    return render(
        request, "error.html", status=exc.status_code, title=titles.get(exc.status_code, "Sorry, there is a problem"), detail=exc.detail
    )


async def _docgen_error(request: Request, exc: Exception) -> Response:
    """A fault of the machine (the ledger locked, unreadable or gone): one sentence saying what to do, never a traceback."""
    return render(request, "error.html", status=503, title="Sorry, the service cannot show this now", detail=str(exc))


async def _server_error(request: Request, exc: Exception) -> Response:
    """A fault in docgen itself: a page saying so with nothing from the request or the ledger in it.

    Starlette answers this outside every middleware (the traceback then goes to the journal), so the page
    carries the security headers itself.
    """
    try:
        response: Response = render(
            request, "error.html", status=500, title="Sorry, there is a problem with the service", detail="Try again later."
        )
    except Exception:  # the fault may be in the pages themselves
        response = PlainTextResponse("Sorry, there is a problem with the service. Try again later.", status_code=500)
    for name, value in security.security_headers(https=state_of(request).https):
        response.headers[name.decode("latin-1")] = value.decode("latin-1")
    return response


def create_app(root: Path, settings: WebSettings | None = None, *, https: bool | None = None) -> Starlette:
    """The web app for one root; ``https`` says whether browsers reach it over HTTPS (TLS here, or a sign-on proxy)."""
    root = Path(root).resolve()
    settings = settings or load_web_settings(root)
    secure = https if https is not None else bool(settings.tls or settings.trusted_proxy)
    state = WebState(
        root=root,
        settings=settings,
        accounts=Accounts(root),
        sessions=Sessions(load_secret(root), settings.idle_minutes * 60, settings.session_hours * 3600),
        throttle=LoginThrottle(
            settings.login_attempts_per_account,
            settings.login_attempts_per_address,
            settings.login_window_minutes * 60,
        ),
        password_checks=asyncio.Semaphore(PASSWORD_CHECKS_AT_ONCE),
        audit=AuditLog(root),
        ledger=LedgerAccess(root),
        templates=make_templates(),
        https=secure,
    )
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        *sign_in.routes,
        *overview.routes,
        *search.routes,  # before cases: /cases/search is no case reference
        *cases.routes,
        *rejected.routes,
        *upload.routes,
        *report.routes,
        *pack_passwords.routes,
        *returns.routes,
        *forms.routes,  # before files: /cases/<reference>/next-meeting/<form>
        *audit_log.routes,
        *files.routes,  # last: /cases/<reference>/<meeting folder>/<path>
        Mount("/assets", app=StaticFiles(directory=STATIC), name="assets"),
    ]
    middleware = [
        Middleware(security.SecurityHeaders, https=secure),
        Middleware(security.BodyLimit, upload_bytes=MAX_UPLOAD_BYTES + 1024 * 1024),
        Middleware(security.SignedIn, resolve=_resolver(state)),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, DocgenError: _docgen_error, Exception: _server_error},
    )
    app.state.web = state
    return app
