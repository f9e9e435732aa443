"""A case's page: its history (meetings, documents, scaling over time, deadlines, copies, visits), and recording a copy sent or a visit."""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from docgen.ledger.dates import parse_day
from docgen.web.access import owns_case
from docgen.web.charts import line_chart, progress_chart
from docgen.web.models import (
    case_history,
    case_key_worker,
    copy_date_problem,
    record_copy_sent,
    record_visit,
    valid_reference,
    visit_date_problem_in,
)
from docgen.web.pages import account_of, audit, posted_form, query_day, render, state_of

__all__ = ["routes"]


def find_case(request: Request) -> Response:
    """``/cases?reference=REF``: open a case by its reference."""
    reference = (request.query_params.get("reference") or "").strip()
    if valid_reference(reference):
        return RedirectResponse(f"/cases/{reference}", status_code=303)
    return render(
        request,
        "find_case.html",
        title="Find a case",
        reference=reference,
        error="Enter a case reference" if "reference" in request.query_params else "",
    )


def case_page(request: Request, notice: str = "", status: int = 200, errors: dict[str, str] | None = None) -> Response:
    """``/cases/<reference>``: everything the ledger knows of the case; a worker opening another's case is allowed and audited."""
    reference = request.path_params["reference"]
    account = account_of(request)
    as_of, _ = query_day(request.query_params.get("as_of"), dt.date.today())
    history = case_history(state_of(request).ledger, reference, as_of)
    if history is None:
        audit(request, "case_view", reference, outcome="not_found")
        raise HTTPException(404, f"There is no case {reference} in the ledger: check the reference.")
    own = owns_case(account, history.key_worker)
    audit(request, "case_view", reference if own else f"{reference} (not their own case)")
    chart = line_chart(history.scaling, low=0, high=10, label="Scaling score (0 to 10)")
    progress_rows = progress_chart([(f"{m.row.meeting_type.capitalize()} {m.row.meeting_date}", m.progress) for m in history.meetings])
    return render(
        request,
        "case.html",
        status=status,
        title=f"Case {reference}",
        case=history,
        own=own,
        chart=chart,
        progress_rows=progress_rows,
        as_of=as_of,
        today=dt.date.today().isoformat(),
        notice=notice,
        errors=errors or {},
    )


def _day(value: object) -> dt.date | None:
    return parse_day(str(value or "").strip())


async def record_copy(request: Request) -> Response:
    """Records that a copy was sent (on a day not in the future); the copy leaves the overdue list."""
    form = await posted_form(request)
    reference = request.path_params["reference"]
    account = account_of(request)
    if not valid_reference(reference) or await run_in_threadpool(case_key_worker, state_of(request).ledger, reference) is None:
        raise HTTPException(404, "There is no such case.")
    meeting_id, _, rest = str(form.get("copy") or "").partition("|")
    recipient, _, document = rest.partition("|")
    sent = _day(form.get("sent_date"))
    problem = (
        await run_in_threadpool(copy_date_problem, state_of(request).ledger, int(meeting_id), sent)
        if meeting_id.isdigit() and sent
        else None
    )
    if not meeting_id.isdigit() or not recipient or sent is None or problem:
        errors = (
            {"copy": "Choose who was sent their copy"}
            if not meeting_id.isdigit() or not recipient
            else {"sent_date": problem or "Enter the date it was sent, today or earlier, like 5/1/2027"}
        )
        return await run_in_threadpool(case_page, request, "", 400, errors)
    changed = await run_in_threadpool(
        record_copy_sent, state_of(request).ledger, int(meeting_id), recipient, document or None, sent, account.name
    )
    audit(
        request,
        "copy_sent",
        f"{reference}: {document or 'copies'} to {recipient} on {sent.isoformat()}",
        outcome="ok" if changed else "no_change",
    )
    return RedirectResponse(f"/cases/{reference}?recorded=copy", status_code=303)


async def record_visit_view(request: Request) -> Response:
    """Records a statutory visit to a child of the case."""
    form = await posted_form(request)
    reference = request.path_params["reference"]
    account = account_of(request)
    history = (
        await run_in_threadpool(case_history, state_of(request).ledger, reference, dt.date.today()) if valid_reference(reference) else None
    )
    if history is None:
        raise HTTPException(404, "There is no such case.")
    child = str(form.get("child") or "")
    day = _day(form.get("visit_date"))
    problem = await run_in_threadpool(visit_date_problem_in, state_of(request).ledger, reference, day) if day else None
    if child not in history.children or day is None or problem:
        errors = (
            {"child": "Choose the child who was seen"}
            if child not in history.children
            else {"visit_date": problem or "Enter the date of the visit, today or earlier, like 5/1/2027"}
        )
        return await run_in_threadpool(case_page, request, "", 400, errors)
    seen_alone = {"yes": True, "no": False}.get(str(form.get("seen_alone") or ""))
    await run_in_threadpool(record_visit, state_of(request).ledger, reference, child, day, seen_alone, account.name)
    audit(request, "visit_recorded", f"{reference}: child {child} on {day.isoformat()}")
    return RedirectResponse(f"/cases/{reference}?recorded=visit", status_code=303)


routes = [
    Route("/cases", find_case, methods=["GET"]),
    Route("/cases/{reference}", case_page, methods=["GET"]),
    Route("/cases/{reference}/copies", record_copy, methods=["POST"]),
    Route("/cases/{reference}/visits", record_visit_view, methods=["POST"]),
]
