"""``docgen due`` and ``docgen report`` as staff and other systems see them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from docgen.cli import main
from docgen.ledger import Ledger, Visit
from tests.ledger.builders import base_record, manifest, meeting

CASE = "CIN-2026-0412"


@pytest.fixture(autouse=True)
def _root_has_an_inbox(tmp_path: Path) -> None:
    """Each test's ``tmp_path`` is a root (a folder without inbox/ or docgen.toml is refused)."""
    (tmp_path / "inbox").mkdir()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _publish(root: Path, *records: dict) -> None:
    with Ledger.open(root) as ledger:
        for record in records:
            ledger.publish_meeting(manifest(record))


def test_an_empty_root_has_nothing_due(tmp_path: Path) -> None:
    assert (run("due", "--root", str(tmp_path)).output, run("due", "--root", str(tmp_path), "--json").output) == (
        "Nothing is due.\n",
        "[]\n",
    )
    assert not (tmp_path / ".docgen").exists()  # asking never creates a ledger


def test_the_table_shows_overdue_first_with_days_late_and_whose_visit(tmp_path: Path) -> None:
    _publish(tmp_path, base_record())  # 17 Dec 2026, visits every 14 days
    with Ledger.open(tmp_path) as ledger:
        ledger.record_visits([Visit(CASE, "C1", dt.date(2027, 1, 2))])
    result = run("due", "--root", str(tmp_path), "--as-of", "5 Jan 2027", "--kind", "visit")
    assert result.exit_code == 0
    # C2 not seen since the meeting: due 31 Dec; C1 seen on 2 Jan: due 16 Jan
    assert result.output == (
        "Overdue on 05 Jan 2027 (1)\n"
        "  Due                       Case           What             Key worker  Procedure\n"
        "  31 Dec 2026  5 days late  CIN-2026-0412  Visit: child C2  Tom Okafor  procedure 5.2\n"
        "\n"
        "Upcoming (1)\n"
        "  Due                         Case           What             Key worker  Procedure\n"
        "  16 Jan 2027  11 days to go  CIN-2026-0412  Visit: child C1  Tom Okafor  procedure 5.2\n"
    )


def test_json_has_the_contract_fields_and_status_turns_overdue_the_day_after(tmp_path: Path) -> None:
    _publish(tmp_path, base_record())
    on_the_day = json.loads(run("due", "--root", str(tmp_path), "--as-of", "2027-02-11", "--json", "--kind", "next_review").output)
    day_after = json.loads(run("due", "--root", str(tmp_path), "--as-of", "12/02/2027", "--json", "--kind", "next_review").output)
    assert on_the_day == [
        {
            "case_reference": CASE,
            "kind": "next_review",
            "date": "2027-02-11",
            "status": "upcoming",
            "days_late": 0,
            "meeting": "2026-12-17-initial",
            "section": "procedure 4.1",
            "description": "Child in Need review meeting",
            "key_worker": "Tom Okafor",
        }
    ]
    assert (day_after[0]["status"], day_after[0]["days_late"]) == ("overdue", 1)
    copy = json.loads(run("due", "--root", str(tmp_path), "--as-of", "2027-01-06", "--json", "--kind", "copies_due").output)[0]
    assert (copy["recipient"], copy["status"], copy["date"]) == ("Amy Jones", "overdue", "2027-01-05")


def test_filters_narrow_the_list(tmp_path: Path) -> None:
    other = base_record()
    other["case"]["reference"] = "CIN-2026-0500"
    other["key_worker"]["name"] = "Jo Patel"
    _publish(tmp_path, base_record(), meeting(other, "initial", "2026-12-18", next_review="2027-03-04"))

    def kinds(*extra: str) -> list[tuple[str, str, str]]:
        items = json.loads(run("due", "--root", str(tmp_path), "--as-of", "2027-01-06", "--json", *extra).output)
        return [(i["case_reference"], i["kind"], i["date"]) for i in items]

    # the second family's meeting was a day later: its copies are due on 6 Jan, not yet overdue
    # each of its two children was due a visit 14 days after the meeting
    assert kinds("--overdue", "--case", "CIN-2026-0500") == [("CIN-2026-0500", "visit", "2027-01-01")] * 2
    assert kinds("--within", "9", "--key-worker", "jo patel", "--kind", "visit") == [("CIN-2026-0500", "visit", "2027-01-01")] * 2
    assert len(kinds("--within", "0", "--case", "CIN-2026-0500")) == 2 + 6  # the overdue visits and the copies due today
    assert kinds("--key-worker", "Nobody") == []


def test_a_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = run("due", "--root", str(tmp_path), "--as-of", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a date: use 2027-01-05 or 05/01/2027" in result.output


def test_a_late_initial_meeting_counts_against_plans_on_time(tmp_path: Path) -> None:
    late = base_record()
    late["case"]["reference"] = "CIN-2026-0600"
    warning = {
        "rule": "standard-1.2-plan-within-4-weeks",
        "field": "meeting.date",
        "message": "The initial meeting on 17 Dec 2026 was held after 14 Dec 2026",
    }
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(manifest(base_record()))
        ledger.publish_meeting(manifest(late, warnings=[warning]))
    out = tmp_path / "r.xlsx"
    result = run("report", "--root", str(tmp_path), "--from", "2026-12-01", "--to", "2026-12-31", "--as-of", "2027-01-10", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Plans made within the procedure's timescale: 1 of 2 on time (50%)" in result.output
    late_rows = [r for r in openpyxl.load_workbook(out)["Late items"].iter_rows(min_row=2, values_only=True) if r[0].startswith("Plans")]
    assert [(r[1], r[4], r[8]) for r in late_rows] == [("CIN-2026-0600", warning["message"], "procedure 1.2")]


def test_a_report_on_an_empty_root_has_zero_figures_and_creates_no_ledger(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = run("report", "--root", str(tmp_path), "--from", "2027-01-01", "--to", "2027-03-31", "--as-of", "2027-04-01", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Records completed on time: none fell due by 1 Apr 2027\n" in result.output
    assert not (tmp_path / ".docgen").exists()
    assert openpyxl.load_workbook(out)["Summary"]["D5"].value == 0


def test_a_report_before_anything_falls_due_says_so_instead_of_zero_percent(tmp_path: Path) -> None:
    _publish(tmp_path, base_record())
    out = tmp_path / "r.xlsx"
    result = run("report", "--root", str(tmp_path), "--from", "2026-12-01", "--to", "2027-03-31", "--as-of", "2026-12-18", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Copies sent on time: none fell due by 18 Dec 2026 (6 more fall due after 18 Dec 2026)" in lines, lines
    assert not [line for line in lines if "(0%)" in line]


def test_a_damaged_ledger_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / ".docgen").mkdir()
    (tmp_path / ".docgen" / "ledger.sqlite3").write_bytes(b"this is not a database" * 100)
    result = run("due", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("docgen: The ledger ") and "restore the file from the backup" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_ledger_from_a_newer_docgen_is_refused(tmp_path: Path) -> None:
    import sqlite3

    Ledger.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / ".docgen" / "ledger.sqlite3")
    db.execute("PRAGMA user_version = 99")
    db.close()
    result = run("due", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert "was written by a newer docgen (schema 99): upgrade docgen." in result.stderr


def test_due_and_report_agree_on_a_53_day_gap_between_visits(tmp_path: Path) -> None:
    # visits every 28 days from 20 Sep; both children seen 5 Oct, then not until 27 Nov (53 days): the visit due
    # 2 Nov (5 Oct + 28) is overdue in `due` from 3 Nov, and the report counts it late, 25 days
    record = meeting(base_record(), "initial", "2027-09-20", next_review="2027-12-16", visit_frequency_days=28)
    _publish(tmp_path, record)
    with Ledger.open(tmp_path) as ledger:
        ledger.record_visits([Visit(CASE, c, dt.date(2027, 10, 5)) for c in ("C1", "C2")])
    listed = json.loads(run("due", "--root", str(tmp_path), "--as-of", "2027-11-03", "--json", "--kind", "visit").output)
    assert sorted((i["child"], i["date"], i["status"], i["days_late"]) for i in listed) == [
        ("C1", "2027-11-02", "overdue", 1),
        ("C2", "2027-11-02", "overdue", 1),
    ]
    with Ledger.open(tmp_path) as ledger:
        ledger.record_visits([Visit(CASE, c, dt.date(2027, 11, 27)) for c in ("C1", "C2")])
    out = tmp_path / "report.xlsx"
    result = run("report", "--root", str(tmp_path), "--from", "2027-10-01", "--to", "2027-11-30", "--as-of", "2027-12-01", "-o", str(out))
    assert "Visits on time: 2 of 4 on time (50%)" in result.output  # 18 Oct met on 5 Oct; 2 Nov met on 27 Nov
    late = [(r[4], r[5], r[6], r[7]) for r in openpyxl.load_workbook(out)["Late items"].iter_rows(min_row=2, values_only=True)]
    assert [row for row in late if "visit" in row[0]] == [
        ("Statutory visit to child C1 (every 28 days, counted from 05 Oct 2027)", dt.datetime(2027, 11, 2), dt.datetime(2027, 11, 27), 25),
        ("Statutory visit to child C2 (every 28 days, counted from 05 Oct 2027)", dt.datetime(2027, 11, 2), dt.datetime(2027, 11, 27), 25),
    ]
