"""The annual reform plan: plans, their tasks, and the register of directive documents.

Write functions are called inside the service's ``with writing(db):`` (``db.errors``, the one write
transaction): it begins with ``BEGIN IMMEDIATE``, so the write lock is held before anything is read and every
read sees the latest committed data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from db.handle import Database
from db.queries import inserted_id

Row = dict[str, Any]

PLAN_COLUMNS = "id, year, decision_number, decision_date, title"
TASK_COLUMNS = """
    t.id, t.plan_id, p.year, t.number, t.title, t.area, t.source, t.lead, t.cooperating, t.deadline, t.status,
    t.completed_on, t.evidence, t.progress_note
"""
DOCUMENT_COLUMNS = "id, number, issued_on, kind, title, area"

INSERT_TASK = """
INSERT INTO plan_task (plan_id, number, title, area, source, lead, cooperating, deadline, status, completed_on,
                       evidence, progress_note)
VALUES (:plan_id, :number, :title, :area, :source, :lead, :cooperating, :deadline, :status, :completed_on,
        :evidence, :progress_note)
"""

UPDATE_TASK = """
UPDATE plan_task SET number = :number, title = :title, area = :area, source = :source, lead = :lead,
                     cooperating = :cooperating, deadline = :deadline, status = :status,
                     completed_on = :completed_on, evidence = :evidence, progress_note = :progress_note
WHERE id = :id
"""



# -- plans -------------------------------------------------------------------------------------------------


def plans(db: Database) -> list[Row]:
    """Every plan, the newest year first."""
    return list(db.query(f"SELECT {PLAN_COLUMNS} FROM plan ORDER BY year DESC"))


def plan_by_year(db: Database, year: int) -> Row | None:
    return next(db.query(f"SELECT {PLAN_COLUMNS} FROM plan WHERE year = ?", [year]), None)


def insert_plan(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(
        db,
        "INSERT INTO plan (year, decision_number, decision_date, title)"
        " VALUES (:year, :decision_number, :decision_date, :title)", dict(values))


def update_plan(db: Database, plan_id: int, values: Mapping[str, object]) -> None:
    db.execute(
        "UPDATE plan SET decision_number = :decision_number, decision_date = :decision_date, title = :title"
        " WHERE id = :id", {**values, "id": plan_id})


# -- tasks -------------------------------------------------------------------------------------------------


def tasks(db: Database, plan_id: int, area: int | None = None) -> list[Row]:
    """The plan's tasks (of one area when given), in storage order: the service sorts them."""
    where, params = "t.plan_id = ?", [plan_id]
    if area is not None:
        where, params = where + " AND t.area = ?", [*params, area]
    return list(db.query(f"SELECT {TASK_COLUMNS} FROM plan_task t JOIN plan p ON p.id = t.plan_id WHERE {where}",
                         params))


def task(db: Database, task_id: int) -> Row | None:
    return next(db.query(
        f"SELECT {TASK_COLUMNS} FROM plan_task t JOIN plan p ON p.id = t.plan_id WHERE t.id = ?", [task_id]), None)


def task_count(db: Database, plan_id: int) -> int:
    return db.execute("SELECT count(*) FROM plan_task WHERE plan_id = ?", [plan_id]).fetchone()[0]


def task_ids_by_number(db: Database, plan_id: int) -> dict[str, int]:
    """Number → id of the plan's tasks."""
    return dict(db.execute("SELECT number, id FROM plan_task WHERE plan_id = ?", [plan_id]).fetchall())


def insert_task(db: Database, values: Mapping[str, object]) -> int:
    """``values`` has the named parameters of ``INSERT_TASK``."""
    return inserted_id(db, INSERT_TASK, dict(values))


def insert_tasks(db: Database, rows: Iterable[Mapping[str, object]]) -> list[int]:
    """Ids of the new tasks, in the order of ``rows``."""
    return [insert_task(db, values) for values in rows]


def update_tasks(db: Database, rows: Sequence[Mapping[str, object]]) -> None:
    """Each mapping has the named parameters of ``UPDATE_TASK`` (``id`` included)."""
    db.executemany(UPDATE_TASK, [dict(values) for values in rows])


# -- directive documents -----------------------------------------------------------------------------------


def documents(db: Database, year: int | None = None) -> list[Row]:
    """The register in order of issue; of one year when given."""
    if year is None:
        return list(db.query(f"SELECT {DOCUMENT_COLUMNS} FROM directive_document ORDER BY issued_on, id"))
    return list(db.query(
        f"SELECT {DOCUMENT_COLUMNS} FROM directive_document WHERE issued_on BETWEEN ? AND ? ORDER BY issued_on, id",
        [f"{year:04d}-01-01", f"{year:04d}-12-31"]))


def document(db: Database, document_id: int) -> Row | None:
    return next(db.query(f"SELECT {DOCUMENT_COLUMNS} FROM directive_document WHERE id = ?", [document_id]), None)


def documents_of_day(db: Database, issued_on: str) -> list[Row]:
    return list(db.query(f"SELECT {DOCUMENT_COLUMNS} FROM directive_document WHERE issued_on = ?", [issued_on]))


def insert_document(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(
        db,
        "INSERT INTO directive_document (number, issued_on, kind, title, area)"
        " VALUES (:number, :issued_on, :kind, :title, :area)", dict(values))


def update_document(db: Database, document_id: int, values: Mapping[str, object]) -> None:
    db.execute(
        "UPDATE directive_document SET number = :number, issued_on = :issued_on, kind = :kind, title = :title,"
        " area = :area WHERE id = :id", {**values, "id": document_id})
