"""The audit log, for admins: who signed in, viewed, downloaded, uploaded or changed what, when and from where."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from docgen.web.pages import render, require, state_of

__all__ = ["routes"]


def audit_page(request: Request) -> Response:
    """``/audit``: the latest 500 entries, newest first, and the accounts."""
    require(request, "audit")
    state = state_of(request)
    return render(request, "audit.html", title="Audit log", entries=state.audit.latest(500), accounts=state.accounts.list())


routes = [Route("/audit", audit_page, methods=["GET"])]
