"""Forms built only from DESIGN.md's contract — a control per field in Word, defined names or column A in Excel — read back to exactly the record put in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from docgen.forms import read_form
from docgen.record import clean
from docgen.schema import Field
from tests.forms.builders import cell, checkbox, date_control, dropdown, para, row, run, table, text_control, write_docx
from tests.shipped import fields, groups

RECORDS = sorted((Path(__file__).resolve().parent.parent / "records").glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    import json

    return clean(json.loads(path.read_text(encoding="utf-8")))


def _value(record: dict[str, Any], spec: Field) -> Any:
    section, _, name = spec.path.rpartition(".")
    holder = record.get(section, {}) if section else record
    return holder.get(name)


def _control(spec: Field, value: Any, *, in_row: bool = False) -> str:
    tag = spec.path
    if value is None:
        return text_control(tag, "Click or tap here to enter text.", placeholder=True)
    if spec.type == "date":
        return date_control(tag, dt.date.fromisoformat(value).strftime("%d/%m/%Y"), value)
    if spec.type == "enum":
        items = list(zip(spec.enum_titles, spec.enum, strict=True))
        return dropdown(tag, dict(zip(spec.enum, spec.enum_titles, strict=True))[value], items)
    if spec.type == "boolean":
        # rows use Yes/No lists so "not answered" differs from "No"; single fields use tick boxes
        return dropdown(tag, "Yes" if value else "No", [("Yes", "Yes"), ("No", "No")]) if in_row else checkbox(tag, value)
    return text_control(tag, str(value))


def _docx_form(record: dict[str, Any], path: Path) -> Path:
    parts = []
    for spec in fields():
        value = _value(record, spec)
        if spec.type == "boolean" and value is None:
            continue  # an unticked box means No: leave it off the form when the record says nothing
        parts.append(para(run(f"{spec.title}: "), _control(spec, value)))
    for group in groups():
        items = record.get(group.name, [])
        header = row(*(cell(run(f.title)) for f in group.fields))
        rows = [row(*(cell(_control(f, item.get(f.name), in_row=True)) for f in group.fields)) for item in items]
        spare = row(*(cell(text_control(f.path, "Enter", placeholder=True)) for f in group.fields))
        parts.append(para(run(group.title)) + table(header, *rows, spare))
    return write_docx(path, "".join(parts))


@pytest.mark.parametrize("source", RECORDS, ids=lambda p: p.stem)
def test_word_form_with_a_control_per_field(source: Path, tmp_path: Path) -> None:
    record = _load(source)
    form = read_form(_docx_form(record, tmp_path / "contract.docx"))
    assert form.problems == []
    assert form.record == record


def _cell_value(spec: Field, value: Any) -> Any:
    if value is None:
        return None
    if spec.type == "date":
        return dt.datetime.fromisoformat(value)
    if spec.type == "enum":
        return dict(zip(spec.enum, spec.enum_titles, strict=True))[value]
    if spec.type == "boolean":
        return "Yes" if value else "No"
    return value


def _xlsx_form(record: dict[str, Any], path: Path, *, names: bool) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Meeting"
    sheet.append(["Field", "Answer"])
    for number, spec in enumerate(fields(), start=2):
        sheet.cell(number, 1, spec.path if names else spec.title)
        sheet.cell(number, 2, _cell_value(spec, _value(record, spec)))
        if names:
            workbook.defined_names[spec.path] = DefinedName(spec.path, attr_text=f"Meeting!$B${number}")
    for group in groups():
        group_sheet = workbook.create_sheet(group.name if names else group.title)
        group_sheet.append([f.name if names else f.title for f in group.fields])
        for item in record.get(group.name, []):
            group_sheet.append([_cell_value(f, item.get(f.name)) for f in group.fields])
        group_sheet.append([None] * len(group.fields))
    workbook.save(path)
    return path


@pytest.mark.parametrize("names", [True, False], ids=["defined-names", "titles-in-column-a"])
@pytest.mark.parametrize("source", RECORDS, ids=lambda p: p.stem)
def test_excel_form(source: Path, names: bool, tmp_path: Path) -> None:
    record = _load(source)
    form = read_form(_xlsx_form(record, tmp_path / "contract.xlsx", names=names))
    assert form.problems == []
    assert form.record == record
    assert form.locations["meeting.date"] == f"Meeting!B{[f.path for f in fields()].index('meeting.date') + 2}"
