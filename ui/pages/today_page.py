"""Việc hôm nay: the desk's queues (overdue, due today, due soon, waiting for supplement, results to hand over)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QWidget

from cchc_desktop import formatting
from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.papers import papers_folder
from ui import messages, paper
from ui.context import AppContext
from ui.models.dossier_table import DossierTableModel
from ui.pages.base import Page
from ui.widgets.dossier_table_view import dossier_table_view


class TodayPage(Page):
    name = "today"
    title = "Việc hôm nay"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.today
        self.date_label = QLabel()
        self.date_label.setObjectName("pageSubtitle")
        top = QHBoxLayout()
        top.addWidget(self.date_label, 1)
        self.print_button = QPushButton(_("In danh sách (Ctrl+P)"))
        self.print_button.setObjectName("printWorkList")
        self.print_button.clicked.connect(self.print_list)
        # The page's own shortcut: the button's (setShortcut) never fired from the keyboard, a page-level one does
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_list)
        top.addWidget(self.print_button)
        self.layout_.addLayout(top)
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

    def print_list(self) -> Path | None:
        path = papers_folder() / f"viec-hom-nay-{self.service.clock():%Y%m%d}.pdf"
        try:
            self.service.print_list(path)
            paper.deliver(self, path, title=_("Danh sách việc hôm nay"))
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        return path

    def refresh(self) -> None:
        self.date_label.setText(formatting.long_date(self.service.clock().date()).capitalize())
        for index, queue in enumerate(self.service.queues()):
            model = self.models[queue.key]
            model.service = self.service.register  # the same clock as the counts: «overdue» is judged at its now
            model.set_filter(queue.filter)
            self.tabs.setTabText(index, _("{title} ({n})").format(title=queue.title, n=formatting.number(queue.count)))
