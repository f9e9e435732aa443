"""The blank Word meeting form, generated from the schema: every field a content control tagged with its path.

Single fields sit in two-column tables, the field's title beside its control (so a form whose
tags were lost, as LibreOffice loses them, can still be read by label). Repeating groups are
tables with a header row of titles and spare rows of cell controls tagged ``group.field``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell

from docgen.blanks.form_layout import Section, answer_kind, hint, layout, required_paths, spare_rows
from docgen.profiles import Profiles, shipped
from docgen.schema import Field, Group, schema_version

__all__ = ["DATE_FORMAT", "FORM_TITLE", "build_docx_form", "write_docx_form"]

FORM_TITLE = "Child in Need meeting form"
DATE_FORMAT = "dd/MM/yyyy"  # Word's picture for UK dates
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
BALLOT_BOX, BALLOT_BOX_CHECKED = "2610", "2612"  # ☐ and ☒, as Word's own tick boxes use
CHECKBOX_FONT = "MS Gothic"

GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_SHADE = "D9E2F3"
PLACEHOLDER_STYLE = "Placeholder Text"
PLACEHOLDER_COLOUR = "808080"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN, LANDSCAPE_MARGIN = Cm(21.0), Cm(29.7), Cm(1.6), Cm(1.0)
LABEL_WIDTH = Cm(6.2)
#: table headings in this size of bold: about this much per character (wide fonts such as DejaVu Sans included), plus the cell's margins
HEADING_PT, HEADING_CHAR_CM, HEADING_CELL_PADDING_CM = 7.5, 0.18, 0.3
GROUP_CELL_MARGIN_TWIPS = 57  # 0.1 cm each side (Word's default is 0.19 cm): room for fifteen columns on a page

INTRO = (
    "Use this form to record a Child in Need planning meeting. Click in a grey box and type, pick dates "
    "from the calendar (dd/mm/yyyy) and choose answers from the lists. Fields marked * are required.",
    "The questions come first; the tables follow on landscape pages. "
    "In the tables add one row per child, person, objective, action and service; leave spare rows blank. "
    "Give each child a short ID (C1, C2...) and each objective an ID (O1, O2...): objectives name the "
    "children they are for, and actions name their objective.",
    "Save the completed form as a Word document (.docx) and put it in the inbox folder. "
    "Do not change the form version: it tells docgen which blank form you used.",
)


def write_docx_form(path: Path, policy: str | None = None, *, profiles: Profiles | None = None) -> Path:
    """Writes the blank Word form to ``path`` (marking ``policy``'s extra required fields) and returns the path."""
    build_docx_form(policy, profiles=profiles).save(str(path))
    return path


def build_docx_form(policy: str | None = None, *, profiles: Profiles | None = None) -> DocumentObject:
    """The blank Word form as a python-docx document; with ``policy`` that council is preselected (``profiles``: the root's, else the shipped ones)."""
    profiles = profiles or shipped()
    if policy:
        profiles.load(policy)  # an unknown council is a clear error before anything is built
    document = Document()
    _set_up(document, profiles.load(policy).title if policy else "")
    builder = _Builder(document, required_paths(profiles, policy), policy, tuple(profiles.available()))
    document.add_paragraph(FORM_TITLE, style="Title")
    for text in INTRO:
        document.add_paragraph(text)
    parts = layout(profiles, policy)
    # the questions first, on portrait pages, then every table together on landscape pages: each change of
    # orientation starts a new page, and switching back and forth left pages nearly empty
    for section in (p for p in parts if isinstance(p, Section)):
        builder.section(section)
    for group in (p for p in parts if isinstance(p, Group)):
        builder.group(group)
    return document


def _set_up(document: DocumentObject, council_title: str) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    placeholder = document.styles.add_style(PLACEHOLDER_STYLE, WD_STYLE_TYPE.CHARACTER)
    placeholder.font.color.rgb = RGBColor.from_string(PLACEHOLDER_COLOUR)
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    footer = section.footer.paragraphs[0]
    council = f" · {council_title}" if council_title else ""
    run = footer.add_run(f"{FORM_TITLE} · form version {schema_version()}{council}")
    run.font.size = Pt(8)
    run.font.color.rgb = GREY


class _Builder:
    """Appends sections and group tables to the document, numbering controls as it goes."""

    def __init__(self, document: DocumentObject, required: frozenset[str], policy: str | None, councils: tuple[str, ...]) -> None:
        self.document = document
        self.required = required
        self.policy = policy
        self.councils = councils  # the profiles a form may name
        self.ids: Iterator[int] = itertools.count(1000)
        self.landscape = False

    def section(self, section: Section) -> None:
        """A heading and a label | control table for one object's single fields."""
        self._orient(landscape=False)
        self.document.add_heading(section.title, level=1)
        table = self._table(len(section.fields), 2, [LABEL_WIDTH, self._usable_width() - LABEL_WIDTH])
        for row, field in zip(table.rows, section.fields, strict=True):
            _keep_row_on_one_page(row._tr)  # a question's "Required." never lands alone on the next page
            required = field.path in self.required
            self._label(row.cells[0], field, required)
            row.cells[1].paragraphs[0]._p.append(self._field_control(field, required))

    def group(self, group: Group) -> None:
        """A heading, a table with a header row of titles and spare rows of cell controls, then column guidance."""
        self._orient(landscape=True)
        self.document.add_heading(group.title, level=1)
        intro = self.document.add_paragraph(group.description)
        intro.paragraph_format.space_after = Pt(4)
        widths = _column_widths(group.fields, self._usable_width(), self.required)
        table = self._table(1 + spare_rows(group), len(group.fields), widths)
        margins = _sub(table._tbl.tblPr, "w:tblCellMar")
        for side in ("w:left", "w:right"):
            _sub(margins, side, {"w:w": str(GROUP_CELL_MARGIN_TWIPS), "w:type": "dxa"})
        header = table.rows[0]
        _repeat_as_header(header._tr)
        for cell, field in zip(header.cells, group.fields, strict=True):
            _shade(cell, HEADER_SHADE)
            # a no-break space keeps the required mark on its word's line: never a lone "*"
            run = cell.paragraphs[0].add_run(field.title + ("\u00a0*" if field.path in self.required else ""))
            run.bold = True
            run.font.size = Pt(HEADING_PT)
        for row in table.rows[1:]:
            for cell, field in zip(row.cells, group.fields, strict=True):
                required = field.path in self.required
                placeholder = {"date": "dd/mm/yyyy", "choice": "Choose", "yes_no": "Yes/No"}.get(answer_kind(field, required), "")
                cell.paragraphs[0]._p.append(self._control(field, required, placeholder=placeholder or "Enter", size=8))
        for field in group.fields:
            guidance = self.document.add_paragraph()
            guidance.paragraph_format.space_after = Pt(0)
            title = guidance.add_run(f"{field.title}: ")
            title.bold = True
            _small_grey(title)
            _small_grey(guidance.add_run(" ".join(p for p in (field.description, hint(field, field.path in self.required)) if p)))

    # ---------------------------------------------------------------- controls

    def _field_control(self, field: Field, required: bool) -> Any:
        if field.path == "form_version":
            return self._control(field, required, text=schema_version(), locked=True)
        if field.path == "policy":
            return self._choice_control(field, [(p, p) for p in self.councils], text=self.policy)
        return self._control(field, required, placeholder=field.description or f"Enter {field.title.lower()}.")

    def _control(
        self, field: Field, required: bool, *, placeholder: str = "", text: str | None = None, locked: bool = False, size: int | None = None
    ) -> Any:
        kind = answer_kind(field, required)
        if kind == "choice":
            return self._choice_control(field, list(zip(field.enum_titles, field.enum, strict=True)), placeholder=placeholder, size=size)
        if kind == "yes_no":
            return self._choice_control(field, [("Yes", "Yes"), ("No", "No")], placeholder=placeholder, size=size)
        if kind == "checkbox":
            return self._checkbox(field, size=size)
        sdt, properties = self._sdt(field, size=size, locked=locked, placeholder_shown=text is None)
        if kind == "date":
            date = _sub(properties, "w:date")
            _sub(date, "w:dateFormat", {"w:val": DATE_FORMAT})
            _sub(date, "w:lid", {"w:val": "en-GB"})
            _sub(date, "w:storeMappedDataAs", {"w:val": "dateTime"})
            _sub(date, "w:calendar", {"w:val": "gregorian"})
        # free text is a rich text control (no type element): it may hold line breaks and keeps its formatting
        self._content(sdt, text, placeholder, size)
        return sdt

    def _choice_control(
        self, field: Field, items: list[tuple[str, str]], *, placeholder: str = "", text: str | None = None, size: int | None = None
    ) -> Any:
        sdt, properties = self._sdt(field, size=size, placeholder_shown=text is None)
        choices = _sub(properties, "w:dropDownList")
        for shown, value in items:
            _sub(choices, "w:listItem", {"w:displayText": shown, "w:value": value})
        self._content(sdt, text, placeholder or "Choose an item.", size)
        return sdt

    def _checkbox(self, field: Field, *, size: int | None = None) -> Any:
        sdt, properties = self._sdt(field, size=size)
        box = _sub(properties, f"{{{W14}}}checkbox")
        _sub(box, f"{{{W14}}}checked", {f"{{{W14}}}val": "0"})
        _sub(box, f"{{{W14}}}checkedState", {f"{{{W14}}}val": BALLOT_BOX_CHECKED, f"{{{W14}}}font": CHECKBOX_FONT})
        _sub(box, f"{{{W14}}}uncheckedState", {f"{{{W14}}}val": BALLOT_BOX, f"{{{W14}}}font": CHECKBOX_FONT})
        run = _sub(_sub(sdt, "w:sdtContent"), "w:r")
        _sub(
            _sub(run, "w:rPr"),
            "w:rFonts",
            {"w:ascii": CHECKBOX_FONT, "w:eastAsia": CHECKBOX_FONT, "w:hAnsi": CHECKBOX_FONT, "w:hint": "eastAsia"},
        )
        _sub(run, "w:t").text = chr(int(BALLOT_BOX, 16))
        return sdt

    def _sdt(self, field: Field, *, size: int | None, locked: bool = False, placeholder_shown: bool = False) -> tuple[Any, Any]:
        sdt = OxmlElement("w:sdt")
        properties = _sub(sdt, "w:sdtPr")
        if size:
            _font_size(_sub(properties, "w:rPr"), size)
        _sub(properties, "w:alias", {"w:val": field.title})
        _sub(properties, "w:tag", {"w:val": field.path})
        _sub(properties, "w:id", {"w:val": str(next(self.ids))})
        if locked:
            _sub(properties, "w:lock", {"w:val": "sdtContentLocked"})
        if placeholder_shown:
            _sub(properties, "w:showingPlcHdr")
        return sdt, properties

    @staticmethod
    def _content(sdt: Any, text: str | None, placeholder: str, size: int | None) -> None:
        run = _sub(_sub(sdt, "w:sdtContent"), "w:r")
        run_properties = _sub(run, "w:rPr")
        if text is None:
            # Word's own convention: the prompt shows in the placeholder style until someone types;
            # the colour is repeated on the run because LibreOffice ignores the style inside controls
            _sub(run_properties, "w:rStyle", {"w:val": "PlaceholderText"})
            _sub(run_properties, "w:color", {"w:val": PLACEHOLDER_COLOUR})
        if size:
            _font_size(run_properties, size)
        _sub(run, "w:t", {"xml:space": "preserve"}).text = placeholder if text is None else text

    # ---------------------------------------------------------------- layout

    def _label(self, cell: _Cell, field: Field, required: bool) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.add_run(field.title + (" *" if required else "")).bold = True
        guidance = hint(field, required)
        if guidance:
            _small_grey(cell.add_paragraph().add_run(guidance))

    def _table(self, rows: int, columns: int, widths: list[Any]) -> Table:
        table = self.document.add_table(rows=rows, cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        self.document.add_paragraph()  # Word merges tables that touch; keep each on its own
        return table

    def _orient(self, *, landscape: bool) -> None:
        if landscape == self.landscape:
            return
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
        section.left_margin = section.right_margin = LANDSCAPE_MARGIN if landscape else MARGIN
        self.landscape = landscape

    def _usable_width(self) -> int:
        if self.landscape:
            return int(PAGE_HEIGHT - 2 * LANDSCAPE_MARGIN)
        return int(PAGE_WIDTH - 2 * MARGIN)


def _column_widths(columns: tuple[Field, ...], total: int, required: frozenset[str]) -> list[Any]:
    """Every column wide enough for the longest word of its heading; the room left goes by weight, free text widest."""
    floors = [_heading_floor(f, f.path in required) for f in columns]
    spare = total - sum(floors)
    if spare <= 0:  # more columns than a page holds: share it out by the headings alone
        return [int(total * f / sum(floors)) for f in floors]
    weights = _column_weights(columns)
    return [int(floor + spare * w / sum(weights)) for floor, w in zip(floors, weights, strict=True)]


def _heading_floor(field: Field, required: bool) -> int:
    """The width (EMU) the heading's longest word needs in bold, so Word never breaks it mid-word ("Contributio n")."""
    words = [part for word in (field.title + ("\u00a0*" if required else "")).split(" ") for part in word.split("-")]
    longest = max(len(w) + 1 for w in words)
    if field.type == "date":
        longest = max(longest, len("30/08/2019"))  # a date reads on one line
    return int(Cm(HEADING_CELL_PADDING_CM + HEADING_CHAR_CM * longest))


def _column_weights(columns: tuple[Field, ...]) -> list[float]:
    """Narrow columns for IDs, dates and choices; more room for free text."""

    def weight(field: Field) -> float:
        if field.name == "id" or field.name.endswith(("_id", "_ids")):
            return 1.1
        if field.type == "date":
            return 1.9  # room for 30/08/2019 on one line
        if field.type in ("boolean", "enum", "integer"):
            return 1.6
        if field.name in ("views", "non_attendance_reason", "considerations", "outcome", "measure", "action", "purpose", "address", "need"):
            return 2.4
        return 1.8

    return [weight(f) for f in columns]


def _sub(parent: Any, tag: str, attributes: dict[str, str] | None = None) -> Any:
    element = OxmlElement(tag) if not tag.startswith("{") else parent.makeelement(tag, {})
    for name, value in (attributes or {}).items():
        element.set(qn(name) if not name.startswith("{") else name, value)
    parent.append(element)
    return element


def _font_size(run_properties: Any, points: int) -> None:
    _sub(run_properties, "w:sz", {"w:val": str(points * 2)})


def _small_grey(run: Any) -> None:
    run.font.size = Pt(8)
    run.font.color.rgb = GREY


def _shade(cell: _Cell, fill: str) -> None:
    _sub(cell._tc.get_or_add_tcPr(), "w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill})


def _keep_row_on_one_page(row: Any) -> None:
    _sub(row.get_or_add_trPr(), "w:cantSplit")


def _repeat_as_header(row: Any) -> None:
    _sub(row.get_or_add_trPr(), "w:tblHeader")
