"""Administrative-discipline checks: the checklist (inspection_criterion), inspections, their checks and findings.

Write functions are called inside the service's ``with writing(db):`` (``db.errors``, the one write
transaction): it begins with ``BEGIN IMMEDIATE``, so the write lock is held before anything is read and every
read sees the latest committed data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from db.handle import Database
from db.queries import count_if, inserted_id

Row = dict[str, Any]

INSPECTION_COLUMNS = "id, inspected_on, kind, basis, place, inspectors, subject, subject_kind, conclusion"
FINDING_COLUMNS = """
    f.id, f.inspection_id, f.description, f.remedy_deadline, f.responsible, f.remedied_on, f.measure,
    f.official_name, f.official_is_leader
"""
FINDING_FIELDS = ("description", "remedy_deadline", "responsible", "remedied_on", "measure", "official_name",
                  "official_is_leader")
INSPECTION_FIELDS = ("basis", "place", "inspectors", "conclusion")

INSERT_FINDING = """
INSERT INTO finding (inspection_id, description, remedy_deadline, responsible, remedied_on, measure, official_name,
                     official_is_leader)
VALUES (:inspection_id, :description, :remedy_deadline, :responsible, :remedied_on, :measure, :official_name,
        :official_is_leader)
"""



def criteria(db: Database, *, active_only: bool) -> list[Row]:
    """The checklist in its order (only the active criteria when asked)."""
    where = "WHERE active = 1" if active_only else ""
    return list(db.query(f"SELECT id, code, text, position, active FROM inspection_criterion {where}"
                         " ORDER BY position, id"))


# -- writing -----------------------------------------------------------------------------------------------


def insert_inspection(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(
        db,
        "INSERT INTO inspection (inspected_on, kind, basis, place, inspectors, subject, subject_kind, conclusion,"
        " user_id) VALUES (:inspected_on, :kind, :basis, :place, :inspectors, :subject, :subject_kind,"
        " :conclusion, :user_id)", dict(values))


def insert_checks(db: Database, rows: Iterable[tuple[int, int, str, str | None, str]]) -> None:
    """(inspection id, criterion id, result, note, the criterion's wording as checked)."""
    db.executemany(
        "INSERT INTO inspection_check (inspection_id, criterion_id, result, note, criterion_text)"
        " VALUES (?, ?, ?, ?, ?)", list(rows))


def insert_findings(db: Database, rows: Iterable[Mapping[str, object]]) -> None:
    """Each mapping has the named parameters of ``INSERT_FINDING``."""
    db.executemany(INSERT_FINDING, [dict(values) for values in rows])


def insert_finding(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(db, INSERT_FINDING, dict(values))


def _update(db: Database, table: str, fields: tuple[str, ...], record_id: int, values: Mapping[str, object]) -> None:
    names = [name for name in values if name in fields]  # only known names reach the SQL text
    if names:
        assignments = ", ".join(f"{name} = :{name}" for name in names)
        db.execute(f"UPDATE {table} SET {assignments} WHERE id = :id",
                   {**{name: values[name] for name in names}, "id": record_id})


def update_finding(db: Database, finding_id: int, values: Mapping[str, object]) -> None:
    """``values``: some of ``FINDING_FIELDS``."""
    _update(db, "finding", FINDING_FIELDS, finding_id, values)


def update_inspection(db: Database, inspection_id: int, values: Mapping[str, object]) -> None:
    """``values``: some of ``INSPECTION_FIELDS``."""
    _update(db, "inspection", INSPECTION_FIELDS, inspection_id, values)


# -- reading -----------------------------------------------------------------------------------------------


def inspection(db: Database, inspection_id: int) -> Row | None:
    return next(db.query(f"SELECT {INSPECTION_COLUMNS} FROM inspection WHERE id = ?", [inspection_id]), None)


def checks(db: Database, inspection_id: int) -> list[Row]:
    """The inspection's checks in the checklist's order."""
    return list(db.query(
        """
        SELECT k.criterion_id, k.result, k.note, k.criterion_text
        FROM inspection_check k JOIN inspection_criterion c ON c.id = k.criterion_id
        WHERE k.inspection_id = ?
        ORDER BY c.position, c.id
        """, [inspection_id]))


def findings(db: Database, inspection_id: int) -> list[Row]:
    return list(db.query(f"SELECT {FINDING_COLUMNS} FROM finding f WHERE f.inspection_id = ? ORDER BY f.id",
                         [inspection_id]))


def finding(db: Database, finding_id: int) -> Row | None:
    """The finding with its inspection's date."""
    return next(db.query(
        f"SELECT {FINDING_COLUMNS}, i.inspected_on FROM finding f JOIN inspection i ON i.id = f.inspection_id"
        " WHERE f.id = ?", [finding_id]), None)


def summaries(db: Database, *, start: str, before: str, today: str) -> list[Row]:
    """The inspections dated in [start, before), oldest first, with their findings counted: all, remedied,
    open past their remedy deadline (``today``)."""
    return list(db.query(
        f"""
        SELECT i.id, i.inspected_on, i.kind, i.subject, i.subject_kind,
               count(f.id) AS findings, count(f.remedied_on) AS remedied,
               {count_if("f.id IS NOT NULL AND f.remedied_on IS NULL AND f.remedy_deadline < :today")} AS overdue
        FROM inspection i LEFT JOIN finding f ON f.inspection_id = i.id
        WHERE i.inspected_on >= :start AND i.inspected_on < :before
        GROUP BY i.id
        ORDER BY i.inspected_on, i.id
        """, {"start": start, "before": before, "today": today}))


def inspections_between(db: Database, *, first: str, last: str) -> list[Row]:
    """The inspections dated from ``first`` to ``last`` (inclusive), with every column (the import)."""
    return list(db.query(f"SELECT {INSPECTION_COLUMNS} FROM inspection WHERE inspected_on BETWEEN ? AND ?",
                         [first, last]))


def findings_between(db: Database, *, first: str, last: str) -> list[Row]:
    """The findings of the inspections dated from ``first`` to ``last`` (inclusive), in order (the import)."""
    return list(db.query(
        f"SELECT {FINDING_COLUMNS} FROM finding f JOIN inspection i ON i.id = f.inspection_id"
        " WHERE i.inspected_on BETWEEN ? AND ? ORDER BY f.id", [first, last]))
