"""Forms through the real service, then ``docgen due`` before and after their deadlines, as an operator would."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from docgen import typed_dates
from docgen.cli import main
from tests.conftest import clean_review
from tests.ledger.builders import base_record


@pytest.fixture(autouse=True)
def _checked_as_of_after_the_sample_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sent dates in these sample meetings (Dec 2026 onwards) are checked as of a day after them: they must have happened."""
    monkeypatch.setattr(typed_dates, "today", lambda: dt.date(2027, 12, 31))


pytest.importorskip("docgen.render")


def _due(root: Path, as_of: str, *extra: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["due", "--root", str(root), "--as-of", as_of, "--json", *extra])
    assert result.exit_code == 0, result.output
    items: list[dict[str, Any]] = json.loads(result.stdout)
    return items


def _run(root: Path) -> None:
    result = CliRunner().invoke(main, ["run", "--once", "--root", str(root), "--no-pdf"])  # the ledger, not PDFs, is under test
    assert result.exit_code == 0, result.output


def test_published_forms_are_due_then_overdue_and_a_review_meets_the_next_review(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    record = base_record()
    (tmp_path / "inbox" / "jones-initial.json").write_text(json.dumps(record), encoding="utf-8")
    _run(tmp_path)

    before = _due(tmp_path, "2027-01-05")
    assert {(i["kind"], i["status"]) for i in before if i["kind"] != "visit"} == {
        ("copies_due", "upcoming"),
        ("next_review", "upcoming"),
        ("principal_manager_review", "upcoming"),
    }
    # foreseen from the first meeting: the plan started on 17 Dec 2026, so 6 months on is 17 Jun 2027 (procedure 4.1)
    assert [(i["date"], i["section"]) for i in before if i["kind"] == "principal_manager_review"] == [("2027-06-17", "procedure 4.1")]
    # each child's first visit: 14 days after the meeting, neither child seen yet
    assert sorted((i["child"], i["date"]) for i in before if i["kind"] == "visit") == [("C1", "2026-12-31"), ("C2", "2026-12-31")]
    assert "record_due" not in {i["kind"] for i in before}  # published, so met
    assert {i["recipient"] for i in before if i["kind"] == "copies_due"} >= {"Amy Jones", "Leo Jones", "Sarah Jones", "Daniel Jones"}
    assert all(i["key_worker"] == "Tom Okafor" and i["case_reference"] == "CIN-2026-0412" for i in before)
    after = _due(tmp_path, "2027-01-06", "--kind", "copies_due")
    assert {(i["status"], i["days_late"]) for i in after} == {("overdue", 1)}
    assert [i["status"] for i in _due(tmp_path, "2027-02-12", "--kind", "next_review")] == ["overdue"]

    review = clean_review()  # 11 Feb 2027, next review 8 Apr 2027
    (tmp_path / "inbox" / "jones-review.json").write_text(json.dumps(review), encoding="utf-8")
    _run(tmp_path)
    assert [(i["date"], i["status"]) for i in _due(tmp_path, "2027-02-12", "--kind", "next_review")] == [("2027-04-08", "upcoming")]

    # the admin team fill in the sent dates of the initial meeting's list, in the outbox
    listing = tmp_path / "outbox" / "CIN-2026-0412" / "2026-12-17-initial" / "distribution.xlsx"
    book = openpyxl.load_workbook(listing)
    sheet = book.active
    sent = [c.value for c in sheet[1]].index("Sent date") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value:
            sheet.cell(row, sent).value = "04/01/2027"
    book.save(listing)
    assert not [i for i in _due(tmp_path, "2027-01-06", "--kind", "copies_due") if i["meeting"] == "2026-12-17-initial"]
    shutil.rmtree(tmp_path / "outbox")  # the ledger, not the outbox, answers: removing files loses nothing already read
    assert [(i["date"], i["status"]) for i in _due(tmp_path, "2027-02-12", "--kind", "next_review")] == [("2027-04-08", "upcoming")]


def test_a_dropped_visit_log_moves_each_childs_visit_and_they_go_on_past_a_review_not_held(tmp_path: Path) -> None:
    from docgen.ledger.workbooks import write_visit_log

    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "jones-initial.json").write_text(json.dumps(base_record()), encoding="utf-8")  # 17 Dec, every 14 days
    _run(tmp_path)
    write_visit_log(tmp_path / "inbox" / "visits.xlsx", [("CIN-2026-0412", "C1", dt.date(2027, 1, 20), True)])
    _run(tmp_path)
    # next review 11 Feb 2027, never held. On 1 Mar: C1 last seen 20 Jan, due 3 Feb; C2 never seen, due 31 Dec
    # (17 Dec + 14); the review overdue; the Principal Manager review still to come on 17 Jun
    items = [(i["kind"], i.get("child"), i["date"], i["status"]) for i in _due(tmp_path, "2027-03-01") if i["kind"] != "copies_due"]
    assert items == [
        ("visit", "C2", "2026-12-31", "overdue"),
        ("visit", "C1", "2027-02-03", "overdue"),
        ("next_review", None, "2027-02-11", "overdue"),
        ("principal_manager_review", None, "2027-06-17", "upcoming"),
    ]
