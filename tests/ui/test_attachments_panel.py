"""A dossier's page, tab «Bản quét, số hóa»: files chosen or dropped are attached to the paper chosen, opened with
Enter, removed with «Gỡ tệp»; a file that is not a scan is refused with a Vietnamese message and nothing written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.dossiers import DossierDocument, EventKind
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.reception import NewDossier, ReceptionService
from tests.unit.test_attachments import scan
from ui import desktop, messages
from ui.context import AppContext
from ui.dialogs.dossier_dialog import DossierDialog
from ui.main_window import MainWindow

# On a server's database too (issue 22): the tab is there, its scans kept in the server's database.
pytestmark = pytest.mark.backends


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow, context: AppContext) -> DossierDialog:
    """The dossier's page as the register opens it (two documents listed at the desk)."""
    load_reference_catalogue(context.db)
    desk = ReceptionService(context.db, clock=lambda: datetime(2025, 9, 15, 9, 30))
    code = desk.register(NewDossier(
        procedure_code="1.000689", applicant_name="Đặng Thị Hồng",
        documents=(DossierDocument("Tờ khai đăng ký khai sinh"), DossierDocument("Giấy chứng sinh")))).code
    desk.transition(code, EventKind.TRANSFERRED)
    desk.transition(code, EventKind.RESULT_READY)
    register = window.show_page("register")
    dialog = register.dossier_dialog(code)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def flags(context: AppContext, code: str) -> tuple[int, int]:
    return context.db.execute("SELECT digitized, result_digitized FROM dossier WHERE code = ?", [code]).fetchone()


def drop(widget: DossierDialog, *paths: Path) -> None:
    """Files dragged from the file manager onto the page, as Qt delivers it: the drag enters (and must be
    accepted), then the drop."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    assert QApplication.sendEvent(widget, event)


def test_files_chosen_and_dropped_are_attached_opened_and_removed(
        qtbot: QtBot, page: DossierDialog, context: AppContext, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    files = page.files
    assert files is not None
    assert page.tabs.tabText(1) == "Bản &quét, số hóa (0)"
    form, birth, result = scan(tmp_path, "to-khai.pdf"), scan(tmp_path, "chung-sinh.png", "png"), scan(
        tmp_path, "trich-luc.pdf")
    # The keyboard: Alt+Q opens the tab, Alt+V is «Đính kèm vào», the first document chosen, Alt+H «Thêm tệp…».
    qtbot.keyClick(page, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentWidget() is files
    qtbot.keyClick(page, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert files.target.hasFocus()
    assert [files.target.itemText(i) for i in range(files.target.count())] == [
        "Thành phần 1: Tờ khai đăng ký khai sinh", "Thành phần 2: Giấy chứng sinh", "Kết quả giải quyết"]
    monkeypatch.setattr(messages, "choose_files", lambda parent, title, filters: [form])
    qtbot.keyClick(page, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: files.table.rowCount() == 1)  # (a mnemonic clicks as the button's animation ends)
    assert files.table.item(0, 0).text() == "Tờ khai đăng ký khai sinh"
    assert files.status.text() == "Đã số hóa 1/2 thành phần; kết quả: chưa"
    assert page.tabs.tabText(1) == "Bản &quét, số hóa (1)"
    # Dropped on the page: the second document, then the result.
    qtbot.keyClick(files.target, Qt.Key.Key_Down)
    drop(page, birth)
    assert flags(context, page.code) == (1, 0)
    files.target.setCurrentIndex(files.target.findData(0))
    drop(page, result)
    assert flags(context, page.code) == (1, 1)
    assert files.status.text() == "Đã số hóa 2/2 thành phần; kết quả: đã số hóa"
    assert [files.table.item(row, 1).text() for row in range(3)] == ["to-khai.pdf", "chung-sinh.png", "trich-luc.pdf"]
    # Enter on a row opens it with the system's viewer: the very bytes attached.
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    files.table.setFocus()
    files.table.setCurrentCell(1, 0)
    qtbot.keyClick(files.table, Qt.Key.Key_Return)
    assert len(opened) == 1 and opened[0].read_bytes() == birth.read_bytes()
    # «Bỏ đính kèm» (Alt+B) after a confirmation.
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text: True)
    qtbot.keyClick(page, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: files.table.rowCount() == 2)
    assert flags(context, page.code) == (0, 1)
    assert page.tabs.tabText(1) == "Bản &quét, số hóa (2)"


def test_a_dropped_file_that_is_not_a_scan_is_refused_in_vietnamese(
        page: DossierDialog, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, details="": errors.append(text))
    note = tmp_path / "ghi chú.txt"
    note.write_text("không phải bản quét", encoding="utf-8")
    good = scan(tmp_path, "to-khai.pdf")
    drop(page, note, good)  # the good one is still attached
    assert len(errors) == 1 and "«" + str(note) + "» không phải PDF, JPEG hay PNG" in errors[0]
    assert context.db.execute("SELECT name FROM attachment").fetchall() == [("to-khai.pdf",)]
