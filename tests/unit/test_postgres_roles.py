"""The desks' and the owner's roles on a PostgreSQL server (issue 22, item 6), against the tests' throwaway cluster.

Each database here belongs to a role of its own (not the superuser), is migrated by it and has one desk role
granted by ``grant_desk``: the desk registers rows but changes no schema, writes no append-only row twice and no
migration record; what a later migration adds is the desk's at once; the runner and the grants refuse any role but
the owner.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import count

import pytest

from cchc_desktop.errors import user_message
from db.errors import StorageError, StorageProblem
from db.pg import migrations as pgm
from db.pg import roles
from db.pg.codes import next_code_seq
from tests import postgres
from tests.postgres import Owned, make_owned

if os.environ.get("CCHC_REQUIRE_POSTGRES") == "1":  # CI: a missing driver fails the run
    import psycopg
else:
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")

pytestmark = pytest.mark.postgres

_POWERFUL = count(1)


def superuser(cluster: postgres.Cluster, dbname: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(cluster.conninfo(dbname), autocommit=True)


@pytest.fixture(scope="module")
def shared(postgres_cluster: postgres.Cluster) -> Owned:
    """One granted database for the module's tests that only try statements and roll them back."""
    return make_owned(postgres_cluster)


@pytest.fixture
def owned(postgres_cluster: postgres.Cluster) -> Owned:
    return make_owned(postgres_cluster)


@pytest.fixture
def desk(shared: Owned) -> Iterator[psycopg.Connection]:
    """The desk's connection to the shared database; what it did is rolled back."""
    with psycopg.connect(shared.conninfo(shared.desk)) as conn:
        yield conn
        conn.rollback()


def register(conn: psycopg.Connection) -> int:
    """What a desk does when it registers a dossier: the catalogue's rows, the dossier with its day's number, its
    first event and an audit entry; the dossier's id."""
    field = conn.execute("INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich') RETURNING id").fetchone()
    procedure = conn.execute(
        "INSERT INTO procedure (code, name, name_folded, field_id, time_limit, time_limit_unit)"
        " VALUES ('1.001193', 'Đăng ký khai sinh', 'dang ky khai sinh', %s, 1, 'working_days') RETURNING id",
        [field[0]]).fetchone()  # type: ignore[index]
    seq = next_code_seq(conn, "HS", "2024-06-04")
    dossier = conn.execute(
        "INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, channel, received_at, due_at,"
        " status, proxy) VALUES (%s, %s, 'Nguyễn Thị Ưng', 'nguyen thi ung', 'direct', '2024-06-04T09:30',"
        " '2024-06-05T17:00', 'received', '{\"name\": \"Lê Văn Đắk\"}') RETURNING id",
        [f"HS-20240604-{seq:03d}", procedure[0]]).fetchone()  # type: ignore[index]
    assert dossier is not None
    conn.execute("INSERT INTO dossier_event (dossier_id, kind, at) VALUES (%s, 'received', '2024-06-04T09:30')",
                 [dossier[0]])
    conn.execute("INSERT INTO audit_log (at, actor, action, prev_hash, hash)"
                 " VALUES ('2024-06-04T09:30', 'tiepnhan', 'other', '', 'h1')")
    return int(dossier[0])


# What a desk may do ------------------------------------------------------------------------------------------------

def test_a_desk_registers_and_updates_rows(desk: psycopg.Connection) -> None:
    dossier = register(desk)
    desk.execute("UPDATE dossier SET status = 'in_progress' WHERE id = %s", [dossier])
    desk.execute("DELETE FROM dossier_code_counter")
    assert desk.execute("SELECT code, status FROM dossier WHERE id = %s", [dossier]).fetchone() == (
        "HS-20240604-001", "in_progress")
    assert desk.execute("SELECT count(*) FROM dossier_history WHERE dossier_id = %s", [dossier]).fetchone() == (1,)
    assert desk.execute("SELECT actor FROM audit_log WHERE action = 'other' AND after IS NULL").fetchall() == [
        ("tiepnhan",)]  # (besides the upgrade's entry, which names what it migrated)
    assert desk.execute("SELECT action, table_name FROM audit_log WHERE action <> 'other' ORDER BY id").fetchall() == [
        ("insert", "field"), ("insert", "procedure"), ("insert", "dossier"), ("insert", "dossier_event"),
        ("update", "dossier")]  # the audit triggers (db/pg/audit.py) write the desk's changes under its rights
    assert desk.execute("SELECT name FROM schema_migration ORDER BY version").fetchall() == [
        (migration.name,) for migration in pgm.MIGRATIONS]
    assert desk.execute("SELECT count(*) FROM survey_criterion").fetchone() == (22,)
    assert pgm.schema_state(desk).pending == ()


# What a desk may not do: each refused by a privilege (42501), not by a trigger -----------------------------------

REFUSED = [
    "CREATE TABLE note (id integer)",
    "CREATE TEMPORARY TABLE note (id integer)",
    "CREATE VIEW note AS SELECT 1",
    "CREATE SCHEMA desk_own",
    "CREATE INDEX dossier_by_name ON dossier (applicant_name)",
    "ALTER TABLE dossier ADD COLUMN ward text",
    "ALTER TABLE dossier DROP CONSTRAINT dossier_pkey CASCADE",
    "DROP TABLE dossier_document",
    "DROP VIEW dossier_history",
    "TRUNCATE dossier CASCADE",
    "CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
    "CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
    "DROP TRIGGER audit_log_no_update ON audit_log",
    "CREATE TRIGGER again BEFORE UPDATE ON dossier FOR EACH ROW EXECUTE FUNCTION refuse_change()",
    "ALTER TABLE audit_log DISABLE TRIGGER USER",
    "UPDATE audit_log SET actor = 'khac'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "UPDATE dossier_event SET at = '2024-06-05T09:30'",
    "DELETE FROM dossier_event",
    "TRUNCATE dossier_event",
    "UPDATE dossier_history SET at = '2024-06-05T09:30'",
    "DELETE FROM dossier_history",
    "INSERT INTO schema_migration (version, name, applied_at) VALUES (99, '0099_x', '2024-01-01T00:00:00')",
    "UPDATE schema_migration SET version = 99",
    "DELETE FROM schema_migration",
    "TRUNCATE schema_migration",
    "ALTER TABLE audit_log RENAME TO old_log",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_a_desk_cannot_change_the_schema_nor_the_append_only_rows(desk: psycopg.Connection, statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        desk.execute(statement.encode())


def test_the_desks_rights_are_exactly_these(shared: Owned) -> None:
    """Per object kind, what the desk holds in the catalogue: no CREATE anywhere, no TEMPORARY, writes on the
    business tables only, and never a grant option."""
    with superuser(shared.cluster, shared.dbname) as conn:
        tables = dict(conn.execute(
            "SELECT c.relname, string_agg(p.privilege, ',' ORDER BY p.privilege) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])"
            " AS p(privilege)"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND has_table_privilege(%s, c.oid, p.privilege)"
            " GROUP BY c.relname", [shared.desk]).fetchall())
        everything = {row[0] for row in conn.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v')").fetchall()}
        assert set(tables) == everything
        assert {name: rights for name, rights in tables.items() if rights != "DELETE,INSERT,SELECT,UPDATE"} == {
            "audit_log": "INSERT,SELECT", "dossier_event": "INSERT,SELECT", "dossier_history": "SELECT",
            "schema_migration": "SELECT", "attachment_content": "INSERT,SELECT"}  # (a scan's bytes never change)
        assert conn.execute(
            "SELECT has_database_privilege(%(d)s, current_database(), 'CONNECT'),"
            " has_database_privilege(%(d)s, current_database(), 'CREATE'),"
            " has_database_privilege(%(d)s, current_database(), 'TEMPORARY'),"
            " has_schema_privilege(%(d)s, 'public', 'USAGE'), has_schema_privilege(%(d)s, 'public', 'CREATE')",
            {"d": shared.desk}).fetchone() == (True, False, False, True, False)
        granted = conn.execute(
            "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a"
            " WHERE a.grantee = %s::regrole AND a.is_grantable", [shared.desk]).fetchone()
        assert granted == (0,)


def test_strangers_neither_connect_nor_create(shared: Owned) -> None:
    """PUBLIC loses CONNECT and TEMPORARY on the database, and has no CREATE on the schema public."""
    with superuser(shared.cluster, shared.dbname) as conn:
        assert conn.execute(
            "SELECT has_database_privilege(%(s)s, current_database(), 'CONNECT'),"
            " has_database_privilege(%(s)s, current_database(), 'TEMPORARY'),"
            " has_schema_privilege(%(s)s, 'public', 'CREATE')", {"s": shared.stranger}).fetchone() == (
            False, False, False)
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(shared.conninfo(shared.stranger)).close()


def test_postgresql_15_gives_public_no_create_on_the_schema_public(postgres_cluster: postgres.Cluster) -> None:
    """Verified, not assumed: a new database (template0) of this server lets PUBLIC use the schema public but not
    create in it, before the program granted or revoked anything."""
    owned = make_owned(postgres_cluster, migrate=False)
    with superuser(postgres_cluster, owned.dbname) as conn:
        assert conn.execute("SELECT has_schema_privilege(%(s)s, 'public', 'USAGE'),"
                            " has_schema_privilege(%(s)s, 'public', 'CREATE'), nspowner::regrole::text"
                            " FROM pg_namespace WHERE nspname = 'public'",
                            {"s": owned.stranger}).fetchone() == (True, False, "pg_database_owner")


def test_granting_revokes_create_on_public_left_by_an_older_cluster(postgres_cluster: postgres.Cluster) -> None:
    """A database upgraded from PostgreSQL 14 or older still lets PUBLIC create in the schema public: the grant
    takes it back."""
    owned = make_owned(postgres_cluster, grant=False)
    with superuser(postgres_cluster, owned.dbname) as conn:
        conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    with psycopg.connect(owned.conninfo(owned.owner), autocommit=True) as conn:
        roles.grant_desk(conn, owned.desk)
        assert conn.execute("SELECT has_schema_privilege(%s, 'public', 'CREATE')", [owned.stranger]).fetchone() == (
            False,)


# Later migrations ---------------------------------------------------------------------------------------------------

def later(conn: psycopg.Connection) -> None:
    """A migration as a later version might bring: a table, an append-only one with the guards, a view."""
    conn.execute("CREATE TABLE note (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, text text NOT NULL)")
    conn.execute("CREATE TABLE receipt (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, amount bigint)")
    for change in ("UPDATE", "DELETE"):
        conn.execute(f"CREATE TRIGGER receipt_no_{change.lower()} BEFORE {change} ON receipt"
                     " FOR EACH ROW EXECUTE FUNCTION refuse_change()".encode())
    conn.execute("CREATE VIEW note_text AS SELECT id, text FROM note")


def test_what_a_later_migration_adds_is_the_desks_at_once(owned: Owned) -> None:
    with psycopg.connect(owned.conninfo(owned.owner), autocommit=True) as conn:
        migration = postgres.later_migration("later", later)
        assert pgm.migrate(conn, (*pgm.MIGRATIONS, migration)) == [migration.name]
    with psycopg.connect(owned.conninfo(owned.desk)) as desk:
        desk.execute("INSERT INTO note (text) VALUES ('Ghi chú')")
        desk.execute("UPDATE note SET text = 'Ghi chú của quầy'")
        desk.execute("INSERT INTO receipt (amount) VALUES (8000)")
        assert desk.execute("SELECT text FROM note_text").fetchall() == [("Ghi chú của quầy",)]
        assert desk.execute("SELECT amount FROM receipt").fetchall() == [(8000,)]
        desk.commit()
        for statement in ("UPDATE receipt SET amount = 0", "DELETE FROM receipt", "TRUNCATE receipt",
                          "UPDATE note_text SET text = 'khác'", "DROP TABLE note"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                desk.execute(statement.encode())
            desk.rollback()


def test_a_table_the_owner_makes_by_hand_is_the_desks_too(owned: Owned) -> None:
    """The owner's default privileges, not only the runner's grants: a table made outside the runner (an
    administrator's repair in psql) is the desk's as well, its identity's sequence included."""
    with psycopg.connect(owned.conninfo(owned.owner), autocommit=True) as conn:
        conn.execute("CREATE TABLE scratch (id serial PRIMARY KEY, text text)")
    with psycopg.connect(owned.conninfo(owned.desk)) as desk:
        desk.execute("INSERT INTO scratch (text) VALUES ('tạm')")
        assert desk.execute("SELECT id, text, nextval('scratch_id_seq') FROM scratch").fetchall() == [(1, "tạm", 2)]


# Only the owner -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["desk", "superuser"])
def test_the_runner_refuses_any_role_but_the_owner(owned: Owned, who: str) -> None:
    """A desk, and a superuser too (the tables it would create would be its own, out of the desks' default
    privileges): NOT_OWNER, said in Vietnamese with what to do, and nothing applied."""
    user = owned.desk if who == "desk" else postgres.SUPERUSER
    newer = (*pgm.MIGRATIONS, postgres.later_migration("later", later))
    with psycopg.connect(owned.conninfo(user), autocommit=True) as conn:
        with pytest.raises(StorageError) as caught:
            pgm.migrate(conn, newer)
        assert caught.value.problem is StorageProblem.NOT_OWNER
        assert user_message(caught.value).startswith(
            f"Tài khoản đang kết nối không phải chủ sở hữu cơ sở dữ liệu {pgm.where(conn)} ({user}; database owner"
            f" {owned.owner}, schema public owner pg_database_owner), nên không được nâng cấp hay phân quyền. Hãy chạy"
            " «cchc migrate --as-owner» bằng tài khoản chủ sở hữu cơ sở dữ liệu;")
        assert pgm.schema_state(conn, newer).pending == (newer[-1].name,)
        with pytest.raises(StorageError) as caught:
            roles.grant_desk(conn, owned.stranger)
        assert caught.value.problem is StorageProblem.NOT_OWNER
    with superuser(owned.cluster, owned.dbname) as conn:
        assert conn.execute("SELECT to_regclass('note'), has_database_privilege(%s, current_database(), 'CONNECT')",
                            [owned.stranger]).fetchone() == (None, False)


@pytest.mark.parametrize(("make", "refusal"), [
    ("CREATE ROLE {role} LOGIN SUPERUSER", "là siêu người dùng hoặc là (thành viên của) chủ sở hữu"),
    ("CREATE ROLE {role} LOGIN IN ROLE {owner}", "là siêu người dùng hoặc là (thành viên của) chủ sở hữu"),
    ("SELECT '{role}'", "Không có tài khoản PostgreSQL «{role}»"),
])
def test_a_desk_role_that_could_change_the_schema_is_refused(shared: Owned, make: str, refusal: str) -> None:
    role = f"powerful_{next(_POWERFUL)}"
    with superuser(shared.cluster) as conn:
        conn.execute(make.format(role=role, owner=shared.owner).encode())
    with psycopg.connect(shared.conninfo(shared.owner), autocommit=True) as conn:
        with pytest.raises(ValueError, match=refusal.format(role=role).replace("(", r"\(").replace(")", r"\)")):
            roles.grant_desk(conn, role)
        assert roles.desks(conn) == [shared.desk]


# A desk on an older schema -------------------------------------------------------------------------------------------

def test_a_desk_on_an_older_schema_is_told_the_administrator_must_upgrade(shared: Owned) -> None:
    """The program knows a migration the server's database lacks: the desk, which may not apply it, gets a message
    saying who must (not a permission error from the migration it cannot run), and nothing is written."""
    newer = (*pgm.MIGRATIONS, postgres.later_migration("later", later))
    with psycopg.connect(shared.conninfo(shared.desk), autocommit=True) as conn:
        assert pgm.require_current(conn).version == pgm.MIGRATIONS[-1].version
        with pytest.raises(StorageError) as caught:
            pgm.require_current(conn, newer)
        assert caught.value.problem is StorageProblem.OUTDATED
        assert user_message(caught.value) == (
            f"Cơ sở dữ liệu {pgm.where(conn)} trên máy chủ PostgreSQL cũ hơn phiên bản phần mềm này (còn thiếu:"
            f" {newer[-1].name}). Quản trị viên máy chủ cần nâng cấp nó bằng tài khoản chủ sở hữu («cchc migrate"
            " --as-owner») trước khi các quầy làm việc tiếp. Cơ sở dữ liệu không bị thay đổi.")
        with pytest.raises(StorageError) as caught:
            pgm.require_current(conn, pgm.MIGRATIONS[:0])
        assert caught.value.problem is StorageProblem.TOO_NEW
        assert conn.execute("SELECT count(*) FROM schema_migration").fetchone() == (len(pgm.MIGRATIONS),)
