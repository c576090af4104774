"""A process for ``tests/unit/test_crash_safety.py`` to kill at a random moment.

It loads everything the operation needs, prints ``READY`` (so the parent's clock starts when the work does,
not when Python starts), runs the operation, then prints ``DONE <exit code> <seconds>``:

    python -m tests.crash_worker cli --db FILE import dossiers x.csv    the real ``cchc`` command, in-process
    python -m tests.crash_worker register FILE COUNT                    COUNT registrations at the desk, one by
                                                                        one; ``SAVED <n>`` after each commit
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


def register(path: str, count: int) -> int:
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
    db.close()
    _done(0, started)
    return 0


def main(argv: list[str]) -> int:
    match argv:
        case ["cli", *rest]:
            return run_cli(rest)
        case ["register", path, count]:
            return register(path, int(count))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
