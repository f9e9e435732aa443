"""Reading a Word meeting form: content controls tagged with field paths, and label tables where tags are missing.

This module finds the controls and reads the tagged ones, item by item in document order; the rows
added to a table without controls come from ``docx_added_rows``, what a control holds from
``docx_values``, and everything read by its label rather than its tag from ``docx_labels``.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from docgen.errors import UnsafeFormError
from docgen.forms import labels
from docgen.forms.collect import Cell, Collector
from docgen.forms.docx_added_rows import rows_added_without_controls
from docgen.forms.docx_labels import field_for_tag, read_tables_by_label, read_untagged_in_paragraphs
from docgen.forms.docx_values import control_value
from docgen.forms.safety import Package
from docgen.forms.wordml import PR, W15, W, control_alias, control_tag, in_fallback, is_container, table_rows
from docgen.schema import Catalogue

__all__ = ["MAX_CONTROLS", "read_docx"]

#: A blank form has a few hundred controls (spare rows included); thousands more only slow the reader down.
MAX_CONTROLS = 5000


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
    read_tables_by_label(body, collector, read_by_column)
    read_untagged_in_paragraphs(body, collector)
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


def _read_tagged(body: Any, collector: Collector) -> set[Any]:
    """Reads every tagged control, and the rows typed without controls into their tables; returns those rows."""
    rows: dict[Any, tuple[str, list[Cell]]] = {}  # row element → (group, cells); lxml elements hash by identity
    item_of: dict[Any, Any] = {}  # table row holding tagged group controls → the item it belongs to (the row, or its repeating section)
    row_words: dict[Any, str] = {}  # counting a row's place in its table once, not once per control
    numbering: dict[Any, dict[Any, int]] = {}  # table → its rows' numbers
    loose: dict[str, list[Cell]] = {}  # group fields outside any table row: a new item each time a field repeats
    fields = collector.catalogue
    for sdt in body.iter(f"{W}sdt"):
        tag = control_tag(sdt)
        if not tag or is_container(sdt) or in_fallback(sdt):
            continue
        spec = field_for_tag(fields, tag)
        if spec is None:
            if labels.group_named(fields, tag) is None:
                collector.unknown.append(tag)
            continue
        location = f"control {tag} ({control_alias(sdt) or spec.title})"
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
                _flush(collector, spec.group, pending, _row_words(fields, spec.group, None))
                pending.clear()
            pending.append(Cell(spec, raw, location))
            continue
        if row not in row_words:
            row_words[row] = _row_words(fields, spec.group, row, numbering)
        rows.setdefault(row, (spec.group, []))[1].append(Cell(spec, raw, f"{location}, {row_words[row]}"))
        if not isinstance(row, str) and (table_row := next(sdt.iterancestors(f"{W}tr"), None)) is not None:
            item_of.setdefault(table_row, row)
    added = rows_added_without_controls(item_of, {row: group for row, (group, _) in rows.items()}, collector)
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
            _flush(collector, group, pending, _row_words(fields, group, None))
    return added.looked_at


def _item_index(row: Any) -> int:
    return int(row.rsplit("[", 1)[1].rstrip("]")) if isinstance(row, str) else -1


def _flush(collector: Collector, group_name: str, cells: list[Cell], where: str) -> None:
    group = labels.group_named(collector.catalogue, group_name)
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


def _row_words(fields: Catalogue, group_name: str, row: Any, numbering: dict[Any, dict[Any, int]] | None = None) -> str:
    group = labels.group_named(fields, group_name)
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
        numbering[table] = {r: n for n, r in enumerate(table_rows(table), start=1)}
    number = numbering[table].get(row, 0) if table is not None else 0
    return f"row {number} of the {title} table"
