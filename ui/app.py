"""``cchc-desktop``: the window. Opens (or, when none exists, creates with demo data) the database.

``cchc-desktop --db PATH --screenshot FILE.png [--page NAME]`` draws the real window offscreen, saves a
PNG and exits: for ``docs/screenshots/`` and smoke tests.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sqlite3
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from cchc_desktop import APP_ID, APP_NAME, __version__
from cchc_desktop.errors import StorageError, classify, from_environment, user_message
from cchc_desktop.i18n import _, current_language, set_language
from cchc_desktop.logs import LEVELS, log_tail, setup_logging
from cchc_desktop.paths import given_db, is_postgresql, resolve_db_path
from cchc_desktop.progress import Cancelled

if TYPE_CHECKING:
    from cchc_desktop.office import Office
    from ui.dialogs.first_run import SetUpCommune

log = logging.getLogger("cchc.ui")
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICON = RESOURCES / "icons" / "cchc-desktop.png"
DEMO_DOSSIERS = 5000


SCREENSHOT_SETTLE_S = 5.0  # at most: the charts library alone may take a second on a cold start


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cchc-desktop", description=_("CCHC Desktop — cửa sổ làm việc"))
    parser.add_argument("--db", metavar="TỆP", help=_("tệp cơ sở dữ liệu"))
    parser.add_argument("--screenshot", metavar="TỆP.png", help=_("vẽ cửa sổ (không hiện), lưu ảnh PNG rồi thoát"))
    parser.add_argument("--size", metavar="RỘNGxCAO", default="1366x768",
                        help=_("kích thước cửa sổ khi chụp ảnh (--screenshot), mặc định 1366x768"))
    parser.add_argument("--page", metavar="TRANG", help=_("trang mở đầu, ví dụ settings"))
    parser.add_argument("--user", metavar="TÊN", help=_("tên đăng nhập điền sẵn (với --screenshot: mật khẩu lấy "
                                                        "từ biến CCHC_PASSWORD)"))
    parser.add_argument("--lang", metavar="NGÔN NGỮ", help=_("ngôn ngữ giao diện: vi (mặc định) hoặc en"))
    parser.add_argument("--log-level", choices=LEVELS, default="INFO", help=_("mức ghi nhật ký"))
    parser.add_argument("--version", action="version", version=f"cchc-desktop {__version__}")
    return parser.parse_args(argv)


SWITCH_INTERVAL_S = 0.001


def configure_application(app):
    """Names, Vietnamese locale and the style sheet: the same for the real run and for tests."""
    from PySide6.QtCore import QLocale
    from PySide6.QtGui import QIcon

    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_ID)
    app.setDesktopFileName(APP_ID)  # Linux: the launcher (.desktop) that names the window and gives its icon
    app.setWindowIcon(QIcon(str(ICON)))
    QLocale.setDefault(QLocale("vi_VN"))
    if current_language() == "vi":  # Qt's own menus, buttons and file dialog too (ui.qt_texts)
        from ui import qt_texts

        qt_texts.install(app)
    qss = RESOURCES / "qss" / "app.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    # The window's thread asks for the interpreter lock back after 1 ms of work on another thread (an import, a
    # copy, the dashboard's counts) rather than Python's 5 ms: on the 2-core test machine, with 5 ms, the window
    # waited up to 1.4 s while a 100,000-row import read its file, with 1 ms at most 48 ms, the import as fast
    # (``benchmarks.window_jobs``).
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def set_windows_app_id() -> None:
    """On Windows, the taskbar shows the window under the program's own name and icon (a program started by
    python.exe would be grouped, and pinned, as Python). Nothing elsewhere."""
    if sys.platform != "win32":
        return
    import ctypes

    try:
        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(f"{APP_ID}.{__version__}")
    except (AttributeError, OSError):
        log.warning("the taskbar's application id could not be set", exc_info=True)


def install_excepthook() -> None:
    """A bug shows a crash dialog with the log tail and is written to the log; the app keeps running."""
    from ui import messages

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("unhandled exception:\n%s", text)
        if isinstance(value, sqlite3.Error) and from_environment(value):  # the file, not the program
            value = classify(value, None)
        if isinstance(value, StorageError):
            messages.storage_error(None, value)
            return
        messages.crash(None, _("Chương trình gặp lỗi không mong đợi. Chi tiết đã được ghi vào tệp nhật ký."),
                       text + "\n--- nhật ký ---\n" + log_tail())

    sys.excepthook = hook


def create_demo_database(path: Path, *, interactive: bool) -> None:
    """A demo database at ``path`` so every page has something to show (``services.setup.build_demo``): in the
    window on a thread of its own with its progress and «Hủy» (``Cancelled`` then, and no file left)."""
    from cchc_desktop import formatting
    from cchc_desktop.services.setup import build_demo

    if not interactive:
        build_demo(path, dossiers=DEMO_DOSSIERS)
        return
    from ui.widgets.background import run_with_progress

    run_with_progress(None, APP_NAME, _("Đang tạo cơ sở dữ liệu mẫu ({n} hồ sơ)…").format(
        n=formatting.number(DEMO_DOSSIERS)), lambda progress: build_demo(path, dossiers=DEMO_DOSSIERS,
                                                                         progress=progress))


def first_start(path: Path) -> tuple[Path | str, SetUpCommune | None] | None:
    """No database at ``path`` yet: try the demo, in a file of its own beside it (built once, reused), set the
    commune up in ``path``, or connect this desk to the centre's server. The file (or the server's database) to
    open and, after a setup, its administrator; None to quit."""
    from cchc_desktop.services.setup import DEMO_FILENAME
    from ui.dialogs.first_run import DEMO, SERVER, SET_UP, FirstRunDialog, ServerDialog, SetupDialog

    choice = FirstRunDialog.ask(path)
    if choice == DEMO:
        demo = path.with_name(DEMO_FILENAME)
        if not demo.exists():
            try:
                create_demo_database(demo, interactive=True)
            except Cancelled:
                return first_start(path)  # «Hủy»: the choice again, nothing written
        return demo, None
    if choice == SET_UP:
        made = SetupDialog.ask(path)
        return (path, made) if made is not None else None
    if choice == SERVER:
        url = ServerDialog.ask()
        return (url, None) if url is not None else first_start(path)  # «Hủy»: the choice again
    return None


def main(argv: Sequence[str] | None = None) -> int:
    gc.disable()  # start-up allocates much and frees almost nothing: no collection until the window shows
    try:
        return _start(argv)
    finally:
        gc.unfreeze()  # (``_start`` froze what its imports made; a caller in the same process, a test, gets it back)
        gc.enable()


def _start(argv: Sequence[str] | None) -> int:
    args = parse_args(argv)
    if args.screenshot and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    set_language(args.lang)  # (before the imports below: their modules' texts are translated as they load)
    # What every start needs without Qt (opening the database, the sign-in, the unit's name) is imported before
    # Qt: once loaded, PySide reads the source of each module an import statement names for the first time after it
    # (its «__feature__» check): 106 sources and ~10 ms in a start on the register, 70 and ~7 ms this way.
    from cchc_desktop.office import Office  # noqa: F401
    from cchc_desktop.services import accounts, settings  # noqa: F401
    from cchc_desktop.services.database import open_database

    setup_logging(args.log_level)

    from PySide6.QtWidgets import QApplication

    from ui import messages
    from ui.context import AppContext
    from ui.main_window import PAGE_NAMES, MainWindow

    # What the imports made lives as long as the program: out of the collector's sight, so that no collection
    # (the window's closing, ``release``) walks it again. What the window builds from here is collected as before.
    gc.freeze()
    if args.page and args.page not in PAGE_NAMES:
        print(_("Không có trang «{page}». Các trang: {names}").format(page=args.page, names=", ".join(PAGE_NAMES)),
              file=sys.stderr)
        return 2
    set_windows_app_id()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    configure_application(app)
    interactive = not args.screenshot
    if interactive:
        install_excepthook()

    target = given_db(args.db)  # (never echoed nor logged when a server's: it names an account)
    on_server = is_postgresql(target)
    db_path: Path | str = target if on_server else resolve_db_path(args.db)
    made = None
    try:
        if isinstance(db_path, Path) and not db_path.exists():
            if not interactive:  # a screenshot of a new file: the demo, as before
                create_demo_database(db_path, interactive=False)
            else:
                chosen = first_start(db_path)
                if chosen is None:
                    return 0
                db_path, made = chosen
        office = AppContext(open_database(db_path), db_path)
    except StorageError as exc:
        log.warning("cannot open %s: %s", "the server's database" if on_server else db_path, exc)
        if interactive:
            messages.storage_error(None, exc)
        else:
            print(_("Lỗi: {message}").format(message=user_message(exc)), file=sys.stderr)
        return 1

    if made is not None:  # the administrator the setup just made: signed in with what was typed there
        office.accounts.sign_in(made.username, made.password)
    elif not sign_in(office, args.user, interactive=interactive):
        office.close()
        return 0 if interactive else 1
    window = MainWindow(office, start=args.page, remember=not args.screenshot)
    if args.screenshot:
        width, _x, height = args.size.partition("x")
        window.resize(int(width), int(height))
        window.show()
        deadline = time.monotonic() + SCREENSHOT_SETTLE_S  # deferred drawing (the dashboard's charts) lands
        app.processEvents()
        while not window.current_page().settled() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)  # (the picture is taken as soon as the page has settled, not up to 10 ms after)
        for _round in range(3):  # the layout of what was drawn last
            app.processEvents()
        saved = window.grab().save(args.screenshot)
        release(window)
        office.close()
        if not saved:
            print(_("Lỗi: không lưu được ảnh {path}").format(path=args.screenshot), file=sys.stderr)
            return 1
        return 0
    window.show_window()
    if office.on_file:  # (a server's database is backed up on the server: docs/postgresql.md)
        start_daily_backup(office)
    after_start(window, office)
    gc.enable()
    code = app.exec()
    release(window)
    office.close()
    return code


def sign_in(office: Office, username: str | None, *, interactive: bool) -> bool:
    """Begin the window's session: the login dialog when the install asks for one, else the single-user
    session. False when the user gives up (or, drawing a screenshot, the credentials are missing or wrong)."""
    from cchc_desktop.services.accounts import LoginRefused

    accounts = office.accounts
    if not accounts.login_required():
        accounts.start_without_login()
        return True
    if not interactive:
        try:
            accounts.sign_in(username or "", os.environ.get("CCHC_PASSWORD", ""))
            return True
        except LoginRefused as exc:
            print(_("Lỗi: cần đăng nhập (--user và biến CCHC_PASSWORD): {message}").format(message=exc),
                  file=sys.stderr)
            return False
    from ui.dialogs.login_dialog import LoginDialog

    dialog = LoginDialog(accounts, username=username or "", unit_name=office.settings.load().name)
    return bool(dialog.exec()) and dialog.session is not None


def after_start(window, office: Office) -> None:
    """Once the window shows: the printed papers older than the days the admin set removed (and audited), the
    audit trail sealed beside the backups, and, to an admin, what the opening found changed outside the program
    (written into the trail before it was put back). On a server's database only the seal, kept on this desk (the
    server's owner cannot reach it). A failure is logged, the work goes on."""
    from cchc_desktop.services import anchoring

    if not office.on_file:
        anchoring.seal(office.db, office.location, by=_("mở chương trình"))
        return
    from cchc_desktop.domain.users import Permission
    from cchc_desktop.services.database import repaired_at_open, triggers_text
    from ui import messages

    try:
        office.papers.tidy()
    except Exception:
        log.exception("tidying the printed papers failed")
    anchoring.seal(office.db, office.db_path, by=_("mở chương trình"))
    found = repaired_at_open(office.db)
    if found and office.session.may(Permission.SETTINGS):
        messages.warning(window, _("Nhật ký thay đổi"), _(
            "Khi mở cơ sở dữ liệu, chương trình phát hiện trình kích hoạt của nhật ký thay đổi bị sửa ngoài chương "
            "trình ({found}) và đã đặt lại; việc này đã được ghi vào nhật ký. Hãy chạy «cchc check» để biết các bản "
            "ghi bị thay đổi trong lúc đó.").format(found=triggers_text(found)))


def start_daily_backup(office: Office) -> threading.Thread:
    """The day's automatic copy, in the background with its own connection (a large database takes seconds);
    a failure is logged, the work goes on."""
    service = office.program_backups

    def run() -> None:
        try:
            made = service.daily()
            if made is not None:
                log.info("daily backup: %s", made.path)
        except Exception:
            log.exception("the daily backup of %s failed", service.db_path)

    worker = threading.Thread(target=run, name="cchc-daily-backup")
    worker.start()
    return worker


def release(window) -> None:
    """Close the window and collect its Python/Qt reference cycles (the charts) while the QApplication still
    lives: left to the interpreter's final collection, PySide6 aborts ("bool_dealloc") after Qt is gone."""
    window.close()
    gc.collect()


if __name__ == "__main__":
    sys.exit(main())
