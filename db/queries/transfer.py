"""Imports and exports of dossiers and procedures: bulk reads by code, ``executemany`` writes, a streamed export.

Write functions are called inside the service's ``with writing(db):`` (``db.errors``, the one write
transaction): it begins with ``BEGIN IMMEDIATE``, so the write lock is held before anything is read and every
read sees the latest committed data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from db import audit
from db.handle import Database
from db.queries import insert_dossier_sql, inserted_id
from db.queries.bulk import executemany, next_id
from db.queries.rows import dicts

Row = dict[str, Any]

INSERT_DOSSIER = insert_dossier_sql((
    "id", "code", "procedure_id", "applicant_name", "applicant_folded", "applicant_id", "phone", "address", "channel",
    "received_at", "received_by", "due_at", "resolved_at", "returned_at", "outcome", "withdrawn_at", "status",
    "digitized", "form_set", "ledger_book", "ledger_line",
))

UPDATE_DOSSIER = """
UPDATE dossier SET
    procedure_id = ?, applicant_name = ?, applicant_folded = ?, applicant_id = ?, phone = ?, address = ?,
    channel = ?, received_at = ?, due_at = ?, resolved_at = ?, returned_at = ?, outcome = ?, withdrawn_at = ?,
    status = ?, digitized = ?
WHERE id = ?
"""

INSERT_EVENT = """
INSERT INTO dossier_event (dossier_id, kind, at, user_id, from_status, to_status, reason, due_before, due_after,
                           data)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

INSERT_PROCEDURE = """
INSERT INTO procedure (code, name, name_folded, field_id, time_limit, time_limit_unit, supplement_rule, online_level,
                       fee, published_by, fee_amount, online_payment)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

UPDATE_PROCEDURE = """
UPDATE procedure SET name = ?, name_folded = ?, field_id = ?, time_limit = ?, time_limit_unit = ?,
                     supplement_rule = ?, online_level = ?, fee = ?, published_by = ?, fee_amount = ?,
                     online_payment = ?
WHERE id = ?
"""

EXPORT_COLUMNS = """
    d.code, p.code, p.name, d.applicant_name, d.applicant_id, d.phone, d.address, d.channel, d.received_at,
    d.due_at, d.resolved_at, d.returned_at, d.status, d.withdrawn_at, d.digitized,
    (SELECT min(a.issued_on) FROM apology_letter a WHERE a.dossier_id = d.id),
    (SELECT max(q.at) FROM dossier_history q WHERE q.dossier_id = d.id AND q.kind = 'supplement_requested'),
    (SELECT min(r.at) FROM dossier_history r WHERE r.dossier_id = d.id AND r.kind = 'supplement_received'
     AND r.at >= (SELECT max(q.at) FROM dossier_history q
                  WHERE q.dossier_id = d.id AND q.kind = 'supplement_requested'))
"""



def _codes_json(codes: Iterable[str]) -> str:
    return json.dumps(list(codes), ensure_ascii=False)


# -- dossiers --------------------------------------------------------------------------------------------


def procedures(db: Database) -> list[Row]:
    """Every procedure with what an import needs (time limit, cut-off, abolition) and its field."""
    cursor = db.execute(
        """
        SELECT p.id, p.code, p.name, p.name_folded, p.field_id, f.name AS field_name, p.time_limit,
               p.time_limit_unit, p.afternoon_cutoff, p.supplement_rule, p.online_level, p.fee, p.abolished_on,
               p.published_by, p.fee_amount, p.online_payment
        FROM procedure p JOIN field f ON f.id = p.field_id
        """
    )
    return dicts(cursor)


def dossiers_by_code(db: Database, codes: Sequence[str]) -> dict[str, Row]:
    """The dossiers among ``codes`` with the contract's fields (and their first apology letter)."""
    if not codes:
        return {}
    cursor = db.execute(
        """
        SELECT d.id, d.code, d.procedure_id, d.applicant_name, d.applicant_id, d.phone, d.address, d.channel,
               d.received_at, d.due_at, d.resolved_at, d.returned_at, d.status, d.withdrawn_at, d.digitized,
               d.outcome, a.id AS apology_id, a.issued_on AS apology_at,
               EXISTS (SELECT 1 FROM dossier_history e WHERE e.dossier_id = d.id
                       AND e.kind IN ('supplement_requested', 'supplement_received')) AS supplement_events
        FROM dossier d
        LEFT JOIN apology_letter a ON a.id = (
            SELECT a2.id FROM apology_letter a2 WHERE a2.dossier_id = d.id ORDER BY a2.issued_on, a2.id LIMIT 1)
        WHERE d.code IN (SELECT value FROM json_each(?))
        """,
        [_codes_json(codes)],
    )
    names = [column[0] for column in cursor.description]
    return {values[1]: dict(zip(names, values, strict=True)) for values in cursor.fetchall()}


def existing_codes(db: Database, codes: Sequence[str]) -> set[str]:
    if not codes:
        return set()
    return {code for (code,) in db.execute(
        "SELECT code FROM dossier WHERE code IN (SELECT value FROM json_each(?))", [_codes_json(codes)])}


def code_counters(db: Database, prefix: str) -> dict[str, int]:
    """Day → last sequence number given, for one code prefix (the unit code)."""
    return dict(db.execute("SELECT day, last_seq FROM dossier_code_counter WHERE prefix = ?", [prefix]).fetchall())


def insert_dossiers(db: Database, rows: Sequence[Sequence[object]]) -> int:
    """``INSERT_DOSSIER`` over many rows whose ids are all above the stored ones (``bulk.take_ids``).

    The register's full-text index is filled in one ``INSERT … SELECT`` after the rows instead of by its
    per-row trigger (ten times faster: 0.4 s instead of 4 s for 100,000 dossiers), and the audit trail's
    entries in one pass (``audit.log_inserts``) instead of by theirs. The search trigger is dropped and
    created again inside the caller's transaction, which holds the write lock: no other connection can
    insert meanwhile, and a failure rolls the schema back with the rows.

    A server has no such index, and no entries are written for it here (its audit trail, db/pg/audit.py, is not
    wired to the imports yet).
    """
    if not rows:
        return 0
    if db.dialect != "sqlite":
        return executemany(db, INSERT_DOSSIER, rows)
    first_id = min(cast(int, row[0]) for row in rows)  # (the first column: the ids)
    trigger = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'dossier_fts_insert'"
    ).fetchone()
    if trigger is not None:  # (a later schema may keep the index some other way)
        db.execute("DROP TRIGGER dossier_fts_insert")
    with audit.suspended(db):
        written = executemany(db, INSERT_DOSSIER, rows)
    audit.log_inserts(db, "dossier", first_id)
    if trigger is not None:
        db.execute(
            "INSERT INTO dossier_fts (rowid, code, applicant_folded, phone, applicant_id)"
            " SELECT id, code, applicant_folded, phone, applicant_id FROM dossier WHERE id >= ?",
            [first_id],
        )
        db.execute(trigger[0])
    return written


def insert_history(db: Database, first_id: int, user_id: int | None, source: str) -> int:
    """The events the dates of the dossiers inserted from ``first_id`` on tell, built in SQL (fast).

    Received (with ``source`` as its data), then, where dated: result ready or refused, returned, withdrawn.
    They follow from their dossiers' dates, whose entries hold them: one entry anchors them all (their id range
    and digest, ``audit.log_bulk_insert``) rather than one each (on SQLite: see ``insert_dossiers`` for a
    server). Returns the number of events written.
    """
    if db.dialect != "sqlite":
        return _history(db, first_id, user_id, source)
    first_event = next_id(db, "dossier_event")
    with audit.suspended(db):
        written = _history(db, first_id, user_id, source)
    audit.log_bulk_insert(db, "dossier_event", first_event)
    return written


def _history(db: Database, first_id: int, user_id: int | None, source: str) -> int:
    written = 0
    for kind, at, from_status, to_status, where in (
        ("'received'", "received_at", "NULL", "'received'", ""),
        ("CASE outcome WHEN 'refused' THEN 'refused' ELSE 'result_ready' END", "resolved_at", "'in_progress'",
         "CASE outcome WHEN 'refused' THEN 'refused' ELSE 'result_ready' END", "AND resolved_at IS NOT NULL"),
        ("'returned'", "returned_at", "CASE outcome WHEN 'refused' THEN 'refused' ELSE 'result_ready' END",
         "'returned'", "AND returned_at IS NOT NULL"),
        ("'withdrawn'", "withdrawn_at", "NULL", "'withdrawn'", "AND withdrawn_at IS NOT NULL"),
    ):
        received = kind == "'received'"
        written += db.execute(
            f"""
            INSERT INTO dossier_event (dossier_id, kind, at, user_id, from_status, to_status, due_after, data)
            SELECT id, {kind}, {at}, ?, {from_status}, {to_status}, {"due_at" if received else "NULL"},
                   {"?" if received else "NULL"}
            FROM dossier WHERE id >= ? {where}
            ORDER BY id
            """,
            [user_id, source, first_id] if received else [user_id, first_id],
        ).rowcount
    return written


def set_apology_date(db: Database, rows: Sequence[tuple[str, int]]) -> None:
    """Rows of (issued_on, letter id)."""
    executemany(db, "UPDATE apology_letter SET issued_on = ? WHERE id = ?", rows)


def export_count(db: Database, received_from: str | None, received_before: str | None) -> int:
    if received_from is None:
        return db.execute("SELECT count(*) FROM dossier").fetchone()[0]
    return db.execute(
        "SELECT count(*) FROM dossier WHERE received_at >= ? AND received_at < ?", [received_from, received_before]
    ).fetchone()[0]


def export_rows(
    db: Database, received_from: str | None, received_before: str | None, *, batch: int = 2000,
) -> Iterator[tuple[Any, ...]]:
    """The export's columns (``EXPORT_COLUMNS``) of the dossiers received in [from, before), oldest first.

    A stream: rows are fetched ``batch`` at a time from one cursor, never all at once (on a server, a cursor of
    its own: psycopg's plain cursor would hold every row in memory).
    """
    where, params = "", []
    if received_from is not None:
        where, params = "WHERE d.received_at >= ? AND d.received_at < ?", [received_from, received_before]
    sql = f"""
        SELECT {EXPORT_COLUMNS}
        FROM dossier d JOIN procedure p ON p.id = d.procedure_id
        {where}
        ORDER BY d.received_at, d.id
        """
    if db.dialect != "sqlite":
        yield from _server_rows(db, sql, params, batch)
        return
    cursor = db.conn.execute(sql, params)
    try:
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()


def _server_rows(db: Database, sql: str, params: list[Any], batch: int) -> Iterator[tuple[Any, ...]]:
    """``export_rows`` on a server: a named (server-side) cursor WITH HOLD, which outlives the statement's own
    transaction (its result kept by the server), so that no transaction stays open while the file is written."""
    from db.pg.handle import PgDatabase, translate

    assert isinstance(db, PgDatabase)
    with db.pg.cursor(name="cchc_export", withhold=True) as cursor:
        cursor.execute(translate(sql).encode(), params)
        while rows := cursor.fetchmany(batch):
            yield from rows


# -- procedures ------------------------------------------------------------------------------------------


def field_ids(db: Database) -> list[tuple[int, str]]:
    """(id, name) of every field."""
    return db.execute("SELECT id, name FROM field ORDER BY id").fetchall()


def insert_field(db: Database, name: str, name_folded: str) -> int:
    return inserted_id(
        db,
        "INSERT INTO field (name, name_folded, position) SELECT ?, ?, coalesce(max(position), 0) + 1 FROM field",
        [name, name_folded],
    )
