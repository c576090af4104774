"""A dossier's page: its fields (ID and phone in full here), its timeline, the steps allowed from its state,
and its printed forms. Every button is one call of ReceptionService or PrintingService."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.dossiers import DossierStatus, EventKind
from cchc_desktop.domain.fees import payment_text
from cchc_desktop.domain.papers import PaperKind, form_number, form_set_of
from cchc_desktop.errors import CchcError, ValidationError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.attachments import AttachmentService
from cchc_desktop.services.papers import papers_folder
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import UNDO_MINUTES, DossierView, FeeRecorded, ReceptionService, action_name
from ui import messages, paper
from ui.widgets.attachments_panel import AttachmentsPanel
from ui.widgets.buttons import enter_clicks, ok_cancel
from ui.widgets.checklist import document_label
from ui.widgets.fee_fields import FeeFields
from ui.widgets.field_errors import FieldErrors

# Steps offered as buttons, in the order a dossier lives them; those that need a reason ask for it.
STEP_BUTTONS = [
    EventKind.TRANSFERRED, EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_RECEIVED, EventKind.RESULT_READY,
    EventKind.REFUSED, EventKind.RETURNED, EventKind.WITHDRAWN,
]
NEEDS_REASON = {EventKind.SUPPLEMENT_REQUESTED, EventKind.REFUSED, EventKind.WITHDRAWN}
# The papers a dossier may have, in the order of its life; which ones show is the service's answer
# (PrintingService.papers), their numbers those of the dossier's own set of forms.
PAPER_BUTTONS = {
    PaperKind.RECEIPT: "Giấy tiếp nhận", PaperKind.SUPPLEMENT: "Phiếu yêu cầu bổ sung",
    PaperKind.REFUSAL_NOTICE: "Văn bản từ chối giải quyết", PaperKind.STOP: "Thông báo dừng giải quyết",
    PaperKind.APOLOGY: "Phiếu xin lỗi", PaperKind.CONTROL: "Phiếu kiểm soát",
}


class ReasonDialog(QDialog):
    """Asks for the reason of a step (and, for an apology, the new appointment)."""

    def __init__(self, title: str, *, with_date: datetime | None = None, late_rule: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QFormLayout(self)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        layout.addRow(_("Lý do / nội dung"), self.reason)
        self.when: QDateTimeEdit | None = None
        if with_date is not None:
            self.when = QDateTimeEdit(QDateTime(with_date))
            self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
            self.when.setCalendarPopup(True)
            layout.addRow(_("Hẹn lại ngày trả"), self.when)
        self.late: QPlainTextEdit | None = None
        if late_rule:  # an apology past its deadline: said, and the reason it is written anyway asked
            rule = QLabel(late_rule)
            rule.setWordWrap(True)
            rule.setObjectName("lateRule")
            layout.addRow(rule)
            self.late = QPlainTextEdit()
            self.late.setObjectName("lateReason")
            self.late.setTabChangesFocus(True)
            layout.addRow(_("Lý do lập phiếu muộn"), self.late)
        layout.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, *, with_date: datetime | None = None,
            late_rule: str = "") -> tuple[str, datetime | None, str] | None:
        """The reason typed, the date chosen and the reason for a late apology, or None when cancelled. Tests
        replace this."""
        dialog = cls(title, with_date=with_date, late_rule=late_rule, parent=parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        when = dialog.when.dateTime().toPython() if dialog.when is not None else None
        late = dialog.late.toPlainText() if dialog.late is not None else ""
        return dialog.reason.toPlainText(), when, late


class ReturnDialog(QDialog):
    """«Trả kết quả» asks first (it cannot be undone): who collected the result, and how."""

    WAYS = ("Người nộp nhận trực tiếp", "Người được ủy quyền nhận thay", "Gửi qua dịch vụ bưu chính công ích",
            "Nhận trên Cổng dịch vụ công")

    def __init__(self, applicant: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Trả kết quả"))
        layout = QFormLayout(self)
        self.who = QLineEdit(applicant)
        self.who.setObjectName("collectedBy")
        self.who.selectAll()
        layout.addRow(_("Người nhận kết quả"), self.who)
        self.way = QComboBox()
        self.way.setObjectName("collectedHow")
        for way in self.WAYS:
            self.way.addItem(_(way))
        layout.addRow(_("Cách nhận"), self.way)
        warning = QLabel(_("Sau khi ghi trả kết quả, hồ sơ kết thúc: chỉ hoàn tác được trong {n} phút (Ctrl+Z trên "
                           "trang hồ sơ).").format(n=UNDO_MINUTES))
        warning.setWordWrap(True)
        layout.addRow(warning)
        layout.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, applicant: str) -> str | None:
        """«Người nhận: … (cách nhận)», or None when cancelled or no name is given. Tests replace this."""
        dialog = cls(applicant, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.who.text().strip():
            return None
        return _("Người nhận: {who} ({way})").format(who=dialog.who.text().strip(), way=dialog.way.currentText())


class FeeDialog(QDialog):
    """«Phí, lệ phí»: what was collected for the dossier (or its exemption), recorded by ReceptionService.record_fee;
    the dialog stays open with each message beside its field until the service accepts it."""

    def __init__(self, reception: ReceptionService, view: DossierView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reception = reception
        self.code = view.code
        self.recorded: FeeRecorded | None = None
        self.setWindowTitle(_("Phí, lệ phí — hồ sơ {code}").format(code=view.code))
        self.setMinimumWidth(720)
        layout = QVBoxLayout(self)
        stated = view.procedure.fee_amount
        catalogue = QLabel(_("Danh mục: {fee}").format(
            fee=formatting.money(stated) if stated else _("không thu") if stated == 0 else _("không nêu một mức")))
        catalogue.setObjectName("feeCatalogue")
        layout.addWidget(catalogue)
        self.errors = FieldErrors()
        self.fields = FeeFields(self.errors)
        if view.dossier.fee_payment is not None:
            self.fields.fill(view.dossier.fee_payment)
        else:
            self.fields.prefill(stated, online=view.procedure.online_payment and view.dossier.channel.online)
        layout.addWidget(self.fields)
        self.message = self.errors.add("fee", QLabel())
        layout.addWidget(self.message)
        buttons = ok_cancel(self)
        buttons.accepted.disconnect()
        buttons.accepted.connect(self.save)
        layout.addWidget(buttons)
        for edit in self.fields.edits():
            edit.returnPressed.connect(self.save)
        self.fields.method.setFocus()

    def save(self) -> None:
        try:
            self.recorded = self.reception.record_fee(self.code, self.fields.payment())
        except ValidationError as exc:
            others = self.errors.show(exc.errors)
            if others:
                messages.error(self, " ".join(others))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, reception: ReceptionService, view: DossierView) -> FeeRecorded | None:
        """What was recorded, or None when cancelled. Tests replace this."""
        dialog = cls(reception, view, parent)
        dialog.exec()
        return dialog.recorded


class TransferDialog(QDialog):
    """«Chuyển đơn vị khác»: the unit the dossier is handed to (a filing of another commune's resident goes to
    that commune: offered first)."""

    def __init__(self, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Chuyển đơn vị khác giải quyết"))
        self.setMinimumWidth(520)
        layout = QFormLayout(self)
        self.unit = QLineEdit(suggested)
        self.unit.setObjectName("transferredTo")
        self.unit.setPlaceholderText(_("Ví dụ: UBND xã Hoằng Đạo"))
        self.unit.selectAll()
        layout.addRow(_("Đơn vị nhận hồ sơ"), self.unit)
        layout.addRow(ok_cancel(self))

    @classmethod
    def ask(cls, parent: QWidget | None, suggested: str) -> str | None:
        """The unit's name, or None when cancelled or left empty. Tests replace this."""
        dialog = cls(suggested, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.unit.text().strip():
            return None
        return dialog.unit.text()


TRANSFER_OUT = "transfer_out"  # the button of the transfer to another unit (a TRANSFERRED step)
PANEL_LETTERS = frozenset("vhmb")  # the Alt+letters of the scanned files' tab (ui.widgets.attachments_panel)


def _mnemonic(text: str, taken: set[str]) -> str:
    """``text`` with an Alt+letter: the first plain letter (a–z) not yet taken, at the start of a word if one is."""
    words = [index for index, char in enumerate(text) if char.isascii() and char.isalpha()
             and (index == 0 or text[index - 1] == " ")]
    others = [index for index, char in enumerate(text) if char.isascii() and char.isalpha()]
    for index in [*words, *others]:
        if text[index].lower() not in taken:
            taken.add(text[index].lower())
            return text[:index] + "&" + text[index:]
    return text


class DossierDialog(QDialog):
    changed = Signal(str)

    def __init__(self, reception: ReceptionService, printing: PrintingService, code: str,
                 parent: QWidget | None = None, *, survey: Callable[[str], None] | None = None,
                 attachments: AttachmentService | None = None) -> None:
        """``survey(code)`` opens the citizens' kiosk for this dossier (offered once the result is returned);
        ``attachments``: its scanned files, in a tab beside the timeline (files dropped on the page go there)."""
        super().__init__(parent)
        self.survey = survey
        self.setObjectName("dossierDialog")
        self.reception = reception
        self.printing = printing
        self.code = code
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("dossierSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.timeline = QTableWidget(0, 5)
        self.timeline.setTabKeyNavigation(False)  # Tab cycled its cells forever
        self.timeline.setObjectName("timeline")
        self.timeline.setHorizontalHeaderLabels(
            [_("Thời điểm"), _("Bước"), _("Người thực hiện"), _("Lý do"), _("Hẹn trả")])
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.horizontalHeader().setStretchLastSection(True)
        self.timeline.setColumnWidth(0, 130)
        self.timeline.setColumnWidth(1, 190)
        self.timeline.setColumnWidth(2, 150)
        self.timeline.setColumnWidth(3, 330)
        self.files: AttachmentsPanel | None = None
        if attachments is None:
            layout.addWidget(self.timeline, 1)
        else:
            self.files = AttachmentsPanel(attachments, code)
            self.files.changed.connect(self._files_changed)
            self.tabs = QTabWidget()
            self.tabs.setObjectName("dossierTabs")
            self.tabs.addTab(self.timeline, _("Quá trình xử &lý"))  # (Alt+L, Alt+Q: letters no step takes)
            self.tabs.addTab(self.files, "")
            self._name_files_tab()
            layout.addWidget(self.tabs, 1)
            self.setAcceptDrops(True)

        steps = QHBoxLayout()
        self.step_buttons: dict[EventKind, QPushButton] = {}
        taken: set[str] = set()
        for event in [*STEP_BUTTONS, EventKind.APOLOGISED]:
            button = QPushButton(_mnemonic(action_name(event).capitalize(), taken))  # Alt+letter for each step
            button.setObjectName(f"step_{event.value}")
            button.clicked.connect(lambda _checked=False, e=event: self.step(e))
            self.step_buttons[event] = button
            steps.addWidget(button)
        taken |= PANEL_LETTERS  # the letters the steps leave free that the scanned files' tab uses
        # the transfer step, to another unit (Nghị định 118/2025): beside «Chuyển xử lý»
        self.transfer_out_button = QPushButton(_mnemonic(_("Chuyển đơn vị khác…"), taken))
        self.transfer_out_button.setObjectName(f"step_{TRANSFER_OUT}")
        self.transfer_out_button.clicked.connect(self.transfer_out)
        steps.insertWidget(steps.indexOf(self.step_buttons[EventKind.TRANSFERRED]) + 1, self.transfer_out_button)
        steps.addStretch(1)
        self.fee_button = QPushButton(_mnemonic(_("Phí, lệ phí…"), taken))
        self.fee_button.setObjectName("recordFee")
        self.fee_button.clicked.connect(self.record_fee)
        steps.addWidget(self.fee_button)
        self.undo_button = QPushButton()
        self.undo_button.setObjectName("undoStep")
        self.undo_button.clicked.connect(self.undo)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo)
        steps.addWidget(self.undo_button)
        layout.addLayout(steps)
        prints = QHBoxLayout()
        self.print_buttons: dict[PaperKind, QPushButton] = {}
        for kind, label in PAPER_BUTTONS.items():
            button = QPushButton(_(label))
            button.setObjectName(f"print_{kind.value}")
            button.clicked.connect(lambda _checked=False, k=kind: self.print_paper(k))
            self.print_buttons[kind] = button
            prints.addWidget(button)
        prints.addStretch(1)
        self.survey_button = QPushButton(_("Mời người dân đánh giá (kiosk)"))
        self.survey_button.setObjectName("inviteSurvey")
        self.survey_button.clicked.connect(lambda: self.survey and self.survey(self.code))
        prints.addWidget(self.survey_button)
        close = QPushButton(_("Đóng"))
        close.clicked.connect(self.accept)
        prints.addWidget(close)
        layout.addLayout(prints)
        # Enter runs no button the officer has not tabbed to (the Enter that opened the dialog, pressed again,
        # ran «Chuyển xử lý»): no default button; a focused one is pressed by Enter.
        buttons = [*self.step_buttons.values(), self.transfer_out_button, self.fee_button, self.undo_button,
                   *self.print_buttons.values(), self.survey_button, close]
        for button in buttons:
            button.setAutoDefault(False)
            button.setDefault(False)
        enter_clicks(*buttons)
        self.view: DossierView = self.reception.get(code)
        self.show_view()

    def show_view(self) -> None:
        view = self.view
        dossier = view.dossier
        self.setWindowTitle(_("Hồ sơ {code}").format(code=dossier.code))
        text = html.escape
        documents = "<br>".join(f"{number}. {text(document_label(document))}"
                                for number, document in enumerate(dossier.documents, start=1))
        rows = [
            (_("Mã hồ sơ"), f"<b>{text(dossier.code)}</b>"),
            (_("Thủ tục"), text(f"{view.procedure.code} — {view.procedure.name}")),
            (_("Người nộp"), text(dossier.applicant_name)),
            (_("Số giấy tờ / điện thoại"), text(f"{dossier.applicant_id or '—'} / {dossier.phone or '—'}")),
            (_("Địa chỉ"), text(dossier.address or "—")),
            (_("Hình thức nộp"), dossier.channel.label),
            *([(_("Thường trú tại"), text(dossier.home_commune) + " " + _("(hồ sơ không phụ thuộc địa giới)"))]
              if dossier.home_commune else []),
            *([(_("Đã chuyển"), text(dossier.transferred_to))] if dossier.transferred_to else []),
            (_("Phí, lệ phí"), text(payment_text(dossier.fee_payment))),
            (_("Thành phần hồ sơ"), documents or _("— (không ghi)")),
            (_("Tiếp nhận"), formatting.date_time(dossier.received_at)),
            (_("Hẹn trả"), formatting.date_time(dossier.due_at)
             + (_(" (hẹn lại {date})").format(date=formatting.date_time(view.promised_at))
                if view.apologies else "")),
            (_("Trạng thái"), f"<b>{view.status_label}</b>"
             + (f" — {view.timeliness.label}" if view.timeliness else "")),
        ]
        self.summary.setText("<table>" + "".join(
            f"<tr><td style='padding-right:12px; vertical-align:top'>{label}</td><td>{value}</td></tr>"
            for label, value in rows
        ) + "</table>")
        self.timeline.setRowCount(len(view.events))
        for row, entry in enumerate(view.events):
            due = ""
            if entry.due_after and entry.due_after != entry.due_before:
                due = formatting.date_time(entry.due_after)
                if entry.due_before:
                    due = f"{formatting.date_time(entry.due_before)} → {due}"
            label = _("{step} (đã hoàn tác)").format(step=entry.label) if entry.undone else entry.label
            for column, text in enumerate((formatting.date_time(entry.at), label, entry.user_name or "",
                                           entry.reason or "", due)):
                item = QTableWidgetItem(text)
                if not entry.stands:  # an undone step and its undo: kept in sight, greyed
                    item.setForeground(QBrush(QColor("#777777")))
                self.timeline.setItem(row, column, item)
        allowed = set(view.allowed) - {EventKind.APOLOGISED}
        if self.reception.may_apologise(view):
            allowed.add(EventKind.APOLOGISED)
        for event, button in self.step_buttons.items():
            button.setVisible(event in allowed)
        self.transfer_out_button.setVisible(EventKind.TRANSFERRED in allowed)
        offer = self.reception.undo_offer(self.code)
        self.undo_button.setVisible(offer is not None)
        if offer is not None:
            self.undo_button.setText(_("Hoàn tác «{step}» (Ctrl+Z, đến {until})").format(
                step=offer.event.label, until=offer.until.strftime("%H:%M")))
        self.survey_button.setVisible(self.survey is not None and view.status is DossierStatus.RETURNED)
        form_set = form_set_of(view.form_set)
        offered = set(self.printing.papers(view))
        for kind, button in self.print_buttons.items():
            number = form_number(kind, form_set)
            button.setText(_("In {paper}").format(paper=_(PAPER_BUTTONS[kind]))
                           + (f" ({_('Mẫu {number}').format(number=number)})" if number else ""))
            button.setToolTip(form_set.label)
            button.setVisible(kind in offered)

    def _name_files_tab(self) -> None:
        if self.files is not None:
            self.tabs.setTabText(1, _("Bản &quét, số hóa ({n})").format(n=len(self.files.shown)))

    def _files_changed(self) -> None:
        self._name_files_tab()
        self.changed.emit(self.code)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Files dropped anywhere on the page go to its scanned files (their tab is shown)."""
        if self.files is not None:
            self.tabs.setCurrentWidget(self.files)
            self.files.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if self.files is not None:
            self.files.dropEvent(event)

    def step(self, event: EventKind) -> bool:
        """Ask what the step needs, then do it; the page refreshes. Returns whether it was done."""
        reason, when, late = "", None, ""
        if event in NEEDS_REASON or event is EventKind.APOLOGISED:
            apology = event is EventKind.APOLOGISED
            rule = _("Đã quá hạn lập phiếu xin lỗi: phiếu phải gửi chậm nhất 01 ngày làm việc trước ngày hẹn trả "
                     "(Thông tư 03/2025/TT-VPCP). Nếu vẫn phải lập, hãy ghi lý do lập muộn.")
            answer = ReasonDialog.ask(
                self, action_name(event).capitalize(), with_date=self.view.dossier.due_at if apology else None,
                late_rule=rule if apology and self.reception.apology_late(self.view) else "")
            if answer is None:
                return False
            reason, when, late = answer
        if event is EventKind.RETURNED:
            collected = ReturnDialog.ask(self, self.view.dossier.applicant_name)
            if collected is None:
                return False
            reason = collected
        try:
            if event is EventKind.APOLOGISED:
                assert when is not None
                self.reception.apologise(self.code, reason=reason, new_due_at=when, late_reason=late)
            else:
                self.reception.transition(self.code, event, reason=reason)
        except ValidationError as exc:
            messages.error(self, user_message(exc))
            return False
        self._changed()
        stop = _("Đã dừng giải quyết hồ sơ {code}. In Thông báo dừng giải quyết hồ sơ (Mẫu 05) để giao người nộp?")
        if (event is EventKind.WITHDRAWN and PaperKind.STOP in self.printing.papers(self.view)
                and messages.confirm(self, _("Rút hồ sơ"), stop.format(code=self.code))):
            self.print_paper(PaperKind.STOP)
        return True

    def _changed(self) -> None:
        """After a step: the page again, the keyboard on the history (an Enter pressed again does nothing)."""
        self.view = self.reception.get(self.code)
        self.show_view()
        self.timeline.setFocus()
        self.changed.emit(self.code)

    def transfer_out(self) -> bool:
        """«Chuyển đơn vị khác…»: the transfer step, to the unit named (the applicant's commune offered)."""
        home = self.view.dossier.home_commune
        unit = TransferDialog.ask(self, _("UBND {commune}").format(commune=home) if home else "")
        if unit is None:
            return False
        try:
            self.reception.transition(self.code, EventKind.TRANSFERRED, transferred_to=unit)
        except ValidationError as exc:
            messages.error(self, user_message(exc))
            return False
        self._changed()
        return True

    def record_fee(self) -> bool:
        """«Phí, lệ phí…»: what was collected, recorded; a note on the amount is said. Returns whether recorded."""
        recorded = FeeDialog.ask(self, self.reception, self.view)
        if recorded is None:
            return False
        self._changed()
        if recorded.note:
            messages.warning(self, _("Phí, lệ phí"), recorded.note)
        return True

    def undo(self) -> bool:
        """Undo the dossier's last step (ReceptionService.undo); a refusal is said. Returns whether it was done."""
        try:
            self.reception.undo(self.code)
        except ValidationError as exc:
            messages.error(self, user_message(exc))
            return False
        self._changed()
        return True

    def print_paper(self, kind: PaperKind) -> Path | None:
        number = form_number(kind, form_set_of(self.view.form_set))
        path = papers_folder() / f"{self.code}-{f'mau{number}' if number else kind.value}.pdf"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            printed = self.printing.print_paper(self.code, kind, path)
            paper.deliver(self, path, title=_("{paper} — hồ sơ {code}").format(
                paper=f"{printed.title} ({printed.kind.label})" if printed.form else printed.kind.label,
                code=self.code))
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        self.view = self.reception.get(self.code)
        self.show_view()
        return path
