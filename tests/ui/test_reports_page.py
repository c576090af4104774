"""Báo cáo as the officer uses it: the appendix of a period, a manual row typed in place, the narrative
edited and saved, an export that freezes a version, a report reopened from the history; a report not finished
exported only as a draft when the officer answers «Xuất bản nháp», and its date asked when today is past the
period's reporting window."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.report import value_text
from cchc_desktop.services.record_lists import Records
from cchc_desktop.services.reports import ReportService
from cchc_desktop.services.statistics import StatisticsService
from tests.ui.keyboard import type_text
from tests.unit.test_reports import finish
from ui import desktop, messages
from ui.context import AppContext
from ui.dialogs.records_dialog import RecordsDialog
from ui.main_window import MainWindow
from ui.pages.reports_page import VALUE_COLUMN, HistoryDialog, IssueDateDialog, ReportsPage

NOW = datetime(2025, 1, 10, 9, 0)  # past the reporting window of 2024-H1 (up to 15/07/2024): the date is asked
ISSUED = date(2024, 7, 5)


@pytest.fixture
def page(demo_window: MainWindow, demo_context: AppContext) -> ReportsPage:
    shown = demo_window.show_page("reports")
    assert isinstance(shown, ReportsPage)
    demo_context.clock = lambda: NOW
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


def test_the_screen_shows_each_value_as_the_paper_does(qtbot: QtBot, page: ReportsPage) -> None:
    """One formatting (issue 17): a whole percentage typed in reads «100%» on screen as in the PDF (it read
    «100,0%»), a row without a value reads «—» (it was blank); «—» typed back clears it."""
    edit_value(qtbot, page, row_of(page, "3.2.4"), "100")
    assert page.appendix.item(row_of(page, "3.2.4"), VALUE_COLUMN).text() == "100%"
    edit_value(qtbot, page, row_of(page, "3.2.5"), "99,5")
    assert page.document is not None
    shown = [page.appendix.item(index, VALUE_COLUMN).text() for index in range(page.appendix.rowCount())]
    assert shown == [value_text(row) for row in page.document.appendix]
    assert "99,5%" in shown and "—" in shown
    edit_value(qtbot, page, row_of(page, "3.2.4"), "—")
    assert "3.2.4" not in page.service.manual_values("2024-H1")
    assert page.appendix.item(row_of(page, "3.2.4"), VALUE_COLUMN).text() == "—"


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
    finish(page.service, "2024-H1")  # only a finished report is sent as a version (the draft: below)
    page.build()
    asked: list[tuple[date, date]] = []
    monkeypatch.setattr(IssueDateDialog, "ask", lambda parent, document, first, last: asked.append(
        (first, last)) or ISSUED)
    monkeypatch.setattr(messages, "choose", lambda *args, **kwargs: pytest.fail("a finished report is not a draft"))
    qtbot.keyClicks(page.number, "45/BC-UBND")
    _section, edit = page.section_edits[0]
    edit.selectAll()
    type_text(qtbot, edit, "Ủy ban nhân dân xã đã ban hành kế hoạch CCHC năm 2024.")
    qtbot.keyClick(edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    page.build()
    assert page.section_edits[0][1].toPlainText() == "Ủy ban nhân dân xã đã ban hành kế hoạch CCHC năm 2024."

    targets = iter([tmp_path / "bao-cao.pdf", tmp_path / "bao-cao.json"])
    offered: list[Path] = []
    monkeypatch.setattr(messages, "choose_save_file",
                        lambda parent, title, suggested, filters: offered.append(suggested) or next(targets))
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    qtbot.mouseClick(page.export_buttons["pdf"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.export_buttons["json"], Qt.MouseButton.LeftButton)
    assert [path.name for path in opened] == ["bao-cao.pdf", "bao-cao.json"]
    assert offered[1].parent == tmp_path  # the folder of the last report is offered for the next one
    assert asked == [(date(2024, 6, 30), date(2024, 7, 15))]  # once: the date chosen stays for the JSON
    assert page.issued_on.text() == "05/07/2024"
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(opened[0]).pages)
    assert "Ủy ban nhân dân xã đã ban hành kế hoạch CCHC năm 2024." in text and "HOẰNG HỢP" in text
    assert "Số: 45/BC-UBND" in text and "ngày 05 tháng 7 năm 2024" in text and "DỰ THẢO" not in text
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


def test_an_unfinished_report_goes_out_only_as_a_draft_when_the_officer_says_so(
        qtbot: QtBot, page: ReportsPage, demo_context: AppContext, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bao-cao"  # beside the demo database
    out.mkdir()
    asked: list[date] = []
    monkeypatch.setattr(IssueDateDialog, "ask", lambda parent, document, first, last: asked.append(first) or ISSUED)
    questions: list[dict[str, str]] = []
    answers = iter([False, True])  # «Quay lại», then «Xuất bản nháp»

    def choose(parent: object, title: str, text: str, *, accept: str, reject: str) -> bool:
        questions.append({"title": title, "text": text, "accept": accept, "reject": reject})
        return next(answers)

    monkeypatch.setattr(messages, "choose", choose)
    saves: list[Path] = []

    def choose_save_file(parent: object, title: str, suggested: Path, filters: str) -> Path:
        saves.append(suggested)
        return out / suggested.name

    monkeypatch.setattr(messages, "choose_save_file", choose_save_file)
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    warnings: list[str] = []
    monkeypatch.setattr(messages, "warning", lambda parent, title, text: warnings.append(text))
    service = ReportService(demo_context.db)

    qtbot.mouseClick(page.export_buttons["pdf"], Qt.MouseButton.LeftButton)  # «Quay lại»: nothing written
    assert len(questions) == 1 and saves == [] and opened == [] and list(out.iterdir()) == []
    question = questions[0]
    assert (question["title"], question["accept"], question["reject"]) == (
        "Báo cáo chưa hoàn chỉnh", "Xuất bản nháp", "Quay lại")
    gaps = service.gaps(page.service.draft(period=parse_period("2024-H1"), issued_on=ISSUED))
    assert question["text"].startswith(f"Báo cáo 6 tháng đầu năm 2024 chưa hoàn chỉnh, còn {len(gaps)} chỗ phải bổ "
                                       "sung trước khi gửi:\n- Chưa có số báo cáo (Số: …/BC-UBND).\n- Mục I.")
    written = [f"- {gap.text}" for gap in gaps[1:] if gap.kind.value == "placeholder"]
    typed = [gap.key for gap in gaps if gap.kind.value == "manual"]
    assert len(typed) == 25 and "4.1.1" in typed
    assert question["text"].splitlines()[2:] == [
        *written, f"- 25 dòng nhập tay của phụ lục chưa có số liệu: {', '.join(typed)}.", "",
        "«Xuất bản nháp»: tệp có dấu «DỰ THẢO» trên mọi trang, không lưu thành phiên bản đã gửi.",
        "«Quay lại»: hoàn thiện báo cáo rồi xuất lại."]

    qtbot.mouseClick(page.export_buttons["pdf"], Qt.MouseButton.LeftButton)  # «Xuất bản nháp»
    assert [path.name for path in saves] == ["bao-cao-cchc-2024-H1-du-thao.pdf"]
    draft = out / "bao-cao-cchc-2024-H1-du-thao.pdf"
    assert opened == [draft]
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(draft).pages]
    assert len(pages) > 2 and all("DỰ THẢO" in text for text in pages)
    assert "ngày 05 tháng 7 năm 2024" in pages[0]
    assert service.history() == []  # a draft is not a version sent
    assert "dự thảo" in page.status.text() and "không được lưu thành phiên bản" in page.status.text()

    qtbot.mouseClick(page.export_buttons["json"], Qt.MouseButton.LeftButton)  # no draft JSON: nothing asked
    assert len(questions) == 2 and len(saves) == 1 and not list(out.glob("*.json"))
    assert warnings and warnings[0].startswith("Tệp JSON là số liệu gửi cấp trên để tổng hợp, chỉ xuất khi báo cáo "
                                               "đã hoàn chỉnh.")
    assert "- Chưa có số báo cáo (Số: …/BC-UBND)." in warnings[0]
    assert asked == [date(2024, 6, 30)]  # the date was asked once and kept

    finish(service, "2024-H1")  # the rest written (as in another window), shown again with F5
    qtbot.mouseClick(page.build_button, Qt.MouseButton.LeftButton)
    assert "[Nêu" not in " ".join(edit.toPlainText() for _section, edit in page.section_edits)
    qtbot.keyClicks(page.number, "45")  # the clerk gives the number
    qtbot.mouseClick(page.export_buttons["docx"], Qt.MouseButton.LeftButton)
    assert len(questions) == 2  # finished: no question
    final = out / "bao-cao-cchc-2024-H1.docx"
    assert opened[-1] == final
    import docx

    word = docx.Document(str(final))
    assert not any("DỰ THẢO" in paragraph.text for section in word.sections
                   for header in (section.header, section.first_page_header) for paragraph in header.paragraphs)
    assert [record.version for record in service.history()] == [1]
    assert "phiên bản 1" in page.status.text()


def test_the_date_dialog_takes_a_day_from_the_cutoff_on(qtbot: QtBot, page: ReportsPage) -> None:
    document = page.service.draft(period=parse_period("2024-H1"))
    assert not document.dated
    first, last = page.service.reporting_window(document.period, document.cutoff)
    dialog = IssueDateDialog(document, first, last, page)
    qtbot.addWidget(dialog)
    assert dialog.field.text() == "15/07/2024"  # today is later: the window's last day is offered
    dialog.field.setText("20/06/2024")
    dialog.accept()
    assert dialog.error.text() == "Ngày ban hành báo cáo không được trước ngày chốt số liệu (30/06/2024)."
    assert dialog.day is None
    dialog.field.setText("")
    qtbot.keyClicks(dialog.field, "20/07/2024")
    dialog.accept()
    assert dialog.day == date(2024, 7, 20) and dialog.result() == dialog.DialogCode.Accepted
