"""What can go wrong with the database file itself, sorted so the upper layers can explain it."""

from __future__ import annotations

import enum
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.handle import Database


class StorageProblem(enum.Enum):
    NOT_SQLITE = "not_sqlite"
    EMPTY_FILE = "empty_file"
    NOT_OURS = "not_ours"
    TOO_NEW = "too_new"
    READ_ONLY = "read_only"
    LOCKED = "locked"
    CORRUPT = "corrupt"
    DISK_FULL = "disk_full"
    MIGRATION_FAILED = "migration_failed"
    NOT_FOUND = "not_found"
    IO = "io"
    IMPORTING = "importing"  # locked by an import of this program, in short transactions (detail: which one)
    # A database on a PostgreSQL server (issue 22); ``path`` names it as db/pg/connect.describe does, never with
    # a password.
    PASSWORD_IN_URL = "password_in_url"  # the connection string holds a password (libpq's pgpass or service file must)
    BAD_URL = "bad_url"  # libpq cannot read the connection string (detail: its words)
    UNREACHABLE = "unreachable"  # no server answers there (stopped, wrong host, port or socket folder, network)
    REFUSED = "refused"  # the server answers but refuses the account: password, unknown role, pg_hba.conf, no right
    NO_DATABASE = "no_database"  # the server has no database of that name
    NOT_OWNER = "not_owner"  # migrating (or granting) with a role that does not own the database and its schema
    OUTDATED = "outdated"  # a desk finds the schema older than the program: the owner must migrate it


class StorageError(Exception):
    """The database file cannot be used as asked; ``problem`` says why, ``path`` which file."""

    def __init__(self, problem: StorageProblem, path: Path | str | None, detail: str = "") -> None:
        self.problem = problem
        self.path = Path(path) if path is not None else None
        self.detail = detail
        super().__init__(f"{problem.value}: {path}" + (f" ({detail})" if detail else ""))


def classify(exc: sqlite3.Error, path: Path | str | None) -> StorageError:
    """Sort an sqlite3 error into a StorageError (the caller re-raises it ``from exc``)."""
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text or "busy" in text:
        problem = StorageProblem.LOCKED
    elif primary == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        problem = StorageProblem.READ_ONLY
    elif primary == sqlite3.SQLITE_FULL or "disk is full" in text:
        problem = StorageProblem.DISK_FULL
    elif primary == sqlite3.SQLITE_NOTADB or "not a database" in text:
        problem = StorageProblem.NOT_SQLITE
    elif primary == sqlite3.SQLITE_CORRUPT or "malformed" in text:
        problem = StorageProblem.CORRUPT
    elif primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PERM):
        problem = StorageProblem.IO
    else:
        problem = StorageProblem.IO
    return StorageError(problem, path, str(exc))


# The primary result codes that come from the file or the machine, not from a mistake in the program: a
# CHECK or UNIQUE constraint failing (SQLITE_CONSTRAINT), a syntax error or a misuse stay bugs.
_ENVIRONMENT = frozenset({
    sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_NOLFS, sqlite3.SQLITE_PROTOCOL,
})


def from_environment(exc: sqlite3.Error) -> bool:
    """True when ``exc`` says the database file cannot be used now (locked, full, read-only, damaged, I/O)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _ENVIRONMENT


def main_file(conn: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database (None in memory, or when SQLite cannot say)."""
    try:
        rows = conn.execute("PRAGMA database_list").fetchall()
    except sqlite3.Error:
        return None
    return next((Path(file) for _seq, name, file in rows if name == "main" and file), None)


@contextmanager
def storage_errors_of(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside the block, an sqlite3 error from the environment becomes a StorageError naming the connection's
    file (a service's write: the disk is full, another program holds the lock...); any other one is a bug and
    goes through unchanged. Put it outside the transaction, so that it is rolled back first (``writing`` does both)."""
    try:
        yield
    except sqlite3.Error as exc:
        if not from_environment(exc):
            raise
        raise classify(exc, main_file(conn)) from exc


def storage_errors(db: Database) -> AbstractContextManager[None]:
    """``storage_errors_of`` the database's connection around work that reads it and writes elsewhere (a file);
    nothing on a server, whose handle says its errors itself (db/pg/handle.py)."""
    return storage_errors_of(db.conn) if db.dialect == "sqlite" else nullcontext()


POLL_S = 0.002  # how often a write waiting for the lock tries again


def begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``: the write lock taken before anything is read (a deferred transaction that reads first
    may find its snapshot stale when it comes to write, and fail at once). Waited for as long as the connection's
    busy timeout says, trying again every ``POLL_S``: SQLite's own wait sleeps up to 100 ms at a time and misses
    a writer that lets go only for a moment, as an import does between two of its chunks."""
    timeout_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    deadline = time.monotonic() + timeout_ms / 1000
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
                if code not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or time.monotonic() >= deadline:
                    raise
                time.sleep(POLL_S)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")


@contextmanager
def writing(db: Database) -> Iterator[None]:
    """One transaction of a service's write (``BEGIN IMMEDIATE``, committed at the end, rolled back on any
    error), its environment errors said as StorageErrors once it is rolled back. Inside another transaction it
    is a savepoint of it. A lock held too long by an import of this program is said as such (IMPORTING), not as
    another program's."""
    if db.dialect != "sqlite":  # a server: its transactions wait for each other's row locks (db/pg/handle.py)
        with db.atomic():
            yield
        return
    conn = db.conn
    try:
        with storage_errors_of(conn):
            if conn.in_transaction:
                with db.atomic():
                    yield
                return
            begin_immediate(conn)
            try:
                yield
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    except StorageError as exc:
        if exc.problem is StorageProblem.LOCKED:
            from db.queries import staging  # (staging writes through this helper)

            try:
                batch = staging.running(db)
            except sqlite3.Error:
                batch = None
            if batch is not None and not batch.written_through(db):  # (the import itself waits like anyone)
                raise StorageError(StorageProblem.IMPORTING, exc.path, batch.describe()) from exc
        raise
