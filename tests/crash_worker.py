"""A process for ``tests/unit/test_crash_safety.py`` to kill at a random moment.

It loads everything the operation needs, prints ``READY`` (so the parent's clock starts when the work does,
not when Python starts), runs the operation, then prints ``DONE <exit code> <seconds>``:

    python -m tests.crash_worker cli --db FILE import dossiers x.csv    the real ``cchc`` command, in-process
    python -m tests.crash_worker register FILE COUNT                    COUNT registrations at the desk, one by
                                                                        one; ``SAVED <n>`` after each commit
    python -m tests.crash_worker register FILE COUNT --reopen-every N   the same, the file opened and closed again
                                                                        by this process after every N commits
    python -m tests.crash_worker visit FILE                             another program opening and closing the
                                                                        file until killed
    python -m tests.crash_worker desk FILE [--window]                   the window's process: the database opened
                                                                        as the window opens it, the day's backup
                                                                        thread run (its own connection); then one
                                                                        command a line on stdin: ``register``
                                                                        (``SAVED <code>``), ``reopen`` (a service
                                                                        opening the file again: ``REOPENED``)
"""

from __future__ import annotations

import sys
import time
from datetime import datetime

# A weekday inside office hours: every registration is valid and gets the next code of the same day.
REGISTER_AT = datetime(2024, 6, 4, 9, 30)
PROCEDURE = "1.004873"


def _ready() -> float:
    print("READY", flush=True)
    return time.perf_counter()


def _done(code: int, started: float) -> None:
    print(f"DONE {code} {time.perf_counter() - started:.6f}", flush=True)


def run_cli(argv: list[str]) -> int:
    from cchc_desktop import cli

    # What the handlers import on first use: loaded now so that the timed part is the work itself.
    from cchc_desktop.services import backups, database, imports  # noqa: F401

    started = _ready()
    code = cli.main(argv)
    _done(code, started)
    return code


def register(path: str, count: int, reopen_every: int = 0) -> int:
    from cchc_desktop.services.reception import NewDossier, ReceptionService
    from db.connection import open_db

    db = open_db(path)
    service = ReceptionService(db, clock=lambda: REGISTER_AT)
    started = _ready()
    for saved in range(1, count + 1):
        service.register(NewDossier(
            procedure_code=PROCEDURE, applicant_name=f"Nguyễn Thị Ưng {saved}", phone="0912 345 678",
            address="Thôn 3, xã Hoằng Hợp",
        ))
        print(f"SAVED {saved}", flush=True)
        if reopen_every and saved % reopen_every == 0:  # a service of this process opening the file again
            open_db(path, migrate=False, create=False).close()
    db.close()
    _done(0, started)
    return 0


def visit(path: str) -> int:
    """Another program: opens and closes the file again and again until killed (``VISITS <n>`` now and then)."""
    from db.connection import open_db

    _ready()
    visits = 0
    while True:
        open_db(path, migrate=False, create=False).close()
        visits += 1
        if visits % 10 == 0:
            print(f"VISITS {visits}", flush=True)


def desk(path: str, window: bool) -> int:
    """What the window's process does to the file, then registrations and re-openings on demand."""
    from pathlib import Path

    from cchc_desktop.office import Office
    from cchc_desktop.services import sessions
    from cchc_desktop.services.accounts import AccountService
    from cchc_desktop.services.backups import BackupService
    from cchc_desktop.services.database import open_database
    from cchc_desktop.services.reception import NewDossier, ReceptionService
    from db.connection import open_db
    from ui.app import start_daily_backup

    db_path = Path(path)
    db = open_database(db_path)  # as ui.app does
    office = Office(db, db_path)
    accounts = AccountService(db)
    if accounts.login_required():
        sessions.begin(db, sessions.LOCAL_ADMIN)
    else:
        accounts.start_without_login()
    shown = None
    if window:
        from PySide6.QtWidgets import QApplication  # noqa: TID251 (the window, in its own process)

        from ui.app import configure_application
        from ui.main_window import MainWindow

        app = QApplication.instance() or QApplication(["desk"])
        configure_application(app)
        shown = MainWindow(office, start="register")
        shown.show()
        app.processEvents()
    start_daily_backup(office).join()  # the day's copy through a second connection of this process
    BackupService(db_path).folder()  # a service that opens the file again
    service = ReceptionService(db, clock=lambda: REGISTER_AT)
    _ready()
    saved = 0
    for line in sys.stdin:
        command = line.strip()
        if command == "register":
            saved += 1
            done = service.register(NewDossier(
                procedure_code=PROCEDURE, applicant_name=f"Trần Văn Bình {saved}", phone="0912 345 678",
                address="Thôn 1, xã Hoằng Hợp"))
            print(f"SAVED {done.code}", flush=True)
        elif command == "reopen":
            open_db(db_path, migrate=False, create=False).close()
            print("REOPENED", flush=True)
        elif command == "quit":
            break
    if shown is not None:
        shown.close()
    db.close()
    return 0


def main(argv: list[str]) -> int:
    match argv:
        case ["desk", path, *rest] if rest in ([], ["--window"]):
            return desk(path, window=bool(rest))
        case ["cli", *rest]:
            return run_cli(rest)
        case ["register", path, count]:
            return register(path, int(count))
        case ["register", path, count, "--reopen-every", every]:
            return register(path, int(count), int(every))
        case ["visit", path]:
            return visit(path)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
