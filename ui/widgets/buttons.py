"""Standard buttons in Vietnamese (PySide6 ships no Vietnamese Qt catalogue), and named push buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

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


def named_button(text: str, name: str) -> QPushButton:
    """A push button with an object name (the tests and the style sheet find it by that name)."""
    button = QPushButton(text)
    button.setObjectName(name)
    return button
