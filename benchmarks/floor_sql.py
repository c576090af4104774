"""The physical floor of the report's figures: the same counts as one hand-written SQL statement.

``StatisticsService.figures`` runs a dozen queries from Python; this is what a competent person would write
instead, once, against the same file and its indexes: each set of dossiers read once from its own index range
(received in the period; resolved in it, by receipt or by the partial index dossier_resolved_slowly; open at
its start and at its end, by receipt or by the partial index dossier_long_lived), every count of a set a
count of its pass with a FILTER, and the other tables' counts as scalar subqueries over their date indexes. (One
pass over every dossier alive in the period, with all the sums on it, was tried: 2.5× slower on 1M dossiers (464 ms),
the sums over 61,000 rows cost more than the passes they save.) The benchmark checks first that its numbers
equal the service's (``differences``): a floor that counts something else is no floor.

Left out, because they need Python's diacritic folding (``cchc_desktop.text.fold``) to compare names: 1.2.1
(distinct subjects inspected), 5.4.2 and its parts (units inspected / known), 5.4.5 and 5.4.6 (officials
disciplined, by name). Rates are left out as well: they are quotients of counts that are compared.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from db.queries.statistics import CATALOGUE, LONG_LIVED_DAYS, SLOW_DAYS

FLOOR_SQL = """
WITH
received AS (
    SELECT count(*) FILTER (WHERE channel = 'direct') AS received_direct,
           count(*) FILTER (WHERE channel = 'postal') AS received_postal,
           count(*) FILTER (WHERE channel = 'online_partial') AS received_online_partial,
           count(*) FILTER (WHERE channel = 'online_full') AS received_online_full,
           count(*) FILTER (WHERE digitized = 1) AS digitized
    FROM dossier WHERE received_at >= :start AND received_at < :before
),
-- resolved in the period: received at most 14 days before it, or resolved slowly (the partial index
-- dossier_resolved_slowly, its WHERE word for word)
resolved AS (
    SELECT count(*) AS resolved,
           count(*) FILTER (WHERE granted AND resolved_at <= due_at AND channel = 'direct') AS in_time_direct,
           count(*) FILTER (WHERE granted AND resolved_at <= due_at AND channel = 'postal') AS in_time_postal,
           count(*) FILTER (WHERE granted AND resolved_at <= due_at AND channel = 'online_partial')
               AS in_time_online_partial,
           count(*) FILTER (WHERE granted AND resolved_at <= due_at AND channel = 'online_full')
               AS in_time_online_full,
           count(*) FILTER (WHERE granted AND resolved_at < substr(due_at, 1, 10)) AS early,
           count(*) FILTER (WHERE granted AND resolved_at > due_at) AS late,
           count(*) FILTER (WHERE NOT granted) AS refused,
           count(*) FILTER (WHERE granted AND resolved_at <= due_at AND procedure_id IN (
               SELECT p.id FROM procedure p JOIN field f ON f.id = p.field_id WHERE f.name_folded = 'dat dai'))
               AS in_time_land,
           count(*) FILTER (WHERE granted AND resolved_at <= due_at AND procedure_id IN (
               SELECT p.id FROM procedure p JOIN field f ON f.id = p.field_id WHERE f.name_folded = 'xay dung'))
               AS in_time_construction
    FROM (
        SELECT channel, procedure_id, resolved_at, due_at, outcome IS DISTINCT FROM 'refused' AS granted FROM dossier
        WHERE received_at >= :slow_from AND received_at < :before
          AND resolved_at >= :start AND resolved_at < :before
        UNION ALL
        SELECT channel, procedure_id, resolved_at, due_at, outcome IS DISTINCT FROM 'refused' AS granted FROM dossier
        WHERE resolved_at > date(received_at, '+14 days') AND resolved_at >= :start AND resolved_at < :before
          AND received_at < :slow_from
    ) AS r
),
-- open at the period's start: received in the 90 days before it, or long-lived (the partial index
-- dossier_long_lived, its WHERE word for word)
carried AS (
    SELECT count(*) AS carried_over FROM (
        SELECT 1 FROM dossier WHERE received_at >= :recent AND received_at < :start
          AND coalesce(resolved_at, withdrawn_at, '9') >= :start
        UNION ALL
        SELECT 1 FROM dossier
        WHERE coalesce(resolved_at, withdrawn_at, '9') > date(received_at, '+90 days')
          AND received_at < :recent AND coalesce(resolved_at, withdrawn_at, '9') >= :start
    ) AS c
),
-- open at the end of the last day counted, the same way; waiting for a supplement (clock stopped), else overdue
-- by the appointment as it stood then (the one a supplement received later replaced, else the stored one)
open_end AS (
    SELECT count(*) AS in_progress, count(*) FILTER (WHERE NOT waiting AND due_then < :before) AS overdue,
           count(*) FILTER (WHERE waiting) AS waiting_supplement
    FROM (SELECT coalesce(
               (SELECT e.due_before FROM dossier_event e
                WHERE e.dossier_id = o.id AND e.at >= :before AND e.kind = 'supplement_received'
                  AND e.due_before IS NOT NULL ORDER BY e.at, e.id LIMIT 1), due_at) AS due_then,
           coalesce(
               (SELECT e.kind FROM dossier_event e
                WHERE e.dossier_id = o.id AND e.at < :before
                  AND e.kind IN ('supplement_requested', 'supplement_received')
                ORDER BY e.at DESC, e.id DESC LIMIT 1),
               CASE WHEN status = 'waiting_supplement' AND NOT EXISTS (
                   SELECT 1 FROM dossier_event e WHERE e.dossier_id = o.id AND e.kind = 'supplement_requested')
               THEN 'supplement_requested' END) IS NOT DISTINCT FROM 'supplement_requested' AS waiting
    FROM (
        SELECT id, due_at, status FROM dossier WHERE received_at >= :recent_end AND received_at < :before
          AND coalesce(resolved_at, withdrawn_at, '9') >= :before
        UNION ALL
        SELECT id, due_at, status FROM dossier
        WHERE coalesce(resolved_at, withdrawn_at, '9') > date(received_at, '+90 days')
          AND received_at < :recent_end AND coalesce(resolved_at, withdrawn_at, '9') >= :before
    ) o) AS w
),
s AS (
    SELECT count(*) AS responses, count(*) FILTER (WHERE method = 'paper') AS paper,
           count(*) FILTER (WHERE method = 'online') AS online, count(*) FILTER (WHERE method = 'kiosk') AS kiosk,
           count(*) FILTER (WHERE overall >= 4) AS satisfied
    FROM survey WHERE taken_on >= :start AND taken_on < :before
),
t AS (
    SELECT count(*) FILTER (WHERE status != 'cancelled') AS tasks,
           count(*) FILTER (WHERE status != 'cancelled' AND completed_on <= :cutoff) AS done,
           count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE status != 'cancelled' AND NOT coalesce(completed_on <= :cutoff, FALSE)
                        AND deadline < :cutoff) AS overdue_tasks,
           count(*) FILTER (WHERE status != 'cancelled' AND source = 'higher_level') AS higher_level,
           count(*) FILTER (WHERE status != 'cancelled' AND source = 'higher_level' AND completed_on <= :cutoff
                        AND (deadline IS NULL OR completed_on <= deadline)) AS higher_on_time,
           count(*) FILTER (WHERE status != 'cancelled' AND source = 'higher_level' AND completed_on <= :cutoff
                        AND completed_on > deadline) AS higher_late
    FROM plan_task WHERE plan_id = (SELECT id FROM plan WHERE year = :year)
),
c AS (""" + CATALOGUE + """)
SELECT received.*, resolved.*, carried.*, open_end.*, s.*,
    CASE WHEN s.responses = 0 THEN NULL WHEN s.paper > 0 AND s.online + s.kiosk > 0 THEN 2
         WHEN s.paper > 0 THEN 1 ELSE 0 END AS method_code,
    (SELECT json_group_array(json_array(c.id, coalesce(a.answers, 0), a.average))
     FROM survey_criterion c LEFT JOIN (
         SELECT a.criterion_id, count(*) AS answers, avg(a.score) AS average
         FROM survey s JOIN survey_answer a ON a.survey_id = s.id
         WHERE s.taken_on >= :start AND s.taken_on < :before GROUP BY a.criterion_id
     ) a ON a.criterion_id = c.id
     WHERE c.active = 1 OR a.answers > 0) AS criteria,
    t.*, c.*,
    (SELECT count(*) FROM directive_document WHERE issued_on >= :start AND issued_on < :before) AS directives,
    (SELECT count(*) FROM dossier WHERE withdrawn_at >= :start AND withdrawn_at < :before) AS withdrawn,
    (SELECT count(*) FROM apology_letter WHERE issued_on >= :start AND issued_on < :before) AS apologies,
    (SELECT count(*) FROM inspection WHERE inspected_on >= :start AND inspected_on < :before) AS inspections,
    (SELECT count(*) FROM finding f JOIN inspection i ON i.id = f.inspection_id
     WHERE i.inspected_on >= :start AND i.inspected_on < :before) AS findings,
    (SELECT count(*) FROM finding f JOIN inspection i ON i.id = f.inspection_id
     WHERE i.inspected_on >= :start AND i.inspected_on < :before AND f.remedied_on <= :cutoff)
        AS findings_resolved
FROM received, resolved, carried, open_end, s, t, c
"""


# The one part no SQL both engines read says: a JSON array of arrays, written by PostgreSQL's own functions there.
SQLITE_CRITERIA = "json_group_array(json_array(c.id, coalesce(a.answers, 0), a.average))"
POSTGRESQL_CRITERIA = "json_agg(json_build_array(c.id, coalesce(a.answers, 0), a.average) ORDER BY c.id)::text"


def floor_figures(db: Any, *, first: date, last: date, cutoff: date) -> dict[str, Any]:
    """Every figure ``FLOOR_SQL`` counts for the days [first, last] and the cut-off, by column name, on either
    engine (``db`` is the program's handle)."""
    before = last + timedelta(days=1)
    params = {"start": first.isoformat(), "before": before.isoformat(),
              "slow_from": (first - timedelta(days=SLOW_DAYS)).isoformat(),
              "recent": (first - timedelta(days=LONG_LIVED_DAYS)).isoformat(),
              "recent_end": (before - timedelta(days=LONG_LIVED_DAYS)).isoformat(), "day": last.isoformat(),
              "cutoff": cutoff.isoformat(), "year": last.year}
    sql = FLOOR_SQL if db.dialect == "sqlite" else FLOOR_SQL.replace(SQLITE_CRITERIA, POSTGRESQL_CRITERIA)
    cursor = db.execute(sql, params)
    row = dict(zip([column[0] for column in cursor.description], cursor.fetchone(), strict=True))
    return {key: 0 if value is None and key != "method_code" else value for key, value in row.items()}


def differences(floor: dict[str, Any], figures: Any) -> list[str]:
    """The figures where ``floor`` (from ``floor_figures``) and the service's ``Figures`` disagree."""
    d, p, s, i, c = figures.dossiers, figures.plan, figures.surveys, figures.inspections, figures.catalogue
    service = {
        "received_direct": d.received.direct, "received_postal": d.received.postal,
        "received_online_partial": d.received.online_partial, "received_online_full": d.received.online_full,
        "digitized": d.digitized, "carried_over": d.carried_over, "resolved": d.resolved.total,
        "in_time_direct": d.in_time.direct, "in_time_postal": d.in_time.postal,
        "in_time_online_partial": d.in_time.online_partial, "in_time_online_full": d.in_time.online_full,
        "early": d.early, "late": d.late, "refused": d.refused, "in_time_land": d.in_time_land,
        "in_time_construction": d.in_time_construction, "in_progress": d.in_progress, "overdue": d.overdue,
        "waiting_supplement": d.waiting_supplement, "withdrawn": d.withdrawn, "apologies": d.apologies,
        "responses": s.responses, "paper": s.paper, "online": s.online, "kiosk": s.kiosk, "satisfied": s.satisfied,
        "method_code": s.method_code,
        "criteria": [[row.criterion_id, row.answers, row.average] for row in s.criteria],
        "tasks": p.tasks, "done": p.done, "cancelled": p.cancelled, "overdue_tasks": p.overdue,
        "higher_level": p.higher_level, "higher_on_time": p.higher_done_on_time, "higher_late": p.higher_done_late,
        "directives": p.directives,
        "in_force": c.in_force, "one_stop": c.one_stop, "same_level": c.same_level, "cross_level": c.cross_level,
        "online_partial": c.online_partial, "online_full": c.online_full,
        "inspections": i.inspections, "findings": i.findings, "findings_resolved": i.findings_resolved,
    }
    # JSON keeps 15 significant digits of an average
    service["criteria"] = _rounded(service["criteria"])
    floor = {**floor, "criteria": _rounded(json.loads(floor["criteria"]))}
    return [f"{key}: service {value!r}, SQL {floor.get(key)!r}" for key, value in service.items()
            if floor.get(key) != value]


def _rounded(criteria: list[list[Any]]) -> list[list[Any]]:
    return sorted([id_, answers, average if average is None else round(average, 9)]
                  for id_, answers, average in criteria)
