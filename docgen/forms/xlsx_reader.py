"""Reading an Excel meeting form: defined names equal to field paths, field/value sheets, and one sheet per repeating group."""

from __future__ import annotations

import io
import posixpath
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter

from docgen.errors import DocgenError, NotAFormError
from docgen.forms import labels
from docgen.forms.collect import Cell, Collector
from docgen.forms.safety import Package
from docgen.schema import Field, Group
from docgen.validation.problems import Problem

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "read_xlsx"]

#: How much of each sheet is read: far more than any form uses, small enough to stay quick on a hostile file.
MAX_ROWS = 2000
MAX_COLUMNS = 40
_HEADER_SEARCH_ROWS = 10

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Sheets that explain the form rather than hold answers: their column A lists titles too.
_NOT_ANSWERS = {"instructions", "guidance", "help", "readme", "notes", "lists", "lookups", "choices", "about"}
_REFERENCE = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))?!?\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?[A-Za-z]{1,3}\$?\d+)?$")


@dataclass
class _Sheet:
    name: str
    part: str
    grid: dict[tuple[int, int], Any] | None = None
    uncached: set[str] = field(default_factory=set)  # cells holding a formula with no saved result


def read_xlsx(package: Package, collector: Collector) -> None:
    """Reads every field of the Excel form in ``package`` into ``collector``."""
    sheets, names = _workbook_structure(package)
    with _open_workbook(package) as workbook:
        for sheet in sheets.values():
            try:
                sheet.grid = _grid(workbook[sheet.name]) if sheet.name in workbook.sheetnames else {}
                sheet.uncached = _uncached_formulas(package, sheet.part)
            except DocgenError:
                raise
            except Exception as exc:  # openpyxl and lxml fail in many ways on a damaged sheet
                raise NotAFormError(
                    f"{package.name} is damaged: its sheet '{sheet.name}' cannot be read ({type(exc).__name__}: {exc}). "
                    "Open it in Excel, save it again as .xlsx and drop it in again."
                ) from exc
    named_sheets = _read_defined_names(collector, sheets, names)
    for sheet in sheets.values():
        group = labels.group_named(collector.catalogue, sheet.name)
        if group is not None:
            _read_group_sheet(collector, group, sheet)
        elif sheet.name not in named_sheets and labels.label_key(sheet.name) not in _NOT_ANSWERS:
            _read_field_sheet(collector, sheet)


# ---------------------------------------------------------------- the workbook's structure, read from its XML


def _workbook_structure(package: Package) -> tuple[dict[str, _Sheet], list[tuple[str, str, str | None]]]:
    """Sheets by name (with their parts) and defined names as (name, reference, scope sheet)."""
    root = package.xml(package.main_part)
    folder = posixpath.dirname(package.main_part)
    rels_part = posixpath.join(folder, "_rels", posixpath.basename(package.main_part) + ".rels")
    targets: dict[str, str] = {}
    if package.has(rels_part):
        for rel in package.xml(rels_part).iter(f"{PR}Relationship"):
            target = rel.get("Target", "")
            targets[rel.get("Id", "")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
    sheets: dict[str, _Sheet] = {}
    order: list[str] = []
    for sheet in root.iter(f"{S}sheet"):
        name = sheet.get("name", "")
        sheets[name] = _Sheet(name, targets.get(sheet.get(f"{R}id", ""), ""))
        order.append(name)
    names: list[tuple[str, str, str | None]] = []
    for defined in root.iter(f"{S}definedName"):
        scope = defined.get("localSheetId")
        scope_name = order[int(scope)] if scope is not None and scope.isdigit() and int(scope) < len(order) else None
        names.append((defined.get("name", ""), (defined.text or "").strip(), scope_name))
    return sheets, names


@contextmanager
def _open_workbook(package: Package) -> Iterator[Any]:
    from openpyxl import load_workbook

    with package.stream() as handle, warnings.catch_warnings():
        # openpyxl warns about Excel features it skips (data validation extensions, slicers): not the reader's business.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
            raise NotAFormError(
                f"{package.name} is damaged: docgen cannot open it as an Excel workbook ({type(exc).__name__}: {exc}). To fix it, "
                "open it in Excel, save it again as .xlsx and drop it in again."
            ) from exc
        try:
            yield workbook
        finally:
            workbook.close()


def _grid(worksheet: Any) -> dict[tuple[int, int], Any]:
    """Non-empty cells of a sheet's top-left corner, by (row, column), both 1-based."""
    if not hasattr(worksheet, "iter_rows"):
        return {}  # a chart sheet has no cells
    worksheet.reset_dimensions()  # a wrong <dimension> would otherwise hide rows
    grid: dict[tuple[int, int], Any] = {}
    for r, row in enumerate(worksheet.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True), start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                grid[(r, c)] = value
    return grid


def _uncached_formulas(package: Package, part: str) -> set[str]:
    """Cells of a sheet part that hold a formula but no saved result (a workbook saved by a program, never by Excel)."""
    if not part or not package.has(part):
        return set()
    found: set[str] = set()
    parser_options = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
    for _, cell in etree.iterparse(io.BytesIO(package.read(part)), events=("end",), tag=f"{S}c", **parser_options):
        if cell.find(f"{S}f") is not None:
            value = cell.find(f"{S}v")
            if value is None or value.text is None:
                found.add(cell.get("r", ""))
        cell.clear()
    return found


def _value(collector: Collector, sheet: _Sheet, row: int, column: int, spec: Field, path: str) -> Any:
    """A cell's value; a formula without a saved result is reported instead of being read as blank."""
    coordinate = f"{get_column_letter(column)}{row}"
    if coordinate in sheet.uncached:
        collector.problems.append(
            Problem(
                rule="form-formula",
                severity="error",
                field=path,
                message=f"{spec.title} ({sheet.name}!{coordinate}) is a formula with no saved result, so its value cannot be read.",
                section="",
                fix="Open the workbook in Excel, let it calculate, save it and drop it in again — or type the value instead of a formula.",
                location=f"{sheet.name}!{coordinate}",
            )
        )
        return None
    assert sheet.grid is not None
    return sheet.grid.get((row, column))


# ---------------------------------------------------------------- single fields


def _read_defined_names(collector: Collector, sheets: dict[str, _Sheet], names: list[tuple[str, str, str | None]]) -> set[str]:
    """Reads single fields from defined names; returns the sheets those names point into."""
    used: set[str] = set()
    for name, reference, scope in names:
        if name.startswith("_xlnm.") or not name:
            continue
        spec = collector.catalogue.field(name)
        if spec is None or spec.group is not None:
            if "." in name and labels.group_named(collector.catalogue, name) is None and spec is None:
                collector.unknown.append(name)
            continue
        match = _REFERENCE.match(reference.split(",")[0].strip())
        if not match:
            constant = _constant(reference)
            if constant is not None:  # form_version is often a name holding "1.0" rather than a cell
                collector.single(Cell(spec, constant, f"defined name {name}"))
            continue
        quoted, plain, letters, digits = match.groups()
        sheet_name = quoted.replace("''", "'") if quoted else (plain or scope or "")
        sheet = sheets.get(sheet_name)
        if sheet is None:
            continue
        used.add(sheet_name)
        row, column = int(digits), column_index_from_string(letters)
        location = f"{sheet_name}!{letters.upper()}{row}"
        collector.single(Cell(spec, _value(collector, sheet, row, column, spec, spec.path), location))
    return used


def _constant(reference: str) -> str | None:
    """The value of a defined name that holds a constant (``"1.0"`` or ``2``) rather than a cell, or None."""
    text = reference.strip().lstrip("=")
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text if re.fullmatch(r"-?\d+(?:\.\d+)?", text) else None


def _read_field_sheet(collector: Collector, sheet: _Sheet) -> None:
    """A sheet whose column A names fields (path or title) and column B holds the answers."""
    assert sheet.grid is not None
    rows = sorted({r for r, c in sheet.grid if c == 1})
    for row in rows:
        label = sheet.grid.get((row, 1))
        spec = labels.single_field(collector.catalogue, str(label)) if isinstance(label, str) else None
        if spec is None or collector.has(spec.path):
            continue
        collector.single(Cell(spec, _value(collector, sheet, row, 2, spec, spec.path), f"{sheet.name}!B{row}"))


# ---------------------------------------------------------------- repeating groups


def _read_group_sheet(collector: Collector, group: Group, sheet: _Sheet) -> None:
    """A sheet named after a group: a header row of field names or titles, then one item per non-blank row."""
    assert sheet.grid is not None
    best_row, columns = 0, dict[int, Field]()
    for row in range(1, _HEADER_SEARCH_ROWS + 1):
        found = {}
        for (r, c), value in sheet.grid.items():
            if r == row and isinstance(value, str) and (spec := labels.group_field(collector.catalogue, group.name, value)) is not None:
                found[c] = spec
        if len(found) > len(columns):
            best_row, columns = row, found
    if not columns:
        return
    collector.locations.setdefault(group.name, f"the {sheet.name} sheet, from row {best_row + 1}")
    last = max((r for r, _ in sheet.grid), default=best_row)
    for row in range(best_row + 1, last + 1):
        cells = []
        index = len(collector.record.get(group.name, []))
        reported = len(collector.problems)
        for column, spec in columns.items():
            path = f"{group.name}[{index}].{spec.name}"
            cells.append(Cell(spec, _value(collector, sheet, row, column, spec, path), f"{sheet.name}!{get_column_letter(column)}{row}"))
        collector.item(group, cells, f"row {row} of the {sheet.name} sheet")
        if len(collector.record.get(group.name, [])) == index:
            # A spare row whose only content is a formula column is blank, not broken.
            del collector.problems[reported:]
