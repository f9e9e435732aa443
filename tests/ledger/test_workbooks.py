"""Workbooks that come back: which dropped .xlsx files are distribution lists or visit logs, and what they change."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen import typed_dates
from docgen.ledger import Ledger
from docgen.ledger.workbooks import (
    LedgerWorkbookError,
    VisitLogError,
    classify_workbook,
    ingest_workbook,
    sync_sent_dates,
    write_visit_log,
)
from tests.ledger.builders import base_record, manifest, write_distribution


@pytest.fixture(autouse=True)
def _checked_as_of_after_the_sample_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sent dates in these sample meetings (Dec 2026 onwards) are checked as of a day after them: they must have happened."""
    monkeypatch.setattr(typed_dates, "today", lambda: dt.date(2027, 12, 31))


CASE = "CIN-2026-0412"


@pytest.fixture
def published(tmp_path: Path) -> dict:
    m = manifest(base_record())
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(m)
    return m


def _sent(ledger: Ledger) -> dict[tuple[str, str], str | None]:
    meeting = ledger.meeting_for(CASE, "2026-12-17", "initial")
    assert meeting is not None
    return {(c["recipient"], c["document"]): c["sent_date"] for c in ledger.copies(meeting.id)}


def test_a_form_workbook_a_docx_and_junk_are_not_ledger_workbooks(tmp_path: Path) -> None:
    form = openpyxl.Workbook()
    form.active.append(["meeting.date", "2026-12-17"])
    form.save(tmp_path / "form.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip at all")
    with zipfile.ZipFile(tmp_path / "word.docx", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert [classify_workbook(tmp_path / n) for n in ("form.xlsx", "junk.xlsx", "word.docx")] == [None, None, None]
    example = Path(__file__).resolve().parents[2] / "examples" / "standard" / "review-patel.xlsx"  # names form_version
    assert classify_workbook(example) is None


TODAY = dt.date(2027, 1, 1)


def test_a_visit_log_with_a_title_above_its_header_and_child_names_is_recorded_with_a_receipt(tmp_path: Path, published: dict) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Statutory visits — East Locality"])
    sheet.append(["Case reference", "Child name", "Visit date", "Seen alone"])
    sheet.append([CASE, "Amy Jones", "29/12/2026", "Y"])
    sheet.append([CASE, "Leo Jones", dt.datetime(2026, 12, 29), "no"])
    sheet.append([CASE, "C1", "31 Dec 2026", ""])
    book.save(tmp_path / "log.xlsx")
    assert classify_workbook(tmp_path / "log.xlsx") == "visit_log"
    with Ledger.open(tmp_path) as ledger:
        result = ingest_workbook(tmp_path / "log.xlsx", ledger, today=TODAY)
        visits = [(v.child, v.visit_date.isoformat(), v.seen_alone) for v in ledger.visits(CASE)]
        visit_due = [(i.child, i.date.isoformat()) for i in ledger.due(TODAY, kind="visit")]
    assert visits == [("C1", "2026-12-29", True), ("C2", "2026-12-29", False), ("C1", "2026-12-31", None)]
    assert result.summary == "3 visits recorded for CIN-2026-0412: child C1 (2), child C2 (1)"
    # every 14 days from each child's last visit: C2 seen 29 Dec, C1 last seen 31 Dec
    assert visit_due == [("C2", "2027-01-12"), ("C1", "2027-01-14")]


def test_a_visit_log_with_rows_to_correct_records_nothing_and_names_each_row(tmp_path: Path, published: dict) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Visits"
    sheet.append(["Case reference", "Child ID", "Visit date", "Seen alone"])
    sheet.append([CASE, "C1", "29/12/2026", "Yes"])  # row 2: good, but not recorded while others are wrong
    sheet.append(["CIN-2026-0421", "C1", "29/12/2026", "Yes"])  # row 3: a mistyped case reference
    sheet.append([CASE, "C3", "29/12/2026", "Yes"])  # row 4: a child the case does not have
    sheet.append([CASE, "C2", "12/31/2026", "Yes"])  # row 5: US order
    sheet.append([CASE, "C2", "30/12/2027", "Yes"])  # row 6: a year in the future
    sheet.append([CASE, "C1", "29/12/2026", "No"])  # row 7: repeats row 2
    sheet.append([CASE, None, "29/12/2026", "No"])  # row 8: no child
    book.save(tmp_path / "log.xlsx")
    with Ledger.open(tmp_path) as ledger:
        with pytest.raises(VisitLogError) as raised:
            ingest_workbook(tmp_path / "log.xlsx", ledger, today=TODAY)
        assert ledger.visits(CASE) == []
    assert str(raised.value) == (
        "log.xlsx is a visit log with 6 rows to correct: nothing in it was recorded. "
        "Correct the rows named in the report and drop the whole log into the inbox again."
    )
    assert [(p.rule, p.field, p.message) for p in raised.value.problems] == [
        ("visit-log-5.2-unknown-case", "Visits!A3", "Sheet Visits, row 3: no plan has been published for case reference CIN-2026-0421"),
        ("visit-log-5.2-unknown-child", "Visits!B4", "Sheet Visits, row 4: case CIN-2026-0412 has no child C3"),
        (
            "visit-log-5.2-date-unreadable",
            "Visits!C5",
            "Sheet Visits, row 5: the visit date 12/31/2026 cannot be read as a date (day first: 05/01/2027 is 5 January)",
        ),
        (
            "visit-log-5.2-date-in-future",
            "Visits!C6",
            "Sheet Visits, row 6: the visit date 30 December 2027 is after today (1 January 2027): check the day, the month and the year",
        ),
        (
            "visit-log-5.2-duplicate-row",
            "Visits!C7",
            "Sheet Visits, row 7: row 7 repeats row 2: the same visit to child C1 on 29/12/2026",
        ),
        ("visit-log-5.2-missing", "Visits!B8", "Sheet Visits, row 8: the child is blank"),
    ]
    assert raised.value.problems[1].fix == "Use the child's ID as on the plan: C1, C2."
    assert raised.value.problems[0].fix.startswith("Check the reference against the plan")


def test_a_case_reference_typed_in_other_letters_is_refused_with_the_one_meant(tmp_path: Path, published: dict) -> None:
    path = write_visit_log(tmp_path / "log.xlsx", [("cin 2026 0412", "C1", dt.date(2026, 12, 29), True)])
    with Ledger.open(tmp_path) as ledger, pytest.raises(VisitLogError) as raised:
        ingest_workbook(path, ledger, today=TODAY)
    assert [p.fix for p in raised.value.problems] == ["Type it exactly as on the plan: CIN-2026-0412."]
    assert {p.section for p in raised.value.problems} == {"procedure 5.2"}


def test_a_visit_log_spanning_cases_is_archived_together(tmp_path: Path) -> None:
    records = []
    for case in ("CIN-1", "CIN-2"):
        record = base_record()
        record["case"]["reference"] = case
        records.append(manifest(record))
    path = write_visit_log(tmp_path / "log.xlsx", [("CIN-1", "C1", dt.date(2027, 1, 5), True), ("CIN-2", "C1", dt.date(2027, 1, 6), None)])
    with Ledger.open(tmp_path) as ledger:
        for m in records:
            ledger.publish_meeting(m)
        result = ingest_workbook(path, ledger, today=dt.date(2027, 1, 6))
        again = ingest_workbook(path, ledger, today=dt.date(2027, 1, 6))
    assert result.archive_relpath.startswith("outbox/_visit-logs/")
    assert result.summary == "2 visits recorded for CIN-1: child C1 (1); CIN-2: child C1 (1)"
    assert again.summary == "2 visits recorded for CIN-1: child C1 (1); CIN-2: child C1 (1) (2 already recorded)"


def test_a_blank_visit_log_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = write_visit_log(tmp_path / "blank.xlsx")
    assert classify_workbook(path) == "visit_log"
    with Ledger.open(tmp_path) as ledger, pytest.raises(LedgerWorkbookError, match="no visits in it: fill in one row per child seen"):
        ingest_workbook(path, ledger)


def test_a_dropped_list_carrying_its_case_and_folder_names_updates_that_meeting(tmp_path: Path, published: dict) -> None:
    path = write_distribution(
        tmp_path / "inbox" / "list.xlsx",
        published,
        {"Sarah Jones": "04/01/2027", "Daniel Jones": "2027-01-08"},
        names={"case.reference": CASE, "meeting.folder": "2026-12-17-initial"},
    )
    with Ledger.open(tmp_path) as ledger:
        result = ingest_workbook(path, ledger)
        sent = _sent(ledger)
        overdue = sorted(i.recipient or "" for i in ledger.due(dt.date(2027, 1, 6), overdue_only=True, kind="copies_due"))
    assert result.summary == "CIN-2026-0412 2026-12-17-initial: 4 of 10 copies recorded as sent, 2 after the due date"
    assert sent[("Sarah Jones", "plan-C2.docx")] == "2027-01-04"
    assert overdue == ["Amy Jones", "Leo Jones", "Mrs Helen Carter", "Nadia Ali"]


def test_a_list_matching_no_meeting_is_refused(tmp_path: Path, published: dict) -> None:
    other = manifest(base_record())
    other["distribution"][0]["recipient"] = "Someone Else"
    path = write_distribution(tmp_path / "list.xlsx", other, {})
    with Ledger.open(tmp_path) as ledger, pytest.raises(LedgerWorkbookError, match="matches no published meeting"):
        ingest_workbook(path, ledger)


def test_outbox_lists_are_read_once_per_change(tmp_path: Path, published: dict) -> None:
    path = write_distribution(
        tmp_path / "outbox" / CASE / "2026-12-17-initial" / "distribution.xlsx", published, {"Amy Jones": "2027-01-04"}
    )
    with Ledger.open(tmp_path) as ledger:
        first = sync_sent_dates(tmp_path, ledger)
        again = sync_sent_dates(tmp_path, ledger)
        write_distribution(path, published, {"Amy Jones": "2027-01-04", "Nadia Ali": "2027-01-11"})
        changed = sync_sent_dates(tmp_path, ledger)
        sent = _sent(ledger)
    assert (first.workbooks_read, first.copies_changed) == (1, 1)
    assert (again.workbooks_read, again.copies_changed) == (0, 0)
    assert (changed.workbooks_read, changed.copies_changed) == (1, 2)
    assert sent[("Nadia Ali", "plan-C1.docx")] == "2027-01-11"


def test_a_list_whose_header_was_deleted_is_reported_not_guessed(tmp_path: Path, published: dict) -> None:
    path = tmp_path / "outbox" / CASE / "2026-12-17-initial" / "distribution.xlsx"
    path.parent.mkdir(parents=True)
    book = openpyxl.Workbook()
    book.active.append(["Amy Jones", "plan-C1.docx", "04/01/2027"])
    book.save(path)
    with Ledger.open(tmp_path) as ledger:
        result = sync_sent_dates(tmp_path, ledger)
    assert result.problems == [
        f"outbox/{CASE}/2026-12-17-initial/distribution.xlsx has no Recipient / Document / Sent date header row: restore it"
    ]


def test_a_blank_outbox_list_never_wipes_dates_from_a_dropped_copy(tmp_path: Path, published: dict) -> None:
    write_distribution(tmp_path / "outbox" / CASE / "2026-12-17-initial" / "distribution.xlsx", published, {})
    dropped = write_distribution(tmp_path / "inbox" / "list.xlsx", published, {"Amy Jones": "2027-01-04"})
    with Ledger.open(tmp_path) as ledger:
        ingest_workbook(dropped, ledger)
        sync_sent_dates(tmp_path, ledger)
        assert _sent(ledger)[("Amy Jones", "plan-C1.docx")] == "2027-01-04"
