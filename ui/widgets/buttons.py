"""Standard buttons in Vietnamese (PySide6 ships no Vietnamese Qt catalogue), and named push buttons."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QDialog, QDialogButtonBox, QPushButton

from cchc_desktop.i18n import _

# Names of Qt's standard buttons (the same in QMessageBox and QDialogButtonBox) and their texts.
TEXTS = {"Ok": "Đồng ý", "Cancel": "Hủy", "Close": "Đóng", "Yes": "Có", "No": "Không", "Save": "Lưu"}


def translate(box: QDialogButtonBox) -> QDialogButtonBox:
    for name, text in TEXTS.items():
        button = box.button(getattr(QDialogButtonBox.StandardButton, name))
        if button is not None:
            button.setText(_(text))
    return box


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """«Đồng ý» accepts the dialog, «Hủy» rejects it."""
    box = translate(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class _EnterClicks(QObject):
    """Enter on a focused button presses it (Qt presses a page's button only with Space; in a dialog Enter
    presses the default button instead, which is not the one the officer tabbed to)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QAbstractButton) and isinstance(
                event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if watched.isEnabled():
                watched.click()
            return True
        return False


def enter_clicks(*buttons: QAbstractButton) -> None:
    """Let Enter press each of ``buttons`` when it has the focus."""
    for button in buttons:
        clicks = _EnterClicks(button)
        button.installEventFilter(clicks)


def named_button(text: str, name: str) -> QPushButton:
    """A push button with an object name (the tests and the style sheet find it by that name)."""
    button = QPushButton(text)
    button.setObjectName(name)
    return button
