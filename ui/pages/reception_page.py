"""Tiếp nhận hồ sơ: the keyboard-fast reception form. Enter saves; F9 prints the receipt (Mẫu 01).

The code and the appointment are previewed live by ReceptionService.preview; saving is ReceptionService.register;
printing is PrintingService. Nothing here computes a date or writes SQL. What is typed is kept as a draft
(``ui.widgets.form_draft``) until the dossier is saved, so a crash or a power cut loses no typing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.checklists import ChecklistError, read_documents
from cchc_desktop.domain.dossiers import Channel, DeskRefusalKind, DossierDocument
from cchc_desktop.domain.fees import FeePayment
from cchc_desktop.domain.papers import PaperKind, Proxy, ResultDelivery
from cchc_desktop.errors import CchcError, StorageError, ValidationError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.desk_refusals import TurnedAway
from cchc_desktop.services.papers import papers_folder
from cchc_desktop.services.reception import NewDossier, ProcedureChoice
from ui import messages, paper
from ui.context import AppContext
from ui.dialogs.turn_away_dialog import TurnAwayDialog, TurnedAwayListDialog
from ui.dialogs.turn_away_dialog import deliver as deliver_turned_away
from ui.pages.base import Page
from ui.widgets.buttons import enter_clicks
from ui.widgets.checklist import DocumentChecklist
from ui.widgets.fee_fields import FeeFields
from ui.widgets.field_errors import FieldErrors
from ui.widgets.form_draft import FormDraft

PREVIEW_DELAY_MS = 150
TEXT_FIELDS = [
    ("applicant_name", "Họ tên người nộp (*)"),
    ("applicant_id", "Số CCCD/CMND"),
    ("phone", "Số điện thoại"),
    ("address", "Địa chỉ"),
    ("email", "Thư điện tử"),
]
# The authorised person who files for the applicant (Mẫu 01 of 2025), laid out two fields a row.
PROXY_FIELDS = [
    ("name", "Họ tên (*)"), ("id_number", "Số CCCD"), ("phone", "Số điện thoại"), ("email", "Thư điện tử"),
    ("address", "Địa chỉ"), ("paper", "Giấy tờ ủy quyền"),
]
# The way of taking the result a channel suggests (the officer may change it).
DELIVERY_OF_CHANNEL = {Channel.POSTAL: ResultDelivery.POST, Channel.ONLINE_FULL: ResultDelivery.ONLINE}


class ReceptionPage(Page):
    name = "reception"
    title = "Tiếp nhận hồ sơ"
    registered = Signal(str)  # the new dossier's code

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.reception
        self.printing = context.printing
        self.refusals = context.desk_refusals
        self.procedure: ProcedureChoice | None = None
        self.choices: dict[str, ProcedureChoice] = {}
        self.last_code: str | None = None
        self.draft = FormDraft(self, context.drafts, "reception", collect=self.draft_data,
                               restore=self.restore_draft)
        self.layout_.addWidget(self.draft.banner)

        form = QFormLayout()
        self.errors = FieldErrors()
        self.procedure_edit = QLineEdit()
        self.procedure_edit.setObjectName("procedure")
        self.procedure_edit.setPlaceholderText(_("Gõ mã hoặc tên thủ tục, có hoặc không dấu…"))
        self.completions = QStringListModel(self)
        self.completer = QCompleter(self.completions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.procedure_edit.setCompleter(self.completer)
        form.addRow(_("Thủ tục (*)"), self.errors.wrap("procedure_code", self.procedure_edit))

        self.inputs: dict[str, QLineEdit] = {}
        for key, label in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(key)
            self.inputs[key] = edit
            form.addRow(_(label), self.errors.wrap(key, edit))
        # A resident of another commune filing here (Nghị định 118/2025: received regardless of the boundary);
        # the communes typed before are offered as the officer types.
        self.home_commune = QLineEdit()
        self.home_commune.setObjectName("homeCommune")
        self.home_commune.setPlaceholderText(_("Để trống khi người nộp thường trú tại xã, phường này"))
        self.communes = QStringListModel(self)
        communes = QCompleter(self.communes, self)
        communes.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        communes.setFilterMode(Qt.MatchFlag.MatchContains)
        self.home_commune.setCompleter(communes)
        self.communes_loaded = False  # read when the field first has the cursor, not when the window starts
        self.home_commune.installEventFilter(self)
        form.addRow(_("Thường trú tại xã/phường khác"), self.errors.wrap("home_commune", self.home_commune))
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        for channel in Channel:
            self.channel.addItem(channel.label, channel.value)
        form.addRow(_("Hình thức nộp"), self.errors.wrap("channel", self.channel))
        self.delivery = QComboBox()
        self.delivery.setObjectName("resultDelivery")
        for delivery in ResultDelivery:
            self.delivery.addItem(delivery.label, delivery.value)
        form.addRow(_("Nhận kết quả"), self.errors.wrap("result_delivery", self.delivery))
        self.by_proxy = QCheckBox(_("Người được ủy quyền nộp thay"))
        self.by_proxy.setObjectName("byProxy")
        form.addRow("", self.by_proxy)
        self.proxy_box = QWidget()
        self.proxy_box.setObjectName("proxyBox")
        grid = QGridLayout(self.proxy_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.proxy_inputs: dict[str, QLineEdit] = {}
        for index, (key, label) in enumerate(PROXY_FIELDS):
            edit = QLineEdit()
            edit.setObjectName(f"proxy_{key}")
            self.proxy_inputs[key] = edit
            row, column = divmod(index, 2)
            grid.addWidget(QLabel(_(label)), row, column * 2)
            grid.addWidget(self.errors.wrap(f"proxy_{key}", edit), row, column * 2 + 1)
        self.proxy_box.setVisible(False)
        form.addRow("", self.proxy_box)
        self.sets = QSpinBox()
        self.sets.setObjectName("sets")
        self.sets.setRange(1, 99)
        form.addRow(_("Số bộ hồ sơ"), self.errors.wrap("sets", self.sets))
        self.fees = FeeFields(self.errors)  # offered with the catalogue's fee once the procedure is picked
        form.addRow(_("Phí, lệ phí"), self.fees)
        # The procedure's checklist, ticked with Space; what it does not list is typed below it, one a line.
        self.checklist = DocumentChecklist()
        self.checklist.setObjectName("checklist")
        self.checklist.setVisible(False)
        self.checklist_label = QLabel(_("Thành phần hồ sơ"))
        form.addRow(self.checklist_label, self.checklist)
        self.checklist_label.setVisible(False)
        self.documents = QPlainTextEdit()
        self.documents.setObjectName("documents")
        self.documents.setPlaceholderText(_("Mỗi dòng một giấy tờ, ví dụ: Giấy chứng sinh (bản chính)"))
        self.documents.setTabChangesFocus(True)
        self.documents.setFixedHeight(80)
        self.documents_label = QLabel(_("Thành phần hồ sơ"))
        form.addRow(self.documents_label, self.errors.wrap("documents", self.documents))
        self.layout_.addLayout(form)

        self.saved_banner = QLabel()
        self.saved_banner.setObjectName("savedBanner")  # large and green in the style sheet
        self.saved_banner.setWordWrap(True)
        self.saved_banner.setTextFormat(Qt.TextFormat.RichText)
        self.saved_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved_banner.setVisible(False)
        self.layout_.addWidget(self.saved_banner)
        self.preview_label = QLabel()
        self.preview_label.setObjectName("receptionPreview")
        self.preview_label.setWordWrap(True)
        self.preview_label.setTextFormat(Qt.TextFormat.RichText)
        self.unit_error = self.errors.add("unit_code", QLabel())
        self.layout_.addWidget(self.preview_label)
        self.layout_.addWidget(self.unit_error)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Lưu hồ sơ (Enter, Ctrl+Enter)"))
        self.save_button.setObjectName("saveDossier")
        self.print_button = QPushButton(_("In giấy tiếp nhận (F9)"))
        self.print_button.setObjectName("printReceipt")
        self.print_button.setEnabled(False)
        self.turn_away_button = QPushButton(_("Không tiếp nhận… (F8)"))
        self.turn_away_button.setObjectName("turnAway")
        self.turn_away_button.setToolTip(_("Hồ sơ chưa đầy đủ (Mẫu 02) hoặc không thuộc thẩm quyền (Mẫu 03): "
                                           "ghi sổ và in phiếu, không cấp mã hồ sơ"))
        self.turned_away_button = QPushButton(_("Sổ không tiếp nhận"))
        self.turned_away_button.setObjectName("turnedAwayList")
        self.status = QLabel()
        self.status.setObjectName("receptionStatus")
        self.status.setWordWrap(True)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.turn_away_button)
        buttons.addWidget(self.turned_away_button)
        buttons.addWidget(self.status, 1)
        self.layout_.addLayout(buttons)
        self.layout_.addStretch(1)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.update_preview)
        self.procedure_edit.textEdited.connect(self._suggest)
        self.completer.activated.connect(self._pick)
        self.channel.currentIndexChanged.connect(self.preview_timer.start)
        self.channel.activated.connect(self._delivery_of_channel)
        self.by_proxy.toggled.connect(self._show_proxy)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_receipt)
        self.turn_away_button.clicked.connect(self.turn_away)
        self.turned_away_button.clicked.connect(self.show_turned_away)
        line_edits = (*self.inputs.values(), self.home_commune, *self.proxy_inputs.values(), *self.fees.edits())
        for edit in (*line_edits, self.procedure_edit):
            edit.returnPressed.connect(self._enter)
        enter_clicks(self.save_button, self.print_button, self.turn_away_button, self.turned_away_button)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # saves from any field, the list of documents included
            QShortcut(QKeySequence(keys), self, activated=self.save)
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, activated=self.print_receipt)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, activated=self.turn_away)
        for edit in (*line_edits, self.procedure_edit):
            edit.textEdited.connect(self.draft.changed)
        self.fees.method.activated.connect(self.draft.changed)
        self.channel.activated.connect(self.draft.changed)
        self.delivery.activated.connect(self.draft.changed)
        self.by_proxy.toggled.connect(self.draft.changed)
        self.sets.valueChanged.connect(self.draft.changed)
        self.documents.textChanged.connect(self.draft.changed)
        self.checklist.changed.connect(self.draft.changed)
        self.update_preview()
        self.draft.offer()

    def _suggest(self, text: str) -> None:
        if self.procedure is not None:
            self.procedure = None
            self._show_checklist()
        found = self.service.find_procedures(text, limit=15)
        self.choices = {f"{p.code} — {p.name}": p for p in found}
        self.completions.setStringList(list(self.choices))
        if found:
            self.completer.complete()
        self.preview_timer.start()

    def _pick(self, text: str) -> None:
        self.procedure = self.choices.get(text)
        if self.procedure is not None:
            self.procedure_edit.setText(text)
            self.inputs["applicant_name"].setFocus()
            self.draft.changed()
        self._show_checklist()
        self._offer_fee()
        self.update_preview()

    def _offer_fee(self) -> None:
        """The catalogue's fee of the procedure picked (paid online when it can be and the dossier is filed
        online); nothing when it has none."""
        procedure = self.procedure
        online = procedure is not None and procedure.online_payment and Channel(self.channel.currentData()).online
        self.fees.prefill(procedure.fee_amount if procedure else None, online=online)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The communes typed before, read when «Thường trú tại xã/phường khác» first gets the cursor."""
        if watched is self.home_commune and event.type() == QEvent.Type.FocusIn and not self.communes_loaded:
            self.communes.setStringList(self.service.home_communes())
            self.communes_loaded = True
        return super().eventFilter(watched, event)

    def _remember_commune(self, commune: str) -> None:
        """A commune just saved joins the offers (no need to read them again)."""
        offered = self.communes.stringList()
        if commune and commune not in offered:
            self.communes.setStringList([commune, *offered])

    def _show_checklist(self) -> None:
        """The chosen procedure's checklist, none ticked; the typed list is «Giấy tờ khác» beside it."""
        documents = self.context.catalogue.checklist(self.procedure.code) if self.procedure else ()
        self.checklist.set_documents(documents)
        self.checklist_label.setVisible(bool(documents))
        self.documents_label.setText(_("Giấy tờ khác") if documents else _("Thành phần hồ sơ"))

    def _delivery_of_channel(self) -> None:
        """A postal filing gets its result by post, a fully online one online; the others at the desk."""
        wanted = DELIVERY_OF_CHANNEL.get(Channel(self.channel.currentData()), ResultDelivery.DESK)
        self.delivery.setCurrentIndex(self.delivery.findData(wanted.value))

    def _show_proxy(self, shown: bool) -> None:
        self.proxy_box.setVisible(shown)
        if shown:
            self.proxy_inputs["name"].setFocus()

    def _enter(self) -> None:
        """Enter in the procedure field takes the first suggestion; elsewhere it saves."""
        if self.sender() is self.procedure_edit and self.procedure is None:
            first = next(iter(self.choices), None)
            if first is not None:
                self._pick(first)
            return
        self.save()

    # -- preview, save, print ----------------------------------------------------------------------------

    def typed_documents(self) -> tuple[DossierDocument, ...]:
        """The documents typed one a line (a kind in brackets, «Giấy chứng sinh (bản chính)»); ChecklistError."""
        return read_documents(self.documents.toPlainText())

    def new_dossier(self, documents: tuple[DossierDocument, ...] = (), fee: FeePayment | None = None) -> NewDossier:
        return NewDossier(
            procedure_code=self.procedure.code if self.procedure else self.procedure_edit.text().split(" — ")[0],
            applicant_name=self.inputs["applicant_name"].text(),
            applicant_id=self.inputs["applicant_id"].text(),
            phone=self.inputs["phone"].text(),
            address=self.inputs["address"].text(),
            email=self.inputs["email"].text(),
            sets=self.sets.value(),
            channel=Channel(self.channel.currentData()),
            documents=(*self.checklist.ticked(), *documents),
            result_delivery=ResultDelivery(self.delivery.currentData()),
            proxy=Proxy(**{key: edit.text() for key, edit in self.proxy_inputs.items()})
            if self.by_proxy.isChecked() else None,
            home_commune=self.home_commune.text(),
            fee=fee,
        )

    def refresh(self) -> None:
        self.update_preview()
        self.communes_loaded = False  # another window may have saved since

    def update_preview(self) -> None:
        preview = self.service.preview(self.new_dossier())
        parts = []
        if preview.code:
            parts.append(_("Mã hồ sơ tiếp theo: <b>{code}</b>").format(code=preview.code))
        if preview.due is not None:
            parts.append(_("Ngày hẹn trả: <b>{due}</b>").format(due=formatting.date_time(preview.due.at)))
            parts.append(f"<i>{preview.due.explanation}</i>")
        self.preview_label.setText("<br>".join(parts) or _("Chọn thủ tục để xem mã hồ sơ và ngày hẹn trả."))
        self.unit_error.setText(preview.errors.get("unit_code", ""))
        self.unit_error.setVisible("unit_code" in preview.errors)

    def save(self) -> None:
        try:
            documents = self.typed_documents()
            try:
                fee = self.fees.payment()
            except ValidationError as exc:  # an amount that is no amount: said with the form's other problems
                raise ValidationError({**self.service.preview(self.new_dossier(documents)).errors, **exc.errors}
                                      ) from None
            saved = self.service.register(self.new_dossier(documents, fee))
        except ChecklistError as exc:
            self.errors.show({"documents": exc.sentence()})
            self.status.setText(_("Chưa lưu: hãy sửa các ô được đánh dấu."))
            return
        except ValidationError as exc:
            others = self.errors.show(exc.errors)
            self.status.setText(" ".join([_("Chưa lưu: hãy sửa các ô được đánh dấu."), *others]))
            return
        except StorageError as exc:  # the database cannot take it now (a server that does not answer, a file
            # another program holds): nothing was saved; what was typed stays for another try
            self.status.setText(_("Chưa lưu, những gì đã nhập vẫn giữ nguyên: {message} Nhấn Enter để thử lại.")
                                .format(message=user_message(exc)))
            messages.storage_error(self, exc)
            return
        self.errors.show({})
        self.last_code = saved.code
        self.print_button.setEnabled(True)
        self.status.setText(" ".join([_("Đã lưu hồ sơ {code}, hẹn trả {due}. Nhấn F9 để in giấy tiếp nhận.").format(
            code=saved.code, due=formatting.date_time(saved.due_at)),
            *(_("Lưu ý: {note}").format(note=note) for note in saved.notes)]))
        self.saved_banner.setText(_("Đã lưu: <b>{code}</b> — hẹn trả {due}").format(
            code=saved.code, due=formatting.date_time(saved.due_at)))
        self.saved_banner.setVisible(True)
        self._remember_commune(" ".join(self.home_commune.text().split()))
        self.clear_applicant()
        self.registered.emit(saved.code)

    def clear_applicant(self) -> None:
        """Ready for the next citizen: the procedure and channel stay, the person's fields empty."""
        for key in ("applicant_name", "applicant_id", "phone", "address", "email"):
            self.inputs[key].clear()
        for edit in self.proxy_inputs.values():
            edit.clear()
        self.by_proxy.setChecked(False)
        self._delivery_of_channel()
        self.documents.clear()
        self.checklist.set_ticked(())
        self.sets.setValue(1)
        self.home_commune.clear()
        self._offer_fee()
        self.inputs["applicant_name"].setFocus()
        self.update_preview()
        self.draft.discard()

    # -- the draft -----------------------------------------------------------------------------------------

    def draft_data(self) -> dict[str, Any] | None:
        """The form's fields for the draft; None while no applicant field and no document is typed."""
        texts = {key: edit.text() for key, edit in self.inputs.items()}
        proxy = {key: edit.text() for key, edit in self.proxy_inputs.items()}
        documents = self.documents.toPlainText()
        ticked = self.checklist.ticked_rows()
        if not ticked and not self.fees.typed() and not any(
                text.strip() for text in (*texts.values(), *proxy.values(), documents, self.home_commune.text())):
            return None
        return {
            "procedure": self.procedure_edit.text(),
            "procedure_code": self.procedure.code if self.procedure else None,
            **texts,
            "channel": self.channel.currentData(),
            "result_delivery": self.delivery.currentData(),
            "proxy": proxy if self.by_proxy.isChecked() else None,
            "sets": self.sets.value(),
            "documents": documents,
            "ticked": ticked,
            "home_commune": self.home_commune.text(),
            "fee": self.fees.data(),
        }

    def restore_draft(self, data: Mapping[str, Any]) -> None:
        """Fill the form back from a draft: the procedure picked again when it is still in the catalogue."""
        code = data.get("procedure_code")
        found = [p for p in self.service.find_procedures(str(code), limit=5) if p.code == code] if code else []
        self.procedure = found[0] if found else None
        self.procedure_edit.setText(f"{self.procedure.code} — {self.procedure.name}" if self.procedure
                                    else str(data.get("procedure") or ""))
        for key, edit in self.inputs.items():
            edit.setText(str(data.get(key) or ""))
        channel = self.channel.findData(data.get("channel"))
        if channel >= 0:
            self.channel.setCurrentIndex(channel)
        delivery = self.delivery.findData(data.get("result_delivery"))
        self.delivery.setCurrentIndex(max(delivery, 0))
        proxy = data.get("proxy")
        proxy = proxy if isinstance(proxy, Mapping) else {}
        for key, edit in self.proxy_inputs.items():
            edit.setText(str(proxy.get(key) or ""))
        self.by_proxy.setChecked(bool(proxy))
        sets = data.get("sets")
        self.sets.setValue(sets if isinstance(sets, int) else 1)
        self.documents.setPlainText(str(data.get("documents") or ""))
        self._show_checklist()
        ticked = data.get("ticked")
        self.checklist.set_ticked(row for row in (ticked if isinstance(ticked, list) else ()) if isinstance(row, int))
        self.home_commune.setText(str(data.get("home_commune") or ""))
        fee = data.get("fee")
        if isinstance(fee, Mapping):
            self.fees.restore(fee)
        else:  # a draft of before the fees
            self._offer_fee()
        self.errors.show({})
        self.inputs["applicant_name"].setFocus()
        self.update_preview()

    def turn_away(self) -> Path | None:
        """The filing is not received: note it (Mẫu 02 or 03) with what the form holds, print the paper."""
        start = TurnedAway(
            kind=DeskRefusalKind.INCOMPLETE, applicant_name=self.inputs["applicant_name"].text(),
            procedure_code=self.procedure.code if self.procedure else "", reasons=(),
            address=self.inputs["address"].text(), phone=self.inputs["phone"].text(),
            id_number=self.inputs["applicant_id"].text())
        recorded = TurnAwayDialog.ask(self, self.refusals, start)
        if recorded is None:
            return None
        path = deliver_turned_away(self, recorded)
        self.status.setText(_("Đã ghi sổ hồ sơ không tiếp nhận của {name} (Mẫu {form}); không cấp mã hồ sơ.").format(
            name=recorded.refusal.applicant_name, form=recorded.refusal.form))
        self.clear_applicant()
        return path

    def show_turned_away(self) -> None:
        today = self.refusals.clock().date()
        TurnedAwayListDialog.browse(self, self.refusals, today.replace(day=1), today)

    def receipt_path(self, code: str) -> Path:
        return papers_folder() / f"{code}-mau01.pdf"

    def print_receipt(self) -> Path | None:
        """Write the last saved dossier's receipt as PDF and open it; returns its path."""
        if not self.last_code:
            return None
        path = self.receipt_path(self.last_code)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.printing.print_paper(self.last_code, PaperKind.RECEIPT, path)
            paper.deliver(self, path, title=_("Giấy tiếp nhận hồ sơ {code}").format(code=self.last_code))
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        self.status.setText(_("Đã tạo giấy tiếp nhận {path}.").format(path=path))
        return path
