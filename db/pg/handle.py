"""``PgDatabase``: a database on a PostgreSQL server behind the same calls as SQLite's handle (db/handle.py), so that
the storage layer's query functions run on either (issue 22).

The statements are written once, in the SQL both engines read; what differs is bridged here and nowhere else:
- placeholders: SQLite's ``?`` and ``:name`` become psycopg's ``%s`` and ``%(name)s`` (a ``%`` of the text is doubled),
  outside string literals, quoted names and comments; the translation of each statement text is kept;
- transactions keep SQLite's handle's rules: a statement outside a transaction is committed at once (the connection
  is in autocommit), ``atomic`` is a transaction or a savepoint of the open one;
- values read come back as SQLite gives them: a ``numeric`` (``sum`` of integers, ``avg``) as an int when whole,
  else a float;
- errors: a broken constraint raises ``sqlite3.IntegrityError`` (the callers' ``except`` clauses are SQLite's) with
  psycopg's error as its cause; a server gone away a StorageError UNREACHABLE naming the database.
What cannot be bridged (SQLite's full-text index, ``PRAGMA``, ``sqlite_master``) is asked of ``dialect`` by the
query function that needs it.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from db.errors import StorageError, StorageProblem
from db.handle import Database, Parameters
from db.pg import connect

if TYPE_CHECKING:
    import psycopg


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """``sql`` with SQLite's placeholders as psycopg's: ``?`` → ``%s``, ``:name`` → ``%(name)s``, ``%`` → ``%%``.
    String literals, quoted names and comments are copied as they are, but for their ``%``, which psycopg reads
    anywhere in the text. A ``::`` cast is not a placeholder."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # a doubled quote inside
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1].replace("%", "%%"))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        elif ch == ":" and sql.startswith("::", i):
            out.append("::")
            i += 2
        elif ch == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            end = i + 1
            while end < n and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            out.append(f"%({sql[i + 1:end]})s")
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _numeric_loader() -> type:
    from psycopg.adapt import Loader

    class NumericAsSqlite(Loader):
        """``numeric`` read as SQLite returns it: a sum of integers as an int, an average (with a point) as a float."""

        def load(self, data: Any) -> int | float:
            text = bytes(data).decode("ascii")
            return float(text) if "." in text or text.lstrip("-").isalpha() else int(text)

    return NumericAsSqlite


class PgDatabase(Database):
    """An open database on a PostgreSQL server. ``pg`` is the psycopg connection (autocommit; ``atomic`` opens the
    transactions); ``where`` names the database in messages, without a password."""

    dialect = "postgresql"

    def __init__(self, conn: psycopg.Connection, where: str, *,
                 reconnect: Callable[[], psycopg.Connection] | None = None) -> None:  # (SQLite's is not called)
        self.pg = conn
        self.where = where
        self._reconnect = reconnect
        self._depth = 0  # transactions and savepoints open through this handle
        # What is set on every connection (the audit trail's session): run again on a new one after a reconnect.
        self.on_connect: list[Callable[[psycopg.Connection], None]] = []
        conn.adapters.register_loader("numeric", _numeric_loader())

    def _connection(self) -> psycopg.Connection:
        """The connection; when the server dropped it (restarted, the network gone) and no transaction was open
        through it, a new one, set up as the first was (StorageError UNREACHABLE when the server still does not
        answer). Inside a transaction it is never replaced: its statements fail, and the transaction with them."""
        if (self.pg.closed or self.pg.broken) and self._depth == 0 and self._reconnect is not None:
            conn = self._reconnect()
            conn.adapters.register_loader("numeric", _numeric_loader())
            self.pg.close()  # (the dropped one: its socket and its memory go now, not at a collection)
            self.pg = conn
            for set_up in self.on_connect:  # (on the new connection, which they may use through the handle)
                set_up(conn)
        return self.pg

    @property
    def conn(self) -> NoReturn:
        raise TypeError("an SQLite connection was asked of a PostgreSQL database: this path is SQLite's only")

    @property
    def in_transaction(self) -> bool:
        import psycopg

        return self.pg.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Parameters = None) -> Any:
        """Run one statement (SQLite's placeholders) and return psycopg's cursor: ``fetchone``, ``fetchall``,
        iteration, ``description`` and ``rowcount`` as sqlite3's. ``lastrowid`` does not exist: ``RETURNING id``."""
        import psycopg

        query, values = translate(sql).encode(), () if parameters is None else parameters
        with self._errors():
            try:
                return self._connection().execute(query, values)
            except psycopg.OperationalError:
                if self._depth or not (self.pg.closed or self.pg.broken) or self._reconnect is None:
                    raise
            # The server dropped the connection between transactions: once more, on a new one.
            return self._connection().execute(query, values)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any] | dict[str, Any]]) -> int:
        with self._transaction(), self._errors(), self.pg.cursor() as cursor:
            cursor.executemany(translate(sql).encode(), rows)
            return cursor.rowcount

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """psycopg's errors as the callers know them (see the module's words)."""
        import psycopg

        try:
            yield
        except psycopg.IntegrityError as exc:
            raise sqlite3.IntegrityError(str(exc).strip()) from exc
        except psycopg.errors.ReadOnlySqlTransaction as exc:  # a reader's write: SQLite's error for it, as for a file
            raise sqlite3.OperationalError(f"attempt to write a readonly database ({str(exc).strip()})") from exc
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected) as exc:
            raise StorageError(StorageProblem.LOCKED, self.where, str(exc).strip()) from exc
        except psycopg.OperationalError as exc:
            if self.pg.closed or self.pg.broken:
                raise StorageError(StorageProblem.UNREACHABLE, self.where, str(exc).strip()) from exc
            raise

    def table_names(self) -> list[str]:
        return [row[0] for row in self.pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]

    def columns(self, table: str) -> list[str]:
        return [row[0] for row in self.pg.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = %s ORDER BY ordinal_position", [table])]

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction, or a savepoint of the one already open: committed (released) at the end, undone on
        any error."""
        with self._transaction():
            yield self

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._errors():
            connection = self._connection()
            self._depth += 1
            try:
                with connection.transaction():
                    yield
            finally:
                self._depth -= 1

    def close(self) -> None:
        self.pg.close()

    @property
    def utils(self) -> NoReturn:
        raise TypeError("sqlite-utils was asked of a PostgreSQL database: this path is SQLite's only")

    def __getitem__(self, table_name: str) -> Any:
        return Table(self, table_name)


class Table:
    """The few calls of sqlite-utils' table API that tools and tests make on a table (``db["dossier"].rows``), on a
    server: rows (in id order when the table has ids), counts, one row by id, an insert and an update of one row."""

    def __init__(self, db: PgDatabase, name: str) -> None:
        if name not in db.table_names():
            raise KeyError(name)
        self.db, self.name = db, name
        self.last_pk: int | None = None

    def _order(self) -> str:
        return " ORDER BY id" if "id" in self.db.columns(self.name) else ""

    def rows_where(self, where: str | None = None, where_args: Parameters = None, *, order_by: str | None = None,
                   select: str = "*", limit: int | None = None) -> Iterator[dict[str, Any]]:
        sql = f'SELECT {select} FROM "{self.name}"' + (f" WHERE {where}" if where else "")
        sql += f" ORDER BY {order_by}" if order_by else self._order()
        sql += f" LIMIT {int(limit)}" if limit is not None else ""
        return self.db.query(sql, where_args)

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        return self.rows_where()

    def count_where(self, where: str | None = None, where_args: Parameters = None) -> int:
        sql = f'SELECT count(*) FROM "{self.name}"' + (f" WHERE {where}" if where else "")
        return int(self.db.execute(sql, where_args).fetchone()[0])

    @property
    def count(self) -> int:
        return self.count_where()

    def get(self, pk: int) -> dict[str, Any]:
        row = next(self.db.query(f'SELECT * FROM "{self.name}" WHERE id = ?', [pk]), None)
        if row is None:
            raise KeyError(f"{self.name} {pk}")
        return row

    def insert(self, record: dict[str, Any]) -> Table:
        """One row; an id of None is left to the table (as sqlite-utils leaves it to SQLite)."""
        record = {name: value for name, value in record.items() if not (name == "id" and value is None)}
        names = ", ".join(f'"{name}"' for name in record)
        marks = ", ".join("?" for _ in record)
        returning = " RETURNING id" if "id" in self.db.columns(self.name) else ""
        cursor = self.db.execute(f'INSERT INTO "{self.name}" ({names}) VALUES ({marks}){returning}',
                                 list(record.values()))
        self.last_pk = int(cursor.fetchone()[0]) if returning else None
        return self

    def update(self, pk: int, updates: dict[str, Any]) -> Table:
        assignments = ", ".join(f'"{name}" = ?' for name in updates)
        self.db.execute(f'UPDATE "{self.name}" SET {assignments} WHERE id = ?', [*updates.values(), pk])
        self.last_pk = pk
        return self


def open_pg(url: str, *, role: connect.Role = "desk", read_only: bool = False) -> PgDatabase:
    """Connect to the database ``url`` names (db/pg/connect.connect: no password in it; the schema current for a
    desk) as a PgDatabase, which connects again the same way when the server drops it; ``read_only``: every
    transaction of the connection is read-only."""
    from db.connection import DEFAULT_BUSY_TIMEOUT_MS
    from db.pg.migrations import where

    # A write waiting for another desk's row lock (the day's code counter, the audit chain) gives up after the
    # busy timeout SQLite's files use, and is said as LOCKED.
    timeout_ms = int(os.environ.get("CCHC_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))

    def connected() -> psycopg.Connection:
        conn = connect.connect(url, role=role, autocommit=True)
        try:
            if read_only:
                conn.execute("SET default_transaction_read_only = on")
            conn.execute(f"SET lock_timeout = {timeout_ms}".encode())
            # The program's statements are index range reads of milliseconds that the planner's cost estimate
            # (a correlated subquery per open dossier) can put above jit_above_cost: compiling them with LLVM
            # took ~470 ms of a 690 ms report count on 1M dossiers, for nothing (benchmarks, issue 22).
            conn.execute("SET jit = off")
            # The register's tables and indexes are read from memory (a commune's year is megabytes; even a
            # million dossiers fit in a desk PC's cache), where a random read costs about what a sequential one
            # does: at the default cost of 4 the planner read all 1.1M survey answers instead of a year's 37,000 by
            # their key (76 ms instead of 26). 1.1 is PostgreSQL's documented value for data held in memory or SSD.
            conn.execute("SET random_page_cost = 1.1")
        except BaseException:
            conn.close()
            raise
        return conn

    conn = connected()
    return PgDatabase(conn, where(conn), reconnect=connected)
