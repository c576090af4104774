"""A day that may be left empty (a deadline not set, a task not completed): typed as dd/mm/yyyy.

QDateEdit cannot be empty; this line edit can. ``day()`` raises ValueError with the Vietnamese message
for text that is not a day, so the form shows it beside the field like any service error.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLineEdit, QWidget

from cchc_desktop import formatting
from cchc_desktop.i18n import _


class DateField(QLineEdit):
    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("dd/mm/yyyy"))
        self.setMaxLength(10)
        self.set_day(value)

    def set_day(self, value: date | None) -> None:
        self.setText(formatting.short_date(value))

    def day(self) -> date | None:
        return formatting.parse_day(self.text())
