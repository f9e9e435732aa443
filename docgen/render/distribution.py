"""Who gets which document, how and by when — and ``distribution.xlsx``, the list admin staff tick off.

Who gets what (procedure 3.3: "copies of the Plan should be provided to the child/ren, family and
participants ... no later than 10 working days of the meeting"):

* each child their own plan, and their words-and-pictures plan when they have one;
* every participant (parent, carer, family member, professional or other), present or absent, every
  child's plan — the words-and-pictures plans are the children's own and go only to them;
* the Record of Planning Meeting to the key worker (for the case file) and to the chair, who checks it;
* nobody whose ``receives_copy`` is false. Everything is due on ``copies_due``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo

from docgen.manifest import DistributionRow
from docgen.printable import safe_text
from docgen.record import Record, as_date, child_name, receives_copy
from docgen.workbooks_text import save_workbook

__all__ = ["COLUMNS", "distribution_rows", "write_distribution"]

#: the workbook's columns, in order, and the manifest key each one shows (None: filled in by staff)
COLUMNS: tuple[tuple[str, str | None, float], ...] = (
    ("Recipient", "recipient", 24),
    ("Role", "role", 13),
    ("Relationship", "relationship", 16),
    ("Agency", "agency", 22),
    ("Document", "document", 24),
    ("Child", "child", 8),
    ("Delivery", "delivery", 13),
    ("Email", "email", 28),
    ("Address", "address", 30),
    ("Due date", "due", 12),
    ("Sent date", None, 12),
    ("Sent by", None, 16),
)


def _delivery(person: dict[str, Any]) -> str:
    """The delivery asked for; where the form says none, email if there is an address for it, else post, else by hand."""
    if person.get("delivery"):
        return str(person["delivery"])
    if person.get("email"):
        return "email"
    return "post" if person.get("address") else "hand"


def _row(person: dict[str, Any], name: str, role: str, document: str, child: str | None, due: str) -> DistributionRow:
    """One distribution row; text as the workbook shows it (control characters removed), so the two always match."""
    return {
        "recipient": _as_text(name),
        "role": _as_text(role),
        "relationship": _as_text(person.get("relationship")),
        "agency": _as_text(person.get("agency")),
        "document": _as_text(document),
        "delivery": _as_text(_delivery(person)),
        "email": _as_text(person.get("email")),
        "address": _as_text(person.get("address")),
        "due": _as_text(due),
        "child": _as_text(child),
    }


def distribution_rows(record: Record, plans: dict[str, list[str]], meeting_record: str, copies_due: dt.date) -> list[DistributionRow]:
    """One row per recipient per document. ``plans`` maps child id → [their plan, their words-and-pictures plan?]."""
    due = copies_due.isoformat()
    rows: list[DistributionRow] = []
    children = record.get("children", [])
    for child in children:
        if receives_copy(child):
            for document in plans[child["id"]]:
                rows.append(_row(child, child_name(child), "child", document, child["id"], due))
    for person in record.get("participants", []):
        if receives_copy(person):
            for child in children:
                rows.append(_row(person, str(person.get("name", "")), str(person.get("role", "")), plans[child["id"]][0], child["id"], due))
    key_worker = record.get("key_worker", {})
    rows.append(_row({**key_worker, "delivery": None}, str(key_worker.get("name", "")), "key worker", meeting_record, None, due))
    chair = record.get("meeting", {}).get("chair_name")
    if chair and chair != key_worker.get("name"):
        rows.append(_row({"delivery": "hand"}, str(chair), "chair", meeting_record, None, due))
    return rows


def _as_text(value: Any) -> Any:
    """Form text, cleaned; never a formula (openpyxl would write ``=...`` as one)."""
    return str(safe_text(value)) if isinstance(value, str) else value


def write_distribution(rows: list[DistributionRow], out: Path, *, title: str, about: dict[str, str] | None = None) -> None:
    """Writes ``distribution.xlsx``: a filterable Excel table with a frozen header, dates and an overdue highlight.

    ``about`` (``case.reference``, ``meeting.date``, ``meeting.type``, ``meeting.folder`` → value) goes on an
    "About" sheet under defined names of those paths, so a list edited and dropped back in finds its meeting.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "Distribution"
    sheet.append([heading for heading, _, _ in COLUMNS])
    for row in rows:
        values: list[Any] = []
        for _, key, _ in COLUMNS:
            value = row.get(key) if key else None
            values.append(as_date(value) if key == "due" else _as_text(value))
        sheet.append(values)
    last_row = max(len(rows) + 1, 2)  # an Excel table needs a data row, even an empty one
    for cells in sheet.iter_rows(min_row=2, max_row=last_row):
        for cell, (heading, _, _) in zip(cells, COLUMNS, strict=True):
            if heading in ("Due date", "Sent date"):
                cell.number_format = "dd/mm/yyyy"
            cell.alignment = Alignment(vertical="top", wrap_text=heading in ("Address", "Agency"))
    for index, (_, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    ref = f"A1:{get_column_letter(len(COLUMNS))}{last_row}"
    table = Table(displayName="Distribution", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)  # a table brings its own filter buttons
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:  # filled as well as styled: LibreOffice does not draw Excel table styles
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill(start_color="1F4E79", end_color="1F4E79", fill_type="solid")
    due_col, sent_col = (get_column_letter(i) for i in (_column("Due date"), _column("Sent date")))
    overdue = FormulaRule(
        formula=[f'AND(${due_col}2<>"",${due_col}2<TODAY(),${sent_col}2="")'],
        fill=PatternFill(start_color="F8CBAD", end_color="F8CBAD", fill_type="solid"),
        font=Font(color="9C0006"),
    )
    sheet.conditional_formatting.add(f"A2:{get_column_letter(len(COLUMNS))}{last_row}", overdue)
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # print every column on one page width
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    if about:
        _about_sheet(book, about)
    book.properties.title = title
    book.properties.creator = "docgen"
    save_workbook(book, out)


_ABOUT_LABELS = {
    "case.reference": "Case reference",
    "meeting.date": "Meeting date",
    "meeting.type": "Meeting type",
    "meeting.folder": "Outbox folder",
}


def _about_sheet(book: Workbook, about: dict[str, str]) -> None:
    """Which meeting the list belongs to, as labelled cells with defined names (``case.reference``...)."""
    sheet = book.create_sheet("About")
    for row, (path, value) in enumerate(about.items(), start=1):
        sheet.cell(row=row, column=1, value=_ABOUT_LABELS.get(path, path)).font = Font(bold=True)
        cell = sheet.cell(row=row, column=2, value=str(safe_text(value)))
        cell.data_type = "s"
        book.defined_names[path] = DefinedName(path, attr_text=f"About!$B${row}")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 18, 30


def _column(heading: str) -> int:
    return next(i for i, (h, _, _) in enumerate(COLUMNS, start=1) if h == heading)
