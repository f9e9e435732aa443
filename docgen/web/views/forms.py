"""Forms to download: the blank Word and Excel meeting forms, made from the schema once per server."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from docgen.forms.cli import DOCX_NAME, XLSX_NAME, write_forms
from docgen.profiles import available_profiles
from docgen.web.pages import audit, render

__all__ = ["routes"]


@functools.cache
def _blank_forms(policy: str) -> dict[str, Path]:
    folder = Path(tempfile.mkdtemp(prefix="docgen-forms-"))
    return {path.name: path for path in write_forms(folder, policy)}


def forms_page(request: Request) -> Response:
    """``/forms``: the blank forms for each council profile."""
    return render(request, "forms.html", title="Forms", profiles=available_profiles(), names=(DOCX_NAME, XLSX_NAME))


def blank_form(request: Request) -> Response:
    """A blank form for a council profile."""
    policy, name = request.path_params["policy"], request.path_params["name"]
    if policy not in available_profiles() or name not in (DOCX_NAME, XLSX_NAME):
        raise HTTPException(404, "There is no such form.")
    path = _blank_forms(policy)[name]
    audit(request, "download", f"blank form {policy}/{name}")
    return FileResponse(path, filename=f"{policy}-{name}", content_disposition_type="attachment")


routes = [Route("/forms", forms_page, methods=["GET"]), Route("/forms/blank/{policy}/{name}", blank_form, methods=["GET"])]
