"""All SQL text of the program, one module per subject; functions take a Database and return plain rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def new_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made (``lastrowid``, which sqlite3 types ``int | None``)."""
    rowid = cursor.lastrowid
    if rowid is None:  # only before any INSERT on the cursor: a bug
        raise RuntimeError("no row was inserted")
    return rowid


def insert_dossier_sql(columns: Sequence[str], *, named: bool = False) -> str:
    """The one INSERT of dossiers, over the columns a writer has: the desk (named values), the import and the demo
    (positional, many rows at a time)."""
    values = ", ".join(f":{column}" for column in columns) if named else ", ".join("?" * len(columns))
    return f"INSERT INTO dossier ({', '.join(columns)}) VALUES ({values})"
