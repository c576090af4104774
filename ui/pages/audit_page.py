"""Nhật ký thay đổi: who changed which record, when, from what to what (AuditService), newest first and a page
at a time; the changes of the chosen entry field by field; and a check of the log's hash chain.

Personal data in the log (applicants' names, phones) is shown as stored: the page is for the admin and the
reform officer, who answer for the records.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.records import AuditAction
from cchc_desktop.i18n import _
from cchc_desktop.services.audit_trail import AuditFilter, record_label
from ui import messages
from ui.context import AppContext
from ui.models.audit_table import AuditTableModel, value_text
from ui.pages.base import Page
from ui.widgets.busy import busy
from ui.widgets.date_field import DateField
from ui.widgets.tables import fill, list_view, read_only_table

SEARCH_DELAY_MS = 300
BROKEN_SHOWN = 20


def _labelled(row: QHBoxLayout, label: str, widget: QWidget, stretch: int = 0) -> None:
    row.addWidget(QLabel(label))
    row.addWidget(widget, stretch)


class AuditPage(Page):
    name = "audit"
    title = "Nhật ký thay đổi"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.audit

        self.kind = QComboBox()
        self.kind.setObjectName("auditKind")
        self.kind.setMinimumContentsLength(16)
        self.record = QLineEdit()
        self.record.setObjectName("auditRecord")
        self.record.setPlaceholderText(_("mã hồ sơ hoặc số bản ghi"))
        self.record.setClearButtonEnabled(True)
        self.actor = QLineEdit()
        self.actor.setObjectName("auditActor")
        self.actor.setPlaceholderText(_("một phần tên hoặc tên đăng nhập"))
        self.actor.setClearButtonEnabled(True)
        self.first = DateField()
        self.first.setObjectName("auditFrom")
        self.last = DateField()
        self.last.setObjectName("auditTo")
        for field in (self.first, self.last):
            field.setMaximumWidth(110)
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem(_("Tất cả"), None)
        for action in AuditAction:
            self.action.addItem(action.label, action.value)
        self.check_button = QPushButton(_("Kiểm tra tính toàn vẹn"))
        self.check_button.setObjectName("checkAudit")
        self.check_button.setToolTip(_("Tính lại chuỗi mã băm của nhật ký: phát hiện mục bị sửa hoặc xóa ngoài "
                                       "chương trình."))

        first_row = QHBoxLayout()
        _labelled(first_row, _("Loại bản ghi"), self.kind)
        _labelled(first_row, _("Bản ghi"), self.record, 1)
        _labelled(first_row, _("Người thực hiện"), self.actor, 1)
        second_row = QHBoxLayout()
        _labelled(second_row, _("Từ ngày"), self.first)
        _labelled(second_row, _("đến ngày"), self.last)
        _labelled(second_row, _("Việc"), self.action)
        second_row.addStretch(1)
        second_row.addWidget(self.check_button)
        self.layout_.addLayout(first_row)
        self.layout_.addLayout(second_row)
        self.message = QLabel()
        self.message.setObjectName("auditMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.message)

        self.model = AuditTableModel(self.service, parent=self)
        self.table = list_view(self.model, "auditEntries", (56, 140, 210, 90, 150))

        self.detail = QLabel()
        self.detail.setObjectName("auditDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.changes = read_only_table(("Trường", "Trước", "Sau"), "auditChanges")
        self.changes.setWordWrap(True)
        self.changes.verticalHeader().setMinimumSectionSize(24)
        for column, width in enumerate((200, 380)):
            self.changes.setColumnWidth(column, width)
        lower = QGroupBox(_("Nội dung thay đổi của mục đã chọn"))
        lower_layout = QVBoxLayout(lower)
        lower_layout.addWidget(self.detail)
        lower_layout.addWidget(self.changes, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 220])
        self.layout_.addWidget(splitter, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DELAY_MS)
        self.debounce.timeout.connect(self.apply_filter)
        for edit in (self.record, self.actor, self.first, self.last):
            edit.textChanged.connect(self.debounce.start)
            edit.returnPressed.connect(self.apply_filter)
        self.kind.currentIndexChanged.connect(self.apply_filter)
        self.action.currentIndexChanged.connect(self.apply_filter)
        self.check_button.clicked.connect(self.check_chain)
        self.table.selectionModel().currentRowChanged.connect(lambda _now, _before: self.show_current())
        self.model.modelReset.connect(self.show_count)
        self.model.rowsInserted.connect(lambda *_args: self.show_count())
        self.refresh()

    # -- filtering ---------------------------------------------------------------------------------------

    def fill_kinds(self) -> None:
        """The record kinds present in the log (they grow as records of new kinds are changed)."""
        chosen = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(_("Tất cả"), "")
        for table, label in sorted(self.service.kinds().items(), key=lambda item: item[1]):
            self.kind.addItem(label, table)
        found = self.kind.findData(chosen) if chosen else 0
        self.kind.setCurrentIndex(max(found, 0))
        self.kind.blockSignals(False)

    def wanted(self) -> AuditFilter | None:
        """The filter as typed; None (with the reason shown) while a date is not a day."""
        problems = []
        days = {}
        for key, field in (("first", self.first), ("last", self.last)):
            try:
                days[key] = field.day()
            except ValueError as exc:
                problems.append(str(exc))
                field.setProperty("invalid", True)
            else:
                field.setProperty("invalid", False)
            field.style().unpolish(field)
            field.style().polish(field)
        if problems:
            self.message.setText(" ".join(problems))
            return None
        action = self.action.currentData()
        return AuditFilter(kind=self.kind.currentData() or "", record=self.record.text(), actor=self.actor.text(),
                           first=days["first"], last=days["last"],
                           action=AuditAction(action) if action else None)

    def apply_filter(self) -> None:
        self.debounce.stop()
        wanted = self.wanted()
        if wanted is None:
            return
        self.model.set_filter(wanted)
        if self.model.rowCount():
            self.table.selectRow(0)  # the reset cleared the current row: its change shows the entry
        else:
            self.show_current()

    def refresh(self) -> None:
        self.fill_kinds()
        self.apply_filter()

    # -- showing -----------------------------------------------------------------------------------------

    def show_count(self) -> None:
        shown = self.model.rowCount()
        if not shown:
            text = _("Không có mục nhật ký nào khớp.")
        elif self.model.has_more():
            text = _("Đang hiện {n} mục mới nhất; cuộn xuống để xem các mục cũ hơn.").format(
                n=formatting.number(shown))
        else:
            text = _("{n} mục nhật ký.").format(n=formatting.number(shown))
        self.message.setText(text)

    def show_current(self) -> None:
        entry = self.model.entry_at(self.table.currentIndex().row())
        if entry is None:
            self.detail.setText(_("Chọn một mục để xem các trường đã thay đổi."))
            fill(self.changes, [])
            return
        label = record_label(entry)
        self.detail.setText(_("Mục số {id} — {at}, {actor}: {action}{record}.").format(
            id=entry.id, at=formatting.date_time(entry.at, seconds=True), actor=entry.actor,
            action=entry.action.label.lower(), record=f" {label}" if label else ""))
        fill(self.changes, [(name, value_text(before), value_text(after)) for name, before, after in entry.changes])
        self.changes.resizeRowsToContents()

    # -- the hash chain ----------------------------------------------------------------------------------

    def check_chain(self) -> list[int]:
        """Recompute the chain; say whether it holds, or which entries were edited or follow a removed one."""
        with busy():
            broken = self.service.broken_links()
        self.model.set_broken(broken)
        if not broken:
            text = _("Nhật ký toàn vẹn: chuỗi mã băm của mọi mục đều khớp, không mục nào bị sửa hay xóa ngoài "
                     "chương trình.")
            self.message.setText(text)
            messages.info(self, _("Kiểm tra tính toàn vẹn"), text)
            return broken
        numbers = ", ".join(str(number) for number in broken[:BROKEN_SHOWN])
        if len(broken) > BROKEN_SHOWN:
            numbers += _(" và {n} mục khác").format(n=formatting.number(len(broken) - BROKEN_SHOWN))
        text = _("Nhật ký thay đổi đã bị sửa ngoài chương trình: chuỗi mã băm đứt ở mục số {numbers} (mục bị sửa, "
                 "hoặc mục đứng sau một mục bị xóa; các mục này được tô đỏ). Hãy báo quản trị hệ thống và giữ "
                 "nguyên tệp dữ liệu cùng các bản sao lưu để đối chiếu.").format(numbers=numbers)
        self.message.setText(text)
        messages.error(self, text)
        return broken
