"""The demo data generator's statements (written with ``bulk.executemany`` over batches of tuples) and reads."""

from __future__ import annotations

from collections.abc import Sequence

from db.handle import Database
from db.queries import insert_dossier_sql

INSERT_USER = """
INSERT INTO "user" (username, full_name, title, role, password_hash, active, created_at)
VALUES (?, ?, ?, ?, ?, 1, ?)
ON CONFLICT (username) DO NOTHING
"""

# The columns of the 2025 papers (m0012), then those of the fees and of the filings of another commune's residents
# (m0017), last in ``INSERT_DOSSIER``: a file of an earlier schema (the upgrade tests fill one with the demo before
# upgrading it) is written without those it does not have.
PAPER_COLUMNS = ("result_delivery", "proxy", "ledger_book", "ledger_line")
FEE_COLUMNS = ("home_commune", "transferred_to", "fee_paid", "fee_receipt", "fee_method", "fee_exempt_reason",
               "result_digitized")
COLUMNS = (
    "id", "code", "procedure_id", "applicant_name", "applicant_folded", "applicant_id", "phone", "address", "sets",
    "channel", "received_at", "received_by", "due_at", "handling_unit", "resolved_at", "returned_at", "outcome",
    "withdrawn_at", "status", "digitized", "fee", "form_set", *PAPER_COLUMNS, *FEE_COLUMNS,
)
INSERT_DOSSIER = insert_dossier_sql(COLUMNS)


def dossier_insert(db: Database) -> tuple[str, int | None]:
    """``INSERT_DOSSIER`` and None, or for a schema from before m0017 (or m0012) the statement without the columns
    it lacks and how many values of each row it takes (the first ones)."""
    columns = set(db.columns("dossier"))
    if set(FEE_COLUMNS) <= columns:
        return INSERT_DOSSIER, None
    later = FEE_COLUMNS if set(PAPER_COLUMNS) <= columns else (*PAPER_COLUMNS, *FEE_COLUMNS)
    earlier = COLUMNS[:-len(later)]
    return insert_dossier_sql(earlier), len(earlier)


def has_paper_columns(db: Database) -> bool:
    """Whether the dossier table has the 2025 papers' columns (m0012: the ledgers)."""
    return set(PAPER_COLUMNS) <= set(db.columns("dossier"))


INSERT_EVENT = """
INSERT INTO dossier_event (dossier_id, kind, at, user_id, from_status, to_status, reason, due_before, due_after)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

INSERT_SURVEY = """
INSERT INTO survey (id, taken_on, method, dossier_id, overall, comment, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)
"""

INSERT_SURVEY_ANSWER = """
INSERT INTO survey_answer (survey_id, criterion_id, score, criterion_text) VALUES (?, ?, ?, ?)
"""

INSERT_INSPECTION = """
INSERT INTO inspection (id, inspected_on, kind, basis, place, inspectors, subject, subject_kind, conclusion, user_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

INSERT_INSPECTION_CHECK = """
INSERT INTO inspection_check (inspection_id, criterion_id, result, note, criterion_text) VALUES (?, ?, ?, ?, ?)
"""

INSERT_FINDING = """
INSERT INTO finding (inspection_id, description, remedy_deadline, responsible, remedied_on, measure,
                     official_name, official_is_leader)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""

INSERT_PLAN = """
INSERT INTO plan (year, decision_number, decision_date, title) VALUES (?, ?, ?, ?)
ON CONFLICT (year) DO NOTHING
"""

INSERT_TASK = """
INSERT INTO plan_task (plan_id, number, title, area, source, lead, cooperating, deadline, status, completed_on,
                       evidence, progress_note)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

INSERT_DIRECTIVE = """
INSERT INTO directive_document (number, issued_on, kind, title, area) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (number, issued_on) DO NOTHING
"""


def dossier_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM dossier").fetchone()[0]


def user_ids(db: Database) -> dict[str, int]:
    """Username (lower case) → id."""
    return {name.lower(): user_id for user_id, name in db.execute('SELECT id, username FROM "user"')}


def active_survey_criteria(db: Database) -> list[tuple[int, str]]:
    return db.execute("SELECT id, text FROM survey_criterion WHERE active = 1 ORDER BY position, id").fetchall()


def active_inspection_criteria(db: Database) -> list[tuple[int, str, str]]:
    return db.execute(
        "SELECT id, code, text FROM inspection_criterion WHERE active = 1 ORDER BY position, id"
    ).fetchall()


def plan_id(db: Database, year: int) -> int | None:
    row = db.execute("SELECT id FROM plan WHERE year = ?", [year]).fetchone()
    return row[0] if row else None


def task_count(db: Database, plan: int) -> int:
    return db.execute("SELECT count(*) FROM plan_task WHERE plan_id = ?", [plan]).fetchone()[0]


def drop_indexes(db: Database, tables: Sequence[str]) -> list[str]:
    """Drop the explicit indexes of ``tables``; returns their SQL to recreate them with ``create_indexes``.

    A bulk load into indexed tables is faster, and gives smaller indexes, when they are built afterwards
    in one sorted pass. Call both inside the same transaction: the schema is then never seen without them.
    On a server the indexes are the schema owner's, not a desk's to drop: none is dropped there.
    """
    if db.dialect != "sqlite":
        return []
    marks = ", ".join("?" for _ in tables)
    rows = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        list(tables),
    ).fetchall()
    for name, _sql in rows:
        db.execute(f"DROP INDEX \"{name}\"")
    return [sql for _name, sql in rows]


def create_indexes(db: Database, statements: Sequence[str]) -> None:
    for statement in statements:
        db.execute(statement)


def optimize_search(db: Database) -> None:
    """Merge the register's full-text index, filled row by row during a bulk load, into one segment: smaller,
    and no later registration pays for merging the segments the load left. A server has no such index."""
    if db.dialect == "sqlite":
        db.execute("INSERT INTO dossier_fts (dossier_fts) VALUES ('optimize')")


def cache_size(db: Database) -> int:
    """SQLite's page cache of the connection (``PRAGMA cache_size``); 0 on a server, whose memory is its own."""
    return db.execute("PRAGMA cache_size").fetchone()[0] if db.dialect == "sqlite" else 0


def set_cache_size(db: Database, pages_or_kib: int) -> None:
    """``PRAGMA cache_size``: pages when positive, KiB when negative. Nothing on a server."""
    if db.dialect == "sqlite":
        db.execute(f"PRAGMA cache_size = {int(pages_or_kib)}")
