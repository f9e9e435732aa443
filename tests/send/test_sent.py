"""``docgen sent REF --recipient NAME --date D``: a copy posted or handed over, recorded in the ledger and distribution.xlsx.

The meetings are moved into the past (``moved_back``): a copy can only have been sent between its meeting and today.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from docgen.cli import main
from docgen.typed_dates import long_date
from tests.conftest import clean_initial, moved_back
from tests.send.helpers import publish

CASE = "CIN-2026-0412"


def docgen(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def record() -> dict[str, Any]:
    return moved_back(clean_initial())


def _held(record: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(record["meeting"]["date"])


def _folder(record: dict[str, Any]) -> str:
    return f"{record['meeting']['date']}-initial"


def _sent_dates(root: Path, record: dict[str, Any]) -> dict[tuple[str, str], object]:
    sheet = openpyxl.load_workbook(root / "outbox" / CASE / _folder(record) / "distribution.xlsx").active
    return {(r[0].value, r[4].value): (r[10].value, r[11].value) for r in sheet.iter_rows(min_row=2)}


def _copies_due(root: Path) -> set[str]:
    listed = json.loads(docgen("due", "--root", str(root), "--json").output)
    return {d["recipient"] for d in listed if d["kind"] == "copies_due"}


def _ledger_dates(root: Path, recipient: str) -> set[str]:
    from docgen.ledger.store import Ledger

    with Ledger.open(root, create=False) as ledger:
        meeting = ledger.meetings(CASE)[0]
        return {c["sent_date"] for c in ledger.copies(meeting.id) if c["recipient"] == recipient}


def _audit(root: Path) -> list[dict[str, Any]]:
    path = root / ".docgen" / "audit.log"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []


def test_posting_is_recorded_in_the_ledger_and_the_workbook(tmp_path: Path, record: dict[str, Any]) -> None:
    publish(tmp_path, record)
    day = _held(record) + dt.timedelta(days=1)
    assert "Daniel Jones" in _copies_due(tmp_path)
    result = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "daniel jones", "--date", f"{day:%d/%m/%Y}")
    assert result.exit_code == 0, result.output
    assert result.output == f"Recorded: {CASE} {_folder(record)}, Daniel Jones's copies sent on {long_date(day)}.\n"
    assert "Daniel Jones" not in _copies_due(tmp_path)
    dates = _sent_dates(tmp_path, record)
    as_cell = dt.datetime.combine(day, dt.time())
    assert dates[("Daniel Jones", "plan-C1.docx")] == (as_cell, "docgen sent")
    assert dates[("Daniel Jones", "plan-C2.docx")] == (as_cell, "docgen sent")
    assert dates[("Sarah Jones", "plan-C1.docx")] == (None, None)

    again = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", day.isoformat())
    assert again.exit_code == 0
    assert again.output.startswith("Nothing changed:"), "the same date again records nothing and says so"


def test_a_new_date_corrects_the_ledger_the_workbook_and_the_audit_log(tmp_path: Path, record: dict[str, Any]) -> None:
    publish(tmp_path, record)
    first, second = _held(record) + dt.timedelta(days=1), _held(record) + dt.timedelta(days=3)
    assert docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", first.isoformat()).exit_code == 0
    fixed = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", f"{second:%d/%m/%Y}")
    assert fixed.exit_code == 0, fixed.output
    assert fixed.output == (
        f"Corrected: {CASE} {_folder(record)}, Daniel Jones's copies sent on {long_date(second)} (was {long_date(first)}).\n"
    )
    assert _ledger_dates(tmp_path, "Daniel Jones") == {second.isoformat()}
    assert _sent_dates(tmp_path, record)[("Daniel Jones", "plan-C1.docx")][0] == dt.datetime.combine(second, dt.time())
    corrections = [e for e in _audit(tmp_path) if e["action"] == "sent_date_corrected"]
    assert corrections and all(f"{first.isoformat()} -> {second.isoformat()}" in e["what"] for e in corrections)
    # the outbox list read back (as ``due`` and ``report`` do) keeps the corrected date
    assert "Daniel Jones" not in _copies_due(tmp_path)
    assert _ledger_dates(tmp_path, "Daniel Jones") == {second.isoformat()}


def test_a_date_before_the_meeting_is_refused_with_the_day_and_month_hint(tmp_path: Path) -> None:
    record = moved_back(clean_initial())
    held = _held(record)
    publish(tmp_path, record)
    before = held - dt.timedelta(days=30)
    refused = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", f"{before:%d/%m/%Y}")
    assert refused.exit_code == 1
    assert refused.output.startswith(
        f"docgen: nothing recorded. The sent date {long_date(before)} is before the meeting on {long_date(held)}"
    )
    assert _ledger_dates(tmp_path, "Daniel Jones") == {None}
    assert _sent_dates(tmp_path, record)[("Daniel Jones", "plan-C1.docx")] == (None, None)


def test_a_swapped_day_and_month_is_named(tmp_path: Path) -> None:
    record = moved_back(clean_initial())
    held = _held(record)
    publish(tmp_path, record)
    meant = held + dt.timedelta(days=1)
    while meant.day > 12 or meant.day == meant.month or dt.date(meant.year, meant.day, meant.month) >= held:
        meant += dt.timedelta(days=1)  # a day whose month-first reading falls before the meeting
    if meant > dt.date.today():
        pytest.skip("no such day between the meeting and today")
    typed = f"{meant.month:02d}/{meant.day:02d}/{meant.year}"  # month first, as a US-style date
    read = dt.date(meant.year, meant.day, meant.month)
    refused = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", typed)
    assert refused.exit_code == 1
    assert f"The sent date {long_date(read)} is before the meeting" in refused.output
    assert f"if you meant {long_date(meant)}, the day and month were read the other way round" in refused.output
    assert _ledger_dates(tmp_path, "Daniel Jones") == {None}


def test_a_date_after_today_is_refused(tmp_path: Path, record: dict[str, Any]) -> None:
    publish(tmp_path, record)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    refused = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", tomorrow.isoformat())
    assert refused.exit_code == 1
    assert f"The sent date {long_date(tomorrow)} is after today" in refused.output
    assert _ledger_dates(tmp_path, "Daniel Jones") == {None}
    assert "Daniel Jones" in _copies_due(tmp_path)


def test_while_the_workbook_is_open_the_ledger_has_the_date_and_send_writes_it_later(tmp_path: Path, record: dict[str, Any]) -> None:
    publish(tmp_path, record)
    first, second = _held(record) + dt.timedelta(days=1), _held(record) + dt.timedelta(days=2)
    owner = tmp_path / "outbox" / CASE / _folder(record) / "~$distribution.xlsx"
    owner.write_bytes(b"owner")
    result = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", first.isoformat())
    assert result.exit_code == 0
    assert "distribution.xlsx is open in Excel" in result.output
    assert _sent_dates(tmp_path, record)[("Daniel Jones", "plan-C1.docx")] == (None, None)
    assert "Daniel Jones" not in _copies_due(tmp_path)
    owner.unlink()  # closed: the next docgen sent (or send) writes what waited
    assert docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Sarah Jones", "--date", second.isoformat()).exit_code == 0
    dates = _sent_dates(tmp_path, record)
    assert dates[("Daniel Jones", "plan-C1.docx")] == (dt.datetime.combine(first, dt.time()), "docgen sent")
    assert dates[("Sarah Jones", "plan-C1.docx")] == (dt.datetime.combine(second, dt.time()), "docgen sent")


def test_unknown_recipient_or_case_is_one_line(tmp_path: Path, record: dict[str, Any]) -> None:
    publish(tmp_path, record)
    day = (_held(record) + dt.timedelta(days=1)).isoformat()
    result = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Nobody", "--date", day)
    assert result.exit_code == 1
    assert result.output.startswith(f"docgen: Nobody is not on the distribution list of {CASE} {_folder(record)} (it lists ")
    missing = docgen("sent", "CIN-9", "--root", str(tmp_path), "--recipient", "Nobody", "--date", day)
    assert missing.exit_code == 1 and missing.output == "docgen: no published meeting for case CIN-9: check the reference\n"
    bad = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", "soon")
    assert bad.exit_code == 2 and "'soon' is not a date" in bad.output


def test_a_correction_waits_while_the_workbook_is_open_and_changes_nothing(tmp_path: Path, record: dict[str, Any]) -> None:
    publish(tmp_path, record)
    first, second = _held(record) + dt.timedelta(days=1), _held(record) + dt.timedelta(days=2)
    assert docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", first.isoformat()).exit_code == 0
    owner = tmp_path / "outbox" / CASE / _folder(record) / "~$distribution.xlsx"
    owner.write_bytes(b"owner")
    refused = docgen("sent", CASE, "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", second.isoformat())
    assert refused.exit_code == 1 and "is open in Excel: close it, then run docgen sent again" in refused.output
    assert _ledger_dates(tmp_path, "Daniel Jones") == {first.isoformat()}, "the workbook would bring the old date back"
