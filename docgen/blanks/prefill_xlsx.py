"""Answers written into a generated Excel form's cells, straight into the workbook's XML.

A form's answer cells are already there (styled, validated) in the blank form, so pre-filling is setting
their values: text as inline strings (never a formula), dates as date serials in their date-formatted
cells, numbers as numbers. Working on the XML keeps everything else of the blank form byte for byte and
is several times quicker than loading and saving the workbook with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter

from docgen.forms import labels
from docgen.record import Record, get
from docgen.schema import Catalogue, Field

__all__ = ["fill_xlsx_bytes"]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_REF = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _m(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"






class _Book:
    """The parts of an .xlsx package that pre-filling reads and changes."""

    def __init__(self, data: bytes) -> None:
        self.parts: dict[str, bytes] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            self.names = package.namelist()
            self.parts = {name: package.read(name) for name in self.names}
        workbook = etree.fromstring(self.parts["xl/workbook.xml"], _PARSER)
        rels = etree.fromstring(self.parts["xl/_rels/workbook.xml.rels"], _PARSER)
        targets = {r.get("Id"): r.get("Target").lstrip("/") for r in rels.iter(f"{{{PACKAGE_REL}}}Relationship")}
        self.sheet_parts = {}
        for sheet in workbook.iter(_m("sheet")):
            target = targets[sheet.get(f"{{{REL}}}id")]
            self.sheet_parts[sheet.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
        self.defined: dict[str, tuple[str, str]] = {}
        for name in workbook.iter(_m("definedName")):
            sheet, _, where = (name.text or "").rpartition("!")
            self.defined[str(name.get("name"))] = (sheet.strip("'"), where.replace("$", ""))
        shared = self.parts.get("xl/sharedStrings.xml")
        self.strings = ["".join(si.itertext()) for si in etree.fromstring(shared, _PARSER).iter(_m("si"))] if shared else []
        self.sheets: dict[str, Any] = {}

    def sheet(self, name: str) -> Any:
        if name not in self.sheets:
            self.sheets[name] = etree.fromstring(self.parts[self.sheet_parts[name]], _PARSER)
        return self.sheets[name]

    def cell(self, sheet_name: str, ref: str) -> Any:
        """The ``c`` element at ``ref`` (created in order, with its row, where the blank form has none)."""
        letters, row_number = _REF.match(ref).groups()  # type: ignore[union-attr]
        data = self.sheet(sheet_name).find(_m("sheetData"))
        row = next((r for r in data.iter(_m("row")) if r.get("r") == row_number), None)
        if row is None:
            row = etree.Element(_m("row"), r=row_number)
            later = next((r for r in data.iter(_m("row")) if int(r.get("r")) > int(row_number)), None)
            later.addprevious(row) if later is not None else data.append(row)
        cell = next((c for c in row.iter(_m("c")) if c.get("r") == f"{letters}{row_number}"), None)
        if cell is None:
            cell = etree.Element(_m("c"), r=f"{letters}{row_number}")
            later = next((c for c in row.iter(_m("c")) if column_index_from_string(_REF.match(c.get("r")).group(1)) > column_index_from_string(letters)), None)  # type: ignore[union-attr]
            later.addprevious(cell) if later is not None else row.append(cell)
        return cell

    def text_of(self, cell: Any) -> str:
        if cell.get("t") == "s":
            value = cell.find(_m("v"))
            return self.strings[int(value.text)] if value is not None and value.text else ""
        return "".join(cell.itertext())

    def save(self) -> bytes:
        for name, root in self.sheets.items():
            self.parts[self.sheet_parts[name]] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name in self.names:
                package.writestr(name, self.parts[name])
        return out.getvalue()


def _set(cell: Any, value: Any) -> None:
    """A cell's answer: a number, or text as an inline string (so text is never read as a formula)."""
    for child in list(cell):
        cell.remove(child)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.attrib.pop("t", None)
        etree.SubElement(cell, _m("v")).text = str(value)
        return
    cell.set("t", "inlineStr")
    text = etree.SubElement(etree.SubElement(cell, _m("is")), _m("t"))
    text.set(XML_SPACE, "preserve")
    text.text = str(value)


def _typed(spec: Field, value: Any) -> Any:
    """What the cell holds: a date serial, the list's words, Yes or No, a number, or text."""
    if spec.type == "date":
        return (dt.date.fromisoformat(str(value)) - _EXCEL_EPOCH).days
    if spec.type == "enum":
        return dict(zip(spec.enum, spec.enum_titles, strict=True)).get(value, value)
    if spec.type == "boolean":
        return "Yes" if value else "No"
    return value


def fill_xlsx_bytes(blank: bytes, record: Record, catalogue: Catalogue, notes: dict[str, str] | None = None) -> bytes:
    """The generated Excel form ``blank`` with ``record`` in its named cells and group sheets, and ``notes`` beside named cells."""
    book = _Book(blank)
    for spec in catalogue.fields:
        value = get(record, spec.path)
        if value is not None and spec.path in book.defined and spec.path != "form_version":
            _set(book.cell(*book.defined[spec.path]), _typed(spec, value))
    for group in catalogue.groups:
        items = [i for i in record.get(group.name) or [] if isinstance(i, dict)]
        if not items or group.name not in book.sheet_parts:
            continue
        header = book.sheet(group.name).find(f"{_m('sheetData')}/{_m('row')}")
        columns: dict[str, str] = {}
        for cell in header.iter(_m("c")) if header is not None else ():
            named = labels.group_field(catalogue, group.name, book.text_of(cell))
            if named is not None:
                columns.setdefault(named.name, _REF.match(cell.get("r")).group(1))  # type: ignore[union-attr]
        for number, item in enumerate(items, start=2):
            for spec in group.fields:
                if item.get(spec.name) is not None and spec.name in columns:
                    _set(book.cell(group.name, f"{columns[spec.name]}{number}"), _typed(spec, item[spec.name]))
    for path, note in (notes or {}).items():
        if path in book.defined:
            _note_beside(book, *book.defined[path], note)
    return book.save()


def _note_beside(book: _Book, sheet: str, ref: str, note: str) -> None:
    """``note`` after the guidance in the answer's row (the sheet's "Guidance" column), else in the row's first free cell."""
    row = book.cell(sheet, ref).getparent()
    header = book.sheet(sheet).find(f"{_m('sheetData')}/{_m('row')}")
    guidance = next((c for c in (header if header is not None else ()) if book.text_of(c).strip().lower() == "guidance"), None)
    if guidance is not None:
        cell = book.cell(sheet, f"{_REF.match(guidance.get('r')).group(1)}{row.get('r')}")  # type: ignore[union-attr]
        _set(cell, f"{book.text_of(cell)} {note}".strip())
        return
    used = [column_index_from_string(_REF.match(c.get("r")).group(1)) for c in row.iter(_m("c")) if len(c)]  # type: ignore[union-attr]
    _set(book.cell(sheet, f"{get_column_letter(max(used) + 1)}{row.get('r')}"), note)
