"""Finding a case by a child's name, a child's LA child ID or the case reference: posted, so no name is ever in a URL."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from docgen.web.access import owns_case
from docgen.web.case_search import Found, find_cases
from docgen.web.pages import account_of, audit, posted_form, render, require, state_of

__all__ = ["routes"]

#: longest search text read; a name or an ID is far shorter
MAX_QUERY = 100


def _search(request: Request, query: str) -> list[Found]:
    return find_cases(state_of(request).ledger.get(), query)


async def search(request: Request) -> Response:
    """``POST /cases/search``: the cases found, a worker's own first; every search is in the audit log (what was asked, never)."""
    require(request, "cases")
    form = await posted_form(request)
    account = account_of(request)
    query = str(form.get("query") or "").strip()[:MAX_QUERY]
    if not query:
        return render(
            request, "find_case.html", status=400, title="Find a case", reference="", error="", search_error="Enter a child's name, LA child ID or a case reference"
        )
    found = await run_in_threadpool(_search, request, query)
    found.sort(key=lambda f: (not owns_case(account, f.key_worker), f.reference))
    ways = sorted({f.how for f in found})
    audit(request, "case_search", f"by {' and '.join(ways) or 'name, LA child ID or reference'}: {len(found)} case(s) found" + (f": {', '.join(f.reference for f in found)}" if found else ""))
    return render(
        request,
        "find_case.html",
        title="Find a case",
        searched=True,
        query=query,
        reference="",
        error="",
        found=[(f, owns_case(account, f.key_worker)) for f in found],
    )


routes = [Route("/cases/search", search, methods=["POST"])]
