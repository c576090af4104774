"""Danh mục: the procedure catalogue and the working calendar (the unit's days off and make-up days)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.records import CalendarOverride, OverrideKind
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.catalogue import list_procedures
from ui.context import AppContext
from ui.pages.base import Page
from ui.widgets.tables import fill, read_only_table

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class CataloguePage(Page):
    name = "catalogue"
    title = "Danh mục"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.calendar = context.calendar
        self.tabs = QTabWidget()
        self.layout_.addWidget(self.tabs, 1)

        self.procedures = read_only_table(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Thời hạn giải quyết",
                                  "Mức độ DVC trực tuyến", "Khi bổ sung", "Quyết định công bố"], "procedures")
        for column, width in enumerate((90, 520, 160, 140, 150, 100)):
            self.procedures.setColumnWidth(column, width)
        self.tabs.addTab(self.procedures, _("Thủ tục hành chính"))

        calendar_tab = QWidget()
        column = QVBoxLayout(calendar_tab)
        top = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setObjectName("calendarYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.day = QDateEdit()
        self.day.setObjectName("overrideDay")
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setCalendarPopup(True)
        self.day.setDate(QDate.currentDate())
        self.kind = QComboBox()
        self.kind.setObjectName("overrideKind")
        for kind in OverrideKind:
            self.kind.addItem(kind.label, kind.value)
        self.note = QLineEdit()
        self.note.setObjectName("overrideNote")
        self.note.setPlaceholderText(_("Căn cứ, ví dụ: Thông báo số 12/TB-UBND"))
        self.save_button = QPushButton(_("Lưu ngày"))
        self.save_button.setObjectName("saveOverride")
        self.remove_button = QPushButton(_("Bỏ ngày đã chọn"))
        self.remove_button.setObjectName("removeOverride")
        for label, widget in ((_("Năm"), self.year), (_("Ngày"), self.day), (None, self.kind)):
            if label:
                top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(self.note, 1)
        top.addWidget(self.save_button)
        top.addWidget(self.remove_button)
        column.addLayout(top)
        self.message = QLabel()
        self.message.setObjectName("calendarMessage")
        self.message.setProperty("role", "fieldError")
        column.addWidget(self.message)
        self.days = read_only_table(["Ngày", "Thứ", "Loại", "Ghi chú", "Nguồn"], "calendarDays")
        for index, width in enumerate((110, 90, 140, 420)):
            self.days.setColumnWidth(index, width)
        column.addWidget(self.days, 1)
        self.tabs.addTab(calendar_tab, _("Lịch làm việc"))

        self.year.valueChanged.connect(self.show_year)
        self.save_button.clicked.connect(self.save_override)
        self.remove_button.clicked.connect(self.remove_override)
        self.refresh()

    def refresh(self) -> None:
        fill(self.procedures, [[e.code, e.name, e.field, e.time_limit, e.online_level, e.supplement_rule,
                                 e.published_by] for e in list_procedures(self.context.db)])
        self.show_year()

    def show_year(self) -> None:
        self.shown = self.calendar.year(self.year.value())
        fill(self.days, [[
            formatting.short_date(item.day), _(WEEKDAYS[item.day.weekday()]), item.kind.label, item.note,
            _("Đơn vị") if item.source == "unit" else _("Quy định chung"),
        ] for item in self.shown])

    def save_override(self) -> None:
        wanted = CalendarOverride(self.day.date().toPython(), OverrideKind(self.kind.currentData()), self.note.text())
        try:
            saved = self.calendar.put(wanted)
        except ValidationError as exc:
            self.message.setText(" ".join(exc.errors.values()))
            return
        self.message.setText("")
        self.note.clear()
        self.year.setValue(saved.day.year)
        self.show_year()

    def remove_override(self) -> None:
        row = self.days.currentRow()
        if row < 0 or self.shown[row].source != "unit":
            self.message.setText(_("Chỉ bỏ được ngày do đơn vị khai báo (nguồn «Đơn vị»)."))
            return
        self.calendar.remove(self.shown[row].day)
        self.message.setText("")
        self.show_year()
