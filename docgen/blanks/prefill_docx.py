"""Answers written into a generated Word form, as if typed into its own controls.

A pre-filled form stays a normal form: each control shows its answer the way Word stores a typed
or picked one (placeholder flag cleared, a date picker's ``w:fullDate``, a list's shown words, a tick
box's state), so it reads back to exactly the answers written.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from docgen.record import Record, get
from docgen.schema import Catalogue

__all__ = ["fill_docx_answers", "note_beside_docx"]

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TICKED, UNTICKED = "☒", "☐"
NOTE_COLOUR = "1F4E79"


def _uk(value: str) -> str:
    return dt.date.fromisoformat(value).strftime("%d/%m/%Y")


# ---------------------------------------------------------------- Word


def _tag(sdt: Any) -> str:
    tag = sdt.find(qn("w:sdtPr")).find(qn("w:tag"))
    return "" if tag is None else str(tag.get(qn("w:val")))


def _show(sdt: Any, text: str, *, prompt_style: bool = False) -> None:
    """What the control shows: one run, lines split by breaks; the placeholder's grey style goes unless ``prompt_style``."""
    content = sdt.find(qn("w:sdtContent"))
    runs = list(content.iter(qn("w:r")))
    run_properties = copy.deepcopy(runs[0].find(qn("w:rPr"))) if runs else None
    for run in runs:
        run.getparent().remove(run)
    run = OxmlElement("w:r")
    if run_properties is not None:
        if not prompt_style:
            for element in [*run_properties.findall(qn("w:rStyle")), *run_properties.findall(qn("w:color"))]:
                run_properties.remove(element)
        run.append(run_properties)
    for number, line in enumerate(text.split("\n")):
        if number:
            run.append(OxmlElement("w:br"))
        piece = OxmlElement("w:t")
        piece.set(XML_SPACE, "preserve")
        piece.text = line
        run.append(piece)
    content.append(run)


def _answer_control(sdt: Any, value: Any) -> None:
    """Puts ``value`` into one control as a person would: typed, picked from the calendar or list, or ticked."""
    properties = sdt.find(qn("w:sdtPr"))
    box = properties.find(f"{{{W14}}}checkbox")
    if box is not None:
        box.find(f"{{{W14}}}checked").set(f"{{{W14}}}val", "1" if value else "0")
        _show(sdt, TICKED if value else UNTICKED, prompt_style=True)
        return
    for shown in properties.findall(qn("w:showingPlcHdr")):
        properties.remove(shown)
    date, choices = properties.find(qn("w:date")), properties.find(qn("w:dropDownList"))
    if date is not None:
        date.set(qn("w:fullDate"), f"{value}T00:00:00Z")
        _show(sdt, _uk(str(value)))
    elif choices is not None:
        wanted = ("Yes" if value else "No") if isinstance(value, bool) else str(value)
        items = [i for i in choices.iter(qn("w:listItem")) if i.get(qn("w:value")) == wanted]
        choices.set(qn("w:lastValue"), wanted)
        _show(sdt, items[0].get(qn("w:displayText")) if items else wanted)
    else:
        _show(sdt, str(value))


def _rows_of(controls: dict[str, list[Any]], group: str, first_path: str) -> list[Any]:
    """The table rows holding a group's controls, in document order."""
    if first_path not in controls:
        return []
    table = next(a for a in controls[first_path][0].iterancestors() if a.tag == qn("w:tbl"))
    return [tr for tr in table.iter(qn("w:tr")) if any(_tag(s).startswith(group + ".") for s in tr.iter(qn("w:sdt")))]


def fill_docx_answers(document: DocumentObject, record: Record, catalogue: Catalogue) -> None:
    """Writes ``record`` into a generated Word form's controls; a group with more items than rows gets rows added."""
    controls: dict[str, list[Any]] = {}
    for sdt in document.element.body.iter(qn("w:sdt")):
        controls.setdefault(_tag(sdt), []).append(sdt)
    for spec in catalogue.fields:
        value = get(record, spec.path)
        if value is not None and spec.path in controls and spec.path != "form_version":
            _answer_control(controls[spec.path][0], value)
    for group in catalogue.groups:
        items = [i for i in record.get(group.name) or [] if isinstance(i, dict)]
        rows = _rows_of(controls, group.name, group.fields[0].path)
        if not items or not rows:
            continue
        ids = 900_000 + 1000 * len(rows)
        while len(rows) < len(items):  # as Word's "Insert row below": the last row again, its controls given ids of their own
            extra = copy.deepcopy(rows[-1])
            for sdt_id in extra.iter(qn("w:id")):
                ids += 1
                sdt_id.set(qn("w:val"), str(ids))
            rows[-1].addnext(extra)
            rows.append(extra)
        for row, item in zip(rows, items, strict=False):
            cells = {_tag(s): s for s in row.iter(qn("w:sdt"))}
            for spec in group.fields:
                if item.get(spec.name) is not None and spec.path in cells:
                    _answer_control(cells[spec.path], item[spec.name])


def note_beside_docx(document: DocumentObject, path: str, note: str) -> None:
    """A line of grey guidance under the label of ``path``'s control (text, not a control: it is never read back)."""
    control = next((s for s in document.element.body.iter(qn("w:sdt")) if _tag(s) == path), None)
    row = next((a for a in control.iterancestors() if a.tag == qn("w:tr")), None) if control is not None else None
    if row is None:
        return
    paragraph, run, properties, piece = OxmlElement("w:p"), OxmlElement("w:r"), OxmlElement("w:rPr"), OxmlElement("w:t")
    for tag, value in (("w:i", None), ("w:color", NOTE_COLOUR), ("w:sz", "16")):
        element = OxmlElement(tag)
        if value:
            element.set(qn("w:val"), value)
        properties.append(element)
    piece.set(XML_SPACE, "preserve")
    piece.text = note
    run.append(properties)
    run.append(piece)
    paragraph.append(run)
    row.find(qn("w:tc")).append(paragraph)
