"""Rejected forms: each with its report laid out (what is wrong, where on the form, how to fix it), the original, and "dealt with"."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from docgen.web.inbox import mark_dealt_with, rejected_file, rejected_forms
from docgen.web.pages import audit, posted_form, render, require, state_of

__all__ = ["routes"]


def rejected_page(request: Request) -> Response:
    """``/rejected``: forms still to deal with first, then the ones someone has dealt with."""
    require(request, "rejected")
    forms = rejected_forms(state_of(request).root)
    return render(
        request,
        "rejected.html",
        title="Rejected forms",
        to_do=[f for f in forms if not f.dealt_with],
        done=[f for f in forms if f.dealt_with],
    )


def original(request: Request) -> Response:
    """The original of a rejected form, by its name as listed (never a path)."""
    require(request, "rejected")
    name = request.query_params.get("name") or ""
    path = rejected_file(state_of(request).root, name)
    if path is None:
        raise HTTPException(404, "There is no such rejected form.")
    audit(request, "download", f"rejected/{name}")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


async def dealt_with(request: Request) -> Response:
    """Marks a rejected form as dealt with."""
    require(request, "rejected")
    form = await posted_form(request)
    name = str(form.get("name") or "")
    account = request.state.account
    if not await run_in_threadpool(mark_dealt_with, state_of(request).root, name, account.name):
        raise HTTPException(404, "There is no such rejected form.")
    audit(request, "rejected_dealt_with", name)
    return RedirectResponse("/rejected", status_code=303)


routes = [
    Route("/rejected", rejected_page, methods=["GET"]),
    Route("/rejected/original", original, methods=["GET"]),
    Route("/rejected/dealt-with", dealt_with, methods=["POST"]),
]
