"""The figures of the periodic report and the dashboard (DESIGN.md §5), counted in SQL over the indexes.

Bounds are ISO text: a day ``'2024-01-01'`` compares below every moment of that day (``'2024-01-01T07:30'``),
so ``x >= start AND x < before`` is "on a day in [start, before)". Moments are stored to the minute.
Indexed columns are never wrapped in functions in a WHERE.

Dossiers open at a moment T (received before T, neither resolved nor withdrawn before T) are found in two
bounded parts: those received in the ``LONG_LIVED_DAYS`` before T (dossier_received_at) and the older ones,
which have necessarily lived longer than that (the partial index dossier_long_lived of migration m0004).
Dossiers resolved in a period are found the same way from the period's first day, with a shorter reach: those
received in the ``SLOW_DAYS`` before it or later, and the ones resolved more than that after their receipt
(the partial index dossier_resolved_slowly of migration m0006, which replaced a full index on resolved_at).

The state at a cut-off is read from the dossiers' history (issue 16): a dossier open then is waiting for a
supplement when its last supplement event before the cut-off's end is a request (``WAITING_AT``); its clock is
stopped then, so it is neither overdue nor "not yet due". The others are judged against the appointment as it
stood at the cut-off (``DUE_THEN``): a supplement received after the cut-off moved the stored ``due_at`` later,
and its event keeps the appointment it replaced (``due_before``). A refusal after processing (``outcome`` refused)
is resolved but has no timeliness of its own: it is counted apart (``REFUSED``), never as early, on time or late.

The statements are the same on PostgreSQL (issue 22), and give the same figures: a list ordered by a name sorts
``COLLATE "binary"`` (SQLite's default; on a server the code-point collation of that name, not the database's own);
an average is of DOUBLE PRECISION values (SQLite's float, not the server's numeric); the rows for which a
condition holds are counted with ``count(*) FILTER (WHERE cond)`` (``count_if``), which both engines run natively —
never a sum of the comparison, which the server can only do with an aggregate written in SQL, called per row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from db.handle import Database
from db.queries import count_if
from db.queries.register import BOUNDARY_TERM
from db.queries.rows import dicts

Row = dict[str, Any]

LONG_LIVED_DAYS = 90
# Exactly the WHERE of the partial index dossier_long_lived (db/sql/0004_dossier_long_lived.sql).
LONG_LIVED_TERM = "coalesce(d.resolved_at, d.withdrawn_at, '9') > date(d.received_at, '+90 days')"
OPEN_AT_TERM = "coalesce(d.resolved_at, d.withdrawn_at, '9') >= :moment"
SLOW_DAYS = 14
# Exactly the WHERE of the partial index dossier_resolved_slowly (db/sql/0006_compact_dossier_indexes.sql).
RESOLVED_SLOWLY_TERM = "d.resolved_at > date(d.received_at, '+14 days')"

# Timeliness (domain.dossiers.timeliness): early if resolved on a day before the due day (a moment compares
# below a day only when it is on an earlier day); late if after due_at; on time otherwise.
EARLY = "d.resolved_at < substr(d.due_at, 1, 10)"
LATE = "d.resolved_at > d.due_at"
ON_TIME = "d.resolved_at <= d.due_at AND d.resolved_at >= substr(d.due_at, 1, 10)"
IN_TIME = "d.resolved_at <= d.due_at"  # early or on time
# Resolved with a result (granted; an outcome never recorded counts so), or refused after processing.
GRANTED = "d.outcome IS DISTINCT FROM 'refused'"
REFUSED = "d.outcome IS NOT DISTINCT FROM 'refused'"
CHANNELS = ("direct", "postal", "online_partial", "online_full")
ONLINE_CHANNELS = ("online_partial", "online_full")
# The bases of the online rates (the unit's setting ``online_rate_base``, domain.statistics): every dossier received,
# or those that could have been filed online (their procedure offers the service — fully, for the full-online
# rate — or they were filed so).
OFFERED_ONLINE = ("(d.channel IN ('online_partial', 'online_full') OR d.procedure_id IN "
                  "(SELECT id FROM procedure WHERE online_level IS NOT NULL))")
OFFERED_FULL = ("(d.channel = 'online_full' OR d.procedure_id IN "
                "(SELECT id FROM procedure WHERE online_level = 'full'))")

RECEIVED_IN = "d.received_at >= :start AND d.received_at < :before"
# Filed by a resident of another commune, handed to another unit: each with the WHERE of their partial index.
BOUNDARY_FREE = f"{BOUNDARY_TERM} AND d.home_commune IS NOT NULL"
TRANSFERRED_OUT = f"{BOUNDARY_TERM} AND d.transferred_to IS NOT NULL"
RESOLVED_IN = "d.resolved_at >= :start AND d.resolved_at < :before"
WITHDRAWN_IN = "d.withdrawn_at >= :start AND d.withdrawn_at < :before"

# Open dossiers at :moment, as (id, due_at, status): recent receipts, then the long-lived older ones.
OPEN_AT = f"""
    SELECT d.id, d.due_at, d.status FROM dossier d
    WHERE d.received_at >= :recent AND d.received_at < :moment AND {OPEN_AT_TERM}
    UNION ALL
    SELECT d.id, d.due_at, d.status FROM dossier d
    WHERE {LONG_LIVED_TERM} AND d.received_at < :recent AND {OPEN_AT_TERM}
"""
# Of those (aliased ``o``): waiting for a supplement at :moment, by the last supplement event before it; a
# dossier waiting now that has no supplement request in its history (an import of before issue 16, a file without
# «Ngày yêu cầu bổ sung») counts as waiting all along.
WAITING_AT = """coalesce(
    (SELECT e.kind FROM dossier_history e
     WHERE e.dossier_id = o.id AND e.at < :moment AND e.kind IN ('supplement_requested', 'supplement_received')
     ORDER BY e.at DESC, e.id DESC LIMIT 1),
    CASE WHEN o.status = 'waiting_supplement' AND NOT EXISTS (
        SELECT 1 FROM dossier_history e WHERE e.dossier_id = o.id AND e.kind = 'supplement_requested')
    THEN 'supplement_requested' END
) IS NOT DISTINCT FROM 'supplement_requested'"""  # never NULL: 0 for a dossier without such events
# The appointment at :moment: the one the first supplement received from :moment on replaced, else the stored one.
DUE_THEN = """coalesce(
    (SELECT e.due_before FROM dossier_history e
     WHERE e.dossier_id = o.id AND e.at >= :moment AND e.kind = 'supplement_received' AND e.due_before IS NOT NULL
     ORDER BY e.at, e.id LIMIT 1),
    o.due_at)"""
# Overdue / not yet due at :moment: clock running (not waiting) and due before :due_before / not. A CASE, so that
# the history is read for the candidates only (SQLite evaluates a CASE's branches lazily).
OVERDUE_AT = f"CASE WHEN {DUE_THEN} < :due_before THEN NOT ({WAITING_AT}) ELSE FALSE END"
NOT_YET_DUE_AT = f"CASE WHEN {DUE_THEN} < :due_before THEN FALSE ELSE NOT ({WAITING_AT}) END"


def _resolved_in(columns: str) -> str:
    """``columns`` of the dossiers resolved in [:start, :before): those received from ``:slow_from`` (``SLOW_DAYS``
    before the start) on, then the older ones, necessarily resolved slowly."""
    return f"""
    SELECT {columns} FROM dossier d
    WHERE d.received_at >= :slow_from AND d.received_at < :before AND {RESOLVED_IN}
    UNION ALL
    SELECT {columns} FROM dossier d
    WHERE {RESOLVED_SLOWLY_TERM} AND {RESOLVED_IN} AND d.received_at < :slow_from
"""


def _rows(db: Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Row]:
    return dicts(db.execute(sql, params))


def _recent(moment: str) -> str:
    return (date.fromisoformat(moment) - timedelta(days=LONG_LIVED_DAYS)).isoformat()


# -- dossiers ------------------------------------------------------------------------------------------------


def received(db: Database, *, start: str, before: str, digitized: bool = True, online_base: str = "received") -> Row:
    """Dossiers received in [start, before): per channel (keyed by channel) and, unless told not to (it reads
    the rows, not only the index), ``digitized``; ``offered`` and ``offered_full``, the bases of the online rates
    (``online_base`` "offered_online": those that could have been filed online, fully online; "received": every
    one, read from the index alone). Sums rather than GROUP BY: no sorting."""
    per_channel = ", ".join(f"{count_if(f'd.channel = {c!r}')} AS {c}" for c in CHANNELS)
    scanned = count_if("d.digitized = 1") if digitized else "NULL"
    if online_base == "offered_online":
        bases = f"{count_if(OFFERED_ONLINE)} AS offered, {count_if(OFFERED_FULL)} AS offered_full"
    else:
        bases = "count(*) AS offered, count(*) AS offered_full"
    return _rows(db, f"""
        SELECT {per_channel}, {scanned} AS digitized, {bases}
        FROM dossier d WHERE {RECEIVED_IN}
    """, {"start": start, "before": before})[0]


def boundary(db: Database, *, start: str, before: str) -> Row:
    """Dossiers received in [start, before) by a resident of another commune (``boundary_free``) and the
    procedures they were filed for (``procedures``, 3.2.6), and those handed to another unit (``transferred``):
    from the partial index dossier_boundary_free, a few rows of each period."""
    return _rows(db, f"""
        SELECT {count_if("d.home_commune IS NOT NULL")} AS boundary_free,
               count(DISTINCT CASE WHEN d.home_commune IS NOT NULL THEN d.procedure_id END) AS procedures,
               {count_if("d.transferred_to IS NOT NULL")} AS transferred
        FROM dossier d WHERE {BOUNDARY_TERM} AND {RECEIVED_IN}
    """, {"start": start, "before": before})[0]


def fees(db: Database, *, start: str, before: str) -> list[Row]:
    """Per field of the catalogue (its order; fields without a fee recorded left out): the dossiers received in
    [start, before) with a fee recorded, of which with an amount, the amount, and how many were exempted, paid at
    the desk, paid online."""
    return _rows(db, f"""
        SELECT f.name AS field, count(*) AS recorded, {count_if("d.fee_paid > 0")} AS paid,
               coalesce(sum(d.fee_paid), 0) AS amount, {count_if("d.fee_method = 'exempt'")} AS exempted,
               {count_if("d.fee_method = 'desk'")} AS desk, {count_if("d.fee_method = 'online'")} AS online
        FROM dossier d JOIN procedure p ON p.id = d.procedure_id JOIN field f ON f.id = p.field_id
        WHERE {RECEIVED_IN} AND d.fee_method IS NOT NULL
        GROUP BY f.id
        ORDER BY f.position, f.name COLLATE "binary"
    """, {"start": start, "before": before})


def _slow_from(start: str) -> str:
    return (date.fromisoformat(start) - timedelta(days=SLOW_DAYS)).isoformat()


def _resolved_params(start: str, before: str) -> dict[str, Any]:
    return {"start": start, "before": before, "slow_from": _slow_from(start)}


def resolved(db: Database, *, start: str, before: str) -> list[Row]:
    """Per channel: dossiers resolved in [start, before), of which refused after processing (``refused``) and, of
    the others (resolved with a result), early or on time (``in_time``), ``early`` and ``late``."""
    return _rows(db, f"""
        SELECT d.channel, count(*) AS resolved, {count_if(REFUSED)} AS refused,
               {count_if(f"{GRANTED} AND {IN_TIME}")} AS in_time, {count_if(f"{GRANTED} AND {EARLY}")} AS early,
               {count_if(f"{GRANTED} AND {LATE}")} AS late
        FROM ({_resolved_in("d.channel, d.resolved_at, d.due_at, d.outcome")}) d
        GROUP BY d.channel
    """, _resolved_params(start, before))


def resolved_totals(db: Database, *, start: str, before: str) -> tuple[int, int]:
    """(resolved with a result — refusals left out —, of which early or on time) in [start, before): the
    dashboard's on-time rate."""
    row = db.execute(f"""
        SELECT {count_if(GRANTED)}, {count_if(f"{GRANTED} AND {IN_TIME}")}
        FROM ({_resolved_in("d.resolved_at, d.due_at, d.outcome")}) d
    """, _resolved_params(start, before)).fetchone()
    return row[0], row[1]


def on_time_in_fields(db: Database, *, start: str, before: str, fields: Sequence[str]) -> dict[str, int]:
    """Folded field name → dossiers of that field resolved in [start, before) with a result, early or on time."""
    rows = db.execute(f"""
        SELECT f.name_folded, count(*)
        FROM ({_resolved_in("d.procedure_id, d.resolved_at, d.due_at, d.outcome")}) d
        JOIN procedure p ON p.id = d.procedure_id JOIN field f ON f.id = p.field_id
        WHERE {GRANTED} AND {IN_TIME} AND f.name_folded IN (SELECT value FROM json_each(:fields))
        GROUP BY f.name_folded
    """, {**_resolved_params(start, before), "fields": json.dumps(list(fields))}).fetchall()
    return dict(rows)


def withdrawn(db: Database, *, start: str, before: str) -> int:
    return db.execute(f"SELECT count(*) FROM dossier d WHERE {WITHDRAWN_IN}",
                      {"start": start, "before": before}).fetchone()[0]


def apologies(db: Database, *, start: str, before: str) -> int:
    """Apology letters (Mẫu 04) dated in [start, before)."""
    return db.execute("SELECT count(*) FROM apology_letter WHERE issued_on >= ? AND issued_on < ?",
                      [start, before]).fetchone()[0]


def open_count(db: Database, *, moment: str) -> int:
    """Dossiers open at the start of day ``moment``: received before it, neither resolved nor withdrawn."""
    return db.execute(f"SELECT count(*) FROM ({OPEN_AT}) o",
                      {"moment": moment, "recent": _recent(moment)}).fetchone()[0]


def open_at(db: Database, *, moment: str, due_before: str, waiting: bool = True) -> tuple[int, int, int | None]:
    """(open, of which overdue, of which waiting for a supplement) at day ``moment``: overdue is the clock running
    (not waiting) and the appointment then (``DUE_THEN``) before ``due_before``.

    ``waiting=False`` leaves the last one out (None): it reads each open dossier's history, the costly part (the
    overdue count reads only the history of the dossiers due by then).
    """
    waiting_sum = count_if(WAITING_AT) if waiting else "NULL"
    row = db.execute(f"""
        SELECT count(*), {count_if(OVERDUE_AT)}, {waiting_sum}
        FROM ({OPEN_AT}) o
    """, {"moment": moment, "recent": _recent(moment), "due_before": due_before}).fetchone()
    return row[0], row[1], row[2]


# What lies behind each dossier figure: the source of the ids, and a condition on ``d`` or ``o``.
@dataclass(frozen=True)
class _Behind:
    source: str  # "received", "resolved", "withdrawn", "apology" or "open"
    term: str = ""


BEHIND = {
    "received": _Behind("received"),
    "digitized": _Behind("received", "d.digitized = 1"),
    "resolved": _Behind("resolved"),
    "granted": _Behind("resolved", GRANTED),
    "refused": _Behind("resolved", REFUSED),
    "early": _Behind("resolved", f"{GRANTED} AND {EARLY}"),
    "on_time": _Behind("resolved", f"{GRANTED} AND {ON_TIME}"),
    "in_time": _Behind("resolved", f"{GRANTED} AND {IN_TIME}"),
    "late": _Behind("resolved", f"{GRANTED} AND {LATE}"),
    "withdrawn": _Behind("withdrawn"),
    "apologised": _Behind("apology"),
    "carried_over": _Behind("open"),
    "in_progress": _Behind("open"),
    "overdue": _Behind("open", OVERDUE_AT),
    "not_yet_due": _Behind("open", NOT_YET_DUE_AT),
    "waiting_supplement": _Behind("open", WAITING_AT),
    "boundary_free": _Behind("received", BOUNDARY_FREE),
    "transferred_out": _Behind("received", TRANSFERRED_OUT),
}

LINE_COLUMNS = """d.id, d.code, p.code AS procedure_code, p.name AS procedure_name, f.name AS field_name,
    d.channel, d.received_at, d.due_at, d.resolved_at, d.withdrawn_at, d.status"""


def dossier_lines(
    db: Database, figure: str, *, start: str, before: str, moment: str | None = None,
    channel: str | None = None, field: str | None = None, limit: int | None = None,
) -> list[Row]:
    """The dossiers counted in ``figure`` (a key of ``BEHIND``) for [start, before), oldest receipt first.

    Open dossiers are those open at day ``moment`` (the period's first day for "carried over", the day after
    the cut-off otherwise); ``due_before`` is then ``before``. ``field`` is a folded field name.
    """
    behind = BEHIND[figure]
    params: dict[str, Any] = {"start": start, "before": before, "due_before": before}
    terms: list[str] = []
    if behind.source == "open":
        if moment is None:
            raise ValueError("open dossiers need the moment")
        params.update(moment=moment, recent=_recent(moment))
        source = f"({OPEN_AT}) o JOIN dossier d ON d.id = o.id"
    elif behind.source == "resolved":
        params["slow_from"] = _slow_from(start)
        source = f"({_resolved_in('d.id')}) r JOIN dossier d ON d.id = r.id"
    elif behind.source == "apology":
        source = "apology_letter a JOIN dossier d ON d.id = a.dossier_id"
        terms.append("a.issued_on >= :start AND a.issued_on < :before")
    else:
        source = "dossier d"
        terms.append({"received": RECEIVED_IN, "withdrawn": WITHDRAWN_IN}[behind.source])
    if behind.term:
        terms.append(behind.term)
    if channel:
        terms.append("d.channel = :channel")
        params["channel"] = channel
    if field:
        terms.append("f.name_folded = :field")
        params["field"] = field
    where = f"WHERE {' AND '.join(terms)}" if terms else ""
    # (no LIMIT rather than SQLite's «LIMIT -1», which a server refuses)
    return _rows(db, f"""
        SELECT {LINE_COLUMNS}
        FROM {source} JOIN procedure p ON p.id = d.procedure_id JOIN field f ON f.id = p.field_id
        {where}
        ORDER BY d.received_at, d.id
        {f"LIMIT {int(limit)}" if limit else ""}
    """, params)


# -- surveys -------------------------------------------------------------------------------------------------


def surveys(db: Database, *, start: str, before: str, satisfied_from: int) -> list[Row]:
    """Per method and month: responses taken in [start, before) and how many were satisfied."""
    return _rows(db, f"""
        SELECT substr(taken_on, 1, 7) AS month, method, count(*) AS responses,
               {count_if("overall >= :satisfied_from")} AS satisfied
        FROM survey WHERE taken_on >= :start AND taken_on < :before
        GROUP BY month, method
    """, {"start": start, "before": before, "satisfied_from": satisfied_from})


SURVEY_GROUPS = {
    # what a response is counted under: the field of the dossier it names, or the officer who received it
    "field": ("LEFT JOIN procedure p ON p.id = d.procedure_id LEFT JOIN field f ON f.id = p.field_id", "f.name"),
    "officer": ("LEFT JOIN \"user\" u ON u.id = d.received_by", "u.full_name"),
}


def surveys_by(db: Database, group: str, *, start: str, before: str, satisfied_from: int) -> list[Row]:
    """Responses taken in [start, before) per procedure field or per desk officer (``group`` a key of
    SURVEY_GROUPS): ``name`` None for responses naming no dossier (or a dossier without that information)."""
    join, name = SURVEY_GROUPS[group]
    return _rows(db, f"""
        SELECT {name} AS name, count(*) AS responses, {count_if("s.overall >= :satisfied_from")} AS satisfied,
               avg(CAST(s.overall AS DOUBLE PRECISION)) AS average
        FROM survey s LEFT JOIN dossier d ON d.id = s.dossier_id {join}
        WHERE s.taken_on >= :start AND s.taken_on < :before
        GROUP BY {name}
        ORDER BY {name} IS NULL, count(*) DESC, {name} COLLATE "binary"
    """, {"start": start, "before": before, "satisfied_from": satisfied_from})


def criterion_averages(db: Database, *, start: str, before: str) -> list[Row]:
    """Every active criterion (and any inactive one answered in [start, before)) in the configured order,
    with the number of answers and their average (None without answers)."""
    return _rows(db, """
        SELECT c.id, c.code, c.aspect, c.aspect_name, c.text, coalesce(a.answers, 0) AS answers, a.average
        FROM survey_criterion c
        LEFT JOIN (
            SELECT a.criterion_id, count(*) AS answers,
                   avg(CAST(a.score AS DOUBLE PRECISION)) AS average
            FROM survey s JOIN survey_answer a ON a.survey_id = s.id
            WHERE s.taken_on >= :start AND s.taken_on < :before
            GROUP BY a.criterion_id
        ) a ON a.criterion_id = c.id
        WHERE c.active = 1 OR a.answers > 0
        ORDER BY c.position, c.id
    """, {"start": start, "before": before})


def survey_lines(db: Database, *, start: str, before: str, method: str | None = None,
                 satisfied_from: int | None = None, satisfied: bool | None = None) -> list[Row]:
    """The responses taken in [start, before), oldest first, with the code of the dossier they name."""
    terms = ["s.taken_on >= :start AND s.taken_on < :before"]
    params: dict[str, Any] = {"start": start, "before": before}
    if method:
        terms.append("s.method = :method")
        params["method"] = method
    if satisfied is not None and satisfied_from is not None:
        terms.append("s.overall >= :satisfied_from" if satisfied else "s.overall < :satisfied_from")
        params["satisfied_from"] = satisfied_from
    return _rows(db, f"""
        SELECT s.id, s.taken_on, s.method, s.overall, d.code AS dossier_code
        FROM survey s LEFT JOIN dossier d ON d.id = s.dossier_id
        WHERE {' AND '.join(terms)}
        ORDER BY s.taken_on, s.id
    """, params)


# -- the plan and the directive documents --------------------------------------------------------------------


def plan_tasks(db: Database, *, year: int) -> list[Row]:
    """Every task of the plan of ``year``, by reform area then as entered."""
    return _rows(db, """
        SELECT t.id, t.number, t.title, t.area, t.source, t.lead, t.deadline, t.status, t.completed_on
        FROM plan_task t JOIN plan p ON p.id = t.plan_id
        WHERE p.year = ?
        ORDER BY t.area, t.id
    """, [year])


def directives(db: Database, *, start: str, before: str) -> int:
    return db.execute("SELECT count(*) FROM directive_document WHERE issued_on >= ? AND issued_on < ?",
                      [start, before]).fetchone()[0]


# -- discipline checks ---------------------------------------------------------------------------------------


def inspections(db: Database, *, start: str, before: str) -> list[Row]:
    return _rows(db, """
        SELECT id, inspected_on, kind, subject, subject_kind FROM inspection
        WHERE inspected_on >= ? AND inspected_on < ?
        ORDER BY inspected_on, id
    """, [start, before])


def findings(db: Database, *, start: str, before: str) -> list[Row]:
    """The findings of the inspections dated in [start, before), in order of inspection."""
    return _rows(db, """
        SELECT f.id, f.inspection_id, i.inspected_on, i.subject, f.description, f.remedy_deadline,
               f.remedied_on, f.measure, f.official_name, f.official_is_leader
        FROM finding f JOIN inspection i ON i.id = f.inspection_id
        WHERE i.inspected_on >= ? AND i.inspected_on < ?
        ORDER BY i.inspected_on, f.inspection_id, f.id
    """, [start, before])


# -- the catalogue -------------------------------------------------------------------------------------------


# Procedures in force on :day: active, not abolished by then, published by then when a date is known.
IN_FORCE = ("active = 1 AND (abolished_on IS NULL OR abolished_on > :day)"
            " AND (published_on IS NULL OR published_on <= :day)")

CATALOGUE = f"""
    SELECT count(*) AS in_force, coalesce(sum(one_stop), 0) AS one_stop,
           {count_if("inter_agency = 'same_level'")} AS same_level,
           {count_if("inter_agency = 'cross_level'")} AS cross_level,
           {count_if("online_level = 'partial'")} AS online_partial,
           {count_if("online_level = 'full'")} AS online_full,
           coalesce(sum(online_payment), 0) AS online_payment
    FROM procedure
    WHERE {IN_FORCE}
"""


def catalogue(db: Database, *, day: str) -> Row:
    """Procedures in force on ``day`` (active, not abolished, published if dated) and how many of them are
    one-stop, inter-agency at the same level or across levels, online partly or fully, paid online."""
    return _rows(db, CATALOGUE, {"day": day})[0]
