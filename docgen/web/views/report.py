"""The compliance report on screen (a chart per measure) and as the ``.xlsx`` workbook ``docgen report`` writes."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from docgen.ledger.performance import Tally
from docgen.root import Layout
from docgen.web.charts import bar_chart
from docgen.web.figures import compliance
from docgen.web.models import emails_to_check_in
from docgen.web.pages import audit, query_day, render, require, state_of

__all__ = ["routes"]


def _period(request: Request) -> tuple[dt.date, dt.date, dt.date, str | None]:
    today = dt.date.today()
    query = request.query_params
    end, e1 = query_day(query.get("to"), today)
    start, e2 = query_day(query.get("from"), end - dt.timedelta(days=91))
    as_of, e3 = query_day(query.get("as_of"), today)
    error = e1 or e2 or e3 or ("The start of the period must not be after its end." if start > end else None)
    return (min(start, end), end, as_of, error)


def report_page(request: Request) -> Response:
    """``/report``: how many deadlines in the period were met on time, overall and per key worker."""
    require(request, "reports")
    start, end, as_of, error = _period(request)
    figures = compliance(state_of(request).ledger, start, end, as_of)
    charts = {
        m.id: bar_chart([(name, _percent(t), f"{t.on_time} of {t.total}") for name, t in sorted(m.by_key_worker.items())])
        for m in figures.measures
    }
    overall = bar_chart([(m.title, _percent(m.overall), f"{m.overall.on_time} of {m.overall.total}") for m in figures.measures])
    audit(request, "report_view", f"{start.isoformat()} to {end.isoformat()}")
    return render(
        request,
        "report.html",
        title="Timescales report",
        figures=figures,
        emails_to_check=emails_to_check_in(state_of(request).ledger),
        charts=charts,
        overall=overall,
        error=error,
        query=request.url.query,
        status=400 if error else 200,
    )


def _percent(tally: Tally) -> float | None:
    return tally.percent if tally.total else None


def report_workbook(request: Request) -> Response:
    """``/report.xlsx``: the same figures as a workbook with charts."""
    from docgen.ledger.report_workbook import write_report

    require(request, "reports")
    start, end, as_of, error = _period(request)
    if error:
        raise HTTPException(400, error)
    figures = compliance(state_of(request).ledger, start, end, as_of)
    folder = Path(tempfile.mkdtemp(prefix="report-", dir=_tmp(state_of(request).root)))
    name = f"cin-timescales-{start.isoformat()}-to-{end.isoformat()}.xlsx"
    path = write_report(figures, folder / name, emails_to_check_in(state_of(request).ledger))
    audit(request, "download", path.name)
    return FileResponse(path, filename=path.name, content_disposition_type="attachment", background=BackgroundTask(_remove, folder))


def _tmp(root: Path) -> Path:
    folder = Layout(root).tmp
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


routes = [Route("/report", report_page, methods=["GET"]), Route("/report.xlsx", report_workbook, methods=["GET"])]
