"""The login window as a user meets it: typed name and password, refusals, the lock-out, the demo hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlite_utils import Database

from cchc_desktop.domain.users import Role
from cchc_desktop.office import Office
from cchc_desktop.services import sessions
from cchc_desktop.services.accounts import AccountService
from db.connection import open_db
from tests.ui.keyboard import type_text
from ui import app
from ui.dialogs.login_dialog import LoginDialog

PASSWORD = "mat-khau-an-toan"


@pytest.fixture
def accounts(db: Database) -> AccountService:
    service = AccountService(db)
    service.create("quantri", "Quản trị hệ thống", Role.ADMIN, PASSWORD)
    service.create("motcua", "Nguyễn Thị Hương", Role.DESK, PASSWORD)
    return service


def test_a_wrong_password_is_said_and_the_right_one_opens(qtbot, accounts: AccountService, db: Database) -> None:
    dialog = LoginDialog(accounts)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.username, "motcua")
    type_text(qtbot, dialog.password, "sai-roi")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.problem.text().startswith("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang tạm khóa.")
    assert dialog.password.text() == "" and dialog.username.text() == "motcua"
    assert dialog.height() >= dialog.sizeHint().height()  # grown to the refusal's lines, nothing drawn over
    type_text(qtbot, dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.session is not None and sessions.current(db).user.username == "motcua"
    assert dialog.password.text() == ""  # not kept in the widget


def test_five_wrong_passwords_lock_the_account(qtbot, accounts: AccountService) -> None:
    dialog = LoginDialog(accounts, username="motcua")
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(5):
        type_text(qtbot, dialog.password, "sai")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "bị khóa 15 phút" in dialog.problem.text()
    type_text(qtbot, dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.session is None and accounts.is_locked("motcua")  # the right password, while locked
    assert dialog.problem.text().startswith("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang tạm khóa.")


def test_a_demo_database_shows_its_accounts(qtbot, demo_path: Path) -> None:
    db = open_db(demo_path)
    try:
        dialog = LoginDialog(AccountService(db))
        qtbot.addWidget(dialog)
        hint = dialog.findChild(type(dialog.problem), "demo_hint")
        assert hint is not None and "mật khẩu demo1234" in hint.text()
    finally:
        db.close()


def test_the_window_asks_only_when_an_admin_has_a_password(qapp, db: Database, monkeypatch) -> None:
    assert app.sign_in(Office(db, Path(':memory:')), None, interactive=True)  # nobody to ask for: single-user session
    assert sessions.current(db).mode == sessions.SessionMode.SINGLE_USER
    AccountService(db).create("quantri", "Quản trị hệ thống", Role.ADMIN, PASSWORD)
    shown: list[LoginDialog] = []

    def cancel(self: LoginDialog) -> int:
        shown.append(self)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(LoginDialog, "exec", cancel)
    assert not app.sign_in(Office(db, Path(':memory:')), "quantri", interactive=True)  # closing the login window quits
    assert shown and shown[0].username.text() == "quantri"
