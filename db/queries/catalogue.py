"""The procedure catalogue: fields (lĩnh vực) and procedures (TTHC)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from db.handle import Database

INSERT_FIELD = """
INSERT INTO field (name, name_folded, position) VALUES (?, ?, ?)
ON CONFLICT (name) DO NOTHING
"""

INSERT_PROCEDURE = """
INSERT INTO procedure (
    code, name, name_folded, field_id, time_limit, time_limit_unit, afternoon_cutoff, supplement_rule,
    online_level, fee, one_stop, inter_agency, published_by
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (code) DO NOTHING
"""
# A schema from before m0013 has no published_by (and takes no limit in calendar days).
INSERT_PROCEDURE_BEFORE_M0013 = INSERT_PROCEDURE.replace(", published_by\n", "\n").replace(", ?)", ")")

FILL_PUBLISHED_BY = """
UPDATE procedure SET published_by = ? WHERE code = ? AND published_by IS NULL
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
    return db.executemany(INSERT_FIELD, list(rows))


def knows_published_by(db: Database) -> bool:
    """Whether the procedure table is as m0013 made it (published_by, limits in calendar days)."""
    return "published_by" in db.columns("procedure")


def insert_procedures(db: Database, rows: Iterable[Sequence[object]], *, published_by: bool) -> int:
    """Rows in the column order of ``INSERT_PROCEDURE``; codes already there are skipped. On a schema from before
    m0013 (``published_by`` False: ``knows_published_by``) the last value is left out."""
    if published_by:
        return db.executemany(INSERT_PROCEDURE, list(rows))
    return db.executemany(INSERT_PROCEDURE_BEFORE_M0013, [row[:-1] for row in rows])


def fill_published_by(db: Database, rows: Iterable[tuple[str, str]]) -> int:
    """(decision, code): the decision that published a procedure, where none is recorded yet."""
    return db.executemany(FILL_PUBLISHED_BY, list(rows))


def procedures(db: Database) -> list[tuple]:
    """(code, name, field, time limit, unit, online level, supplement rule, active, published by, id, fee text, fee
    amount, online payment) of every procedure."""
    return db.execute(
        "SELECT p.code, p.name, f.name, p.time_limit, p.time_limit_unit, p.online_level, p.supplement_rule, p.active,"
        " p.published_by, p.id, p.fee, p.fee_amount, p.online_payment"
        " FROM procedure p JOIN field f ON f.id = p.field_id ORDER BY f.position, f.name, p.code"
    ).fetchall()


# -- fees (m0017) ----------------------------------------------------------------------------------------------


def knows_fees(db: Database) -> bool:
    """Whether the procedure table has the fee as a number and the online payment (m0017)."""
    return "fee_amount" in db.columns("procedure")


def fill_fee_amounts(db: Database, rows: Iterable[tuple[int, str, str | None]]) -> int:
    """(amount, code, fee text): the amount a procedure's fee text states, where none is recorded yet and the text
    is still that one (a procedure the unit edited keeps its own)."""
    return db.executemany(
        "UPDATE procedure SET fee_amount = ? WHERE code = ? AND fee_amount IS NULL AND fee IS NOT DISTINCT FROM ?",
        list(rows))


def set_fee(db: Database, procedure_id: int, *, amount: int | None, online_payment: bool) -> None:
    db.execute("UPDATE procedure SET fee_amount = ?, online_payment = ? WHERE id = ?",
               [amount, int(online_payment), procedure_id])


def set_online_payment(db: Database, codes: Iterable[str]) -> int:
    """Mark the procedures of ``codes`` as payable online."""
    return db.executemany("UPDATE procedure SET online_payment = 1 WHERE code = ?",
                               [(code,) for code in codes])


# -- each procedure's document checklist (m0014) -----------------------------------------------------------

INSERT_CHECKLIST_ITEM = """
INSERT INTO procedure_document (procedure_id, position, name, kind, count) VALUES (?, ?, ?, ?, ?)
"""


def knows_checklists(db: Database) -> bool:
    """Whether the schema has the procedures' checklists (m0014)."""
    return "procedure_document" in db.table_names()


def procedure_id(db: Database, code: str) -> int | None:
    row = db.execute("SELECT id FROM procedure WHERE code = ?", [code]).fetchone()
    return None if row is None else row[0]


def checklist(db: Database, procedure_id: int) -> list[tuple[str, str, int]]:
    """(name, kind, count) of the procedure's checklist, in order."""
    return db.execute(
        "SELECT name, kind, count FROM procedure_document WHERE procedure_id = ? ORDER BY position", [procedure_id]
    ).fetchall()


def checklist_counts(db: Database) -> dict[int, int]:
    """Procedure id → how many documents its checklist has (procedures without one left out)."""
    return dict(db.execute("SELECT procedure_id, count(*) FROM procedure_document GROUP BY procedure_id").fetchall())


def replace_checklist(db: Database, procedure_id: int, rows: Sequence[tuple[str, str, int]]) -> None:
    """The procedure's checklist becomes ``rows`` of (name, kind, count), in order (inside the caller's
    transaction: the old lines go only with the new ones written)."""
    db.execute("DELETE FROM procedure_document WHERE procedure_id = ?", [procedure_id])
    db.executemany(INSERT_CHECKLIST_ITEM, [(procedure_id, position, *row)
                                                for position, row in enumerate(rows, start=1)])
