"""Sent dates into a meeting's ``distribution.xlsx``: only blank cells, written atomically, never while Excel has it open."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path

from docgen.root import write_atomically
from docgen.workbooks_text import save_workbook

__all__ = ["is_open_in_excel", "write_sent_dates"]


def is_open_in_excel(workbook: Path) -> bool:
    """True while Excel (or LibreOffice) has the workbook open: its owner file ``~$name`` (``.~lock.name#``) is beside it."""
    return (workbook.parent / f"~${workbook.name}").exists() or (workbook.parent / f".~lock.{workbook.name}#").exists()


def _norm(value: object) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip().lower()


def write_sent_dates(
    workbook: Path, sent: Iterable[tuple[str, str, dt.date, str]], corrected: Iterable[tuple[str, str]] = ()
) -> bool | None:
    """Fills "Sent date" (and "Sent by") of each ``(recipient, document, date, by)`` row whose date is blank.

    Returns True when written (or nothing needed writing), False when the workbook is open and must wait, and
    None when there is no such workbook. Dates staff typed are never overwritten, except the ``(recipient,
    document)`` rows in ``corrected``: a correction staff made replaces the old date.
    """
    import openpyxl

    if not workbook.is_file():
        return None
    if is_open_in_excel(workbook):
        return False
    wanted = {(_norm(r), _norm(d)): (day, by) for r, d, day, by in sent}
    replace = {(_norm(r), _norm(d)) for r, d in corrected}
    book = openpyxl.load_workbook(workbook)
    sheet = book["Distribution"] if "Distribution" in book.sheetnames else book.worksheets[0]
    header = {_norm(c.value): c.column for c in sheet[1] if c.value}
    columns = [header.get(name) for name in ("recipient", "document", "sent date", "sent by")]
    if None in columns[:3]:
        return True  # the header was changed by hand: the ledger still has the dates
    recipient_col, document_col, date_col, by_col = columns
    changed = False
    for row in range(2, sheet.max_row + 1):
        key = (_norm(sheet.cell(row, recipient_col).value), _norm(sheet.cell(row, document_col).value))
        cell = sheet.cell(row, date_col)
        if key in wanted and (cell.value in (None, "") or (key in replace and _day_of(cell.value) != wanted[key][0])):
            day, by = wanted[key]
            cell.value = day
            cell.number_format = "dd/mm/yyyy"
            if by_col and (key in replace or sheet.cell(row, by_col).value in (None, "")):
                sheet.cell(row, by_col).value = by
            changed = True
    if changed:
        _save_atomically(book, workbook)
    return True


def _day_of(value: object) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value if isinstance(value, dt.date) else None


def _save_atomically(book: object, target: Path) -> None:
    """The whole workbook to disk beside the old one, then renamed over it (keeping its mode): Excel never sees half."""
    buffer = io.BytesIO()
    save_workbook(book, buffer)
    write_atomically(target, buffer.getvalue(), target.stat().st_mode & 0o777)
