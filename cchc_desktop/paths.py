"""Where the program keeps its files: the per-user data folder (platformdirs), unless told otherwise.

The database is, in order: ``--db PATH``, the ``CCHC_DB`` environment variable, then
``<data folder>/cchc.sqlite3``. ``CCHC_HOME`` moves the whole data folder (tests, portable installs).
"""

from __future__ import annotations

import os
from pathlib import Path

from db.home import data_dir, is_server

__all__ = ["DB_FILENAME", "data_dir", "default_db_path", "is_postgresql", "log_dir", "resolve_db_path"]

DB_FILENAME = "cchc.sqlite3"


def log_dir() -> Path:
    return data_dir() / "logs"


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def given_db(explicit: str | os.PathLike[str] | None = None) -> str:
    """The database named as given: the explicit one, else $CCHC_DB, else "" (a server's URL kept as typed: a
    Path would fold its «//»)."""
    return str(explicit or os.environ.get("CCHC_DB") or "")


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file to use: the explicit path, else $CCHC_DB, else the data folder's."""
    given = given_db(explicit)
    return Path(given).expanduser() if given else default_db_path()


def is_postgresql(target: str | os.PathLike[str]) -> bool:
    """True when ``target`` names a database on a PostgreSQL server (``postgresql://…``, ``postgres://…``, libpq's
    ``service=…``), not a file."""
    return is_server(target)
