"""Drafts of forms being typed (``form_draft``): one row per form and account, ``user_key`` 0 for no account.

Write functions are called inside the service's ``with writing(db):`` (``db.errors``, the one write
transaction): it begins with ``BEGIN IMMEDIATE``, so the write lock is held before anything is read and every
read sees the latest committed data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.handle import Database

Row = dict[str, Any]


def draft(db: Database, form: str, user_key: int) -> Row | None:
    rows = db.execute("SELECT saved_at, data FROM form_draft WHERE form = ? AND user_key = ?",
                      [form, user_key]).fetchall()
    return {"saved_at": rows[0][0], "data": rows[0][1]} if rows else None


def put_draft(db: Database, values: Mapping[str, object]) -> None:
    db.execute("""
        INSERT INTO form_draft (form, user_key, user_id, saved_at, data)
        VALUES (:form, :user_key, :user_id, :saved_at, :data)
        ON CONFLICT (form, user_key) DO UPDATE SET saved_at = excluded.saved_at, data = excluded.data
    """, dict(values))


def delete_draft(db: Database, form: str, user_key: int) -> int:
    return db.execute("DELETE FROM form_draft WHERE form = ? AND user_key = ?", [form, user_key]).rowcount
