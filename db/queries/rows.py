"""Rows of a cursor as dicts keyed by their column names: what the query modules return."""

from __future__ import annotations

import sqlite3
from typing import Any

Row = dict[str, Any]


def dicts(cursor: sqlite3.Cursor) -> list[Row]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def first(cursor: sqlite3.Cursor) -> Row | None:
    rows = dicts(cursor)
    return rows[0] if rows else None
