"""The window never opens its own database file with Python (issue 13), and its save dialogs refuse the
database, its side files and its backups."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from cchc_desktop.services.backups import BackupService
from tests.live_guard import watching
from tests.ui.keyboard import type_text
from tests.ui.test_dashboard_page import dashboard_page
from ui import desktop, messages
from ui.app import start_daily_backup
from ui.context import AppContext
from ui.main_window import PAGE_NAMES, MainWindow
from ui.pages.reception_page import ReceptionPage


def test_the_window_at_work_never_opens_its_file_with_python(
        qtbot: QtBot, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    with watching(demo_context.db_path) as trap:
        window = MainWindow(demo_context)
        qtbot.addWidget(window)
        window.show()
        for name in PAGE_NAMES:  # every page built and shown
            window.show_page(name)
            qtbot.waitUntil(lambda: window.current_page().settled(), timeout=10_000)
        page = window.show_page("reception")
        assert isinstance(page, ReceptionPage)
        type_text(qtbot, page.procedure_edit, "1.001193")
        qtbot.keyClick(page.procedure_edit, Qt.Key.Key_Return)
        type_text(qtbot, page.inputs["applicant_name"], "Nguyễn Thị Ưng")
        with qtbot.waitSignal(page.registered):
            qtbot.keyClick(page.inputs["applicant_name"], Qt.Key.Key_Return)
        qtbot.keyClick(page, Qt.Key.Key_F9)  # the receipt, written and opened
        start_daily_backup(demo_context).join()  # the day's copy, through its own connection
        BackupService(demo_context.db_path).backup()
    assert trap.calls == [], trap.report()
    assert len(opened) == 1 and opened[0].read_bytes()[:5] == b"%PDF-"


def test_a_save_dialog_refuses_the_database_and_asks_again(
        qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = dashboard_page(qtbot, demo_window, demo_context, "2024")
    db_path = demo_context.db_path
    before = db_path.read_bytes()[:100]
    chosen = iter([str(db_path), f"{db_path}-wal", str(tmp_path / "bieu-do.png")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (next(chosen), ""))
    errors: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, **kwargs: errors.append(text))
    qtbot.mouseClick(page.panels["plan_progress"].save_button, Qt.MouseButton.LeftButton)
    assert errors == [
        f"Không ghi vào «{db_path}»: đó là tệp cơ sở dữ liệu đang dùng. Hãy chọn tên tệp khác hoặc thư mục "
        "khác; không có gì bị thay đổi.",
        f"Không ghi vào «{db_path}-wal»: đó là tệp đi kèm của cơ sở dữ liệu {db_path}. Hãy chọn tên tệp khác "
        "hoặc thư mục khác; không có gì bị thay đổi.",
    ]
    assert not QImage(str(tmp_path / "bieu-do.png")).isNull()
    assert db_path.read_bytes()[:100] == before
    assert demo_context.db.execute("SELECT count(*) FROM dossier").fetchone()[0] > 0


def test_an_admin_is_told_what_the_opening_found_changed_outside_the_program(
        qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from cchc_desktop.services.accounts import AccountService
    from db.connection import open_db
    from ui.app import after_start

    context.db.close()
    plain = sqlite3.connect(context.db_path)
    plain.execute("DROP TRIGGER audit_dossier_update")
    plain.commit()
    plain.close()
    db = open_db(context.db_path)  # as the window opens it: the trigger put back, the finding written first
    AccountService(db).start_without_login()
    told: list[str] = []
    monkeypatch.setattr(messages, "warning", lambda parent, title, text: told.append(text))
    after_start(None, AppContext(db, context.db_path))
    entries = db.execute("SELECT after FROM audit_log WHERE after LIKE '%phát hiện sửa ngoài chương trình%'")
    assert len(entries.fetchall()) == 1
    db.close()
    context.db = open_db(context.db_path)  # for the fixture's own closing
    assert len(told) == 1 and "thiếu audit_dossier_update" in told[0]
