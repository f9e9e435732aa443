"""The returns for managers to download from the report page: the CIN census plan dates for a chosen year, and the SSD tables."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from docgen.root import Layout
from docgen.web.pages import audit, require, state_of

__all__ = ["current_census_year", "routes"]

_CENSUS_FILES = {"xml": "application/xml", "csv": "text/csv"}
_SSD_FILES = {"plans": "ssd_cin_plans.csv", "visits": "ssd_cin_visits.csv"}


#: the first census year docgen can export
FIRST_YEAR = 2000


def current_census_year(today: dt.date | None = None) -> int:
    """The census year in progress: from 1 April, the one ending the next 31 March."""
    day = today or dt.date.today()
    return day.year + (day.month > 3)


def _folder(root: Path) -> Path:
    tmp = Layout(root).tmp
    tmp.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="returns-", dir=tmp))


def _census(root: Path, year: int, folder: Path) -> None:
    from docgen.returns.census import write_census
    from docgen.returns.source import known_at

    write_census(known_at(root).plans, year, folder)


def _ssd(root: Path, folder: Path) -> None:
    from docgen.returns.source import known_at
    from docgen.returns.ssd import write_ssd

    known = known_at(root)
    write_ssd(known.plans, known.visits, folder)


def _download(request: Request, path: Path, media_type: str) -> Response:
    audit(request, "download", path.name)
    return FileResponse(path, filename=path.name, media_type=media_type, content_disposition_type="attachment", background=BackgroundTask(shutil.rmtree, path.parent, True))


async def census(request: Request) -> Response:
    """``/returns/census?year=YYYY&file=xml|csv``: ``cin-plans-YYYY.xml`` or ``.csv``; anything else is 400 saying what to choose."""
    require(request, "reports")
    year_text, kind = request.query_params.get("year", ""), request.query_params.get("file", "xml")
    latest = current_census_year()
    if not (year_text.isdigit() and FIRST_YEAR <= int(year_text) <= latest) or kind not in _CENSUS_FILES:
        raise HTTPException(400, f"Enter the census year as four digits, from {FIRST_YEAR} to {latest}, and choose the XML or CSV file.")
    root, year = state_of(request).root, int(year_text)
    folder = _folder(root)
    await run_in_threadpool(_census, root, year, folder)
    (folder / f"cin-plans-{year}.{'csv' if kind == 'xml' else 'xml'}").unlink()  # one file per download
    return _download(request, folder / f"cin-plans-{year}.{kind}", _CENSUS_FILES[kind])


async def ssd(request: Request) -> Response:
    """``/returns/ssd?table=plans|visits``: the Standard Safeguarding Dataset's CIN plan or visit table, every plan docgen knows."""
    require(request, "reports")
    table = request.query_params.get("table", "plans")
    if table not in _SSD_FILES:
        raise HTTPException(400, "Choose the plans or the visits table.")
    root = state_of(request).root
    folder = _folder(root)
    await run_in_threadpool(_ssd, root, folder)
    return _download(request, folder / _SSD_FILES[table], "text/csv")


routes = [Route("/returns/census", census, methods=["GET"]), Route("/returns/ssd", ssd, methods=["GET"])]
