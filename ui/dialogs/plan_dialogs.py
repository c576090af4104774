"""The plan page's forms: the plan's decision, a task, a directive document. Each «Lưu» is one PlanService
call; every problem is shown beside its field (FormDialog)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from cchc_desktop.domain.plans import (
    DirectiveDocument,
    DirectiveKind,
    Plan,
    PlanTask,
    ReformArea,
    TaskSource,
    TaskStatus,
)
from cchc_desktop.i18n import _
from cchc_desktop.services.plans import DocumentInput, PlanService, TaskInput
from ui.dialogs.form_dialog import FormDialog, required
from ui.widgets.choices import choice_box
from ui.widgets.date_field import DateField


def area_box(*, empty: str = "") -> QComboBox:
    """The seven reform areas by number and name; ``empty`` adds a first item meaning none."""
    box = QComboBox()
    if empty:
        box.addItem(empty, None)
    for area in ReformArea:
        box.addItem(f"{area.value}. {area.label}", area.value)
    return box


def _note(text: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(64)
    return edit


class PlanDialog(FormDialog):
    """The year's plan: the decision that issued it and its title."""

    def __init__(self, service: PlanService, year: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Kế hoạch CCHC năm {year}").format(year=year), parent)
        self.service, self.year = service, year
        plan = service.plan(year)
        self.number = self.add_field("decision_number", _("Số quyết định"),
                                     QLineEdit(plan.decision_number if plan else ""))
        self.number.setPlaceholderText(_("ví dụ: 01/QĐ-UBND"))
        self.decision_date = self.add_field("decision_date", _("Ngày quyết định"),
                                            DateField(plan.decision_date if plan else None))
        self.title_edit = self.add_field("title", _("Tên kế hoạch"), QLineEdit(plan.title if plan else ""))
        self.title_edit.setPlaceholderText(_("để trống: Kế hoạch cải cách hành chính năm {year}").format(year=year))

    def submit(self) -> Plan:
        days = self.days()
        return self.service.save_plan(year=self.year, decision_number=self.number.text(),
                                      decision_date=days["decision_date"], title=self.title_edit.text())

    @classmethod
    def ask(cls, parent: QWidget | None, service: PlanService, year: int) -> Plan | None:
        """The plan saved, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, year, parent))


class TaskDialog(FormDialog):
    """A task of the year's plan: new (``task`` None) or changed."""

    def __init__(self, service: PlanService, year: int, task: PlanTask | None = None, *,
                 area: ReformArea | None = None, parent: QWidget | None = None) -> None:
        title = _("Nhiệm vụ mới — kế hoạch năm {year}") if task is None else _("Nhiệm vụ {number} — năm {year}")
        super().__init__(title.format(year=year, number=task.number if task else ""), parent)
        self.service, self.year, self.task = service, year, task
        self.number = self.add_field("number", _("Số TT"), QLineEdit(task.number if task else ""))
        self.number.setPlaceholderText(_("để trống: số tiếp theo"))
        self.title_edit = self.add_field("title", required(_("Nội dung nhiệm vụ")), _note(task.title if task else ""))
        self.area = self.add_field("area", required(_("Lĩnh vực CCHC")), area_box(empty=_("— chọn lĩnh vực —")))
        chosen = task.area if task else area
        if chosen is not None:
            self.area.setCurrentIndex(self.area.findData(int(chosen)))
        self.source = self.add_field("source", _("Nguồn"), choice_box(TaskSource, task.source if task else None))
        self.lead = self.add_field("lead", _("Chủ trì"), QLineEdit(task.lead if task else ""))
        self.cooperating = self.add_field("cooperating", _("Phối hợp"), QLineEdit(task.cooperating if task else ""))
        self.deadline = self.add_field("deadline", _("Thời hạn"), DateField(task.deadline if task else None))
        self.status = self.add_field("status", _("Tình trạng"), choice_box(TaskStatus, task.status if task else None))
        self.completed_on = self.add_field("completed_on", _("Ngày hoàn thành"),
                                           DateField(task.completed_on if task else None))
        self.completed_on.setPlaceholderText(_("dd/mm/yyyy — để trống: hôm nay khi hoàn thành"))
        self.evidence = self.add_field("evidence", _("Văn bản/kết quả"), QLineEdit(task.evidence if task else ""))
        self.progress_note = self.add_field("progress_note", _("Ghi chú tiến độ"),
                                            _note(task.progress_note if task else ""))
        self.title_edit.setFocus()

    def wanted(self) -> TaskInput:
        days = self.days()
        return TaskInput(
            title=self.title_edit.toPlainText(), area=self.area.currentData(), number=self.number.text(),
            source=TaskSource(self.source.currentData()), lead=self.lead.text(), cooperating=self.cooperating.text(),
            deadline=days["deadline"], status=TaskStatus(self.status.currentData()),
            completed_on=days["completed_on"], evidence=self.evidence.text(),
            progress_note=self.progress_note.toPlainText())

    def submit(self) -> PlanTask:
        wanted = self.wanted()
        if self.task is None:
            return self.service.add_task(year=self.year, task=wanted)
        return self.service.update_task(self.task.id, task=wanted)

    @classmethod
    def ask(cls, parent: QWidget | None, service: PlanService, year: int, task: PlanTask | None = None, *,
            area: ReformArea | None = None) -> PlanTask | None:
        """The task saved, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, year, task, area=area, parent=parent))


class DocumentDialog(FormDialog):
    """A reform directive document the commune issued."""

    def __init__(self, service: PlanService, document: DirectiveDocument | None = None, *,
                 day: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(_("Văn bản chỉ đạo CCHC"), parent)
        self.service, self.document = service, document
        self.number = self.add_field("number", required(_("Số, ký hiệu")),
                                     QLineEdit(document.number if document else ""))
        self.number.setPlaceholderText(_("ví dụ: 15/KH-UBND"))
        self.issued_on = self.add_field("issued_on", required(_("Ngày ban hành")),
                                        DateField(document.issued_on if document else day))
        self.kind = self.add_field("kind", _("Loại văn bản"),
                                   choice_box(DirectiveKind, document.kind if document else None))
        self.title_edit = self.add_field("title", required(_("Trích yếu")), _note(document.title if document else ""))
        self.area = self.add_field("area", _("Lĩnh vực CCHC"), area_box(empty=_("— không ghi —")))
        if document is not None and document.area is not None:
            self.area.setCurrentIndex(self.area.findData(int(document.area)))

    def submit(self) -> DirectiveDocument:
        days = self.days()
        wanted = DocumentInput(number=self.number.text(), issued_on=days["issued_on"],
                               kind=DirectiveKind(self.kind.currentData()), title=self.title_edit.toPlainText(),
                               area=self.area.currentData())
        if self.document is None:
            return self.service.add_document(document=wanted)
        return self.service.update_document(self.document.id, document=wanted)

    @classmethod
    def ask(cls, parent: QWidget | None, service: PlanService, document: DirectiveDocument | None = None, *,
            day: date | None = None) -> DirectiveDocument | None:
        """The document saved, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, document, day=day, parent=parent))
