"""``docgen sent REF --recipient NAME --date D``: a copy posted or handed over, recorded in the ledger and distribution.xlsx."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result

from docgen.cli import main
from tests.conftest import clean_initial
from tests.send.helpers import publish

WORKBOOK = "outbox/CIN-2026-0412/2026-12-17-initial/distribution.xlsx"


def docgen(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _sent_dates(root: Path) -> dict[tuple[str, str], object]:
    sheet = openpyxl.load_workbook(root / WORKBOOK).active
    return {(r[0].value, r[4].value): (r[10].value, r[11].value) for r in sheet.iter_rows(min_row=2)}


def _copies_due(root: Path) -> set[str]:
    listed = json.loads(docgen("due", "--root", str(root), "--json", "--as-of", "2026-12-18").output)
    return {d["recipient"] for d in listed if d["kind"] == "copies_due"}


def test_posting_is_recorded_in_the_ledger_and_the_workbook(tmp_path: Path) -> None:
    publish(tmp_path, clean_initial())
    assert "Daniel Jones" in _copies_due(tmp_path)
    result = docgen("sent", "CIN-2026-0412", "--root", str(tmp_path), "--recipient", "daniel jones", "--date", "18/12/2026")
    assert result.exit_code == 0, result.output
    assert result.output == "Recorded: CIN-2026-0412 2026-12-17-initial, Daniel Jones's copies sent on 18 Dec 2026.\n"
    assert "Daniel Jones" not in _copies_due(tmp_path)
    dates = _sent_dates(tmp_path)
    assert dates[("Daniel Jones", "plan-C1.docx")] == (dt.datetime(2026, 12, 18), "docgen sent")
    assert dates[("Daniel Jones", "plan-C2.docx")] == (dt.datetime(2026, 12, 18), "docgen sent")
    assert dates[("Sarah Jones", "plan-C1.docx")] == (None, None)

    again = docgen("sent", "CIN-2026-0412", "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", "2026-12-19")
    assert again.exit_code == 0
    assert _sent_dates(tmp_path)[("Daniel Jones", "plan-C1.docx")][0] == dt.datetime(2026, 12, 18), "a recorded date is kept"


def test_while_the_workbook_is_open_the_ledger_has_the_date_and_send_writes_it_later(tmp_path: Path) -> None:
    publish(tmp_path, clean_initial())
    owner = tmp_path / WORKBOOK.replace("distribution.xlsx", "~$distribution.xlsx")
    owner.write_bytes(b"owner")
    result = docgen("sent", "CIN-2026-0412", "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", "2026-12-18")
    assert result.exit_code == 0
    assert "distribution.xlsx is open in Excel" in result.output
    assert _sent_dates(tmp_path)[("Daniel Jones", "plan-C1.docx")] == (None, None)
    assert "Daniel Jones" not in _copies_due(tmp_path)
    owner.unlink()  # closed: the next docgen sent (or send) writes what waited
    assert docgen("sent", "CIN-2026-0412", "--root", str(tmp_path), "--recipient", "Sarah Jones", "--date", "2026-12-19").exit_code == 0
    dates = _sent_dates(tmp_path)
    assert dates[("Daniel Jones", "plan-C1.docx")] == (dt.datetime(2026, 12, 18), "docgen sent")
    assert dates[("Sarah Jones", "plan-C1.docx")] == (dt.datetime(2026, 12, 19), "docgen sent")


def test_unknown_recipient_or_case_is_one_line(tmp_path: Path) -> None:
    publish(tmp_path, clean_initial())
    result = docgen("sent", "CIN-2026-0412", "--root", str(tmp_path), "--recipient", "Nobody", "--date", "2026-12-18")
    assert result.exit_code == 1
    assert result.output.startswith("docgen: Nobody is not on the distribution list of CIN-2026-0412 2026-12-17-initial (it lists ")
    missing = docgen("sent", "CIN-9", "--root", str(tmp_path), "--recipient", "Nobody", "--date", "2026-12-18")
    assert missing.exit_code == 1 and missing.output == "docgen: no published meeting for case CIN-9: check the reference\n"
    bad = docgen("sent", "CIN-2026-0412", "--root", str(tmp_path), "--recipient", "Daniel Jones", "--date", "soon")
    assert bad.exit_code == 2 and "'soon' is not a date" in bad.output
