"""Báo cáo as the officer uses it: the appendix of a period, a manual row typed in place, the narrative
edited and saved, an export that freezes a version, a report reopened from the history."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.periods import parse_period
from cchc_desktop.services.record_lists import Records
from cchc_desktop.services.reports import ReportService
from cchc_desktop.services.statistics import StatisticsService
from tests.ui.keyboard import type_text
from ui import desktop, messages
from ui.context import AppContext
from ui.dialogs.records_dialog import RecordsDialog
from ui.main_window import MainWindow
from ui.pages.reports_page import VALUE_COLUMN, HistoryDialog, ReportsPage

NOW = datetime(2025, 1, 10, 9, 0)


@pytest.fixture
def page(demo_window: MainWindow, demo_context: AppContext) -> ReportsPage:
    shown = demo_window.show_page("reports")
    assert isinstance(shown, ReportsPage)
    shown.service = ReportService(demo_context.db, clock=lambda: NOW)
    shown.picker.select("2024-H1")
    return shown


def row_of(page: ReportsPage, number: str) -> int:
    return next(index for index, row in enumerate(page.document.appendix) if row.number == number)


def edit_value(qtbot: QtBot, page: ReportsPage, row: int, text: str) -> None:
    """Click the value cell, F2, type, Enter — as the officer does."""
    table = page.appendix
    table.scrollToItem(table.item(row, VALUE_COLUMN))
    rect = table.visualItemRect(table.item(row, VALUE_COLUMN))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editors = table.viewport().findChildren(QLineEdit)
    assert editors, "the cell did not open for editing"
    editor = editors[-1]
    editor.selectAll()
    type_text(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)


def test_the_appendix_shows_the_figures_and_manual_rows_are_typed_in_place(
        qtbot: QtBot, page: ReportsPage, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    figures = StatisticsService(demo_context.db).figures(period=parse_period("2024-H1")).indicators()
    received = page.appendix.item(row_of(page, "3.3.1"), VALUE_COLUMN).text()
    assert received == f"{figures['3.3.1']:,}".replace(",", ".")
    computed = page.appendix.item(row_of(page, "3.3.1"), VALUE_COLUMN)
    assert not computed.flags() & Qt.ItemFlag.ItemIsEditable  # only typed-in rows can be typed over
    staff = row_of(page, "4.1.1")
    edit_value(qtbot, page, staff, "12")
    assert ReportService(demo_context.db).manual_values("2024-H1")["4.1.1"] == 12
    assert page.appendix.item(staff, VALUE_COLUMN).text() == "12"

    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, **kwargs: errors.append(text))
    edit_value(qtbot, page, staff, "mười hai")
    assert errors and "4.1.1" in errors[0]
    assert ReportService(demo_context.db).manual_values("2024-H1")["4.1.1"] == 12  # nothing lost


def test_a_computed_row_lists_its_records(qtbot: QtBot, page: ReportsPage, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Records] = []
    monkeypatch.setattr(RecordsDialog, "show_records", lambda parent, records: shown.append(records))
    row = row_of(page, "1.1.2")
    page.appendix.setCurrentCell(row, 1)
    page.open_row()
    assert shown and shown[0].title.startswith("1.1.2.")
    assert len(shown[0].rows) == page.document.appendix[row].value


def test_the_narrative_is_edited_saved_and_exported_as_a_frozen_version(
        qtbot: QtBot, page: ReportsPage, demo_context: AppContext, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _section, edit = page.section_edits[0]
    edit.selectAll()
    type_text(qtbot, edit, "Ủy ban nhân dân xã đã ban hành kế hoạch CCHC năm 2024.")
    qtbot.keyClick(edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    page.build()
    assert page.section_edits[0][1].toPlainText() == "Ủy ban nhân dân xã đã ban hành kế hoạch CCHC năm 2024."

    targets = iter([tmp_path / "bao-cao.pdf", tmp_path / "bao-cao.json"])
    monkeypatch.setattr(messages, "choose_save_file", lambda *args: next(targets))
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    qtbot.mouseClick(page.export_buttons["pdf"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.export_buttons["json"], Qt.MouseButton.LeftButton)
    assert [path.name for path in opened] == ["bao-cao.pdf", "bao-cao.json"]
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(opened[0]).pages)
    assert "Ủy ban nhân dân xã đã ban hành kế hoạch CCHC năm 2024." in text and "HOẰNG HỢP" in text
    data = json.loads(opened[1].read_text(encoding="utf-8"))
    assert data["schema"] == "cchc-report/1" and data["period"]["from"] == "2024-01-01"
    history = ReportService(demo_context.db).history()
    assert [record.version for record in history] == [1]  # the same report in two formats: one version
    assert "phiên bản 1" in page.status.text()

    monkeypatch.setattr(HistoryDialog, "choose", lambda parent, service: history[0].id)
    qtbot.mouseClick(page.history_button, Qt.MouseButton.LeftButton)
    assert page.frozen and page.section_edits[0][1].isReadOnly()
    manual = page.appendix.item(row_of(page, "4.1.1"), VALUE_COLUMN)
    assert not manual.flags() & Qt.ItemFlag.ItemIsEditable


def test_the_higher_level_adds_up_its_communes_reports(qtbot: QtBot, page: ReportsPage, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from tests.unit.test_consolidation import A, B, C, report_data, write

    files = [write(tmp_path, f"{n}.json", report_data(name)) for n, name in zip("abc", (A, B, C), strict=True)]
    tab = page.consolidation
    page.tabs.setCurrentWidget(tab)
    monkeypatch.setattr(messages, "choose_files", lambda *args: files)
    qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
    assert "tổng hợp 3 đơn vị" in tab.summary.text()
    names = [tab.table.item(row, 0).text() for row in range(tab.table.rowCount())]
    assert names[:3] == [A, B, C] and len(names) == 4  # then the total
    header = [tab.table.horizontalHeaderItem(column).text() for column in range(tab.table.columnCount())]
    on_time = header.index("Tỷ lệ đúng hạn")
    assert tab.table.item(3, on_time).text() == "98,0%"  # (99 + 1) / (100 + 2), not the average of the rates

    target = tmp_path / "tong-hop.xlsx"
    monkeypatch.setattr(messages, "choose_save_file", lambda *args: target)
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    qtbot.mouseClick(tab.export_buttons["xlsx"], Qt.MouseButton.LeftButton)
    assert opened == [target] and len(load_workbook(target).sheetnames) == 2

    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, **kwargs: errors.append(text))
    other = write(tmp_path, "d.json", report_data("UBND xã Hoằng Lộc", period={
        "from": "2024-01-01", "to": "2024-03-31", "cutoff": "2024-03-31", "label": "Quý I năm 2024"}))
    monkeypatch.setattr(messages, "choose_files", lambda *args: [*files, other])
    qtbot.mouseClick(tab.choose_button, Qt.MouseButton.LeftButton)
    assert errors and "d.json" in errors[0]
    assert not tab.export_buttons["xlsx"].isEnabled()
