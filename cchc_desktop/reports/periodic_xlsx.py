"""The periodic report's appendix as an Excel workbook (.xlsx), with openpyxl: DTO in
(:class:`~cchc_desktop.domain.report.ReportDocument`), file out.

Sheet «Phụ lục»: a draft's «DỰ THẢO» first (bold, and in the header of every printed page), the unit, the
appendix title, the period with its dates, the cut-off, which report it goes with
(and, for a consolidation, the units added up), then the table STT · Nội dung · Đơn vị tính · Số liệu · Nguồn.
Figures are numbers, not texts: counts shown ``#,##0``, percentages stored as fractions (99,2% is 0.992) shown
``0.0%``; Excel draws the separators of the reader's locale, so a Vietnamese Windows shows ``1.648`` and
``99,2%``. A value not given is an empty cell. Row numbers (``3.3.1``) stay texts. Headings are bold, breakdown
lines indented; the rows above the table and its header are frozen.

``extra_sheets`` lets a caller (the consolidation: communes × indicators) add plain tables, one sheet each.
No text is ever stored as a formula.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc_desktop.domain.report import AppendixRow, ReportDocument, is_whole
from cchc_desktop.files import write_atomically
from cchc_desktop.formatting import NO_VALUE, short_date
from cchc_desktop.i18n import _
from cchc_desktop.reports.periodic_pdf import appendix_notes, appendix_title, draft_mark

ExtraSheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]
"""A sheet to add: its title, its header, its rows."""

HEADERS = ("STT", "Nội dung", "Đơn vị tính", "Số liệu", "Nguồn")
WIDTHS = (10, 70, 22, 14, 18)
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
PERCENT_FORMAT = "0.0%"
WHOLE_PERCENT_FORMAT = "0%"
MAX_TITLE = 31  # Excel's limit for a sheet's name
MAX_WIDTH = 60
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="808080")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MARK_FONT = Font(bold=True, size=14)


def _text(cell: Cell, value: str) -> None:
    """A text cell that stays a text, whatever it starts with (never a formula)."""
    cell.value = _ILLEGAL.sub("", value)
    cell.data_type = "s"


def _put(cell: Cell, value: object) -> None:
    """A number as a number (counts ``#,##0``, others with their decimals), anything else as a text."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        _text(cell, str(value))
        return
    cell.value = value
    cell.number_format = COUNT_FORMAT if is_whole(value) else DECIMAL_FORMAT


def _value(cell: Cell, row: AppendixRow) -> None:
    """The value as a number in the format that renders it as ``domain.report.value_text`` writes it; none is the
    paper's «—»."""
    if row.heading:
        return
    if row.value is None:
        _text(cell, NO_VALUE)
        return
    if row.percent:
        cell.value = row.value / 100
        cell.number_format = WHOLE_PERCENT_FORMAT if is_whole(row.value) else PERCENT_FORMAT
    else:
        _put(cell, int(row.value) if is_whole(row.value) else row.value)


def _header_row(sheet: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row, column)
        _text(cell, text)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.border = _GRID
        cell.alignment = _CENTRE


def _appendix_sheet(sheet: Worksheet, document: ReportDocument) -> None:
    period = document.period
    lines: list[tuple[str, bool]] = [
        (document.unit.name, True),
        (appendix_title(document), True),
        (_("Kỳ báo cáo: {label} (từ {first} đến {last})").format(
            label=period.label, first=short_date(period.date_from), last=short_date(period.date_to)), False),
    ]
    lines += [(note, False) for note in appendix_notes(document)]
    row = 1
    if mark := draft_mark(document):  # the first row, and the header of every printed page
        _text(sheet.cell(row, 1), mark)
        sheet.cell(row, 1).font = _MARK_FONT  # left aligned, not wrapped: it runs on over the empty B1
        sheet.oddHeader.right.text = mark
        sheet.oddHeader.right.font = "Times New Roman,Bold"
        sheet.oddHeader.right.size = 13
        row += 1
    for text, bold in lines:
        if text:
            _text(sheet.cell(row, 1), text)
            sheet.cell(row, 1).font = Font(bold=bold)
            row += 1
    row += 1
    header = row
    _header_row(sheet, header, [_(text) for text in HEADERS])
    sheet.freeze_panes = sheet.cell(header + 1, 1).coordinate
    for item in document.appendix:
        row += 1
        cells = [sheet.cell(row, column) for column in range(1, len(HEADERS) + 1)]
        _text(cells[0], item.number)
        _text(cells[1], item.name)
        _text(cells[2], item.unit)
        _value(cells[3], item)
        if not item.heading:
            _text(cells[4], item.source.label)
        for cell in cells:
            cell.border = _GRID
            cell.alignment = _WRAP
        for cell in (cells[0], cells[2], cells[4]):
            cell.alignment = _CENTRE
        if item.heading:
            for cell in cells:
                cell.font = _BOLD
                cell.fill = _GROUP_FILL
        elif item.level > 0:
            cells[1].alignment = Alignment(wrap_text=True, vertical="center", indent=2 * item.level)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.print_title_rows = f"{header}:{header}"  # printed on every page, like the PDF's header
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def sheet_title(title: str, taken: Sequence[str]) -> str:
    """A sheet name Excel accepts (no ``[]:*?/\\``, at most 31 characters), unique in the workbook."""
    base = " ".join(_BAD_TITLE.sub(" ", title).split())[:MAX_TITLE].strip() or _("Trang")
    name, counter = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({counter})"
        name = base[:MAX_TITLE - len(suffix)] + suffix
        counter += 1
    return name


def _extra_sheet(book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    sheet = book.create_sheet(sheet_title(title, book.sheetnames))
    _header_row(sheet, 1, header)
    sheet.freeze_panes = "A2"
    widths = [len(str(text)) for text in header]
    for index, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            _put(sheet.cell(index, column), value)
            if column > len(widths):
                widths.append(0)
            widths[column - 1] = max(widths[column - 1], len(str(value)) if value is not None else 0)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(10, width + 2))


def report_xlsx(document: ReportDocument, target: str | os.PathLike[str],
                extra_sheets: Sequence[ExtraSheet] = ()) -> None:
    """Write the appendix (and ``extra_sheets``: title, header, rows) to ``target``, atomically."""
    book = Workbook()
    sheet: Any = book.active
    sheet.title = sheet_title(_("Phụ lục"), ())
    _appendix_sheet(sheet, document)
    for title, header, rows in extra_sheets:
        _extra_sheet(book, title, header, rows)
    book.properties.title = appendix_title(document)
    if mark := draft_mark(document):
        book.properties.title = f"{mark}: {book.properties.title}"
    book.properties.creator = document.unit.name
    book.properties.created = book.properties.modified = document.generated_at.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(Path(target), buffer.getvalue())
