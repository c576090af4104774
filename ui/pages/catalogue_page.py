"""Danh mục: the procedure catalogue and the working calendar (the unit's days off and make-up days)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.checklists import documents_text
from cchc_desktop.domain.fees import parse_amount
from cchc_desktop.domain.records import CalendarOverride, OverrideKind
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.catalogue import CatalogueEntry
from ui.context import AppContext
from ui.pages.base import Page
from ui.widgets.buttons import enter_clicks
from ui.widgets.rights import gate
from ui.widgets.tables import fill, read_only_table

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _say(label: QLabel, text: str, *, refused: bool = False) -> None:
    """A save's outcome under its editor: a refusal in the error colour."""
    label.setProperty("role", "fieldError" if refused else None)
    label.setText(text)


class CataloguePage(Page):
    name = "catalogue"
    title = "Danh mục"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.calendar = context.calendar
        self.entries: list[CatalogueEntry] = []
        self.tabs = QTabWidget()
        self.layout_.addWidget(self.tabs, 1)

        procedures_tab = QWidget()
        procedures_column = QVBoxLayout(procedures_tab)
        self.procedures = read_only_table(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Thời hạn giải quyết",
                                           "Mức độ DVC trực tuyến", "Khi bổ sung", "Thành phần hồ sơ",
                                           "Quyết định công bố", "Phí, lệ phí", "Thanh toán trực tuyến"],
                                          "procedures")
        for column, width in enumerate((80, 400, 100, 130, 110, 90, 120, 140, 140)):
            self.procedures.setColumnWidth(column, width)
        procedures_column.addWidget(self.procedures, 3)
        # The chosen procedure's checklist, one document a line: what the desk ticks and Mẫu 01 prints.
        self.checklist_title = QLabel()
        self.checklist_title.setObjectName("checklistTitle")
        self.checklist_title.setWordWrap(True)
        procedures_column.addWidget(self.checklist_title)
        self.checklist_edit = QPlainTextEdit()
        self.checklist_edit.setObjectName("checklistEdit")
        self.checklist_edit.setTabChangesFocus(True)
        self.checklist_edit.setPlaceholderText(_(
            "Mỗi dòng một giấy tờ, loại bản và số lượng trong ngoặc, ví dụ:\nTờ khai đăng ký khai sinh (bản chính)\n"
            "Giấy chứng sinh (bản chính)\nẢnh 4x6 (bản chính, 2 bản)"))
        procedures_column.addWidget(self.checklist_edit, 1)
        checklist_row = QHBoxLayout()
        self.checklist_message = QLabel()
        self.checklist_message.setObjectName("checklistMessage")
        self.checklist_message.setWordWrap(True)
        self.save_checklist_button = QPushButton(_("Lưu thành phần hồ sơ (Ctrl+S)"))
        self.save_checklist_button.setObjectName("saveChecklist")
        checklist_row.addWidget(self.checklist_message, 1)
        checklist_row.addWidget(self.save_checklist_button)
        procedures_column.addLayout(checklist_row)
        # The chosen procedure's fee as a number (what the desk is offered) and whether it can be paid online.
        fee_row = QHBoxLayout()
        fee_row.addWidget(QLabel(_("Mức phí, lệ phí (đồng):")))
        self.fee_amount = QLineEdit()
        self.fee_amount.setObjectName("feeAmount")
        self.fee_amount.setPlaceholderText(_("0: không thu; để trống: không nêu một mức"))
        fee_row.addWidget(self.fee_amount, 1)
        self.online_payment = QCheckBox(_("Thanh toán trực tuyến trên Cổng dịch vụ công"))
        self.online_payment.setObjectName("onlinePayment")
        fee_row.addWidget(self.online_payment)
        self.fee_message = QLabel()
        self.fee_message.setObjectName("feeMessage")
        self.fee_message.setWordWrap(True)
        fee_row.addWidget(self.fee_message, 2)
        self.save_fee_button = QPushButton(_("Lưu phí, lệ phí"))
        self.save_fee_button.setObjectName("saveFee")
        fee_row.addWidget(self.save_fee_button)
        procedures_column.addLayout(fee_row)
        self.tabs.addTab(procedures_tab, _("Thủ tục hành chính"))

        calendar_tab = QWidget()
        column = QVBoxLayout(calendar_tab)
        top = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setObjectName("calendarYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.day = QDateEdit()
        self.day.setObjectName("overrideDay")
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setCalendarPopup(True)
        self.day.setDate(QDate.currentDate())
        self.kind = QComboBox()
        self.kind.setObjectName("overrideKind")
        for kind in OverrideKind:
            self.kind.addItem(kind.label, kind.value)
        self.note = QLineEdit()
        self.note.setObjectName("overrideNote")
        self.note.setPlaceholderText(_("Căn cứ, ví dụ: Thông báo số 12/TB-UBND"))
        self.save_button = QPushButton(_("Lưu ngày"))
        self.save_button.setObjectName("saveOverride")
        self.remove_button = QPushButton(_("Bỏ ngày đã chọn"))
        self.remove_button.setObjectName("removeOverride")
        for label, widget in ((_("Năm"), self.year), (_("Ngày"), self.day), (None, self.kind)):
            if label:
                top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(self.note, 1)
        top.addWidget(self.save_button)
        top.addWidget(self.remove_button)
        column.addLayout(top)
        self.message = QLabel()
        self.message.setObjectName("calendarMessage")
        self.message.setProperty("role", "fieldError")
        column.addWidget(self.message)
        self.days = read_only_table(["Ngày", "Thứ", "Loại", "Ghi chú", "Nguồn"], "calendarDays")
        for index, width in enumerate((110, 90, 140, 420)):
            self.days.setColumnWidth(index, width)
        column.addWidget(self.days, 1)
        self.tabs.addTab(calendar_tab, _("Lịch làm việc"))

        self.procedures.currentCellChanged.connect(lambda *_cells: self.show_checklist())
        self.save_checklist_button.clicked.connect(self.save_checklist)
        self.save_fee_button.clicked.connect(self.save_fee)
        self.fee_amount.returnPressed.connect(self.save_fee)
        enter_clicks(self.save_checklist_button, self.save_fee_button)
        QShortcut(QKeySequence("Ctrl+S"), self.checklist_edit, activated=self.save_checklist,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.year.valueChanged.connect(self.show_year)
        self.save_button.clicked.connect(self.save_override)
        self.remove_button.clicked.connect(self.remove_override)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.chosen_code()
        self.entries = self.context.catalogue.procedures()
        fill(self.procedures, [[e.code, e.name, e.field, e.time_limit, e.online_level, e.supplement_rule,
                                 _("{n} giấy tờ").format(n=e.documents) if e.documents else "—",
                                 e.published_by, e.fee_label, _("Có") if e.online_payment else ""]
                                for e in self.entries])
        codes = [entry.code for entry in self.entries]
        if codes:
            self.procedures.setCurrentCell(codes.index(chosen) if chosen in codes else 0, 0)
        self.show_checklist()
        self.show_year()

    def chosen_code(self) -> str | None:
        row = self.procedures.currentRow()
        return self.entries[row].code if 0 <= row < len(self.entries) else None

    def show_checklist(self) -> None:
        """The chosen procedure's checklist in the editor (read-only without the catalogue right)."""
        code = self.chosen_code()
        entry = next((e for e in self.entries if e.code == code), None)
        self.checklist_title.setText(_("Thành phần hồ sơ của thủ tục {code} — {name}:").format(
            code=entry.code, name=entry.name) if entry else _("Chọn một thủ tục để xem thành phần hồ sơ."))
        self.checklist_edit.setPlainText(documents_text(self.context.catalogue.checklist(code)) if code else "")
        allowed = gate(self.context.session, Permission.CATALOGUE, self.save_checklist_button)
        self.checklist_edit.setReadOnly(not allowed or code is None)
        self.checklist_message.setText("")
        gate(self.context.session, Permission.CATALOGUE, self.save_fee_button)
        self.fee_amount.setText(formatting.number(entry.fee_amount) if entry and entry.fee_amount is not None
                                else "")
        self.fee_amount.setToolTip(_("Danh mục ghi: {fee}").format(fee=entry.fee) if entry and entry.fee else "")
        self.online_payment.setChecked(bool(entry and entry.online_payment))
        for widget in (self.fee_amount, self.online_payment):
            widget.setEnabled(allowed and code is not None)
        self.fee_message.setText("")

    def save_checklist(self) -> None:
        code = self.chosen_code()
        if code is None or not self.save_checklist_button.isEnabled():
            return
        try:
            saved = self.context.catalogue.set_checklist(code, self.checklist_edit.toPlainText())
        except ValidationError as exc:
            _say(self.checklist_message, _("Chưa lưu: {problem}").format(problem=" ".join(exc.errors.values())),
                 refused=True)
            return
        self._refresh_keeping_row()
        _say(self.checklist_message, _("Đã lưu {n} giấy tờ của thủ tục {code}.").format(n=len(saved), code=code))

    def save_fee(self) -> None:
        """The chosen procedure's fee as typed («8.000», «0», empty) and its online payment."""
        code = self.chosen_code()
        if code is None or not self.save_fee_button.isEnabled():
            return
        try:
            try:
                amount = parse_amount(self.fee_amount.text())
            except ValueError:
                raise ValidationError({"fee_amount": _("«{text}» không phải là số đồng (ví dụ 8.000; 0 nếu không thu)."
                                                       ).format(text=self.fee_amount.text().strip())}) from None
            saved = self.context.catalogue.set_fee(code, amount=amount,
                                                   online_payment=self.online_payment.isChecked())
        except ValidationError as exc:
            _say(self.fee_message, _("Chưa lưu: {problem}").format(problem=" ".join(exc.errors.values())),
                 refused=True)
            return
        self._refresh_keeping_row()
        _say(self.fee_message, _("Đã lưu phí, lệ phí của thủ tục {code}: {fee}.").format(
            code=code, fee=saved.fee_label))

    def _refresh_keeping_row(self) -> None:
        row = self.procedures.currentRow()
        self.refresh()
        self.procedures.setCurrentCell(row, 0)

    def show_year(self) -> None:
        self.shown = self.calendar.year(self.year.value())
        fill(self.days, [[
            formatting.short_date(item.day), _(WEEKDAYS[item.day.weekday()]), item.kind.label, item.note,
            _("Đơn vị") if item.source == "unit" else _("Quy định chung"),
        ] for item in self.shown])

    def save_override(self) -> None:
        wanted = CalendarOverride(self.day.date().toPython(), OverrideKind(self.kind.currentData()), self.note.text())
        try:
            saved = self.calendar.put(wanted)
        except ValidationError as exc:
            self.message.setText(" ".join(exc.errors.values()))
            return
        self.message.setText("")
        self.note.clear()
        self.year.setValue(saved.day.year)
        self.show_year()

    def remove_override(self) -> None:
        row = self.days.currentRow()
        if row < 0 or self.shown[row].source != "unit":
            self.message.setText(_("Chỉ bỏ được ngày do đơn vị khai báo (nguồn «Đơn vị»)."))
            return
        self.calendar.remove(self.shown[row].day)
        self.message.setText("")
        self.show_year()
