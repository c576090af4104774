"""The counts of the commune's Quyết định 766 score (issue 21) and the records behind its suggestions.

The figures the report already counts are counted with its own terms (``db.queries.statistics``: received in a
period, resolved in it with a result and on time, open at a moment, in force on a day), never written again here:
each of these queries reads its set of dossiers once, through the same indexes (dossier_received_at; the resolved
ones by receipt or by dossier_resolved_slowly), and adds what the score needs from the same rows: digitised
dossiers and results, fees paid online, the procedures online dossiers and online payments were for.
"""

from __future__ import annotations

from typing import Any

from db.handle import Database
from db.queries import count_if
from db.queries.rows import dicts
from db.queries.statistics import (
    GRANTED,
    IN_FORCE,
    IN_TIME,
    LINE_COLUMNS,
    ONLINE_CHANNELS,
    RECEIVED_IN,
    _resolved_in,  # the dossiers resolved in a period, by their indexes (shared on purpose)
    _resolved_params,
)

Row = dict[str, Any]

ONLINE = f"d.channel IN ({', '.join(repr(c) for c in ONLINE_CHANNELS)})"
PAID_ONLINE = "d.fee_method IS NOT DISTINCT FROM 'online'"
PAID = "d.fee_method IN ('desk', 'online')"  # a payment recorded (an exemption is none)


def _ids(text: str | None) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",")) if text else frozenset()


def received(db: Database, *, start: str, before: str) -> Row:
    """Dossiers received in [start, before): how many, online, digitised, with a fee paid (at the desk or online)
    and paid online; the procedures of the online ones (``online_procedures``) and of the ones paid online
    (``paid_online_procedures``), as sets of ids. One pass over the period's rows (no sorting: the distinct
    procedures are a few hundred at most)."""
    row = db.execute(f"""
        SELECT count(*), {count_if(ONLINE)}, {count_if("d.digitized = 1")},
               {count_if(PAID)}, {count_if(PAID_ONLINE)},
               group_concat(DISTINCT CASE WHEN {ONLINE} THEN d.procedure_id END),
               group_concat(DISTINCT CASE WHEN {PAID_ONLINE} THEN d.procedure_id END)
        FROM dossier d WHERE {RECEIVED_IN}
    """, {"start": start, "before": before}).fetchone()
    return {"received": row[0], "online": row[1], "digitized": row[2], "paid": row[3], "paid_online": row[4],
            "online_procedures": _ids(row[5]), "paid_online_procedures": _ids(row[6])}


def resolved(db: Database, *, start: str, before: str) -> Row:
    """Dossiers resolved in [start, before) with a result (refusals left out, as for the on-time rate): how many,
    early or on time (``in_time``), with their result digitised (``results_digitized``)."""
    row = db.execute(f"""
        SELECT {count_if(GRANTED)}, {count_if(f"{GRANTED} AND {IN_TIME}")},
               {count_if(f"{GRANTED} AND d.result_digitized = 1")}
        FROM ({_resolved_in("d.resolved_at, d.due_at, d.outcome, d.result_digitized")}) d
    """, _resolved_params(start, before)).fetchone()
    return {"granted": row[0], "in_time": row[1], "results_digitized": row[2]}


def procedures(db: Database, *, day: str) -> list[Row]:
    """The procedures in force on ``day`` (as the report's catalogue counts them), by code: their online level,
    fee (``fee_stated``: the catalogue's words or amount; ``fee_amount``), online payment and whether a document
    checklist is recorded."""
    return dicts(db.execute(f"""
        SELECT p.id, p.code, p.name, f.name AS field_name, p.online_level, p.online_payment, p.fee_amount,
               (p.fee_amount IS NOT NULL OR length(trim(coalesce(p.fee, ''))) > 0) AS fee_stated,
               EXISTS (SELECT 1 FROM procedure_document x WHERE x.procedure_id = p.id) AS has_checklist
        FROM procedure p JOIN field f ON f.id = p.field_id
        WHERE {IN_FORCE}
        ORDER BY p.code COLLATE "binary"
    """, {"day": day}))


# The dossiers behind a suggestion: the source of the ids ("received" in the period, or "resolved" in it) and
# the condition on them.
LISTS: dict[str, tuple[str, str]] = {
    "results_not_digitized": ("resolved", f"{GRANTED} AND d.result_digitized = 0"),
    "not_digitized": ("received", "d.digitized = 0"),
    "could_be_online": ("received", f"NOT {ONLINE} AND p.online_level IS NOT NULL"),
    "paid_at_desk": ("received", "d.fee_method IS NOT DISTINCT FROM 'desk'"),
}


def dossier_lines(db: Database, which: str, *, start: str, before: str, limit: int) -> list[Row]:
    """At most ``limit`` dossiers of the list ``which`` (a key of LISTS) for [start, before), oldest receipt first,
    with the report's line columns (no applicant data)."""
    source, term = LISTS[which]
    params: dict[str, Any] = {"start": start, "before": before, "limit": limit}
    if source == "resolved":
        params.update(_resolved_params(start, before))
        rows = f"({_resolved_in('d.id')}) r JOIN dossier d ON d.id = r.id"
        where = term
    else:
        rows = "dossier d"
        where = f"{RECEIVED_IN} AND {term}"
    return dicts(db.execute(f"""
        SELECT {LINE_COLUMNS}
        FROM {rows} JOIN procedure p ON p.id = d.procedure_id JOIN field f ON f.id = p.field_id
        WHERE {where}
        ORDER BY d.received_at, d.id
        LIMIT :limit
    """, params))
