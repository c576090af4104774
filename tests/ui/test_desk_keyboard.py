"""The desk at the keyboard (issue 18): Ctrl+number puts the cursor in the page's first field, typing in the page
list opens nothing, Tab from the list of documents reaches «Lưu hồ sơ» and Enter presses it, Ctrl+Enter saves from
any field, and the saved code stands out, apart from the next one. Every key goes to the widget that has the
focus, as a desk officer's keyboard sends it; nothing here clicks or sets the focus."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from cchc_desktop.services.catalogue import load_reference_catalogue
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.main_window import PAGE_NAMES, MainWindow
from ui.pages.reception_page import ReceptionPage

NOW = datetime(2024, 6, 4, 9, 30)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard"
    return widget


def key(qtbot: QtBot, code: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), code, modifier)


def type_here(qtbot: QtBot, expected: QWidget, text: str) -> None:
    """Type into the focused widget, which must be ``expected`` (no focus is set by the test)."""
    assert focused() is expected, f"the keyboard is on {focused().objectName()!r}, not {expected.objectName()!r}"
    type_text(qtbot, expected, text)


@pytest.fixture
def desk(qtbot: QtBot, window: MainWindow, context: AppContext) -> MainWindow:
    load_reference_catalogue(context.db)
    context.clock = lambda: NOW
    with qtbot.waitActive(window):
        window.activateWindow()
    window.nav.setFocus()  # as after a start: the page list has the keyboard
    return window


def test_ctrl_number_puts_the_cursor_in_the_first_field_and_typing_in_the_list_opens_nothing(
        qtbot: QtBot, desk: MainWindow) -> None:
    before = desk.current_page().name
    for letter in (Qt.Key.Key_K, Qt.Key.Key_H):  # «kh…»: once opened «Khảo sát hài lòng»
        key(qtbot, letter)
    assert desk.current_page().name == before
    key(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = desk.current_page()
    assert isinstance(page, ReceptionPage) and PAGE_NAMES.index("reception") == 1
    assert focused() is page.procedure_edit


def test_a_dossier_registered_with_the_keyboard_alone(qtbot: QtBot, desk: MainWindow) -> None:
    key(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = desk.current_page()
    assert isinstance(page, ReceptionPage)
    type_here(qtbot, page.procedure_edit, "1.000689")
    key(qtbot, Qt.Key.Key_Return)  # the first suggestion: the cursor goes on to the name
    type_here(qtbot, page.inputs["applicant_name"], "Nguyễn Văn Ấn")
    assert "Mã hồ sơ tiếp theo: <b>000.21.31.H56-240604-0001</b>" in page.preview_label.text()
    while focused() is not page.documents:  # Tab through the other fields to the list of documents
        key(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, page.documents, "Tờ khai đăng ký khai sinh")
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.save_button
    with qtbot.waitSignal(page.registered) as saved:
        key(qtbot, Qt.Key.Key_Return)
    assert saved.args[0] == "000.21.31.H56-240604-0001"
    assert page.saved_banner.isVisible()
    assert "Đã lưu: <b>000.21.31.H56-240604-0001</b>" in page.saved_banner.text()
    assert "Mã hồ sơ tiếp theo: <b>000.21.31.H56-240604-0002</b>" in page.preview_label.text()
    assert focused() is page.inputs["applicant_name"]  # ready for the next citizen, same procedure

    type_here(qtbot, page.inputs["applicant_name"], "Lê Thị Bình")
    while focused() is not page.documents:
        key(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, page.documents, "Tờ khai")
    with qtbot.waitSignal(page.registered) as again:
        key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter from the documents
    assert again.args[0] == "000.21.31.H56-240604-0002"
    assert "Đã lưu: <b>000.21.31.H56-240604-0002</b>" in page.saved_banner.text()


def test_a_survey_form_keyed_from_the_page_list(qtbot: QtBot, desk: MainWindow, context: AppContext) -> None:
    """Ctrl+5: the date has the cursor; Tab reaches the method and the dossier code, then the ratings (Tab went
    code → kiosk → «Lưu» → the list of forms); Enter on a picked code goes on to the ratings and saves nothing;
    an error goes as soon as its field is typed in again; Tab leaves the list of forms."""
    from ui.pages.surveys_page import SurveysPage

    page = desk.open_page("surveys")  # what Ctrl+5 does (PAGE_NAMES order)
    assert isinstance(page, SurveysPage) and PAGE_NAMES.index("surveys") == 4
    page.taken_on.set_day(NOW.date())
    assert focused() is page.taken_on
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.method
    key(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, page.dossier, "9999")
    key(qtbot, Qt.Key.Key_Return)
    assert focused() is page.overall
    assert context.db.execute("SELECT count(*) FROM survey").fetchone()[0] == 0
    page.dossier.clear()
    key(qtbot, Qt.Key.Key_Return)  # Enter in the empty overall box: saved? No: the overall rating is required
    assert page.errors["overall"].isVisible()
    key(qtbot, Qt.Key.Key_4)
    assert not page.errors["overall"].isVisible()  # fixed: the message is gone at once
    for _box in page.boxes:
        key(qtbot, Qt.Key.Key_5)
    assert focused() is page.comment
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.save_button
    key(qtbot, Qt.Key.Key_Return)
    assert context.db.execute("SELECT overall, count(*) FROM survey s JOIN survey_answer a ON a.survey_id = s.id"
                              ).fetchone() == (4, len(page.boxes))
    page.recent.setFocus()
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is not page.recent  # a read-only table is left with Tab, not walked cell by cell


def test_error_messages_have_room_for_their_lines(qtbot: QtBot, desk: MainWindow) -> None:
    """Issue 18: a long message under a field is shown whole (the survey date's was cut top and bottom)."""
    from ui.pages.surveys_page import SurveysPage

    desk.resize(1366, 728)
    page = desk.open_page("surveys")
    assert isinstance(page, SurveysPage)
    page.taken_on.setText("31/02/2024")
    page.save()
    reception = desk.open_page("reception")
    assert isinstance(reception, ReceptionPage)
    reception.inputs["applicant_id"].setText("12345")
    reception.save()
    for shown in (page, reception):
        desk.show_page(shown.name)
        labels = [label for label in shown.errors.labels.values() if label.isVisibleTo(shown)]
        assert labels, shown.name

        def whole(labels: list = labels) -> bool:
            return all(label.height() >= label.heightForWidth(label.width()) for label in labels)

        qtbot.waitUntil(whole)  # once the layout has settled (it never did for the narrow survey date)


class Keys:
    """Keys sent to the widget that has the focus (or to the active dialog), counted."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot, self.count = qtbot, 0

    def press(self, code: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.count += 1
        self.qtbot.keyClick(focused(), code, modifier)

    def type(self, expected: QWidget, text: str) -> None:
        self.count += len(text)
        type_here(self.qtbot, expected, text)


def test_register_print_find_and_return_with_the_keyboard_alone(
        qtbot: QtBot, desk: MainWindow, context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """The desk's whole round with keys only, counted: register (Ctrl+2, procedure, Enter, name, Enter), print
    the receipt (F9), find the dossier in the register (Ctrl+3, its code, Enter) and open it (Enter), move it on
    with Alt+letters up to «Trả kết quả» (who collected: asked), close (Esc). No key lands where it was not
    meant to (each typed text checks the focus first), and the count stays small."""
    from pathlib import Path

    from PySide6.QtCore import QTimer

    from cchc_desktop.domain.dossiers import DossierStatus, EventKind
    from ui import desktop
    from ui.dialogs import dossier_dialog
    from ui.pages.register_page import RegisterPage

    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    monkeypatch.setattr(dossier_dialog.ReturnDialog, "ask", classmethod(
        lambda cls, parent, applicant: f"Người nhận: {applicant} (Người nộp nhận trực tiếp)"))
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    reception = desk.current_page()
    assert isinstance(reception, ReceptionPage)
    keys.type(reception.procedure_edit, "1.000689")
    keys.press(Qt.Key.Key_Return)
    keys.type(reception.inputs["applicant_name"], "Nguyễn Văn Ấn")
    with qtbot.waitSignal(reception.registered) as saved:
        keys.press(Qt.Key.Key_Return)
    code = saved.args[0]
    keys.press(Qt.Key.Key_F9)
    assert len(opened) == 1 and opened[0].read_bytes()[:5] == b"%PDF-"

    keys.press(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    register = desk.current_page()
    assert isinstance(register, RegisterPage)
    keys.type(register.search, code)
    keys.press(Qt.Key.Key_Return)  # the list now, the keyboard on its first row
    assert focused() is register.table and register.model.row_at(0).code == code

    done: list[DossierStatus] = []

    def in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, dossier_dialog.DossierDialog)
        dialog.activateWindow()  # (offscreen has no window manager to do it)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        steps = ((EventKind.TRANSFERRED, DossierStatus.IN_PROGRESS),
                 (EventKind.RESULT_READY, DossierStatus.RESULT_READY), (EventKind.RETURNED, DossierStatus.RETURNED))
        for event, status in steps:
            letter = dialog.step_buttons[event].text().split("&")[1][0].upper()
            keys.count += 1
            qtbot.keyClick(dialog, getattr(Qt.Key, f"Key_{letter}"), Qt.KeyboardModifier.AltModifier)
            # a mnemonic presses its button as a click is animated: a moment later
            qtbot.waitUntil(lambda status=status: dialog.view.status is status)
        done.append(dialog.view.status)
        keys.count += 1
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, in_the_dialog)
    keys.press(Qt.Key.Key_Return)  # opens the dossier (the dialog runs until Esc)
    assert done == [DossierStatus.RETURNED]
    row = context.db.execute("SELECT status FROM dossier WHERE code = ?", [code]).fetchone()
    assert row == ("returned",)
    typed = len("1.000689") + len("Nguyễn Văn Ấn") + len(code)
    assert keys.count - typed == 11  # Ctrl+2, Enter ×2, F9, Ctrl+3, Enter ×2, Alt ×3, Esc (the README says 11)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is register.table)  # back on the list, window active
    keys.press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # and on to the next citizen
    assert desk.current_page() is reception and focused() is reception.procedure_edit


def test_the_procedures_checklist_is_ticked_with_the_keyboard(
        qtbot: QtBot, desk: MainWindow, context: AppContext) -> None:
    """Issue 18: the procedure's checklist shows when it is picked; Tab reaches it, Space ticks the document under
    the cursor, the arrows move, Tab goes on to «Giấy tờ khác» (a kind in brackets), Ctrl+Enter saves. The ticked
    documents are stored with their kind (originals stay originals), the unticked one is not; a bad typed line is
    named and nothing is saved; the ticks are cleared for the next citizen."""
    key(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = desk.current_page()
    assert isinstance(page, ReceptionPage)
    assert not page.checklist.isVisible()
    type_here(qtbot, page.procedure_edit, "1.000656")  # khai tử: two documents in the shipped checklist
    key(qtbot, Qt.Key.Key_Return)
    assert page.checklist.isVisible() and page.checklist.count() == 2
    assert page.checklist.item(0).text() == "Tờ khai đăng ký khai tử — Bản chính"
    assert page.documents_label.text() == "Giấy tờ khác"
    type_here(qtbot, page.inputs["applicant_name"], "Phạm Văn Công")
    while focused() is not page.checklist:
        key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Space)  # the first document
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Space)  # the second
    key(qtbot, Qt.Key.Key_Space)  # …and off again: the citizen did not bring it
    assert page.checklist.ticked_rows() == [0]
    key(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, page.documents, "Trích lục khai tử cũ (0 bản)")
    key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.errors["documents"].isVisible()
    assert page.errors["documents"].text() == "Dòng 1: Số lượng phải từ 1 đến 99."
    assert context.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
    page.documents.selectAll()
    type_here(qtbot, page.documents, "Giấy tờ tùy thân của người đi khai tử (bản sao)")
    with qtbot.waitSignal(page.registered) as saved:
        key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    stored = context.db.execute(
        "SELECT name, kind, count FROM dossier_document WHERE dossier_id = (SELECT id FROM dossier WHERE code = ?)"
        " ORDER BY id", [saved.args[0]]).fetchall()
    assert stored == [("Tờ khai đăng ký khai tử", "original", 1),
                      ("Giấy tờ tùy thân của người đi khai tử", "copy", 1)]
    assert page.checklist.ticked_rows() == [] and page.checklist.isVisible()  # ready for the next citizen

    from ui.dialogs.dossier_dialog import DossierDialog  # the dossier's page lists them
    dialog = DossierDialog(context.reception, context.printing, saved.args[0])
    qtbot.addWidget(dialog)
    summary = dialog.summary.text()
    assert "1. Tờ khai đăng ký khai tử — Bản chính<br>2. Giấy tờ tùy thân của người đi khai tử — Bản sao" in summary


def test_the_ticks_are_kept_in_the_draft(qtbot: QtBot, desk: MainWindow, context: AppContext) -> None:
    key(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = desk.current_page()
    assert isinstance(page, ReceptionPage)
    type_here(qtbot, page.procedure_edit, "1.001193")
    key(qtbot, Qt.Key.Key_Return)
    type_here(qtbot, page.inputs["applicant_name"], "Hà Thị Lan")
    page.checklist.item(1).setCheckState(Qt.CheckState.Checked)
    data = page.draft_data()
    assert data is not None and data["ticked"] == [1]
    page.clear_applicant()
    assert page.checklist.ticked_rows() == []
    page.restore_draft(data)
    assert page.checklist.ticked_rows() == [1] and page.inputs["applicant_name"].text() == "Hà Thị Lan"
