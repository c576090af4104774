"""Saved column mappings of imports (``import_mapping``): one row per kind and folded name. Write functions are
called inside the service's ``with writing(db):``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.handle import Database

Row = dict[str, Any]
_COLUMNS = "id, kind, name, headers, signature, updated_at"


def _rows(db: Database, where: str, params: list[object]) -> list[Row]:
    cursor = db.execute(f"SELECT {_COLUMNS} FROM import_mapping WHERE {where} ORDER BY name_folded, id", params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def mappings(db: Database, kind: str) -> list[Row]:
    return _rows(db, "kind = ?", [kind])


def mapping_named(db: Database, kind: str, name_folded: str) -> Row | None:
    found = _rows(db, "kind = ? AND name_folded = ?", [kind, name_folded])
    return found[0] if found else None


def mapping_for(db: Database, kind: str, signature: str) -> Row | None:
    """The latest saved mapping of ``kind`` whose source header row has ``signature``."""
    cursor = db.execute(f"SELECT {_COLUMNS} FROM import_mapping WHERE kind = ? AND signature = ? "
                        "ORDER BY updated_at DESC, id DESC LIMIT 1", [kind, signature])
    row = cursor.fetchone()
    return dict(zip([column[0] for column in cursor.description], row, strict=True)) if row else None


def put_mapping(db: Database, values: Mapping[str, object]) -> None:
    db.execute("""
        INSERT INTO import_mapping (kind, name, name_folded, headers, signature, updated_at)
        VALUES (:kind, :name, :name_folded, :headers, :signature, :updated_at)
        ON CONFLICT (kind, name_folded) DO UPDATE SET name = excluded.name, headers = excluded.headers,
            signature = excluded.signature, updated_at = excluded.updated_at
    """, dict(values))


def delete_mapping(db: Database, kind: str, name_folded: str) -> int:
    return db.execute("DELETE FROM import_mapping WHERE kind = ? AND name_folded = ?", [kind, name_folded]).rowcount
