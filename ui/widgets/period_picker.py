"""A reporting period picked the way the chair and the officer think of it: a year, then the whole year, a
half, nine months, a quarter or a month of it. ``changed`` carries the period's key (``2024-Q2``)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from cchc_desktop.domain.periods import Period, parse_period
from cchc_desktop.i18n import _

ROMAN = ("I", "II", "III", "IV")


def period_choices(year: int) -> list[tuple[str, str]]:
    """(label, period key) of the periods looked at within ``year``."""
    choices = [(_("Cả năm"), f"{year}"), (_("6 tháng đầu năm"), f"{year}-H1"), (_("9 tháng đầu năm"), f"{year}-9M"),
               (_("6 tháng cuối năm"), f"{year}-H2")]
    choices += [(_("Quý {roman}").format(roman=ROMAN[q - 1]), f"{year}-Q{q}") for q in range(1, 5)]
    choices += [(_("Tháng {month}").format(month=m), f"{year}-{m:02d}") for m in range(1, 13)]
    return choices


class PeriodPicker(QWidget):
    changed = Signal(str)

    def __init__(self, start: Period, parent: QWidget | None = None, *, name: str = "period") -> None:
        super().__init__(parent)
        self.year = QSpinBox()
        self.year.setObjectName(f"{name}Year")
        self.year.setRange(2000, 2100)
        self.period = QComboBox()
        self.period.setObjectName(f"{name}Period")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(_("Kỳ")))
        row.addWidget(self.period)
        row.addWidget(QLabel(_("năm")))
        row.addWidget(self.year)
        self.select(start.key, notify=False)
        self.year.valueChanged.connect(self._year_changed)
        self.period.currentIndexChanged.connect(lambda _index: self.changed.emit(self.key()))

    def key(self) -> str:
        return str(self.period.currentData())

    def current(self) -> Period:
        return parse_period(self.key())

    def select(self, key: str, *, notify: bool = True) -> None:
        """Show the period ``key`` (``2024``, ``2024-Q2``, ``2024-05``…)."""
        period = parse_period(key)
        self.year.blockSignals(True)
        self.year.setValue(period.date_from.year)
        self.year.blockSignals(False)
        self._fill(period.key)
        if notify:
            self.changed.emit(self.key())

    def _fill(self, chosen: str) -> None:
        self.period.blockSignals(True)
        self.period.clear()
        for label, key in period_choices(self.year.value()):
            self.period.addItem(label, key)
        self.period.setCurrentIndex(max(self.period.findData(chosen), 0))
        self.period.blockSignals(False)

    def _year_changed(self) -> None:
        """The same part (quarter, month…) of the year now chosen."""
        self._fill(f"{self.year.value()}{self.key()[4:]}")
        self.changed.emit(self.key())
