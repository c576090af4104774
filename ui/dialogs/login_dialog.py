"""Đăng nhập: the first window when the install asks for a login (AccountService.login_required)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import APP_NAME
from cchc_desktop.i18n import _
from cchc_desktop.services.accounts import AccountService, LoginRefused
from cchc_desktop.services.demo_data import DEMO_PASSWORD
from cchc_desktop.services.sessions import Session
from ui.widgets.buttons import translate


class LoginDialog(QDialog):
    """Name and password; a refusal is said under the fields and the password cleared, the name kept."""

    def __init__(self, accounts: AccountService, *, username: str = "", unit_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.session: Session | None = None
        self.setWindowTitle(_("Đăng nhập — {app}").format(app=APP_NAME))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{APP_NAME}</b><br>{unit_name}" if unit_name else f"<b>{APP_NAME}</b>")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Tên đăng nhập"), self.username)
        form.addRow(_("Mật khẩu"), self.password)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setProperty("role", "fieldError")  # the style sheet's colour of a refusal
        self.problem.hide()
        layout.addWidget(self.problem)
        if accounts.demo_accounts():
            hint = QLabel(_("Dữ liệu mẫu: đăng nhập bằng quantri (quản trị), cchc (công chức CCHC), motcua "
                            "(một cửa) hoặc chutich (lãnh đạo); mật khẩu {password}.").format(password=DEMO_PASSWORD))
            hint.setObjectName("demo_hint")
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #555;")
            layout.addWidget(hint)
        buttons = translate(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                             | QDialogButtonBox.StandardButton.Cancel))
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Đăng nhập"))
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def try_sign_in(self) -> None:
        try:
            self.session = self.accounts.sign_in(self.username.text(), self.password.text())
        except LoginRefused as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            self.adjustSize()  # grow to the wrapped text (a word-wrapped label does not enlarge its window)
            self.password.clear()
            self.password.setFocus()
            return
        self.password.clear()
        self.accept()
