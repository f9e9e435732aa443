"""Dates staff type, checked the same way at every door: the helper's sentences, a visit log through ``docgen run``,
and a distribution list read back with a date that could not have happened."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.ledger.store import Ledger
from docgen.ledger.workbooks import write_visit_log
from docgen.typed_dates import long_date, sent_date_problem, visit_date_problem
from tests.conftest import clean_initial, moved_back
from tests.send.helpers import publish

CASE = "CIN-2026-0412"


def test_a_date_in_range_is_no_problem_and_one_outside_names_the_date_as_read() -> None:
    meeting, today = dt.date(2026, 12, 1), dt.date(2026, 12, 20)
    assert sent_date_problem(dt.date(2026, 12, 1), meeting, today) is None
    assert sent_date_problem(dt.date(2026, 12, 20), meeting, today) is None
    # 12/5/2026 typed meaning 5 December, read as 12 May
    assert sent_date_problem(dt.date(2026, 5, 12), meeting, today) == (
        "The sent date 12 May 2026 is before the meeting on 1 December 2026: if you meant 5 December 2026, "
        "the day and month were read the other way round (type it day first, as 05/12/2026)."
    )
    # no swap fits (the 13th has no month 13; 3 Feb's swap, 2 March, is before the meeting too)
    assert sent_date_problem(dt.date(2026, 11, 13), meeting, today) == (
        "The sent date 13 November 2026 is before the meeting on 1 December 2026: check the day, the month and the year."
    )
    assert sent_date_problem(dt.date(2026, 2, 3), meeting, today) == (
        "The sent date 3 February 2026 is before the meeting on 1 December 2026: check the day, the month and the year."
    )
    assert visit_date_problem(dt.date(2026, 12, 21), dt.date(2026, 11, 1), today) == (
        "The visit date 21 December 2026 is after today (20 December 2026): check the day, the month and the year."
    )
    assert visit_date_problem(dt.date(2026, 12, 21), None, today) is not None, "with no plan start known, today still bounds it"


def _meant_and_read(earliest: dt.date) -> tuple[dt.date, dt.date]:
    """A day from ``earliest`` to today that, typed month first, reads as a real date before ``earliest``."""
    day = earliest
    while day <= dt.date.today():
        if day.day <= 12 and day.day != day.month and dt.date(day.year, day.day, day.month) < earliest:
            return day, dt.date(day.year, day.day, day.month)
        day += dt.timedelta(days=1)
    pytest.skip("no day between the plan start and today reads as another real date")


def test_a_visit_log_with_one_visit_before_the_plan_is_rejected_whole_and_records_nothing(tmp_path: Path) -> None:
    record = moved_back(clean_initial())
    publish(tmp_path, record)
    start = dt.date.fromisoformat(record["case"]["plan_start_date"])
    meant, read = _meant_and_read(start)
    good = start + dt.timedelta(days=3)
    write_visit_log(tmp_path / "inbox" / "visits.xlsx", [(CASE, "C1", good, True), (CASE, "C2", read, True)])
    ran = CliRunner().invoke(main, ["run", "--once", "--root", str(tmp_path)])
    assert ran.exit_code == 0, ran.output
    with Ledger.open(tmp_path, create=False) as ledger:
        assert ledger.visits(CASE) == [], "the good row is not recorded either: the log is rejected whole"
    assert not (tmp_path / "inbox" / "visits.xlsx").exists()
    report = (tmp_path / "inbox" / "rejected" / "visits.xlsx.errors.txt").read_text(encoding="utf-8")
    assert f"the visit date {long_date(read)} is before the plan start on {long_date(start)}" in report
    assert f"if you meant {long_date(meant)}, the day and month were read the other way round" in report
    assert "1 row to correct" in report


def test_a_sent_date_before_the_meeting_in_the_outbox_list_is_named_and_not_recorded(tmp_path: Path) -> None:
    record = moved_back(clean_initial())
    publish(tmp_path, record)
    held = dt.date.fromisoformat(record["meeting"]["date"])
    path = tmp_path / "outbox" / CASE / f"{record['meeting']['date']}-initial" / "distribution.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    early = held - dt.timedelta(days=20)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "Sarah Jones":
            row[10].value = early
        elif row[0].value == "Daniel Jones":
            row[10].value = held + dt.timedelta(days=1)
    book.save(path)
    result = CliRunner().invoke(main, ["due", "--root", str(tmp_path), "--json"])
    assert result.exit_code == 0
    assert "nothing in it was recorded" in result.stderr
    assert f"The sent date {long_date(early)} is before the meeting on {long_date(held)}" in result.stderr
    due = {d["recipient"] for d in json.loads(result.stdout) if d["kind"] == "copies_due"}
    assert {"Sarah Jones", "Daniel Jones"} <= due, "nothing of the list is recorded until the date is corrected"
