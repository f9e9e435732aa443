"""Fills a blank generated form the way a person would: through its own content controls, defined names and group sheets.

Word: each control tagged with a field path gets its answer as Word would store it after a
person typed or picked it (placeholder flag cleared, a date picker's ``w:fullDate`` and the
date shown, a dropdown's shown text, a tick box's state); a table with too few spare rows gets
a copy of its last row, as "Insert row below" does. Excel: the cell a defined name points at,
and the rows of each group sheet under its header of the fields' titles.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from docgen.profiles import shipped
from docgen.schema import Catalogue, Field
from tests.shipped import groups

__all__ = ["as_form_answers", "checkbox_paths", "fill_docx", "fill_xlsx"]

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
TICKED, UNTICKED = "☒", "☐"


def checkbox_paths(form_path: Path) -> set[str]:
    """The field paths a Word form asks for with a tick box (``group.field`` inside groups)."""
    document = Document(str(form_path))
    return {
        sdt.find(qn("w:sdtPr")).find(qn("w:tag")).get(qn("w:val"))
        for sdt in document.element.body.iter(qn("w:sdt"))
        if sdt.find(qn("w:sdtPr")).find(f"{{{W14}}}checkbox") is not None
    }


def as_form_answers(record: dict[str, Any], ticked_boxes: set[str]) -> dict[str, Any]:
    """``record`` as a form with tick boxes holds it: a box left unticked answers No, it cannot say "not answered"."""
    out = copy.deepcopy(record)
    for path in ticked_boxes:
        head, _, name = path.partition(".")
        if head in {g.name for g in groups()}:
            for item in out.get(head, []):
                item.setdefault(name, False)
        else:
            out.setdefault(head, {}).setdefault(name, False)
    return out


# ---------------------------------------------------------------- Word


def fill_docx(blank: Path, record: dict[str, Any], out: Path, catalogue: Catalogue | None = None) -> Path:
    """Fills the blank Word form ``blank`` with ``record`` through its controls and saves it as ``out``.

    ``catalogue``: the fields the form was made with (a council's own included); the shipped profiles' without.
    """
    catalogue = catalogue or shipped().reading_catalogue()
    document = Document(str(blank))
    body = document.element.body
    controls: dict[str, list[Any]] = {}
    for sdt in body.iter(qn("w:sdt")):
        controls.setdefault(_tag(sdt), []).append(sdt)

    for spec in catalogue.fields:
        value = _get(record, spec.path)
        if value is not None and spec.path != "form_version":
            (only,) = controls[spec.path]
            _set_control(only, value, spec)

    for group in catalogue.groups:
        items = record.get(group.name) or []
        if not items:
            continue
        first = controls[group.fields[0].path][0]
        table = _ancestor(first, "w:tbl")
        rows = [tr for tr in table.iter(qn("w:tr")) if any(_tag(s).startswith(group.name + ".") for s in tr.iter(qn("w:sdt")))]
        while len(rows) < len(items):
            extra = copy.deepcopy(rows[-1])
            for number, sdt_id in enumerate(extra.iter(qn("w:id")), start=len(rows) * 1000 + 900_000):
                sdt_id.set(qn("w:val"), str(number))  # Word gives pasted controls ids of their own
            rows[-1].addnext(extra)
            rows.append(extra)
        for row, item in zip(rows, items, strict=False):
            cells = {_tag(s): s for s in row.iter(qn("w:sdt"))}
            for spec in group.fields:
                if item.get(spec.name) is not None:
                    _set_control(cells[spec.path], item[spec.name], spec)
    document.save(str(out))
    return out


def _tag(sdt: Any) -> str:
    tag = sdt.find(qn("w:sdtPr")).find(qn("w:tag"))
    return "" if tag is None else str(tag.get(qn("w:val")))


def _ancestor(element: Any, tag: str) -> Any:
    return next(a for a in element.iterancestors() if a.tag == qn(tag))


def _get(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _set_control(sdt: Any, value: Any, spec: Field) -> None:
    properties = sdt.find(qn("w:sdtPr"))
    box = properties.find(f"{{{W14}}}checkbox")
    if box is not None:
        box.find(f"{{{W14}}}checked").set(f"{{{W14}}}val", "1" if value else "0")
        _shown(sdt, TICKED if value else UNTICKED, keep_format=True)
        return
    placeholder = properties.find(qn("w:showingPlcHdr"))
    if placeholder is not None:
        properties.remove(placeholder)
    date = properties.find(qn("w:date"))
    choices = properties.find(qn("w:dropDownList"))
    if date is not None:
        date.set(qn("w:fullDate"), f"{value}T00:00:00Z")
        _shown(sdt, dt.date.fromisoformat(value).strftime("%d/%m/%Y"))
    elif choices is not None:
        wanted = ("Yes" if value else "No") if isinstance(value, bool) else str(value)
        (item,) = [i for i in choices.iter(qn("w:listItem")) if i.get(qn("w:value")) == wanted]
        choices.set(qn("w:lastValue"), wanted)  # Word records the picked item's value here too
        _shown(sdt, item.get(qn("w:displayText")))
    else:
        _shown(sdt, str(value))


def _shown(sdt: Any, text: str, *, keep_format: bool = False) -> None:
    """Replaces what the control shows with ``text``: one run, lines split by breaks, as Word stores typed text."""
    content = sdt.find(qn("w:sdtContent"))
    old_runs = list(content.iter(qn("w:r")))
    run_properties = copy.deepcopy(old_runs[0].find(qn("w:rPr"))) if old_runs else None
    for run in old_runs:
        run.getparent().remove(run)
    run = content.makeelement(qn("w:r"), {})
    if run_properties is not None:
        if not keep_format:
            for prompt_only in (qn("w:rStyle"), qn("w:color")):
                for element in run_properties.findall(prompt_only):
                    run_properties.remove(element)
        run.append(run_properties)
    for number, line in enumerate(text.split("\n")):
        if number:
            run.append(run.makeelement(qn("w:br"), {}))
        t = run.makeelement(qn("w:t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
        t.text = line
        run.append(t)
    content.append(run)


# ---------------------------------------------------------------- Excel


def fill_xlsx(blank: Path, record: dict[str, Any], out: Path, catalogue: Catalogue | None = None) -> Path:
    """Fills the blank Excel form ``blank`` with ``record``: defined-name cells and group sheet rows, then saves ``out``.

    ``catalogue``: the fields the form was made with (a council's own included); the shipped profiles' without.
    """
    catalogue = catalogue or shipped().reading_catalogue()
    workbook = load_workbook(blank)
    for spec in catalogue.fields:
        value = _get(record, spec.path)
        if value is None or spec.path == "form_version":
            continue
        ((sheet, coordinate),) = list(workbook.defined_names[spec.path].destinations)
        workbook[sheet.strip("'")][coordinate.replace("$", "")].value = _typed(spec, value)
    for group in catalogue.groups:
        items = record.get(group.name) or []
        if not items:
            continue
        sheet = workbook[group.name]
        columns = {str(cell.value).removesuffix(" *"): cell.column for cell in sheet[1]}  # headed by the fields' titles
        for number, item in enumerate(items, start=2):
            for spec in group.fields:
                if item.get(spec.name) is not None:
                    sheet.cell(number, columns[spec.title]).value = _typed(spec, item[spec.name])
    workbook.save(out)
    return out


def _typed(spec: Field, value: Any) -> Any:
    """What a person enters in a cell: a real date, the choice's words from the dropdown, Yes or No, a number, text."""
    if spec.type == "date":
        return dt.date.fromisoformat(value)
    if spec.type == "enum":
        return dict(zip(spec.enum, spec.enum_titles, strict=True))[value]
    if spec.type == "boolean":
        return "Yes" if value else "No"
    return value
