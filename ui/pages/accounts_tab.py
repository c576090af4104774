"""Cài đặt › Tài khoản: the staff accounts with their role and state, added, changed and given a new password
(each one AccountService call), and whether this PC asks for a login at all. Only an account with the right
«Quản lý tài khoản» may change anything; for the others the controls are disabled and say why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop.domain.users import Permission, User
from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.i18n import _
from ui import messages
from ui.context import AppContext
from ui.dialogs.account_dialogs import EditAccountDialog, NewAccountDialog, ResetPasswordDialog
from ui.widgets.buttons import named_button
from ui.widgets.rights import gate
from ui.widgets.tables import fill, read_only_table

COLUMNS = ("Tên đăng nhập", "Họ tên", "Chức vụ", "Vai trò", "Trạng thái")
LOCKED = QBrush(QColor("#b3261e"))  # locked out for a while after wrong passwords
DISABLED = QBrush(QColor("#777777"))  # switched off by the admin


class AccountsTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = context.accounts
        self.users: list[User] = []

        self.add_button = named_button(_("Thêm tài khoản…"), "addAccount")
        self.edit_button = named_button(_("Sửa…"), "editAccount")
        self.reset_button = named_button(_("Đặt lại mật khẩu…"), "resetPassword")
        row = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.reset_button):
            row.addWidget(button)
        row.addStretch(1)
        self.table = read_only_table(COLUMNS, "accounts", stretch=2)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.single_user = QCheckBox(_("Một máy, một người dùng (không hỏi đăng nhập)"))
        self.single_user.setObjectName("singleUser")
        self.single_user.setToolTip(_("Khi bật, chương trình mở thẳng bằng tài khoản quản trị, không hỏi mật khẩu: "
                                      "chỉ dùng khi máy này chỉ một người sử dụng."))
        self.message = QLabel()
        self.message.setObjectName("accountsMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.single_user)
        layout.addWidget(self.message)

        self.add_button.clicked.connect(self.add_account)
        self.edit_button.clicked.connect(self.edit_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.table.doubleClicked.connect(self.edit_account)
        self.table.itemSelectionChanged.connect(self.enable_buttons)
        self.single_user.clicked.connect(self.set_single_user)

    # -- showing -----------------------------------------------------------------------------------------

    def state(self, user: User) -> tuple[str, QBrush | None]:
        """What the state column says, and its colour when the account cannot sign in."""
        if not user.active:
            return _("Đã khóa"), DISABLED
        if self.service.is_locked(user.username):
            return _("Tạm khóa (nhập sai mật khẩu)"), LOCKED
        return _("Đang dùng"), None

    def refresh(self, select: str | None = None) -> None:
        """Re-read the accounts (the settings page calls this when shown); ``select`` the one named."""
        current = self.current()
        chosen = select or (current.username if current else None)
        self.users = self.service.users()
        states = [self.state(user) for user in self.users]
        fill(self.table, [(u.username, u.full_name, u.title, u.role.label, text)
                          for u, (text, _colour) in zip(self.users, states, strict=True)])
        for row, (_text, colour) in enumerate(states):
            if colour is not None:
                self.table.item(row, 4).setForeground(colour)
        rows = [row for row, user in enumerate(self.users) if user.username == chosen]
        if self.users:
            self.table.selectRow(rows[0] if rows else 0)
        self.single_user.setChecked(self.service.single_user())
        self.enable_buttons()

    def enable_buttons(self) -> None:
        allowed = gate(self.context.session, Permission.ACCOUNTS, self.add_button, self.edit_button, self.reset_button,
                       self.single_user)
        for button in (self.edit_button, self.reset_button):
            button.setEnabled(allowed and self.current() is not None)

    def current(self) -> User | None:
        row = self.table.currentRow()
        return self.users[row] if 0 <= row < len(self.users) and self.table.selectedItems() else None

    # -- actions -----------------------------------------------------------------------------------------

    def add_account(self) -> None:
        if not self.add_button.isEnabled():
            return
        created = NewAccountDialog.ask(self, self.service)
        if created is not None:
            self.refresh(select=created.username)
            self.message.setText(_("Đã thêm tài khoản {name} ({role}).").format(
                name=created.username, role=created.role.label))

    def edit_account(self) -> None:
        user = self.current()
        if user is None or not self.edit_button.isEnabled():
            return
        saved = EditAccountDialog.ask(self, self.service, user)
        if saved is not None:
            self.refresh(select=saved.username)
            self.message.setText(_("Đã lưu tài khoản {name}.").format(name=saved.username))

    def reset_password(self) -> None:
        user = self.current()
        if user is None or not self.reset_button.isEnabled():
            return
        if ResetPasswordDialog.ask(self, self.service, user) is not None:
            self.refresh(select=user.username)
            self.message.setText(_("Đã đặt lại mật khẩu của {name}; tài khoản dùng được ngay.").format(
                name=user.username))

    def set_single_user(self, checked: bool) -> None:
        try:
            self.service.set_single_user(checked)
        except CchcError as exc:
            messages.error(self, user_message(exc))
            self.single_user.setChecked(self.service.single_user())
            return
        self.message.setText(_("Từ lần mở sau, chương trình không hỏi đăng nhập trên máy này.") if checked else
                             _("Từ lần mở sau, chương trình hỏi đăng nhập (khi đã có tài khoản quản trị có mật khẩu)."))
