"""Visit logs dropped into the inbox: refused whole with a report naming each row, or recorded with a receipt."""

from __future__ import annotations

import datetime as dt
import io
import json

from docgen.ledger import Ledger
from docgen.ledger.workbooks import write_visit_log
from docgen.service import Layout
from docgen.service.form_log import FormLog
from tests.conftest import clean_initial, moved_back
from tests.service.conftest import Drop
from tests.service.fakes import run_once

CASE = "CIN-2026-0412"
#: the sample meeting moved into the past: a visit is recorded only between the plan start and today
RECORD = moved_back(clean_initial())
VISITED = dt.date.fromisoformat(RECORD["meeting"]["date"]) + dt.timedelta(days=5)


def test_a_log_with_a_mistyped_case_an_unknown_child_and_a_us_date_is_rejected_and_records_nothing(layout: Layout, drop: Drop) -> None:
    drop("initial.json", RECORD)
    run_once(layout.root)
    write_visit_log(
        layout.inbox / "visits.xlsx",
        [
            (CASE, "C1", VISITED, True),
            ("CIN-2026-0421", "C1", VISITED, True),
            (CASE, "C7", VISITED, None),
        ],
    )
    # a date typed month first, as a US spreadsheet would: there is no 13th month
    import openpyxl

    book = openpyxl.load_workbook(layout.inbox / "visits.xlsx")
    for column, value in enumerate([CASE, "C2", "11/13/2026", "Yes"], start=1):
        book["Visits"].cell(5, column).value = value
    book.save(layout.inbox / "visits.xlsx")

    run_once(layout.root)
    assert not (layout.inbox / "visits.xlsx").exists()
    rejected = layout.rejected / "visits.xlsx"
    assert rejected.is_file()
    report = json.loads((layout.rejected / "visits.xlsx.errors.json").read_text(encoding="utf-8"))
    assert [(e["rule"], e["field"]) for e in report["errors"]] == [
        ("visit-log-5.2-unknown-case", "Visits!A3"),
        ("visit-log-5.2-unknown-child", "Visits!B4"),
        ("visit-log-5.2-date-unreadable", "Visits!C5"),
    ]
    text = (layout.rejected / "visits.xlsx.errors.txt").read_text(encoding="utf-8")
    assert text.startswith("visits.xlsx is a visit log with 3 rows to correct: nothing in it was recorded."), "a log's verdict, not a plan's"
    assert "Sheet Visits, row 3: no plan has been published for case reference CIN-2026-0421" in text
    assert "Sheet Visits, row 5: the visit date 11/13/2026 cannot be read as a date" in text
    with Ledger.open(layout.root) as ledger:
        assert ledger.visits(CASE) == []  # not even row 2, which was right


def test_a_good_log_gets_a_receipt_line_naming_the_children(layout: Layout, drop: Drop) -> None:
    drop("initial.json", RECORD)
    run_once(layout.root)
    write_visit_log(layout.inbox / "visits.xlsx", [(CASE, "C1", VISITED, True), (CASE, "C2", VISITED, False)])
    out = io.StringIO()
    run_once(layout.root, form_log=FormLog(out=out, progress=False))
    line = out.getvalue().strip()
    assert line.startswith("visits.xlsx ledger_update ")
    assert line.endswith("-visits.xlsx (2 visits recorded for CIN-2026-0412: child C1 (1), child C2 (1))")
    assert f"-> outbox/{CASE}/visits/" in line
