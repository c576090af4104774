"""Cài đặt, in tabs: the unit's business settings, saved through SettingsService (errors shown beside each
field); the staff accounts (accounts_tab.py); the backups (backups_tab.py). What the signed-in account may not
change is disabled, with the reason as tooltip."""

from __future__ import annotations

import dataclasses
from datetime import time

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop.domain.statistics import OnlineRateBase
from cchc_desktop.domain.unit import OfficeHours, UnitSettings
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import CchcError, ValidationError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.settings import PAPERS_KEEP_DAYS
from ui import messages
from ui.context import AppContext
from ui.pages.accounts_tab import AccountsTab
from ui.pages.backups_tab import BackupsTab
from ui.pages.base import Page
from ui.widgets.field_errors import FieldErrors
from ui.widgets.rights import gate

TEXT_FIELDS = [  # the unit and its signer (left column): key, label, placeholder
    ("name", "Tên đơn vị (*)", "UBND xã …"),
    ("place", "Địa danh", "dòng ngày tháng: Hoằng Hợp, ngày …"),
    ("code", "Mã định danh", "000.21.31.H56"),
    ("province", "Tỉnh, thành phố", "Thanh Hóa"),
    ("parent", "Cấp trên nhận báo cáo", "UBND tỉnh … (qua Sở Nội vụ)"),
    ("address", "Địa chỉ", ""),
    ("phone", "Điện thoại", ""),
    ("chair_name", "Chủ tịch UBND", ""),
    ("signer_name", "Người ký", ""),
    ("signer_title", "Chức danh người ký", "CHỦ TỊCH hoặc PHÓ CHỦ TỊCH"),
    ("signer_authority", "Thẩm quyền ký", "để trống: theo chức danh (TM./KT.)"),
]
DESK_FIELDS = [  # the one-stop desk and its papers (right column)
    ("desk_name", "Tên bộ phận một cửa", "Trung tâm Phục vụ hành chính công xã …"),
    ("desk_code", "Ký hiệu trên số phiếu", "TTPVHCC"),
    ("desk_contact_name", "Người hướng dẫn bổ sung", ""),
    ("desk_contact_phone", "Điện thoại hướng dẫn", ""),
    ("lookup_url", "Trang tra cứu hồ sơ", "https://…?ma={code} (mã QR trên giấy tiếp nhận)"),
    ("dossier_code_pattern", "Mẫu mã hồ sơ", ""),
]
FORM_SETS = [("TT03/2025", "Thông tư 03/2025/TT-VPCP (từ 01/7/2025)"),
             ("TT01/2018", "Thông tư 01/2018/TT-VPCP (trước 01/7/2025)")]
HOURS = [
    ("morning_start", "Sáng từ"),
    ("morning_end", "đến"),
    ("afternoon_start", "Chiều từ"),
    ("afternoon_end", "đến"),
]


def _to_qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _from_qtime(value: QTime) -> time:
    return time(value.hour(), value.minute())


class SettingsPage(Page):
    name = "settings"
    title = "Cài đặt"
    saved = Signal(object)  # UnitSettings

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.addTab(self._unit_tab(), _("Đơn vị"))
        self.accounts = AccountsTab(context)
        self.tabs.addTab(self.accounts, _("Tài khoản"))
        self.backups: BackupsTab | None = None
        if context.on_file:
            self.backups = BackupsTab(context)
            self.tabs.addTab(self.backups, _("Sao lưu"))
        else:  # a server's database is backed up on the server (docs/postgresql.md)
            note = QLabel(_("Cơ sở dữ liệu nằm trên máy chủ PostgreSQL ({where}): việc sao lưu do quản trị viên máy "
                            "chủ làm hằng đêm bằng pg_dump (xem hướng dẫn docs/postgresql.md), không làm từ các quầy.")
                          .format(where=context.where))
            note.setObjectName("serverBackupNote")
            note.setWordWrap(True)
            note.setAlignment(Qt.AlignmentFlag.AlignTop)
            self.tabs.addTab(note, _("Sao lưu"))
        self.layout_.addWidget(self.tabs, 1)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.refresh()

    def _unit_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        columns = QHBoxLayout()
        form, desk = QFormLayout(), QFormLayout()
        columns.addLayout(form, 1)
        columns.addLayout(desk, 1)
        self.inputs: dict[str, QLineEdit] = {}
        self.errors = FieldErrors()
        for layout, fields in ((form, TEXT_FIELDS), (desk, DESK_FIELDS)):
            layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for key, label, hint in fields:
                edit = QLineEdit()
                edit.setObjectName(f"setting_{key}")
                edit.setPlaceholderText(_(hint) if hint else "")
                self.inputs[key] = edit
                layout.addRow(_(label), self.errors.wrap(key, edit))
        self.form_set = QComboBox()
        self.form_set.setObjectName("setting_form_set")
        for value, label in FORM_SETS:
            self.form_set.addItem(_(label), value)
        desk.addRow(_("Biểu mẫu cho hồ sơ mới"), self.errors.wrap("form_set", self.form_set))
        self.online_rate_base = QComboBox()
        self.online_rate_base.setObjectName("setting_online_rate_base")
        for base in OnlineRateBase:
            self.online_rate_base.addItem(base.label, base.value)
            self.online_rate_base.setItemData(self.online_rate_base.count() - 1, base.label,
                                              Qt.ItemDataRole.ToolTipRole)
        for combo in (self.form_set, self.online_rate_base):  # long labels must not squeeze the unit's column
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
        desk.addRow(_("Tỷ lệ hồ sơ trực tuyến tính trên"),
                    self.errors.wrap("online_rate_base", self.online_rate_base))
        self.recipients = QPlainTextEdit()
        self.recipients.setObjectName("setting_report_recipients")
        self.recipients.setTabChangesFocus(True)
        self.recipients.setFixedHeight(64)
        self.recipients.setPlaceholderText(_("Mỗi dòng một nơi nhận; «Lưu: VT.» luôn được thêm ở cuối"))
        desk.addRow(_("Nơi nhận báo cáo"), self.errors.wrap("report_recipients", self.recipients))

        self.cutoff = QSpinBox()
        self.cutoff.setObjectName("setting_report_cutoff_day")
        self.cutoff.setRange(0, 28)
        self.cutoff.setSpecialValueText(_("Theo tháng dương lịch"))
        desk.addRow(_("Ngày chốt số liệu hằng tháng"), self.errors.wrap("report_cutoff_day", self.cutoff))
        self.keep_days = QSpinBox()
        self.keep_days.setObjectName("setting_papers_keep_days")
        self.keep_days.setRange(*PAPERS_KEEP_DAYS)
        self.keep_days.setSuffix(_(" ngày"))
        self.keep_days.setToolTip(_("Bản PDF của các phiếu đã in (có thông tin cá nhân của người dân) được giữ trong "
                                    "thư mục dữ liệu bấy nhiêu ngày, sau đó tự xóa; việc xóa được ghi vào nhật ký."))
        desk.addRow(_("Giữ bản PDF phiếu đã in"), self.errors.wrap("papers_keep_days", self.keep_days))
        column.addLayout(columns)
        form = QFormLayout()  # the rows across the whole width

        hours_row = QWidget()
        hours_layout = QHBoxLayout(hours_row)
        hours_layout.setContentsMargins(0, 0, 0, 0)
        self.hours: dict[str, QTimeEdit] = {}
        for key, label in HOURS:
            edit = QTimeEdit()
            edit.setObjectName(f"setting_{key}")
            edit.setDisplayFormat("HH:mm")
            self.hours[key] = edit
            hours_layout.addWidget(QLabel(_(label)))
            hours_layout.addWidget(edit)
        self.saturday = QCheckBox(_("Làm việc sáng thứ Bảy"))
        self.saturday.setObjectName("setting_saturday_morning")
        hours_layout.addWidget(self.saturday)
        hours_layout.addStretch(1)
        form.addRow(_("Giờ làm việc"), self.errors.wrap("office_hours", hours_row))
        pin_row = QWidget()
        pin_layout = QHBoxLayout(pin_row)
        pin_layout.setContentsMargins(0, 0, 0, 0)
        self.pin = QLineEdit()
        self.pin.setObjectName("kioskPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin_button = QPushButton(_("Đặt mã PIN"))
        self.pin_button.setObjectName("setKioskPin")
        self.pin_button.clicked.connect(self.set_pin)
        pin_layout.addWidget(self.pin)
        pin_layout.addWidget(self.pin_button)
        pin_layout.addStretch(1)
        form.addRow(_("Mã PIN thoát kiosk"), self.errors.wrap("pin", pin_row))
        column.addLayout(form)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Lưu (Ctrl+S)"))
        self.save_button.setObjectName("saveSettings")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setObjectName("settingsStatus")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        column.addLayout(buttons)
        column.addStretch(1)
        return tab

    def set_pin(self) -> None:
        """The staff PIN that leaves the citizens' kiosk (4–8 digits, stored hashed)."""

        if not self.pin_button.isEnabled():
            return
        try:
            self.context.kiosk.set_pin(self.pin.text())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            return
        except CchcError as exc:
            messages.error(self, user_message(exc))
            return
        self.errors.show({})
        self.pin.clear()
        self.status.setText(_("Đã đặt mã PIN thoát kiosk."))

    def refresh(self) -> None:
        """The three tabs read again (the page is shown)."""
        self._load_unit()
        self.accounts.refresh()
        if self.backups is not None:
            self.backups.refresh()

    def _load_unit(self) -> None:
        current = self.context.settings.load()
        for key, edit in self.inputs.items():
            edit.setText(getattr(current, key))
        self.cutoff.setValue(current.report_cutoff_day)
        self.keep_days.setValue(current.papers_keep_days)
        self.form_set.setCurrentIndex(max(0, self.form_set.findData(current.form_set)))
        self.online_rate_base.setCurrentIndex(max(0, self.online_rate_base.findData(current.online_rate_base)))
        self.recipients.setPlainText(current.report_recipients)
        for key, edit in self.hours.items():
            edit.setTime(_to_qtime(getattr(current.office_hours, key)))
        self.saturday.setChecked(current.office_hours.saturday_morning)
        self.errors.show({})
        gate(self.context.session, Permission.SETTINGS, self.save_button, self.pin_button)

    def current_values(self) -> UnitSettings:
        hours = OfficeHours(
            **{key: _from_qtime(edit.time()) for key, edit in self.hours.items()},
            saturday_morning=self.saturday.isChecked(),
        )
        return dataclasses.replace(
            self.context.settings.load(),
            **{key: edit.text() for key, edit in self.inputs.items()},
            report_cutoff_day=self.cutoff.value(),
            papers_keep_days=self.keep_days.value(),
            form_set=str(self.form_set.currentData()),
            online_rate_base=str(self.online_rate_base.currentData()),
            report_recipients=self.recipients.toPlainText(),
            office_hours=hours,
        )

    def save(self) -> None:
        if not self.save_button.isEnabled():  # Ctrl+S while the account may not change the settings
            self.status.setText(self.save_button.toolTip())
            return
        try:
            stored = self.context.settings.save(self.current_values())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            self.status.setText(_("Chưa lưu: hãy sửa các ô được đánh dấu."))
            return
        except CchcError as exc:
            messages.error(self, user_message(exc))
            return
        self._load_unit()
        self.status.setText(_("Đã lưu cài đặt."))
        self.saved.emit(stored)
