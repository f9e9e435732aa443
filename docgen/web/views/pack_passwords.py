"""Reading a ``secure_email`` recipient's pack password on the case page: admins only, by a POST (never in a URL), audited."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from docgen.web.case_scope import case_in_url
from docgen.web.models import pack_passwords
from docgen.web.pages import audit, posted_form, require, state_of
from docgen.web.views.cases import case_page

__all__ = ["routes"]


async def show_pack_passwords(request: Request) -> Response:
    """The case page with one meeting's pack passwords shown; the audit log says who read them, never the passwords."""
    form = await posted_form(request)
    require(request, "pack_passwords")
    case = await run_in_threadpool(case_in_url, request, "pack_passwords_shown")
    folder = str(form.get("meeting") or "")
    if not any(m.folder == folder for m in case.meetings):
        raise HTTPException(404, f"Case {case.reference} has no such meeting.")
    shown = await run_in_threadpool(pack_passwords, state_of(request).ledger, case.reference, folder)
    audit(request, "pack_passwords_shown", f"{case.label}/{folder}: {len(shown)} pack password{'s' * (len(shown) != 1)}")
    return await run_in_threadpool(case_page, request, "", 200, None, {folder: shown})


routes = [Route("/cases/{reference}/pack-passwords", show_pack_passwords, methods=["POST"])]
