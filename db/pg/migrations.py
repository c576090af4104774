"""Versioned schema migrations on PostgreSQL, beside the SQLite ones (db/migrations.py) and numbered like them.

Each migration and its record in ``schema_migration`` run in one transaction, which first takes a transaction
advisory lock: two desks starting at once migrate one after the other, and the second finds nothing to do. A
database holding a migration this program does not know is refused before anything is written (TOO_NEW), and
so is a database with tables of another program (NOT_OURS). Only the owner of the database and its schema
migrates (NOT_OWNER otherwise, before anything is read): the desks' roles cannot change the schema (db/pg/roles.py),
and each migration ends by granting the desks their rights on what it added, in its own transaction.

A migration's own writes leave no per-record audit entries (``cchc.audit`` off for its transaction, which the
audit triggers honour for the owner only, as SQLite's migrations run ``audit.suspended``). After the migrations, in
a transaction of its own under the same lock, ``db.pg.audit.install`` makes the audit triggers what this program
makes of the tables and columns as they are now: a migration that adds a column needs no trigger code of its own.

The first migration is a baseline equal to SQLite's schema after m0017 (db/sql/postgresql/0017_baseline.sql) with
the rows SQLite's migrations seed; later ones follow each SQLite migration with its twin.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.audit import described
from db.errors import StorageError, StorageProblem
from db.pg import audit, roles

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger("cchc.db")
SQL_DIR = Path(__file__).resolve().parent.parent / "sql" / "postgresql"
TABLE = "schema_migration"
# The key of the advisory lock every migration's transaction takes (any bigint, fixed for the program: "cchc").
LOCK_KEY = 0x63636863


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[psycopg.Connection], None]


def run_sql_file(conn: psycopg.Connection, name: str) -> None:
    """The whole file as one script (PostgreSQL runs several statements of one query without parameters)."""
    conn.execute((SQL_DIR / name).read_text(encoding="utf-8").encode())


def baseline(conn: psycopg.Connection) -> None:
    """The schema of SQLite's version 17, the default questionnaire and checklist (m0002) and the database's own
    id (m0011)."""
    from db.migrations import read_reference

    run_sql_file(conn, "0017_baseline.sql")
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO survey_criterion (code, aspect, aspect_name, text, position) VALUES (%s, %s, %s, %s, %s)",
            [(row["code"], int(row["aspect"]), row["aspect_name"], row["text"], position)
             for position, row in enumerate(read_reference("survey_criteria.csv"), start=1)],
        )
        cursor.executemany(
            "INSERT INTO inspection_criterion (code, text, position) VALUES (%s, %s, %s)",
            [(row["code"], row["text"], position)
             for position, row in enumerate(read_reference("inspection_criteria.csv"), start=1)],
        )
    conn.execute("INSERT INTO setting (key, value) VALUES ('audit.database_id', %s)", [uuid.uuid4().hex])


def register_search(conn: psycopg.Connection) -> None:
    """The register's search (SQLite's dossier_fts: here a GIN index over the words of the searched columns) and
    its sort columns in byte order, as SQLite's."""
    run_sql_file(conn, "0018_register_search.sql")


def event_order(conn: psycopg.Connection) -> None:
    """The index of a dossier's events in SQLite's order: by time, then id (SQLite's index ends with the rowid)."""
    run_sql_file(conn, "0019_event_order.sql")


def attachment_content(conn: psycopg.Connection) -> None:
    """The scans' bytes, once per SHA-256, in the server's database (on a file they are kept beside it)."""
    run_sql_file(conn, "0020_attachment_content.sql")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(17, "0017_baseline", baseline),
    Migration(18, "0018_register_search", register_search),
    Migration(19, "0019_event_order", event_order),
    Migration(20, "0020_attachment_content", attachment_content),
)


@dataclass(frozen=True)
class SchemaState:
    """Which migrations a database has, and which this program would still apply."""

    applied: tuple[str, ...]
    pending: tuple[str, ...]
    unknown: tuple[str, ...]
    versions: tuple[int, ...] = ()  # of the applied ones

    @property
    def version(self) -> int:
        """The schema's version: the highest applied (17 after the baseline, as SQLite's after m0017), else 0."""
        return max(self.versions, default=0)


def where(conn: psycopg.Connection) -> str:
    """The database as the messages name it, without a password. Not as a URL: StorageError keeps its ``path`` as
    a Path, which would fold the URL's «//»."""
    info = conn.info
    return f"{info.dbname} (PostgreSQL, {info.user}@{info.host}:{info.port})"


def _tables(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
    return {row[0] for row in rows}


def schema_state(conn: psycopg.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> SchemaState:
    """The state read without writing; StorageError NOT_OURS for a database of tables without our record."""
    tables = _tables(conn)
    known = [migration.name for migration in migrations]
    if TABLE not in tables:
        if tables:
            raise StorageError(StorageProblem.NOT_OURS, where(conn), ", ".join(sorted(tables)[:5]))
        return SchemaState(applied=(), pending=tuple(known), unknown=())
    rows = conn.execute(f"SELECT version, name FROM {TABLE} ORDER BY version").fetchall()
    applied = tuple(name for _version, name in rows)
    return SchemaState(
        applied=applied,
        pending=tuple(name for name in known if name not in applied),
        unknown=tuple(name for name in applied if name not in known),
        versions=tuple(version for version, _name in rows),
    )


def require_current(conn: psycopg.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> SchemaState:
    """What a desk checks on connecting, without writing: StorageError OUTDATED when the schema lacks migrations of
    this program (a desk cannot apply them: the owner must), TOO_NEW or NOT_OURS as ``migrate`` says them."""
    state = schema_state(conn, migrations)
    if state.unknown:
        raise StorageError(StorageProblem.TOO_NEW, where(conn), ", ".join(state.unknown))
    if state.pending:
        raise StorageError(StorageProblem.OUTDATED, where(conn), ", ".join(state.pending))
    return state


def migrate(conn: psycopg.Connection, migrations: Sequence[Migration] = MIGRATIONS, *,
            key: tuple[str, bytes] | None = None) -> list[str]:
    """Apply the pending migrations, each in its own transaction under the advisory lock; the names applied. When
    any was, the trail gets one entry of the upgrade (signed with ``key``, as SQLite's upgrade entry) naming the
    rows the migrations wrote without entries of their own (``db.audit.bulk_marks``: the seeded ones).

    ``conn`` must not be inside a transaction. StorageError NOT_OWNER (the connected role does not own the database
    and its schema), TOO_NEW or NOT_OURS, before anything is written; MIGRATION_FAILED when a migration fails (it is
    rolled back whole: the version stays where it was).
    """
    import psycopg

    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise ValueError("migrate() needs a connection outside a transaction: each migration commits on its own")
    done: list[str] = []
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            roles.require_owner(conn)
            state = schema_state(conn, migrations)
            if state.unknown:
                raise StorageError(StorageProblem.TOO_NEW, where(conn), ", ".join(state.unknown))
            if not state.pending:
                from db.pg import functions

                functions.install(conn)  # (the program's functions, after the schema they name)
                try:  # the audit trail's triggers for the tables and columns as they are now
                    changed = audit.install(conn)
                    roles.reapply(conn)
                except (psycopg.Error, ValueError) as exc:  # ValueError: a column's type the triggers cannot write
                    raise StorageError(StorageProblem.MIGRATION_FAILED, where(conn), f"audit triggers: {exc}") from exc
                if changed:
                    log.info("audit triggers of %s made as this program makes them: %s", where(conn),
                             described(changed))
                if done:
                    _log_upgrade(conn, done, key)
                return done
            migration = next(m for m in migrations if m.name == state.pending[0])
            if migration.version <= state.version:
                raise StorageError(StorageProblem.TOO_NEW, where(conn),
                                   f"{migration.name} pending below version {state.version}")
            try:
                if not state.applied:
                    conn.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (version integer PRIMARY KEY,"
                                 " name text NOT NULL UNIQUE, applied_at text NOT NULL)")
                # No per-record entries of the migration's own writes (SQLite's audit.suspended): honoured for
                # the owner only, for this transaction only.
                conn.execute("SELECT set_config('cchc.audit', 'off', true)")
                migration.apply(conn)
                conn.execute(
                    f"INSERT INTO {TABLE} (version, name, applied_at)"
                    " VALUES (%s, %s, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS'))",
                    [migration.version, migration.name],
                )
                roles.reapply(conn)
            except psycopg.Error as exc:  # the transaction is rolled back as the error leaves it
                raise StorageError(StorageProblem.MIGRATION_FAILED, where(conn),
                                   f"{migration.name}: {exc}") from exc
        done.append(migration.name)


def _log_upgrade(conn: psycopg.Connection, applied: list[str], key: tuple[str, bytes] | None) -> None:
    """The upgrade's entry in the trail: the migrations applied and, per audited table, the last id written
    without a per-record entry (what the replay of the trail cannot vouch for)."""
    from db.audit import AUDITED_TABLES, SYSTEM_ACTOR, UNLOGGED

    with_ids = {row[0] for row in conn.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND column_name = 'id'")}
    last = {table: row[0] for table in AUDITED_TABLES if table in with_ids
            for row in conn.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"'.encode())}
    audit.log_entry(conn, "other", after={"nâng cấp cấu trúc": applied, UNLOGGED: last}, actor=SYSTEM_ACTOR,
                    user_id=None, key=key)
