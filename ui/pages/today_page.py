"""Việc hôm nay: the desk's queues (overdue, due today, due soon, waiting for supplement, results to hand over)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from cchc_desktop import formatting
from cchc_desktop.i18n import _
from cchc_desktop.services.today import TodayService
from ui.context import AppContext
from ui.models.dossier_table import DossierTableModel
from ui.pages.base import Page
from ui.widgets.dossier_table_view import dossier_table_view


class TodayPage(Page):
    name = "today"
    title = "Việc hôm nay"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = TodayService(context.db)
        self.date_label = QLabel()
        self.date_label.setObjectName("pageSubtitle")
        self.layout_.addWidget(self.date_label)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("todayQueues")
        self.layout_.addWidget(self.tabs, 1)
        self.models: dict[str, DossierTableModel] = {}
        for key, _title, wanted in self.service.filters():
            model = DossierTableModel(self.service.register)
            model.set_filter(wanted)
            view = dossier_table_view(model, name=f"queue_{key}")
            self.models[key] = model
            self.tabs.addTab(view, "")
        self.refresh()

    def refresh(self) -> None:
        self.date_label.setText(formatting.long_date(self.service.clock().date()).capitalize())
        for index, queue in enumerate(self.service.queues()):
            self.models[queue.key].set_filter(queue.filter)
            self.tabs.setTabText(index, _("{title} ({n})").format(title=queue.title, n=formatting.number(queue.count)))
