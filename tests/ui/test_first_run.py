"""The first start (issue 19): the demo in a file of its own, never the commune's; the commune set up through the
wizard's real fields (every wrong field at once, no file until all is right), then able to register a dossier at
once; the demo's window says it is the demo."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.office import open_office
from cchc_desktop.services.demo_data import DEMO_PASSWORD
from cchc_desktop.services.reception import NewDossier
from cchc_desktop.services.setup import DEMO_FILENAME
from tests.ui.keyboard import type_text
from ui import app
from ui.context import AppContext
from ui.dialogs import first_run
from ui.dialogs.first_run import SetupDialog
from ui.main_window import MainWindow


def test_the_demo_goes_into_a_file_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp) -> None:
    mine = tmp_path / "cchc.sqlite3"
    monkeypatch.setattr(first_run.FirstRunDialog, "ask", classmethod(lambda cls, path: first_run.DEMO))
    monkeypatch.setattr(app, "DEMO_DOSSIERS", 300)
    chosen = app.first_start(mine)
    assert chosen == (tmp_path / DEMO_FILENAME, None)
    assert not mine.exists()  # the commune's file is never the demo
    with open_office(chosen[0], user="quantri", password=DEMO_PASSWORD) as office:
        assert office.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 300
        assert office.accounts.demo_accounts()
    built = chosen[0].stat().st_mtime_ns
    assert app.first_start(mine) == chosen and chosen[0].stat().st_mtime_ns == built  # the next time: reused
    monkeypatch.setattr(first_run.FirstRunDialog, "ask", classmethod(lambda cls, path: None))
    assert app.first_start(mine) is None and not mine.exists()  # closed: nothing made


def test_the_demo_is_built_off_the_window_and_cancel_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    qapp) -> None:
    """«Hủy» while the demo is being built (pressed once the window has shown the work's first report, which a
    window that did not turn would never show): no demo file and no draft left, and the choice is asked again."""
    from tests.ui.jobs import cancel_when_shown

    mine = tmp_path / "cchc.sqlite3"
    answers = [first_run.DEMO, None]
    monkeypatch.setattr(first_run.FirstRunDialog, "ask", classmethod(lambda cls, path: answers.pop(0)))
    cancelling = cancel_when_shown(monkeypatch)
    assert app.first_start(mine) is None  # cancelled, then the choice closed
    assert cancelling.labels == ["Đang tạo cơ sở dữ liệu mẫu (5.000 hồ sơ)…"] and answers == []
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def type_in(qtbot: QtBot, dialog: SetupDialog, values: dict[str, str]) -> None:
    for key, text in values.items():
        edit = dialog.inputs.get(key) or {"password": dialog.password, "again": dialog.again}[key]
        edit.clear()
        type_text(qtbot, edit, text)


def test_the_wizard_sets_up_a_commune_that_registers_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "cchc.sqlite3"
    dialog = SetupDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    type_in(qtbot, dialog, {"code": "xã Tân Lập", "username": "Quản Trị", "password": "ngan", "again": "ngan"})
    buttons = [b for b in dialog.findChildren(first_run.QPushButton) if b.text() == "Đồng ý"]  # its own «Đồng ý»
    assert len(buttons) == 1
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert dialog.created is None and not path.exists() and dialog.isVisible()
    shown = {key for key in ("name", "code", "username", "full_name", "password") if dialog.errors[key].isVisible()}
    assert shown == {"name", "code", "username", "full_name", "password"}  # every wrong field at once
    assert dialog.errors["name"].text() == "Hãy ghi tên đơn vị, ví dụ «UBND xã Hoằng Hợp»."
    type_in(qtbot, dialog, {"name": "UBND xã Tân Lập", "code": "000.21.31.H99", "province": "Thanh Hóa",
                            "signer_name": "Lê Văn Minh", "username": "quantri", "full_name": "Đỗ Thị Lan",
                            "password": "mat-khau-tot", "again": "mat-khau-tot"})
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert dialog.created == first_run.SetUpCommune("quantri", "mat-khau-tot") and path.exists()
    assert not list(tmp_path.glob("*setup-draft*"))
    with open_office(path, user="quantri", password="mat-khau-tot") as office:
        office.clock = lambda: datetime(2026, 3, 10, 9, 0)
        unit = office.settings.load()
        assert (unit.name, unit.code, unit.place, unit.province, unit.signer_title) == (
            "UBND xã Tân Lập", "000.21.31.H99", "Tân Lập", "Thanh Hóa", "CHỦ TỊCH")
        assert not office.accounts.demo_accounts()
        code = office.reception.register(NewDossier(procedure_code="1.001193", applicant_name="Lò Văn Páo")).code
        assert code == "000.21.31.H99-260310-0001"


def test_the_demo_window_says_it_is_the_demo(demo_window: MainWindow, window: MainWindow,
                                            demo_context: AppContext) -> None:
    assert demo_context.accounts.demo_accounts()
    assert demo_window.windowTitle().endswith("DỮ LIỆU MẪU, không dùng cho công việc thật")
    assert "DỮ LIỆU MẪU" not in window.windowTitle()


# -- a desk of a centre with a server (issue 22) ---------------------------------------------------------------

@pytest.mark.postgres
def test_a_desk_is_pointed_at_the_centres_server_and_keeps_it(qtbot: QtBot, tmp_path: Path, pg_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from cchc_desktop import paths

    monkeypatch.delenv("CCHC_DB", raising=False)
    dialog = first_run.ServerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    error = dialog.errors.labels["url"]

    for typed, said in (
        ("postgresql://quay1:bimat@may-chu/cchc", "mật khẩu"),  # a password is never taken
        ("postgresql:///cchc?host=/tmp/khong-co-may-chu&port=5999", "không trả lời"),  # no server there
        ("C:\\du-lieu\\cchc.sqlite3", "postgresql://"),  # a file is no server
    ):
        dialog.address.clear()
        type_text(qtbot, dialog.address, typed)
        qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda said=said: said in error.text())
        assert dialog.isVisible() and dialog.address.text() == typed  # kept for a retry
        assert "bimat" not in error.text()
        assert paths.saved_server() == ""

    dialog.address.clear()
    type_text(qtbot, dialog.address, pg_url)
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.url == pg_url
    assert paths.saved_server() == pg_url and paths.given_db() == pg_url  # the next starts open it
    assert oct(paths.saved_server_path().stat().st_mode & 0o777) == "0o600"


def test_the_first_start_offers_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp) -> None:
    url = "postgresql://quay1@may-chu/cchc"
    answers = [first_run.SERVER, first_run.SERVER]
    monkeypatch.setattr(first_run.FirstRunDialog, "ask", classmethod(lambda cls, path: answers.pop(0)))
    servers = [None, url]  # «Hủy» once: the choice is asked again
    monkeypatch.setattr(first_run.ServerDialog, "ask", classmethod(lambda cls: servers.pop(0)))
    assert app.first_start(tmp_path / "cchc.sqlite3") == (url, None)
    assert answers == [] and servers == [] and not (tmp_path / "cchc.sqlite3").exists()
