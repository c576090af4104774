"""Storage layer of CCHC Desktop: the SQLite file, its migrations and all SQL text."""

from __future__ import annotations

import sqlite3
import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def import_sqlite_utils() -> ModuleType:
    """The sqlite-utils library, imported now if it was not yet. The program's own calls go through
    ``db.handle.Database``; sqlite-utils' table API and its migrations runner are loaded only when used.

    sqlite-utils imports numpy (present for the charts) to map numpy scalars to SQL types; this program never writes
    numpy values, and that import alone costs ~60 ms. It is imported without it unless numpy is already loaded."""
    if "sqlite_utils" not in sys.modules and "numpy" not in sys.modules:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # (None is Python's documented "do not import" mark)
        try:
            import sqlite_utils
        finally:
            del sys.modules["numpy"]
    import sqlite_utils

    return sqlite_utils


def sqlite_utils_database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """sqlite-utils' Database over ``conn``, no plug-in run."""
    database: sqlite_utils.Database = import_sqlite_utils().Database(conn, execute_plugins=False)
    return database
