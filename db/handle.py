"""``Database``: an open SQLite database as the program works with it — the connection and the few calls the storage
layer makes on it (``execute``, ``query``, ``table_names``, ``atomic``, ``close``).

sqlite-utils' own ``Database`` (its table API and its migrations runner) is built over the same connection when it
is first asked for (``utils``, ``db["table"]``): its import, with click, dateutil and pluggy, is about 50 ms, which
no start of the window needs. The calls here keep sqlite-utils' rules, so that what the storage layer relies on is
the same whichever of the two runs a statement:
- a statement that writes outside a transaction is committed at once; one that fails rolls back the transaction it
  opened (Python's sqlite3 would leave it open, and the next ``BEGIN IMMEDIATE`` would fail);
- triggers fire recursively (``PRAGMA recursive_triggers``), as sqlite-utils sets on every connection it wraps.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.db import Table

Parameters = Sequence[Any] | dict[str, Any] | None
_TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})


def first_keyword(sql: str) -> str:
    """The statement's first word in capitals, past white space and comments."""
    text = sql.lstrip()
    while text.startswith(("--", "/*")):
        if text.startswith("--"):
            end = text.find("\n")
            text = "" if end < 0 else text[end + 1:].lstrip()
        else:
            end = text.find("*/")
            text = "" if end < 0 else text[end + 2:].lstrip()
    word = text.split(None, 1)[0] if text else ""
    return "".join(ch for ch in word if ch.isalpha()).upper()


class Database:
    """The open database. ``conn`` is the sqlite3 connection (default transaction handling). ``dialect`` names the
    engine for the few statements written twice (db/pg/handle.py is the server's handle)."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        conn.execute("PRAGMA recursive_triggers = on")

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def execute(self, sql: str, parameters: Parameters = None) -> sqlite3.Cursor:
        """Run one statement and return its cursor; a write outside a transaction is committed at once."""
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            cursor = conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and conn.in_transaction:  # (the failed statement's own implicit transaction)
                conn.execute("ROLLBACK")
            raise
        if (not was_in_transaction and conn.in_transaction and cursor.description is None
                and first_keyword(sql) not in _TRANSACTION_CONTROL):
            conn.execute("COMMIT")
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any] | dict[str, Any]]) -> int:
        """Run one statement for each of ``rows``; how many rows it changed. Outside a transaction, all of it is
        committed at once or none of it."""
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            cursor = conn.executemany(sql, rows)
        except Exception:
            if not was_in_transaction and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if not was_in_transaction and conn.in_transaction:
            conn.execute("COMMIT")
        return cursor.rowcount

    def query(self, sql: str, params: Parameters = None) -> Iterator[dict[str, Any]]:
        """The rows of a statement that returns rows, as dictionaries by column name (read as they are iterated).
        A statement without rows, or with two columns of one name, is refused (ValueError)."""
        cursor = self.execute(sql, params)
        if cursor.description is None:
            raise ValueError("query() can only be used with SQL that returns rows - use execute() for other statements")
        keys = [column[0] for column in cursor.description]
        if len(set(keys)) != len(keys):
            raise ValueError(f"query() needs distinct column names: {', '.join(keys)}")
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    def table_names(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def columns(self, table: str) -> list[str]:
        """The names of ``table``'s columns in order (none when there is no such table)."""
        return [row[1] for row in self.conn.execute(f'PRAGMA table_info("{table}")')]

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction, or a savepoint of the one already open: committed (released) at the end, undone on
        any error."""
        conn = self.conn
        if conn.in_transaction:
            name = f"cchc_{secrets.token_hex(8)}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:  # (an error such as a RAISE(ROLLBACK) may have ended the transaction)
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    @cached_property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils' Database over the same connection (its table API, its migrations runner), imported now."""
        from db import sqlite_utils_database

        return sqlite_utils_database(self.conn)

    def __getitem__(self, table_name: str) -> Table:
        return self.utils.table(table_name)
