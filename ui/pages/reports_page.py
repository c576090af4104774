"""Báo cáo: the periodic report. Pick the period and the cut-off; see the statistical appendix (computed rows
open the records behind them, manual rows are typed in place and remembered per period) and the narrative
sections pre-written from the figures (editable, saved); export PDF, Word, Excel or JSON — each export
freezes the report (a later change makes a new version); reopen a report sent earlier.

A report is not sent half-written: before an export the page lists what is left (the number, the «[Nêu …]» of the
text, the typed-in rows without a value) and asks «Xuất bản nháp / Quay lại»; a draft is marked «DỰ THẢO» on
every page and is not kept as a version, and a JSON (the figures the higher level adds up) is only made of a
finished report. The report's date is today within the period's reporting window; outside it, the page asks for
it (and keeps it in «Ngày báo cáo» for the next export).

Every action is one ReportService call.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.report import GapKind, NarrativeSection, ReportDocument, ReportGap, RowSource, value_text
from cchc_desktop.errors import CchcError, ValidationError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.paths import data_dir
from cchc_desktop.services.record_lists import RECORDS_LIMIT, records_of
from ui import desktop, messages
from ui.context import AppContext
from ui.pages.base import Page
from ui.widgets.buttons import ok_cancel, translate
from ui.widgets.date_field import DateField
from ui.widgets.period_picker import PeriodPicker
from ui.widgets.tables import fill, read_only_table

FORMATS = (("pdf", "Xuất PDF"), ("docx", "Xuất Word"), ("xlsx", "Xuất Excel"), ("json", "Xuất JSON"))
VALUE_COLUMN = 3
MANUAL = QBrush(QColor("#fff8dc"))
GAPS_SHOWN = 15  # placeholders listed one a line in the question (the pre-written text has about ten)

REPORT_FOLDER_KEY = "report/folder"  # where the last report was saved


class ReportsPage(Page):
    name = "reports"
    title = "Báo cáo"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)

        self.service = context.reports
        self.document: ReportDocument | None = None
        self.frozen = False  # a report reopened from the history: its figures do not change
        self.filling = False

        top = QHBoxLayout()
        self.picker = PeriodPicker(context.statistics.working_year(), name="report")
        self.cutoff = DateField()
        self.cutoff.setObjectName("reportCutoff")
        self.cutoff.setPlaceholderText(_("cuối kỳ"))
        self.number = QLineEdit()
        self.number.setObjectName("reportNumber")
        self.number.setPlaceholderText(_("số/BC-UBND"))
        self.number.setMaximumWidth(140)
        self.issued_on = DateField()
        self.issued_on.setObjectName("reportDate")
        self.issued_on.setPlaceholderText(_("hôm nay"))
        self.build_button = QPushButton(_("Lập báo cáo (F5)"))
        self.build_button.setObjectName("buildReport")
        top.addWidget(self.picker)
        top.addWidget(QLabel(_("Số liệu tính đến ngày")))
        top.addWidget(self.cutoff)
        top.addWidget(QLabel(_("Số")))
        top.addWidget(self.number)
        top.addWidget(QLabel(_("Ngày báo cáo")))
        top.addWidget(self.issued_on)
        top.addWidget(self.build_button)
        top.addStretch(1)
        self.layout_.addLayout(top)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.layout_.addWidget(self.status)

        self.tabs = QTabWidget()
        self.appendix = read_only_table(("Chỉ tiêu", "Nội dung", "Đơn vị tính", "Số liệu", "Nguồn"), "appendix",
                                        stretch=1)
        self.tabs.addTab(self.appendix, _("Phụ lục số liệu"))
        self.sections_holder = QWidget()
        self.sections_layout = QVBoxLayout(self.sections_holder)
        self.section_edits: list[tuple[NarrativeSection, QPlainTextEdit]] = []
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.sections_holder)
        narrative = QWidget()
        narrative_layout = QVBoxLayout(narrative)
        narrative_buttons = QHBoxLayout()
        self.save_sections_button = QPushButton(_("Lưu thuyết minh (Ctrl+S)"))
        self.save_sections_button.setObjectName("saveSections")
        self.reset_sections_button = QPushButton(_("Soạn lại từ số liệu"))
        self.reset_sections_button.setObjectName("resetSections")
        narrative_buttons.addWidget(self.save_sections_button)
        narrative_buttons.addWidget(self.reset_sections_button)
        narrative_buttons.addStretch(1)
        narrative_layout.addLayout(narrative_buttons)
        narrative_layout.addWidget(scroll, 1)
        self.tabs.addTab(narrative, _("Thuyết minh"))
        from ui.pages.consolidation_tab import ConsolidationTab

        self.consolidation = ConsolidationTab(context)
        self.tabs.addTab(self.consolidation, _("Tổng hợp báo cáo các xã"))
        self.layout_.addWidget(self.tabs, 1)

        exports = QHBoxLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, label in FORMATS:
            button = QPushButton(_(label))
            button.setObjectName(f"export_{fmt}")
            button.clicked.connect(lambda _checked=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
            exports.addWidget(button)
        exports.addStretch(1)
        self.history_button = QPushButton(_("Báo cáo đã xuất…"))
        self.history_button.setObjectName("reportHistory")
        exports.addWidget(self.history_button)
        self.layout_.addLayout(exports)

        self.build_button.clicked.connect(self.build)
        self.picker.changed.connect(self.period_changed)
        self.appendix.itemChanged.connect(self.manual_changed)
        self.appendix.doubleClicked.connect(self.open_row)
        self.save_sections_button.clicked.connect(self.save_sections)
        self.reset_sections_button.clicked.connect(self.reset_sections)
        self.history_button.clicked.connect(self.show_history)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.build)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_sections)
        self.build()

    # -- building ----------------------------------------------------------------------------------------

    def cutoff_day(self) -> date | None:
        try:
            return self.cutoff.day()
        except ValueError as exc:
            raise ValidationError({"cutoff": str(exc)}) from None

    def issued_day(self) -> date | None:
        try:
            return self.issued_on.day()
        except ValueError as exc:
            raise ValidationError({"issued_on": str(exc)}) from None

    def period_changed(self, _key: str = "") -> None:
        self.issued_on.set_day(None)  # the date chosen for another period's report
        self.build()

    def build(self) -> None:
        """The report of the chosen period as the records stand now (with the stored manual rows and edits)."""
        try:
            document = self.service.draft(period=self.picker.current(), cutoff=self.cutoff_day(),
                                          issued_on=self.issued_day(), number=self.number.text().strip())
        except CchcError as exc:
            self.status.setText(user_message(exc))
            return
        self.frozen = False
        self.show_document(document)
        self.status.setText(_("{label}: số liệu tính đến hết ngày {cutoff}. Các dòng nền vàng nhập tay "
                              "(bấm đúp vào ô số liệu để sửa); các dòng khác tính từ dữ liệu — bấm đúp để xem "
                              "hồ sơ, nhiệm vụ, phiếu đứng sau.").format(
            label=document.period.label, cutoff=formatting.short_date(document.cutoff)))

    def show_document(self, document: ReportDocument) -> None:
        self.document = document
        self.filling = True
        rows = document.appendix
        fill(self.appendix, [(row.number, ("    " if row.level else "") + row.name, row.unit, value_text(row),
                              "" if row.heading else row.source.label) for row in rows])
        bold = QFont()
        bold.setBold(True)
        for index, row in enumerate(rows):
            for column in range(self.appendix.columnCount()):  # only a manual value can be typed over
                cell = self.appendix.item(index, column)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
            value = self.appendix.item(index, VALUE_COLUMN)
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if row.heading:
                for column in range(self.appendix.columnCount()):
                    self.appendix.item(index, column).setFont(bold)
            elif row.source is RowSource.MANUAL and not self.frozen:
                value.setFlags(value.flags() | Qt.ItemFlag.ItemIsEditable)
                value.setBackground(MANUAL)
        self.appendix.setEditTriggers(self.appendix.EditTrigger.NoEditTriggers if self.frozen
                                      else self.appendix.EditTrigger.DoubleClicked
                                      | self.appendix.EditTrigger.EditKeyPressed)
        self.filling = False
        while self.sections_layout.count():
            item = self.sections_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.section_edits = []
        for section in document.sections:
            title = QLabel(f"<b>{section.key}. {section.title}</b>")
            edit = QPlainTextEdit(section.text)
            edit.setObjectName(f"section_{section.key}")
            edit.setReadOnly(self.frozen)
            edit.setMinimumHeight(140)
            self.sections_layout.addWidget(title)
            self.sections_layout.addWidget(edit)
            self.section_edits.append((section, edit))
        self.sections_layout.addStretch(1)
        for button in (self.save_sections_button, self.reset_sections_button):
            button.setEnabled(not self.frozen)

    def current_sections(self) -> tuple[NarrativeSection, ...]:
        return tuple(NarrativeSection(section.key, section.title, edit.toPlainText())
                     for section, edit in self.section_edits)

    # -- editing -----------------------------------------------------------------------------------------

    def manual_changed(self, item: QTableWidgetItem) -> None:
        if self.filling or self.document is None or item.column() != VALUE_COLUMN:
            return
        row = self.document.appendix[item.row()]
        try:
            self.service.set_manual(period_key=self.document.period.key, indicator=row.key or row.number,
                                    text=item.text())
        except ValidationError as exc:
            messages.error(self, user_message(exc))
        self.rebuild_keeping_sections()

    def rebuild_keeping_sections(self) -> None:
        sections = self.current_sections()
        self.build()
        if self.document is not None and sections:
            for (_section, edit), kept in zip(self.section_edits, sections, strict=False):
                edit.setPlainText(kept.text)

    def save_sections(self) -> None:
        if self.document is None or self.frozen:
            return
        self.service.save_sections(period_key=self.document.period.key,
                                   sections={section.key: section.text for section in self.current_sections()})
        self.status.setText(_("Đã lưu phần thuyết minh của {label}.").format(label=self.document.period.label))

    def reset_sections(self) -> None:
        if self.document is None or self.frozen:
            return
        if not messages.confirm(self, _("Soạn lại thuyết minh"),
                                _("Bỏ các chỉnh sửa và soạn lại phần thuyết minh từ số liệu?")):
            return
        self.service.reset_sections(self.document.period.key)
        self.build()

    def open_row(self) -> None:
        """A computed row: the records behind it."""
        if self.document is None or self.frozen:
            return
        index = self.appendix.currentRow()
        if not 0 <= index < len(self.document.appendix):
            return
        row = self.document.appendix[index]
        if row.source is RowSource.MANUAL or row.heading:
            return
        items = self.service.records_behind(period=self.document.period, cutoff=self.document.cutoff,
                                            key=row.key or row.number, limit=RECORDS_LIMIT + 1)
        if items is None:
            self.status.setText(_("Chỉ tiêu {number} không có danh sách đi kèm.").format(number=row.number))
            return
        from ui.dialogs.records_dialog import RecordsDialog

        RecordsDialog.show_records(self, records_of(f"{row.number}. {row.name}", items))

    # -- export and history ------------------------------------------------------------------------------

    def export(self, fmt: str) -> Path | None:
        """Export the report as ``fmt``: the date asked for when today is outside the reporting window, what is
        left to finish listed with «Xuất bản nháp / Quay lại», the file chosen, written and opened."""
        if self.document is None:
            return None
        document = self.document
        try:
            if not self.frozen:
                self.save_sections()
                document = self.service.draft(period=document.period, cutoff=document.cutoff,
                                              issued_on=self.issued_day(), number=self.number.text().strip())
            if not document.dated:
                first, last = self.service.reporting_window(document.period, document.cutoff)
                day = IssueDateDialog.ask(self, document, first, last)
                if day is None:
                    return None
                self.issued_on.set_day(day)  # kept for the next export of the same report
                document = self.service.draft(period=document.period, cutoff=document.cutoff, issued_on=day,
                                              number=self.number.text().strip())
        except CchcError as exc:
            messages.error(self, user_message(exc))
            return None
        gaps = self.service.gaps(document)
        draft = bool(gaps)
        if gaps and fmt == "json":
            messages.warning(self, _("Báo cáo chưa hoàn chỉnh"), _(
                "Tệp JSON là số liệu gửi cấp trên để tổng hợp, chỉ xuất khi báo cáo đã hoàn chỉnh.") + "\n\n"
                + self.gaps_text(document, gaps))
            return None
        if gaps and not messages.choose(
                self, _("Báo cáo chưa hoàn chỉnh"), self.gaps_text(document, gaps) + "\n\n" + _(
                    "«Xuất bản nháp»: tệp có dấu «DỰ THẢO» trên mọi trang, không lưu thành phiên bản đã gửi.\n"
                    "«Quay lại»: hoàn thiện báo cáo rồi xuất lại."),
                accept=_("Xuất bản nháp"), reject=_("Quay lại")):
            return None
        name = f"bao-cao-cchc-{document.period.key}" + ("-du-thao" if draft else "")
        suggested = messages.last_folder(REPORT_FOLDER_KEY, data_dir() / "bao-cao") / f"{name}.{fmt}"
        target = messages.choose_save_file(self, _("Xuất bản dự thảo") if draft else _("Xuất báo cáo"), suggested,
                                           f"*.{fmt}")
        if target is None:
            return None
        messages.keep_folder(REPORT_FOLDER_KEY, target)  # the next report is offered there
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            record = self.service.export(document, fmt=fmt, target=target, draft=draft)
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        if record is None:
            self.status.setText(_("Đã xuất bản dự thảo {path} — báo cáo {label}, có dấu «DỰ THẢO» trên mọi trang; "
                                  "bản dự thảo không được lưu thành phiên bản đã gửi.").format(
                path=target, label=document.period.label))
        else:
            self.status.setText(_("Đã xuất {path} — báo cáo {label}, phiên bản {version}; số liệu của phiên bản "
                                  "này được lưu lại và không đổi.").format(path=target, label=document.period.label,
                                                                         version=record.version))
        desktop.open_file(target)
        return target

    @staticmethod
    def gaps_text(document: ReportDocument, gaps: tuple[ReportGap, ...]) -> str:
        """«Báo cáo … chưa hoàn chỉnh, còn N chỗ …:», then a line «- …» for the number and each placeholder (the
        first :data:`GAPS_SHOWN`), and one line naming the typed-in rows without a value (they are the yellow
        rows of the appendix)."""
        from cchc_desktop.services.reports import gaps_heading

        typed = [gap.key for gap in gaps if gap.kind is GapKind.MANUAL]
        lines = [f"- {gap.text}" for gap in gaps if gap.kind is not GapKind.MANUAL]
        if len(lines) > GAPS_SHOWN:
            more = len(lines) - GAPS_SHOWN
            lines[GAPS_SHOWN:] = [_("- … và {n} chỗ cần viết khác trong thuyết minh.").format(n=more)]
        if typed:
            lines.append(_("- {n} dòng nhập tay của phụ lục chưa có số liệu: {rows}.").format(
                n=len(typed), rows=", ".join(typed)))
        return "\n".join([gaps_heading(document, len(gaps)), *lines])

    def show_history(self) -> None:
        chosen = HistoryDialog.choose(self, self.service)
        if chosen is None:
            return
        self.frozen = True
        document = self.service.reopen(chosen)
        self.show_document(document)
        self.status.setText(_("Báo cáo đã xuất: {label}, phiên bản {version} (lập ngày {day}). Số liệu giữ nguyên "
                              "như khi gửi; bấm «Lập báo cáo» để lập lại từ dữ liệu hiện tại.").format(
            label=document.period.label, version=document.version, day=formatting.short_date(document.issued_on)))


class HistoryDialog(QDialog):
    """The reports exported, newest first; «Mở lại» shows one as it was sent."""

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Báo cáo đã xuất"))
        self.resize(720, 420)
        self.records = service.history()
        self.table = read_only_table(("Kỳ báo cáo", "Phiên bản", "Số", "Ngày chốt", "Lập lúc"), "history", stretch=0)
        fill(self.table, [(r.period_key, str(r.version), r.number, formatting.short_date(r.cutoff),
                           formatting.date_time(r.created_at)) for r in self.records])
        buttons = translate(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                             | QDialogButtonBox.StandardButton.Cancel))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Mở lại"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.table.doubleClicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        if self.records:
            self.table.selectRow(0)

    def chosen(self) -> int | None:
        row = self.table.currentRow()
        return self.records[row].id if 0 <= row < len(self.records) else None

    @classmethod
    def choose(cls, parent: QWidget | None, service) -> int | None:
        """The id of the report to reopen, or None. Tests replace this."""
        dialog = cls(service, parent)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


class IssueDateDialog(QDialog):
    """The report's date (ngày … tháng … năm …), asked when today is outside the period's reporting window."""

    def __init__(self, document: ReportDocument, first: date, last: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Ngày ban hành báo cáo"))
        self.field = DateField(min(max(document.issued_on, first), last))
        self.field.setObjectName("issuedOn")
        self.error = QLabel()
        self.error.setObjectName("issuedOnError")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        text = QLabel(_("Hôm nay ngoài thời gian lập báo cáo {label} (từ {first} đến {last}). Hãy ghi ngày ban hành "
                        "báo cáo (ngày ghi trên báo cáo, không trước ngày chốt số liệu {cutoff}):").format(
            label=document.period.label, first=formatting.short_date(first), last=formatting.short_date(last),
            cutoff=formatting.short_date(document.cutoff)))
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self))
        self.cutoff = document.cutoff
        self.day: date | None = None

    def accept(self) -> None:
        try:
            day = self.field.day()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        if day is None:
            self.error.setText(_("Chưa ghi ngày."))
            return
        if day < self.cutoff:
            self.error.setText(_("Ngày ban hành báo cáo không được trước ngày chốt số liệu ({cutoff}).").format(
                cutoff=formatting.short_date(self.cutoff)))
            return
        self.day = day
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, document: ReportDocument, first: date, last: date) -> date | None:
        """The date chosen, or None when cancelled. Tests replace this."""
        dialog = cls(document, first, last, parent)
        return dialog.day if dialog.exec() == QDialog.DialogCode.Accepted else None
