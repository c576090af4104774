"""Where the program keeps its files: the per-user data folder (platformdirs), unless told otherwise.

The database is, in order: ``--db PATH``, the ``CCHC_DB`` environment variable, the server a desk was pointed at
(``<data folder>/may-chu.txt``), then ``<data folder>/cchc.sqlite3``. ``CCHC_HOME`` moves the whole data folder
(tests, portable installs).
"""

from __future__ import annotations

import os
from pathlib import Path

from db.home import data_dir, is_server

__all__ = ["DB_FILENAME", "data_dir", "default_db_path", "is_postgresql", "log_dir", "resolve_db_path"]

DB_FILENAME = "cchc.sqlite3"
SERVER_FILENAME = "may-chu.txt"  # the server's database of this machine's desk, when it works on one


def log_dir() -> Path:
    return data_dir() / "logs"


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def saved_server_path() -> Path:
    return data_dir() / SERVER_FILENAME


def saved_server() -> str:
    """The server's database this machine's desk was pointed at (the first start's «Kết nối máy chủ»), or ""."""
    try:
        return saved_server_path().read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return ""


def save_server(url: str) -> None:
    """Point this machine's desk at the server's database ``url`` (which holds no password: the caller checked),
    in a file only the account reads."""
    path = saved_server_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(url.strip() + "\n")


def given_db(explicit: str | os.PathLike[str] | None = None) -> str:
    """The database named as given: the explicit one, else $CCHC_DB, else the server saved for this machine's
    desk, else "" (a server's URL kept as typed: a Path would fold its «//»)."""
    return str(explicit or os.environ.get("CCHC_DB") or saved_server() or "")


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file to use: the explicit path, else $CCHC_DB, else the data folder's."""
    given = given_db(explicit)
    return Path(given).expanduser() if given else default_db_path()


def is_postgresql(target: str | os.PathLike[str]) -> bool:
    """True when ``target`` names a database on a PostgreSQL server (``postgresql://…``, ``postgres://…``, libpq's
    ``service=…``), not a file."""
    return is_server(target)
