"""``db.handle.Database``: the calls the program makes keep sqlite-utils' rules, and opening a database and showing
the register load no sqlite-utils (its import is ~50 ms of a start)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db import sqlite_utils_database
from db.connection import applied_names, open_db
from db.handle import Database, first_keyword
from db.migrations import program_migrations

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def handle(tmp_path: Path) -> Database:
    db = Database(sqlite3.connect(tmp_path / "h.sqlite3"))
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    return db


def other_sees(db: Database) -> list[str]:
    """What another connection to the same file reads: only what was committed."""
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    other = sqlite3.connect(path)
    try:
        return [row[0] for row in other.execute("SELECT name FROM t ORDER BY id")]
    finally:
        other.close()


def test_a_write_outside_a_transaction_is_committed_at_once(handle: Database) -> None:
    handle.execute("INSERT INTO t (name) VALUES (?)", ["An"])
    assert not handle.conn.in_transaction and other_sees(handle) == ["An"]


def test_a_failed_write_leaves_no_transaction_open(handle: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        handle.execute("INSERT INTO t (name) VALUES (NULL)")
    assert not handle.conn.in_transaction
    handle.conn.execute("BEGIN IMMEDIATE")  # would fail inside a transaction left open
    handle.conn.execute("ROLLBACK")


def test_writes_inside_a_transaction_wait_for_its_end(handle: Database) -> None:
    handle.execute("BEGIN IMMEDIATE")
    handle.execute("INSERT INTO t (name) VALUES ('Bình')")
    assert handle.conn.in_transaction and other_sees(handle) == []
    handle.execute("COMMIT")
    assert other_sees(handle) == ["Bình"]


def test_atomic_commits_undoes_on_error_and_nests_as_a_savepoint(handle: Database) -> None:
    with handle.atomic():
        handle.execute("INSERT INTO t (name) VALUES ('Châu')")
        with pytest.raises(ZeroDivisionError), handle.atomic():
            handle.execute("INSERT INTO t (name) VALUES ('Dũng')")
            raise ZeroDivisionError
        assert other_sees(handle) == []
    assert other_sees(handle) == ["Châu"]
    with pytest.raises(ValueError), handle.atomic():
        handle.execute("INSERT INTO t (name) VALUES ('Giang')")
        raise ValueError
    assert other_sees(handle) == ["Châu"] and not handle.conn.in_transaction


def test_query_gives_rows_by_name_and_refuses_what_it_cannot_name(handle: Database) -> None:
    handle.execute("INSERT INTO t (name) VALUES ('Hà')")
    assert list(handle.query("SELECT id, name FROM t WHERE name = ?", ["Hà"])) == [{"id": 1, "name": "Hà"}]
    with pytest.raises(ValueError, match="distinct column names"):
        list(handle.query("SELECT id, name, name FROM t"))
    with pytest.raises(ValueError, match="returns rows"):
        handle.query("UPDATE t SET name = 'Khánh'")


def test_triggers_fire_recursively_as_under_sqlite_utils(handle: Database) -> None:
    assert handle.conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 1


def test_the_first_keyword_is_read_past_comments() -> None:
    assert first_keyword("  -- a note\n/* and another */ begin immediate;") == "BEGIN"
    assert first_keyword("COMMIT;") == "COMMIT" and first_keyword("") == ""


def test_the_table_api_is_sqlite_utils_on_the_same_connection(handle: Database) -> None:
    handle["t"].insert({"name": "Lan"})
    assert [row["name"] for row in handle["t"].rows] == ["Lan"] and other_sees(handle) == ["Lan"]
    assert handle.utils.conn is handle.conn


def test_the_applied_migrations_are_read_as_sqlite_utils_reads_them(tmp_path: Path) -> None:
    db = open_db(tmp_path / "m.sqlite3")
    try:
        expected = tuple(step.name for step in program_migrations().applied(sqlite_utils_database(db.conn)))
        assert applied_names(db) == expected and len(expected) == len(program_migrations()._migrations)
        assert applied_names(db, "another set") == ()
    finally:
        db.close()


def test_the_window_shows_the_register_without_loading_sqlite_utils(demo_path: Path, tmp_path: Path) -> None:
    shot = tmp_path / "register.bmp"
    program = (
        "import sys, ui.app;"
        f"code = ui.app.main(['--db', {str(demo_path)!r}, '--screenshot', {str(shot)!r}, '--page', 'register',"
        " '--user', 'quantri']);"
        "print(code, sorted(m for m in ('sqlite_utils', 'click', 'dateutil', 'pluggy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                               "CCHC_PASSWORD": "demo1234"})
    assert done.stdout.split("\n")[-2] == "0 []", done.stdout + done.stderr
    assert shot.stat().st_size > 0
