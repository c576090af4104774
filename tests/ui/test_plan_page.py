"""Kế hoạch CCHC as the reform officer uses it: the plan's decision, tasks typed in and completed, last
year's tasks copied, a file imported, directive documents; bad input named beside its field."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.plans import ReformArea, TaskStatus
from cchc_desktop.services.plans import PlanService, TaskInput
from tests.ui.keyboard import type_text
from ui import messages
from ui.context import AppContext
from ui.dialogs.plan_dialogs import DocumentDialog, PlanDialog, TaskDialog
from ui.main_window import MainWindow
from ui.pages.plan_page import PlanPage

NOW = datetime(2024, 6, 4, 9, 30)


@pytest.fixture
def page(window: MainWindow, context: AppContext) -> PlanPage:
    shown = window.show_page("plan")
    assert isinstance(shown, PlanPage)
    context.clock = lambda: NOW
    shown.year.setValue(2024)
    shown.refresh()
    return shown


def fill(qtbot: QtBot, dialog, values: dict[str, str]):
    """Type into the dialog's fields by key and press «Lưu»; the dialog (still open when refused)."""
    qtbot.addWidget(dialog)
    dialog.show()
    for key, text in values.items():
        widget = dialog.findChild(object, key)
        widget.clear()
        type_text(qtbot, widget, text)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return dialog


def test_the_plan_is_created_then_tasks_typed_in_and_completed(qtbot: QtBot, page: PlanPage,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Chưa có kế hoạch CCHC năm 2024" in page.summary.text()
    assert not page.add_button.isEnabled()
    monkeypatch.setattr(PlanDialog, "ask", lambda parent, service, year: fill(
        qtbot, PlanDialog(service, year), {"decision_number": "01/QĐ-UBND", "decision_date": "02/01/2024"}).saved)
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    assert "Quyết định số 01/QĐ-UBND ngày 02/01/2024" in page.summary.text()
    assert page.add_button.isEnabled()

    dialogs: list[TaskDialog] = []

    def add(parent, service, year, task=None, *, area=None):
        dialog = TaskDialog(service, year, task, area=area)
        dialogs.append(dialog)
        dialog.area.setCurrentIndex(dialog.area.findData(int(ReformArea.PROCEDURES)))
        return fill(qtbot, dialog, {"title": "Niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa",
                                    "lead": "Văn phòng - Thống kê", "deadline": "30/06/2024"}).saved

    monkeypatch.setattr(TaskDialog, "ask", add)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 1
    assert page.model.index(0, 0).data() == "1"
    assert page.model.index(0, 2).data() == "2. Cải cách thủ tục hành chính"
    assert page.message.text() == "Đã thêm nhiệm vụ 1."

    page.table.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    task = PlanService(page.context.db).tasks(2024)[0]
    assert (task.status, task.completed_on) == (TaskStatus.DONE, date(2024, 6, 4))
    assert page.model.index(0, 6).data() == "Hoàn thành"
    assert "1/1 nhiệm vụ đã hoàn thành" in page.summary.text()


def test_a_bad_task_stays_in_its_form_with_each_field_named(qtbot: QtBot, page: PlanPage) -> None:
    page.service.save_plan(year=2024)
    page.service.add_task(year=2024, task=TaskInput(title="Có sẵn", area=ReformArea.DIRECTION, number="1"))
    dialog = fill(qtbot, TaskDialog(page.service, 2024), {
        "number": "1", "deadline": "15/01/2025", "completed_on": "31/02/2024"})
    assert dialog.saved is None and dialog.isVisible()
    assert dialog.errors["completed_on"].text().startswith("Ngày «31/02/2024» không hợp lệ")
    dialog = fill(qtbot, TaskDialog(page.service, 2024), {"number": "1", "deadline": "15/01/2025"})
    errors = {key: dialog.errors[key].text() for key in ("title", "area", "deadline", "number")}
    assert errors["title"] == "Nội dung nhiệm vụ không được để trống."
    assert errors["area"] == "Chưa chọn lĩnh vực cải cách hành chính."
    assert errors["deadline"] == "Thời hạn 15/01/2025 không thuộc năm kế hoạch 2024."
    assert errors["number"] == "Số thứ tự «1» đã có trong kế hoạch năm 2024."
    assert len(page.service.tasks(2024)) == 1


def test_last_years_tasks_start_the_new_plan(qtbot: QtBot, page: PlanPage, monkeypatch: pytest.MonkeyPatch) -> None:
    page.service.save_plan(year=2023)
    for number, title in (("1", "Ban hành kế hoạch CCHC"), ("2", "Kiểm tra công vụ")):
        page.service.add_task(year=2023, task=TaskInput(title=title, area=ReformArea.DIRECTION, number=number,
                                                        deadline=date(2023, 2, 28), status=TaskStatus.DONE,
                                                        completed_on=date(2023, 2, 1)))
    monkeypatch.setattr(messages, "ask_year", lambda parent, title, text, value: value)
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 2
    assert page.model.index(1, 1).data() == "Kiểm tra công vụ"
    assert page.model.index(1, 5).data() == "28/02/2024"
    assert page.model.index(1, 6).data() == "Chưa thực hiện — quá hạn"  # its new deadline has passed
    assert page.message.text().startswith("Đã sao chép 2 nhiệm vụ của năm 2023 sang năm 2024")
    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, **kwargs: errors.append(text))
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)  # the plan has tasks now: refused
    assert errors and "đã có 2 nhiệm vụ" in errors[0] and page.model.rowCount() == 2


def test_tasks_are_imported_from_a_file_or_every_bad_row_is_told(qtbot: QtBot, page: PlanPage, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "kehoach.csv"
    good.write_text("Số TT,Nội dung nhiệm vụ,Lĩnh vực CCHC,Thời hạn,Tình trạng,Ngày hoàn thành\n"
                    "1,Ban hành kế hoạch CCHC năm 2024,0,15/01/2024,Hoàn thành,10/01/2024\n"
                    "2,Rà soát văn bản quy phạm pháp luật,Cải cách thể chế,30/06/2024,Đang thực hiện,\n",
                    encoding="utf-8")
    bad = tmp_path / "loi.csv"
    bad.write_text("Số TT,Nội dung nhiệm vụ,Lĩnh vực CCHC,Thời hạn\n3,,0,15/01/2024\n", encoding="utf-8")
    chosen = iter([bad, good])
    monkeypatch.setattr(messages, "choose_file", lambda *args: next(chosen))
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, details="": errors.append((text, details)))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert errors[0][0] == "Không nhập dòng nào: tệp có 1 dòng lỗi. Hãy sửa rồi nhập lại."
    assert "Dòng 2, cột «Nội dung nhiệm vụ»" in errors[0][1]
    assert page.model.rowCount() == 0
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 2
    assert page.message.text() == "Đã nhập 2 nhiệm vụ mới, cập nhật 0 nhiệm vụ (0 không đổi)."
    page.area.setCurrentIndex(page.area.findData(int(ReformArea.INSTITUTIONS)))
    assert page.model.rowCount() == 1 and page.model.index(0, 1).data() == "Rà soát văn bản quy phạm pháp luật"


def test_a_directive_document_is_registered(qtbot: QtBot, page: PlanPage, monkeypatch: pytest.MonkeyPatch) -> None:
    refused: list[DocumentDialog] = []

    def add(parent, service, document=None, *, day=None):
        dialog = fill(qtbot, DocumentDialog(service, document, day=day), {"number": "15/KH-UBND"})
        refused.append(dialog)
        assert dialog.errors["title"].isVisible()  # the summary is required
        return fill(qtbot, dialog, {"title": "Kế hoạch tuyên truyền cải cách hành chính năm 2024"}).saved

    monkeypatch.setattr(DocumentDialog, "ask", add)
    page.tabs.setCurrentIndex(1)
    qtbot.mouseClick(page.add_document_button, Qt.MouseButton.LeftButton)
    assert page.document_table.rowCount() == 1
    assert page.document_table.item(0, 0).text() == "15/KH-UBND"
    assert page.document_table.item(0, 1).text() == "04/06/2024"
    assert page.documents_label.text() == "1 văn bản chỉ đạo CCHC ban hành trong năm 2024"
