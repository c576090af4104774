"""``cchc-desktop`` as a user starts it: screenshots, a missing database, files that are not databases."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from ui import app


def test_screenshot_of_a_page(db_path: Path, tmp_path: Path, qapp) -> None:
    out = tmp_path / "settings.png"
    assert app.main(["--db", str(db_path), "--screenshot", str(out), "--page", "settings"]) == 0
    image = QImage(str(out))
    assert image.width() >= 800 and image.height() >= 600


def test_unknown_page_is_a_usage_error(db_path: Path, tmp_path: Path, capsys, qapp) -> None:
    assert app.main(["--db", str(db_path), "--screenshot", str(tmp_path / "x.png"), "--page", "nowhere"]) == 2
    assert "Không có trang «nowhere»" in capsys.readouterr().err


def test_a_server_url_holding_a_password_is_refused_without_a_file_made_or_the_password_shown(
        tmp_path: Path, capsys, qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = "postgresql://quay1:Bí-mật-9@may-chu/cchc"
    assert app.main(["--db", url, "--screenshot", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "mật khẩu" in err and "Bí-mật-9" not in err
    assert sorted(path.name for path in tmp_path.iterdir()) == []  # no folder named after the URL
    monkeypatch.setenv("CCHC_DB", url)
    assert app.main(["--screenshot", str(tmp_path / "x.png")]) == 1
    assert "Bí-mật-9" not in capsys.readouterr().err


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path, capsys, qapp) -> None:
    path = tmp_path / "bad.sqlite3"
    path.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).digest()
    assert app.main(["--db", str(path), "--screenshot", str(tmp_path / "x.png")]) == 1
    assert "không phải là cơ sở dữ liệu SQLite" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).digest() == before
    assert not (tmp_path / "x.png").exists()


def test_the_window_shows_a_dialog_for_a_bad_file(tmp_path: Path, monkeypatch, qapp) -> None:
    shown: list[str] = []
    monkeypatch.setattr("ui.messages.error", lambda parent, text, details="": shown.append(text))
    monkeypatch.setattr(app, "install_excepthook", lambda: None)
    path = tmp_path / "bad.sqlite3"
    path.write_bytes(b"\x00" * 10)
    assert app.main(["--db", str(path)]) == 1
    assert len(shown) == 1 and "không phải là cơ sở dữ liệu SQLite" in shown[0]


@pytest.mark.slow
def test_first_start_creates_a_demo_database(tmp_path: Path, monkeypatch, qapp) -> None:
    path = tmp_path / "new" / "cchc.sqlite3"
    out = tmp_path / "first.png"
    monkeypatch.setenv("CCHC_PASSWORD", "sai")
    assert app.main(["--db", str(path), "--screenshot", str(out), "--user", "quantri"]) == 1  # demo accounts ask
    assert not out.exists()
    monkeypatch.setenv("CCHC_PASSWORD", "demo1234")
    assert app.main(["--db", str(path), "--screenshot", str(out), "--user", "quantri"]) == 0
    assert path.exists() and out.exists()
    from db.connection import open_db

    db = open_db(path)
    assert db.execute("SELECT count(*) FROM dossier").fetchone()[0] == app.DEMO_DOSSIERS
    db.close()


def test_a_bug_shows_the_crash_dialog_and_is_logged(monkeypatch, qapp) -> None:
    import sys

    from cchc_desktop.logs import log_tail, setup_logging

    setup_logging("INFO")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr("ui.messages.crash", lambda parent, text, details: shown.append((text, details)))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    app.install_excepthook()
    try:
        raise ZeroDivisionError("chia cho không")
    except ZeroDivisionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1
    assert shown[0][0].startswith("Chương trình gặp lỗi không mong đợi")
    assert "ZeroDivisionError: chia cho không" in shown[0][1]
    assert "ZeroDivisionError" in log_tail()


def test_the_window_takes_the_interpreter_lock_back_quickly(qapp) -> None:
    """Work on another thread (an import) gives the window's thread the lock after 1 ms, not Python's 5 ms: with
    5 ms the window waited up to 1.4 s during a 100,000-row import on the test machine (benchmarks.window_jobs)."""
    import sys

    from ui.app import SWITCH_INTERVAL_S, configure_application

    configure_application(qapp)
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S) and SWITCH_INTERVAL_S <= 0.001


def test_the_application_has_its_name_and_icon(qapp) -> None:
    from PySide6.QtWidgets import QApplication

    app.configure_application(qapp)
    assert QApplication.applicationDisplayName() == "CCHC Desktop"
    assert QApplication.desktopFileName() == "cchc-desktop"
    icon = QApplication.windowIcon()
    assert not icon.isNull() and icon.pixmap(32, 32).width() == 32


def test_on_windows_the_taskbar_shows_the_programs_own_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows faked: the id goes to shell32; on other systems nothing is called."""
    import ctypes
    import sys
    from types import SimpleNamespace

    given: list[str] = []
    shell32 = SimpleNamespace(SetCurrentProcessExplicitAppUserModelID=given.append)
    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(shell32=shell32), raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    app.set_windows_app_id()
    assert given == []
    monkeypatch.setattr(sys, "platform", "win32")
    app.set_windows_app_id()
    assert given == [f"cchc-desktop.{app.__version__}"]
