"""The procedure catalogue: fields (lĩnh vực) and procedures (TTHC)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlite_utils import Database

INSERT_FIELD = """
INSERT INTO field (name, name_folded, position) VALUES (?, ?, ?)
ON CONFLICT (name) DO NOTHING
"""

INSERT_PROCEDURE = """
INSERT INTO procedure (
    code, name, name_folded, field_id, time_limit, time_limit_unit, afternoon_cutoff, supplement_rule,
    online_level, fee, one_stop, inter_agency
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (code) DO NOTHING
"""


def field_ids(db: Database) -> dict[str, int]:
    """Field name → id."""
    return {name: field_id for field_id, name in db.execute("SELECT id, name FROM field").fetchall()}


def last_field_position(db: Database) -> int:
    return db.execute("SELECT coalesce(max(position), 0) FROM field").fetchone()[0]


def procedure_ids(db: Database) -> dict[str, int]:
    """Procedure code → id."""
    return {code: proc_id for proc_id, code in db.execute("SELECT id, code FROM procedure").fetchall()}


def insert_fields(db: Database, rows: Iterable[Sequence[object]]) -> int:
    """Rows of (name, name_folded, position); names already there are skipped. Returns rows written."""
    return db.conn.executemany(INSERT_FIELD, list(rows)).rowcount


def insert_procedures(db: Database, rows: Iterable[Sequence[object]]) -> int:
    """Rows in the column order of ``INSERT_PROCEDURE``; codes already there are skipped."""
    return db.conn.executemany(INSERT_PROCEDURE, list(rows)).rowcount


def procedures(db: Database) -> list[tuple]:
    """(code, name, field, time limit, unit, online level, supplement rule, active) of every procedure."""
    return db.execute(
        "SELECT p.code, p.name, f.name, p.time_limit, p.time_limit_unit, p.online_level, p.supplement_rule, p.active"
        " FROM procedure p JOIN field f ON f.id = p.field_id ORDER BY f.position, f.name, p.code"
    ).fetchall()
