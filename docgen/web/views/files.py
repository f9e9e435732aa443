"""Published files, served only at ``/cases/<reference>/<meeting folder>/<path as in the manifest>``; every download audited."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from docgen.web.case_scope import case_in_url
from docgen.web.models import published_file
from docgen.web.pages import audit, state_of

__all__ = ["download", "routes"]


def download(request: Request) -> Response:
    """A document the meeting's manifest lists, as an attachment; anything else is 404."""
    folder, path = (request.path_params[k] for k in ("folder", "path"))
    case = case_in_url(request, "download", f"{folder}/{path}")
    found = published_file(state_of(request).ledger, case.reference, folder, path)
    if found is None:
        audit(request, "download", f"{case.label}/{folder}/{path}"[:300], outcome="not_found")
        raise HTTPException(404, "There is no such document.")
    audit(request, "download", f"{case.label}/{folder}/{path}")
    return FileResponse(found, filename=found.name, content_disposition_type="attachment")


routes = [Route("/cases/{reference}/{folder}/{path:path}", download, methods=["GET"])]
