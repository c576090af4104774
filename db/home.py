"""The per-user data folder (platformdirs), or ``CCHC_HOME`` (tests, portable installs): where the database lives
by default, and where the audit trail's key is kept, outside the database file (``db.keys``)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_FOLDER = "cchc-desktop"  # = cchc_desktop.APP_ID (a test keeps them equal)


def data_dir() -> Path:
    home = os.environ.get("CCHC_HOME")
    # On Windows %LOCALAPPDATA%\cchc-desktop: the local profile, not the roaming one a domain may copy at each logon.
    return Path(home) if home else Path(user_data_dir(APP_FOLDER, appauthor=False, roaming=False))


def is_server(target: str | os.PathLike[str]) -> bool:
    """True when ``target`` names a database on a PostgreSQL server (``postgresql://…``, ``postgres://…``, libpq's
    ``service=…``), not a file (issue 22)."""
    text = os.fspath(target).strip()
    return text.lower().startswith(("postgresql://", "postgres://")) or text.startswith("service=")
