"""One case through a year: initial meeting, copies sent (one late), visits (one missed), three reviews with the
6 month escalation, closure — asking ``docgen due`` and ``docgen report`` along the way, as staff would."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from docgen import typed_dates
from docgen.cli import main
from docgen.ledger import Ledger
from docgen.ledger.workbooks import classify_workbook, ingest_workbook, write_visit_log
from tests.ledger.builders import base_record, manifest, meeting, write_distribution


@pytest.fixture(autouse=True)
def _checked_as_of_after_the_sample_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sent dates in these sample meetings (Dec 2026 onwards) are checked as of a day after them: they must have happened."""
    monkeypatch.setattr(typed_dates, "today", lambda: dt.date(2027, 12, 31))


CASE = "CIN-2026-0412"
RECIPIENTS = ["Amy Jones", "Daniel Jones", "Leo Jones", "Mrs Helen Carter", "Nadia Ali", "Sarah Jones"]


def due(root: Path, as_of: str, *extra: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["due", "--root", str(root), "--as-of", as_of, "--json", *extra])
    assert result.exit_code == 0, result.output
    items: list[dict[str, Any]] = json.loads(result.stdout)
    return items


def overdue(root: Path, as_of: str) -> list[tuple[str, str, str | None, int]]:
    return [(i["kind"], i["date"], i.get("recipient"), i["days_late"]) for i in due(root, as_of) if i["status"] == "overdue"]


def publish(root: Path, record: dict[str, Any], published: str) -> dict[str, Any]:
    m = manifest(record, generated_at=f"{published}T16:00:00+00:00")
    with Ledger.open(root) as ledger:
        ledger.publish_meeting(m, record=record)
    return m


def outbox_list(root: Path, m: dict[str, Any], sent: dict[str, str]) -> Path:
    path = root / "outbox" / CASE / m["meeting"]["folder"] / "distribution.xlsx"
    write_distribution(path, m, sent)
    stat = path.stat()  # the same second twice must still read as a change
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    return path


def visit_log(path: Path, dates: list[str], alone: bool | None = True) -> Path:
    return write_visit_log(path, [(CASE, child, dt.date.fromisoformat(d), alone) for d in dates for child in ("C1", "C2")])


def test_one_case_through_a_year(tmp_path: Path) -> None:
    root = tmp_path
    (root / "inbox").mkdir()
    initial = base_record()

    # --- 17 Dec 2026: initial meeting, published the next day -------------------------------------------
    first = publish(root, initial, "2026-12-18")
    items = due(root, "2026-12-20")
    assert [i["status"] for i in items] == ["upcoming"] * 10
    # each child's first visit 14 days after the meeting; the Principal Manager review foreseen at plan start + 6 months
    assert [(i["kind"], i["date"], i.get("child")) for i in items if i["kind"] != "copies_due"] == [
        ("visit", "2026-12-31", "C1"),
        ("visit", "2026-12-31", "C2"),
        ("next_review", "2027-02-11", None),
        ("principal_manager_review", "2027-06-17", None),
    ]
    assert sorted(i["recipient"] for i in items if i["kind"] == "copies_due") == RECIPIENTS
    assert {i["date"] for i in items if i["kind"] == "copies_due"} == {"2027-01-05"}  # 10 working days, over Christmas
    assert all(i["key_worker"] == "Tom Okafor" and i["meeting"] == "2026-12-17-initial" for i in items)

    # --- copies: admin fill in the outbox list; Daniel's copy (by post) is not sent yet -------------------
    on_time = {r: "2027-01-04" for r in RECIPIENTS if r != "Daniel Jones"}
    outbox_list(root, first, on_time)
    # visits so far: 29 Dec, the first since the plan started on 17 Dec (a visit before the plan started is
    # refused: the first visit after the referral goes on the child's assessment, procedure 5.1)
    log = visit_log(root / "inbox" / "visits-december.xlsx", ["2026-12-29"])
    assert classify_workbook(log) == "visit_log"
    with Ledger.open(root) as ledger:
        result = ingest_workbook(log, ledger, today=dt.date(2027, 1, 4))
    assert result.summary == "2 visits recorded for CIN-2026-0412: child C1 (1), child C2 (1)"
    assert result.archive_relpath.startswith(f"outbox/{CASE}/visits/") and result.archive_relpath.endswith("-visits-december.xlsx")
    assert overdue(root, "2027-01-06") == [("copies_due", "2027-01-05", "Daniel Jones", 1)]

    # Daniel's copy goes on 8 Jan: late, so no longer due; the visit due 12 Jan (29 Dec + 14) is missed until 20 Jan
    outbox_list(root, first, {**on_time, "Daniel Jones": "2027-01-08"})
    visit_log(root / "inbox" / "visits-january.xlsx", ["2027-01-20", "2027-02-03"])
    with Ledger.open(root) as ledger:
        ingest_workbook(root / "inbox" / "visits-january.xlsx", ledger, today=dt.date(2027, 2, 3))
    # met late on 20 Jan, so no longer listed: the next is due 3 Feb (20 Jan + 14), met on 3 Feb
    assert overdue(root, "2027-01-21") == []
    assert due(root, "2027-01-21", "--kind", "copies_due") == []

    # --- 11 Feb 2027: first review, on time; visits every 28 days now -------------------------------------
    review1 = meeting(initial, "review", "2027-02-11", next_review="2027-05-06", visit_frequency_days=28)
    r1 = publish(root, review1, "2027-02-12")
    items = due(root, "2027-02-12")
    assert ("next_review", "2027-02-11") not in [(i["kind"], i["date"]) for i in items]
    # the visit due 17 Feb (3 Feb + 14) gives way to the review's 28 days: due 3 Mar (3 Feb + 28)
    assert [(i["kind"], i["date"]) for i in items if i["kind"] in ("next_review", "visit")] == [
        ("visit", "2027-03-03"),
        ("visit", "2027-03-03"),
        ("next_review", "2027-05-06"),
    ]
    # the edited list dropped into the inbox: matched to the review (not the initial meeting) by its due dates
    dropped = write_distribution(root / "inbox" / "Jones distribution.xlsx", r1, dict.fromkeys(RECIPIENTS, "2027-02-18"))
    assert classify_workbook(dropped) == "distribution"
    with Ledger.open(root) as ledger:
        result = ingest_workbook(dropped, ledger)
    assert result.summary == "CIN-2026-0412 2027-02-11-review: 10 of 10 copies recorded as sent"
    assert result.archive_relpath.startswith(f"outbox/{CASE}/2027-02-11-review/sent-updates/")
    visit_log(root / "inbox" / "visits-spring.xlsx", ["2027-03-02", "2027-03-30", "2027-04-27", "2027-05-25", "2027-06-22"])
    with Ledger.open(root) as ledger:
        ingest_workbook(root / "inbox" / "visits-spring.xlsx", ledger, today=dt.date(2027, 6, 22))

    # --- 24 Jun 2027: second review, 7 weeks late and past the 6 month point; record published late -------
    review2 = meeting(initial, "review", "2027-06-24", next_review="2027-09-16", visit_frequency_days=28)
    r2 = publish(root, review2, "2027-07-05")
    # the review on 24 Jun is the first held on or after the 6 month point (17 Jun): it meets the Principal
    # Manager review, a week late; every visit so far was on time since 3 Feb
    assert overdue(root, "2027-06-25") == []
    with Ledger.open(root) as ledger:
        pm = next(d for d in ledger.deadlines() if d["kind"] == "principal_manager_review" and d["status"] != "retired")
    assert (pm["due_date"], pm["status"], pm["met_at"], pm["late"], pm["section"]) == (
        "2027-06-17",
        "met",
        "2027-06-24",
        1,
        "procedure 4.1",
    )
    outbox_list(root, r2, dict.fromkeys(RECIPIENTS, "2027-07-02"))
    visit_log(root / "inbox" / "visits-summer.xlsx", ["2027-07-20", "2027-08-17", "2027-09-14"])
    with Ledger.open(root) as ledger:
        ingest_workbook(root / "inbox" / "visits-summer.xlsx", ledger, today=dt.date(2027, 9, 14))

    # --- 20 Sep 2027: third review, chaired by a Principal Manager; case still open 3 months on ----------
    review3 = meeting(initial, "review", "2027-09-20", next_review="2027-12-16", visit_frequency_days=28, chair_role="principal_manager")
    review3["key_worker"]["name"] = "Jo Patel"
    r3 = publish(root, review3, "2027-09-21")
    # still open 3 months after the Principal Manager review's date (the council's assumption): 17 Sep
    assert overdue(root, "2027-09-21") == [("divisional_manager_review", "2027-09-17", None, 4)]
    assert [i["case_reference"] for i in due(root, "2027-09-21", "--key-worker", "jo patel", "--overdue")] == [CASE]
    assert due(root, "2027-09-21", "--key-worker", "Tom Okafor") == []
    outbox_list(root, r3, dict.fromkeys(RECIPIENTS, "2027-09-28"))
    visit_log(root / "inbox" / "visits-autumn.xlsx", ["2027-10-12", "2027-11-09"])
    with Ledger.open(root) as ledger:
        ingest_workbook(root / "inbox" / "visits-autumn.xlsx", ledger, today=dt.date(2027, 11, 9))

    # --- 25 Nov 2027: closure: every open deadline of the case ends, the closure's own copies included -----
    closure = meeting(initial, "closure", "2027-11-25")
    closure["key_worker"]["name"] = "Jo Patel"
    publish(root, closure, "2027-11-26")
    assert due(root, "2027-11-26") == []
    assert due(root, "2028-01-10") == []  # long after the closure's copies date: nothing overdue either

    # --- the year's report ---------------------------------------------------------------------------
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(
        main, ["report", "--root", str(root), "--from", "01/11/2026", "--to", "30/11/2027", "--as-of", "2027-11-26", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Copies sent on time: 23 of 24 on time (96%)" in result.output
    workbook = openpyxl.load_workbook(out)
    summary = {row[0]: row[1:5] for row in workbook["Summary"].iter_rows(min_row=5, values_only=True)}
    assert summary == {
        "Records completed on time": (3, 1, 4, 0.75),  # the closure's record falls due on 2 Dec
        "Copies sent on time": (23, 1, 24, 0.9583),
        "Reviews held on time": (1, 2, 3, 0.3333),
        # each child's 13 visits due in the period (31 Dec to 9 Nov; 17 Feb retired by the review, 7 Dec after the
        # closure): all on time but 12 Jan, met on 20 Jan
        "Visits on time": (24, 2, 26, 0.9231),
        "Plans made within the procedure's timescale": (1, 0, 1, 1.0),
        "First visits on time with the child seen alone": (0, 2, 2, 0.0),  # not in any plan's visit log
    }
    # each deadline counts for the key worker of the meeting that set it
    visits = workbook["Visits"]
    # 9 Nov was set by the visit on 12 Oct under Jo Patel's review of 20 Sep; every earlier one under Tom Okafor's meetings
    assert list(visits.iter_rows(min_row=4, values_only=True)) == [
        ("Jo Patel", 2, 0, 2, 1.0),
        ("Tom Okafor", 22, 2, 24, 0.9167),
        ("Overall", 24, 2, 26, 0.9231),
    ]
    assert workbook.sheetnames == ["Summary", "Records", "Copies", "Reviews", "Visits", "Plans", "First visits", "Late items"]
    assert all(len(workbook[name]._charts) == 1 for name in workbook.sheetnames[1:-1])
    late = [(r[0], r[4], r[7]) for r in workbook["Late items"].iter_rows(min_row=2, values_only=True)]
    assert late == [
        ("Records completed on time", "Record of Planning Meeting and plans completed (5 working days after the meeting)", 4),
        ("Copies sent on time", "Copies sent to Daniel Jones (plan-C1.docx, plan-C2.docx)", 3),
        ("Reviews held on time", "Child in Need review meeting", 49),
        ("Reviews held on time", "Child in Need review meeting", 4),
        ("Visits on time", "Statutory visit to child C1 (every 14 days, counted from 29 Dec 2026)", 8),
        ("Visits on time", "Statutory visit to child C2 (every 14 days, counted from 29 Dec 2026)", 8),
        # the first visits after the referral were made before the plan started: no plan's visit log holds them
        ("First visits on time with the child seen alone", "First visit to child C1", 31),
        ("First visits on time with the child seen alone", "First visit to child C2", 31),
    ]
