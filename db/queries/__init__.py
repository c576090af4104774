"""All SQL text of the program, one module per subject; functions take a Database and return plain rows."""

from __future__ import annotations

import sqlite3


def new_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made (``lastrowid``, which sqlite3 types ``int | None``)."""
    rowid = cursor.lastrowid
    if rowid is None:  # only before any INSERT on the cursor: a bug
        raise RuntimeError("no row was inserted")
    return rowid
