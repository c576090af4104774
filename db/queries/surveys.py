"""Satisfaction surveys: the questionnaire (survey_criterion), the responses and their answers.

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

CRITERION_COLUMNS = "id, code, aspect, aspect_name, text, position, active"
SURVEY_COLUMNS = """
    s.id, s.taken_on, s.method, s.dossier_id, s.overall, s.comment, s.user_id, d.code AS dossier_code
"""
# The highest code point: ``code < prefix || LAST`` bounds a prefix on the code's unique index.
_LAST = "\U0010ffff"



# -- the questionnaire -------------------------------------------------------------------------------------


def criteria(db: Database, *, active_only: bool) -> list[Row]:
    """The criteria in the questionnaire's order (only the active ones when asked)."""
    where = "WHERE active = 1" if active_only else ""
    return list(db.query(f"SELECT {CRITERION_COLUMNS} FROM survey_criterion {where} ORDER BY position, id"))


def criterion(db: Database, criterion_id: int) -> Row | None:
    return next(db.query(f"SELECT {CRITERION_COLUMNS} FROM survey_criterion WHERE id = ?", [criterion_id]), None)


def insert_criterion(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(
        db,
        "INSERT INTO survey_criterion (code, aspect, aspect_name, text, position, active)"
        " VALUES (:code, :aspect, :aspect_name, :text, :position, :active)", dict(values))


def update_criterion(db: Database, criterion_id: int, *, text: str, active: bool) -> None:
    db.execute("UPDATE survey_criterion SET text = ?, active = ? WHERE id = ?", [text, int(active), criterion_id])


def set_positions(db: Database, ids_in_order: Sequence[int]) -> None:
    """Number the criteria 1, 2, … in the order given."""
    db.executemany("UPDATE survey_criterion SET position = ? WHERE id = ?",
                        [(position, criterion_id) for position, criterion_id in enumerate(ids_in_order, start=1)])


# -- dossiers a survey may name ------------------------------------------------------------------------------


def dossier_by_code(db: Database, code: str) -> Row | None:
    """The dossier's id and day of receipt (nothing personal)."""
    return next(db.query("SELECT id, code, substr(received_at, 1, 10) AS received_on FROM dossier WHERE code = ?",
                         [code]), None)


def dossier_codes(db: Database, prefixes: Sequence[str], limit: int) -> list[Row]:
    """Dossiers whose code starts with one of ``prefixes`` (a range on the code's unique index), newest code
    first within each prefix; with the procedure's name and the day of receipt, nothing personal."""
    found: list[Row] = []
    for prefix in prefixes:
        if len(found) >= limit:
            break
        found += db.query(
            """
            SELECT d.code, p.name AS procedure_name, substr(d.received_at, 1, 10) AS received_on
            FROM dossier d JOIN procedure p ON p.id = d.procedure_id
            WHERE d.code >= :prefix AND d.code < :prefix || :last
            ORDER BY d.code DESC
            LIMIT :limit
            """, {"prefix": prefix, "last": _LAST, "limit": limit - len(found)})
    return found


# -- responses ---------------------------------------------------------------------------------------------


def insert_survey(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(
        db,
        "INSERT INTO survey (taken_on, method, dossier_id, overall, comment, user_id)"
        " VALUES (:taken_on, :method, :dossier_id, :overall, :comment, :user_id)", dict(values))


def insert_answers(db: Database, rows: Iterable[tuple[int, int, int, str]]) -> None:
    """(survey id, criterion id, score, the criterion's wording as asked)."""
    db.executemany(
        "INSERT INTO survey_answer (survey_id, criterion_id, score, criterion_text) VALUES (?, ?, ?, ?)", list(rows))


def survey(db: Database, survey_id: int) -> Row | None:
    return next(db.query(f"SELECT {SURVEY_COLUMNS} FROM survey s LEFT JOIN dossier d ON d.id = s.dossier_id"
                         " WHERE s.id = ?", [survey_id]), None)


def recent(db: Database, limit: int) -> list[Row]:
    """The last responses entered, the newest first."""
    return list(db.query(f"SELECT {SURVEY_COLUMNS} FROM survey s LEFT JOIN dossier d ON d.id = s.dossier_id"
                         " ORDER BY s.id DESC LIMIT ?", [limit]))


def answers(db: Database, survey_ids: Sequence[int]) -> list[Row]:
    """The answers of the given responses, each in the questionnaire's order."""
    if not survey_ids:
        return []
    marks = ", ".join("?" * len(survey_ids))
    return list(db.query(
        f"""
        SELECT a.survey_id, a.criterion_id, a.score, a.criterion_text
        FROM survey_answer a JOIN survey_criterion c ON c.id = a.criterion_id
        WHERE a.survey_id IN ({marks})
        ORDER BY a.survey_id, c.position, c.id
        """, list(survey_ids)))


def responses_between(db: Database, *, first: str, last: str) -> list[Row]:
    """Every response taken from ``first`` to ``last`` (inclusive) with its answers as ``criterion:score``
    pairs, comma-separated in criterion order (the import's duplicate check)."""
    return list(db.query(
        """
        SELECT s.taken_on, s.method, s.dossier_id, s.overall, s.comment,
               (SELECT group_concat(pair, ',') FROM (
                    SELECT a.criterion_id || ':' || a.score AS pair FROM survey_answer a
                    WHERE a.survey_id = s.id ORDER BY a.criterion_id) AS pairs) AS scores
        FROM survey s
        WHERE s.taken_on BETWEEN ? AND ?
        """, [first, last]))
