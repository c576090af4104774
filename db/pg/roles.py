"""Who may do what on a PostgreSQL server (issue 22): the owner's role migrates; a desk's role reads and writes the
business tables but never changes the schema. The app's own accounts, roles and audit (the ``user`` table, the
sessions' rights, ``audit_log``) are not these: they stay as they are, inside the database.

The administrator makes the roles (``CREATE ROLE cchc_owner LOGIN; CREATE DATABASE cchc OWNER cchc_owner;``, one
``CREATE ROLE quay1 LOGIN`` per desk, passwords set with ``\\password``), migrates as the owner, then grants each
desk its rights with ``grant_desk`` as the owner. A desk's rights:

- CONNECT on the database (PUBLIC loses CONNECT and TEMPORARY: only the desks granted here, and the owner, connect);
- USAGE on the schema, never CREATE (PUBLIC's CREATE on it, and on ``public``, is revoked: PostgreSQL 15 no longer
  grants it on ``public`` in a new database, but a cluster upgraded from an older version keeps it);
- SELECT, INSERT, UPDATE, DELETE on the tables; only SELECT and INSERT on the append-only ones (those guarded by
  the ``refuse_change`` triggers: ``audit_log``, ``dossier_event``), only SELECT on the views and on
  ``schema_migration``; never TRUNCATE, REFERENCES or TRIGGER;
- USAGE and SELECT on the sequences (the identity columns; SELECT lets a desk's ``cchc backup`` run pg_dump),
  EXECUTE on the functions (the CHECKs call ``json_valid``...).

A table a later migration adds is usable by the desks at once: ``grant_desk`` sets the owner's default privileges
in the schema for each desk (tables, sequences, functions), and the runner re-applies the rules above for every
desk it finds there after each migration (``reapply``), in the migration's transaction, so a new append-only table
(with ``refuse_change`` triggers) or a new view is withheld from writing the moment it exists. The migrations must
therefore be run by the owner itself (``require_owner``): the default privileges cover only the objects their role
creates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from db.errors import StorageError, StorageProblem

if TYPE_CHECKING:
    import psycopg

# What a desk may never do to its tables, and what it may do to the read-only ones.
WRITES = "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"
MIGRATIONS_TABLE = "schema_migration"

_OWNERSHIP = """
SELECT current_user, pg_get_userbyid(d.datdba), n.nspname, pg_get_userbyid(n.nspowner),
       r.oid = d.datdba AND (n.nspowner = d.datdba OR n.nspowner = 'pg_database_owner'::regrole)
FROM pg_database d
JOIN pg_roles r ON r.rolname = current_user
LEFT JOIN pg_namespace n ON n.nspname = current_schema()
WHERE d.datname = current_database()
"""

# The desks of the schema: the roles the owner's default privileges there name.
_DESKS = """
SELECT DISTINCT pg_get_userbyid((aclexplode(a.defaclacl)).grantee)
FROM pg_default_acl a JOIN pg_namespace n ON n.oid = a.defaclnamespace
WHERE n.nspname = current_schema() AND a.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
ORDER BY 1
"""

_APPEND_ONLY = """
SELECT DISTINCT c.relname FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE n.nspname = current_schema() AND p.proname = 'refuse_change'
ORDER BY 1
"""

_VIEWS = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm') ORDER BY 1
"""


def require_owner(conn: psycopg.Connection) -> None:
    """StorageError NOT_OWNER unless the connected role owns the database and its schema (``public`` belongs to
    ``pg_database_owner`` since PostgreSQL 15, that is to the database's owner). A superuser who is not the owner is
    refused too: the tables it would create would be its own, out of reach of the desks' default privileges."""
    from db.pg.migrations import where

    row = conn.execute(_OWNERSHIP).fetchone()
    assert row is not None  # current_database() always exists
    user, owner, schema, schema_owner, owns = row
    if schema is None:
        raise StorageError(StorageProblem.NOT_OWNER, where(conn), f"{user}: no schema in search_path")
    if not owns:
        raise StorageError(StorageProblem.NOT_OWNER, where(conn),
                           f"{user}; database owner {owner}, schema {schema} owner {schema_owner}")


def _names(conn: psycopg.Connection, query: str) -> list[str]:
    return [row[0] for row in conn.execute(query).fetchall()]


def desks(conn: psycopg.Connection) -> list[str]:
    """The desk roles of the current schema (those ``grant_desk`` gave the owner's default privileges)."""
    return _names(conn, _DESKS)


def reapply(conn: psycopg.Connection, roles: Iterable[str] | None = None) -> None:
    """Grant ``roles`` (default: every desk of the schema) their rights on what the schema holds now. Run by the
    owner, inside the caller's transaction (the runner calls it in each migration's)."""
    from psycopg import sql

    grantees = list(desks(conn) if roles is None else roles)
    if not grantees:
        return
    targets = sql.SQL(", ").join(sql.Identifier(role) for role in grantees)
    schema = sql.Identifier(conn.execute("SELECT current_schema()").fetchone()[0])  # type: ignore[index]

    def run(template: str, *names: str) -> None:
        objects = [sql.SQL("{}.{}").format(schema, sql.Identifier(name)) for name in names]
        conn.execute(sql.SQL(template).format(schema=schema, targets=targets, objects=sql.SQL(", ").join(objects)))

    run("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {targets}")
    run("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {targets}")  # (SELECT: pg_dump reads them)
    run("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {targets}")
    append_only = _names(conn, _APPEND_ONLY)
    if append_only:
        run("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {objects} FROM {targets}", *append_only)
    read_only = [*_names(conn, _VIEWS), *([MIGRATIONS_TABLE] if conn.execute(
        "SELECT to_regclass(%s)", [MIGRATIONS_TABLE]).fetchone() != (None,) else [])]
    if read_only:
        run(f"REVOKE {WRITES} ON {{objects}} FROM {{targets}}", *read_only)


def grant_desk(conn: psycopg.Connection, desk: str) -> None:
    """Give the existing role ``desk`` a desk's rights on the current database and schema, now and for what later
    migrations add. Run by the owner (StorageError NOT_OWNER otherwise), after migrating; again at any time (it only
    grants and revokes). ValueError when ``desk`` does not exist, is a superuser, or is (a member of) the owner:
    such a role could change the schema whatever is granted here."""
    from psycopg import sql

    with conn.transaction():
        require_owner(conn)
        row = conn.execute(
            "SELECT r.rolsuper, pg_has_role(r.oid, d.datdba, 'MEMBER') FROM pg_roles r, pg_database d"
            " WHERE r.rolname = %s AND d.datname = current_database()", [desk]).fetchone()
        if row is None:
            raise ValueError(f"Không có tài khoản PostgreSQL «{desk}»: quản trị viên máy chủ cần tạo nó trước "
                             f"(CREATE ROLE … LOGIN).")
        if row[0] or row[1]:
            raise ValueError(f"Tài khoản PostgreSQL «{desk}» là siêu người dùng hoặc là (thành viên của) chủ sở hữu "
                             "cơ sở dữ liệu, nên không dùng làm tài khoản của quầy: hãy tạo một tài khoản riêng.")
        names = {
            "desk": sql.Identifier(desk),
            "database": sql.Identifier(conn.execute("SELECT current_database()").fetchone()[0]),  # type: ignore[index]
            "schema": sql.Identifier(conn.execute("SELECT current_schema()").fetchone()[0]),  # type: ignore[index]
        }
        for statement in (
            "REVOKE ALL ON DATABASE {database} FROM PUBLIC",
            "GRANT CONNECT ON DATABASE {database} TO {desk}",
            "REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
            "GRANT USAGE ON SCHEMA {schema} TO {desk}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {desk}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {desk}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {desk}",
        ):
            conn.execute(sql.SQL(statement).format(**names))
        if conn.execute("SELECT pg_has_role(nspowner, 'USAGE') FROM pg_namespace WHERE nspname = 'public'"
                        ).fetchone() == (True,):
            conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        reapply(conn, [desk])
