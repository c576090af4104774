"""The ``user`` table: staff accounts."""

from __future__ import annotations

from typing import Any

from db.handle import Database
from db.queries import inserted_id
from db.queries.rows import dicts, first

COLUMNS = "id, username, full_name, title, role, active, password_hash, failed_logins, locked_until"


def all_users(db: Database) -> list[dict[str, Any]]:
    return dicts(db.execute(f"SELECT {COLUMNS} FROM \"user\" ORDER BY active DESC, username"))


def by_username(db: Database, username: str) -> dict[str, Any] | None:
    return first(db.execute(f"SELECT {COLUMNS} FROM \"user\" WHERE username = ?", [username]))


def by_id(db: Database, user_id: int) -> dict[str, Any] | None:
    return first(db.execute(f"SELECT {COLUMNS} FROM \"user\" WHERE id = ?", [user_id]))


def insert(db: Database, values: dict[str, Any]) -> int:
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return inserted_id(db, f"INSERT INTO \"user\" ({names}) VALUES ({marks})", list(values.values()))


def update(db: Database, user_id: int, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"UPDATE \"user\" SET {assignments} WHERE id = ?", [*values.values(), user_id])


def admins_with_password(db: Database, *, besides: int | None = None) -> int:
    return db.execute(
        "SELECT count(*) FROM \"user\" WHERE role = 'admin' AND active = 1 AND password_hash IS NOT NULL"
        " AND id IS DISTINCT FROM ?", [besides],
    ).fetchone()[0]


def with_password(db: Database) -> int:
    """Active accounts that have a password (from then on, nobody works without signing in)."""
    return db.execute("SELECT count(*) FROM \"user\" WHERE active = 1 AND password_hash IS NOT NULL").fetchone()[0]
