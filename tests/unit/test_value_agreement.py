"""One formatting of every appendix value in every output (issue 17): the PDF, Word and Excel files of a real
report show each row's value as ``domain.report.value_text`` writes it — the screen's test is
``tests/ui/test_reports_page.py`` — and the JSON carries the same number. Once the screen showed «100,0%» where
the PDF printed «100%», and nothing where the paper says «—»."""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from pypdf import PdfReader
from sqlite_utils import Database

from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.report import AppendixRow, ReportDocument, value_text
from cchc_desktop.formatting import number, percent
from cchc_desktop.reports.periodic_docx import report_docx
from cchc_desktop.reports.periodic_pdf import report_pdf
from cchc_desktop.reports.periodic_xlsx import report_xlsx
from cchc_desktop.reports.report_json import dumps
from cchc_desktop.services.reports import ReportService
from db.connection import open_db

NOW = datetime(2025, 1, 10, 9, 0)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[ReportDocument]:
    """The demo's 2024-H1 report with typed-in rows of every shape: a whole percentage (100), a fraction
    (99,5), a count in thousands, and rows left without a value."""
    path = tmp_path_factory.mktemp("agreement") / "demo.sqlite3"
    path.write_bytes(demo_template.read_bytes())
    db: Database = open_db(path)
    service = ReportService(db, clock=lambda: NOW)
    for key, text in {"3.2.4": "100", "3.2.5": "99,5", "4.1.1": "1.234", "7.2.3": "", "7.2.3.dien_tu": ""}.items():
        service.set_manual(period_key="2024-H1", indicator=key, text=text)
    yield service.draft(period=parse_period("2024-H1"), issued_on=date(2024, 7, 5), number="45")
    db.close()


def valued(document: ReportDocument) -> list[AppendixRow]:
    return [row for row in document.appendix if not row.heading]


def test_the_report_has_every_shape_of_value(document: ReportDocument) -> None:
    texts = {value_text(row) for row in valued(document)}
    assert {"100%", "99,5%", "1.234", "—"} <= texts
    assert not any(text.endswith(",0%") for text in texts)


def test_word_shows_each_value_as_the_screen_does(document: ReportDocument, tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.docx"
    report_docx(document, target)
    table = docx.Document(str(target)).tables[-1]
    shown = [normalise(r.cells[3].text) for r, row in zip(table.rows[2:], document.appendix, strict=True)
             if not row.heading]
    assert shown == [value_text(row) for row in valued(document)]


def rendered(cell: Cell) -> str:
    """What Excel shows for a cell of the appendix (its number format, in Vietnamese)."""
    if cell.value is None:
        return ""
    if cell.data_type == "s":
        return str(cell.value)
    formats = {"#,##0": lambda v: number(int(v)), "#,##0.0##": number, "0.0%": percent,
               "0%": lambda v: percent(v, decimals=0)}
    return formats[cell.number_format](cell.value)


def test_excel_renders_each_value_as_the_screen_does(document: ReportDocument, tmp_path: Path) -> None:
    target = tmp_path / "phu-luc.xlsx"
    report_xlsx(document, target)
    sheet = openpyxl.load_workbook(target)["Phụ lục"]
    first = next(cell.row for cell in sheet["A"] if cell.value == "STT") + 1
    cells = [sheet.cell(first + index, 4) for index in range(len(document.appendix))]
    shown = [rendered(cell) for cell, row in zip(cells, document.appendix, strict=True) if not row.heading]
    assert shown == [value_text(row) for row in valued(document)]


def test_the_pdf_prints_each_value_in_the_appendix_order(document: ReportDocument) -> None:
    reader = PdfReader(io.BytesIO(report_pdf(document)))
    text = normalise(" ".join(page.extract_text() for page in reader.pages))
    appendix = text[text.index("PHỤ LỤC"):]
    position = 0
    for row in valued(document):
        found = appendix.find(value_text(row), position)
        assert found >= 0, (row.key, value_text(row), appendix[position:position + 200])
        position = found + len(value_text(row))
    assert ",0%" not in appendix


def test_the_json_carries_the_same_numbers(document: ReportDocument) -> None:
    data = json.loads(dumps(document))
    for row in valued(document):
        assert data["indicators"].get(row.key) == row.value, row.key
