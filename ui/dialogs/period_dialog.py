"""Asks for a range of dates (from, to), Vietnamese buttons, dd/MM/yyyy."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QFormLayout, QWidget

from cchc_desktop.i18n import _
from ui.widgets.buttons import ok_cancel


class PeriodDialog(QDialog):
    def __init__(self, title: str, first: date, last: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QFormLayout(self)
        self.first = QDateEdit(QDate(first))
        self.last = QDateEdit(QDate(last))
        for edit in (self.first, self.last):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        layout.addRow(_("Từ ngày"), self.first)
        layout.addRow(_("Đến ngày"), self.last)
        layout.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, first: date, last: date) -> tuple[date, date] | None:
        """The range chosen, or None when cancelled. Tests replace this."""
        dialog = cls(title, first, last, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.first.date().toPython(), dialog.last.date().toPython()
