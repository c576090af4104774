"""The per-day counter of dossier codes on PostgreSQL (issue 22): gap-free across desks sharing one server.

The statement is SQLite's (db/queries/dossiers.py, NEXT_CODE_SEQ). On PostgreSQL the upsert takes the day's row
lock and holds it until the registering transaction ends: a second desk waits, then counts on from the committed
number; a registration rolled back gives its number back, so the numbers of a day have no gap (a sequence would
leave one). It needs the default READ COMMITTED isolation (under REPEATABLE READ the waiting desk gets a
serialization failure instead). Not used by the services yet: the storage layer's dialects come in a later step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.queries.dossiers import NEXT_CODE_SEQ

if TYPE_CHECKING:
    import psycopg

NEXT_CODE_SEQ_PG = NEXT_CODE_SEQ.replace("?", "%s")


def next_code_seq(conn: psycopg.Connection, prefix: str, day: str) -> int:
    """Take the next sequence number of ``day`` inside the caller's (registering) transaction."""
    row = conn.execute(NEXT_CODE_SEQ_PG, [prefix, day]).fetchone()
    assert row is not None  # an upsert with RETURNING returns its row
    return int(row[0])
