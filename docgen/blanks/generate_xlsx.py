"""The blank Excel meeting form, generated from the schema: defined names for single fields, one sheet per group.

The "Meeting" sheet holds one single field per row (column A the question — the schema's title —
B the answer, C guidance, D the field path for reference, not printed) and each answer cell carries
a workbook defined name equal to the path. Each repeating group gets a sheet named after it with one
header row of the fields' titles (the reader also accepts older forms headed with field names).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from docgen.blanks.form_layout import Section, answer_kind, hint, layout, required_paths
from docgen.profiles import Profiles, shipped
from docgen.schema import Field, Group, schema_version
from docgen.workbooks_text import save_workbook

__all__ = ["GROUP_ROWS", "INSTRUCTIONS_SHEET", "MEETING_SHEET", "build_xlsx_form", "write_xlsx_form"]

MEETING_SHEET = "Meeting"
INSTRUCTIONS_SHEET = "Instructions"
#: rows of each group sheet that carry the dropdowns and date formats
GROUP_ROWS = 100
PRINTED_ROWS = 12
GUIDANCE_CHARS_PER_LINE = 80
INSTRUCTIONS_CHARS_PER_LINE = 90
DATE_FORMAT = "dd/mm/yyyy"
YES_NO = ("Yes", "No")
#: Meeting sheet columns: question, answer, guidance, field path (for reference; not printed)
MEETING_WIDTHS = (34, 44, 60, 26)

ANSWER_FILL = PatternFill("solid", fgColor="FFF8DC")
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
GREY = Font(color="595959", size=9)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="808080")
BOXED = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)  # printed, a box to write in; on screen, the cell's edges
WRITING_ROW_HEIGHT = 24  # points: room to write by hand on a printed group sheet

INSTRUCTIONS = (
    "Child in Need meeting form (Excel)",
    "",
    "1. On the Meeting sheet, fill in column B (yellow) beside each question. Questions marked * are required.",
    "   Dates as dd/mm/yyyy (for example 17/12/2026). Where a cell offers a list, choose from it.",
    "2. On the children, participants, objectives, actions and services sheets, add one row per child, person,",
    "   objective, action or service, starting on row 2. Leave blank rows empty. Hover over a column heading",
    "   to see what it asks for; the list below says the same.",
    "3. Give each child a short Child ID (C1, C2...) and each objective an Objective ID (O1, O2...). On the",
    "   objectives sheet, For children names the children an objective is for (C1, C2), or leave it blank for",
    "   every child; on the actions sheet, Objective ID names the objective the action serves.",
    "4. Save as an Excel workbook (.xlsx) and put it in the inbox folder.",
    "   Do not rename the sheets or change the form version below: docgen uses them to read the form.",
)


def write_xlsx_form(path: Path, policy: str | None = None, *, profiles: Profiles | None = None) -> Path:
    """Writes the blank Excel form to ``path`` (marking ``policy``'s extra required fields) and returns the path."""
    save_workbook(build_xlsx_form(policy, profiles=profiles), path)
    return path


def build_xlsx_form(policy: str | None = None, *, profiles: Profiles | None = None) -> Workbook:
    """The blank Excel form as an openpyxl workbook; with ``policy`` that council is preselected (``profiles``: the root's, else the shipped ones)."""
    profiles = profiles or shipped()
    if policy:
        profiles.load(policy)  # an unknown council is a clear error before anything is built
    required = required_paths(profiles, policy)
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    meeting = workbook.create_sheet(MEETING_SHEET)
    _meeting_sheet_header(meeting)
    parts = layout(profiles, policy)
    for part in parts:
        if isinstance(part, Group):
            _group_sheet(workbook.create_sheet(part.name), part, required)
        else:
            _meeting_rows(workbook, meeting, part, required, policy, tuple(profiles.available()))
    _instructions(workbook, instructions, [p for p in parts if isinstance(p, Group)], required)
    for sheet in workbook.worksheets:
        _fit_to_page_width(sheet)
    return workbook


def _fit_to_page_width(sheet: Worksheet) -> None:
    """Printed, every sheet is landscape A4 one page wide; group sheets print their spare rows, not all of them."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if sheet.title == MEETING_SHEET:
        sheet.print_area = f"A1:C{sheet.max_row}"  # the field paths are for reference, not for paper
        sheet.print_title_rows = "1:1"
    elif sheet.title != INSTRUCTIONS_SHEET:
        sheet.print_area = f"A1:{get_column_letter(sheet.max_column)}{PRINTED_ROWS + 1}"
        sheet.print_title_rows = "1:1"


# ---------------------------------------------------------------- Meeting sheet


def _meeting_sheet_header(sheet: Worksheet) -> None:
    sheet.append(["Question", "Answer", "Guidance", "Field (for reference)"])
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for column, width in zip("ABCD", MEETING_WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"


def _meeting_rows(
    workbook: Workbook, sheet: Worksheet, section: Section, required: frozenset[str], policy: str | None, councils: tuple[str, ...]
) -> None:
    sheet.append([])
    sheet.append([section.title])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12, color="1F4E79")
    for field in section.fields:
        if field.path == "form_version":
            continue  # kept on the Instructions sheet, out of the way of anyone filling the form in
        is_required = field.path in required
        sheet.append(
            [
                field.title + (" *" if is_required else ""),
                None,
                " ".join(p for p in (field.description, hint(field, is_required, ticks=False)) if p),
                field.path,
            ]
        )
        row = sheet.max_row
        for column in range(1, 5):
            sheet.cell(row, column).alignment = WRAP
        sheet.cell(row, 4).font = GREY
        answer = sheet.cell(row, 2)
        answer.fill = ANSWER_FILL
        answer.border = BOXED
        answer.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if answer_kind(field, is_required) == "date":
            answer.number_format = DATE_FORMAT
        elif answer_kind(field, is_required) == "text":
            answer.number_format = "@"  # a case reference such as 0412 keeps its zero
        sheet.cell(row, 1).font = BOLD
        sheet.cell(row, 3).font = GREY
        # spreadsheets do not grow a row for wrapped text on their own: give long guidance and questions room
        lines = max(-(-len(str(sheet.cell(row, 3).value)) // GUIDANCE_CHARS_PER_LINE), -(-len(str(sheet.cell(row, 1).value)) // 30), 1)
        sheet.row_dimensions[row].height = 13 * lines
        if field.path == "policy":
            _list_validation(sheet, answer.coordinate, councils, field.title)
            answer.value = policy
        else:
            _validate(sheet, answer.coordinate, field, is_required)
        _name(workbook, field.path, sheet.title, answer.coordinate)


# ---------------------------------------------------------------- group sheets


def _group_sheet(sheet: Worksheet, group: Group, required: frozenset[str]) -> None:
    sheet.append([f.title + (" *" if f.path in required else "") for f in group.fields])
    sheet.row_dimensions[1].height = 30  # two lines: a long heading wraps instead of being cut off when printed
    for index, field in enumerate(group.fields, start=1):
        is_required = field.path in required
        header = sheet.cell(1, index)
        header.font = BOLD
        header.fill = HEADER_FILL
        header.alignment = WRAP
        header.comment = Comment(
            f"{field.title}{' (required)' if is_required else ''}\n{field.description}\n{hint(field, is_required, ticks=False)}".strip(),
            "docgen",
        )
        header.comment.width, header.comment.height = 300, 120
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{GROUP_ROWS + 1}"
        _validate(sheet, cells, field, is_required)
        kind = answer_kind(field, is_required)
        sheet.column_dimensions[letter].width = _column_width(field, kind)
        header.border = BOXED
        for row in range(2, GROUP_ROWS + 2):
            cell = sheet.cell(row, index)
            cell.alignment = WRAP
            cell.border = BOXED
            if kind == "date":
                cell.number_format = DATE_FORMAT
            elif kind == "text":
                cell.number_format = "@"  # text as typed: IDs such as 01 keep their zero
    for row in range(2, PRINTED_ROWS + 2):
        sheet.row_dimensions[row].height = WRITING_ROW_HEIGHT
    sheet.freeze_panes = "A2"


def _column_width(field: Field, kind: str) -> int:
    """Wide enough for the answer, and for the heading's longest word so a heading never breaks mid-word."""
    if kind in ("date", "choice", "yes_no", "checkbox", "number"):
        answer = {"date": 13, "choice": 20}.get(kind, 10)
    elif field.name == "id" or field.name.endswith(("_id", "_ids")):
        answer = 12
    elif field.name in ("views", "non_attendance_reason", "considerations", "outcome", "measure", "action", "purpose", "address"):
        answer = 30
    else:
        answer = 22
    longest_word = max(len(word) for word in f"{field.title} *".split())
    return max(answer, longest_word + 3, -(-len(field.title) // 2) + 3)


# ---------------------------------------------------------------- Instructions sheet


def _instructions(workbook: Workbook, sheet: Worksheet, parts: list[Group], required: frozenset[str]) -> None:
    for line in INSTRUCTIONS:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14, color="1F4E79")
    sheet.append([])
    sheet.append(["Form version", schema_version()])
    row = sheet.max_row
    sheet.cell(row, 1).font = BOLD
    _name(workbook, "form_version", sheet.title, f"B{row}")
    sheet.append([])
    sheet.append(["Sheet", "Column heading", "What to enter", "Field (for reference)"])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for group in parts:
        for field in group.fields:
            is_required = field.path in required
            sheet.append(
                [
                    group.name,
                    field.title + (" *" if is_required else ""),
                    " ".join(p for p in (field.description, hint(field, is_required, ticks=False)) if p),
                    field.name,
                ]
            )
            for number in range(1, 5):
                sheet.cell(sheet.max_row, number).alignment = WRAP
            sheet.cell(sheet.max_row, 4).font = GREY
            lines = -(-len(str(sheet.cell(sheet.max_row, 3).value)) // INSTRUCTIONS_CHARS_PER_LINE)
            sheet.row_dimensions[sheet.max_row].height = 13 * max(1, lines)
    for column, width in zip("ABCD", (16, 28, 90, 24), strict=True):
        sheet.column_dimensions[column].width = width


# ---------------------------------------------------------------- validation and names


def _validate(sheet: Worksheet, cells: str, field: Field, required: bool) -> None:
    kind = answer_kind(field, required)
    if kind == "choice":
        _list_validation(sheet, cells, field.enum_titles, field.title)
    elif kind in ("yes_no", "checkbox"):
        _list_validation(sheet, cells, YES_NO, field.title)
    elif kind == "date":
        rule = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)", formula2="DATE(2199,12,31)", allow_blank=True)
        _explain(rule, field.title, "Enter a date as dd/mm/yyyy, for example 17/12/2026.")
        _add(sheet, rule, cells)
    elif kind == "number":
        low = field.minimum if field.minimum is not None else 0
        high = field.maximum if field.maximum is not None else 9999
        rule = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True)
        _explain(rule, field.title, f"Enter a whole number from {low} to {high}.")
        _add(sheet, rule, cells)


def _list_validation(sheet: Worksheet, cells: str, choices: tuple[str, ...], title: str) -> None:
    # an inline list is limited to 255 characters and cannot hold commas: every list in the schema fits
    listed = ",".join(choices)
    if any("," in c for c in choices) or len(listed) > 250:
        return
    rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
    _explain(rule, title, "Choose from the list: " + ", ".join(choices) + ".")
    _add(sheet, rule, cells)


def _explain(rule: DataValidation, title: str, message: str) -> None:
    rule.error, rule.errorTitle = message, title[:32]
    rule.prompt, rule.promptTitle = message, title[:32]
    rule.showErrorMessage = True
    rule.showInputMessage = True


def _add(sheet: Worksheet, rule: DataValidation, cells: str) -> None:
    sheet.add_data_validation(rule)
    rule.add(cells)


def _name(workbook: Workbook, path: str, sheet: str, coordinate: str) -> None:
    column = "".join(c for c in coordinate if c.isalpha())
    row = "".join(c for c in coordinate if c.isdigit())
    workbook.defined_names[path] = DefinedName(path, attr_text=f"{quote_sheetname(sheet)}!${column}${row}")
