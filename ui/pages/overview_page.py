"""Tổng quan: for now the size of each register; the chair's charts arrive with the dashboard issue."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from cchc_desktop import formatting
from cchc_desktop.i18n import _
from cchc_desktop.services.overview import OverviewService
from ui.context import AppContext
from ui.pages.base import Page


class OverviewPage(Page):
    name = "dashboard"
    title = "Tổng quan"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = OverviewService(context.db)
        self.unit = QLabel()
        self.unit.setObjectName("pageSubtitle")
        self.layout_.addWidget(self.unit)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        note = QLabel(_("Biểu đồ tiến độ kế hoạch, hồ sơ, sự hài lòng và kỷ luật, kỷ cương sẽ hiển thị tại đây."))
        note.setObjectName("placeholderBody")
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.layout_.addStretch(1)
        self.values: dict[str, QLabel] = {}
        self.refresh()

    def refresh(self) -> None:
        self.unit.setText(self.context.settings.load().name or _("Chưa khai báo đơn vị (xem trang Cài đặt)"))
        for label, count in self.service.overview().counts:
            if label not in self.values:
                value = QLabel()
                value.setObjectName("overviewValue")
                self.values[label] = value
                self.form.addRow(label + ":", value)
            self.values[label].setText(formatting.number(count))
