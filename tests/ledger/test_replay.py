"""A year of one family's case under each profile, replayed day by day: what ``docgen due`` lists every morning.

Each step says what happened on a day (a meeting published, children seen) and what ``due`` lists from that
day on, worked out by hand in the comments: each child's next visit (procedure 5.2: ``visit_frequency_days``
after that child's last visit, or after the meeting before any), the next review (4.1/4.5), the Principal
Manager review at plan start + 6 months (4.1) and the Divisional Manager review on the council's assumed date
(3 months later). The replay then asks the ledger on every day of the year and compares, overdue or upcoming
as the day says. Copies (3.3) are left out: they stay due until a sent date is recorded, tested elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.ledger import Ledger, Visit
from docgen.ledger.workbooks import ingest_workbook, write_visit_log
from tests.ledger.builders import base_record, manifest, meeting

D = dt.date.fromisoformat
KINDS = {"C1": "visit", "C2": "visit", "review": "next_review", "PM": "principal_manager_review", "DM": "divisional_manager_review"}


@dataclass(frozen=True)
class Meeting:
    """A meeting published on its own day."""

    type: str
    frequency: int | None = None
    next_review: str | None = None


@dataclass(frozen=True)
class Seen:
    """Children visited that day (recorded the same day)."""

    children: tuple[str, ...]


def seen(*children: str) -> Seen:
    return Seen(children)


# (day, what happened, what `due` lists from that day: a date, or None once it is no longer due)
Step = tuple[str, Meeting | Seen | None, dict[str, str | None]]

STANDARD: list[Step] = [
    # Referral 4 Jan 2027; the initial meeting on 25 Jan starts the plan. Visits every 21 days, so each child is
    # first due 15 Feb (25 Jan + 21). The Principal Manager review is foreseen now: 25 Jan + 6 months = 25 Jul.
    (
        "2027-01-25",
        Meeting("initial", 21, "2027-04-22"),
        {"C1": "2027-02-15", "C2": "2027-02-15", "review": "2027-04-22", "PM": "2027-07-25"},
    ),
    ("2027-01-29", seen("C1", "C2"), {"C1": "2027-02-19", "C2": "2027-02-19"}),  # 29 Jan + 21
    ("2027-02-15", seen("C1", "C2"), {"C1": "2027-03-08", "C2": "2027-03-08"}),  # 15 Feb + 21
    # Only C1 seen, two days late: C1 moves to 31 Mar (10 Mar + 21); C2 stays due 8 Mar, overdue from 9 Mar
    ("2027-03-10", seen("C1"), {"C1": "2027-03-31"}),
    ("2027-03-30", seen("C1", "C2"), {"C1": "2027-04-20", "C2": "2027-04-20"}),  # C2's 8 Mar met, 22 days late
    ("2027-04-20", seen("C1", "C2"), {"C1": "2027-05-11", "C2": "2027-05-11"}),
    # 22 Apr: the review is not held. Nothing stops: visits still fall due every 21 days, the review is overdue.
    ("2027-05-11", seen("C1"), {"C1": "2027-06-01"}),  # C2 missed: due 11 May, overdue from 12 May
    # The review, three weeks late, sets visits every 28 days. C1's 1 Jun was still to come: it becomes 8 Jun
    # (last seen 11 May + 28). C2's 11 May was already overdue: it stays until C2 is seen.
    ("2027-05-13", Meeting("review", 28, "2027-08-05"), {"review": "2027-08-05", "C1": "2027-06-08"}),
    ("2027-05-20", seen("C2"), {"C2": "2027-06-17"}),  # 20 May + 28 under the review's frequency
    ("2027-06-07", seen("C1"), {"C1": "2027-07-05"}),
    ("2027-06-17", seen("C2"), {"C2": "2027-07-15"}),
    ("2027-07-05", seen("C1"), {"C1": "2027-08-02"}),
    ("2027-07-15", seen("C2"), {"C2": "2027-08-12"}),
    # 25 Jul: the 6 month point passes with no review held: the Principal Manager review is overdue from 26 Jul.
    ("2027-08-02", seen("C1"), {"C1": "2027-08-30"}),
    # The review on 5 Aug is the first held on or after 25 Jul: it meets the Principal Manager review (late).
    # Same frequency: the visits stay where they were.
    ("2027-08-05", Meeting("review", 28, "2027-10-28"), {"review": "2027-10-28", "PM": None}),
    ("2027-08-12", seen("C2"), {"C2": "2027-09-09"}),
    ("2027-08-30", seen("C1"), {"C1": "2027-09-27"}),
    ("2027-09-09", seen("C2"), {"C2": "2027-10-07"}),
    ("2027-09-27", seen("C1"), {"C1": "2027-10-25"}),
    ("2027-10-07", seen("C2"), {"C2": "2027-11-04"}),
    ("2027-10-25", seen("C1"), {"C1": "2027-11-22"}),
    # Still open at a review after 25 Oct (25 Jul + the council's assumed 3 months): the Divisional Manager review
    # is raised by this review, dated 25 Oct, so already 3 days overdue.
    ("2027-10-28", Meeting("review", 28, "2028-01-20"), {"review": "2028-01-20", "DM": "2027-10-25"}),
    ("2027-11-04", seen("C2"), {"C2": "2027-12-02"}),
    ("2027-11-22", seen("C1"), {"C1": "2027-12-20"}),
    ("2027-12-02", seen("C2"), {"C2": "2027-12-30"}),
    ("2027-12-20", seen("C1"), {"C1": "2028-01-17"}),
    ("2027-12-30", seen("C2"), {"C2": "2028-01-27"}),
    # C1 is not seen by 17 Jan: overdue from 18 Jan until the closure ends everything.
    ("2028-01-20", Meeting("closure"), dict.fromkeys(("C1", "C2", "review", "DM"))),
    ("2028-02-29", None, {}),
]

SOUTH_GLOUCESTERSHIRE: list[Step] = [
    # Reviews every 8 weeks (56 days). Initial meeting 1 Mar 2027: visits every 14 days, first due 15 Mar; review
    # 26 Apr (1 Mar + 56); the 6 month point 1 Sep.
    (
        "2027-03-01",
        Meeting("initial", 14, "2027-04-26"),
        {"C1": "2027-03-15", "C2": "2027-03-15", "review": "2027-04-26", "PM": "2027-09-01"},
    ),
    ("2027-03-08", seen("C1", "C2"), {"C1": "2027-03-22", "C2": "2027-03-22"}),
    ("2027-03-22", seen("C1", "C2"), {"C1": "2027-04-05", "C2": "2027-04-05"}),  # on the day: met, not late
    ("2027-04-05", seen("C1"), {"C1": "2027-04-19"}),  # C2 missed: 5 Apr overdue from 6 Apr
    ("2027-04-19", seen("C1"), {"C1": "2027-05-03"}),
    # 26 Apr: no review. The visits go on.
    ("2027-04-30", seen("C1", "C2"), {"C1": "2027-05-14", "C2": "2027-05-14"}),  # C2's 5 Apr met 25 days late
    ("2027-05-14", seen("C1"), {"C1": "2027-05-28"}),  # C2 missed again: 14 May overdue from 15 May
    # The review three weeks late (17 May) sets every 21 days: C1's 28 May was still to come, so 4 Jun (14 May + 21);
    # C2's 14 May was overdue already and stays.
    ("2027-05-17", Meeting("review", 21, "2027-07-12"), {"review": "2027-07-12", "C1": "2027-06-04"}),
    ("2027-05-24", seen("C2"), {"C2": "2027-06-14"}),
    ("2027-06-04", seen("C1"), {"C1": "2027-06-25"}),
    ("2027-06-14", seen("C2"), {"C2": "2027-07-05"}),
    ("2027-06-25", seen("C1"), {"C1": "2027-07-16"}),
    ("2027-07-05", seen("C2"), {"C2": "2027-07-26"}),
    # On time; a management agreement lets the next review be 3 months on (11 Oct).
    ("2027-07-12", Meeting("review", 21, "2027-10-11"), {"review": "2027-10-11"}),
    ("2027-07-16", seen("C1"), {"C1": "2027-08-06"}),
    ("2027-07-26", seen("C2"), {"C2": "2027-08-16"}),
    ("2027-08-06", seen("C1"), {"C1": "2027-08-27"}),
    ("2027-08-16", seen("C2"), {"C2": "2027-09-06"}),
    ("2027-08-27", seen("C1"), {"C1": "2027-09-17"}),
    # 1 Sep: the 6 month point, no review held until 11 Oct: the Principal Manager review is overdue from 2 Sep.
    ("2027-09-06", seen("C2"), {"C2": "2027-09-27"}),
    ("2027-09-17", seen("C1"), {"C1": "2027-10-08"}),
    ("2027-09-27", seen("C2"), {"C2": "2027-10-18"}),
    ("2027-10-08", seen("C1"), {"C1": "2027-10-29"}),
    ("2027-10-11", Meeting("review", 21, "2027-12-06"), {"review": "2027-12-06", "PM": None}),
    ("2027-10-18", seen("C2"), {"C2": "2027-11-08"}),
    ("2027-10-29", seen("C1"), {"C1": "2027-11-19"}),
    ("2027-11-08", seen("C2"), {"C2": "2027-11-29"}),
    ("2027-11-19", seen("C1"), {"C1": "2027-12-10"}),
    ("2027-11-29", seen("C2"), {"C2": "2027-12-20"}),
    # The first review on or after 1 Dec (1 Sep + 3 months) raises the Divisional Manager review, dated 1 Dec.
    ("2027-12-06", Meeting("review", 21, "2028-01-31"), {"review": "2028-01-31", "DM": "2027-12-01"}),
    ("2027-12-10", seen("C1"), {"C1": "2027-12-31"}),
    ("2027-12-20", seen("C2"), {"C2": "2028-01-10"}),
    ("2027-12-31", seen("C1"), {"C1": "2028-01-21"}),
    ("2028-01-10", seen("C2"), {"C2": "2028-01-31"}),
    ("2028-01-21", seen("C1"), {"C1": "2028-02-11"}),
    ("2028-01-31", Meeting("closure"), dict.fromkeys(("C1", "C2", "review", "DM"))),
    ("2028-02-29", None, {}),
]


def _publish(root: Path, policy: str, case: str, start: str, day: str, step: Meeting) -> None:
    record = base_record()
    record["policy"] = policy
    record["case"].update(reference=case, plan_start_date=start, referral_date=start, assessment_start_date=start)
    fields: dict[str, Any] = {"visit_frequency_days": step.frequency} if step.frequency else {}
    record = meeting(record, step.type, day, next_review=step.next_review, **fields)
    with Ledger.open(root) as ledger:
        ledger.publish_meeting(manifest(record, generated_at=f"{day}T17:00:00+00:00"), record=record)


def _expected(steps: list[Step], day: dt.date) -> list[tuple[str, str | None, dt.date, str]]:
    """What the hand-worked steps say ``due`` lists on ``day``."""
    state: dict[str, str | None] = {}
    for when, _, changes in steps:
        if D(when) <= day:
            state.update(changes)
    return sorted(
        (KINDS[key], key if key.startswith("C") else None, D(date), "overdue" if D(date) < day else "upcoming")
        for key, date in state.items()
        if date
    )


def _listed(root: Path, case: str, day: dt.date) -> list[tuple[str, str | None, dt.date, str]]:
    with Ledger.open(root) as ledger:
        items = ledger.due(day, case=case)
    return sorted((i.kind, i.child, i.date, i.status) for i in items if i.kind != "copies_due")


@pytest.mark.parametrize(
    ("policy", "steps"),
    [("standard", STANDARD), ("south-gloucestershire", SOUTH_GLOUCESTERSHIRE)],
    ids=["standard", "south-gloucestershire"],
)
def test_a_year_replayed_day_by_day_lists_what_was_worked_out_by_hand(tmp_path: Path, policy: str, steps: list[Step]) -> None:
    case = f"CIN-REPLAY-{policy[:2].upper()}"
    start, end = steps[0][0], steps[-1][0]
    events = {day: event for day, event, _ in steps}
    day = D(start)
    while day <= D(end):
        event = events.get(day.isoformat())
        if isinstance(event, Meeting):
            _publish(tmp_path, policy, case, start, day.isoformat(), event)
        elif isinstance(event, Seen):
            if event.children == ("C1", "C2"):  # a whole family's visit comes in a visit log dropped that day
                log = write_visit_log(tmp_path / f"visits-{day}.xlsx", [(case, c, day, True) for c in event.children])
                with Ledger.open(tmp_path) as ledger:
                    ingest_workbook(log, ledger, today=day)
            else:
                with Ledger.open(tmp_path) as ledger:
                    ledger.record_visits([Visit(case, c, day, True) for c in event.children])
        assert _listed(tmp_path, case, day) == _expected(steps, day), f"on {day}"
        day += dt.timedelta(days=1)


def test_due_json_names_each_childs_visit_past_a_slipped_review(tmp_path: Path) -> None:
    # the standard year up to 12 May: the review of 22 Apr not held, C2 missed on 11 May
    case, start = "CIN-REPLAY-ST", STANDARD[0][0]
    (tmp_path / "inbox").mkdir()  # a docgen root
    for day, event, _ in STANDARD:
        if day > "2027-05-12":
            break
        if isinstance(event, Meeting):
            _publish(tmp_path, "standard", case, start, day, event)
        elif isinstance(event, Seen):
            with Ledger.open(tmp_path) as ledger:
                ledger.record_visits([Visit(case, c, D(day), True) for c in event.children])
    result = CliRunner().invoke(main, ["due", "--root", str(tmp_path), "--as-of", "2027-05-12", "--json", "--kind", "visit"])
    assert [(i["child"], i["date"], i["status"], i["days_late"]) for i in json.loads(result.output)] == [
        ("C2", "2027-05-11", "overdue", 1),
        ("C1", "2027-06-01", "upcoming", 0),
    ]
