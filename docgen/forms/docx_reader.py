"""Reading a Word meeting form: content controls tagged with field paths, and label tables where tags are missing."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from typing import Any

from docgen.errors import UnsafeFormError
from docgen.forms import labels
from docgen.forms.collect import Cell, Collector
from docgen.forms.safety import Package
from docgen.forms.values import normalise
from docgen.schema import Field, field

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
    _read_tagged(body, collector)
    _read_tables_by_label(body, collector)
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


def _read_tagged(body: Any, collector: Collector) -> None:
    rows: dict[Any, tuple[str, list[Cell]]] = {}  # row element → (group, cells); lxml elements hash by identity
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
    # Rows come out in document order; items placed by the index in their tags, in index order.
    for row, (group, cells) in sorted(rows.items(), key=lambda kv: _item_index(kv[0])):
        _flush(collector, group, cells, row_words[row])
    for group, pending in loose.items():
        if pending:
            _flush(collector, group, pending, _row_words(group, None))


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


# ---------------------------------------------------------------- what a control holds


def control_value(sdt: Any, spec: Field | None) -> Any:
    """What a content control holds: a bool for a checkbox, the picked item's value, the date, or its text."""
    properties = sdt.find(f"{W}sdtPr")
    content = sdt.find(f"{W}sdtContent")
    if properties is None:
        properties = sdt.makeelement(f"{W}sdtPr")
    box = properties.find(f"{W14}checkbox")
    if box is not None:
        checked = box.find(f"{W14}checked")
        return checked is not None and (checked.get(f"{W14}val") or "").lower() in _TRUE_VALS
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


def _read_tables_by_label(body: Any, collector: Collector) -> None:
    for table in body.iter(f"{W}tbl"):
        rows = _rows(table)
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
