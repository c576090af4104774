"""The audit trail on PostgreSQL (issue 22): the entries SQLite's triggers write, byte for byte, in one hash chain
that concurrent desks cannot fork and that a desk's role can neither switch off nor take apart.

Each database belongs to a role of its own (``make_owned``), migrated by it (which installs the triggers) and with
a desk role granted; the program's statements run as the desk, the repairs as the owner. SQLite's side of each
comparison is a database opened by ``open_db`` with the tests' one key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from db import audit, keys
from db.audit import TriggerProblem
from db.connection import open_db
from db.pg import audit as pg_audit
from db.pg import migrations as pgm
from tests import postgres
from tests.postgres import Owned, make_owned

if os.environ.get("CCHC_REQUIRE_POSTGRES") == "1":  # CI: a missing driver fails the run
    import psycopg
else:
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")

pytestmark = pytest.mark.postgres

ACTOR = "tiepnhan (Nguyễn Thị Hương)"
ENTRY = "SELECT action, table_name, record_id, before, after FROM audit_log WHERE id > ? ORDER BY id"


@pytest.fixture
def owned(postgres_cluster: postgres.Cluster) -> Owned:
    return make_owned(postgres_cluster)


@pytest.fixture(scope="module")
def shared(postgres_cluster: postgres.Cluster) -> Owned:
    """One database for the tests that only read, or roll back what they write."""
    return make_owned(postgres_cluster)


def connect(owned: Owned, user: str, *, actor: str = ACTOR, enabled: bool = True,
            key: audit.Key | None = None) -> psycopg.Connection:
    """A connection as the program will open one: the session says who writes, with which key."""
    conn = psycopg.connect(owned.conninfo(user))
    pg_audit.set_session(conn, actor=actor, user_id=None, key=key or keys.current(), enabled=enabled)
    return conn


def pg_rows(conn: psycopg.Connection, after_id: int = 0) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT id, at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash FROM audit_log"
        " WHERE id > %s ORDER BY id", [after_id]).fetchall()


def upgrade(row: tuple[Any, ...]) -> bool:
    """The entry the owner's migrate writes (tests/postgres.make_owned migrates without a key)."""
    return row[4] == "other" and row[5] is None and "nâng cấp cấu trúc" in (row[8] or "")


def business(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The entries of the test's own work: without the upgrade's entry that every new database starts with."""
    return [row for row in rows if not upgrade(row)]


def assert_chain(rows: list[tuple[Any, ...]], key: audit.Key | None, prev: str = audit.GENESIS) -> None:
    """Every entry links to the one before and its hash is ``db.audit.entry_hash`` of its stored fields, signed
    with ``key`` (the upgrade's entry, written without one, in plain SHA-256)."""
    for row in rows:
        _id, at, _user, actor, action, table, record_id, before, after, prev_hash, stored = row
        assert prev_hash == prev
        signer = None if upgrade(row) else key
        assert stored == audit.entry_hash(prev, at, actor, action, table, record_id, before, after, signer)
        prev = stored


# The same statements on both engines -------------------------------------------------------------------------------

SECRET_1, SECRET_2 = "pbkdf2_sha256$600000$muối$băm-một", "pbkdf2_sha256$600000$muối$băm-hai"
ODD_TEXT = 'Lê "Thị" Hoa \\ O\'Brien\n\ttab\x01\x08\x0b\x0c\r\x1f\x7f — “Đắk Lắk” 😀 \u2028'
FLOATS = [1e20, 100.0, 1 / 3, 1e15, 1e16, 1.5e-7, 0.0001, -2.5, 123456789012345.6, 9.999999999999999e22, 0.0,
          1e300, 2.5e-300, 12345.678, -1e-5, 0.1]
STATEMENTS: list[tuple[str, list[Any]]] = [
    ("INSERT INTO user (id, username, full_name, title, role, password_hash, failed_logins, created_at)"
     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [1, "đức", "Nguyễn Văn Đức", None, "desk", SECRET_1, 0, "2025-07-01T08:00"]),
    ("INSERT INTO user (id, username, full_name, title, role, password_hash, failed_logins, created_at)"
     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [2, "obrien", ODD_TEXT, "Chủ tịch", "chair", None, 9223372036854775807,
                                          "2025-07-01T08:00"]),
    ("UPDATE user SET password_hash = ?, failed_logins = ?, title = ? WHERE id = 1", [SECRET_2, 9007199254740993,
                                                                                      'Phó "chủ tịch"']),
    ("UPDATE user SET full_name = ?, title = NULL, failed_logins = -9223372036854775808 WHERE id = 2",
     ["Trần\\n Đắk\x02"]),
    ("UPDATE user SET title = title", []),  # nothing changes: no entry on either
    ("UPDATE user SET username = ? WHERE id = 1", ["ĐỨC"]),  # another case only: a change all the same
    ("INSERT INTO field (id, name, name_folded, position) VALUES (?, ?, ?, ?)", [1, ODD_TEXT, "ho tich", 1]),
    ("UPDATE field SET name = ?, position = ? WHERE id = 1", ["Hộ tịch \\\"", 4611686018427387904]),
    ("INSERT INTO report_manual_value (period_key, indicator, value, note, updated_at) VALUES (?, ?, ?, ?, ?)",
     ["2025-Q1", "ho_so_dung_han", 0.1, None, "2025-07-01T08:00"]),
    *[("UPDATE report_manual_value SET value = ?", [value]) for value in FLOATS],
    ("UPDATE report_manual_value SET value = ?", [0.1 + 1e-17]),  # the same text as 0.1: no entry on either
    ("UPDATE report_manual_value SET value = ?, note = ?", [0.30000000000000004, "ghi\nchú"]),
    ("INSERT INTO setting (key, value) VALUES (?, ?)", ["unit.name", "UBND xã Hoằng Hợp"]),
    ("UPDATE setting SET value = ? WHERE key = ?", ["UBND xã \"Hoằng\" Hợp", "unit.name"]),
    ("DELETE FROM setting WHERE key = ?", ["unit.name"]),
    ("DELETE FROM report_manual_value", []),
    ("DELETE FROM field", []),
    ("DELETE FROM user WHERE id = 2", []),
]


def in_postgres(sql: str) -> str:
    return sql.replace("?", "%s").replace(" user ", ' "user" ')


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Any]:
    db = open_db(tmp_path / "ss.sqlite3")
    audit.set_actor(db, ACTOR, None)
    yield db
    db.close()


def test_the_entries_are_sqlites_byte_for_byte(owned: Owned, sqlite_db: Any) -> None:
    start = sqlite_db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    with connect(owned, owned.desk) as desk:
        for sql, params in STATEMENTS:
            with sqlite_db.atomic():
                sqlite_db.execute(sql, params)
            desk.execute(in_postgres(sql).encode(), params)
            desk.commit()
        written = pg_rows(desk)
    on_sqlite = [tuple(row) for row in sqlite_db.execute(ENTRY, [start]).fetchall()]
    assert [row[4:9] for row in business(written)] == on_sqlite
    assert len(on_sqlite) == len(STATEMENTS) - 2  # one row each, but two statements change nothing
    assert {row[3] for row in business(written)} == {ACTOR}
    assert_chain(written, keys.current())
    fingerprint = hashlib.sha256(SECRET_2.encode()).hexdigest()[:8]
    assert any(f'"password_hash": "{fingerprint}"' in (row[8] or "") for row in written)
    assert not any(SECRET_1 in str(row) or SECRET_2 in str(row) for row in written)


def test_a_statement_changing_many_rows_writes_an_entry_each_in_one_chain(owned: Owned) -> None:
    with connect(owned, owned.desk) as desk:
        desk.execute("INSERT INTO field (name, name_folded) SELECT 'Lĩnh vực ' || n, 'linh vuc ' || n"
                     " FROM generate_series(1, 5) n")
        desk.execute("UPDATE field SET position = id * 10 WHERE id > 2")
        desk.commit()
        rows = pg_rows(desk)
    assert [(row[4], row[6]) for row in business(rows)] == [*[("insert", n) for n in range(1, 6)],
                                                  *[("update", n) for n in range(3, 6)]]
    assert_chain(rows, keys.current())


# The pieces, against Python and SQLite over many values -----------------------------------------------------------

def test_hmac_in_postgresql_is_pythons(shared: Owned) -> None:
    generator = random.Random(22)
    cases = [(bytes(generator.randrange(256) for _ in range(size)), message.encode())
             for size in (0, 1, 32, 63, 64, 65, 100)
             for message in ("", "a", "k1\x1fđức\x1f{\"a\": 1}", "x" * 1000)]
    with psycopg.connect(shared.conninfo(shared.desk)) as conn:
        found = conn.execute("SELECT cchc_hmac_sha256(k, m) FROM unnest(%s::bytea[], %s::bytea[]) WITH ORDINALITY"
                             " AS c(k, m, n) ORDER BY n", [[k for k, _m in cases], [m for _k, m in cases]]).fetchall()
    assert [row[0] for row in found] == [hmac.new(k, m, hashlib.sha256).hexdigest() for k, m in cases]


def decimals(digits: range, count: int, seed: int) -> list[float]:
    """Doubles typed with ``digits`` significant digits, at every exponent of the normal range."""
    generator = random.Random(seed)
    return [float(f"{'-' if generator.random() < 0.2 else ''}{generator.randint(1, 9)}."
                  f"{''.join(str(generator.randint(0, 9)) for _ in range(generator.choice(digits) - 1))}"
                  f"e{generator.randint(-300, 300)}") for _ in range(count)]


def as_sqlite(values: list[float]) -> list[str]:
    lite = sqlite3.connect(":memory:")
    return [lite.execute("SELECT json_object('v', ?)", [value]).fetchone()[0][5:-1] for value in values]


def in_postgres_text(shared: Owned, values: list[float]) -> list[tuple[str, str]]:
    with psycopg.connect(shared.conninfo(shared.desk)) as conn:
        return [(row[0], row[1]) for row in conn.execute(
            "SELECT cchc_real_json(v, false), cchc_real_json(v, true)"
            " FROM unnest(%s::double precision[]) WITH ORDINALITY AS t(v, n) ORDER BY n", [values]).fetchall()]


def test_doubles_are_written_as_sqlite_and_read_back_as_python(shared: Owned) -> None:
    """Every double a person types or a count divides to (at most 15 significant digits), at any exponent, and
    the usual suspects: SQLite's %!.15g text, and Python's repr once ``json.loads`` has read it."""
    values = [*FLOATS, 1 / 3, 2 / 3, 1e-4, 1e-5, 9.5e-5, 1e22, 1e23, 2.0 ** 53, -0.0, 1e-307, *[
        float(n) for n in (1, 10, 99, 1000, 123456789, 10 ** 14, 10 ** 15, 10 ** 16)]]
    values += decimals(range(1, 16), 4000, 766)
    expected = as_sqlite(values)
    assert in_postgres_text(shared, values) == [(text, json.dumps(json.loads(text))) for text in expected]


def test_doubles_of_16_or_17_digits_are_rounded_correctly(shared: Owned) -> None:
    """A double that needs 16 or 17 digits is rounded correctly to 15 (halves to even, as printf), then written as
    SQLite writes that: SQLite 3.40's own rounding (long double) differs for about 0.5 % of them, at exact halves
    and at large exponents; no other engine's text could be promised for those."""
    values = decimals(range(16, 18), 2000, 22)
    expected = as_sqlite([float(f"{value:.15g}") for value in values])
    assert in_postgres_text(shared, values) == [(text, json.dumps(json.loads(text))) for text in expected]


def test_texts_are_escaped_as_sqlite_and_python(shared: Owned) -> None:
    texts = [ODD_TEXT, "".join(chr(code) for code in range(1, 128)), "Ủy ban nhân dân xã Hoằng Hợp", "", '"', "\\"]
    lite = sqlite3.connect(":memory:")
    as_sqlite = [lite.execute("SELECT json_object('v', ?)", [text]).fetchone()[0][5:-1] for text in texts]
    assert as_sqlite == [json.dumps(text, ensure_ascii=False) for text in texts]  # one escaping for both
    with psycopg.connect(shared.conninfo(shared.desk)) as conn:
        found = conn.execute("SELECT cchc_json_string(v) FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n)"
                             " ORDER BY n", [texts]).fetchall()
    assert [row[0] for row in found] == as_sqlite


# The session --------------------------------------------------------------------------------------------------------

def test_who_and_when_come_from_the_session(owned: Owned) -> None:
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    with psycopg.connect(owned.conninfo(owned.owner), autocommit=True) as conn:
        conn.execute("INSERT INTO \"user\" (id, username, full_name, role, created_at)"
                     " VALUES (7, 'motcua', 'Nguyễn Thị Hương', 'desk', '2025-07-01T08:00')")
    with psycopg.connect(owned.conninfo(owned.desk)) as desk:
        pg_audit.set_session(desk, actor="motcua (Nguyễn Thị Hương)", user_id=7, key=keys.current(),
                             time_zone="Asia/Ho_Chi_Minh")
        before = datetime.now(zone).replace(tzinfo=None, microsecond=0)
        desk.execute("INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich')")
        desk.commit()
        after = datetime.now(zone).replace(tzinfo=None)
        row = pg_rows(desk)[-1]
    assert row[2:4] == (7, "motcua (Nguyễn Thị Hương)")
    assert before <= datetime.fromisoformat(row[1]) <= after
    assert len(row[1]) == len("2025-07-01T08:00:00")


def test_the_desks_own_zone_by_default(owned: Owned, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    assert pg_audit.local_time_zone() == "Asia/Ho_Chi_Minh"
    with connect(owned, owned.desk) as desk:
        assert desk.execute("SHOW TimeZone").fetchone() == ("Asia/Ho_Chi_Minh",)


def test_a_zone_name_the_server_does_not_know_falls_back_to_the_offset(owned: Owned,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Châu_Á/Hoằng_Hợp")
    with connect(owned, owned.desk) as desk:
        assert desk.execute("SHOW TimeZone").fetchone() == (pg_audit.fixed_zone(time.localtime().tm_gmtoff),)
        desk.rollback()
        with pytest.raises(psycopg.errors.InvalidParameterValue):  # one the program names itself: said, not hidden
            pg_audit.set_session(desk, actor=ACTOR, user_id=None, key=None, time_zone="Châu_Á/Hoằng_Hợp")


@pytest.mark.parametrize(("offset", "utc"), [(7 * 3600, "+07"), (-(3 * 3600 + 1800), "-03:30"), (0, "+00")])
def test_a_fixed_offset_zone_is_the_machines_offset(shared: Owned, offset: int, utc: str) -> None:
    """Where the machine names no zone (Windows): its current offset, which the server reads the same way."""
    with psycopg.connect(shared.conninfo(shared.desk), autocommit=True) as conn:
        conn.execute("SELECT set_config('TimeZone', %s, false)", [pg_audit.fixed_zone(offset)])
        assert conn.execute("SELECT to_char(timestamptz '2025-07-01 00:00+00', 'TZH:TZM')").fetchone()[0] in (
            utc, f"{utc}:00")


def test_settings_inside_a_transaction_are_refused(shared: Owned) -> None:
    with psycopg.connect(shared.conninfo(shared.desk)) as conn:
        conn.execute("SELECT 1")
        with pytest.raises(ValueError, match="outside a transaction"):
            pg_audit.set_session(conn, actor=ACTOR, user_id=None, key=None)


def test_without_a_key_the_entries_are_plain_sha256_as_on_sqlite(owned: Owned) -> None:
    with psycopg.connect(owned.conninfo(owned.desk)) as desk:
        pg_audit.set_session(desk, actor=ACTOR, user_id=None, key=None)
        desk.execute("INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich')")
        desk.commit()
        rows = pg_rows(desk)
    assert_chain(rows, None)
    assert len(business(rows)) == 1 and ":" not in business(rows)[0][10]


def test_only_read_committed_writes_entries(shared: Owned) -> None:
    """Under REPEATABLE READ the last hash would be read from a snapshot older than the lock: refused."""
    with psycopg.connect(shared.conninfo(shared.desk)) as desk:
        desk.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with pytest.raises(psycopg.errors.InvalidTransactionState, match="READ COMMITTED"):
            desk.execute("INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich')")


# The entries Python writes ------------------------------------------------------------------------------------------

def test_log_entry_writes_what_sqlites_does_in_the_same_chain(owned: Owned, sqlite_db: Any) -> None:
    after = {"tệp": "C:\\Xuất\\hồ sơ.xlsx", "số": 3, "khóa": ["a", "b"]}
    start = sqlite_db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    audit.log_entry(sqlite_db, "export", table_name="dossier", after=after)
    audit.log_entry(sqlite_db, "login", table_name="user", record_id=3, before={"b": 1}, after=None)
    with connect(owned, owned.desk) as desk:
        desk.execute("INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich')")
        pg_audit.log_entry(desk, "export", table_name="dossier", after=after, actor=ACTOR, user_id=None,
                           key=keys.current())
        desk.commit()
        with psycopg.connect(owned.conninfo(owned.desk), autocommit=True) as other:  # its own transaction
            pg_audit.log_entry(other, "login", table_name="user", record_id=3, before={"b": 1}, actor=ACTOR,
                               user_id=None, key=keys.current())
        rows = pg_rows(desk)
    assert [row[4:9] for row in business(rows)[1:]] == [
        tuple(row) for row in sqlite_db.execute(ENTRY, [start]).fetchall()]
    assert_chain(rows, keys.current())


# Several desks at once ------------------------------------------------------------------------------------------------

def waiting_for_the_chain(observer: psycopg.Connection, pid: int) -> None:
    """Until the backend ``pid`` waits for the chain's lock (it cannot get further while the other holds it)."""
    deadline = time.monotonic() + 60
    while observer.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                           " AND objid::bigint = %s AND pid = %s", [pg_audit.CHAIN_LOCK, pid]).fetchone() != (1,):
        assert time.monotonic() < deadline, "the second desk never waited for the chain's lock"
        threading.Event().wait(0.005)


@pytest.mark.parametrize("second", ["trigger", "log_entry"])
def test_two_desks_writing_at_once_make_one_chain(owned: Owned, second: str) -> None:
    """Desk A's transaction writes and stays open; desk B's write waits for the chain's lock (seen in pg_locks);
    A writes again and commits; B goes on from A's last entry. One chain, in commit order."""
    errors: list[BaseException] = []
    with connect(owned, owned.desk, actor="quầy 1") as a, connect(owned, owned.desk, actor="quầy 2") as b, \
            psycopg.connect(owned.conninfo(owned.owner), autocommit=True) as observer:
        a.execute("INSERT INTO field (name, name_folded) VALUES ('A1', 'a1')")

        def desk_b() -> None:
            try:
                if second == "trigger":
                    b.execute("INSERT INTO field (name, name_folded) VALUES ('B1', 'b1')")
                else:
                    pg_audit.log_entry(b, "export", after={"quầy": 2}, actor="quầy 2", user_id=None,
                                       key=keys.current())
                b.commit()
            except BaseException as exc:  # reported in the test's thread
                errors.append(exc)

        thread = threading.Thread(target=desk_b)
        thread.start()
        waiting_for_the_chain(observer, b.info.backend_pid)
        a.execute("INSERT INTO field (name, name_folded) VALUES ('A2', 'a2')")
        a.commit()
        thread.join(timeout=60)
        assert not thread.is_alive() and errors == []
        rows = pg_rows(observer)
    assert [row[3] for row in business(rows)] == ["quầy 1", "quầy 1", "quầy 2"]
    assert_chain(rows, keys.current())


def test_a_transaction_can_take_the_chain_first(shared: Owned) -> None:
    """``lock_chain``: what a writing transaction that also locks rows does first (no deadlock with a desk that holds
    the chain and waits for one of its rows); held until the transaction ends."""
    held = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::bigint = %s"
            " AND pid = pg_backend_pid()")
    with psycopg.connect(shared.conninfo(shared.desk)) as desk:
        pg_audit.lock_chain(desk)
        assert desk.execute(held, [pg_audit.CHAIN_LOCK]).fetchone() == (1,)
        desk.rollback()
        assert desk.execute(held, [pg_audit.CHAIN_LOCK]).fetchone() == (0,)


# What a desk cannot do ------------------------------------------------------------------------------------------------

def test_a_desk_cannot_switch_its_trail_off_but_the_owner_can(owned: Owned) -> None:
    with connect(owned, owned.desk, enabled=False) as desk:
        desk.execute("INSERT INTO field (name, name_folded) VALUES ('Quầy', 'quay')")
        desk.execute("SELECT set_config('cchc.audit', 'off', false)")
        desk.execute("UPDATE field SET position = 2")
        desk.commit()
        assert [row[4] for row in business(pg_rows(desk))] == ["insert", "update"]
    with connect(owned, owned.owner, enabled=False) as owner:
        owner.execute("INSERT INTO field (name, name_folded) VALUES ('Chủ', 'chu')")
        owner.commit()
        assert len(business(pg_rows(owner))) == 2


DESK_REFUSED = [
    "DROP TRIGGER audit_field_insert ON field",
    "ALTER TABLE field DISABLE TRIGGER audit_field_update",
    "ALTER TABLE field DISABLE TRIGGER ALL",
    "CREATE OR REPLACE FUNCTION audit_field_insert() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'",
    "CREATE OR REPLACE FUNCTION cchc_audit_on() RETURNS boolean LANGUAGE sql AS 'SELECT false'",
    "DROP FUNCTION cchc_audit_write(text, text, bigint, text, text) CASCADE",
    "ALTER FUNCTION cchc_audit_on() SECURITY DEFINER",
    "ALTER FUNCTION cchc_audit_head() RENAME TO head",
    "SET session_replication_role = replica",
    "UPDATE audit_log SET actor = 'khác'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
]


@pytest.mark.parametrize("statement", DESK_REFUSED)
def test_a_desk_cannot_take_the_trail_apart(shared: Owned, statement: str) -> None:
    with psycopg.connect(shared.conninfo(shared.desk)) as desk:
        desk.execute("INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            desk.execute(statement.encode())
        desk.rollback()


# The triggers as this program makes them --------------------------------------------------------------------------

CHANGES = {
    "DROP TRIGGER audit_field_insert ON field": TriggerProblem("audit_field_insert", "missing"),
    "CREATE OR REPLACE FUNCTION audit_field_update() RETURNS trigger LANGUAGE plpgsql AS"
    " 'BEGIN RETURN NULL; END'": TriggerProblem("audit_field_update", "altered"),
    "ALTER TABLE field DISABLE TRIGGER audit_field_delete": TriggerProblem("audit_field_delete", "altered"),
    "CREATE TRIGGER audit_field_extra AFTER INSERT ON field FOR EACH ROW EXECUTE FUNCTION audit_field_insert()":
        TriggerProblem("audit_field_extra", "extra"),
    "CREATE FUNCTION audit_note_insert() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'":
        TriggerProblem("audit_note_insert", "extra"),
    "CREATE OR REPLACE FUNCTION cchc_audit_write(p_action text, p_table text, p_record_id bigint, p_before text,"
    " p_after text) RETURNS void LANGUAGE plpgsql AS 'BEGIN END'": TriggerProblem("cchc_audit_write", "altered"),
    "ALTER FUNCTION cchc_audit_on() SECURITY DEFINER": TriggerProblem("cchc_audit_on", "altered"),
    "DROP FUNCTION cchc_fingerprint(text) CASCADE": TriggerProblem("cchc_fingerprint", "missing"),
    "DROP TRIGGER audit_log_no_delete ON audit_log": TriggerProblem("audit_log_no_delete", "missing"),
    "CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'":
        TriggerProblem("refuse_change", "altered"),
    "ALTER TRIGGER audit_dossier_update ON dossier RENAME TO audit_dossier_changed": None,  # two problems, below
}


def test_changes_are_found_and_put_back_and_install_is_idempotent(owned: Owned) -> None:
    with psycopg.connect(owned.conninfo(owned.owner)) as owner:
        assert pg_audit.trigger_problems(owner) == []
        for statement in CHANGES:
            owner.execute(statement.encode())
        owner.commit()
        expected = [problem for problem in CHANGES.values() if problem is not None]
        expected += [TriggerProblem("audit_dossier_changed", "extra"),
                     TriggerProblem("audit_dossier_update", "missing")]
        assert pg_audit.trigger_problems(owner) == sorted(expected, key=lambda problem: problem.name)
        found = pg_audit.trigger_problems(owner)
        with owner.transaction():
            assert pg_audit.install(owner) == found
        assert pg_audit.trigger_problems(owner) == []
        catalogue = ("SELECT (SELECT array_agg(xmin::text ORDER BY oid) FROM pg_proc WHERE proname LIKE 'audit%%'"
                     " OR proname LIKE 'cchc%%' OR proname = 'refuse_change'),"
                     " (SELECT array_agg(xmin::text ORDER BY oid) FROM pg_trigger WHERE NOT tgisinternal)")
        before = owner.execute(catalogue).fetchone()
        with owner.transaction():
            assert pg_audit.install(owner) == []
        assert owner.execute(catalogue).fetchone() == before  # nothing rewritten the second time
    with connect(owned, owned.desk) as desk:
        desk.execute("INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich')")
        desk.execute("DELETE FROM field")
        desk.commit()
        rows = pg_rows(desk)
    with psycopg.connect(owned.conninfo(owned.owner)) as owner:  # the guards are back: the owner cannot either
        for change in ("DELETE FROM audit_log", "UPDATE audit_log SET actor = 'khác'"):
            with pytest.raises(psycopg.errors.IntegrityError, match="audit_log is append-only"):
                owner.execute(change)
            owner.rollback()
    assert [row[4] for row in business(rows)] == ["insert", "delete"]
    assert_chain(rows, keys.current())


def test_the_verdicts_are_sqlites(owned: Owned, sqlite_db: Any) -> None:
    """The same change made on both engines is named the same way."""
    changes = [
        ("DROP TRIGGER audit_field_insert", "DROP TRIGGER audit_field_insert ON field"),
        ("CREATE TRIGGER audit_field_extra AFTER INSERT ON field BEGIN SELECT 1; END",
         "CREATE TRIGGER audit_field_extra AFTER INSERT ON field FOR EACH ROW EXECUTE FUNCTION audit_field_delete()"),
        ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_update ON audit_log"),
    ]
    for on_sqlite, _on_postgres in changes:
        sqlite_db.conn.execute(on_sqlite)
    sqlite_db.conn.execute("DROP TRIGGER audit_field_update")
    sqlite_db.conn.execute("CREATE TRIGGER audit_field_update AFTER UPDATE ON field BEGIN SELECT 1; END")
    with psycopg.connect(owned.conninfo(owned.owner)) as owner:
        for _on_sqlite, on_postgres in changes:
            owner.execute(on_postgres.encode())
        owner.execute("CREATE OR REPLACE FUNCTION audit_field_update() RETURNS trigger LANGUAGE plpgsql AS"
                      " 'BEGIN RETURN NULL; END'")
        assert pg_audit.trigger_problems(owner) == audit.trigger_problems(sqlite_db.conn)
        assert len(pg_audit.trigger_problems(owner)) == 4
        owner.rollback()


def test_a_migration_adding_a_column_gets_its_triggers(owned: Owned) -> None:
    def note(conn: psycopg.Connection) -> None:
        conn.execute("ALTER TABLE field ADD COLUMN note text")
        conn.execute("CREATE TABLE receipt (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, amount bigint)")

    with psycopg.connect(owned.conninfo(owned.owner), autocommit=True) as owner:
        later = postgres.later_migration("note", note)
        assert pgm.migrate(owner, (*pgm.MIGRATIONS, later)) == [later.name]
        assert pg_audit.trigger_problems(owner) == []
    with connect(owned, owned.desk) as desk:
        desk.execute("INSERT INTO field (name, name_folded, note) VALUES ('Hộ tịch', 'ho tich', 'mới')")
        desk.execute("INSERT INTO receipt (amount) VALUES (8000)")  # not audited: no entry, and the desk may write
        desk.commit()
        rows = pg_rows(desk)
    assert [row[8] for row in rows if not upgrade(row)] == [
        '{"id":1,"name":"Hộ tịch","name_folded":"ho tich","position":0,"note":"mới"}']


def test_a_fresh_database_has_the_trail_and_only_the_upgrades_entry(shared: Owned) -> None:
    """The baseline's seeded rows are written with the audit off (as SQLite's migrations), then the triggers; the
    upgrade's one entry names the rows it wrote without entries (what the replay cannot vouch for)."""
    with psycopg.connect(shared.conninfo(shared.owner)) as owner:
        rows = pg_rows(owner)
        assert len(rows) == 1 and upgrade(rows[0])
        marks = json.loads(rows[0][8])[audit.UNLOGGED]
        assert (marks["survey_criterion"], marks["inspection_criterion"], marks["dossier"]) == (22, 8, 0)
        assert_chain(rows, None)
        assert pg_audit.trigger_problems(owner) == []
        assert owner.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'audit\\_%%'").fetchone() == (
            3 * len(audit.AUDITED_TABLES) + 3,)
        assert owner.execute("SELECT count(*) FROM survey_criterion").fetchone() == (22,)


def test_install_outside_a_transaction_is_refused(shared: Owned) -> None:
    with psycopg.connect(shared.conninfo(shared.owner), autocommit=True) as owner, \
            pytest.raises(ValueError, match="needs a transaction"):
        pg_audit.install(owner)


def test_cchc_checks_chain_verdicts_on_the_servers_log(owned: Owned) -> None:
    """``check_chain`` on the server: a sound chain, then an entry edited by someone who could lift the guard (the
    owner) is broken, and entries signed with another machine's key are counted as not verifiable here."""
    with connect(owned, owned.desk) as desk:
        for name in ("Hộ tịch", "Đất đai", "Tư pháp"):
            desk.execute("INSERT INTO field (name, name_folded) VALUES (%s, 'x')", [name])
        desk.commit()
    with connect(owned, owned.desk, key=("khac0000000a", b"\x01" * 32)) as other:
        other.execute("UPDATE field SET position = 1 WHERE id = 1")
        other.commit()
    with psycopg.connect(owned.conninfo(owned.owner)) as owner:
        assert pg_audit.check_chain(owner) == audit.ChainCheck((), None, 1, ("khac0000000a",))
        owner.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        edited = owner.execute("SELECT id FROM audit_log WHERE after LIKE '%%Đất đai%%'").fetchone()[0]
        owner.execute("UPDATE audit_log SET after = replace(after, 'Đất đai', 'Đất khác') WHERE id = %s", [edited])
        owner.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update")
        owner.commit()
        at = owner.execute("SELECT at FROM audit_log WHERE id = %s", [edited]).fetchone()[0]
        assert pg_audit.check_chain(owner, batch=2) == audit.ChainCheck((edited,), at, 1, ("khac0000000a",))


def test_a_function_given_to_another_role_counts_as_altered(owned: Owned) -> None:
    """Whoever owns a function may replace it: one the server's administrator gave to a desk is no longer the
    program's."""
    with psycopg.connect(owned.cluster.conninfo(owned.dbname), autocommit=True) as superuser:
        superuser.execute(f"ALTER FUNCTION cchc_json_string(text) OWNER TO {owned.desk}".encode())
        assert pg_audit.trigger_problems(superuser) == [TriggerProblem("cchc_json_string", "altered")]
