"""Whole-file questions: how many rows the main tables hold."""

from __future__ import annotations

from collections.abc import Iterable

from db.handle import Database


def table_counts(db: Database, tables: Iterable[str]) -> dict[str, int]:
    present = set(db.table_names())
    return {
        name: db.execute(f"SELECT count(*) FROM \"{name}\"").fetchone()[0] for name in tables if name in present
    }
