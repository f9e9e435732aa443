"""A case's page: its history (meetings, documents, scaling over time, deadlines, copies, visits), and recording a copy sent or a visit."""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from docgen.ledger.dates import parse_day
from docgen.web.access import can, owns_case
from docgen.web.case_scope import case_in_url
from docgen.web.case_search import case_children
from docgen.web.charts import line_chart, progress_chart
from docgen.web.models import (
    PackPassword,
    case_deadlines,
    case_history,
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
    error = ""
    if reference:
        error = f"{reference[:64]!r} is not a case reference: use letters, digits, - and _."
    elif "reference" in request.query_params:
        error = "Enter a case reference"
    return render(request, "find_case.html", status=400 if reference else 200, title="Find a case", reference=reference, error=error)


def case_page(
    request: Request,
    notice: str = "",
    status: int = 200,
    errors: dict[str, str] | None = None,
    passwords: dict[str, list[PackPassword]] | None = None,
) -> Response:
    """``/cases/<reference>``: everything the ledger knows of the case; a worker opening another's case is allowed and audited."""
    case = case_in_url(request, "case_view")
    reference = case.reference
    as_of, bad_day = query_day(request.query_params.get("as_of"), dt.date.today())
    if bad_day:
        raise HTTPException(400, bad_day)
    history = case_history(state_of(request).ledger, reference, as_of)
    if history is None:
        raise HTTPException(404, f"There is no case {reference} in the ledger: check the reference.")
    own = owns_case(account_of(request), history.key_worker)
    audit(request, "case_view", case.label)
    chart = line_chart(history.scaling, low=0, high=10, label="Scaling score (0 to 10)")
    progress_rows = progress_chart([(f"{m.row.meeting_type.capitalize()} {m.row.meeting_date}", m.progress) for m in history.meetings])
    return render(
        request,
        "case.html",
        status=status,
        title=f"Case {reference}",
        case=history,
        deadlines=case_deadlines(state_of(request).ledger, history),
        children=case_children(state_of(request).ledger.get(), reference),
        own=own,
        chart=chart,
        progress_rows=progress_rows,
        as_of=as_of,
        today=dt.date.today().isoformat(),
        notice=notice,
        errors=errors or {},
        passwords=passwords or {},
        may_read_passwords=can(account_of(request), "pack_passwords"),
    )


def _day(value: object) -> dt.date | None:
    return parse_day(str(value or "").strip())


async def record_copy(request: Request) -> Response:
    """Records that a copy was sent (on a day not in the future); the copy leaves the overdue list."""
    form = await posted_form(request)
    account = account_of(request)
    case = await run_in_threadpool(case_in_url, request, "copy_sent")
    meeting_id, _, rest = str(form.get("copy") or "").partition("|")
    recipient, _, document = rest.partition("|")
    if meeting_id:
        meeting_id = str(case.meeting(meeting_id).id)  # a meeting of another case is 404: its copies stay due
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
        f"{case.label}: {document or 'copies'} to {recipient} on {sent.isoformat()}",
        outcome="ok" if changed else "no_change",
    )
    return RedirectResponse(f"/cases/{case.reference}?recorded=copy", status_code=303)


async def record_visit_view(request: Request) -> Response:
    """Records a statutory visit to a child of the case."""
    form = await posted_form(request)
    account = account_of(request)
    case = await run_in_threadpool(case_in_url, request, "visit_recorded")
    reference = case.reference
    history = await run_in_threadpool(case_history, state_of(request).ledger, reference, dt.date.today())
    if history is None:
        raise HTTPException(404, "There is no such case.")
    child = str(form.get("child") or "")
    if child and child not in history.child_ids:
        raise HTTPException(404, f"Case {reference} has no such child.")  # a child of another case: nothing recorded
    day = _day(form.get("visit_date"))
    problem = await run_in_threadpool(visit_date_problem_in, state_of(request).ledger, reference, day) if day else None
    if child not in history.child_ids or day is None or problem:
        errors = (
            {"child": "Choose the child who was seen"}
            if child not in history.child_ids
            else {"visit_date": problem or "Enter the date of the visit, today or earlier, like 5/1/2027"}
        )
        return await run_in_threadpool(case_page, request, "", 400, errors)
    seen_alone = {"yes": True, "no": False}.get(str(form.get("seen_alone") or ""))
    await run_in_threadpool(record_visit, state_of(request).ledger, reference, child, day, seen_alone, account.name)
    audit(request, "visit_recorded", f"{case.label}: child {child} on {day.isoformat()}")
    return RedirectResponse(f"/cases/{reference}?recorded=visit", status_code=303)


routes = [
    Route("/cases", find_case, methods=["GET"]),
    Route("/cases/{reference}", case_page, methods=["GET"]),
    Route("/cases/{reference}/copies", record_copy, methods=["POST"]),
    Route("/cases/{reference}/visits", record_visit_view, methods=["POST"]),
]
