"""SQLite's built-in functions the program's statements call, made on PostgreSQL (db/sql/postgresql/functions.sql).

They are the program's code, as the functions it registers on every SQLite connection are: the owner's
``cchc migrate --as-owner`` creates or replaces them all after the schema's migrations (db/pg/migrations.migrate),
so a new version of the program brings its new ones without a migration of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.pg.migrations import SQL_DIR

if TYPE_CHECKING:
    import psycopg

FILE = "functions.sql"


def install(conn: psycopg.Connection) -> None:
    """Create or replace the functions, in the caller's transaction (the owner's)."""
    conn.execute((SQL_DIR / FILE).read_text(encoding="utf-8").encode())
