"""Rows staff added to a Word table of tagged rows (Tab in the last cell, Insert row), which Word gives no controls.

The riskiest guesses of the Word reader live here: which column a cell answers (the field its tagged
neighbours above and below hold, else the one its header names), which rows above the first tagged
row are headings rather than answers, and when a row's answers fit no one column (cells merged or
split), in which case the row is reported rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from docgen.forms import labels
from docgen.forms.collect import Cell, Collector
from docgen.forms.docx_labels import field_for_tag, has_tagged, label_texts
from docgen.forms.docx_values import cell_value
from docgen.forms.wordml import W, control_tag, row_cells, table_rows, text_of
from docgen.schema import Catalogue, Field
from docgen.validation.problems import Problem

__all__ = ["AddedRow", "AddedRows", "rows_added_without_controls"]


#: Word tables have at most 63 columns: a wider span or offset is a damaged (or hostile) table, not a wider form.
_MAX_GRID_COLUMNS = 63

AddedRow = tuple[str, list[Cell], str]  # group, the row's cells read by column, where the row is


@dataclass
class AddedRows:
    """Rows added without controls, keyed by the item of the tagged row they go before or after."""

    before: dict[Any, list[AddedRow]] = default(default_factory=dict)  # rows inserted above a table's first tagged row
    after: dict[Any, list[AddedRow]] = default(default_factory=dict)
    looked_at: set[Any] = default(default_factory=set)  # every such row, read or not: no label table reads them again


def rows_added_without_controls(item_of: dict[Any, Any], group_of: dict[Any, str], collector: Collector) -> AddedRows:
    """Rows staff added to a table of tagged rows (Tab in the last cell, Insert row): Word gives them no controls.

    Each is read by column: a cell answers the field whose controls fill its column in the other rows,
    else the field its header names. It goes after the tagged row above it, keyed by that row's item.
    Above the first tagged row, only rows below the column-header row are read (Insert row above on the
    first item), and they go before that item; the header and anything above it are the table's headings.
    """
    fields = collector.catalogue
    added = AddedRows()
    tables = dict.fromkeys(table for row in item_of if (table := next(row.iterancestors(f"{W}tbl"), None)) is not None)
    for table in tables:
        rows = table_rows(table)
        first = next((index for index, table_row in enumerate(rows) if table_row in item_of), None)
        first_item = item_of[rows[first]] if first is not None else None
        header = _header_row(fields, rows[:first], group_of[first_item]) if first is not None else None
        above: Any = None  # the item of the nearest tagged row above
        columns: dict[int, Field | None] | None = None
        for number, table_row in enumerate(rows, start=1):
            if table_row in item_of:
                above = item_of[table_row]
                continue
            if has_tagged(fields, table_row) or _in_row_control(table_row, table):
                continue
            if above is not None:
                item, placed = above, added.after
            elif header is not None and number - 1 > header and not _is_heading(fields, table_row, rows[header], group_of[first_item]):
                item, placed = first_item, added.before
            else:
                continue  # a heading, or no header row to tell the headings from data
            group = labels.group_named(fields, group_of[item])
            if group is None:
                continue
            added.looked_at.add(table_row)
            if columns is None:
                columns = _columns(fields, rows, item_of, group.name, rows[header] if header is not None else None)
            read = _read_plain_row(table_row, columns, group.name, f"row {number} of the {group.title} table", collector)
            if read is not None:
                placed.setdefault(item, []).append(read)
    return added


def _header_row(fields: Catalogue, rows: list[Any], group_name: str) -> int | None:
    """The index of the column-header row among ``rows`` (a table's rows above its first tagged row): the last that names the group's fields."""
    return next((index for index in range(len(rows) - 1, -1, -1) if _names_fields(fields, rows[index], group_name)), None)


def _names_fields(fields: Catalogue, table_row: Any, group_name: str) -> bool:
    """Whether a row's cells mostly name fields of the group, as a header row does (two at least, unless the table is that narrow)."""
    cells = row_cells(table_row)
    filled = [cell for cell in cells if text_of(cell)]
    named = [
        spec for cell in filled if (spec := next((f for t in label_texts(cell) if (f := labels.group_field(fields, group_name, t))), None))
    ]
    # The same bar as a header row read by label (labels.best_group): one match in a wide row is a coincidence.
    enough = len(set(named)) >= 2 or (len(named) == 1 and len(cells) <= 2)
    return enough and 2 * len(named) > len(filled)


def _is_heading(fields: Catalogue, table_row: Any, header: Any, group_name: str) -> bool:
    """Whether a row between the header row and the first tagged row is a heading: it repeats the header, or is one merged line.

    Word copies the first item row's cells into a row inserted above it, so one cell across a table of
    several columns is a guidance line under the header, not answers.
    """
    return _names_fields(fields, table_row, group_name) or len(_grid(table_row)) == 1 < len(_grid(header))


def _in_row_control(table_row: Any, table: Any) -> bool:
    """Whether ``table_row`` is inside a row-level control (a repeating section item): part of a tagged item, not added."""
    for ancestor in table_row.iterancestors():
        if ancestor is table:
            return False
        if ancestor.tag == f"{W}sdt":
            return True
    return False


def _columns(fields: Catalogue, rows: list[Any], item_of: dict[Any, Any], group_name: str, header: Any) -> dict[int, Field | None]:
    """Grid column → the field its tagged cells hold (None where rows disagree), else the field ``header`` names.

    Without a recognised header row, the table's first row is taken for it if it has no controls.
    """
    columns: dict[int, Field | None] = {}
    for table_row in rows:
        if table_row not in item_of:
            continue
        for start, span, cell in _grid(table_row):
            held = {
                spec
                for sdt in cell.iter(f"{W}sdt")
                if (tag := control_tag(sdt)) and (spec := field_for_tag(fields, tag)) is not None and spec.group
            }
            if not held:
                continue
            only = held.pop() if len(held) == 1 else None
            for column in range(start, start + span):
                columns[column] = only if columns.get(column, only) == only else None
    if header is None and rows and rows[0] not in item_of:
        header = rows[0]
    if header is not None:
        for start, span, cell in _grid(header):
            named = next((spec for text in label_texts(cell) if (spec := labels.group_field(fields, group_name, text)) is not None), None)
            for column in range(start, start + span) if named is not None else ():
                columns.setdefault(column, named)
    return columns


def _grid(table_row: Any) -> list[tuple[int, int, Any]]:
    """A row's cells, each with the first grid column it covers and how many (a merged cell covers several)."""
    start = _grid_count(table_row.find(f"{W}trPr/{W}gridBefore"), 0)
    out = []
    for cell in row_cells(table_row):
        span = max(1, _grid_count(cell.find(f"{W}tcPr/{W}gridSpan"), 1))
        out.append((start, span, cell))
        start += span
    return out


def _grid_count(element: Any, default: int) -> int:
    value = (element.get(f"{W}val") or "").strip() if element is not None else ""
    return min(int(value), _MAX_GRID_COLUMNS) if value.isdigit() else default


def _read_plain_row(table_row: Any, columns: dict[int, Field | None], group_name: str, where: str, collector: Collector) -> AddedRow | None:
    """The cells of a row without controls, each under its column's field; None (and an error) if an answer fits no one column."""
    cells: list[Cell] = []
    stray: list[str] = []  # answers in cells merged across columns, split, or beyond the last column
    for start, span, cell in _grid(table_row):
        under = {columns.get(column) for column in range(start, start + span)}
        spec = under.pop() if len(under) == 1 else None
        if spec is not None and (spec.group != group_name or any(c.spec == spec for c in cells)):
            spec = None  # another group's column, or a second answer for a field this row already gave
        raw = cell_value(cell, spec)
        if raw is None or raw is False or (isinstance(raw, str) and not raw.strip()):
            continue
        if spec is None:
            stray.append(" ".join((text_of(cell) or "a ticked box").split()))
        else:
            cells.append(Cell(spec, raw, f"column '{spec.title}', {where}"))
    if stray:
        shown = ", ".join(f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'" for text in stray[:3])
        group = labels.group_named(collector.catalogue, group_name)
        title = group.title if group is not None else group_name
        collector.problems.append(
            Problem(
                rule="form-row",
                severity="error",
                field=group_name,
                message=f"{where[0].upper()}{where[1:]} was not read: {shown} {'is' if len(stray) == 1 else 'are'} not under one column "
                "of the table (cells merged or split?).",
                section="",
                fix=f"Type each answer of that row under its own column heading of the {title} table (undo the merge or split, "
                "or add a fresh row with Tab in the table's last cell), then drop the form in again.",
                location=where,
            )
        )
        return None
    return (group_name, cells, where) if cells else None
