"""deadlines.ics and the manifest's deadlines: the right dates past bank holidays, and UIDs that re-import cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import load_record
from tests.render.helpers import make_pack


def meeting_on(date: str, next_review: str) -> dict[str, Any]:
    """The two-child initial meeting moved to another date (the case's earlier dates moved with it)."""
    record = load_record()
    day = dt.date.fromisoformat(date)
    record["case"].update(
        referral_date=(day - dt.timedelta(days=24)).isoformat(),
        assessment_start_date=(day - dt.timedelta(days=23)).isoformat(),
        assessment_completed_date=(day - dt.timedelta(days=7)).isoformat(),
        plan_start_date=date,
    )
    record["meeting"].update(date=date, next_review_date=next_review)
    for objective in record["objectives"]:
        objective["target_date"] = next_review
    for action in record["actions"]:
        action["due_date"] = next_review
    return record


def events(path: Path) -> list[tuple[str, dt.date, str]]:
    calendar = Calendar.from_ical(path.read_bytes())
    return [(str(e["SUMMARY"]), e.decoded("DTSTART"), str(e["UID"])) for e in calendar.walk("VEVENT")]


@pytest.mark.parametrize(
    ("meeting", "next_review", "record_due", "copies_due"),
    [
        # Christmas Day (Fri), Boxing Day (Sat, so Monday 28th off) and New Year's Day
        ("2026-12-17", "2027-02-11", "2026-12-24", "2027-01-05"),
        # Good Friday 26 March and Easter Monday 29 March 2027
        ("2027-03-24", "2027-05-19", "2027-04-02", "2027-04-09"),
        # the late-May bank holiday, Monday 31 May 2027
        ("2027-05-26", "2027-07-21", "2027-06-03", "2027-06-10"),
    ],
)
def test_due_dates_skip_weekends_and_bank_holidays(
    tmp_path: Path, meeting: str, next_review: str, record_due: str, copies_due: str
) -> None:
    manifest = make_pack(meeting_on(meeting, next_review), tmp_path)
    dates = {d["kind"]: d["date"] for d in manifest["deadlines"] if d["kind"] != "visit"}
    assert dates == {"record_due": record_due, "copies_due": copies_due, "next_review": next_review}
    assert {r["due"] for r in manifest["distribution"]} == {copies_due}
    on_calendar = {summary: start.isoformat() for summary, start, _ in events(tmp_path / "deadlines.ics")}
    assert on_calendar["CIN-2026-0412: Record of Planning Meeting and plans due"] == record_due
    assert on_calendar["CIN-2026-0412: Copies of the plan due to the family and participants"] == copies_due
    assert on_calendar["CIN-2026-0412: Child in Need review meeting"] == next_review


def test_calendar_holds_each_visit_up_to_the_review_as_all_day_events(tmp_path: Path) -> None:
    make_pack(load_record(), tmp_path)
    calendar = Calendar.from_ical((tmp_path / "deadlines.ics").read_bytes())
    found = [(e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"]), str(e["DESCRIPTION"])) for e in calendar.walk("VEVENT")]
    visits = [(start, summary) for start, _, summary, _ in found if "visit" in summary]
    assert visits == [(dt.date(2026, 12, 31), "CIN-2026-0412: Statutory visit due")] + [
        (dt.date(2027, m, d), "CIN-2026-0412: Statutory visit due") for m, d in ((1, 14), (1, 28), (2, 11))
    ]
    for start, end, _, _ in found:
        assert type(start) is dt.date and end == start + dt.timedelta(days=1)  # all-day
    descriptions = [d for *_, d in found]
    assert descriptions[0] == (
        "Record of Planning Meeting and plans completed (5 working days after the meeting) (procedure 3.1). "
        "Case CIN-2026-0412, initial meeting of 2026-12-17."
    )
    assert "Statutory visit 2 (every 14 days) (procedure 5.2)" in descriptions[3]


def test_safeguarding_and_principal_manager_deadlines_where_they_apply(tmp_path: Path) -> None:
    record = meeting_on("2027-07-01", "2027-08-26")
    record["meeting"]["type"] = "review"
    record["case"]["plan_start_date"] = "2026-12-17"
    record["decision"] = {"outcome": "escalate_safeguarding", "rationale": "New concerns raised by school."}
    manifest = make_pack(record, tmp_path)
    kinds = {d["kind"]: d["date"] for d in manifest["deadlines"] if d["kind"] != "visit"}
    assert kinds["principal_manager_review"] == "2027-06-17"
    assert kinds["safeguarding"] == "2027-07-01"
    summaries = {s for s, _, _ in events(tmp_path / "deadlines.ics")}
    assert "CIN-2026-0412: Principal Manager review due" in summaries
    assert "CIN-2026-0412: Safeguarding Procedures: start actions" in summaries


def test_uids_are_stable_so_a_reimport_updates(tmp_path: Path) -> None:
    record = load_record()
    make_pack(record, tmp_path / "first")
    make_pack(record, tmp_path / "again")
    first = events(tmp_path / "first" / "deadlines.ics")
    assert first == events(tmp_path / "again" / "deadlines.ics")
    assert len({uid for *_, uid in first}) == len(first)
    assert all(uid.endswith("@docgen") for *_, uid in first)
    # an amended form moving the review keeps every UID: calendars move the events instead of adding new ones
    record["meeting"]["next_review_date"] = "2027-02-04"
    make_pack(record, tmp_path / "amended")
    amended = events(tmp_path / "amended" / "deadlines.ics")
    before = {(s, u): d for s, d, u in first}
    review = "CIN-2026-0412: Child in Need review meeting"
    assert [(u, d) for s, d, u in amended if s == review] == [(u, dt.date(2027, 2, 4)) for (s, u) in before if s == review]
    assert {u for *_, u in amended} < {u for *_, u in first}  # the same events, less the fourth visit (now after the review)
