"""Cài đặt › Tài khoản and › Sao lưu as the admin uses them: accounts typed into the real dialogs (a wrong
confirmation or a short password keeps the dialog open), a password reset that lifts a lock-out, a backup made
into the chosen folder and restored; and a desk account that sees the controls disabled and why."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.users import Role
from cchc_desktop.services.accounts import AccountService, LoginRefused
from cchc_desktop.services.audit_trail import AuditService
from cchc_desktop.services.backups import BackupService
from tests.ui.jobs import cancel_when_shown
from tests.ui.keyboard import type_text
from ui import messages
from ui.context import AppContext
from ui.dialogs.account_dialogs import EditAccountDialog, NewAccountDialog, ResetPasswordDialog
from ui.dialogs.form_dialog import FormDialog
from ui.main_window import MainWindow
from ui.pages.accounts_tab import AccountsTab
from ui.pages.backups_tab import BackupsTab
from ui.pages.settings_page import SettingsPage

ADMIN_PASSWORD = "mat-khau-quan-tri"


@pytest.fixture
def accounts(context: AppContext) -> AccountService:
    """An admin account, signed in: the window works as that account."""
    service = AccountService(context.db)
    service.create("quantri", "Lê Văn Quản", Role.ADMIN, ADMIN_PASSWORD, title="Quản trị phần mềm")
    service.sign_in("quantri", ADMIN_PASSWORD)
    return service


def settings_page(window: MainWindow) -> SettingsPage:
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage)
    return page


@pytest.fixture
def tab(accounts: AccountService, window: MainWindow) -> AccountsTab:
    page = settings_page(window)
    page.tabs.setCurrentWidget(page.accounts)
    assert page.tabs.tabText(page.tabs.currentIndex()) == "Tài khoản"
    return page.accounts


def table(widget: AccountsTab | BackupsTab) -> list[list[str]]:
    grid = widget.table
    return [[grid.item(row, column).text() for column in range(grid.columnCount())] for row in range(grid.rowCount())]


def select(tab: AccountsTab, username: str) -> None:
    row = [user.username for user in tab.users].index(username)
    tab.table.selectRow(row)


def fill(qtbot: QtBot, dialog: FormDialog, values: dict[str, str]) -> FormDialog:
    """Type into the dialog's fields by key and press «Lưu»; the dialog stays open when refused."""
    if not dialog.isVisible():
        qtbot.addWidget(dialog)
        dialog.show()
    for key, text in values.items():
        widget = dialog.findChild(QLineEdit, key)
        widget.clear()
        type_text(qtbot, widget, text)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return dialog


def test_the_tabs_keep_the_unit_form_first(window: MainWindow) -> None:
    page = settings_page(window)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["Đơn vị", "Tài khoản", "Sao lưu"]
    assert page.tabs.currentIndex() == 0 and page.inputs["name"].isVisible()


def test_an_account_is_added_through_the_dialog(qtbot: QtBot, tab: AccountsTab, accounts: AccountService,
                                                monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    dialogs: list[NewAccountDialog] = []

    def ask(parent, service):
        dialog = NewAccountDialog(service)
        dialogs.append(dialog)
        dialog.role.setCurrentIndex(dialog.role.findData(Role.OFFICER.value))
        return fill(qtbot, dialog, {"username": "nguyenvana", "full_name": "Nguyễn Văn Ấn",
                                    "title": "Công chức Văn phòng - Thống kê", "password": "mat-khau-moi-1",
                                    "confirm": "mat-khau-moi-1"}).saved

    monkeypatch.setattr(NewAccountDialog, "ask", ask)
    assert tab.add_button.text() == "Thêm tài khoản…"
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert dialogs[0].result() == NewAccountDialog.DialogCode.Accepted
    assert dialogs[0].password.echoMode() == dialogs[0].confirm.echoMode() == QLineEdit.EchoMode.Password
    assert ["nguyenvana", "Nguyễn Văn Ấn", "Công chức Văn phòng - Thống kê", "Công chức phụ trách CCHC",
            "Đang dùng"] in table(tab)
    assert tab.current().username == "nguyenvana"
    assert tab.message.text() == "Đã thêm tài khoản nguyenvana (Công chức phụ trách CCHC)."
    created = accounts.user("nguyenvana")
    assert (created.full_name, created.role) == ("Nguyễn Văn Ấn", Role.OFFICER)
    assert accounts.sign_in("nguyenvana", "mat-khau-moi-1").user.username == "nguyenvana"
    # The password is in no log: neither the program's nor the audit trail.
    assert "mat-khau-moi-1" not in caplog.text
    assert all("mat-khau-moi-1" not in (entry.after or "") for entry in AuditService(tab.context.db).page())


def test_a_wrong_confirmation_or_a_short_password_keeps_the_dialog_open(qtbot: QtBot, tab: AccountsTab,
                                                                        accounts: AccountService) -> None:
    dialog = NewAccountDialog(accounts, tab)
    fill(qtbot, dialog, {"username": "motcua", "full_name": "Nguyễn Thị Hương", "password": "mat-khau-an-toan",
                         "confirm": "mat-khau-an-toam"})
    assert dialog.isVisible() and dialog.saved is None
    assert dialog.errors["confirm"].isVisible()
    assert dialog.errors["confirm"].text() == "Mật khẩu nhập lại không khớp."
    assert [user.username for user in accounts.users()] == ["quantri"]

    fill(qtbot, dialog, {"password": "ngan", "confirm": "ngan"})
    assert dialog.isVisible() and dialog.saved is None
    assert dialog.errors["password"].text() == "Mật khẩu phải có ít nhất 8 ký tự."
    assert dialog.errors["password"].isVisible() and not dialog.errors["confirm"].isVisible()

    fill(qtbot, dialog, {"username": "Mot Cua", "password": "mat-khau-an-toan", "confirm": "mat-khau-an-toan"})
    assert dialog.isVisible()
    assert "chỉ gồm chữ không dấu" in dialog.errors["username"].text()
    assert dialog.username.text() == "Mot Cua"  # what was typed stays for correction

    fill(qtbot, dialog, {"username": "motcua"})
    assert not dialog.isVisible() and dialog.saved.username == "motcua"
    assert dialog.saved.role is Role.DESK  # the role the form suggests


def test_a_password_reset_lifts_a_lock_out(qtbot: QtBot, tab: AccountsTab, accounts: AccountService,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.create("motcua", "Nguyễn Thị Hương", Role.DESK, "mat-khau-cu-1")
    for _attempt in range(5):
        with pytest.raises(LoginRefused):
            accounts.sign_in("motcua", "sai-mat-khau")
    tab.refresh()
    assert ["motcua", "Nguyễn Thị Hương", "", "Cán bộ một cửa", "Tạm khóa (nhập sai mật khẩu)"] in table(tab)

    dialogs: list[ResetPasswordDialog] = []

    def ask(parent, service, user):
        dialog = ResetPasswordDialog(service, user)
        dialogs.append(dialog)
        fill(qtbot, dialog, {"password": "mat-khau-moi-2", "confirm": "mat-khau-moi-3"})
        assert dialog.isVisible() and dialog.errors["confirm"].text() == "Mật khẩu nhập lại không khớp."
        return fill(qtbot, dialog, {"confirm": "mat-khau-moi-2"}).saved

    monkeypatch.setattr(ResetPasswordDialog, "ask", ask)
    select(tab, "motcua")
    qtbot.mouseClick(tab.reset_button, Qt.MouseButton.LeftButton)
    assert dialogs[0].windowTitle() == "Đặt lại mật khẩu — motcua"
    assert ["motcua", "Nguyễn Thị Hương", "", "Cán bộ một cửa", "Đang dùng"] in table(tab)
    assert tab.message.text() == "Đã đặt lại mật khẩu của motcua; tài khoản dùng được ngay."
    assert not accounts.is_locked("motcua")
    assert accounts.sign_in("motcua", "mat-khau-moi-2").user.username == "motcua"


def test_an_account_is_changed_and_disabled(qtbot: QtBot, tab: AccountsTab, accounts: AccountService,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.create("tuphap", "Trần Văn Nam", Role.DESK, "mat-khau-tu-phap")
    tab.refresh()

    def ask(parent, service, user):
        dialog = EditAccountDialog(service, user)
        dialog.role.setCurrentIndex(dialog.role.findData(Role.OFFICER.value))
        dialog.active.setChecked(False)
        return fill(qtbot, dialog, {"full_name": "Trần Văn Năm", "title": "Công chức Tư pháp - Hộ tịch"}).saved

    monkeypatch.setattr(EditAccountDialog, "ask", ask)
    select(tab, "tuphap")
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    assert ["tuphap", "Trần Văn Năm", "Công chức Tư pháp - Hộ tịch", "Công chức phụ trách CCHC",
            "Đã khóa"] in table(tab)
    changed = accounts.user("tuphap")
    assert (changed.full_name, changed.role, changed.active) == ("Trần Văn Năm", Role.OFFICER, False)


def test_the_last_admin_cannot_lose_the_role(qtbot: QtBot, tab: AccountsTab, accounts: AccountService) -> None:
    dialog = EditAccountDialog(accounts, accounts.user("quantri"), tab)
    dialog.role.setCurrentIndex(dialog.role.findData(Role.DESK.value))
    fill(qtbot, dialog, {})
    assert dialog.isVisible()
    assert "tài khoản quản trị cuối cùng" in dialog.errors["role"].text()
    assert accounts.user("quantri").role is Role.ADMIN


def test_single_user_mode_is_switched_by_the_checkbox(qtbot: QtBot, tab: AccountsTab,
                                                      accounts: AccountService) -> None:
    assert accounts.login_required() and not tab.single_user.isChecked()
    assert tab.single_user.text() == "Một máy, một người dùng (không hỏi đăng nhập)"
    tab.single_user.click()
    assert accounts.single_user() and not accounts.login_required()
    tab.single_user.click()
    assert not accounts.single_user()


# -- backups ---------------------------------------------------------------------------------------------


@pytest.fixture
def backups(accounts: AccountService, window: MainWindow) -> BackupsTab:
    page = settings_page(window)
    page.tabs.setCurrentWidget(page.backups)
    return page.backups


def test_backup_now_writes_into_the_chosen_folder(qtbot: QtBot, backups: BackupsTab, context: AppContext,
                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "usb" / "sao-luu"
    folder.mkdir(parents=True)
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda parent, title, start: asked.append(title) or str(folder))
    assert backups.table.rowCount() == 0
    qtbot.mouseClick(backups.choose_button, Qt.MouseButton.LeftButton)
    assert asked == ["Chọn thư mục sao lưu"]
    assert backups.folder.text() == str(folder.resolve())
    assert BackupService(context.db_path).folder() == folder.resolve()

    qtbot.mouseClick(backups.backup_button, Qt.MouseButton.LeftButton)
    made = list(folder.glob("cchc-thu-cong-*.sqlite3"))
    assert len(made) == 1
    assert backups.message.text() == f"Đã sao lưu vào {made[0]}."
    [(at, kind, size, name)] = table(backups)
    assert (kind, name) == ("Sao lưu thủ công", made[0].name)
    assert size.endswith((" KB", " MB"))
    assert at == BackupService(context.db_path).backups()[0].at.strftime("%d/%m/%Y %H:%M:%S")


def test_a_restore_asks_first_then_closes_the_window(qtbot: QtBot, backups: BackupsTab, context: AppContext,
                                                     window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    made = backups.backup_now()
    assert made is not None
    context.settings.update(name="UBND xã Tên Sai")
    backups.refresh()
    questions: list[str] = []
    said: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text: questions.append(text) or False)
    monkeypatch.setattr(messages, "info", lambda parent, title, text: said.append(text))
    assert backups.restore_button.isEnabled()
    qtbot.mouseClick(backups.restore_button, Qt.MouseButton.LeftButton)
    assert "dữ liệu hiện tại được sao lưu lại" in questions[0] and "khởi động lại" in questions[0]
    assert context.settings.load().name == "UBND xã Tên Sai" and window.isVisible()  # «Không»: nothing changed

    monkeypatch.setattr(messages, "confirm", lambda parent, title, text: True)
    qtbot.mouseClick(backups.restore_button, Qt.MouseButton.LeftButton)
    assert context.settings.load().name == "UBND xã Hoằng Hợp"  # this window's connection reads the copy
    assert "Đã khôi phục dữ liệu" in said[0] and "hãy mở lại chương trình" in said[0]
    assert list(made.path.parent.glob("cchc-truoc-khoi-phuc-*.sqlite3"))
    assert not window.isVisible()


# -- a desk account --------------------------------------------------------------------------------------


def test_a_desk_account_sees_the_controls_disabled_and_why(qtbot: QtBot, accounts: AccountService,
                                                           window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.create("motcua", "Nguyễn Thị Hương", Role.DESK, "mat-khau-mot-cua")
    accounts.sign_in("motcua", "mat-khau-mot-cua")
    page = settings_page(window)
    tab = page.accounts
    page.tabs.setCurrentWidget(tab)
    assert len(table(tab)) == 2  # reading is open to every account
    for widget in (tab.add_button, tab.edit_button, tab.reset_button, tab.single_user, page.save_button,
                   page.pin_button, page.backups.choose_button, page.backups.backup_button,
                   page.backups.restore_button):
        assert not widget.isEnabled(), widget.objectName()
    assert tab.add_button.toolTip() == "Tài khoản motcua (Cán bộ một cửa) không có quyền «Quản lý tài khoản»."
    assert "«Cài đặt đơn vị, sao lưu, khôi phục»" in page.backups.backup_button.toolTip()

    opened: list[object] = []
    monkeypatch.setattr(NewAccountDialog, "ask", lambda parent, service: opened.append(service))
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    tab.add_account()  # a shortcut or a stale button would not get further either
    assert opened == []

    # Whatever the window shows, the service refuses: the dialog says so in Vietnamese and stays open.
    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, details="": errors.append(text))
    dialog = NewAccountDialog(accounts, tab)
    fill(qtbot, dialog, {"username": "ai-do", "full_name": "Ai Đó", "password": "mat-khau-ai-do",
                         "confirm": "mat-khau-ai-do"})
    assert dialog.isVisible()
    assert errors == ["Tài khoản motcua (Cán bộ một cửa) không có quyền «Quản lý tài khoản». Hãy đăng nhập bằng "
                      "tài khoản có quyền này hoặc đề nghị quản trị hệ thống cấp quyền."]
    assert [user.username for user in accounts.users()] == ["motcua", "quantri"]


def test_a_backup_runs_off_the_window_and_cancel_leaves_no_copy(
        qtbot: QtBot, backups: BackupsTab, context: AppContext, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19: the copy is made on a thread of its own, step by step (one page a step here); «Hủy» pressed once the
    window has shown the first step (the worker waits for that: a window that did not turn would never show it)
    stops it at the next: no copy, no partial file, no audit entry."""
    from db import connection

    monkeypatch.setattr(connection, "COPY_STEP_PAGES", 1)
    folder = tmp_path / "sao-luu"
    BackupService(context.db_path, session=context.db).set_folder(folder)
    entries = context.db.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0]
    cancelling = cancel_when_shown(monkeypatch)
    cancelling.while_shown = lambda job: assert_off(backups)
    assert backups.backup_now() is None
    assert set(cancelling.threads) == {"cchc-job"}
    assert backups.message.text() == "Đã hủy sao lưu: không có bản sao nào được ghi."
    assert sorted(path.name for path in folder.iterdir()) == []
    assert context.db.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0] == entries
    assert backups.backup_button.isEnabled()


def test_a_restore_runs_off_the_window_and_cancel_leaves_the_data_as_it_was(
        qtbot: QtBot, backups: BackupsTab, context: AppContext, window: MainWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19: the restore reads, checks and copies on a thread of its own; «Hủy» pressed once the window has shown
    its first step stops it before the database is touched: the data as it was, the window still open."""
    made = backups.backup_now()
    assert made is not None
    context.settings.update(name="UBND xã Sau Sao Lưu")
    backups.refresh()
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text: True)
    monkeypatch.setattr(messages, "info", lambda *args: pytest.fail("restored despite «Hủy»"))
    cancelling = cancel_when_shown(monkeypatch)
    qtbot.mouseClick(backups.restore_button, Qt.MouseButton.LeftButton)
    assert set(cancelling.threads) == {"cchc-job"}
    assert cancelling.labels == [f"Đang khôi phục dữ liệu từ {made.path.name}…"]
    assert backups.message.text() == "Đã hủy khôi phục: dữ liệu vẫn như trước."
    assert context.settings.load().name == "UBND xã Sau Sao Lưu" and window.isVisible()
    assert not list(made.path.parent.glob("cchc-truoc-khoi-phuc-*.sqlite3"))  # stopped before that copy


def assert_off(backups: BackupsTab) -> None:
    assert not backups.backup_button.isEnabled()  # one copy at a time
