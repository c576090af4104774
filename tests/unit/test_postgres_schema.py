"""PostgreSQL's schema and its migrations (issue 22), against a throwaway cluster the tests start themselves.

The schema must stay SQLite's twin: per table the same columns in the same order (type, NOT NULL, default), primary
key, unique constraints, indexes, foreign keys, and CHECKs of the domain enums; a SQLite migration without its
PostgreSQL twin fails here. Then the runner (twice, a broken migration, a newer database, two desks at once), the
append-only guards, and the cluster itself (not run as root).
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.choices import Choice
from cchc_desktop.errors import user_message
from db.errors import StorageError, StorageProblem
from db.pg import migrations as pgm
from tests import postgres
from tests.schema_enums import ENUM_COLUMNS, assert_checks_enum, enum_column_id

if os.environ.get("CCHC_REQUIRE_POSTGRES") == "1":  # CI: a missing driver fails the run
    import psycopg
else:
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")

pytestmark = pytest.mark.postgres

# SQLite tables PostgreSQL does without, and why. The register's full-text index (FTS5) is SQLite's own: on
# PostgreSQL the search will read the folded columns through an index of its own, chosen when the register's
# queries are ported. The migrations' record is schema_migration there (db/pg/migrations.py).
SQLITE_ONLY = {
    "_sqlite_migrations": "sqlite-utils' record of the migrations; PostgreSQL's is schema_migration",
    "dossier_fts": "FTS5 index of the register's search",
    "dossier_fts_data": "FTS5 shadow table",
    "dossier_fts_idx": "FTS5 shadow table",
    "dossier_fts_config": "FTS5 shadow table",
}
# PostgreSQL tables SQLite does without, and why.
POSTGRES_ONLY = {
    pgm.TABLE: "the migrations' record; SQLite's is _sqlite_migrations",
    "attachment_content": "the scans' bytes (migration 20); beside a file they are files in a folder",
}
# PostgreSQL's indexes SQLite does without, and why (per table: name → why).
POSTGRES_ONLY_INDEXES = {
    "dossier": {"dossier_search": "the register's search over dossier_words (GIN); SQLite's is dossier_fts"},
}
# Indexes whose SQLite twin ends, unwritten, with the rowid (every index of a rowid table does): written out on
# PostgreSQL where a query's order needs it (migration 19).
ROWID_TAILED = {"dossier_event_dossier"}
TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision"}


def rowid_tail(index: tuple[str, tuple[str | None, ...], bool, bool]) -> tuple[str, tuple[str | None, ...], bool, bool]:
    """A PostgreSQL index as SQLite writes its twin: without the trailing id of a ``ROWID_TAILED`` one."""
    name, columns, unique, partial = index
    if name in ROWID_TAILED and columns[-1:] == ("id",):
        return name, columns[:-1], unique, partial
    return index


@dataclass(frozen=True)
class Shape:
    """What both engines must agree on for one table. Index columns that are expressions are None."""

    columns: tuple[tuple[str, str, bool, str | None], ...]  # name, type (PostgreSQL's words), NOT NULL, default
    primary_key: tuple[str, ...]
    unique: frozenset[tuple[str | None, ...]]  # UNIQUE constraints of the table's definition
    indexes: frozenset[tuple[str, tuple[str | None, ...], bool, bool]]  # CREATE INDEX: name, columns, unique, partial
    foreign_keys: frozenset[tuple[tuple[str, ...], str, tuple[str, ...], str]]  # columns, table, columns, ON DELETE


def sqlite_shapes(conn: sqlite3.Connection) -> dict[str, Shape]:
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")]
    shapes = {}
    for table in tables:
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        columns = tuple((name, TYPES.get(kind, kind), bool(notnull or pk), default)
                        for _cid, name, kind, notnull, default, pk in info)
        primary_key = tuple(row[1] for row in sorted((row for row in info if row[5]), key=lambda row: row[5]))
        unique, indexes = set(), set()
        for _seq, name, is_unique, origin, partial in conn.execute(f'PRAGMA index_list("{table}")'):
            index_columns = tuple(row[2] for row in conn.execute(f'PRAGMA index_info("{name}")'))
            if origin == "u":
                unique.add(index_columns)
            elif origin == "c":
                indexes.add((name, index_columns, bool(is_unique), bool(partial)))
        keys: dict[int, list[Any]] = {}
        for key_id, _seq, target, source, to, _update, on_delete, _match in conn.execute(
                f'PRAGMA foreign_key_list("{table}")'):
            keys.setdefault(key_id, [[], target, [], on_delete])
            keys[key_id][0].append(source)
            keys[key_id][2].append(to)
        foreign_keys = frozenset((tuple(s), t, tuple(d), o) for s, t, d, o in keys.values())
        shapes[table] = Shape(columns, primary_key, frozenset(unique), frozenset(indexes), foreign_keys)
    return shapes


ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def postgres_shapes(conn: psycopg.Connection) -> dict[str, Shape]:
    def attribute_names(relation: int, numbers: list[int]) -> tuple[str | None, ...]:
        names = dict(conn.execute(
            "SELECT attnum, attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0", [relation]).fetchall())
        return tuple(names.get(number) for number in numbers)  # 0: an expression

    tables = dict(conn.execute(
        "SELECT c.relname, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind = 'r'").fetchall())
    shapes = {}
    for table, oid in tables.items():
        columns = tuple(
            (name, kind, not_null, re.sub(r"::(text|bigint|integer)$", "", default) if default else None)
            for name, kind, not_null, default in conn.execute(
                "SELECT a.attname, format_type(a.atttypid, NULL), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)"
                " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                " WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", [oid]))
        primary_key: tuple[str | None, ...] = ()
        unique, indexes = set(), set()
        for name, keys, is_unique, is_primary, partial, constraint in conn.execute(
                "SELECT c.relname, i.indkey::int2[]::int[], i.indisunique, i.indisprimary, i.indpred IS NOT NULL,"
                " (SELECT contype FROM pg_constraint WHERE conindid = i.indexrelid AND contype IN ('p', 'u', 'x'))"
                " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s", [oid]):
            index_columns = attribute_names(oid, keys)
            if is_primary:
                primary_key = index_columns
            elif constraint == "u":
                unique.add(index_columns)
            else:
                indexes.add((name, index_columns, is_unique, partial))
        foreign_keys = frozenset(
            (attribute_names(oid, keys), target, attribute_names(target_oid, target_keys), ON_DELETE[on_delete])
            for keys, target, target_oid, target_keys, on_delete in conn.execute(
                "SELECT conkey::int[], confrelid::regclass::text, confrelid::oid, confkey::int[], confdeltype"
                " FROM pg_constraint WHERE conrelid = %s AND contype = 'f'", [oid]))
        shapes[table] = Shape(columns, primary_key, frozenset(unique), frozenset(indexes),
                              frozenset((k, t.strip('"'), d, o) for k, t, d, o in foreign_keys))
    return shapes


def differences(sqlite: dict[str, Shape], postgresql: dict[str, Shape]) -> dict[str, object]:
    """Per table, what differs between the engines (empty: twins)."""
    found: dict[str, object] = {}
    for table in sorted(set(sqlite) - set(SQLITE_ONLY)):
        if table not in postgresql:
            found[table] = "missing on PostgreSQL"
            continue
        mine, theirs = sqlite[table], postgresql[table]
        own = POSTGRES_ONLY_INDEXES.get(table, {})
        theirs = replace(theirs, indexes=frozenset(rowid_tail(i) for i in theirs.indexes if i[0] not in own))
        for part in ("columns", "primary_key", "unique", "indexes", "foreign_keys"):
            if getattr(mine, part) != getattr(theirs, part):
                found[f"{table}.{part}"] = {"SQLite": getattr(mine, part), "PostgreSQL": getattr(theirs, part)}
    for table in sorted(set(postgresql) - set(sqlite) - set(POSTGRES_ONLY)):
        found[table] = "missing on SQLite"
    return found


@pytest.fixture
def pg(pg_module_db: str) -> Iterator[psycopg.Connection]:
    """A connection to a database with every PostgreSQL migration, shared by this module's tests: what a test
    writes is rolled back (a test that commits takes a database of its own, ``pg_db``)."""
    with psycopg.connect(pg_module_db) as conn:
        yield conn
        conn.rollback()


def views(conn: Any, sql: str) -> set[str]:
    return {row[0] for row in conn.execute(sql).fetchall()}


# The schemas ------------------------------------------------------------------------------------------------------

def test_the_schema_is_sqlites_twin(db: Database, pg: psycopg.Connection) -> None:
    assert differences(sqlite_shapes(db.conn), postgres_shapes(pg)) == {}
    assert views(db.conn, "SELECT name FROM sqlite_master WHERE type = 'view'") == views(
        pg, "SELECT viewname FROM pg_views WHERE schemaname = current_schema()") == {"dossier_history"}


def test_a_sqlite_column_without_its_twin_is_found(db: Database, pg: psycopg.Connection) -> None:
    """The comparison can fail: a column, an index and a table added on SQLite alone are each named."""
    db.execute("ALTER TABLE dossier ADD COLUMN ward TEXT")
    db.execute("CREATE INDEX dossier_ward ON dossier (ward)")
    db.execute("CREATE TABLE kiosk (id INTEGER PRIMARY KEY)")
    found = differences(sqlite_shapes(db.conn), postgres_shapes(pg))
    assert set(found) == {"dossier.columns", "dossier.indexes", "kiosk"}
    db.conn.rollback()


@pytest.mark.parametrize(("table", "column", "enum"), ENUM_COLUMNS, ids=enum_column_id)
def test_checks_match_the_domain_enums(pg: psycopg.Connection, table: str, column: str, enum: type[Choice]) -> None:
    """As tests/unit/test_migrations.py on SQLite, with PostgreSQL's ``x = ANY (ARRAY['a'::text, ...])`` read back
    as ``x IN ('a', ...)``."""
    checks = [row[0] for row in pg.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'c'",
        [f'"{table}"']).fetchall()]
    as_sqlite = [re.sub(r"\((\w+) = ANY \(ARRAY\[(.*?)\]\)\)", r"\1 IN (\2)", check).replace("::text", "")
                 for check in checks]
    assert_checks_enum(" ".join(as_sqlite), column, enum)


def test_the_seeded_rows_are_sqlites(db: Database, pg: psycopg.Connection) -> None:
    for query in ("SELECT code, aspect, aspect_name, text, position, active FROM survey_criterion ORDER BY id",
                  "SELECT code, text, position, active FROM inspection_criterion ORDER BY id",
                  # audit.triggers: the version SQLite's installer keeps (db/audit.py); db/pg/audit.py needs none
                  "SELECT key FROM setting WHERE key <> 'audit.triggers' ORDER BY key"):
        assert [tuple(row) for row in db.execute(query).fetchall()] == pg.execute(query).fetchall(), query
    database_id = "SELECT value FROM setting WHERE key = 'audit.database_id'"
    assert re.fullmatch(r"[0-9a-f]{32}", pg.execute(database_id).fetchone()[0])


# Rows both engines must accept, or both refuse: the CHECKs written in PostgreSQL's words (GLOB as regular
# expressions, json_valid, IS NOT DISTINCT FROM) mean what SQLite's mean. Ids are given: the tests share a database
# whose identity sequences a rollback does not rewind.
DOSSIER = ("INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, channel, received_at, due_at,"
           " status, applicant_id, proxy, fee_method, fee_exempt_reason)"
           " VALUES (?, 1, 'Nguyễn Thị Ưng', 'nguyen thi ung', 'direct', ?, ?, 'received', ?, ?, ?, ?)")
ROWS = [
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", None, None, None, None], True),
    (DOSSIER, ["HS-1", "2024-06-04T09:30:15", "2024-06-05T17:00", "001204012345", '{"name": "Lê Văn Đắk"}', None,
               None], True),
    (DOSSIER, ["HS-1", "2024-6-4T09:30", "2024-06-05T17:00", None, None, None, None], False),
    (DOSSIER, ["HS-1", "2024-06-04 09:30", "2024-06-05T17:00", None, None, None, None], False),
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-03T17:00", None, None, None, None], False),
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", "00120401234A", None, None, None], False),
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", "12345678", None, None, None], False),
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", None, "{name", None, None], False),
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", None, None, "exempt", "Hộ nghèo"], True),
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", None, None, "exempt", None], False),
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", None, None, "desk", "Hộ nghèo"], False),
    (DOSSIER, ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", None, None, None, " "], True),  # blank: no reason
    ("UPDATE procedure SET afternoon_cutoff = ?", ["16:30"], True),
    ("UPDATE procedure SET afternoon_cutoff = ?", ["16:3"], False),
    ("UPDATE procedure SET afternoon_cutoff = ?", ["16:30:00"], False),
    ("UPDATE procedure SET published_on = ?", ["2025-07-01"], True),
    ("UPDATE procedure SET published_on = ?", ["2025-07-01T08:00"], False),
    ("INSERT INTO form_draft (form, saved_at, data) VALUES ('reception', '2025-07-01T08:00', ?)", ['{"a": 1}'], True),
    ("INSERT INTO form_draft (form, saved_at, data) VALUES ('reception', '2025-07-01T08:00', ?)", ["[1, 2]"], False),
    ("INSERT INTO form_draft (form, saved_at, data) VALUES ('reception', '2025-07-01T08:00', ?)", ["{"], False),
    ("INSERT INTO user (username, full_name, role, created_at) VALUES (?, 'Trần Văn Đông', 'desk', '2025-07-01')",
     ["  "], False),
    ("INSERT INTO user (username, full_name, role, created_at) VALUES (?, 'Trần Văn Đông', 'clerk', '2025-07-01')",
     ["dong"], False),
]
PROCEDURE = [
    "INSERT INTO field (id, name, name_folded) VALUES (1, 'Hộ tịch', 'ho tich')",
    "INSERT INTO procedure (id, code, name, name_folded, field_id, time_limit, time_limit_unit)"
    " VALUES (1, '1.001193', 'Đăng ký khai sinh', 'dang ky khai sinh', 1, 1, 'working_days')",
]


def in_postgres(sql: str) -> str:
    return sql.replace("?", "%s").replace(" user ", ' "user" ')


def accepted(run: Callable[[str, list[Any]], object], sql: str, params: list[Any]) -> bool:
    try:
        run(sql, params)
    except (sqlite3.IntegrityError, psycopg.errors.IntegrityError):
        return False
    return True


@pytest.mark.parametrize(("sql", "params", "expected"), ROWS)
def test_the_checks_accept_and_refuse_as_sqlites(db: Database, pg: psycopg.Connection, sql: str,
                                                 params: list[Any], expected: bool) -> None:
    for statement in PROCEDURE:
        db.execute(statement)
        pg.execute(in_postgres(statement))
    on_sqlite = accepted(db.execute, sql, params)
    on_postgres = accepted(lambda q, p: pg.execute(in_postgres(q), p), sql, params)
    assert (on_sqlite, on_postgres) == (expected, expected)
    db.conn.rollback()


def test_user_names_are_unique_regardless_of_case(pg: psycopg.Connection) -> None:
    insert = "INSERT INTO \"user\" (username, full_name, role, created_at) VALUES (%s, 'Lê Thu', 'desk', '2025-07-01')"
    pg.execute(insert, ["LeThu"])
    with pytest.raises(psycopg.errors.UniqueViolation):
        pg.execute(insert, ["lethu"])


@pytest.mark.parametrize(("table", "written_at"), [("audit_log", "2024-01-01T00:00"),
                                                   ("dossier_event", "2024-06-04T09:30")])
def test_the_append_only_tables_refuse_changes(pg_db: str, table: str, written_at: str) -> None:
    with psycopg.connect(pg_db) as pg:
        refuses_changes(pg, table, written_at)


def refuses_changes(pg: psycopg.Connection, table: str, written_at: str) -> None:
    pg.execute("SELECT set_config('cchc.audit', 'off', false)")  # only the row below in the log (the owner may)
    for statement in PROCEDURE:
        pg.execute(in_postgres(statement))
    pg.execute(in_postgres(DOSSIER), ["HS-1", "2024-06-04T09:30", "2024-06-05T17:00", None, None, None, None])
    pg.execute("INSERT INTO audit_log (at, actor, action, prev_hash, hash)"
               " VALUES ('2024-01-01T00:00', 'admin', 'other', '', 'h1')")
    pg.execute("INSERT INTO dossier_event (dossier_id, kind, at) VALUES (1, 'received', '2024-06-04T09:30')")
    pg.commit()
    for change in (f"UPDATE {table} SET at = '2024-01-02T00:00'", f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
        with pytest.raises(psycopg.errors.IntegrityError, match=f"{table} is append-only"):
            pg.execute(change)
        pg.rollback()
    kept = " WHERE after IS NULL" if table == "audit_log" else ""  # (the upgrade's entry aside)
    assert pg.execute(f"SELECT count(*), min(at) FROM {table}{kept}").fetchone() == (1, written_at)


# The runner -------------------------------------------------------------------------------------------------------

def test_a_new_database_gets_every_migration_and_then_nothing(pg_empty: str) -> None:
    with psycopg.connect(pg_empty, autocommit=True) as conn:  # migrate() opens the transactions itself
        assert pgm.schema_state(conn).pending == tuple(m.name for m in pgm.MIGRATIONS)
        assert pgm.migrate(conn) == [m.name for m in pgm.MIGRATIONS]
        recorded = conn.execute("SELECT version, name, applied_at FROM schema_migration").fetchall()
        assert pgm.migrate(conn) == []
        assert conn.execute("SELECT version, name, applied_at FROM schema_migration").fetchall() == recorded
        state = pgm.schema_state(conn)
        assert (state.pending, state.unknown, state.version) == ((), (), pgm.MIGRATIONS[-1].version)


def newer(*extra: pgm.Migration) -> tuple[pgm.Migration, ...]:
    """The program's migrations and ``extra`` ones, as a later version of the program would have them."""
    return (*pgm.MIGRATIONS, *extra)


def test_an_older_database_is_upgraded(pg_db: str) -> None:
    def ward(conn: psycopg.Connection) -> None:
        conn.execute("ALTER TABLE dossier ADD COLUMN ward text")

    with psycopg.connect(pg_db, autocommit=True) as conn:
        migration = postgres.later_migration("ward", ward)
        assert pgm.migrate(conn, newer(migration)) == [migration.name]
        assert pgm.schema_state(conn, newer(migration)).version == migration.version
        assert conn.execute("SELECT count(*) FROM information_schema.columns"
                            " WHERE table_name = 'dossier' AND column_name = 'ward'").fetchone() == (1,)


def test_version_18_gets_the_history_read_newest_first_without_a_sort(pg_empty: str) -> None:
    """Migration 19 upgrades a database of the previous version: the index of a dossier's events ends with the
    id, and the report's «last supplement event before a moment» is read from it in order, with no sort."""
    from db.pg.handle import translate
    from db.queries.statistics import WAITING_AT

    def index_columns(conn: psycopg.Connection) -> str:
        return conn.execute("SELECT pg_get_indexdef('dossier_event_dossier'::regclass)").fetchone()[0]

    with psycopg.connect(pg_empty, autocommit=True) as conn:
        assert pgm.migrate(conn, pgm.MIGRATIONS[:2]) == ["0017_baseline", "0018_register_search"]
        assert index_columns(conn).endswith("(dossier_id, at)")
        assert pgm.migrate(conn, pgm.MIGRATIONS[:3]) == ["0019_event_order"]
        assert index_columns(conn).endswith("(dossier_id, at, id)")
        conn.execute("SET enable_seqscan = off")  # an empty table: the plan a large one gets
        plan = "\n".join(row[0] for row in conn.execute(
            "EXPLAIN SELECT " + translate(WAITING_AT) + " FROM (SELECT 1 AS id, 'waiting_supplement' AS status) o",
            {"moment": "2025-01-01"}))
        assert "dossier_event_dossier" in plan
        assert "Sort" not in plan, plan


def test_version_19_gets_the_scans_bytes_guarded_and_the_desks_may_only_add(
        postgres_cluster: postgres.Cluster) -> None:
    """Migration 20 upgrades a database of the previous version whose desk was granted before it: the desk may
    read and add a scan's bytes at once, never change or remove them; the owner's change is refused by the guards
    the audit triggers' check knows; a key that is not a SHA-256 in hex is refused."""
    from db.pg import audit as server_audit

    owned = postgres.make_owned(postgres_cluster, migrate=False)
    with psycopg.connect(owned.conninfo(owned.owner), autocommit=True) as conn:
        assert pgm.migrate(conn, pgm.MIGRATIONS[:3])[-1] == "0019_event_order"
        from db.pg import roles

        roles.grant_desk(conn, owned.desk)
        assert conn.execute("SELECT to_regclass('attachment_content')").fetchone() == (None,)
        assert pgm.migrate(conn) == ["0020_attachment_content"]
        assert server_audit.trigger_problems(conn) == []
    key = "ab" * 32
    with psycopg.connect(owned.conninfo(owned.desk)) as desk:
        assert desk.execute("SELECT has_table_privilege('attachment_content', 'SELECT'),"
                            " has_table_privilege('attachment_content', 'INSERT'),"
                            " has_table_privilege('attachment_content', 'UPDATE'),"
                            " has_table_privilege('attachment_content', 'DELETE'),"
                            " has_table_privilege('attachment_content', 'TRUNCATE')").fetchone() == (
            True, True, False, False, False)
        desk.execute("INSERT INTO attachment_content (sha256, media, content) VALUES (%s, 'pdf', %s)",
                     [key, b"%PDF-1.4 scan"])
        desk.commit()
        for change in ("UPDATE attachment_content SET content = 'x'::bytea", "DELETE FROM attachment_content"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                desk.execute(change)
            desk.rollback()
        with pytest.raises(psycopg.errors.CheckViolation):
            desk.execute("INSERT INTO attachment_content (sha256, media, content) VALUES ('../x', 'pdf', 'x')")
        desk.rollback()
    with psycopg.connect(owned.conninfo(owned.owner)) as conn:
        for change in ("UPDATE attachment_content SET content = 'x'::bytea", "DELETE FROM attachment_content",
                       "TRUNCATE attachment_content"):
            with pytest.raises(psycopg.errors.IntegrityError, match="attachment_content is append-only"):
                conn.execute(change)
            conn.rollback()
        assert conn.execute("SELECT sha256, content FROM attachment_content").fetchall() == [(key, b"%PDF-1.4 scan")]
        conn.execute("ALTER TABLE attachment_content DISABLE TRIGGER attachment_content_no_update")
        assert [(p.name, p.kind) for p in server_audit.trigger_problems(conn)] == [
            ("attachment_content_no_update", "altered")]
        conn.rollback()


def test_a_failing_migration_rolls_back_whole(pg_db: str) -> None:
    def broken(conn: psycopg.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x integer)")
        conn.execute("INSERT INTO setting (key, value) VALUES ('unit.name', 'UBND xã Hoằng Hợp')")
        conn.execute("INSERT INTO setting (key, value) VALUES ('unit.name', 'trùng khóa')")  # fails

    with psycopg.connect(pg_db, autocommit=True) as conn:
        with pytest.raises(StorageError) as caught:
            pgm.migrate(conn, newer(postgres.later_migration("broken", broken)))
        assert caught.value.problem is StorageProblem.MIGRATION_FAILED
        assert postgres.later_migration("broken").name in str(caught.value.detail)
        assert pgm.schema_state(conn).version == pgm.MIGRATIONS[-1].version
        assert conn.execute("SELECT to_regclass('half_done'), count(*) FROM setting WHERE key = 'unit.name'"
                            ).fetchone() == (None, 0)


def test_a_database_of_a_newer_version_is_refused_untouched(pg_db: str) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        pgm.migrate(conn, newer(postgres.later_migration("future")))
        before = conn.execute("SELECT * FROM schema_migration ORDER BY version").fetchall()
        with pytest.raises(StorageError) as caught:
            pgm.migrate(conn)
        assert caught.value.problem is StorageProblem.TOO_NEW
        assert user_message(caught.value).startswith(f"Cơ sở dữ liệu {pgm.where(conn)} được tạo bởi phiên bản CCHC"
                                                     " Desktop mới hơn phiên bản này. Hãy cập nhật phần mềm")
        assert "Tệp" not in user_message(caught.value)  # (a server's database is no file)
        assert conn.execute("SELECT * FROM schema_migration ORDER BY version").fetchall() == before


def test_a_database_of_another_program_is_refused_untouched(pg_empty: str) -> None:
    with psycopg.connect(pg_empty, autocommit=True) as conn:
        conn.execute("CREATE TABLE orders (id integer)")
        with pytest.raises(StorageError) as caught:
            pgm.migrate(conn)
        assert caught.value.problem is StorageProblem.NOT_OURS
        said = user_message(caught.value)
        assert said.startswith(f"Cơ sở dữ liệu {pgm.where(conn)} không phải của CCHC Desktop")
        assert "SQLite" not in said and "Tệp" not in said
        assert conn.execute("SELECT to_regclass('schema_migration')").fetchone() == (None,)


def test_migrating_inside_a_transaction_is_refused(pg_empty: str) -> None:
    """Each migration commits on its own: inside the caller's transaction it would not."""
    with psycopg.connect(pg_empty) as conn:
        conn.execute("SELECT 1")
        with pytest.raises(ValueError, match="outside a transaction"):
            pgm.migrate(conn)


def test_desks_migrating_at_once_make_one_schema(pg_empty: str) -> None:
    """Four connections start migrating together: each migration is applied by one of them while the others wait on
    the lock, then find it done; no error, one record of each."""
    desks = 4
    start = threading.Barrier(desks)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def desk() -> None:
        try:
            with psycopg.connect(pg_empty) as conn:
                start.wait()
                results.append(pgm.migrate(conn))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=desk) for _ in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == desks  # each migration applied once, by whichever desk held the lock then
    assert sorted(name for applied in results for name in applied) == [migration.name for migration in pgm.MIGRATIONS]
    with psycopg.connect(pg_empty) as conn:
        assert conn.execute("SELECT name FROM schema_migration ORDER BY version").fetchall() == [
            (migration.name,) for migration in pgm.MIGRATIONS]
        assert conn.execute("SELECT count(*) FROM survey_criterion").fetchone() == (22,)


# The cluster ------------------------------------------------------------------------------------------------------

def test_the_cluster_is_private_and_not_run_as_root(postgres_cluster: postgres.Cluster) -> None:
    """The server process runs as the unprivileged user when the tests run as root (initdb and postgres refuse
    root), listens on no TCP port and puts its socket in the cluster's own folder."""
    status = Path(f"/proc/{postgres_cluster.postmaster_pid()}/status").read_text()
    found = re.search(r"^Uid:\s+(\d+)\s+(\d+)", status, re.M)
    assert found is not None
    real, effective = int(found[1]), int(found[2])
    expected = postgres_cluster.uid if os.geteuid() == 0 else os.geteuid()
    assert real == effective == expected != 0
    assert postgres_cluster.data.stat().st_uid == expected
    with psycopg.connect(postgres_cluster.conninfo()) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert conn.execute("SHOW unix_socket_directories").fetchone() == (str(postgres_cluster.socket_dir),)
        assert conn.execute("SELECT current_user").fetchone() == (postgres.SUPERUSER,)
