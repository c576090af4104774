"""The forms of the discipline-check page: a new inspection (its checklist and findings) and the remedy of a
finding recorded later. Each «Lưu» is one InspectionService call; problems are named beside their field, and
those of a checklist row or a finding row (``checks.<code>``, ``findings.<n>.<field>``) are listed together."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.inspections import (
    CheckResult,
    Finding,
    Inspection,
    InspectionCriterion,
    InspectionKind,
    Measure,
    SubjectKind,
)
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.inspections import CheckInput, FindingInput, InspectionInput, InspectionService
from ui.dialogs.form_dialog import FormDialog, required
from ui.widgets.choices import choice_box
from ui.widgets.date_field import DateField

FINDING_COLUMNS = ("Vấn đề phát hiện", "Hạn khắc phục", "Trách nhiệm khắc phục", "Hình thức xử lý",
                   "Công chức bị xử lý")


def _text(lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(22 * lines)
    return edit


def measure_box(current: Measure | None = None) -> QComboBox:
    box = QComboBox()
    box.addItem(_("— không —"), None)
    for measure in Measure:
        box.addItem(measure.label, measure.value)
    if current is not None:
        box.setCurrentIndex(box.findData(current.value))
    return box


def _day(text: str, key: str, errors: dict[str, str]) -> date | None:
    try:
        return formatting.parse_day(text)
    except ValueError as exc:
        errors[key] = str(exc)
        return None


class InspectionDialog(FormDialog):
    """Biên bản kiểm tra mới: when, what kind, on what basis, who inspected whom, the checklist, the findings."""

    def __init__(self, service: InspectionService, parent: QWidget | None = None) -> None:
        super().__init__(_("Biên bản kiểm tra kỷ luật, kỷ cương hành chính"), parent)
        self.setMinimumWidth(900)
        self.service = service
        self.inspected_on = self.add_field("inspected_on", required(_("Ngày kiểm tra")), DateField(service.today()))
        self.kind = self.add_field("kind", _("Hình thức"), choice_box(InspectionKind))
        self.basis = self.add_field("basis", _("Căn cứ"), QLineEdit())
        self.basis.setPlaceholderText(_("ví dụ: Kế hoạch số 12/KH-UBND ngày 05/01/2024"))
        self.place = self.add_field("place", _("Địa điểm"), QLineEdit())
        self.inspectors = self.add_field("inspectors", _("Đoàn kiểm tra"), _text())
        self.inspectors.setPlaceholderText(_("Mỗi dòng một người: Họ tên - chức vụ (Trưởng đoàn)"))
        self.subject = self.add_field("subject", required(_("Đối tượng được kiểm tra")), QLineEdit())
        self.subject_kind = self.add_field("subject_kind", _("Là"), choice_box(SubjectKind))

        self.criteria: list[InspectionCriterion] = service.checklist()
        self.checks = QTableWidget(len(self.criteria), 3)
        self.checks.setObjectName("checks")
        self.checks.setHorizontalHeaderLabels([_("Nội dung kiểm tra"), _("Kết quả"), _("Ghi chú")])
        self.checks.verticalHeader().hide()
        self.checks.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.results: list[QComboBox] = []
        for row, criterion in enumerate(self.criteria):
            item = QTableWidgetItem(criterion.text)
            item.setToolTip(criterion.text)
            self.checks.setItem(row, 0, item)
            result = choice_box(CheckResult)
            self.checks.setCellWidget(row, 1, result)
            self.checks.setItem(row, 2, QTableWidgetItem(""))
            self.results.append(result)
        self.checks.setFixedHeight(min(40 + 30 * len(self.criteria), 280))
        self.add_field("checks", _("Danh mục kiểm tra"), self.checks)

        holder = QWidget()
        column = QHBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        self.findings = QTableWidget(0, len(FINDING_COLUMNS))
        self.findings.setObjectName("findingRows")
        self.findings.setHorizontalHeaderLabels([_(title) for title in FINDING_COLUMNS])
        self.findings.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.findings.setFixedHeight(150)
        self.add_finding_button = QPushButton(_("Thêm vấn đề"))
        self.add_finding_button.setObjectName("addFindingRow")
        self.add_finding_button.clicked.connect(self.add_finding_row)
        column.addWidget(self.findings, 1)
        column.addWidget(self.add_finding_button)
        self.add_field("findings", _("Vấn đề phát hiện"), holder)
        self.conclusion = self.add_field("conclusion", _("Kết luận, kiến nghị"), _text())

    def add_finding_row(self) -> int:
        row = self.findings.rowCount()
        self.findings.insertRow(row)
        for column in (0, 1, 2, 4):
            self.findings.setItem(row, column, QTableWidgetItem(""))
        self.findings.setCellWidget(row, 3, measure_box())
        self.findings.setCurrentCell(row, 0)
        return row

    def set_finding(self, row: int, *, description: str, deadline: str = "", responsible: str = "",
                    measure: Measure | None = None, official: str = "") -> None:
        for column, text in ((0, description), (1, deadline), (2, responsible), (4, official)):
            self.findings.item(row, column).setText(text)
        box = self.findings.cellWidget(row, 3)
        box.setCurrentIndex(box.findData(measure.value if measure else None))

    def wanted(self) -> InspectionInput:
        errors: dict[str, str] = {}
        days = {}
        try:
            days = self.days()
        except ValidationError as exc:
            errors.update(exc.errors)
        checks = {
            criterion.id: CheckInput(CheckResult(self.results[row].currentData()),
                                     self.checks.item(row, 2).text() if self.checks.item(row, 2) else "")
            for row, criterion in enumerate(self.criteria)
        }
        findings = []
        for row in range(self.findings.rowCount()):
            cells = [self.findings.item(row, column).text() if self.findings.item(row, column) else ""
                     for column in range(len(FINDING_COLUMNS))]
            if not any(cell.strip() for cell in cells):
                continue  # an empty row added and not used
            deadline = _day(cells[1], f"findings.{row}.remedy_deadline", errors)
            findings.append(FindingInput(description=cells[0], remedy_deadline=deadline, responsible=cells[2],
                                         measure=self.findings.cellWidget(row, 3).currentData(),
                                         official_name=cells[4]))
        if errors:
            raise ValidationError(errors)
        return InspectionInput(
            inspected_on=days.get("inspected_on"), kind=InspectionKind(self.kind.currentData()),
            subject=self.subject.text(), subject_kind=SubjectKind(self.subject_kind.currentData()),
            basis=self.basis.text(), place=self.place.text(), inspectors=self.inspectors.toPlainText(),
            conclusion=self.conclusion.toPlainText(), checks=checks, findings=tuple(findings))

    def submit(self) -> Inspection:
        return self.service.record(self.wanted())

    @classmethod
    def ask(cls, parent: QWidget | None, service: InspectionService) -> Inspection | None:
        """The inspection recorded, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, parent))


class FindingDialog(FormDialog):
    """A finding's remedy recorded after the inspection: when it was remedied, the measure taken."""

    def __init__(self, service: InspectionService, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(_("Khắc phục vấn đề phát hiện"), parent)
        self.service, self.finding = service, finding
        self.description = self.add_field("description", required(_("Vấn đề")), QLineEdit(finding.description))
        self.remedy_deadline = self.add_field("remedy_deadline", _("Hạn khắc phục"),
                                              DateField(finding.remedy_deadline))
        self.responsible = self.add_field("responsible", _("Trách nhiệm khắc phục"), QLineEdit(finding.responsible))
        self.remedied_on = self.add_field("remedied_on", _("Ngày đã khắc phục"),
                                          DateField(finding.remedied_on or service.today()))
        self.measure = self.add_field("measure", _("Hình thức xử lý"), measure_box(finding.measure))
        self.official_name = self.add_field("official_name", _("Công chức bị xử lý"),
                                            QLineEdit(finding.official_name))

    def submit(self) -> Finding:
        days = self.days()
        return self.service.update_finding(self.finding.id, finding=FindingInput(
            description=self.description.text(), remedy_deadline=days["remedy_deadline"],
            responsible=self.responsible.text(), remedied_on=days["remedied_on"],
            measure=self.measure.currentData(), official_name=self.official_name.text(),
            official_is_leader=self.finding.official_is_leader))

    @classmethod
    def ask(cls, parent: QWidget | None, service: InspectionService, finding: Finding) -> Finding | None:
        """The finding saved, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, finding, parent))


class SubjectsDialog(FormDialog):
    """The commune's departments and officials to inspect, one a line: the base of appendix row 5.4.2."""

    def __init__(self, service: InspectionService, parent: QWidget | None = None) -> None:
        super().__init__(_("Bộ phận, công chức thuộc diện kiểm tra"), parent)
        self.service = service
        self.subjects = self.add_field("subjects", _("Mỗi dòng một bộ phận hoặc công chức"), QPlainTextEdit(
            "\n".join(service.subjects_to_inspect())))
        self.subjects.setTabChangesFocus(True)
        self.subjects.setMinimumHeight(240)
        self.subjects.setPlaceholderText(_("Ví dụ:\nBộ phận Một cửa\nCông chức Tư pháp - Hộ tịch\n"
                                           "Công chức Địa chính - Xây dựng"))
        self.subjects.setFocus()
        self.subjects.moveCursor(QTextCursor.MoveOperation.End)  # ready to add a line

    def submit(self) -> tuple[str, ...]:
        return self.service.declare_subjects(self.subjects.toPlainText())

    @classmethod
    def ask(cls, parent: QWidget | None, service: InspectionService) -> tuple[str, ...] | None:
        """The list saved, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, parent))
