"""Uploading a form: it lands in the inbox atomically, and its page then shows what became of it."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from docgen.web.inbox import outcome_of, receive_upload, rejected_forms
from docgen.web.pages import MAX_UPLOAD_BYTES, audit, posted_form, render, require, state_of

__all__ = ["routes"]

_SHA = re.compile(r"^[0-9a-f]{64}$")


def upload_page(request: Request) -> Response:
    """The upload form."""
    require(request, "upload")
    return render(request, "upload.html", title="Upload a form")


async def upload(request: Request) -> Response:
    """Receives the file; refused ones are reported on the page at once, the rest go to the inbox."""
    require(request, "upload")
    form = await posted_form(request, files=1)
    sent = form.get("form")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return render(request, "upload.html", status=400, title="Upload a form", error="Choose a form to upload")
    result = await run_in_threadpool(receive_upload, state_of(request).root, sent.filename, sent.file, MAX_UPLOAD_BYTES)
    if result.refused:
        audit(request, "upload", f"{result.name} ({result.size} bytes)", outcome="refused")
        return render(request, "upload.html", status=422, title="Upload a form", refused=result)
    audit(request, "upload", f"{result.name} ({result.size} bytes, sha256 {result.sha256})")
    return RedirectResponse(f"/upload/{result.sha256}?name={result.name}", status_code=303)


def upload_status(request: Request) -> Response:
    """What became of an uploaded file: waiting for the service, published, rejected (with its report) or a duplicate."""
    require(request, "upload")
    sha = request.path_params["sha256"]
    if not _SHA.match(sha):
        raise HTTPException(404, "There is no such upload.")
    state = state_of(request)
    seen = state.ledger.get().file_seen(sha)
    report = next((f for f in rejected_forms(state.root) if f.sha256 == sha), None) if seen and seen.outcome == "rejected" else None
    return render(
        request,
        "upload_status.html",
        title="Your upload",
        outcome=outcome_of(seen),
        seen=seen,
        report=report,
        name=request.query_params.get("name", ""),
    )


routes = [
    Route("/upload", upload_page, methods=["GET"]),
    Route("/upload", upload, methods=["POST"]),
    Route("/upload/{sha256}", upload_status, methods=["GET"]),
]
