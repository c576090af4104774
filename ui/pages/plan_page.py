"""Kế hoạch CCHC: the year's plan task by task, and the register of reform directive documents.

Every button is one PlanService (or TaskImportService) call; the forms are in ui/dialogs/plan_dialogs.py.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.plans import DirectiveDocument, PlanTask, ReformArea, TaskStatus
from cchc_desktop.errors import CchcError, ValidationError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.tables import ImportRejected
from ui import messages
from ui.context import AppContext
from ui.dialogs.plan_dialogs import DocumentDialog, PlanDialog, TaskDialog, area_box
from ui.models.task_table import TaskTableModel
from ui.pages.base import Page
from ui.widgets.buttons import named_button
from ui.widgets.tables import fill, list_view, read_only_table

PROBLEMS_SHOWN = 20
DOCUMENT_COLUMNS = ("Số, ký hiệu", "Ngày ban hành", "Loại", "Trích yếu", "Lĩnh vực")


class PlanPage(Page):
    name = "plan"
    title = "Kế hoạch CCHC"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.plans
        self.documents: list[DirectiveDocument] = []

        top = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setObjectName("planYear")
        self.year.setRange(2000, 2100)
        plans = self.service.plans()
        today = self.service.today()
        self.year.setValue(today.year if not plans or any(p.year == today.year for p in plans) else plans[0].year)
        self.summary = QLabel()
        self.summary.setObjectName("planSummary")
        self.summary.setWordWrap(True)
        self.plan_button = named_button(_("Thông tin kế hoạch…"), "editPlan")
        self.copy_button = named_button(_("Lấy nhiệm vụ năm trước…"), "copyPlan")
        self.import_button = named_button(_("Nhập từ Excel/CSV…"), "importTasks")
        top.addWidget(QLabel(_("Năm")))
        top.addWidget(self.year)
        top.addWidget(self.summary, 1)
        for button in (self.plan_button, self.copy_button, self.import_button):
            top.addWidget(button)
        self.layout_.addLayout(top)
        self.message = QLabel()
        self.message.setObjectName("planMessage")
        self.message.setWordWrap(True)
        self.layout_.addWidget(self.message)

        self.tabs = QTabWidget()
        self.layout_.addWidget(self.tabs, 1)
        self.tabs.addTab(self._tasks_tab(), _("Nhiệm vụ"))
        self.tabs.addTab(self._documents_tab(), _("Văn bản chỉ đạo CCHC"))

        self.year.valueChanged.connect(self.refresh)
        self.plan_button.clicked.connect(self.edit_plan)
        self.copy_button.clicked.connect(self.copy_previous)
        self.import_button.clicked.connect(self.import_tasks)
        self.refresh()

    # -- layout ------------------------------------------------------------------------------------------

    def _tasks_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.area = area_box(empty=_("Mọi lĩnh vực"))
        self.area.setObjectName("taskArea")
        self.add_button = named_button(_("Thêm nhiệm vụ (Ctrl+N)"), "addTask")
        self.edit_button = named_button(_("Sửa (Enter)"), "editTask")
        self.done_button = named_button(_("Đánh dấu hoàn thành (Ctrl+D)"), "doneTask")
        row.addWidget(QLabel(_("Lĩnh vực")))
        row.addWidget(self.area, 1)
        for button in (self.add_button, self.edit_button, self.done_button):
            row.addWidget(button)
        column.addLayout(row)
        self.model = TaskTableModel(self)
        self.table = list_view(self.model, "tasks", (56, 460, 200, 110, 150, 90, 170, 110))
        column.addWidget(self.table, 1)
        self.area.currentIndexChanged.connect(self.show_tasks)
        self.add_button.clicked.connect(self.add_task)
        self.edit_button.clicked.connect(self.edit_task)
        self.done_button.clicked.connect(self.mark_done)
        self.table.doubleClicked.connect(self.edit_task)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add_task)
        QShortcut(QKeySequence("Ctrl+D"), self, activated=self.mark_done)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, activated=self.edit_task,
                      context=Qt.ShortcutContext.WidgetShortcut)
        return tab

    def _documents_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.documents_label = QLabel()
        self.add_document_button = named_button(_("Thêm văn bản"), "addDocument")
        self.edit_document_button = named_button(_("Sửa văn bản"), "editDocument")
        row.addWidget(self.documents_label, 1)
        row.addWidget(self.add_document_button)
        row.addWidget(self.edit_document_button)
        column.addLayout(row)
        self.document_table = read_only_table(DOCUMENT_COLUMNS, "documents", stretch=3)
        self.document_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        column.addWidget(self.document_table, 1)
        self.add_document_button.clicked.connect(self.add_document)
        self.edit_document_button.clicked.connect(self.edit_document)
        self.document_table.doubleClicked.connect(self.edit_document)
        return tab

    # -- showing -----------------------------------------------------------------------------------------

    def shown_year(self) -> int:
        return self.year.value()

    def refresh(self) -> None:
        self.show_plan()
        self.show_tasks()
        self.show_documents()

    def show_plan(self) -> None:
        year = self.shown_year()
        plan = self.service.plan(year)
        if plan is None:
            self.summary.setText(_("Chưa có kế hoạch CCHC năm {year}: bấm «Thông tin kế hoạch…» để tạo, hoặc "
                                   "lấy nhiệm vụ năm trước, hoặc nhập từ tệp.").format(year=year))
            return
        tasks = self.service.tasks(year)
        live = [task for task in tasks if task.status is not TaskStatus.CANCELLED]
        done = sum(task.status is TaskStatus.DONE for task in live)
        decision = (_("Quyết định số {number} ngày {day}").format(
            number=plan.decision_number, day=formatting.short_date(plan.decision_date))
            if plan.decision_number else _("chưa ghi quyết định ban hành"))
        self.summary.setText(_("<b>{title}</b> — {decision}. {done}/{total} nhiệm vụ đã hoàn thành.").format(
            title=plan.title, decision=decision, done=formatting.number(done), total=formatting.number(len(live))))

    def current_area(self) -> ReformArea | None:
        value = self.area.currentData()
        return None if value is None else ReformArea(value)

    def show_tasks(self) -> None:
        chosen = self.current_task()
        self.model.set_tasks(self.service.tasks(self.shown_year(), area=self.current_area()),
                             today=self.service.today())
        self.select_task(chosen.id if chosen else None)
        has_plan = self.service.plan(self.shown_year()) is not None
        for button in (self.add_button, self.edit_button, self.done_button):
            button.setEnabled(has_plan)

    def select_task(self, task_id: int | None) -> None:
        rows = [row for row, task in enumerate(self.model.tasks) if task.id == task_id]
        self.table.selectRow(rows[0] if rows else 0)

    def show_documents(self) -> None:
        self.documents = self.service.documents(self.shown_year())
        fill(self.document_table, [
            (document.number, formatting.short_date(document.issued_on), document.kind.label, document.title,
             f"{document.area.value}. {document.area.label}" if document.area is not None else "")
            for document in self.documents])
        self.documents_label.setText(_("{n} văn bản chỉ đạo CCHC ban hành trong năm {year}").format(
            n=formatting.number(len(self.documents)), year=self.shown_year()))

    def current_task(self) -> PlanTask | None:
        return self.model.task_at(self.table.currentIndex().row())

    # -- actions -----------------------------------------------------------------------------------------

    def edit_plan(self) -> None:
        if PlanDialog.ask(self, self.service, self.shown_year()) is not None:
            self.refresh()

    def add_task(self) -> None:
        if self.service.plan(self.shown_year()) is None:
            return
        saved = TaskDialog.ask(self, self.service, self.shown_year(), area=self.current_area())
        if saved is not None:
            self.after_change(saved, _("Đã thêm nhiệm vụ {number}.").format(number=saved.number))

    def edit_task(self) -> None:
        task = self.current_task()
        if task is None:
            return
        saved = TaskDialog.ask(self, self.service, self.shown_year(), task)
        if saved is not None:
            self.after_change(saved, _("Đã lưu nhiệm vụ {number}.").format(number=saved.number))

    def mark_done(self) -> None:
        task = self.current_task()
        if task is None or task.status is TaskStatus.DONE:
            return
        try:
            saved = self.service.set_status(task.id, status=TaskStatus.DONE)
        except ValidationError as exc:
            messages.error(self, " ".join(exc.errors.values()))
            return
        self.after_change(saved, _("Nhiệm vụ {number} hoàn thành ngày {day}.").format(
            number=saved.number, day=formatting.short_date(saved.completed_on)))

    def after_change(self, task: PlanTask, text: str) -> None:
        self.message.setText(text)
        self.show_plan()
        self.show_tasks()
        self.select_task(task.id)

    def copy_previous(self) -> None:
        year = self.shown_year()
        source = messages.ask_year(self, _("Lấy nhiệm vụ năm trước"),
                                   _("Sao chép nhiệm vụ của kế hoạch năm nào sang năm {year}?").format(year=year),
                                   year - 1)
        if source is None:
            return
        try:
            copied = self.service.copy_plan(from_year=source, to_year=year)
        except ValidationError as exc:
            messages.error(self, " ".join(exc.errors.values()))
            return
        self.message.setText(_("Đã sao chép {n} nhiệm vụ của năm {source} sang năm {year} (tình trạng «Chưa thực "
                               "hiện», thời hạn dời sang năm {year}).").format(
            n=formatting.number(len(copied.tasks)), source=source, year=year))
        self.refresh()

    def import_tasks(self) -> None:
        path = messages.choose_file(self, _("Nhập nhiệm vụ kế hoạch CCHC"),
                                    _("Bảng tính (*.xlsx *.csv);;Mọi tệp (*)"))
        if path is None:
            return

        try:
            result = self.context.task_import.import_tasks(path, year=self.shown_year())
        except ImportRejected as exc:
            shown = "\n".join(str(problem) for problem in exc.problems[:PROBLEMS_SHOWN])
            messages.error(self, _("Không nhập dòng nào: tệp có {n} dòng lỗi. Hãy sửa rồi nhập lại.").format(
                n=exc.bad_rows), details=shown)
            return
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return
        self.message.setText(_("Đã nhập {n} nhiệm vụ mới, cập nhật {u} nhiệm vụ ({m} không đổi).").format(
            n=result.inserted, u=result.updated, m=result.unchanged))
        self.refresh()

    def current_document(self) -> DirectiveDocument | None:
        row = self.document_table.currentRow()
        return self.documents[row] if 0 <= row < len(self.documents) else None

    def add_document(self) -> None:
        if DocumentDialog.ask(self, self.service, day=self.service.today()) is not None:
            self.show_documents()

    def edit_document(self) -> None:
        document = self.current_document()
        if document is not None and DocumentDialog.ask(self, self.service, document) is not None:
            self.show_documents()
