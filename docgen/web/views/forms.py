"""Forms to download: the blank Word and Excel meeting forms (made once per server) and a case's next meeting's forms, pre-filled."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from docgen.blanks.files import DOCX_NAME, XLSX_NAME, write_forms
from docgen.profiles import Profiles, profiles_in
from docgen.root import Layout
from docgen.web.case_scope import case_in_url
from docgen.web.models import next_meeting_forms
from docgen.web.pages import audit, render, state_of

__all__ = ["routes"]


@functools.lru_cache(maxsize=16)
def _blank_forms(profiles: Profiles, policy: str) -> dict[str, Path]:
    """A council's blank forms, made once for the root's profiles as they are (a changed profile gives new ones)."""
    folder = Path(tempfile.mkdtemp(prefix="docgen-forms-"))
    return {path.name: path for path in write_forms(folder, profiles, policy)}


def forms_page(request: Request) -> Response:
    """``/forms``: the blank forms for each council profile."""
    known = profiles_in(state_of(request).root).available()
    return render(request, "forms.html", title="Forms", profiles=known, names=(DOCX_NAME, XLSX_NAME))


def blank_form(request: Request) -> Response:
    """A blank form for a council profile."""
    policy, name = request.path_params["policy"], request.path_params["name"]
    profiles = profiles_in(state_of(request).root)
    if policy not in profiles.available() or name not in (DOCX_NAME, XLSX_NAME):
        raise HTTPException(404, "There is no such form.")
    path = _blank_forms(profiles, policy)[name]
    audit(request, "download", f"blank form {policy}/{name}")
    return FileResponse(path, filename=f"{policy}-{name}", content_disposition_type="attachment")


def next_meeting_form(request: Request) -> Response:
    """``/cases/<reference>/next-meeting/<review|closure>.<docx|xlsx>``: the next meeting's form, pre-filled from the case's latest."""
    name = request.path_params["name"]
    case = case_in_url(request, "download", f"pre-filled form {name}"[:80])
    reference = case.reference
    meeting_type, _, suffix = name.partition(".")
    if meeting_type not in ("review", "closure") or suffix not in ("docx", "xlsx"):
        raise HTTPException(404, "There is no such form.")
    folder = Path(tempfile.mkdtemp(prefix="next-meeting-", dir=_tmp(state_of(request).root)))
    paths = next_meeting_forms(state_of(request).root, reference, meeting_type, folder)
    chosen = next((p for p in paths or [] if p.suffix == f".{suffix}"), None)
    if chosen is None:
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(404, f"A pre-filled form cannot be made for case {reference}: download a blank form from Forms.")
    audit(request, "download", f"{case.label}: pre-filled {meeting_type} form ({suffix})")
    return FileResponse(
        chosen, filename=chosen.name, content_disposition_type="attachment", background=BackgroundTask(shutil.rmtree, folder, True)
    )


def _tmp(root: Path) -> Path:
    folder = Layout(root).tmp
    folder.mkdir(parents=True, exist_ok=True)
    return folder


routes = [
    Route("/forms", forms_page, methods=["GET"]),
    Route("/forms/blank/{policy}/{name}", blank_form, methods=["GET"]),
    Route("/cases/{reference}/next-meeting/{name}", next_meeting_form, methods=["GET"]),
]
