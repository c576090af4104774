"""Bulk writes shared by the demo generator and the imports: ``executemany`` over batches of tuples, the
statements both write with, and the first free id of a table (rows are numbered before they are written)."""

from __future__ import annotations

from collections.abc import Sequence

from db.handle import Database

Rows = Sequence[Sequence[object]]

INSERT_APOLOGY = """
INSERT INTO apology_letter (dossier_id, issued_on, reason, old_due_at, new_due_at, signer_name, user_id)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""

UPSERT_CODE_COUNTER = """
INSERT INTO dossier_code_counter (prefix, day, last_seq) VALUES (?, ?, ?)
ON CONFLICT (prefix, day) DO UPDATE SET last_seq = CASE WHEN excluded.last_seq > dossier_code_counter.last_seq
    THEN excluded.last_seq ELSE dossier_code_counter.last_seq END
"""


def executemany(db: Database, statement: str, rows: Rows) -> int:
    """``statement`` over every row; returns the number of rows written."""
    if not rows:
        return 0
    return db.executemany(statement, rows)


def next_id(db: Database, table: str) -> int:
    """The first free id of ``table`` (named by the caller, never by a user)."""
    return db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"").fetchone()[0]
