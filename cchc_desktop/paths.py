"""Where the program keeps its files: the per-user data folder (platformdirs), unless told otherwise.

The database is, in order: ``--db PATH``, the ``CCHC_DB`` environment variable, then
``<data folder>/cchc.sqlite3``. ``CCHC_HOME`` moves the whole data folder (tests, portable installs).
"""

from __future__ import annotations

import os
from pathlib import Path

from db.home import data_dir

__all__ = ["DB_FILENAME", "data_dir", "default_db_path", "is_postgresql", "log_dir", "resolve_db_path"]

DB_FILENAME = "cchc.sqlite3"


def log_dir() -> Path:
    return data_dir() / "logs"


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file to use: the explicit path, else $CCHC_DB, else the data folder's."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get("CCHC_DB")
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


def is_postgresql(target: str) -> bool:
    """True when ``target`` names a database on a PostgreSQL server (``postgresql://…``, ``postgres://…``, libpq's
    ``service=…``), not a file (issue 22: only ``cchc migrate --as-owner`` works on one yet)."""
    text = target.strip()
    return text.lower().startswith(("postgresql://", "postgres://")) or text.startswith("service=")
