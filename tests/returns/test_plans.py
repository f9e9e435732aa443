"""The episode rules on their own: what each meeting does to each child's plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from docgen.returns.plans import MeetingFacts, case_plans

D = dt.date.fromisoformat


def meeting(kind: str, date: str, children: list[str], *, referral: str = "2025-01-02", plan_start: str | None = None) -> MeetingFacts:
    record: dict[str, Any] = {
        "case": {"referral_date": referral, "plan_start_date": plan_start},
        "children": [{"id": c, "la_child_id": f"ID{c}"} for c in children],
        "key_worker": {"name": "Tom Okafor"},
    }
    return MeetingFacts(kind, D(date), f"{date}-{kind}", record)


def plans(*meetings: MeetingFacts) -> list[tuple[str, int, str, str | None, str | None]]:
    return [(p.child_id, p.episode, p.start.isoformat(), p.end.isoformat() if p.end else None, p.ended_by) for p in case_plans("CASE", meetings)]


def test_a_plan_starts_at_the_initial_meetings_plan_start_and_ends_at_the_closure() -> None:
    got = plans(meeting("initial", "2025-02-01", ["C1"], plan_start="2025-01-30"), meeting("closure", "2025-06-01", ["C1"]))
    assert got == [("C1", 1, "2025-01-30", "2025-06-01", "closure")]


def test_a_closure_ends_every_open_plan_as_closed_and_starts_none() -> None:
    got = plans(meeting("initial", "2025-02-01", ["C1", "C2"]), meeting("closure", "2025-06-01", ["C1", "C3"]))
    assert got == [("C1", 1, "2025-02-01", "2025-06-01", "closure"), ("C2", 1, "2025-02-01", "2025-06-01", "closure")]


def test_meetings_are_taken_in_date_order_whatever_order_they_come_in() -> None:
    got = plans(meeting("review", "2025-05-01", ["C2"]), meeting("initial", "2025-02-01", ["C1"]))
    assert got == [("C1", 1, "2025-02-01", "2025-05-01", "review"), ("C2", 1, "2025-05-01", None, None)]


def test_a_case_first_seen_at_a_review_starts_at_its_plan_start() -> None:
    assert plans(meeting("review", "2025-05-01", ["C1"], plan_start="2024-11-20")) == [("C1", 1, "2024-11-20", None, None)]


def test_an_initial_meeting_after_a_closure_is_a_new_episode_with_its_referral() -> None:
    facts = [
        meeting("initial", "2025-02-01", ["C1"]),
        meeting("closure", "2025-06-01", ["C1"]),
        meeting("initial", "2025-09-01", ["C1"], referral="2025-08-11"),
    ]
    found = case_plans("CASE", facts)
    assert [(p.episode, p.referral_date.isoformat(), p.plan_id) for p in found] == [(1, "2025-01-02", "CASE-E1-C1"), (2, "2025-08-11", "CASE-E2-C1")]


def test_a_review_after_a_closure_never_overlaps_the_closed_plan() -> None:
    got = plans(
        meeting("initial", "2025-02-01", ["C1"]),
        meeting("closure", "2025-06-01", ["C1"], plan_start="2025-02-01"),
        meeting("review", "2025-07-01", ["C1"], plan_start="2025-02-01"),  # no new initial meeting: the old plan start carried
    )
    assert got == [("C1", 1, "2025-02-01", "2025-06-01", "closure"), ("C1", 2, "2025-07-01", None, None)]
