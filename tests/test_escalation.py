"""Procedure 4.1's Divisional Manager point, worked out from plain meeting rows."""

from __future__ import annotations

import datetime as dt

from docgen.escalation import divisional_manager_review

SPEC = {"principal_manager_months": 6, "divisional_manager_months": 9}


def _m(id: int, date: str, type: str) -> dict[str, object]:
    return {"id": id, "meeting_date": date, "meeting_type": type}


def test_the_first_review_at_or_after_the_point_raises_it() -> None:
    # Principal Manager review due 1 Jul 2027; the Divisional Manager point is 3 months later, 1 Oct 2027
    meetings = [_m(1, "2027-01-01", "initial"), _m(2, "2027-07-01", "review"), _m(3, "2027-09-30", "review"), _m(4, "2027-10-01", "review")]
    assert divisional_manager_review(dt.date(2027, 7, 1), "2027-07-01", meetings, SPEC) == (4, dt.date(2027, 10, 1))


def test_a_closure_before_the_point_means_no_divisional_review() -> None:
    meetings = [_m(2, "2027-07-01", "review"), _m(3, "2027-09-01", "closure"), _m(4, "2027-10-05", "review")]
    assert divisional_manager_review(dt.date(2027, 7, 1), "2027-07-01", meetings, SPEC) is None


def test_a_profile_without_both_points_sets_none() -> None:
    meetings = [_m(4, "2028-10-05", "review")]
    assert divisional_manager_review(dt.date(2027, 7, 1), "2027-07-01", meetings, {"principal_manager_months": 6}) is None
