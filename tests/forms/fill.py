"""Filling a blank Word form from `docgen forms` through its own controls, as a person would in Word."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from docgen.schema import field

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
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = (
                    etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                    if item.filename == "word/document.xml"
                    else source.read(item)
                )
                target.writestr(item, data)
    return out
