"""All SQL text of the program, one module per subject; functions take a Database and return plain rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.handle import Database


def inserted_id(db: Database, sql: str, parameters: Sequence[Any] | dict[str, Any]) -> int:
    """Run the INSERT ``sql`` of one row and return its id (SQLite's ``lastrowid``, a server's ``RETURNING id``)."""
    if db.dialect == "sqlite":
        rowid = db.execute(sql, parameters).lastrowid
        if rowid is None:  # only before any INSERT on the cursor: a bug
            raise RuntimeError("no row was inserted")
        return int(rowid)
    return int(db.execute(f"{sql} RETURNING id", parameters).fetchone()[0])


def count_if(term: str) -> str:
    """The SQL of how many rows ``term`` holds for (0 when none), which both engines run natively. Never a sum of
    the comparison: on PostgreSQL that goes through an aggregate written in SQL, a function call per row, 4-5×
    slower on a million dossiers (issue 22)."""
    return f"count(*) FILTER (WHERE {term})"


def insert_dossier_sql(columns: Sequence[str], *, named: bool = False) -> str:
    """The one INSERT of dossiers, over the columns a writer has: the desk (named values), the import and the demo
    (positional, many rows at a time)."""
    values = ", ".join(f":{column}" for column in columns) if named else ", ".join("?" * len(columns))
    return f"INSERT INTO dossier ({', '.join(columns)}) VALUES ({values})"
