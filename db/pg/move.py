"""Moving a commune's SQLite database onto a PostgreSQL server (issue 22: ``cchc move --to postgresql://…``).

Every table the two schemas share is copied row for row, ids included, in one transaction of the server: the
target ends as a copy of the file or is left as it was. The source is read in one read transaction, a snapshot:
a desk still writing to the file while it is copied is not half taken. The target must be the program's database
at the file's schema version with no records of its own (only the rows its migrations seed, which the file's
replace), and the mover its owner: the desks' roles cannot write the log's entries with their own ids. The copied
audit trail keeps its entries, hashes and chain as they are: nothing is logged per copied row; the caller logs
one entry for the move afterwards.

The scans kept beside the file (cchc_desktop/services/attachments.py) are carried in the same transaction into the
server's ``attachment_content`` (``copy_contents``), each one hashed again by the server once written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from db.errors import StorageError, StorageProblem

if TYPE_CHECKING:
    import psycopg

# SQLite's own tables and those only its engine has (the full-text index and its shadows, the migrations' record).
_SQLITE_ONLY = ("sqlite_", "dossier_fts", "_sqlite_migrations")
# Tables the server's migrations seed (db/pg/migrations.baseline): the file's rows replace them.
SEEDED = ("setting", "survey_criterion", "inspection_criterion")
# The only entries a new server's trail holds: its upgrades' (db/pg/migrations._log_upgrade). The file's trail
# replaces them; the move's own entry, after the copied ones, names them.
UPGRADE_ENTRY = "action = 'other' AND table_name IS NULL AND after LIKE '%%nâng cấp cấu trúc%%'"
BATCH = 5_000

Progress = Callable[[str, int, int], None]  # (table, rows copied, rows in the table)


@dataclass(frozen=True)
class Moved:
    """What was copied: rows per table, in the order the tables were written; the server's upgrades whose entries
    the file's trail replaced."""

    counts: dict[str, int]
    upgrades: tuple[str, ...] = ()


def _sqlite_tables(source: sqlite3.Connection) -> list[str]:
    names = [row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return [name for name in names if not name.startswith(_SQLITE_ONLY)]


def _in_dependency_order(source: sqlite3.Connection, tables: list[str]) -> list[str]:
    """``tables`` with every table after those its foreign keys name (a table naming itself is fine: ids rise)."""
    needs = {table: {row[2] for row in source.execute(f'PRAGMA foreign_key_list("{table}")')} - {table}
             for table in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [table for table in tables if table not in ordered and needs[table] <= set(ordered)]
        if not ready:  # a cycle the schema does not have: refuse rather than guess
            raise ValueError(f"foreign keys form a cycle among {sorted(set(tables) - set(ordered))}")
        ordered.extend(sorted(ready))
    return ordered


def _columns(source: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]


def _target_columns(target: psycopg.Connection, table: str) -> list[str]:
    return [row[0] for row in target.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = %s ORDER BY ordinal_position", [table])]


def plan(source: sqlite3.Connection, target: psycopg.Connection, where: str) -> list[str]:
    """The tables to copy, in order; StorageError NOT_OURS when the schemas differ (a table or a column one side
    lacks) and TOO_NEW when the target already holds records (anything besides the seeded rows)."""
    tables = _in_dependency_order(source, _sqlite_tables(source))
    on_server = {row[0] for row in target.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    missing = [table for table in tables if table not in on_server]
    if missing:
        raise StorageError(StorageProblem.NOT_OURS, where, "thiếu bảng " + ", ".join(missing))
    for table in tables:
        if _columns(source, table) != _target_columns(target, table):
            raise StorageError(StorageProblem.NOT_OURS, where, f"bảng {table} khác cột")
    holding = [table for table in tables if table not in SEEDED and target.execute(
        f'SELECT 1 FROM "{table}"{f" WHERE NOT ({UPGRADE_ENTRY})" if table == "audit_log" else ""} LIMIT 1'
        .encode()).fetchone() is not None]
    if holding:
        raise StorageError(StorageProblem.NOT_EMPTY, where, ", ".join(holding))
    return tables


def _rows(source: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    names = ", ".join(f'"{column}"' for column in columns)
    order = " ORDER BY id" if "id" in columns else ""
    cursor = source.execute(f'SELECT {names} FROM "{table}"{order}')
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def copy(source: sqlite3.Connection, target: psycopg.Connection, where: str, *,
         progress: Progress | None = None) -> Moved:
    """Copy every table of ``source`` into ``target`` (see the module's words) inside the caller's transaction on
    ``target`` and its read transaction on ``source``; the counts of the target's tables read back afterwards."""
    tables = plan(source, target, where)
    # The copied rows are not changes: no entries of their own (db/pg/audit.py honours this for the owner only, who
    # alone moves), for this transaction only.
    target.execute("SELECT set_config('cchc.audit', 'off', true)")
    for table in reversed(tables):
        if table in SEEDED:
            target.execute(f'DELETE FROM "{table}"'.encode())
    upgrades = tuple(name for (after,) in target.execute(f"SELECT after FROM audit_log WHERE {UPGRADE_ENTRY}"
                                                            " ORDER BY id".encode())
                     for name in json.loads(after)["nâng cấp cấu trúc"])
    if upgrades:  # the append-only guard lifted for this transaction's one delete (the owner's right)
        target.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete")
        target.execute(f"DELETE FROM audit_log WHERE {UPGRADE_ENTRY}".encode())
        target.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_delete")
    counts: dict[str, int] = {}
    for table in tables:
        columns = _columns(source, table)
        total = source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        names = ", ".join(f'"{column}"' for column in columns)
        done = 0
        with target.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN'.encode()) as stream:
            for row in _rows(source, table, columns):
                stream.write_row(row)
                done += 1
                if progress is not None and done % BATCH == 0:
                    progress(table, done, total)
        if progress is not None:
            progress(table, done, total)
        if "id" in columns:  # the identity's next value after the copied ids
            target.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), coalesce(max(id), 0) + 1, false)"
                f' FROM "{table}"'.encode())
        copied = target.execute(f'SELECT count(*) FROM "{table}"'.encode()).fetchone()
        counts[table] = int(copied[0]) if copied else 0
        if counts[table] != total:
            raise StorageError(StorageProblem.IO, where, f"{table}: {counts[table]} of {total} rows")
    return Moved(counts, upgrades)


CONTENTS = "attachment_content"  # the scans' bytes on the server (PostgreSQL migration 20); none on a file


def copy_contents(target: psycopg.Connection, where: str, contents: Iterable[tuple[str, str, bytes]], total: int, *,
                  progress: Progress | None = None) -> int:
    """Write each of the ``total`` scans (sha256, media, bytes) into the server's ``attachment_content``, inside the
    caller's transaction on ``target``; the rows read back. StorageError NOT_EMPTY when the table holds any row
    already, IO when the rows read back are not those written or the server's hash of a row's bytes is not its
    key."""
    if target.execute(f"SELECT 1 FROM {CONTENTS} LIMIT 1".encode()).fetchone() is not None:
        raise StorageError(StorageProblem.NOT_EMPTY, where, CONTENTS)
    written = 0
    with target.cursor() as cursor, cursor.copy(
            f"COPY {CONTENTS} (sha256, media, content) FROM STDIN".encode()) as stream:
        for content in contents:
            stream.write_row(content)
            written += 1
            if progress is not None:
                progress(CONTENTS, written, total)
    row = target.execute(f"SELECT count(*), count(*) FILTER (WHERE encode(sha256(content), 'hex') <> sha256)"
                         f" FROM {CONTENTS}".encode()).fetchone()
    assert row is not None
    if int(row[0]) != written or int(row[1]):
        raise StorageError(StorageProblem.IO, where, f"{CONTENTS}: {row[0]} of {written} rows, {row[1]} altered")
    return written
