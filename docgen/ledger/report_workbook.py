"""The report workbook ``docgen report`` writes and the web app offers: a Summary sheet, a sheet and chart per measure, the late items."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.ledger.performance import SHEET_NAMES, Figures, Tally
from docgen.workbooks_text import save_workbook

if TYPE_CHECKING:
    from docgen.ledger.send_journal import Sending

__all__ = ["write_report"]


def write_report(figures: Figures, path: Path, emails_to_check: Sequence[Sending] = ()) -> Path:
    """The report workbook: a Summary sheet, a sheet and bar chart per measure, and the late items behind them.

    ``emails_to_check`` (``docgen.ledger.send_journal.emails_to_check``): emails that may or may not have gone, on a sheet of their own.
    """
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font
    from openpyxl.worksheet.table import Table, TableStyleInfo

    bold = Font(bold=True)
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append([f"Child in Need timescales: deadlines due {figures.start:%d %b %Y} to {figures.end:%d %b %Y}"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([f"Open deadlines judged as of {figures.as_of:%d %b %Y}"])
    summary.append([])
    summary.append(["Measure", "On time", "Late", "Total", "% on time", "Procedure"])
    for cell in summary[4]:
        cell.font = bold
    for measure in figures.measures:
        summary.append(
            [
                measure.title,
                measure.overall.on_time,
                measure.overall.late,
                measure.overall.total,
                _fraction(measure.overall),
                measure.section,
            ]
        )
        summary.cell(summary.max_row, 5).number_format = "0%"
    for column, width in zip("ABCDEF", (48, 10, 8, 8, 11, 40), strict=True):
        summary.column_dimensions[column].width = width
    if emails_to_check:
        summary.append([])
        summary.append(
            [
                f"{len(emails_to_check)} emailed cop{'y' if len(emails_to_check) == 1 else 'ies'} may not have been sent: see the sheet 'Emails to check'."
            ]
        )
        summary.cell(summary.max_row, 1).font = bold

    for measure in figures.measures:
        sheet = workbook.create_sheet(SHEET_NAMES[measure.id])
        sheet.append([measure.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([measure.section])
        sheet.append(["Key worker", "On time", "Late", "Total", "% on time"])
        for cell in sheet[3]:
            cell.font = bold
        for name, tally in sorted(measure.by_key_worker.items()):
            sheet.append([name, tally.on_time, tally.late, tally.total, _fraction(tally)])
        sheet.append(["Overall", measure.overall.on_time, measure.overall.late, measure.overall.total, _fraction(measure.overall)])
        sheet.cell(sheet.max_row, 1).font = bold
        for row in range(4, sheet.max_row + 1):
            sheet.cell(row, 5).number_format = "0%"
        sheet.column_dimensions["A"].width = 32
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"{measure.title} (% on time)"
        chart.y_axis.title = "% on time"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.number_format = "0%"
        chart.legend = None
        chart.add_data(Reference(sheet, min_col=5, min_row=3, max_row=sheet.max_row), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=sheet.max_row))
        chart.width, chart.height = 16, 7.5
        sheet.add_chart(chart, f"A{sheet.max_row + 3}")  # below the figures, so a printed page holds both

    late = workbook.create_sheet("Late items")
    headers = ["Measure", "Case", "Key worker", "Meeting", "What", "Due date", "Done on", "Days late", "Procedure"]
    late.append(headers)
    items = [item for m in figures.measures for item in m.late]
    for number, item in enumerate(items, start=2):
        late.append(
            [
                item.measure,
                item.case_reference,
                item.key_worker,
                item.meeting,
                item.what,
                item.due,
                item.done or "not done",
                item.days_late,
                item.section,
            ]
        )
        for date_column in (6, 7):
            late.cell(number, date_column).number_format = "DD/MM/YYYY"  # max_row would rescan every cell
    if items:
        table = Table(displayName="LateItems", ref=f"A1:I{len(items) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        late.add_table(table)
    for column, width in zip("ABCDEFGHI", (40, 16, 22, 20, 60, 12, 12, 10, 24), strict=True):
        late.column_dimensions[column].width = width
    late.freeze_panes = "A2"
    if emails_to_check:
        _emails_sheet(workbook, emails_to_check)
    for sheet in workbook.worksheets:
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(workbook, path)
    return path


def _emails_sheet(workbook: Any, emails: Sequence[Sending]) -> None:
    """Each email ``docgen send`` was interrupted while sending: staff ask the recipient, then ``docgen send --resend``."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet("Emails to check")
    sheet.append(["docgen send was interrupted while these copies were being emailed: they may or may not have arrived."])
    sheet.append(["Ask each recipient; if theirs did not arrive, run docgen send --resend (or record the date it was sent)."])
    sheet.append(["Case", "Meeting", "Recipient", "Email address", "Sending started (UTC)", "What happened"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for email in emails:
        sheet.append([email.case_reference, email.folder, email.recipient, email.email, email.started_at, email.detail or "interrupted"])
    for column, width in zip("ABCDEF", (16, 20, 24, 32, 22, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"


def _fraction(tally: Tally) -> float | None:
    return round(tally.on_time / tally.total, 4) if tally.total else None
