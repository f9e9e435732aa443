"""Recognising a workbook that comes back to the ledger, and finding the table of rows under its header.

A distribution list is known by its Recipient, Document and Sent date columns, a visit log by its
Case reference, Visit date and Child columns, within the first few rows of any sheet; a generated
meeting form (it defines ``form_version``) or anything that is not a sane zip is neither. Ingesting
one gives back an ``IngestResult``: what changed, and where the service archives the file.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "IngestResult",
    "WorkbookKind",
    "WorkbookTable",
    "archive_stamp",
    "classify_workbook",
    "comparable",
    "find_table",
    "is_safe_zip",
    "load_workbook",
]

WorkbookKind = Literal["distribution", "visit_log"]

_MAX_UNZIPPED = 50 * 1024 * 1024  # a visit log or distribution list is a few kilobytes; more is not one of ours
_MAX_PARTS = 500


@dataclass(frozen=True)
class IngestResult:
    """What a dropped workbook changed, and where the service should archive it (relative to the root)."""

    summary: str
    archive_relpath: str


def comparable(value: Any) -> str:
    """A header or cell as compared: lower case, words of letters and digits only."""
    return re.sub(r"[^a-z0-9]+", " ", str(value or "").lower()).strip()


def archive_stamp() -> str:
    """The time stamp an archived workbook's name starts with (UTC)."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def is_safe_zip(path: Path) -> bool:
    """A real zip of a sane size (never hand a zip bomb to openpyxl)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            return len(parts) <= _MAX_PARTS and sum(p.file_size for p in parts) <= _MAX_UNZIPPED and "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _is_generated_form(path: Path) -> bool:
    """True when the workbook defines ``form_version``, as every form from ``docgen forms`` does: a form, not a ledger workbook.

    (A distribution list names its case and meeting too, so only ``form_version`` tells them apart.)
    """
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except Exception:  # unreadable here: classify_workbook's fuller look decides
        return False
    names = (element.get("name") or "" for element in root.iter(f"{_MAIN_NS}definedName"))
    return "form_version" in names


def load_workbook(path: Path) -> Any:
    """The whole workbook, formulas read as their last saved values."""
    import openpyxl  # imported here: classifying a .docx never needs it

    return openpyxl.load_workbook(path, data_only=True)


_HEADER_ROWS = 5  # a title line or two may sit above a visit log's header


@dataclass
class WorkbookTable:
    """A sheet's rows under a recognised header: column name → index, data rows with their sheet row numbers."""

    sheet: str
    columns: dict[str, int]
    rows: list[tuple[int, tuple[Any, ...]]]

    def get(self, row: tuple[Any, ...], *names: str) -> Any:
        """The first of the named columns that is filled in ``row`` (text stripped), or None."""
        for name in names:
            index = self.columns.get(name)
            if index is not None and index < len(row):
                value = row[index]
                if value is not None and not (isinstance(value, str) and not value.strip()):
                    return value.strip() if isinstance(value, str) else value
        return None


def find_table(workbook: Any, kind: WorkbookKind) -> WorkbookTable | None:
    for sheet in workbook.worksheets:
        for header_row in range(1, _HEADER_ROWS + 1):
            columns = _columns([c.value for c in sheet[header_row]] if sheet.max_row >= header_row else [])
            if _matches(columns, kind):
                rows = [
                    (number, tuple(values))
                    for number, values in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1)
                    if any(v is not None and str(v).strip() for v in values)
                ]
                return WorkbookTable(sheet.title, columns, rows)
    return None


def _columns(cells: Any) -> dict[str, int]:
    """A would-be header row's cells: each named column (normalised) → its index."""
    return {comparable(v): i for i, v in enumerate(cells) if comparable(v)}


def _matches(columns: dict[str, int], kind: WorkbookKind) -> bool:
    if kind == "distribution":
        return {"recipient", "document", "sent date"} <= set(columns)
    return {"case reference", "visit date"} <= set(columns) and bool({"child id", "child", "child name"} & set(columns))


def classify_workbook(path: Path) -> WorkbookKind | None:
    """``distribution`` for an edited distribution list, ``visit_log`` for a visit log, None for anything else.

    Reads only the first rows of each sheet (openpyxl's read-only mode), so a meeting form costs almost nothing here.
    """
    import openpyxl

    path = Path(path)
    if not is_safe_zip(path) or _is_generated_form(path):
        return None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # anything openpyxl cannot open is for the form reader to report on
        return None
    try:
        headers = []
        for sheet in workbook.worksheets:
            for cells in sheet.iter_rows(min_row=1, max_row=_HEADER_ROWS, values_only=True):
                headers.append(_columns(cells))
        for kind in ("distribution", "visit_log"):
            if any(_matches(columns, kind) for columns in headers):
                return kind
        return None
    except Exception:  # a damaged sheet: the form reader reports on it
        return None
    finally:
        workbook.close()
