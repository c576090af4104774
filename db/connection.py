"""``open_db``: the only way into the database file.

Foreign keys on, WAL, a busy timeout, a guard that refuses a file made by a newer version (or by another
program), and a consistent copy of the file in the backups folder before pending migrations run.
Nothing here writes to a file it refuses.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from db import audit, keys, live
from db.errors import StorageError, StorageProblem, classify, writing
from db.handle import Database
from db.home import is_server
from db.migrations import MIGRATIONS_TABLE, REWRITES, SET_NAME, UNLOGGED_BEFORE, known_names, program_migrations
from db.queries import staging

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations

log = logging.getLogger("cchc.db")

DEFAULT_BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 65_536  # 64 MiB of page cache per connection: the register and the reports revisit pages


@dataclass(frozen=True)
class SchemaState:
    """Which migrations a file has, and which this program would still apply."""

    applied: tuple[str, ...]
    pending: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def version(self) -> int:
        return len(self.applied)


@contextmanager
def storage_errors(path: Path | str | None) -> Iterator[None]:
    """Turn sqlite3 errors raised inside the block into StorageError."""
    try:
        yield
    except sqlite3.Error as exc:
        raise classify(exc, path) from exc


def _check_file(path: Path) -> None:
    """Refuse, by stat alone, a file that cannot be our database: a folder, an empty or read-only file.

    The file is never opened with Python (``db.live``): whether it is SQLite at all is SQLite's to say when
    ``open_db`` reads it (NOTADB), which writes nothing to a file it cannot read.
    """
    try:
        if path.is_dir():
            raise StorageError(StorageProblem.NOT_SQLITE, path, "is a directory")
        size = path.stat().st_size
        read_only = is_read_only(path)
    except OSError as exc:
        raise StorageError(StorageProblem.IO, path, str(exc)) from exc
    if size == 0:
        raise StorageError(StorageProblem.EMPTY_FILE, path)
    if read_only:
        raise StorageError(StorageProblem.READ_ONLY, path)


def is_read_only(path: Path) -> bool:
    """True when the file is marked read-only, or its folder cannot hold the WAL files."""
    mode = path.stat().st_mode
    return (
        not (mode & stat.S_IWUSR)
        or not os.access(path, os.W_OK)
        or not os.access(path.parent, os.W_OK)
    )


def schema_state(db: Database, migrations: Migrations | None = None) -> SchemaState:
    """The migrations the file has (read from sqlite-utils' table of them) against those of the program, or of
    ``migrations`` (a test's runner)."""
    known = known_names(migrations)
    applied = applied_names(db, migrations.name if migrations is not None else SET_NAME)
    return SchemaState(
        applied=applied,
        pending=tuple(name for name in known if name not in applied),
        unknown=tuple(name for name in applied if name not in known),
    )


def applied_names(db: Database, set_name: str = SET_NAME) -> tuple[str, ...]:
    """The names of the migrations applied to the file, in the order they were (as sqlite-utils' runner lists
    them), without loading sqlite-utils: every opening reads them."""
    if MIGRATIONS_TABLE not in db.table_names():
        return ()
    return tuple(row[0] for row in db.execute(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid", [set_name]))


def _guard(db: Database, path: Path, migrations: Migrations | None) -> SchemaState:
    tables = set(db.table_names())
    if tables and MIGRATIONS_TABLE not in tables:
        raise StorageError(StorageProblem.NOT_OURS, path, ", ".join(sorted(tables)[:5]))
    state = schema_state(db, migrations)
    if state.unknown:
        raise StorageError(StorageProblem.TOO_NEW, path, ", ".join(state.unknown))
    return state


BACKUP_FOLDER_SETTING = "backup.folder"


def backup_folder(path: Path, db: Database | None = None) -> Path:
    """Where copies of the file go: the folder the admin chose (a setting), else ``backups/`` beside it."""
    if db is not None and "setting" in db.table_names():
        row = db.execute("SELECT value FROM setting WHERE key = ?", [BACKUP_FOLDER_SETTING]).fetchone()
        if row and (row[0] or "").strip():
            return Path(row[0].strip())
    return path.parent / "backups"


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to ``path`` nor beside it: a backup restored from, on write-protected
    media too. Without a ``-wal`` beside it the file is opened ``immutable`` (no lock, no ``-shm``); a copy with
    a journal beside it was left half-written and is refused. Raises StorageError (NOT_FOUND, IO for a loop of
    links or a folder, EMPTY_FILE, NOT_SQLITE, CORRUPT)."""
    try:
        resolved = Path(path).resolve(strict=True)
        info = resolved.stat()
    except FileNotFoundError as exc:
        raise StorageError(StorageProblem.NOT_FOUND, path) from exc
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links, no permission
        raise StorageError(StorageProblem.IO, path, str(exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise StorageError(StorageProblem.IO, path, "not a regular file")
    if info.st_size == 0:
        raise StorageError(StorageProblem.EMPTY_FILE, path)
    journal = resolved.with_name(resolved.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        raise StorageError(StorageProblem.CORRUPT, path, "a rollback journal beside it: the copy was not finished")
    wal = resolved.with_name(resolved.name + "-wal")
    immutable = not (wal.exists() and wal.stat().st_size > 0)
    uri = f"{resolved.as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise classify(exc, path) from exc
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # NOTADB for what is not SQLite
    except sqlite3.Error as exc:
        conn.close()
        raise classify(exc, path) from exc
    return conn


PARTIAL_SUFFIX = ".part"


def copy_database(conn: sqlite3.Connection, target: Path,
                  progress: Callable[[int, int], None] | None = None) -> Path:
    """A consistent copy through SQLite's online backup API, readable only by the owner, in rollback-journal mode.
    ``progress(pages copied, pages)`` is called between steps of ``COPY_STEP_PAGES``; an exception from it stops
    the copy (nothing left of it).

    Written as a hidden ``.NAME.<pid>.part`` and renamed when whole: a copy cut short never sits under a
    backup's name, and the partial copies of writers that died (a kill, a power cut) are removed first.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(target.parent)
    partial = target.with_name(f".{target.name}.{os.getpid()}{PARTIAL_SUFFIX}")
    _writing.add(partial)
    try:
        out = sqlite3.connect(partial)
        try:
            os.chmod(partial, 0o600)
            if progress is None:
                conn.backup(out)
            else:
                conn.backup(out, pages=COPY_STEP_PAGES,
                            progress=lambda _status, remaining, total: progress(total - remaining, total))
            out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, readable on read-only media
        finally:
            out.close()
        partial.replace(target)
    finally:
        _writing.discard(partial)
        for path in (partial, *(Path(f"{partial}{side}") for side in live.SIDE_FILES)):
            path.unlink(missing_ok=True)
    return target


COPY_STEP_PAGES = 4096  # 16 MB of 4 KB pages between two progress reports of a copy
_writing: set[Path] = set()  # the partial copies this process is writing now


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, and not in ``_writing``: left by an earlier copy that failed
    if os.name == "nt":  # os.kill would end the process: a copy being written cannot be removed there anyway
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, another user's
        return True
    return True


LEGACY_PARTIAL_AGE_S = 600


def _recent(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime < LEGACY_PARTIAL_AGE_S
    except OSError:
        return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the partial copies (and their journals) whose writer is gone; those being written stay."""
    removed = []
    for partial in folder.glob(f"*{PARTIAL_SUFFIX}*") if folder.is_dir() else ():
        stem = partial.name
        for side in live.SIDE_FILES:
            stem = stem.removesuffix(side)
        if not stem.endswith(PARTIAL_SUFFIX):
            continue
        pid_text = stem.removesuffix(PARTIAL_SUFFIX).rsplit(".", 1)[-1]
        if pid_text.isdigit() and stem.startswith("."):
            if partial.with_name(stem) in _writing or _writer_alive(int(pid_text)):
                continue
        elif not stem.endswith(f".sqlite3{PARTIAL_SUFFIX}") or _recent(partial):
            continue  # not a copy of ours; or one named as before 12/2026 (no writer's pid) that may be in use
        try:
            partial.unlink()
        except OSError:  # in use (Windows), or not ours to remove
            continue
        removed.append(partial)
    if removed:
        log.info("removed %d partial copies left by interrupted backups in %s", len(removed), folder)
    return removed


def open_db(
    path: Path | str,
    *,
    migrate: bool = True,
    create: bool = True,
    migrations: Migrations | None = None,
    busy_timeout_ms: int | None = None,
    copy_before_migrating: bool = True,
) -> Database:
    """Open (and by default create and migrate) the database at ``path``.

    Raises StorageError when the file is not SQLite, not ours, made by a newer version, read-only,
    locked, corrupt, or when a migration fails (the file is then as before, with a backup beside it).

    A PostgreSQL server's connection string opens that database as a desk (db/pg/handle.py): it is never
    created nor migrated from here (``cchc migrate --as-owner`` does that, with the owner's role); an import a
    crash interrupted is finished or discarded, as on opening a file.
    """
    if is_server(path):
        from db.pg.handle import open_pg

        server = open_pg(os.fspath(path))
        try:
            audit.on_server(server, keys.current())
            _finish_imports(server, server.where)
        except BaseException:
            server.close()
            raise
        return server
    path = Path(path)
    if busy_timeout_ms is None:
        busy_timeout_ms = int(os.environ.get("CCHC_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))
    existed = path.exists()
    if existed:
        _check_file(path)
    elif not create:
        raise StorageError(StorageProblem.NOT_FOUND, path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(StorageProblem.IO, path, str(exc)) from exc

    try:
        # An existing file is opened read-write without the right to create: a file that vanished since the
        # check is not silently replaced by an empty database.
        target = f"{path.absolute().as_uri()}?mode=rw" if existed else f"{path.absolute().as_uri()}?mode=rwc"
        conn = sqlite3.connect(target, timeout=busy_timeout_ms / 1000, uri=True)
    except sqlite3.Error as exc:
        raise classify(exc, path) from exc
    try:
        with storage_errors(path):
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            db = Database(conn)
            audit.register_functions(db, keys.current())
            conn.execute("PRAGMA foreign_keys = ON")
            state = _guard(db, path, migrations)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            if migrate and state.pending:
                _migrate(db, path, state, migrations, copy_first=copy_before_migrating)
            if migrate:
                _repair_triggers(db, path)
            live.remember(path, backup_folder(path, db))
        if migrate:
            _finish_imports(db, path)
        if not existed:
            os.chmod(path, 0o600)
        return db
    except BaseException:
        conn.close()
        raise


READER_MMAP_BYTES = 2_000_000_000  # the whole file of a large register (SQLite caps it near 2 GB)


def open_reader(path: Path | str, *, busy_timeout_ms: int | None = None) -> Database:
    """A read-only connection to an existing, migrated database, usable from another thread than the one that
    opened it (one thread at a time): for figures computed off the window's thread. It cannot write (the file is
    opened ``mode=ro`` and ``query_only``); it sees what was committed. On a PostgreSQL server: a desk's
    connection of its own, its transactions read-only."""
    if is_server(path):
        from db.pg.handle import open_pg

        return open_pg(os.fspath(path), read_only=True)
    path = Path(path)
    if busy_timeout_ms is None:
        busy_timeout_ms = int(os.environ.get("CCHC_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", timeout=busy_timeout_ms / 1000, uri=True,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise classify(exc, path) from exc
    with storage_errors(path):
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA query_only = ON")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # Pages read in place from the operating system's cache rather than copied into the connection's own:
        # a count over a year of a large register at half the cost, the first time too (issue 20).
        conn.execute(f"PRAGMA mmap_size = {READER_MMAP_BYTES}")
    return Database(conn)


def _bulk_marks(db: Database, pending: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """What an upgrade tells the replay of the audit trail (``audit.bulk_marks``): the records a database holds
    when it reaches m0011 may have no entries of their own (a new database's default criteria, an earlier
    version's demo data and dossiers' events), and the migrations in ``REWRITES`` change rows without entries."""
    marks: dict[str, dict[str, int]] = {}
    if UNLOGGED_BEFORE in pending:
        marks.update(audit.bulk_marks(db, audit.AUDITED_TABLES))
    rewritten = {table for name in pending for table in REWRITES.get(name, ())}
    if rewritten:
        marks.update(audit.bulk_marks(db, sorted(rewritten), rewritten=True))
    return marks


def _repair_triggers(db: Database, path: Path) -> None:
    """The audit triggers and guards put back as this program makes them. Where they were changed outside the
    program (the migrations keep them in step, and a new version of the program says so by its trigger
    version), that is first written into the log, never silently undone, and kept for the window to show
    (``audit.found_at_open``)."""
    conn = db.conn
    upgrade = audit.trigger_version(conn) != audit.TRIGGER_VERSION
    problems = [] if upgrade else audit.trigger_problems(conn)
    if problems:
        found = audit.described(problems)
        with writing(db):
            audit.log_entry(db, "other", after={"phát hiện sửa ngoài chương trình": found, "đã đặt lại": True},
                            actor=audit.AuditActor(audit.SYSTEM_ACTOR))
        audit.found_at_open[db] = found
        log.warning("audit triggers of %s changed outside the program: %s; put back", path, found)
    audit.sync_triggers(conn)


def _finish_imports(db: Database, path: Path | str) -> None:
    """An import a crash interrupted: finished when it was ready, discarded when it was not (its user saw it
    fail). A failure here is logged and left for the next opening: the file opens anyway."""
    try:
        finished, discarded = staging.recover(db)
    except (sqlite3.Error, StorageError) as exc:
        log.warning("could not finish the interrupted imports of %s: %s", path, exc)
        return
    if finished or discarded:
        log.info("interrupted imports of %s: %d finished, %d discarded", path, finished, discarded)


def _migrate(db: Database, path: Path, state: SchemaState, migrations: Migrations | None, *,
             copy_first: bool) -> None:
    runner = migrations if migrations is not None else program_migrations()
    if state.applied and copy_first:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = backup_folder(path, db) / f"{path.stem}-truoc-nang-cap-{stamp}{path.suffix or '.sqlite3'}"
        copy_database(db.conn, target)
        log.info("backed up %s to %s before migrating %s", path, target, ", ".join(state.pending))
    try:
        # One transaction for all of them (each migration's own becomes a savepoint): a kill leaves the file
        # at its old version or at the new one, with its version number and the audit entry.
        with audit.suspended(db), writing(db):
            runner.apply(cast(Any, db))  # (the runner's transaction and its table go through the handle too)
            audit.sync_triggers(db.conn)  # the new tables' and columns' triggers, with the migrations
            audit.log_entry(db, "other", after={"nâng cấp cấu trúc": list(state.pending),
                                                **_bulk_marks(db, state.pending)})
            db.execute(f"PRAGMA user_version = {len(schema_state(db, migrations).applied)}")
    except (sqlite3.Error, StorageError) as exc:
        problem = exc if isinstance(exc, StorageError) else classify(exc, path)
        if problem.problem in (StorageProblem.LOCKED, StorageProblem.READ_ONLY, StorageProblem.DISK_FULL):
            raise StorageError(problem.problem, path, problem.detail) from exc
        raise StorageError(StorageProblem.MIGRATION_FAILED, path, str(exc)) from exc
    except Exception as exc:
        raise StorageError(StorageProblem.MIGRATION_FAILED, path, repr(exc)) from exc
    log.info("migrated %s: %s", path, ", ".join(state.pending))


def integrity_problems(db: Database) -> list[str]:
    """What ``PRAGMA integrity_check`` and ``foreign_key_check`` report; empty when all is well."""
    problems = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall() if row[0] != "ok"]
    for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall():
        problems.append(f"foreign key: {table} row {rowid} → {parent}")
    return problems
