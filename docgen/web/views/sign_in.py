"""Signing in and out: ``/login`` (a form posting ``username`` and ``password``, throttled) and ``/logout``."""

from __future__ import annotations

import math
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from docgen.web.pages import audit, client_address, cookie, posted_form, render, session_cookie_for, state_of
from docgen.web.sessions import COOKIE, LOGIN_COOKIE

__all__ = ["routes"]


def _form(request: Request, *, status: int = 200, error: str = "", username: str = "") -> Response:
    state = state_of(request)
    fresh = None
    if state.sessions.unsign(request.cookies.get(LOGIN_COOKIE)) is None:
        fresh = secrets.token_urlsafe(24)
        request.state.session_id = None
        request.cookies[LOGIN_COOKIE] = state.sessions.sign(fresh)  # so this page's token is bound to the new cookie
    response = render(request, "sign_in.html", status=status, title="Sign in", error=error, username=username)
    if fresh:
        response.headers.append("set-cookie", cookie(request, LOGIN_COOKIE, state.sessions.sign(fresh)))
    return response


def sign_in_page(request: Request) -> Response:
    """The sign-in form."""
    return _form(request)


async def sign_in(request: Request) -> Response:
    """Checks the name and password; on success a new session (never the old id) and on to the overview."""
    form = await posted_form(request)
    state = state_of(request)
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")
    address = client_address(request)
    if not username or not password:
        return _form(request, status=400, error="Enter your username and password", username=username)
    wait, ticket = state.throttle.reserve(username, address)  # before argon2: a burst cannot all be checked
    if ticket is None:
        audit(request, "sign_in", "throttled", outcome="refused", user=username)
        minutes = math.ceil(wait / 60)
        return _form(
            request,
            status=429,
            error=f"Too many attempts to sign in. Wait {minutes} minute{'s' * (minutes != 1)} and try again.",
            username=username,
        )
    async with state.password_checks:  # argon2 is slow on purpose: only a few at once, so other pages keep their threads
        account = await run_in_threadpool(state.accounts.verify, username, password)
    if account is None:
        audit(request, "sign_in_failed", "", outcome="refused", user=username)
        return _form(request, status=401, error="Enter a correct username and password", username=username)
    state.throttle.succeeded(username, address, ticket)
    session = state.sessions.start(
        account.name, replacing=state.sessions.unsign(request.cookies.get(COOKIE)), credential=account.password_hash
    )
    audit(request, "sign_in", account.role, user=account.name)
    response = RedirectResponse("/", status_code=303)
    response.headers.append("set-cookie", session_cookie_for(request, session.id))
    response.headers.append("set-cookie", cookie(request, LOGIN_COOKIE, "", max_age=0))
    return response


async def sign_out(request: Request) -> Response:
    """Ends the session."""
    await posted_form(request)
    audit(request, "sign_out")
    state_of(request).sessions.end(request.state.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.headers.append("set-cookie", cookie(request, COOKIE, "", max_age=0))
    return response


routes = [
    Route("/login", sign_in_page, methods=["GET"]),
    Route("/login", sign_in, methods=["POST"]),
    Route("/logout", sign_out, methods=["POST"]),
]
