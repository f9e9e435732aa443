"""The overview: what is overdue and upcoming, by kind and key worker, with filters (key worker, case, kind, as of)."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from docgen.web.figures import overview
from docgen.web.models import KIND_WORDS, emails_uncertain, valid_reference
from docgen.web.pages import account_of, query_day, render, state_of

__all__ = ["routes"]


def overview_page(request: Request) -> Response:
    """``/``: a worker sees their own cases; admins and managers everyone's, or one key worker's."""
    account = account_of(request)
    query = request.query_params
    as_of, error = query_day(query.get("as_of"), dt.date.today())
    key_worker = account.key_worker_name if account.role == "worker" else (query.get("key_worker") or "").strip()
    case = (query.get("case") or "").strip()
    kind = query.get("kind") if query.get("kind") in KIND_WORDS else ""
    if case and not valid_reference(case):
        error, case = error or f"{case!r} is not a case reference: use letters, digits, - and _.", ""
    state = state_of(request)
    figures = overview(state.ledger, as_of, key_worker=key_worker, case=case, kind=kind)
    return render(
        request,
        "overview.html",
        title="What is due",
        figures=figures,
        filters={"key_worker": key_worker, "case": case, "kind": kind, "as_of": query.get("as_of") or ""},
        error=error,
        uncertain=emails_uncertain(state.ledger),
        status=400 if error else 200,
    )


routes = [Route("/", overview_page, methods=["GET"])]
