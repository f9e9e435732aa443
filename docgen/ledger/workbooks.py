"""Workbooks that come back to the ledger: distribution lists with sent dates, and visit logs.

Staff fill the "Sent date" column of ``distribution.xlsx`` in the outbox (``sync_sent_dates`` reads it
back), or drop the edited list into the inbox; they drop visit logs into the inbox. The service asks
``classify_workbook`` about every ``.xlsx`` before reading it as a form, and hands these to
``ingest_workbook``, then moves the file to the archive path it returns.

Recognising a workbook is ``workbook_tables``' work and reading sent dates ``distribution_lists``'; this
module hands a dropped workbook to the right one, ingests visit logs and writes a blank one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from docgen.errors import LedgerWorkbookError
from docgen.ledger.distribution_lists import DISTRIBUTION_HEADERS, SyncResult, ingest_distribution, sync_sent_dates
from docgen.ledger.store import Ledger
from docgen.ledger.visit_log import VisitLogError, VisitRows, check_visit_rows, children_of_cases, receipt
from docgen.ledger.workbook_tables import IngestResult, WorkbookTable, archive_stamp, classify_workbook, find_table, load_workbook
from docgen.root import OUTBOX_DIR
from docgen.validation import timing
from docgen.workbooks_text import save_workbook

__all__ = [
    "DISTRIBUTION_HEADERS",
    "VISIT_LOG_HEADERS",
    "IngestResult",
    "LedgerWorkbookError",
    "SyncResult",
    "VisitLogError",
    "classify_workbook",
    "ingest_workbook",
    "sync_sent_dates",
    "write_visit_log",
]

VISIT_LOG_HEADERS = ("Case reference", "Child ID", "Visit date", "Seen alone", "Visited by", "Notes")


def ingest_workbook(path: Path, ledger: Ledger, *, today: dt.date | None = None) -> IngestResult:
    """Applies a dropped distribution list or visit log to the ledger; raises ``LedgerWorkbookError`` saying what to fix.

    A visit log with any row to correct raises ``VisitLogError`` (its ``problems`` name each row) and records nothing;
    ``today`` (default: the day forms are checked on) is the last day a visit can have happened.
    """
    path = Path(path)
    kind = classify_workbook(path)
    if kind is None:
        raise LedgerWorkbookError(f"{path.name} is neither a distribution list nor a visit log: check its header row.")
    workbook = load_workbook(path)
    try:
        table = find_table(workbook, kind)
        assert table is not None  # classify found it
        if kind == "distribution":
            return ingest_distribution(path, workbook, table, ledger)
        return _ingest_visits(path, table, ledger, today or timing.today())
    finally:
        workbook.close()


# -- visit logs -------------------------------------------------------------------------------------


def _ingest_visits(path: Path, table: WorkbookTable, ledger: Ledger, today: dt.date) -> IngestResult:
    rows = VisitRows(
        table.sheet,
        {**table.columns, "child": next(table.columns[c] for c in ("child id", "child", "child name") if c in table.columns)},
        [
            (
                number,
                {
                    "case reference": table.get(row, "case reference"),
                    "child": table.get(row, "child id", "child", "child name"),
                    "visit date": table.get(row, "visit date"),
                    "seen alone": table.get(row, "seen alone"),
                },
            )
            for number, row in table.rows
        ],
    )
    visits = check_visit_rows(path.name, rows, ledger, children_of_cases(ledger), today)
    added = ledger.record_visits(visits, source=path.name)
    cases = sorted({v.case_reference for v in visits})
    archive = f"{OUTBOX_DIR}/{cases[0]}/visits" if len(cases) == 1 else f"{OUTBOX_DIR}/_visit-logs"
    return IngestResult(receipt(visits, added), f"{archive}/{archive_stamp()}-{path.name}")


def write_visit_log(path: Path, rows: Iterable[tuple[str, str, dt.date, bool | None]] = ()) -> Path:
    """A visit log workbook (sheet "Visits", an Excel table, Yes/No list for "Seen alone"), blank or with ``rows``."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table, TableStyleInfo

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Visits"
    sheet.append(list(VISIT_LOG_HEADERS))
    written = 0
    for case, child, day, alone in rows:
        sheet.append([case, child, day, None if alone is None else ("Yes" if alone else "No"), None, None])
        written += 1
    last = max(written + 1, 200)  # room for a term's visits
    for row in range(2, last + 1):
        sheet.cell(row, 3).number_format = "DD/MM/YYYY"
    yes_no = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    sheet.add_data_validation(yes_no)
    yes_no.add(f"D2:D{last}")
    table = Table(displayName="Visits", ref=f"A1:F{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    for column, width in zip("ABCDEF", (18, 12, 12, 11, 20, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    path = Path(path)
    save_workbook(workbook, path)
    return path
