"""Reading the ``audit_log`` table (entries are written by triggers and ``db.audit.log_entry``)."""

from __future__ import annotations

from typing import Any

from db.handle import Database

COLUMNS = "id, at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash"


def entries(db: Database, *, where: list[str], params: list[Any], before_id: int | None,
            limit: int) -> list[tuple]:
    """Newest first, ``limit`` entries older than ``before_id`` (keyset paging) matching ``where``."""
    clauses = list(where)
    if before_id is not None:
        clauses.append("id < ?")
        params = [*params, before_id]
    sql = f"SELECT {COLUMNS} FROM audit_log"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return db.execute(sql + " ORDER BY id DESC LIMIT ?", [*params, limit]).fetchall()


def dossier_id(db: Database, code: str) -> int | None:
    row = db.execute("SELECT id FROM dossier WHERE code = ?", [code]).fetchone()
    return row[0] if row else None


def table_names(db: Database) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT DISTINCT table_name FROM audit_log WHERE table_name IS NOT NULL ORDER BY 1").fetchall()]
