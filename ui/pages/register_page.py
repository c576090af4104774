"""Sổ theo dõi hồ sơ: the dossier register over the whole database, searched and filtered in SQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.dossiers import DossierStatus
from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.lazy import lazy_import
from cchc_desktop.progress import Cancelled
from cchc_desktop.services.papers import papers_folder
from cchc_desktop.services.register import RegisterFilter
from ui import messages
from ui.context import AppContext
from ui.dialogs.period_dialog import PeriodDialog
from ui.models.dossier_table import COLUMNS, DossierTableModel
from ui.pages.base import Page
from ui.widgets.background import run_with_progress
from ui.widgets.dossier_table_view import dossier_table_view
from ui.widgets.latest_count import LatestCount, say_failed

# What opening a dossier, printing or exporting needs loads then, not when the register first shows.
exports = lazy_import("cchc_desktop.services.exports")
EXPORT_FOLDER_KEY = "export/folder"  # where the last list was saved: the next one is offered there
desktop = lazy_import("ui.desktop")
paper = lazy_import("ui.paper")

SEARCH_DELAY_MS = 300
OVERDUE = "overdue"
# The filings of other communes' residents (Nghị định 118/2025) and the dossiers handed to another unit.
BOUNDARY_FREE, TRANSFERRED = "boundary_free", "transferred"
HEADER_STATE_KEY = "register/header-v2"  # (v2: status and appointment after the name)
# How many dossiers a filter selects is counted here, off the window's thread: over a million dossiers the
# count is a scan (~20 ms unfiltered, more for a search) that the list's first page does not wait for.
_counter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-register-count")


class RegisterPage(Page):
    name = "register"
    title = "Sổ theo dõi hồ sơ"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.register

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("registerSearch")
        self.search.setPlaceholderText(_("Tìm theo mã hồ sơ, họ tên (có hoặc không dấu), điện thoại, số giấy tờ…"))
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setObjectName("registerStatus")
        self.status.addItem(_("Mọi trạng thái"), None)
        for status in DossierStatus:
            self.status.addItem(status.label, status.value)
        self.status.addItem(_("Quá hạn (chưa có kết quả)"), OVERDUE)
        self.boundary = QComboBox()
        self.boundary.setObjectName("registerBoundary")
        self.boundary.addItem(_("Mọi nơi thường trú"), None)
        self.boundary.addItem(_("Hồ sơ không phụ thuộc địa giới"), BOUNDARY_FREE)
        self.boundary.addItem(_("Đã chuyển đơn vị khác"), TRANSFERRED)
        self.boundary.setToolTip(_("Hồ sơ của người thường trú tại xã, phường khác (Nghị định 118/2025/NĐ-CP), hồ sơ "
                                   "đã chuyển đơn vị khác giải quyết"))
        self.count = QLabel()
        self.count.setObjectName("registerCount")
        self.counting = LatestCount(_counter, self._counted, self._not_counted, self)
        bar.addWidget(self.search, 3)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.boundary, 1)
        bar.addWidget(self.count)
        self.ledger_button = QPushButton(_("In sổ theo dõi (Mẫu 06)"))
        self.ledger_button.setObjectName("printLedger")
        self.ledger_button.clicked.connect(self.print_ledger)
        bar.addWidget(self.ledger_button)
        self.export_button = QPushButton(_("Xuất Excel"))
        self.export_button.setObjectName("exportList")
        self.export_button.clicked.connect(self.export_list)
        bar.addWidget(self.export_button)
        self.layout_.addLayout(bar)

        self.model = DossierTableModel(self.service)
        self.table = dossier_table_view(self.model, name="registerTable", parent=self)
        # The indicator first: enabling sorting then asks the model for the order it already has (no reload).
        received = next(column for column, (key, _header) in enumerate(COLUMNS) if key == "received_at")
        self.table.horizontalHeader().setSortIndicator(received, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionsMovable(True)
        self._restore_header()
        self.layout_.addWidget(self.table, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DELAY_MS)
        self.debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self.debounce.start)
        self.search.returnPressed.connect(self.find)
        self.status.currentIndexChanged.connect(self.apply_filter)
        self.boundary.currentIndexChanged.connect(self.apply_filter)
        self.table.horizontalHeader().sectionResized.connect(self._save_header)
        self.table.horizontalHeader().sectionMoved.connect(self._save_header)
        self.table.activated.connect(lambda index: self.open_dossier(self.model.row_at(index.row()).code))
        self._show_count()

    def find(self) -> None:
        """Enter in the search box: the list now, and the keyboard on its first row (Enter again opens it)."""
        self.apply_filter()
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.setCurrentIndex(self.model.index(0, 0))

    def dossier_dialog(self, code: str):  # -> DossierDialog
        from ui.dialogs.dossier_dialog import DossierDialog

        dialog = DossierDialog(self.context.reception, self.context.printing, code, self, survey=self.invite_survey,
                               attachments=self.context.attachments)
        dialog.changed.connect(lambda _code: self.refresh())
        return dialog

    def open_dossier(self, code: str) -> None:
        """Enter or a double click on a row opens the dossier's page; closed, the keyboard is back on the list (and
        the window active again: without a window manager, Ctrl+number went nowhere after the dialog)."""
        self.dossier_dialog(code).exec()
        self.window().activateWindow()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def print_ledger(self) -> Path | None:
        """Mẫu 06 for a range of receipt dates (this month by default), written as PDF and opened."""
        today = date.today()
        chosen = PeriodDialog.ask(self, _("In sổ theo dõi hồ sơ"), today.replace(day=1), today)
        if chosen is None:
            return None
        first, last = chosen
        path = papers_folder() / f"so-theo-doi-{first:%Y%m%d}-{last:%Y%m%d}.pdf"
        try:
            self.context.printing.ledger(first=first, last=last, target=path)
            paper.deliver(self, path, title=_("Sổ theo dõi hồ sơ"))
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        return path

    def invite_survey(self, code: str) -> None:
        """The kiosk for the citizen who has just received this dossier's result."""
        from ui.kiosk import KioskWindow

        KioskWindow.open_for(self.context, dossier_code=code, parent=self)

    def export_list(self) -> Path | None:
        """The list as filtered now, to an .xlsx or .csv file the officer names (phones and ID numbers masked).

        Names and addresses are personal data: the reason is asked first and goes into the audit trail. The file
        is written off the window's thread with its progress and «Hủy» (nothing is written then); the folder is
        remembered for the next time."""
        reason, given = QInputDialog.getText(
            self, _("Lý do xuất danh sách"),
            _("Danh sách có họ tên, địa chỉ của người dân. Hãy ghi lý do xuất (được ghi vào nhật ký):"))
        if not given:
            return None
        office = self.context
        try:
            reason = exports.list_export_reason(office.db, reason)
        except CchcError as exc:
            messages.error(self, user_message(exc))
            return None
        suggested = messages.last_folder(EXPORT_FOLDER_KEY) / f"danh-sach-ho-so-{datetime.now():%Y%m%d-%H%M}.xlsx"
        target = messages.choose_save_file(self, _("Lưu danh sách hồ sơ"), suggested,
                                           _("Bảng tính Excel (*.xlsx);;Tệp CSV (*.csv)"))
        if target is None:
            return None
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + ".xlsx")
        messages.keep_folder(EXPORT_FOLDER_KEY, target)
        wanted = self.current_filter()
        self.export_button.setEnabled(False)  # one list at a time: the window stays usable meanwhile
        try:
            result = run_with_progress(
                self, _("Xuất danh sách hồ sơ"), _("Đang ghi danh sách hồ sơ ra {name}…").format(name=target.name),
                lambda progress: exports.write_list(office.reader(), target, wanted, progress=progress))
            exports.record_export(office.db, result, reason)
        except Cancelled:
            self.count.setText(_("Đã hủy xuất danh sách: chưa ghi tệp nào."))
            return None
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        finally:
            self.export_button.setEnabled(True)
        messages.file_written(self, _("Xuất danh sách hồ sơ"), _("Đã ghi {n} hồ sơ vào tệp {path}.").format(
            n=formatting.number(result.rows), path=target), target)
        return target

    def current_filter(self) -> RegisterFilter:
        choice = self.status.currentData()
        statuses = (DossierStatus(choice),) if choice not in (None, OVERDUE) else ()
        boundary = self.boundary.currentData()
        return replace(self.model.filter, text=self.search.text(), statuses=statuses, overdue=choice == OVERDUE,
                       boundary_free=boundary == BOUNDARY_FREE, transferred=boundary == TRANSFERRED)

    def apply_filter(self) -> None:
        self.debounce.stop()
        wanted = self.current_filter()
        if wanted != self.model.filter:
            self.model.set_filter(wanted)
            self._show_count()

    def refresh(self) -> None:
        self.model.set_filter(self.model.filter)
        self._show_count()

    def _show_count(self) -> None:
        """Count what the list shows on the counting thread; the label says so until the number arrives."""
        wanted, office = self.model.filter, self.context
        self.count.setText(_("Đang đếm…"))
        self.counting.start(lambda: office.register_here().count(wanted))

    def _counted(self, result: object) -> None:
        assert isinstance(result, int)
        self.count.setText(_("{n} hồ sơ").format(n=formatting.number(result)))

    def _not_counted(self, exc: Exception) -> None:
        say_failed(self, self.count, exc, _("Không đếm được số hồ sơ; chi tiết trong tệp nhật ký."), "register count")

    def settled(self) -> bool:
        return not self.counting.loading

    def finish(self) -> None:
        self.counting.finish()

    def _save_header(self) -> None:
        QSettings().setValue(HEADER_STATE_KEY, self.table.horizontalHeader().saveState())

    def _restore_header(self) -> None:
        state = QSettings().value(HEADER_STATE_KEY)
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
