"""The ``setting`` table: business settings as key/value text."""

from __future__ import annotations

from collections.abc import Mapping

from db.handle import Database


def read_all(db: Database) -> dict[str, str]:
    return {key: value for key, value in db.execute("SELECT key, value FROM setting").fetchall()}


def write_many(db: Database, values: Mapping[str, str]) -> None:
    db.executemany(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        list(values.items()),
    )


def delete(db: Database, key: str) -> None:
    """Forget ``key``: the setting goes back to its default."""
    db.execute("DELETE FROM setting WHERE key = ?", [key])


def read(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return None if row is None else row[0]
