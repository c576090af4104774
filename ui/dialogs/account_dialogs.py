"""The accounts tab's forms: a new account, an account's name, title, role and state, a password reset. Each
«Lưu» is one AccountService call; every problem is shown beside its field and the dialog stays open.

Passwords are typed hidden, checked against their confirmation here (the service never sees the
confirmation), handed to the service and never kept or logged.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from cchc_desktop.domain.users import MIN_PASSWORD_LENGTH, Role, User
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.accounts import AccountService
from ui.dialogs.form_dialog import FormDialog, required
from ui.widgets.choices import choice_box


def _password() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(_("ít nhất {n} ký tự").format(n=MIN_PASSWORD_LENGTH))
    return edit


class _PasswordFields:
    """A password and its confirmation, typed twice."""

    password: QLineEdit
    confirm: QLineEdit

    def add_passwords(self, dialog: FormDialog, label: str) -> None:
        self.password = dialog.add_field("password", required(label), _password())
        self.confirm = dialog.add_field("confirm", required(_("Nhập lại mật khẩu")), _password())
        self.confirm.setPlaceholderText(_("gõ lại đúng mật khẩu trên"))

    def confirmed(self) -> str:
        """The password typed, once both fields agree; ValidationError under the confirmation otherwise."""
        if self.password.text() != self.confirm.text():
            raise ValidationError({"confirm": _("Mật khẩu nhập lại không khớp.")})
        return self.password.text()


class NewAccountDialog(FormDialog, _PasswordFields):
    def __init__(self, service: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(_("Thêm tài khoản"), parent)
        self.service = service
        self.username = self.add_field("username", required(_("Tên đăng nhập")), QLineEdit())
        self.username.setPlaceholderText(_("chữ không dấu, chữ số và . _ - (ví dụ: nguyenvana)"))
        self.full_name = self.add_field("full_name", required(_("Họ và tên")), QLineEdit())
        self.title_edit = self.add_field("title", _("Chức vụ"), QLineEdit())
        self.role = self.add_field("role", required(_("Vai trò")), choice_box(Role, Role.DESK))
        self.add_passwords(self, _("Mật khẩu"))
        self.username.setFocus()

    def submit(self) -> User:
        return self.service.create(self.username.text(), self.full_name.text(), Role(self.role.currentData()),
                                   self.confirmed(), title=self.title_edit.text())

    @classmethod
    def ask(cls, parent: QWidget | None, service: AccountService) -> User | None:
        """The account created, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, parent))


class EditAccountDialog(FormDialog):
    def __init__(self, service: AccountService, user: User, parent: QWidget | None = None) -> None:
        super().__init__(_("Sửa tài khoản {name}").format(name=user.username), parent)
        self.service, self.user = service, user
        self.add_field("username", _("Tên đăng nhập"), QLabel(user.username))
        self.full_name = self.add_field("full_name", required(_("Họ và tên")), QLineEdit(user.full_name))
        self.title_edit = self.add_field("title", _("Chức vụ"), QLineEdit(user.title))
        self.role: QComboBox = self.add_field("role", required(_("Vai trò")), choice_box(Role, user.role))
        self.active = self.add_field("active", _("Trạng thái"), QCheckBox(_("Đang dùng (bỏ chọn để khóa tài khoản)")))
        self.active.setChecked(user.active)
        self.full_name.setFocus()

    def submit(self) -> User:
        return self.service.update(self.user.username, full_name=self.full_name.text(), title=self.title_edit.text(),
                                   role=Role(self.role.currentData()), active=self.active.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, service: AccountService, user: User) -> User | None:
        """The account saved, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, user, parent))


class ResetPasswordDialog(FormDialog, _PasswordFields):
    def __init__(self, service: AccountService, user: User, parent: QWidget | None = None) -> None:
        super().__init__(_("Đặt lại mật khẩu — {name}").format(name=user.username), parent)
        self.service, self.user = service, user
        note = QLabel(_("Tài khoản {name} ({full_name}). Mật khẩu mới dùng được ngay; tài khoản đang bị tạm khóa do "
                        "nhập sai mật khẩu cũng được mở khóa.").format(name=user.username, full_name=user.full_name))
        note.setWordWrap(True)
        self.form.addRow(note)
        self.add_passwords(self, _("Mật khẩu mới"))
        self.password.setFocus()

    def submit(self) -> User:
        self.service.reset_password(self.user.username, self.confirmed())
        return self.user

    @classmethod
    def ask(cls, parent: QWidget | None, service: AccountService, user: User) -> User | None:
        """The account whose password was reset, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, user, parent))
