"""Reading a Word form by its labels, for legacy forms and controls that lost their tags.

A tag names its field directly (``field_for_tag``, written loosely too); where there is none, the
words around a box say what it holds: a table whose header row names a group's fields, a label cell
beside its answer ("Meeting date" | [box]), or the words before (or after) a box in running text.
Anything already read by its tag is left alone.
"""

from __future__ import annotations

import re
from typing import Any

from docgen.forms import labels
from docgen.forms.collect import Cell, Collector
from docgen.forms.docx_values import cell_value, control_value, legacy_checkbox
from docgen.forms.wordml import W, control_tag, row_cells, runs_text, table_rows, text_of
from docgen.schema import Catalogue, Field

__all__ = ["field_for_tag", "has_tagged", "label_texts", "read_tables_by_label", "read_untagged_in_paragraphs"]


def field_for_tag(fields: Catalogue, tag: str) -> Field | None:
    """The field a tag names: its exact path, else the same path or title written with other case or punctuation."""
    exact = fields.field(tag)
    if exact is not None:
        return exact
    single = labels.single_field(fields, tag)
    if single is not None:
        return single
    group_name, _, name = tag.partition(".")
    group = labels.group_named(fields, re.sub(r"\[\d+\]$", "", group_name))
    return labels.group_field(fields, group.name, name) if group is not None and name else None


def has_tagged(fields: Catalogue, element: Any) -> bool:
    """Whether ``element`` holds a control tagged with a field (read already by its tag)."""
    return any(field_for_tag(fields, tag) is not None for sdt in element.iter(f"{W}sdt") if (tag := control_tag(sdt)))


def label_texts(cell: Any) -> list[str]:
    """The words a label cell shows: the whole cell, or its first paragraph (guidance often follows)."""
    paragraphs = [p for p in cell.iter(f"{W}p")]
    texts = [text_of(cell)]
    if paragraphs:
        texts.append(runs_text(paragraphs[0]).strip())
    return [t for t in texts if t]


def _heading_before(fields: Catalogue, table: Any) -> str:
    """The nearest paragraph text above a table: it names the group, or the section ("Key worker") of short labels ("Name")."""
    node = table.getprevious()
    for _ in range(6):
        if node is None:
            return ""
        if node.tag == f"{W}p":
            text = text_of(node)
            if text and (labels.group_named(fields, text) is not None or len(text) <= 60):
                return text
        node = node.getprevious()
    return ""


def read_tables_by_label(body: Any, collector: Collector, read_by_column: set[Any]) -> None:
    """Reads the tables not read by their tags: as a group's table under a header row, else as label | answer pairs."""
    fields = collector.catalogue
    for table in body.iter(f"{W}tbl"):
        rows = [r for r in table_rows(table) if r not in read_by_column]
        if not rows:
            continue
        header = [text_of(c) for c in row_cells(rows[0])]
        found = labels.best_group(fields, header, _heading_before(fields, table))
        if found is not None:
            group, columns = found
            if not any(has_tagged(fields, r) for r in rows[1:]):
                _read_group_table(collector, group.name, columns, rows)
            continue
        _read_label_rows(collector, rows, _heading_before(fields, table))


def _read_group_table(collector: Collector, group_name: str, columns: dict[int, Field], rows: list[Any]) -> None:
    group = labels.group_named(collector.catalogue, group_name)
    if group is None:
        return
    for number, row in enumerate(rows[1:], start=2):
        cells = row_cells(row)
        where = f"row {number} of the {group.title} table"
        found = [Cell(spec, cell_value(cells[i], spec), f"column '{spec.title}', {where}") for i, spec in columns.items() if i < len(cells)]
        collector.item(group, found, where)


def _label_field(fields: Catalogue, texts: list[str], heading: str) -> Field | None:
    """The single field a label names, alone or under its section heading ("Key worker" + "Name")."""
    for text in texts:
        spec = labels.single_field(fields, text)
        if spec is None and heading:
            spec = labels.single_field(fields, f"{heading} {text}")
        if spec is not None:
            return spec
    return None


def _read_label_rows(collector: Collector, rows: list[Any], heading: str) -> None:
    fields = collector.catalogue
    for row in rows:
        cells = row_cells(row)
        i = 0
        while i < len(cells) - 1:
            spec = _label_field(fields, label_texts(cells[i]), heading)
            if spec is None or has_tagged(fields, cells[i + 1]) or has_tagged(fields, cells[i]):
                i += 1
                continue
            if not collector.has(spec.path):
                label = label_texts(cells[i])[-1]
                collector.single(Cell(spec, cell_value(cells[i + 1], spec), f"the box beside '{label}'"))
            i += 2


def read_untagged_in_paragraphs(body: Any, collector: Collector) -> None:
    """Untagged controls and legacy tick boxes in running text, read by the words before them ("Meeting date: [box]").

    A tick box may be labelled after it instead ("[x] Locality Team invited"), or by its form-field name.
    """
    fields = collector.catalogue
    for paragraph in body.iter(f"{W}p"):
        if any(a.tag == f"{W}tc" for a in paragraph.iterancestors()):
            continue  # table cells were read by their labels
        children = list(paragraph)
        before: list[str] = []
        for position, child in enumerate(children):
            if child.tag == f"{W}sdt" and not control_tag(child):
                label = _label_words(before)
                spec = labels.single_field(fields, label) if label else None
                if spec is not None and not collector.has(spec.path):
                    collector.single(Cell(spec, control_value(child, spec), f"the box after '{label}'"))
                before = []
            elif child.tag == f"{W}r" and child.find(f"{W}fldChar/{W}ffData/{W}checkBox") is not None:
                name = child.find(f"{W}fldChar/{W}ffData/{W}name")
                after = _label_words([runs_text(r) for r in children[position + 1 :] if r.tag == f"{W}r"])
                candidates = [_label_words(before), name.get(f"{W}val", "") if name is not None else "", after]
                found = next(
                    ((text, spec) for text in candidates if text and (spec := labels.single_field(fields, text)) is not None), None
                )
                if found is not None and not collector.has(found[1].path):
                    collector.single(Cell(found[1], legacy_checkbox(child), f"the tick box '{found[0]}'"))
                before = []
            elif child.tag == f"{W}r":
                before.append(runs_text(child))


def _label_words(texts: list[str]) -> str:
    return "".join(texts).strip().rstrip(":?").strip()
