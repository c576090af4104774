"""One digit 1–5 of a survey form: a digit typed moves on to the next box, Backspace in an empty box goes
back, so a paper form is keyed with the digits alone."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from cchc_desktop.i18n import _


class ScoreBox(QLineEdit):
    """``submitted`` on Enter, empty or not (QLineEdit's returnPressed waits for an acceptable digit)."""

    filled = Signal()
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(1)
        self.setFixedWidth(34)
        self.setValidator(QRegularExpressionValidator(QRegularExpression("[1-5]"), self))
        self.setPlaceholderText("·")
        self.setToolTip(_("1 Rất không hài lòng · 2 Không hài lòng · 3 Bình thường · 4 Hài lòng · 5 Rất hài lòng"))
        self.textEdited.connect(self._edited)

    def score(self) -> int | None:
        return int(self.text()) if self.text() else None

    def _edited(self, text: str) -> None:
        if text:
            self.filled.emit()
            self.focusNextChild()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Backspace and not self.text():
            self.focusPreviousChild()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        super().keyPressEvent(event)
