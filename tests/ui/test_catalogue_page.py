"""Danh mục: the catalogue is listed; a day off is added and removed through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.records import OverrideKind
from cchc_desktop.services.catalogue import load_reference_catalogue
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.catalogue_page import CataloguePage


def test_the_procedures_are_listed(window: MainWindow, context: AppContext) -> None:
    load_reference_catalogue(context.db)
    page = window.show_page("catalogue")
    assert isinstance(page, CataloguePage)
    page.refresh()
    names = [page.procedures.item(row, 1).text() for row in range(page.procedures.rowCount())]
    assert "Thủ tục đăng ký khai sinh" in names and len(names) >= 40


def test_a_day_off_is_added_then_removed(qtbot: QtBot, window: MainWindow, context: AppContext) -> None:
    """Added, the page left for another and opened again, then removed: the list the removal reads is the one
    shown (a page's own bookkeeping once overwrote it at the page's show)."""
    page = window.show_page("catalogue")
    assert isinstance(page, CataloguePage)
    page.tabs.setCurrentIndex(1)
    page.day.setDate(QDate(2025, 8, 29))
    page.kind.setCurrentIndex(page.kind.findData(OverrideKind.DAY_OFF.value))
    type_text(qtbot, page.note, "Nghỉ theo Thông báo số 12/TB-UBND")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.year.value() == 2025
    rows = {page.days.item(r, 0).text(): r for r in range(page.days.rowCount())}
    assert "29/08/2025" in rows
    row = rows["29/08/2025"]
    assert page.days.item(row, 1).text() == "Thứ Sáu"
    assert page.days.item(row, 4).text() == "Đơn vị"
    assert context.db.execute("SELECT kind, note FROM calendar_override").fetchall() == [
        ("day_off", "Nghỉ theo Thông báo số 12/TB-UBND")]

    qtbot.keyClick(window, "2", Qt.KeyboardModifier.ControlModifier)  # away to the desk and back (Ctrl+0)
    qtbot.keyClick(window, "0", Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is page and page.isVisible()
    page.days.selectRow(rows["02/09/2025"])  # the law's holiday cannot be removed here
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert "Chỉ bỏ được ngày do đơn vị khai báo" in page.message.text()
    page.days.selectRow(row)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert context.db.execute("SELECT count(*) FROM calendar_override").fetchone()[0] == 0


def test_a_make_up_day_without_its_basis_is_refused(qtbot: QtBot, window: MainWindow, context: AppContext) -> None:
    page = window.show_page("catalogue")
    assert isinstance(page, CataloguePage)
    page.kind.setCurrentIndex(page.kind.findData(OverrideKind.WORKDAY.value))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "căn cứ" in page.message.text()
    assert context.db.execute("SELECT count(*) FROM calendar_override").fetchone()[0] == 0


def test_a_procedures_checklist_is_written_on_the_page(qtbot: QtBot, window: MainWindow, context: AppContext) -> None:
    """Issue 18: the chosen procedure's checklist is edited one document a line and saved with Ctrl+S; a bad line
    is named and nothing changes; the list shows how many documents each procedure has."""
    load_reference_catalogue(context.db)
    page = window.show_page("catalogue")
    assert isinstance(page, CataloguePage)
    page.refresh()
    codes = [page.procedures.item(row, 0).text() for row in range(page.procedures.rowCount())]
    page.procedures.setCurrentCell(codes.index("2.000908"), 1)
    assert "2.000908" in page.checklist_title.text() and page.checklist_edit.toPlainText() == ""
    assert page.procedures.item(codes.index("2.000908"), 6).text() == "—"
    page.checklist_edit.setFocus()
    type_text(qtbot, page.checklist_edit, "Đơn đề nghị cấp bản sao từ sổ gốc")
    qtbot.keyClick(page.checklist_edit, Qt.Key.Key_Return)
    type_text(qtbot, page.checklist_edit, "Giấy tờ tùy thân (bản sao, 0 bản)")
    qtbot.keyClick(page.checklist_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.checklist_message.text() == "Chưa lưu: Dòng 2: Số lượng phải từ 1 đến 99."
    assert context.catalogue.checklist("2.000908") == ()
    for _ in range(len("0 bản)")):
        qtbot.keyClick(page.checklist_edit, Qt.Key.Key_Backspace)
    type_text(qtbot, page.checklist_edit, "2 bản)")
    qtbot.keyClick(page.checklist_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.checklist_message.text() == "Đã lưu 2 giấy tờ của thủ tục 2.000908."
    assert [(d.name, d.kind.value, d.count) for d in context.catalogue.checklist("2.000908")] == [
        ("Đơn đề nghị cấp bản sao từ sổ gốc", "original", 1), ("Giấy tờ tùy thân", "copy", 2)]
    assert page.procedures.item(codes.index("2.000908"), 6).text() == "2 giấy tờ"
    assert page.checklist_edit.toPlainText() == (
        "Đơn đề nghị cấp bản sao từ sổ gốc (bản chính)\nGiấy tờ tùy thân (bản sao, 2 bản)")


def test_the_desk_reads_a_checklist_but_cannot_change_it(window: MainWindow, context: AppContext) -> None:
    from cchc_desktop.domain.users import Role

    load_reference_catalogue(context.db)
    context.accounts.create("quantri", "Quản trị", Role.ADMIN, "matkhau-123")
    context.accounts.create("motcua", "Nguyễn Thị Hương", Role.DESK, "matkhau-123")
    context.accounts.sign_in("motcua", "matkhau-123")
    page = window.show_page("catalogue")
    assert isinstance(page, CataloguePage)
    page.refresh()
    codes = [page.procedures.item(row, 0).text() for row in range(page.procedures.rowCount())]
    page.procedures.setCurrentCell(codes.index("1.001193"), 1)
    assert page.checklist_edit.toPlainText().startswith("Tờ khai đăng ký khai sinh (bản chính)\n")
    assert page.checklist_edit.isReadOnly() and not page.save_checklist_button.isEnabled()
    assert "không có quyền" in page.save_checklist_button.toolTip()
