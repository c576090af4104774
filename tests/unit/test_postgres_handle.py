"""The PostgreSQL side of the storage handle (db/pg/handle.py): SQLite's placeholders translated, values read as
SQLite gives them, errors as the callers know them, and a server that drops the connection reconnected between
transactions but never inside one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest

from db.connection import open_db
from db.errors import StorageError, StorageProblem
from db.handle import Database
from db.pg.handle import translate
from tests import postgres


@pytest.mark.parametrize(("sqlite", "server"), [
    ("SELECT 1 FROM t WHERE a = ? AND b = ?", "SELECT 1 FROM t WHERE a = %s AND b = %s"),
    ("UPDATE t SET a = :a WHERE id = :id", "UPDATE t SET a = %(a)s WHERE id = %(id)s"),
    ("SELECT '?', ':x', \"a?b\" FROM t WHERE c LIKE '50%' AND d = ?",
     "SELECT '?', ':x', \"a?b\" FROM t WHERE c LIKE '50%%' AND d = %s"),
    ("SELECT x::text -- what? :no\nFROM t /* ? */ WHERE y = ?",
     "SELECT x::text -- what? :no\nFROM t /* ? */ WHERE y = %s"),
    ("SELECT 'it''s ?' WHERE z = ?", "SELECT 'it''s ?' WHERE z = %s"),
    ("SELECT 5 % 2", "SELECT 5 %% 2"),
])
def test_sqlite_placeholders_become_psycopgs_outside_quotes_and_comments(sqlite: str, server: str) -> None:
    assert translate(sqlite) == server


@pytest.fixture
def server_db(pg_url: str) -> Iterator[Database]:
    db = open_db(pg_url)
    yield db
    db.close()


@pytest.mark.postgres
def test_values_come_back_as_sqlite_gives_them(server_db: Database) -> None:
    row = server_db.execute(
        "SELECT sum(x), avg(x), count(*), count(*) FILTER (WHERE x > 1), group_concat(x), instr('hồ sơ', 'sơ'),"
        " date('2024-12-30T10:00', '+3 days') FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 4) AS t"
    ).fetchone()
    assert row == (7, pytest.approx(7 / 3), 3, 2, "1,2,4", 4, "2025-01-02")
    assert isinstance(row[0], int) and isinstance(row[1], float)
    # A sum of a comparison has no aggregate on the server (db/sql/postgresql/functions.sql): counted otherwise.
    with pytest.raises(psycopg.errors.UndefinedFunction):
        server_db.execute("SELECT sum(x > 1) FROM (SELECT 1 AS x) AS t")


@pytest.mark.postgres
def test_a_broken_constraint_is_sqlites_integrity_error(server_db: Database) -> None:
    server_db.execute("INSERT INTO setting (key, value) VALUES ('a', '1')")
    with pytest.raises(sqlite3.IntegrityError) as raised:
        server_db.execute("INSERT INTO setting (key, value) VALUES ('a', '2')")
    assert isinstance(raised.value.__cause__, psycopg.errors.UniqueViolation)
    assert server_db.execute("SELECT value FROM setting WHERE key = 'a'").fetchone() == ("1",)


@pytest.mark.postgres
def test_a_write_outside_a_transaction_is_kept_and_atomic_undoes_all(server_db: Database) -> None:
    server_db.execute("INSERT INTO setting (key, value) VALUES ('kept', '1')")
    with pytest.raises(RuntimeError), server_db.atomic():
        server_db.execute("INSERT INTO setting (key, value) VALUES ('undone', '1')")
        with server_db.atomic():  # a savepoint inside
            server_db.execute("INSERT INTO setting (key, value) VALUES ('inner', '1')")
        raise RuntimeError
    keys = {row[0] for row in server_db.execute("SELECT key FROM setting")}
    assert "kept" in keys and not keys & {"undone", "inner"}
    assert server_db.executemany("INSERT INTO setting (key, value) VALUES (?, ?)", [("m1", "1"), ("m2", "2")]) == 2


def _drop_connections(cluster: postgres.Cluster, dbname: str) -> int:
    with psycopg.connect(cluster.conninfo(), autocommit=True) as admin:
        return len(admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
                                 " AND pid <> pg_backend_pid()", [dbname]).fetchall())


@pytest.mark.postgres
def test_a_dropped_connection_is_made_again_between_transactions(postgres_cluster: postgres.Cluster,
                                                                 server_db: Database) -> None:
    dbname = server_db.execute("SELECT current_database()").fetchone()[0]
    server_db.execute("INSERT INTO setting (key, value) VALUES ('before', '1')")
    assert _drop_connections(postgres_cluster, dbname) == 1  # the server restarted, the network blinked

    assert server_db.execute("SELECT value FROM setting WHERE key = 'before'").fetchone() == ("1",)
    with server_db.atomic():
        server_db.execute("INSERT INTO setting (key, value) VALUES ('after', '1')")
    assert server_db.execute("SELECT count(*) FROM setting WHERE key IN ('before', 'after')").fetchone() == (2,)


@pytest.mark.postgres
def test_the_sessions_planner_settings_hold_after_a_reconnection(postgres_cluster: postgres.Cluster,
                                                                  server_db: Database) -> None:
    """The program's connections (the first and the one made again) never JIT-compile a statement (~470 ms of a
    690 ms count of the report on 1M dossiers whose estimate passed jit_above_cost) and cost a random read as data
    held in memory (issue 22)."""
    def settings() -> tuple[str, str]:
        return (server_db.execute("SHOW jit").fetchone()[0], server_db.execute("SHOW random_page_cost").fetchone()[0])

    assert settings() == ("off", "1.1")
    _drop_connections(postgres_cluster, server_db.execute("SELECT current_database()").fetchone()[0])
    assert settings() == ("off", "1.1")


@pytest.mark.postgres
def test_a_connection_dropped_inside_a_transaction_fails_it_whole(postgres_cluster: postgres.Cluster,
                                                                  server_db: Database) -> None:
    dbname = server_db.execute("SELECT current_database()").fetchone()[0]
    with pytest.raises(StorageError) as failed, server_db.atomic():
        server_db.execute("INSERT INTO setting (key, value) VALUES ('half', '1')")
        _drop_connections(postgres_cluster, dbname)
        server_db.execute("INSERT INTO setting (key, value) VALUES ('other half', '1')")
    assert failed.value.problem is StorageProblem.UNREACHABLE
    # the next work connects again, and finds neither half
    assert server_db.execute("SELECT count(*) FROM setting WHERE key IN ('half', 'other half')").fetchone() == (0,)


@pytest.mark.postgres
def test_a_server_that_stays_away_is_said_so(postgres_cluster: postgres.Cluster, server_db: Database,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    dbname = server_db.execute("SELECT current_database()").fetchone()[0]
    _drop_connections(postgres_cluster, dbname)
    with psycopg.connect(postgres_cluster.conninfo(), autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS false".encode())
    try:
        with pytest.raises(StorageError) as failed:
            server_db.execute("SELECT 1")
        assert failed.value.problem in (StorageProblem.UNREACHABLE, StorageProblem.REFUSED)
    finally:
        with psycopg.connect(postgres_cluster.conninfo(), autocommit=True) as admin:
            admin.execute(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS true".encode())
    assert server_db.execute("SELECT 1").fetchone() == (1,)
