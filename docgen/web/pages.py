"""What every view shares: the app's state, rendering a page, who is signed in, CSRF-checked forms and the audit trail."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from docgen.audit import AuditLog
from docgen.ledger.dates import parse_day
from docgen.settings.web import WebSettings
from docgen.web.accounts import Account, Accounts
from docgen.web.charts import PROGRESS
from docgen.web.models import KIND_WORDS, LedgerAccess, service_paused
from docgen.web.sessions import COOKIE, LOGIN_COOKIE, Sessions
from docgen.web.throttle import LoginThrottle

__all__ = ["WebState", "account_of", "audit", "client_address", "cookie", "posted_form", "render", "require", "state_of"]

TEMPLATES = Path(__file__).parent / "templates"
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # the service's own limit (10 MB) is reported by its usual check; beyond this nothing is read


@dataclass
class WebState:
    """Everything the views need, made once when the app starts."""

    root: Path
    settings: WebSettings
    accounts: Accounts
    sessions: Sessions
    throttle: LoginThrottle
    password_checks: asyncio.Semaphore  # argon2 checks running at once (each takes a thread and tens of MB)
    audit: AuditLog
    ledger: LedgerAccess
    templates: Environment
    https: bool


def make_templates() -> Environment:
    """The page templates; every value is escaped, so text from a form is shown as text, never as markup."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["day"] = lambda d: (dt.date.fromisoformat(d[:10]) if isinstance(d, str) else d).strftime("%-d %B %Y") if d else ""
    env.globals["KIND_WORDS"] = KIND_WORDS
    env.globals["PROGRESS"] = PROGRESS
    return env


def state_of(request: Request) -> WebState:
    """The app's state."""
    state: WebState = request.app.state.web
    return state


def account_of(request: Request) -> Account:
    """The signed-in account (the SignedIn middleware put it there)."""
    account: Account = request.state.account
    return account


def client_address(request: Request) -> str:
    """The browser's address (the connecting address: a proxy's users are named by the proxy, not by forwarded headers)."""
    return request.client.host if request.client else ""


def audit(request: Request, action: str, what: str = "", outcome: str = "ok", user: str | None = None) -> None:
    """Appends an entry for this request to the audit log."""
    if user is None:
        account = getattr(request.state, "account", None)
        user = account.name if account else ""
    state_of(request).audit.record(user, action, what, client_address(request), outcome)


def cookie(request: Request, name: str, value: str, *, max_age: int | None = None) -> str:
    """A ``Set-Cookie`` value: HttpOnly, SameSite=Strict, path /, and Secure whenever the browser sees HTTPS."""
    jar: SimpleCookie = SimpleCookie()
    jar[name] = value
    morsel = jar[name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Strict"
    if state_of(request).https:
        morsel["secure"] = True
    if max_age is not None:
        morsel["max-age"] = max_age
    return morsel.OutputString()


def csrf_binding(request: Request) -> str | None:
    """What this browser's CSRF token is bound to: its session, or before signing in its sign-in cookie."""
    session_id = getattr(request.state, "session_id", None)
    if session_id:
        return str(session_id)
    return state_of(request).sessions.unsign(request.cookies.get(LOGIN_COOKIE))


def render(request: Request, template: str, *, status: int = 200, title: str = "", **context: Any) -> HTMLResponse:
    """A page from its template, with the signed-in account, the CSRF token and the navigation."""
    state = state_of(request)
    binding = csrf_binding(request)
    account = getattr(request.state, "account", None)
    html = state.templates.get_template(template).render(
        request=request,
        account=account,
        csrf_token=state.sessions.csrf_token(binding) if binding else "",
        title=title,
        path=request.url.path,
        paused=service_paused(state.root) if account else None,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def require(request: Request, area: str) -> Account:
    """The signed-in account if its role opens ``area``; else a 403 page."""
    from docgen.web.access import can

    account = account_of(request)
    if not can(account, area):
        audit(request, "refused", area, outcome="refused")
        raise HTTPException(403, "You do not have access to this page.")
    return account


async def posted_form(request: Request, *, files: int = 0) -> FormData:
    """The posted form, refused (403) unless it carries this browser's CSRF token."""
    form = await request.form(max_files=files, max_fields=50)
    if not state_of(request).sessions.csrf_ok(csrf_binding(request), form.get("csrf_token")):
        audit(request, "csrf_refused", request.url.path, outcome="refused")
        raise HTTPException(403, "This form has expired. Go back, reload the page and try again.")
    return form


_EARLIEST, _LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def query_day(value: str | None, default: dt.date) -> tuple[dt.date, str | None]:
    """A date from a query string, or the default with an error message if it cannot be read (the page then answers 400)."""
    if not value:
        return default, None
    day = parse_day(value)
    if day is None:
        return default, f"{value[:40]!r} is not a date: enter it like 5/1/2027 or 2027-01-05."
    if not _EARLIEST <= day <= _LATEST:  # a period counted back from 0001-01-01 would run off the calendar
        return default, f"{day.isoformat()} is too far from today: enter a date between 1900 and 2999."
    return day, None


def session_cookie_for(request: Request, session_id: str) -> str:
    """The session cookie for a new session."""
    return cookie(request, COOKIE, state_of(request).sessions.sign(session_id))
