"""Workbooks that come back: which dropped .xlsx files are distribution lists or visit logs, and what they change."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen.ledger import Ledger
from docgen.ledger.workbooks import LedgerWorkbookError, classify_workbook, ingest_workbook, sync_sent_dates, write_visit_log
from tests.ledger.builders import base_record, manifest, write_distribution

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


def test_a_visit_log_with_a_title_above_its_header_and_child_names_is_recognised(tmp_path: Path, published: dict) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Statutory visits — East Locality"])
    sheet.append(["Case reference", "Child name", "Visit date", "Seen alone"])
    sheet.append([CASE, "Amy Jones", "29/12/2026", "Y"])
    sheet.append([CASE, "Leo Jones", dt.datetime(2026, 12, 29), "no"])
    sheet.append([CASE, "Leo Jones", "next Tuesday", "yes"])
    book.save(tmp_path / "log.xlsx")
    assert classify_workbook(tmp_path / "log.xlsx") == "visit_log"
    with Ledger.open(tmp_path) as ledger:
        result = ingest_workbook(tmp_path / "log.xlsx", ledger)
        visits = [(v.child, v.visit_date.isoformat(), v.seen_alone) for v in ledger.visits(CASE)]
        visit_due = [i.date.isoformat() for i in ledger.due(dt.date(2027, 1, 1), kind="visit")]
    assert visits == [("C1", "2026-12-29", True), ("C2", "2026-12-29", False)]
    assert result.summary == (
        "2 visits read for CIN-2026-0412 (2 new); Sheet!row 5: the visit date 'next Tuesday' is not a date (use 05/01/2027)"
    )
    assert visit_due == ["2027-01-14", "2027-01-28", "2027-02-11"]  # 31 Dec met


def test_a_visit_log_spanning_cases_is_archived_together(tmp_path: Path) -> None:
    path = write_visit_log(tmp_path / "log.xlsx", [("CIN-1", "C1", dt.date(2027, 1, 5), True), ("CIN-2", "C1", dt.date(2027, 1, 6), None)])
    with Ledger.open(tmp_path) as ledger:
        result = ingest_workbook(path, ledger)
    assert result.archive_relpath.startswith("outbox/_visit-logs/")
    assert result.summary == "2 visits read for CIN-1, CIN-2 (2 new); no meeting is published yet for CIN-1, CIN-2"


def test_a_blank_visit_log_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = write_visit_log(tmp_path / "blank.xlsx")
    assert classify_workbook(path) == "visit_log"
    with Ledger.open(tmp_path) as ledger, pytest.raises(LedgerWorkbookError, match="no visits that can be recorded: it has no rows"):
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
