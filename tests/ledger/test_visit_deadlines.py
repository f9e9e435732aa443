"""Each child's visits as deadlines from their last visit, on plain data (procedure 5.2)."""

from __future__ import annotations

import datetime as dt

from docgen.ledger.visit_deadlines import ChildVisit, VisitPlan, child_visit_deadlines

D = dt.date.fromisoformat


def plan(id: int, date: str, frequency: int | None = 28, *, type: str = "initial", children: tuple[str, ...] = ("C1", "C2")) -> VisitPlan:
    return VisitPlan(id, D(date), type, frequency, children, max_days=28, section="procedure 5.2")


def chain(plans: list[VisitPlan], visits: list[tuple[str, str]], child: str = "C1") -> list[tuple[str, str, str | None, bool]]:
    found = child_visit_deadlines(plans, [(D(day), who) for day, who in visits])
    return [(v.due.isoformat(), v.status, v.met_at, v.late) for v in found if v.child == child]


def test_the_issue_case_a_53_day_gap_is_overdue_from_day_29_and_met_late() -> None:
    # visits 5 Oct and 27 Nov under "every 28 days": the one due 2 Nov (5 Oct + 28) is met late on 27 Nov,
    # and the next is due 25 Dec (27 Nov + 28)
    plans = [plan(1, "2027-09-20")]
    visits = [("2027-10-05", "C1"), ("2027-11-27", "C1")]
    assert chain(plans, visits) == [
        ("2027-10-18", "met", "2027-10-05", False),  # 20 Sep + 28
        ("2027-11-02", "met", "2027-11-27", True),
        ("2027-12-25", "open", None, False),
    ]


def test_a_visit_to_one_sibling_does_not_meet_the_other_childs_visit() -> None:
    plans = [plan(1, "2027-01-10")]
    visits = [("2027-01-20", "C1")]
    assert chain(plans, visits, "C1") == [("2027-02-07", "met", "2027-01-20", False), ("2027-02-17", "open", None, False)]
    assert chain(plans, visits, "C2") == [("2027-02-07", "open", None, False)]  # 10 Jan + 28: nobody saw C2


def test_visits_go_on_past_a_next_review_that_was_never_held() -> None:
    # the next review was set for 10 Apr and never held: C1's visits still fall due every 28 days
    plans = [plan(1, "2027-01-10")]
    visits = [("2027-02-01", "C1"), ("2027-03-01", "C1"), ("2027-03-29", "C1"), ("2027-04-26", "C1")]
    assert chain(plans, visits)[-1] == ("2027-05-24", "open", None, False)


def test_the_frequency_is_never_longer_than_the_profiles_maximum() -> None:
    plans = [plan(1, "2027-01-10", frequency=42)]
    assert chain(plans, []) == [("2027-02-07", "open", None, False)]  # 28, not 42


def test_a_review_with_a_new_frequency_moves_the_next_visit_counting_from_the_last_visit() -> None:
    # last seen 1 Feb; due 1 Mar under 28 days; the review on 15 Feb sets every 14 days: due 15 Feb (1 Feb + 14)
    plans = [plan(1, "2027-01-10"), plan(2, "2027-02-15", 14, type="review")]
    visits = [("2027-02-01", "C1"), ("2027-02-20", "C1")]
    assert chain(plans, visits) == [
        ("2027-02-07", "met", "2027-02-01", False),
        ("2027-03-01", "retired", "2027-02-15", False),
        ("2027-02-15", "met", "2027-02-20", True),
        ("2027-03-06", "open", None, False),  # 20 Feb + 14
    ]


def test_an_overdue_visit_stays_overdue_across_a_review_until_a_visit_meets_it() -> None:
    plans = [plan(1, "2027-01-10"), plan(2, "2027-03-01", 21, type="review")]
    visits = [("2027-03-05", "C1")]
    assert chain(plans, visits) == [
        ("2027-02-07", "met", "2027-03-05", True),  # missed before the review, met late after it
        ("2027-03-26", "open", None, False),  # 5 Mar + the review's 21 days
    ]


def test_a_review_keeping_the_same_frequency_leaves_the_deadline_where_it_was() -> None:
    plans = [plan(1, "2027-01-10"), plan(2, "2027-02-01", 28, type="review")]
    assert chain(plans, [("2027-01-20", "C1")]) == [("2027-02-07", "met", "2027-01-20", False), ("2027-02-17", "open", None, False)]


def test_a_closure_ends_the_chain() -> None:
    plans = [plan(1, "2027-01-10"), plan(2, "2027-03-01", None, type="closure")]
    assert chain(plans, [("2027-01-20", "C1")]) == [
        ("2027-02-07", "met", "2027-01-20", False),
        ("2027-02-17", "closed", "2027-03-01", False),
    ]


def test_a_child_who_joins_at_a_review_is_due_from_that_review() -> None:
    plans = [plan(1, "2027-01-10", children=("C1",)), plan(2, "2027-02-01", 14, type="review", children=("C1", "C3"))]
    assert chain(plans, [], "C3") == [("2027-02-15", "open", None, False)]


def test_the_description_names_the_child_the_frequency_and_where_it_counts_from() -> None:
    item = ChildVisit(1, "C2", D("2027-02-07"), D("2027-01-10"), 28, "procedure 5.2")
    assert item.description == "Statutory visit to child C2 (every 28 days, counted from 10 Jan 2027)"


def test_a_child_no_longer_on_the_plan_has_no_more_visits_due() -> None:
    plans = [plan(1, "2027-01-10"), plan(2, "2027-02-01", type="review", children=("C1",))]
    assert chain(plans, [("2027-01-20", "C2")], "C2") == [
        ("2027-02-07", "met", "2027-01-20", False),
        ("2027-02-17", "closed", "2027-02-01", False),  # C2 left the plan at the review before it fell due
    ]
