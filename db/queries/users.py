"""The ``user`` table: staff accounts."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

COLUMNS = "id, username, full_name, title, role, active, password_hash, failed_logins, locked_until"


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def all_users(db: Database) -> list[dict[str, Any]]:
    return _rows(db.execute(f"SELECT {COLUMNS} FROM user ORDER BY active DESC, username"))


def by_username(db: Database, username: str) -> dict[str, Any] | None:
    rows = _rows(db.execute(f"SELECT {COLUMNS} FROM user WHERE username = ?", [username]))
    return rows[0] if rows else None


def by_id(db: Database, user_id: int) -> dict[str, Any] | None:
    rows = _rows(db.execute(f"SELECT {COLUMNS} FROM user WHERE id = ?", [user_id]))
    return rows[0] if rows else None


def insert(db: Database, values: dict[str, Any]) -> int:
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return db.execute(f"INSERT INTO user ({names}) VALUES ({marks})", list(values.values())).lastrowid


def update(db: Database, user_id: int, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"UPDATE user SET {assignments} WHERE id = ?", [*values.values(), user_id])


def admins_with_password(db: Database, *, besides: int | None = None) -> int:
    return db.execute(
        "SELECT count(*) FROM user WHERE role = 'admin' AND active = 1 AND password_hash IS NOT NULL"
        " AND id IS NOT ?", [besides],
    ).fetchone()[0]
