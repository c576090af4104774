"""Vietnamese everywhere, Qt's own texts included (issue 18): the text fields' context menu, «Show Details…» of an
error with details, the input and file dialogs, and every button and menu of the main window's pages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ui import messages
from ui.main_window import PAGE_NAMES, MainWindow

ENGLISH = {"ok", "cancel", "undo", "redo", "cut", "copy", "paste", "delete", "select all", "show details...",
           "hide details...", "yes", "no", "close", "save", "open", "apply", "look in:", "file name:",
           "files of type:", "back", "forward", "parent directory", "create new folder", "detail view", "list view"}


def english(texts: list[str]) -> list[str]:
    """The texts that are one of Qt's English standard texts (mnemonic «&» and shortcut after a tab dropped)."""
    return [text for text in texts if text.replace("&", "").split("\t")[0].strip().lower() in ENGLISH]


def visible_texts(widget: QWidget) -> list[str]:
    texts = [button.text() for button in widget.findChildren(QAbstractButton) if button.isVisible()]
    texts += [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    texts += [button.toolTip() for button in widget.findChildren(QAbstractButton) if button.isVisible()]
    return [text for text in texts if text]


def test_a_text_the_table_does_not_know_stays_as_qt_wrote_it(window: MainWindow) -> None:
    """Not blank: an empty answer would wipe every Qt text the table lacks (and break its «%1»)."""
    assert QCoreApplication.translate("QFileDialog", "Show ") == "Show "
    assert QCoreApplication.translate("QWidget", "%1 of %2") == "%1 of %2"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit])
def test_the_text_fields_context_menu_is_vietnamese(window: MainWindow, kind: type[QWidget]) -> None:
    field = kind()
    menu: QMenu = field.createStandardContextMenu()
    texts = [action.text().split("\t")[0] for action in menu.actions() if not action.isSeparator()]
    assert english(texts) == [] and "&Dán" in texts and "Chọn tất cả" in texts


def test_an_error_with_details_and_the_year_dialog_speak_vietnamese(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[list[str]] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            ours = isinstance(widget, QMessageBox | QDialogButtonBox) or widget.inherits("QInputDialog")
            if ours and widget.isVisible():
                seen.append(visible_texts(widget))
                widget.close()

    QTimer.singleShot(0, look)
    messages.error(window, "Không nhập được tệp.", details="Dòng 3, cột «Ngày tiếp nhận»: …")
    QTimer.singleShot(0, look)
    messages.ask_year(window, "Năm kế hoạch", "Năm:", 2026)
    assert len(seen) == 2 and all(seen)
    assert english([text for texts in seen for text in texts]) == []
    assert "Xem chi tiết…" in seen[0] and "Đóng" in seen[0]
    assert "Đồng ý" in seen[1] and "Hủy" in seen[1]


@pytest.mark.parametrize("mode", [QFileDialog.AcceptMode.AcceptOpen, QFileDialog.AcceptMode.AcceptSave])
def test_the_file_dialog_speaks_vietnamese(qtbot: QtBot, window: MainWindow, mode: QFileDialog.AcceptMode) -> None:
    """On Linux without a desktop's own dialog, Qt draws its file dialog (the commune PCs on Windows get the
    system's own, in the system's language)."""
    dialog = QFileDialog(window)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(mode)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = visible_texts(dialog)
    assert english(texts) == [], english(texts)
    assert {"&Tìm trong:", "&Tên tệp:", "Hủy"} <= set(texts)
    assert ("&Lưu" if mode is QFileDialog.AcceptMode.AcceptSave else "&Mở") in texts


def test_no_button_or_menu_of_the_window_says_a_qt_english_word(qtbot: QtBot, window: MainWindow) -> None:
    found = []
    for name in PAGE_NAMES:
        page = window.show_page(name)
        qtbot.wait(1)
        texts = visible_texts(page)
        texts += [action.text() for menu in window.findChildren(QMenu) for action in menu.actions()]
        found += [f"{name}: {text}" for text in english(texts)]
    assert found == []
