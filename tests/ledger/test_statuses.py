"""Facts in, statuses out, on plain rows: no database involved."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from docgen.ledger.models import DeadlineStatus
from docgen.ledger.statuses import Status, case_statuses, local_day


def _meeting(id: int, date: str, type: str, *, chair: str = "practice_lead", superseded_by: int | None = None) -> dict[str, Any]:
    return {
        "id": id,
        "meeting_date": date,
        "meeting_type": type,
        "chair_role": chair,
        "superseded_by": superseded_by,
        "published_at": f"{date}T16:00:00+00:00",
        "folder": f"{date}-{type}",
    }


def _deadline(id: int, meeting_id: int, kind: str, due: str, child: str | None = None) -> dict[str, Any]:
    return {"id": id, "meeting_id": meeting_id, "kind": kind, "due_date": due, "child": child, "generated": 0, "status": "open"}


def test_the_statuses_never_need_sqlite() -> None:
    assert "sqlite3" not in vars(sys.modules["docgen.ledger.statuses"])


def test_a_review_meets_next_review_late_and_a_planned_visit_series_gives_way_to_each_childs_visits() -> None:
    meetings = [_meeting(1, "2026-12-17", "initial"), _meeting(2, "2027-03-20", "review")]
    deadlines = [_deadline(10, 1, "next_review", "2027-03-11"), _deadline(11, 1, "visit", "2027-01-14")]
    statuses = case_statuses(meetings, deadlines, {})
    assert statuses[10] == Status(DeadlineStatus.MET, "2027-03-20", "review meeting on 2027-03-20", True)
    assert statuses[11] == Status(DeadlineStatus.RETIRED, None, "replaced by each child's visits, counted from their last visit")


def test_the_principal_manager_review_is_met_by_the_first_review_held_on_or_after_the_6_month_point() -> None:
    meetings = [
        _meeting(1, "2027-01-10", "initial"),
        _meeting(2, "2027-04-10", "review", chair="principal_manager"),  # before the point: does not count
        _meeting(3, "2027-07-31", "review", chair="principal_manager"),
    ]
    pm = {**_deadline(10, 1, "principal_manager_review", "2027-07-10"), "generated": 1}
    assert case_statuses(meetings[:2], [pm], {})[10] == Status()
    assert case_statuses(meetings, [pm], {})[10] == Status(
        DeadlineStatus.MET, "2027-07-31", "review meeting on 2027-07-31 chaired by a Principal Manager", True
    )


def test_copies_are_met_only_when_every_copy_has_a_sent_date() -> None:
    meetings = [_meeting(1, "2026-12-17", "initial")]
    deadlines = [_deadline(10, 1, "copies_due", "2027-01-05")]
    half = {10: [{"sent_date": "2027-01-04", "sent_by": "Ann"}, {"sent_date": None, "sent_by": None}]}
    both = {10: [{"sent_date": "2027-01-04", "sent_by": "Ann"}, {"sent_date": "2027-01-06", "sent_by": "Ben"}]}
    assert case_statuses(meetings, deadlines, half)[10].status == DeadlineStatus.OPEN
    assert case_statuses(meetings, deadlines, both)[10] == Status(DeadlineStatus.MET, "2027-01-06", "sent by Ann, Ben", True)


def test_a_closure_closes_what_is_still_open_and_an_amendment_retires_the_old_version() -> None:
    meetings = [
        _meeting(1, "2026-12-17", "initial", superseded_by=3),
        _meeting(3, "2026-12-17", "initial"),
        _meeting(2, "2027-02-01", "closure"),
    ]
    deadlines = [_deadline(10, 1, "copies_due", "2027-01-05"), _deadline(11, 3, "safeguarding", "2027-01-05")]
    statuses = case_statuses(meetings, deadlines, {})
    assert statuses[10] == Status(DeadlineStatus.RETIRED, "2026-12-17T16:00:00+00:00", "amended form published as 2026-12-17-initial")
    assert statuses[11] == Status(DeadlineStatus.CLOSED, "2027-02-01", "case closed at the meeting on 2027-02-01")


def test_a_form_published_just_after_midnight_in_summer_counts_for_that_day_in_england() -> None:
    assert local_day("2027-06-01T23:30:00+00:00") == dt.date(2027, 6, 2)
    assert local_day("2027-01-01T23:30:00+00:00") == dt.date(2027, 1, 1)
