"""Reading a Word meeting form: content controls tagged with field paths, and label tables where tags are missing."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from docgen.errors import UnsafeFormError
from docgen.forms import labels
from docgen.forms.collect import Cell, Collector
from docgen.forms.safety import Package
from docgen.forms.values import normalise
from docgen.schema import Field, field
from docgen.validation.report import Problem

__all__ = ["MAX_CONTROLS", "read_docx"]

#: A blank form has a few hundred controls (spare rows included); thousands more only slow the reader down.
MAX_CONTROLS = 5000

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TRUE_VALS = ("1", "true", "on")


def read_docx(package: Package, collector: Collector) -> None:
    """Reads every field of the Word form in ``package`` into ``collector``."""
    root = package.xml(package.main_part)
    body = root.find(f"{W}body")
    if body is None:
        return
    controls = sum(1 for _ in body.iter(f"{W}sdt"))
    if controls > MAX_CONTROLS:
        raise UnsafeFormError(
            f"{package.name} was refused: it holds {controls:,} content controls, far more than any meeting form "
            f"(limit {MAX_CONTROLS:,}). Check it is the right file."
        )
    read_by_column = _read_tagged(body, collector)
    _read_tables_by_label(body, collector, read_by_column)
    _read_untagged_in_paragraphs(body, collector)
    # A case reference or form version may sit in a page header or footer control.
    for part in _header_and_footer_parts(package):
        _read_tagged(package.xml(part), collector)


def _header_and_footer_parts(package: Package) -> list[str]:
    folder = posixpath.dirname(package.main_part)
    rels = posixpath.join(folder, "_rels", posixpath.basename(package.main_part) + ".rels")
    if not package.has(rels):
        return []
    parts = []
    for rel in package.xml(rels).iter(f"{PR}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if kind in ("header", "footer") and rel.get("TargetMode") != "External":
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            if package.has(part):
                parts.append(part)
    return parts


# ---------------------------------------------------------------- controls tagged with field paths


def _tag(sdt: Any) -> str:
    tag = sdt.find(f"{W}sdtPr/{W}tag")
    return (tag.get(f"{W}val") or "").strip() if tag is not None else ""


def _alias(sdt: Any) -> str:
    alias = sdt.find(f"{W}sdtPr/{W}alias")
    return (alias.get(f"{W}val") or "").strip() if alias is not None else ""


def _in_fallback(element: Any) -> bool:
    """Whether ``element`` is in the fallback copy Word keeps of a text box (read once, from the main copy)."""
    return any(a.tag == MC_FALLBACK for a in element.iterancestors())


def _is_container(sdt: Any) -> bool:
    """A control that holds other controls (a repeating section or a grouped block) has no value of its own."""
    content = sdt.find(f"{W}sdtContent")
    return content is not None and content.find(f".//{W}sdt") is not None


def _read_tagged(body: Any, collector: Collector) -> set[Any]:
    """Reads every tagged control, and the rows typed without controls into their tables; returns those rows."""
    rows: dict[Any, tuple[str, list[Cell]]] = {}  # row element → (group, cells); lxml elements hash by identity
    item_of: dict[Any, Any] = {}  # table row holding tagged group controls → the item it belongs to (the row, or its repeating section)
    row_words: dict[Any, str] = {}  # counting a row's place in its table once, not once per control
    numbering: dict[Any, dict[Any, int]] = {}  # table → its rows' numbers
    loose: dict[str, list[Cell]] = {}  # group fields outside any table row: a new item each time a field repeats
    for sdt in body.iter(f"{W}sdt"):
        tag = _tag(sdt)
        if not tag or _is_container(sdt) or _in_fallback(sdt):
            continue
        spec = _field_for_tag(tag)
        if spec is None:
            if labels.group_named(tag) is None:
                collector.unknown.append(tag)
            continue
        location = f"control {tag} ({_alias(sdt) or spec.title})"
        raw = control_value(sdt, spec)
        if spec.group is None:
            collector.single(Cell(spec, raw, location))
            continue
        row = _row_of(sdt)
        if row is None and (index := re.search(r"\[(\d+)\]", tag)):
            row = f"{spec.group}[{index.group(1)}]"  # children[2].first_name outside a table: the index says which item
        if row is None:
            pending = loose.setdefault(spec.group, [])
            if any(c.spec.name == spec.name for c in pending):
                _flush(collector, spec.group, pending, _row_words(spec.group, None))
                pending.clear()
            pending.append(Cell(spec, raw, location))
            continue
        if row not in row_words:
            row_words[row] = _row_words(spec.group, row, numbering)
        rows.setdefault(row, (spec.group, []))[1].append(Cell(spec, raw, f"{location}, {row_words[row]}"))
        if not isinstance(row, str) and (table_row := next(sdt.iterancestors(f"{W}tr"), None)) is not None:
            item_of.setdefault(table_row, row)
    added = _rows_added_without_controls(item_of, {row: group for row, (group, _) in rows.items()}, collector)
    # Rows come out in document order: an added row after the tagged row above it, or before a table's first tagged row
    # when it was inserted above that; items placed by the index in their tags, in index order.
    for row, (group, cells) in sorted(rows.items(), key=lambda kv: _item_index(kv[0])):
        for group_name, typed, where in added.before.get(row, ()):
            _flush(collector, group_name, typed, where)
        _flush(collector, group, cells, row_words[row])
        for group_name, typed, where in added.after.get(row, ()):
            _flush(collector, group_name, typed, where)
    for group, pending in loose.items():
        if pending:
            _flush(collector, group, pending, _row_words(group, None))
    return added.looked_at


def _item_index(row: Any) -> int:
    return int(row.rsplit("[", 1)[1].rstrip("]")) if isinstance(row, str) else -1


def _field_for_tag(tag: str) -> Field | None:
    """The field a tag names: its exact path, else the same path or title written with other case or punctuation."""
    exact = field(tag)
    if exact is not None:
        return exact
    single = labels.single_field(tag)
    if single is not None:
        return single
    group_name, _, name = tag.partition(".")
    group = labels.group_named(re.sub(r"\[\d+\]$", "", group_name))
    return labels.group_field(group.name, name) if group is not None and name else None


def _flush(collector: Collector, group_name: str, cells: list[Cell], where: str) -> None:
    group = labels.group_named(group_name)
    if group is None:
        return
    collector.item(group, list(cells), where)


def _row_of(sdt: Any) -> Any:
    """The repeating-section item or table row a control sits in (None when it is in neither).

    A repeating-section item may wrap several table rows, so it wins over the nearest row.
    """
    row = None
    for ancestor in sdt.iterancestors():
        if ancestor.tag == f"{W}tr" and row is None:
            row = ancestor
        elif ancestor.tag == f"{W}sdt" and ancestor.find(f"{W}sdtPr/{W15}repeatingSectionItem") is not None:
            return ancestor
        elif ancestor.tag == f"{W}body":
            break
    return row


def _row_words(group_name: str, row: Any, numbering: dict[Any, dict[Any, int]] | None = None) -> str:
    group = labels.group_named(group_name)
    title = group.title if group else group_name
    if row is None:
        return f"the {title} section"
    if isinstance(row, str):
        return f"item {row}"  # placed by the index in its tag
    if row.tag != f"{W}tr":
        return f"an item of the {title} section"
    table = next((a for a in row.iterancestors() if a.tag == f"{W}tbl"), None)
    numbering = {} if numbering is None else numbering
    if table is not None and table not in numbering:
        numbering[table] = {r: n for n, r in enumerate(_rows(table), start=1)}
    number = numbering[table].get(row, 0) if table is not None else 0
    return f"row {number} of the {title} table"


# ---------------------------------------------------------------- rows added without controls

#: Word tables have at most 63 columns: a wider span or offset is a damaged (or hostile) table, not a wider form.
_MAX_GRID_COLUMNS = 63

_AddedRow = tuple[str, list[Cell], str]  # group, the row's cells read by column, where the row is


@dataclass
class _AddedRows:
    """Rows added without controls, keyed by the item of the tagged row they go before or after."""

    before: dict[Any, list[_AddedRow]] = default(default_factory=dict)  # rows inserted above a table's first tagged row
    after: dict[Any, list[_AddedRow]] = default(default_factory=dict)
    looked_at: set[Any] = default(default_factory=set)  # every such row, read or not: no label table reads them again


def _rows_added_without_controls(item_of: dict[Any, Any], group_of: dict[Any, str], collector: Collector) -> _AddedRows:
    """Rows staff added to a table of tagged rows (Tab in the last cell, Insert row): Word gives them no controls.

    Each is read by column: a cell answers the field whose controls fill its column in the other rows,
    else the field its header names. It goes after the tagged row above it, keyed by that row's item.
    Above the first tagged row, only rows below the column-header row are read (Insert row above on the
    first item), and they go before that item; the header and anything above it are the table's headings.
    """
    added = _AddedRows()
    tables = dict.fromkeys(table for row in item_of if (table := next(row.iterancestors(f"{W}tbl"), None)) is not None)
    for table in tables:
        rows = _rows(table)
        first = next((index for index, table_row in enumerate(rows) if table_row in item_of), None)
        first_item = item_of[rows[first]] if first is not None else None
        header = _header_row(rows[:first], group_of[first_item]) if first is not None else None
        above: Any = None  # the item of the nearest tagged row above
        columns: dict[int, Field | None] | None = None
        for number, table_row in enumerate(rows, start=1):
            if table_row in item_of:
                above = item_of[table_row]
                continue
            if _has_tagged(table_row) or _in_row_control(table_row, table):
                continue
            if above is not None:
                item, placed = above, added.after
            elif header is not None and number - 1 > header and not _is_heading(table_row, rows[header], group_of[first_item]):
                item, placed = first_item, added.before
            else:
                continue  # a heading, or no header row to tell the headings from data
            group = labels.group_named(group_of[item])
            if group is None:
                continue
            added.looked_at.add(table_row)
            if columns is None:
                columns = _columns(rows, item_of, group.name, rows[header] if header is not None else None)
            read = _read_plain_row(table_row, columns, group.name, f"row {number} of the {group.title} table", collector)
            if read is not None:
                placed.setdefault(item, []).append(read)
    return added


def _header_row(rows: list[Any], group_name: str) -> int | None:
    """The index of the column-header row among ``rows`` (a table's rows above its first tagged row): the last that names the group's fields."""
    return next((index for index in range(len(rows) - 1, -1, -1) if _names_fields(rows[index], group_name)), None)


def _names_fields(table_row: Any, group_name: str) -> bool:
    """Whether a row's cells mostly name fields of the group, as a header row does (two at least, unless the table is that narrow)."""
    cells = _cells(table_row)
    filled = [cell for cell in cells if text_of(cell)]
    named = [spec for cell in filled if (spec := next((f for t in _label_texts(cell) if (f := labels.group_field(group_name, t))), None))]
    # The same bar as a header row read by label (labels.best_group): one match in a wide row is a coincidence.
    enough = len(set(named)) >= 2 or (len(named) == 1 and len(cells) <= 2)
    return enough and 2 * len(named) > len(filled)


def _is_heading(table_row: Any, header: Any, group_name: str) -> bool:
    """Whether a row between the header row and the first tagged row is a heading: it repeats the header, or is one merged line.

    Word copies the first item row's cells into a row inserted above it, so one cell across a table of
    several columns is a guidance line under the header, not answers.
    """
    return _names_fields(table_row, group_name) or len(_grid(table_row)) == 1 < len(_grid(header))


def _in_row_control(table_row: Any, table: Any) -> bool:
    """Whether ``table_row`` is inside a row-level control (a repeating section item): part of a tagged item, not added."""
    for ancestor in table_row.iterancestors():
        if ancestor is table:
            return False
        if ancestor.tag == f"{W}sdt":
            return True
    return False


def _columns(rows: list[Any], item_of: dict[Any, Any], group_name: str, header: Any) -> dict[int, Field | None]:
    """Grid column → the field its tagged cells hold (None where rows disagree), else the field ``header`` names.

    Without a recognised header row, the table's first row is taken for it if it has no controls.
    """
    columns: dict[int, Field | None] = {}
    for table_row in rows:
        if table_row not in item_of:
            continue
        for start, span, cell in _grid(table_row):
            held = {spec for sdt in cell.iter(f"{W}sdt") if (tag := _tag(sdt)) and (spec := _field_for_tag(tag)) is not None and spec.group}
            if not held:
                continue
            only = held.pop() if len(held) == 1 else None
            for column in range(start, start + span):
                columns[column] = only if columns.get(column, only) == only else None
    if header is None and rows and rows[0] not in item_of:
        header = rows[0]
    if header is not None:
        for start, span, cell in _grid(header):
            named = next((spec for text in _label_texts(cell) if (spec := labels.group_field(group_name, text)) is not None), None)
            for column in range(start, start + span) if named is not None else ():
                columns.setdefault(column, named)
    return columns


def _grid(table_row: Any) -> list[tuple[int, int, Any]]:
    """A row's cells, each with the first grid column it covers and how many (a merged cell covers several)."""
    start = _grid_count(table_row.find(f"{W}trPr/{W}gridBefore"), 0)
    out = []
    for cell in _cells(table_row):
        span = max(1, _grid_count(cell.find(f"{W}tcPr/{W}gridSpan"), 1))
        out.append((start, span, cell))
        start += span
    return out


def _grid_count(element: Any, default: int) -> int:
    value = (element.get(f"{W}val") or "").strip() if element is not None else ""
    return min(int(value), _MAX_GRID_COLUMNS) if value.isdigit() else default


def _read_plain_row(
    table_row: Any, columns: dict[int, Field | None], group_name: str, where: str, collector: Collector
) -> _AddedRow | None:
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
        group = labels.group_named(group_name)
        title = group.title if group is not None else group_name
        collector.problems.append(
            Problem(
                "form-row",
                "error",
                group_name,
                f"{where[0].upper()}{where[1:]} was not read: {shown} {'is' if len(stray) == 1 else 'are'} not under one column "
                "of the table (cells merged or split?).",
                "",
                f"Type each answer of that row under its own column heading of the {title} table (undo the merge or split, "
                "or add a fresh row with Tab in the table's last cell), then drop the form in again.",
                where,
            )
        )
        return None
    return (group_name, cells, where) if cells else None


# ---------------------------------------------------------------- what a control holds


def control_value(sdt: Any, spec: Field | None) -> Any:
    """What a content control holds: a bool for a checkbox, the picked item's value, the date, or its text."""
    properties = sdt.find(f"{W}sdtPr")
    content = sdt.find(f"{W}sdtContent")
    if properties is None:
        properties = sdt.makeelement(f"{W}sdtPr")
    box = properties.find(f"{W14}checkbox")
    if box is None:
        box = properties.find(f"{W}checkbox")  # the same box written in the main namespace by other tools
    if box is not None:
        return _box_checked(box)
    if content is not None and (legacy := legacy_checkbox(content)) is not None:
        return legacy
    if content is not None and (picked := legacy_dropdown(content)) is not None:
        return picked
    if properties.find(f"{W}showingPlcHdr") is not None or content is None:
        return None
    text = text_of(content)
    date = properties.find(f"{W}date")
    if date is not None:
        full = (date.get(f"{W}fullDate") or "")[:10]
        # The picked date as Word stores it, whatever display format (even month-first) the control shows;
        # the shown text only when there is none (LibreOffice drops it).
        return full if _is_iso_date(full) else text
    choices = properties.find(f"{W}dropDownList")
    if choices is None:
        choices = properties.find(f"{W}comboBox")
    if choices is not None and text:
        return _picked(choices, text, spec)
    return text


def _box_checked(box: Any) -> bool:
    """A content-control tick box's state: ``<w14:checked w14:val="1"/>``; an on/off element without ``val`` means on."""
    checked = box.find(f"{W14}checked")
    if checked is None:
        checked = box.find(f"{W}checked")
    if checked is None:
        return False
    value = checked.get(f"{W14}val")
    if value is None:
        value = checked.get(f"{W}val", "1")
    return value.strip().lower() in _TRUE_VALS


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _picked(choices: Any, shown: str, spec: Field | None) -> str:
    """The value of the list item whose shown text is ``shown``; a typed combo-box answer is matched loosely."""
    items = [(i.get(f"{W}displayText") or i.get(f"{W}value") or "", i.get(f"{W}value") or "") for i in choices.iter(f"{W}listItem")]
    key = labels.label_key(shown)
    for exact in (True, False):
        for display, value in items:
            if (display == shown) if exact else key in (labels.label_key(display), labels.label_key(value)):
                picked = value or display
                # A list whose values are codes the schema does not know ("1", "2") still shows words it does.
                if spec is not None and spec.type == "enum" and normalise(spec, picked, spec.path, None).problem:
                    return display
                return picked
    return shown


def legacy_checkbox(element: Any) -> bool | None:
    """The state of a legacy FORMCHECKBOX field inside ``element``, or None when there is none."""
    box = element.find(f".//{W}ffData/{W}checkBox")
    if box is None:
        return None
    checked = box.find(f"{W}checked")
    if checked is not None:
        return (checked.get(f"{W}val") or "1").lower() in _TRUE_VALS
    default = box.find(f"{W}default")
    return default is not None and (default.get(f"{W}val") or "0").lower() in _TRUE_VALS


def legacy_dropdown(element: Any) -> str | None:
    """The chosen entry of a legacy FORMDROPDOWN field inside ``element``, or None when there is none."""
    choices = element.find(f".//{W}ffData/{W}ddList")
    if choices is None:
        return None
    entries = [e.get(f"{W}val") or "" for e in choices.findall(f"{W}listEntry")]
    chosen = choices.find(f"{W}result")
    if chosen is None:
        chosen = choices.find(f"{W}default")
    raw = chosen.get(f"{W}val") if chosen is not None else "0"
    index = int(raw) if raw and raw.isdigit() else 0
    return entries[index] if index < len(entries) else None


def text_of(element: Any) -> str:
    """All text in ``element``: runs joined, tabs kept, paragraphs and breaks as newlines, placeholders and deletions left out."""
    paragraphs = [p for p in element.iter(f"{W}p") if not _nested_paragraph(p, element)]
    if not paragraphs:
        return _runs_text(element).strip()
    return "\n".join(_runs_text(p) for p in paragraphs).strip()


def _nested_paragraph(paragraph: Any, top: Any) -> bool:
    # A paragraph inside a text box or a fallback copy is read with (or instead of) its outer one.
    for ancestor in paragraph.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag in (f"{W}p", MC_FALLBACK):
            return True
    return False


def _runs_text(element: Any) -> str:
    parts: list[str] = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if _skipped(node, element):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif node.tag == f"{W}br" and node.get(f"{W}type") in ("page", "column"):
            parts.append("\n")
        else:
            parts.append("\n")
    return "".join(parts)


def _skipped(node: Any, top: Any) -> bool:
    run = node.getparent()
    if run is not None and run.tag == f"{W}r":
        style = run.find(f"{W}rPr/{W}rStyle")
        # Word marks prompt text with the PlaceholderText style; LibreOffice keeps the style when it drops the flag.
        if style is not None and (style.get(f"{W}val") or "").lower() == "placeholdertext":
            return True
    for ancestor in node.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag == MC_FALLBACK:
            return True
    return False


# ---------------------------------------------------------------- legacy forms and lost tags: read by label


def _has_tagged(element: Any) -> bool:
    """Whether ``element`` holds a control tagged with a field (read already by its tag)."""
    return any(_field_for_tag(tag) is not None for sdt in element.iter(f"{W}sdt") if (tag := _tag(sdt)))


def _rows(table: Any) -> list[Any]:
    """A table's own rows, including rows wrapped in row-level controls (repeating sections), not nested tables' rows."""
    out = []
    for child in table:
        if child.tag == f"{W}tr":
            out.append(child)
        elif child.tag == f"{W}sdt":
            out.extend(r for r in child.iter(f"{W}tr") if next(a for a in r.iterancestors() if a.tag == f"{W}tbl") is table)
    return out


def _cells(row: Any) -> list[Any]:
    """A row's cells, a cell-level control standing in for the cell it wraps."""
    out = []
    for child in row:
        if child.tag == f"{W}tc":
            out.append(child)
        elif child.tag == f"{W}sdt":
            out.extend(child.iter(f"{W}tc"))
    return out


def cell_value(cell: Any, spec: Field | None) -> Any:
    """What a table cell holds: its control's value if it has one, a legacy tick box, or its text."""
    for sdt in cell.iter(f"{W}sdt"):
        if not _is_container(sdt):
            return control_value(sdt, spec)
    legacy = legacy_checkbox(cell)
    if legacy is not None:
        return legacy
    picked = legacy_dropdown(cell)
    if picked is not None:
        return picked
    return text_of(cell)


def _label_texts(cell: Any) -> list[str]:
    """The words a label cell shows: the whole cell, or its first paragraph (guidance often follows)."""
    paragraphs = [p for p in cell.iter(f"{W}p")]
    texts = [text_of(cell)]
    if paragraphs:
        texts.append(_runs_text(paragraphs[0]).strip())
    return [t for t in texts if t]


def _heading_before(table: Any) -> str:
    """The nearest paragraph text above a table: it names the group, or the section ("Key worker") of short labels ("Name")."""
    node = table.getprevious()
    for _ in range(6):
        if node is None:
            return ""
        if node.tag == f"{W}p":
            text = text_of(node)
            if text and (labels.group_named(text) is not None or len(text) <= 60):
                return text
        node = node.getprevious()
    return ""


def _read_tables_by_label(body: Any, collector: Collector, read_by_column: set[Any]) -> None:
    for table in body.iter(f"{W}tbl"):
        rows = [r for r in _rows(table) if r not in read_by_column]
        if not rows:
            continue
        header = [text_of(c) for c in _cells(rows[0])]
        found = labels.best_group(header, _heading_before(table))
        if found is not None:
            group, columns = found
            if not any(_has_tagged(r) for r in rows[1:]):
                _read_group_table(collector, group.name, columns, rows)
            continue
        _read_label_rows(collector, rows, _heading_before(table))


def _read_group_table(collector: Collector, group_name: str, columns: dict[int, Field], rows: list[Any]) -> None:
    group = labels.group_named(group_name)
    if group is None:
        return
    for number, row in enumerate(rows[1:], start=2):
        cells = _cells(row)
        where = f"row {number} of the {group.title} table"
        found = [Cell(spec, cell_value(cells[i], spec), f"column '{spec.title}', {where}") for i, spec in columns.items() if i < len(cells)]
        collector.item(group, found, where)


def _label_field(texts: list[str], heading: str) -> Field | None:
    """The single field a label names, alone or under its section heading ("Key worker" + "Name")."""
    for text in texts:
        spec = labels.single_field(text)
        if spec is None and heading:
            spec = labels.single_field(f"{heading} {text}")
        if spec is not None:
            return spec
    return None


def _read_label_rows(collector: Collector, rows: list[Any], heading: str) -> None:
    for row in rows:
        cells = _cells(row)
        i = 0
        while i < len(cells) - 1:
            spec = _label_field(_label_texts(cells[i]), heading)
            if spec is None or _has_tagged(cells[i + 1]) or _has_tagged(cells[i]):
                i += 1
                continue
            if not collector.has(spec.path):
                label = _label_texts(cells[i])[-1]
                collector.single(Cell(spec, cell_value(cells[i + 1], spec), f"the box beside '{label}'"))
            i += 2


def _read_untagged_in_paragraphs(body: Any, collector: Collector) -> None:
    """Untagged controls and legacy tick boxes in running text, read by the words before them ("Meeting date: [box]").

    A tick box may be labelled after it instead ("[x] Locality Team invited"), or by its form-field name.
    """
    for paragraph in body.iter(f"{W}p"):
        if any(a.tag == f"{W}tc" for a in paragraph.iterancestors()):
            continue  # table cells were read by their labels
        children = list(paragraph)
        before: list[str] = []
        for position, child in enumerate(children):
            if child.tag == f"{W}sdt" and not _tag(child):
                label = _label_words(before)
                spec = labels.single_field(label) if label else None
                if spec is not None and not collector.has(spec.path):
                    collector.single(Cell(spec, control_value(child, spec), f"the box after '{label}'"))
                before = []
            elif child.tag == f"{W}r" and child.find(f"{W}fldChar/{W}ffData/{W}checkBox") is not None:
                name = child.find(f"{W}fldChar/{W}ffData/{W}name")
                after = _label_words([_runs_text(r) for r in children[position + 1 :] if r.tag == f"{W}r"])
                candidates = [_label_words(before), name.get(f"{W}val", "") if name is not None else "", after]
                found = next(((text, spec) for text in candidates if text and (spec := labels.single_field(text)) is not None), None)
                if found is not None and not collector.has(found[1].path):
                    collector.single(Cell(found[1], legacy_checkbox(child), f"the tick box '{found[0]}'"))
                before = []
            elif child.tag == f"{W}r":
                before.append(_runs_text(child))


def _label_words(texts: list[str]) -> str:
    return "".join(texts).strip().rstrip(":?").strip()
