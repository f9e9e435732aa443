"""The report for any period from one reading of the ledger gives exactly what ``build_report`` gives for that period."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest

from docgen.ledger import Ledger, Visit
from docgen.ledger.performance import Figures, build_report
from docgen.ledger.report_periods import ReportIndex

FIRST = dt.date(2026, 1, 5)
KEY_WORKERS = ["Tom Okafor", "Marcus Bell", "Asha Patel", None]
POLICIES = ["standard", "south-gloucestershire"]
LATE_PLAN = {"rule": "standard-1.2-plan-within-4-weeks", "section": "1.2", "message": "The initial meeting was held late"}


def _manifest(n: int, kind: str, held: dt.date, children: list[str]) -> dict[str, Any]:
    """A meeting of case ``n``: its record, copies for three people, next review and visits every 10 or 14 days."""
    reference = f"GEN-{n:03d}"

    def after(days: int) -> str:
        return (held + dt.timedelta(days=days)).isoformat()

    def cite(section: str) -> str:  # the two profiles cite the procedure in their own words
        return f"procedure {section}" if n % 2 == 0 else f"South Gloucestershire guidance, {section}"

    return {
        "source": {"name": f"{reference}-{kind}.docx", "sha256": f"{n:056x}{held.toordinal():08x}"},
        "policy": POLICIES[n % 2],
        "case_reference": reference,
        "case": {"referral_date": (FIRST + dt.timedelta(days=n * 3 - 20)).isoformat()},
        "meeting": {
            "type": kind,
            "date": held.isoformat(),
            "folder": f"{held.isoformat()}-{kind}",
            "visit_frequency_days": 10 + 4 * (n % 2),
        },
        "key_worker": {"name": KEY_WORKERS[n % len(KEY_WORKERS)]} if KEY_WORKERS[n % len(KEY_WORKERS)] else {},
        "children": children,
        "warnings": [LATE_PLAN] if kind == "initial" and n % 5 == 0 else [],
        "documents": [{"path": f"plan-{c}.docx", "kind": "plan", "child": c} for c in children],
        "deadlines": [
            {"kind": "record_due", "date": after(5), "section": cite("3.1"), "description": "Record of Planning Meeting"},
            {"kind": "copies_due", "date": after(10), "section": cite("3.3"), "description": "Copies of the plan"},
            *(
                [{"kind": "next_review", "date": after(60 + n % 7), "section": cite("4.1"), "description": "Review meeting"}]
                if kind != "closure"
                else []
            ),
        ],
        "distribution": [
            {"recipient": f"Person {r} of {reference}", "role": "parent", "document": "plan.docx", "delivery": "post", "due": after(10)}
            for r in range(3)
        ],
        "generated_at": f"{after(n % 9)}T23:30:00+00:00",  # some records published after their due day
    }


def _ledger() -> Ledger:
    """Forty cases: initial meetings, reviews and closures under two profiles, copies sent early and late, visits alone and not."""
    ledger = Ledger.in_memory()
    rng = random.Random(12)
    for n in range(40):
        initial = FIRST + dt.timedelta(days=n * 3)
        children = [] if n == 7 else ["C1", "C2"][: 1 + n % 2]  # case 7 names no child
        meetings = [("initial", initial), ("review", initial + dt.timedelta(days=60 + n % 11))]
        if n % 4 == 0:
            meetings.append(("closure", initial + dt.timedelta(days=100 + n % 13)))
        for kind, held in meetings:
            ledger.publish_meeting(_manifest(n, kind, held, children))
            meeting = ledger.meetings(f"GEN-{n:03d}")[-1]
            if rng.random() < 0.7:
                sent = held + dt.timedelta(days=rng.randint(2, 16))
                ledger.mark_copies_sent(
                    meeting.id, [(f"Person {r} of GEN-{n:03d}", None, sent, "Admin Team") for r in range(rng.randint(1, 3))]
                )
        day = initial - dt.timedelta(days=25)
        visits = []
        while day < initial + dt.timedelta(days=150):
            day += dt.timedelta(days=rng.randint(3, 20))
            visits += [Visit(f"GEN-{n:03d}", child, day, rng.choice([True, False, None])) for child in children if rng.random() < 0.8]
        ledger.record_visits(visits)
    return ledger


@pytest.fixture(scope="module")
def ledger() -> Iterator[Ledger]:
    with _ledger() as made:
        yield made


def _edges(ledger: Ledger) -> list[dt.date]:
    """Every day something falls due or a meeting is held, and the days either side: the periods' edges."""
    days = {dt.date.fromisoformat(row["due_date"]) for row in ledger.deadlines()}
    days |= {dt.date.fromisoformat(m.meeting_date) for m in ledger.meetings()}
    return sorted({d + dt.timedelta(days=shift) for d in days for shift in (-1, 0, 1)})


def _shown(figures: Figures) -> list[tuple[Any, ...]]:
    """Everything the report shows, orders included (a dict compares equal whatever its order)."""
    return [(m.id, m.title, m.section, m.overall, list(m.by_key_worker.items()), m.late, m.not_yet_due) for m in figures.measures]


def test_the_generated_ledger_has_something_in_every_measure(ledger: Ledger) -> None:
    figures = build_report(ledger, FIRST - dt.timedelta(days=60), FIRST + dt.timedelta(days=400), FIRST + dt.timedelta(days=200))
    for measure in figures.measures:
        assert measure.overall.on_time and measure.overall.late, measure.id
    assert "; " in figures.measure("reviews").section  # both profiles' citations, in the order the ledger meets them
    assert {"(key worker not recorded)", "Tom Okafor"} <= set(figures.measure("copies").by_key_worker)


def test_every_period_from_one_reading_is_the_report_for_that_period(ledger: Ledger) -> None:
    index = ReportIndex.read(ledger)
    edges = _edges(ledger)
    rng = random.Random(6)
    periods = [(edges[0], edges[-1], edges[len(edges) // 2]), (edges[-1], edges[0], edges[0]), (edges[5], edges[5], edges[5])]
    for _ in range(150):
        start, end, as_of = [*sorted(rng.sample(edges, 2)), rng.choice(edges)]
        periods.append((start, end, as_of))
        periods.append((start, start + dt.timedelta(days=rng.choice([0, 6, 30, 91])), end))  # as of the end of a later period
    for start, end, as_of in periods:
        assert _shown(index.figures(start, end, as_of)) == _shown(build_report(ledger, start, end, as_of)), (start, end, as_of)


def test_a_deadline_due_on_the_as_of_day_is_still_to_come_and_late_the_day_after(ledger: Ledger) -> None:
    index = ReportIndex.read(ledger)
    rows = [r for r in ledger.deadlines() if r["kind"] == "copies_due"]
    by_day: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_day.setdefault(row["due_date"], []).append(row)
    # a day with copies still to send and others sent (none retired or ended by a closure)
    day, on_the_day = next((d, r) for d, r in sorted(by_day.items()) if {x["status"] for x in r} == {"open", "met"})
    due = dt.date.fromisoformat(day)
    still_open = sum(r["status"] == "open" for r in on_the_day)
    assert still_open
    judged_that_day = index.figures(due, due, due).measure("copies")
    assert (judged_that_day.not_yet_due, judged_that_day.overall.total) == (still_open, len(on_the_day) - still_open)
    judged_next_day = index.figures(due, due, due + dt.timedelta(days=1)).measure("copies")
    assert (judged_next_day.not_yet_due, judged_next_day.overall.total) == (0, len(on_the_day))
    assert [item.days_late for item in judged_next_day.late if item.done is None] == [1] * still_open
    day_before = due - dt.timedelta(days=1)
    before = index.figures(day_before - dt.timedelta(days=30), day_before, due + dt.timedelta(days=1)).measure("copies")
    assert due not in {item.due for item in before.late}
