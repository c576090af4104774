"""Bulk writes shared by the demo generator and the imports: ``executemany`` over batches of tuples, the
statements both write with, and the first free id of a table (rows are numbered before they are written: the
tables held meanwhile, ``hold``, and their ids taken, ``take_ids``, or the numbering moved past them, ``ids_taken``)."""

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


def hold(db: Database, *tables: str) -> None:
    """Inside a write transaction: no other connection writes ``tables`` until it ends, so that ``next_id`` stays
    free and what is read stays current (the tables named by the caller, never by a user). SQLite's write lock,
    which every write transaction takes first, does it already; a server locks them, in the order given (that of
    the other writers, so that two never wait for each other), readers left free."""
    if db.dialect != "sqlite":
        names = ", ".join(f'"{table}"' for table in tables)
        db.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")


def take_ids(db: Database, table: str, count: int) -> int:
    """The first of ``count`` consecutive ids for rows to write with ids of their own, ``table`` held (``hold``):
    SQLite's next after the largest (its next rowid then follows them); on a server, taken from the table's
    identity sequence (``nextval``: a desk's right, where moving it, ``ids_taken``, is the owner's)."""
    if db.dialect == "sqlite" or count <= 0:
        return next_id(db, table)
    first, last = db.execute(
        "SELECT min(v), max(v) FROM (SELECT nextval(pg_get_serial_sequence(?, 'id')) AS v"
        " FROM generate_series(1, ?)) taken", [f'"{table}"', count]).fetchone()
    if last - first != count - 1:  # (only another writer of the table, which ``hold`` keeps out, could interleave)
        raise RuntimeError(f"the {count} ids taken for {table} are not consecutive: {first}..{last}")
    return int(first)


def ids_taken(db: Database, table: str) -> None:
    """After rows written with ids of their own (``next_id`` on): the next row the table numbers itself comes
    after them. SQLite's next rowid follows the largest already; a server's identity sequence is moved past them
    (never back: numbers it gave to transactions still open stay theirs). On a server, the owner's right (the
    demo data); a desk takes its ids with ``take_ids``."""
    if db.dialect != "sqlite":
        db.execute(
            "SELECT setval(s.seq, greatest(t.top, coalesce(pg_sequence_last_value(s.seq::regclass), 0)))"
            f" FROM (SELECT pg_get_serial_sequence(?, 'id') AS seq) s, (SELECT max(id) AS top FROM \"{table}\") t"
            " WHERE t.top IS NOT NULL", [f'"{table}"'])
