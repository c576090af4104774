"""Kiểm tra kỷ luật, kỷ cương: the inspections of a period with their findings, a new record (Ctrl+N), the
biên bản printed (Ctrl+P), a remedy recorded; the period's figures on top (from StatisticsService)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from cchc_desktop import formatting
from cchc_desktop.domain.inspections import Finding, Inspection
from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.inspections import InspectionSummary
from cchc_desktop.services.papers import papers_folder
from ui import messages, paper
from ui.context import AppContext
from ui.dialogs.inspection_dialogs import FindingDialog, InspectionDialog, SubjectsDialog
from ui.pages.base import Page
from ui.widgets.period_picker import PeriodPicker
from ui.widgets.tables import fill, read_only_table

OVERDUE = QBrush(QColor("#b3261e"))


class InspectionsPage(Page):
    name = "inspections"
    title = "Kiểm tra kỷ luật, kỷ cương"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.inspections
        self.statistics = context.statistics
        self.summaries: list[InspectionSummary] = []
        self.current: Inspection | None = None

        top = QHBoxLayout()
        self.picker = PeriodPicker(self.statistics.working_year(), name="inspections")
        self.add_button = QPushButton(_("Thêm biên bản (Ctrl+N)"))
        self.add_button.setObjectName("addInspection")
        self.print_button = QPushButton(_("In biên bản (Ctrl+P)"))
        self.print_button.setObjectName("printInspection")
        self.remedy_button = QPushButton(_("Ghi nhận khắc phục…"))
        self.remedy_button.setObjectName("remedyFinding")
        self.subjects_button = QPushButton(_("Danh sách thuộc diện kiểm tra (Ctrl+L)"))
        self.subjects_button.setObjectName("inspectionSubjects")
        self.subjects_button.setToolTip(_("Các bộ phận, công chức của xã thuộc diện kiểm tra: mẫu số của chỉ tiêu "
                                          "5.4.2 (tỷ lệ đã kiểm tra trong kỳ)"))
        top.addWidget(self.picker)
        top.addStretch(1)
        for button in (self.add_button, self.print_button, self.remedy_button, self.subjects_button):
            top.addWidget(button)
        self.layout_.addLayout(top)
        self.summary = QLabel()
        self.summary.setObjectName("inspectionSummary")
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)

        self.table = read_only_table(("Ngày", "Hình thức", "Đối tượng", "Vấn đề", "Đã khắc phục", "Quá hạn"),
                                     "inspections", stretch=2)
        self.findings = read_only_table(("Vấn đề phát hiện", "Hạn khắc phục", "Trách nhiệm", "Ngày khắc phục",
                                         "Hình thức xử lý"), "findings", stretch=0)
        self.detail = QLabel()
        self.detail.setObjectName("inspectionDetail")
        self.detail.setWordWrap(True)
        lower = QGroupBox(_("Vấn đề phát hiện của cuộc kiểm tra đã chọn"))
        lower_layout = QVBoxLayout(lower)
        lower_layout.addWidget(self.detail)
        lower_layout.addWidget(self.findings, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        self.layout_.addWidget(splitter, 1)

        self.picker.changed.connect(lambda _key: self.refresh())
        self.table.itemSelectionChanged.connect(self.show_current)
        self.add_button.clicked.connect(self.add_inspection)
        self.print_button.clicked.connect(self.print_record)
        self.remedy_button.clicked.connect(self.record_remedy)
        self.subjects_button.clicked.connect(self.declare_subjects)
        self.findings.doubleClicked.connect(self.record_remedy)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.add_inspection)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.declare_subjects)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_record)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        period = self.picker.current()
        figures = self.statistics.figures(period=period).inspections
        if figures.units_known:
            share = _("{inspected}/{known} thuộc diện kiểm tra, đạt {rate}").format(
                inspected=formatting.number(figures.units_inspected), known=formatting.number(figures.units_known),
                rate=formatting.percent(None if figures.unit_share is None else figures.unit_share / 100))
        else:
            share = _("chưa khai báo danh sách thuộc diện kiểm tra")
        self.summary.setText(_(
            "{label}: {n} cuộc kiểm tra; {subjects} bộ phận, công chức được kiểm tra ({share}); "
            "{found} vấn đề phát hiện, {resolved} đã xử lý xong, {overdue} quá hạn khắc phục; "
            "{disciplined} người bị kỷ luật.").format(
            label=period.label, n=formatting.number(figures.inspections), subjects=formatting.number(figures.subjects),
            share=share,
            found=formatting.number(figures.findings), resolved=formatting.number(figures.findings_resolved),
            overdue=formatting.number(figures.findings_overdue),
            disciplined=formatting.number(figures.leaders_disciplined + figures.officials_disciplined)))
        self.summaries = self.service.inspections(period=period)
        fill(self.table, [(formatting.short_date(s.inspected_on), s.kind.label, s.subject, str(s.findings),
                           str(s.remedied), str(s.overdue)) for s in self.summaries])
        for row, summary in enumerate(self.summaries):
            if summary.overdue:
                self.table.item(row, 5).setForeground(OVERDUE)
        rows = [row for row, s in enumerate(self.summaries) if s.id == select]
        if self.summaries:
            self.table.blockSignals(True)
            self.table.selectRow(rows[0] if rows else 0)
            self.table.blockSignals(False)
        self.show_current()  # also when the same row stays selected: its findings may have changed
        for button in (self.print_button, self.remedy_button):
            button.setEnabled(bool(self.summaries))

    def show_current(self) -> None:
        row = self.table.currentRow()
        self.current = self.service.get(self.summaries[row].id) if 0 <= row < len(self.summaries) else None
        if self.current is None:
            self.detail.setText(_("Chưa có cuộc kiểm tra nào trong kỳ này."))
            fill(self.findings, [])
            return
        inspection = self.current
        failed = sum(check.result.value == "fail" for check in inspection.checks)
        self.detail.setText(_("{subject} — {kind}, ngày {day}. {failed}/{checked} tiêu chí không đạt. {conclusion}")
                            .format(subject=inspection.subject, kind=inspection.kind.label,
                                    day=formatting.short_date(inspection.inspected_on), failed=failed,
                                    checked=len(inspection.checks), conclusion=inspection.conclusion))
        today = self.service.today()
        fill(self.findings, [(f.description, formatting.short_date(f.remedy_deadline), f.responsible,
                              formatting.short_date(f.remedied_on), f.measure.label if f.measure else "")
                             for f in inspection.findings])
        for row, finding in enumerate(inspection.findings):
            if finding.overdue(today):
                self.findings.item(row, 1).setForeground(OVERDUE)

    def current_finding(self) -> Finding | None:
        row = self.findings.currentRow()
        if self.current is None or not 0 <= row < len(self.current.findings):
            return None
        return self.current.findings[row]

    def add_inspection(self) -> None:
        saved = InspectionDialog.ask(self, self.service)
        if saved is not None:
            self.picker.select(str(saved.inspected_on.year), notify=False)
            self.refresh(select=saved.id)

    def declare_subjects(self) -> None:
        if SubjectsDialog.ask(self, self.service) is not None:
            self.refresh()

    def record_remedy(self) -> None:
        finding = self.current_finding()
        if finding is None:
            return
        if FindingDialog.ask(self, self.service, finding) is not None:
            self.refresh(select=finding.inspection_id)

    def print_record(self) -> Path | None:
        if self.current is None:
            return None
        path = papers_folder() / f"bien-ban-kiem-tra-{self.current.inspected_on:%Y%m%d}-{self.current.id}.pdf"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.service.print_record(self.current.id, path)
            paper.deliver(self, path, title=_("Biên bản kiểm tra {subject}").format(subject=self.current.subject))
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        return path
