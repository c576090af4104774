"""The periodic report: manual appendix values per period, the officer's edits of the narrative, and the
reports as exported (frozen figures and text, one row per version).

Write functions are called inside the service's ``with writing(db):`` (``db.errors``, the one write
transaction): it begins with ``BEGIN IMMEDIATE``, so the write lock is held before anything is read and every
read sees the latest committed data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.handle import Database
from db.queries import inserted_id

Row = dict[str, Any]

REPORT_COLUMNS = """
    id, kind, period_key, date_from, date_to, cutoff, version, number, user_id, created_at,
    json_extract(figures, '$.period.label') AS label, json_extract(narrative, '$.issued_on') AS issued_on
"""



# -- manual values ---------------------------------------------------------------------------------------------


def manual_values(db: Database, period_key: str) -> dict[str, float]:
    return dict(db.execute("SELECT indicator, value FROM report_manual_value WHERE period_key = ?",
                           [period_key]).fetchall())


def set_manual_value(db: Database, values: Mapping[str, object]) -> None:
    db.execute("""
        INSERT INTO report_manual_value (period_key, indicator, value, updated_at, user_id)
        VALUES (:period_key, :indicator, :value, :updated_at, :user_id)
        ON CONFLICT (period_key, indicator) DO UPDATE
        SET value = excluded.value, updated_at = excluded.updated_at, user_id = excluded.user_id
    """, dict(values))


def delete_manual_value(db: Database, period_key: str, indicator: str) -> None:
    db.execute("DELETE FROM report_manual_value WHERE period_key = ? AND indicator = ?", [period_key, indicator])


# -- edited narrative ------------------------------------------------------------------------------------------


def section_drafts(db: Database, period_key: str) -> list[Row]:
    return list(db.query("SELECT section, text, updated_at FROM report_section_draft"
                         " WHERE period_key = ? ORDER BY section COLLATE \"binary\"", [period_key]))


def set_section_draft(db: Database, values: Mapping[str, object]) -> None:
    db.execute("""
        INSERT INTO report_section_draft (period_key, section, text, updated_at, user_id)
        VALUES (:period_key, :section, :text, :updated_at, :user_id)
        ON CONFLICT (period_key, section) DO UPDATE
        SET text = excluded.text, updated_at = excluded.updated_at, user_id = excluded.user_id
    """, dict(values))


def delete_section_drafts(db: Database, period_key: str, sections: list[str] | None = None) -> int:
    """Forget the edits of the period (of some sections only); how many were forgotten."""
    if sections is None:
        return db.execute("DELETE FROM report_section_draft WHERE period_key = ?", [period_key]).rowcount
    if not sections:
        return 0
    marks = ", ".join("?" * len(sections))
    return db.execute(f"DELETE FROM report_section_draft WHERE period_key = ? AND section IN ({marks})",
                      [period_key, *sections]).rowcount


# -- exported reports -------------------------------------------------------------------------------------------


def reports(db: Database, period_key: str | None = None) -> list[Row]:
    """The exported reports, the latest first (of one period when given)."""
    where, params = ("WHERE period_key = ?", [period_key]) if period_key is not None else ("", [])
    return list(db.query(f"SELECT {REPORT_COLUMNS} FROM report {where} ORDER BY created_at DESC, id DESC", params))


def report(db: Database, report_id: int) -> Row | None:
    return next(db.query(f"SELECT {REPORT_COLUMNS}, figures, narrative FROM report WHERE id = ?", [report_id]), None)


def versions(db: Database, period_key: str) -> list[Row]:
    """Every version of a period with its frozen JSON, the latest first."""
    return list(db.query(f"SELECT {REPORT_COLUMNS}, figures, narrative FROM report WHERE period_key = ?"
                         " ORDER BY version DESC", [period_key]))


def next_version(db: Database, period_key: str) -> int:
    return db.execute("SELECT coalesce(max(version), 0) + 1 FROM report WHERE period_key = ?",
                      [period_key]).fetchone()[0]


def insert_report(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(db, """
        INSERT INTO report (kind, period_key, date_from, date_to, cutoff, version, number, figures, narrative,
                            user_id, created_at)
        VALUES (:kind, :period_key, :date_from, :date_to, :cutoff, :version, :number, :figures, :narrative,
                :user_id, :created_at)
    """, dict(values))
