"""A filing not received at the desk: the note (Mẫu 02 or 03) written and printed, and the list of them.

Every button is one call of DeskRefusalService; the dialog stays open with each message beside its field
until the service accepts the note.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.dossiers import DeskRefusalKind
from cchc_desktop.errors import CchcError, ValidationError, user_message
from cchc_desktop.files import write_atomically
from cchc_desktop.i18n import _
from cchc_desktop.services.desk_refusals import DeskRefusalRow, DeskRefusalService, Recorded, TurnedAway
from cchc_desktop.services.papers import papers_folder
from ui import messages, paper
from ui.widgets.buttons import translate
from ui.widgets.field_errors import FieldErrors


def paper_path(refusal: DeskRefusalRow) -> Path:
    return papers_folder() / f"khong-tiep-nhan-{refusal.at:%Y%m%d}-{refusal.id}-mau{refusal.form}.pdf"


class TurnAwayDialog(QDialog):
    """Ghi sổ hồ sơ không tiếp nhận: the kind, the applicant, the procedure and the reasons, one per line."""

    def __init__(self, service: DeskRefusalService, start: TurnedAway, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.start = start
        self.recorded: Recorded | None = None
        self.setWindowTitle(_("Hồ sơ không tiếp nhận"))
        self.setMinimumWidth(560)
        self.errors = FieldErrors()
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in DeskRefusalKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.setCurrentIndex(self.kind.findData(start.kind.value))
        form.addRow(_("Xử lý"), self.kind)
        self.applicant = QLineEdit(start.applicant_name)
        self.applicant.setObjectName("applicant_name")
        form.addRow(_("Người nộp (*)"), self.errors.wrap("applicant_name", self.applicant))
        self.procedure = QLineEdit(start.procedure_code)
        self.procedure.setObjectName("procedure_code")
        self.procedure.setPlaceholderText(_("Mã thủ tục; để trống nếu không thuộc danh mục của đơn vị"))
        form.addRow(_("Thủ tục"), self.errors.wrap("procedure_code", self.procedure))
        self.reasons = QPlainTextEdit("\n".join(start.reasons))
        self.reasons.setObjectName("reasons")
        self.reasons.setTabChangesFocus(True)
        self.reasons_label = QLabel()
        form.addRow(self.reasons_label, self.errors.wrap("reasons", self.reasons))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.buttons = translate(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                                  | QDialogButtonBox.StandardButton.Cancel))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.reasons.setFocus()

    def current_kind(self) -> DeskRefusalKind:
        return DeskRefusalKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        incomplete = self.current_kind() is DeskRefusalKind.INCOMPLETE
        self.reasons_label.setText(_("Nội dung cần bổ sung (*)") if incomplete else _("Lý do từ chối (*)"))
        self.reasons.setPlaceholderText(
            _("Mỗi dòng một nội dung, ví dụ: Thiếu giấy chứng sinh") if incomplete
            else _("Mỗi dòng một lý do, ví dụ: Thuộc thẩm quyền của UBND cấp trên"))
        self.ok_button.setText(_("Ghi sổ và in Mẫu {form}").format(form="02" if incomplete else "03"))

    def filing(self) -> TurnedAway:
        return TurnedAway(
            kind=self.current_kind(), applicant_name=self.applicant.text(), procedure_code=self.procedure.text(),
            reasons=tuple(self.reasons.toPlainText().splitlines()), address=self.start.address,
            phone=self.start.phone)

    def save(self) -> None:
        try:
            recorded = self.service.record(self.filing())
        except ValidationError as exc:
            others = self.errors.show(exc.errors)
            if others:
                messages.error(self, " ".join(others))
            return
        self.errors.show({})
        self.recorded = recorded
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, service: DeskRefusalService, start: TurnedAway) -> Recorded | None:
        """The note recorded, or None when cancelled. Tests replace this."""
        dialog = cls(service, start, parent)
        dialog.exec()
        return dialog.recorded


def deliver(parent: QWidget | None, recorded: Recorded) -> Path | None:
    """Save the paper of a recorded note and print it (or open it where no printer exists)."""
    path = paper_path(recorded.refusal)
    try:
        write_atomically(path, recorded.pdf)
        paper.deliver(parent, path, title=_("Mẫu {form} — {name}").format(
            form=recorded.refusal.form, name=recorded.refusal.applicant_name))
    except (CchcError, OSError) as exc:
        messages.error(parent, user_message(exc))
        return None
    return path


class TurnedAwayListDialog(QDialog):
    """Sổ hồ sơ không tiếp nhận: the notes of a range of days, each can be printed again."""

    COLUMNS = ("Thời gian", "Người nộp", "Thủ tục", "Xử lý", "Nội dung, lý do")

    def __init__(self, service: DeskRefusalService, first: date, last: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.rows: list[DeskRefusalRow] = []
        self.setWindowTitle(_("Sổ hồ sơ không tiếp nhận"))
        self.resize(900, 480)
        top = QHBoxLayout()
        self.first = QDateEdit(QDate(first))
        self.last = QDateEdit(QDate(last))
        top.addWidget(QLabel(_("Từ ngày")))
        for edit in (self.first, self.last):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(self.refresh)
        top.addWidget(self.first)
        top.addWidget(QLabel(_("đến ngày")))
        top.addWidget(self.last)
        top.addStretch(1)
        self.count = QLabel()
        top.addWidget(self.count)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setTabKeyNavigation(False)
        self.table.setObjectName("turnedAway")
        self.table.setHorizontalHeaderLabels([_(title) for title in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.reprint_button = QPushButton(_("In lại phiếu"))
        self.reprint_button.setObjectName("reprint")
        self.reprint_button.clicked.connect(self.reprint)
        self.table.doubleClicked.connect(self.reprint)
        close = translate(QDialogButtonBox(QDialogButtonBox.StandardButton.Close))
        close.rejected.connect(self.reject)
        close.addButton(self.reprint_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.rows = self.service.between(first=self.first.date().toPython(), last=self.last.date().toPython())
        except ValidationError:
            self.rows = []
        self.table.setRowCount(len(self.rows))
        for number, row in enumerate(self.rows):
            cells = (formatting.date_time(row.at), row.applicant_name, row.procedure,
                     _("Mẫu {form}").format(form=row.form), "; ".join(row.reasons))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(number, column, item)
        self.table.resizeColumnsToContents()
        self.count.setText(_("{n} hồ sơ không tiếp nhận").format(n=formatting.number(len(self.rows))))
        self.reprint_button.setEnabled(bool(self.rows))
        if self.rows:
            self.table.selectRow(0)

    def reprint(self) -> Path | None:
        index = self.table.currentRow()
        if not 0 <= index < len(self.rows):
            return None
        refusal = self.rows[index]
        try:
            pdf = self.service.reprint(refusal.id)
        except CchcError as exc:
            messages.error(self, user_message(exc))
            return None
        return deliver(self, Recorded(refusal, pdf))

    @classmethod
    def browse(cls, parent: QWidget | None, service: DeskRefusalService, first: date, last: date) -> None:
        """Show the list until closed. Tests replace this."""
        cls(service, first, last, parent).exec()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.reprint()
            return
        super().keyPressEvent(event)
