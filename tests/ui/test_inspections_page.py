"""Kiểm tra kỷ luật, kỷ cương as the reform officer uses it: a record typed in with its checklist and a
finding, the remedy recorded later, the biên bản printed; bad input named with nothing saved."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.inspections import CheckResult, InspectionKind, Measure
from cchc_desktop.services.inspections import InspectionInput, InspectionService
from tests.ui.keyboard import type_text
from ui import desktop, messages
from ui.context import AppContext
from ui.dialogs.inspection_dialogs import FindingDialog, InspectionDialog, SubjectsDialog
from ui.main_window import MainWindow
from ui.pages.inspections_page import InspectionsPage

NOW = datetime(2024, 6, 4, 9, 30)


@pytest.fixture
def page(window: MainWindow, context: AppContext) -> InspectionsPage:
    shown = window.show_page("inspections")
    assert isinstance(shown, InspectionsPage)
    context.clock = lambda: NOW
    shown.picker.select("2024")
    return shown


def fill_record(qtbot: QtBot, dialog: InspectionDialog, *, subject: str, deadline: str) -> InspectionDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.subject, subject)
    type_text(qtbot, dialog.inspectors, "Lê Văn Minh - Phó Chủ tịch UBND xã (Trưởng đoàn)")
    dialog.results[0].setCurrentIndex(dialog.results[0].findData(CheckResult.FAIL.value))
    qtbot.mouseClick(dialog.add_finding_button, Qt.MouseButton.LeftButton)
    dialog.set_finding(0, description="Đến muộn 15 phút", deadline=deadline, responsible="Nguyễn Thị Ưng",
                       measure=Measure.REMINDER, official="Nguyễn Thị Ưng")
    type_text(qtbot, dialog.conclusion, "Cơ bản chấp hành tốt.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return dialog


def test_a_record_with_a_finding_then_its_remedy(qtbot: QtBot, page: InspectionsPage, context: AppContext,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(InspectionDialog, "ask", lambda parent, service: fill_record(
        qtbot, InspectionDialog(service), subject="Bộ phận Tiếp nhận và Trả kết quả", deadline="30/06/2024").saved)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.table.rowCount() == 1 and page.table.item(0, 2).text() == "Bộ phận Tiếp nhận và Trả kết quả"
    assert page.findings.item(0, 0).text() == "Đến muộn 15 phút" and page.findings.item(0, 3).text() == ""
    assert "1 vấn đề phát hiện, 0 đã xử lý xong" in page.summary.text()
    stored = InspectionService(context.db).get(page.current.id)
    assert stored.checks[0].result is CheckResult.FAIL and len(stored.checks) == 8

    page.findings.selectRow(0)
    dialogs: list[FindingDialog] = []

    def remedy(parent, service, finding):
        dialog = FindingDialog(service, finding)
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        dialog.remedied_on.setText("01/06/2024")  # before the inspection: refused
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.saved is None and "trước" in dialog.errors["remedied_on"].text()
        dialog.remedied_on.setText("04/06/2024")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.saved

    monkeypatch.setattr(FindingDialog, "ask", remedy)
    qtbot.mouseClick(page.remedy_button, Qt.MouseButton.LeftButton)
    assert page.findings.item(0, 3).text() == "04/06/2024"
    assert "1 vấn đề phát hiện, 1 đã xử lý xong" in page.summary.text()


def test_a_bad_record_stays_open_with_every_problem_named(qtbot: QtBot, page: InspectionsPage,
                                                          context: AppContext,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, **kwargs: shown.append(text))
    dialog = InspectionDialog(page.service)
    dialog.inspected_on.setText("05/06/2024")  # tomorrow
    fill_record(qtbot, dialog, subject="", deadline="01/06/2024")
    assert dialog.saved is None and dialog.isVisible()
    assert "tương lai" in dialog.errors["inspected_on"].text()
    assert dialog.errors["subject"].text()
    dialog.inspected_on.setText("04/06/2024")
    type_text(qtbot, dialog.subject, "Công chức Tư pháp - Hộ tịch")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # the finding's deadline is still wrong
    assert dialog.saved is None and shown and "Vấn đề thứ 1" in shown[-1]
    assert context.db.execute("SELECT count(*) FROM inspection").fetchone()[0] == 0


def test_the_record_is_printed(qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    page = demo_window.show_page("inspections")
    assert isinstance(page, InspectionsPage)
    page.picker.select("2024")
    assert page.table.rowCount() > 0 and page.current is not None
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(opened[0]).pages)
    assert "BIÊN BẢN KIỂM TRA" in text and page.current.subject in text
    assert page.current.inspected_on >= date(2024, 1, 1)


def test_the_list_to_inspect_is_typed_in_and_gives_the_share(qtbot: QtBot, page: InspectionsPage, context: AppContext,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """5.4.2's base: the reform officer types the commune's departments and officials, one a line; a name given
    twice is named and nothing is saved until it is fixed."""
    InspectionService(context.db, clock=lambda: NOW).record(InspectionInput(
        inspected_on=date(2024, 6, 3), kind=InspectionKind.SELF, subject="Bộ phận Tiếp nhận và Trả kết quả",
        inspectors="Lê Văn Minh"))
    page.refresh()
    assert "chưa khai báo danh sách thuộc diện kiểm tra" in page.summary.text()

    def declare(parent, service):
        dialog = SubjectsDialog(service)
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(qtbot, dialog.subjects, "Bộ phận Tiếp nhận và Trả kết quả")
        qtbot.keyClick(dialog.subjects, Qt.Key.Key_Return)
        type_text(qtbot, dialog.subjects, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.saved is None and "ghi hai lần" in dialog.errors["subjects"].text()
        assert InspectionService(context.db).subjects_to_inspect() == ()
        dialog.subjects.setPlainText("Bộ phận Tiếp nhận và Trả kết quả\nCông chức Tư pháp - Hộ tịch")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.saved

    monkeypatch.setattr(SubjectsDialog, "ask", declare)
    qtbot.keyClick(page, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert InspectionService(context.db).subjects_to_inspect() == (
        "Bộ phận Tiếp nhận và Trả kết quả", "Công chức Tư pháp - Hộ tịch")
    assert "1/2 thuộc diện kiểm tra, đạt 50" in page.summary.text()
