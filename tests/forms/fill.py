"""Filling a blank Word form from `docgen forms` through its own controls, as a person would in Word."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from tests.shipped import field

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _answer(record: dict[str, Any], tag: str, row: int | None) -> Any:
    spec = field(tag)
    if spec is None:
        return None
    if spec.group is not None:
        items = record.get(spec.group, [])
        return items[row].get(spec.name) if row is not None and row < len(items) else None
    section, _, name = tag.rpartition(".")
    holder = record.get(section, {}) if section else record
    return holder.get(name)


def _shown(tag: str, value: Any) -> str:
    spec = field(tag)
    assert spec is not None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if spec.type == "enum":
        return dict(zip(spec.enum, spec.enum_titles, strict=True))[value]
    if spec.type == "date":
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def fill_docx(blank: Path, record: dict[str, Any], out: Path) -> Path:
    """A copy of ``blank`` with every control whose field ``record`` answers filled in (group rows in order)."""
    with zipfile.ZipFile(blank) as source:
        root = etree.fromstring(source.read("word/document.xml"))
        rows: dict[str, list[Any]] = {}  # group → its row elements in order (kept alive so lxml keeps one proxy each)
        for sdt in root.iter(_w("sdt")):
            tag_element = sdt.find(f"{_w('sdtPr')}/{_w('tag')}")
            if tag_element is None:
                continue
            tag = tag_element.get(_w("val"))
            spec = field(tag)
            if spec is None:
                continue
            row = None
            if spec.group:
                tr = next(a for a in sdt.iterancestors() if a.tag == _w("tr"))
                seen = rows.setdefault(spec.group, [])
                if tr not in seen:
                    seen.append(tr)
                row = seen.index(tr)
            value = _answer(record, tag, row)
            if value is None:
                continue
            properties = sdt.find(_w("sdtPr"))
            box = properties.find(f"{{{W14}}}checkbox")
            texts = list(sdt.iter(_w("t")))
            if box is not None:
                box.find(f"{{{W14}}}checked").set(f"{{{W14}}}val", "1" if value else "0")
                texts[0].text = "☒" if value else "☐"
                continue
            placeholder = properties.find(_w("showingPlcHdr"))
            if placeholder is not None:
                properties.remove(placeholder)
            for style in sdt.iter(_w("rStyle")):
                style.getparent().remove(style)
            shown = _shown(tag, value)
            date = properties.find(_w("date"))
            if date is not None:
                date.set(_w("fullDate"), f"{value}T00:00:00Z")
            lines = shown.split("\n")
            texts[0].text = lines[0]
            run = texts[0].getparent()
            for line in lines[1:]:
                etree.SubElement(run, _w("br"))
                etree.SubElement(run, _w("t")).text = line
        _save(source, root, out)
    return out


def add_row_without_controls(
    form: Path, tag: str, typed: list[str], out: Path, *, below: int = -1, above: int | None = None, spans: list[int] | None = None
) -> Path:
    """A copy of ``form`` with a row typed into the table of ``tag`` controls, as Word adds one on Tab in the last cell.

    Word copies the cell formatting of the row above (``below``, by default the last) but none of its
    controls; with ``above`` the row goes before that row instead, copying it, as Insert Rows Above does.
    ``typed`` goes into the new cells in turn. ``spans`` merges cells first, as Merge Cells does:
    ``[3, 1, ...]`` makes the first cell cover three columns.
    """
    with zipfile.ZipFile(form) as source:
        root = etree.fromstring(source.read("word/document.xml"))
        table = next(t for t in root.iter(_w("tbl")) if t.find(f".//{_w('tag')}[@{_w('val')}='{tag}']") is not None)
        copied = table.findall(_w("tr"))[below if above is None else above]
        added = etree.fromstring(etree.tostring(copied))
        cells = added.findall(_w("tc"))
        for cell in cells:
            for child in list(cell):
                if child.tag != _w("tcPr"):
                    cell.remove(child)
        if spans:
            kept = []
            for span in spans:
                first, rest = cells[0], cells[1:span]
                cells = cells[span:]
                for extra in rest:
                    added.remove(extra)
                if span > 1:
                    merged = etree.Element(_w("gridSpan"), {_w("val"): str(span)})
                    first.find(f"{_w('tcPr')}/{_w('tcW')}").addnext(merged)
                kept.append(first)
            cells = kept
        for cell, text in zip(cells, typed, strict=False):
            paragraph = etree.SubElement(cell, _w("p"))
            if text:
                etree.SubElement(etree.SubElement(paragraph, _w("r")), _w("t")).text = text
        for cell in cells[len(typed) :]:
            etree.SubElement(cell, _w("p"))
        if above is None:
            copied.addnext(added)
        else:
            copied.addprevious(added)
        _save(source, root, out)
    return out


def _save(source: zipfile.ZipFile, document: Any, out: Path) -> None:
    """Writes ``source`` to ``out`` with ``document`` as its main part."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = (
                etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
                if item.filename == "word/document.xml"
                else source.read(item)
            )
            target.writestr(item, data)
