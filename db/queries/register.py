"""The dossier register: filtered, sorted, keyset-paged lists over the dossier table, and their counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from db.handle import Database
from db.queries.rows import dicts

# Sort keys the register offers, each backed by an index but the appointment (a scan since m0006: see ``page``);
# ``id`` breaks ties so paging is stable. Both engines give the same order and pages: none of these columns is NULL,
# and on PostgreSQL they compare byte by byte as on SQLite (COLLATE "C" since its m0018, whatever the database's
# collation), so that their indexes serve the order and a keyset compares as the order sorts.
SORT_COLUMNS = {
    "received_at": "d.received_at",
    "code": "d.code",
    "applicant": "d.applicant_folded",
    "due_at": "d.due_at",
}
# Open with the clock running: a dossier waiting for the citizen's supplement is neither overdue nor due (issue 16).
RUNNING_STATUSES = ("received", "in_progress")
UNFINISHED = ("received", "in_progress", "waiting_supplement", "result_ready", "refused")
# Exactly the WHERE of the partial index dossier_unfinished: a query that contains it may use that index.
UNFINISHED_TERM = f"d.status IN ({', '.join(repr(status) for status in UNFINISHED)})"
# Exactly the WHERE of the partial index dossier_boundary_free (m0017): the few boundary-free or handed-over
# dossiers, in order of receipt, without a scan of the register.
BOUNDARY_TERM = "(d.home_commune IS NOT NULL OR d.transferred_to IS NOT NULL)"

# The register's search on PostgreSQL, where there is no dossier_fts: the words of the searched columns, exactly the
# expression of the GIN index dossier_search (db/sql/postgresql/0018_register_search.sql), so that the index serves.
SEARCHED_WORDS = "dossier_words(d.code, d.applicant_folded, d.phone, d.applicant_id)"
_WORD = re.compile(r"[0-9a-z]+")

COLUMNS = """d.id, d.code, d.applicant_name, d.applicant_folded, p.code AS procedure_code,
    p.name AS procedure_name, d.channel, d.received_at, d.due_at, d.resolved_at, d.returned_at,
    d.withdrawn_at, d.status, d.phone, d.applicant_id"""


@dataclass(frozen=True)
class RegisterQuery:
    """What the register shows: plain values only (the service turns user choices into this)."""

    words: tuple[str, ...] = ()  # each (a-z, 0-9) must begin a word of the code, folded name, phone or ID number
    code: str | None = None  # one dossier by its exact code
    statuses: tuple[str, ...] = ()
    channel: str | None = None
    procedure_id: int | None = None
    field_id: int | None = None
    received_from: str | None = None  # ISO date, inclusive
    received_before: str | None = None  # ISO date, exclusive
    overdue_at: str | None = None  # running dossiers (open, not waiting) whose due_at is before this moment
    due_between: tuple[str, str] | None = None  # running dossiers due in [from, to)
    boundary_free: bool = False  # filed by a resident of another commune (home_commune)
    transferred: bool = False  # handed to another unit (transferred_to)
    sort: str = "received_at"
    descending: bool = True


def search_term(db: Database, words: tuple[str, ...]) -> tuple[str, list[str]]:
    """The WHERE term of a search and its parameters: every word the prefix of a word of the code, the folded name,
    the phone or the ID number. SQLite asks its full-text index (an FTS5 query: ``"nguyen"* "van"*``), PostgreSQL
    the GIN index over ``dossier_words`` (a tsquery: ``'nguyen':* & 'van':*``). ValueError for a word that is not
    of a-z and 0-9 only (the service cuts what is typed into such words), or for none.

    On PostgreSQL the tsquery is written into the statement (the words allow no quote): a statement run often is
    prepared, and the server's plan for any words (a generic plan) reads a search of rare hits as a common one: a
    phone number's count then took 78 ms on 1,000,000 dossiers instead of 0.3 ms.
    """
    if not words or not all(_WORD.fullmatch(word) for word in words):
        raise ValueError(f"search words must be non-empty runs of a-z and 0-9: {words!r}")
    if db.dialect == "postgresql":
        tsquery = " & ".join(f"''{word}'':*" for word in words)
        return f"{SEARCHED_WORDS} @@ '{tsquery}'::tsquery", []
    return "dossier_fts MATCH ?", [" ".join(f'"{word}"*' for word in words)]


def _where(db: Database, query: RegisterQuery) -> tuple[list[str], list[Any], bool]:
    """The WHERE terms, their parameters, and whether the procedure table must be joined."""
    terms: list[str] = []
    params: list[Any] = []
    if query.words:
        term, term_params = search_term(db, query.words)
        terms.append(term)
        params.extend(term_params)
    if query.code:
        terms.append("d.code = ?")
        params.append(query.code)
    if query.statuses:
        terms.append(f"d.status IN ({', '.join('?' for _ in query.statuses)})")
        params.extend(query.statuses)
    if (query.statuses and set(query.statuses) <= set(UNFINISHED)) or query.overdue_at or query.due_between:
        terms.append(UNFINISHED_TERM)
    if query.boundary_free or query.transferred:
        terms.append(BOUNDARY_TERM)
    if query.boundary_free:
        terms.append("d.home_commune IS NOT NULL")
    if query.transferred:
        terms.append("d.transferred_to IS NOT NULL")
    if query.channel:
        terms.append("d.channel = ?")
        params.append(query.channel)
    if query.procedure_id is not None:
        terms.append("d.procedure_id = ?")
        params.append(query.procedure_id)
    if query.field_id is not None:
        terms.append("p.field_id = ?")
        params.append(query.field_id)
    if query.received_from:
        terms.append("d.received_at >= ?")
        params.append(query.received_from)
    if query.received_before:
        terms.append("d.received_at < ?")
        params.append(query.received_before)
    running = ", ".join(f"'{status}'" for status in RUNNING_STATUSES)
    if query.overdue_at:
        terms.append(f"d.status IN ({running}) AND d.due_at < ?")
        params.append(query.overdue_at)
    if query.due_between:
        terms.append(f"d.status IN ({running}) AND d.due_at >= ? AND d.due_at < ?")
        params.extend(query.due_between)
    return terms, params, query.field_id is not None


def _source(db: Database, query: RegisterQuery, *, with_procedure: bool) -> str:
    """The FROM clause: a search on SQLite starts from the full-text hits and joins their dossiers by rowid (on
    PostgreSQL its term reads the dossier's own columns: see ``search_term``)."""
    fts = query.words and db.dialect == "sqlite"
    source = "dossier_fts f JOIN dossier d ON d.id = f.rowid" if fts else "dossier d"
    return source + (" JOIN procedure p ON p.id = d.procedure_id" if with_procedure else "")


def page(db: Database, query: RegisterQuery, *, after: tuple[Any, int] | None, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` rows in the query's order, starting after the (sort value, id) of the last row seen.

    The page's ids are chosen first, then their rows read: where no index gives the order (the appointment,
    since m0006; many search hits), SQLite sorts only the sort value and the id of each candidate.
    """
    column = SORT_COLUMNS[query.sort]
    terms, params, needs_procedure = _where(db, query)
    if after is not None:
        terms.append(f"({column}, d.id) {'<' if query.descending else '>'} (?, ?)")
        params.extend(after)
    order = f"ORDER BY {column} {'DESC' if query.descending else 'ASC'}, d.id {'DESC' if query.descending else 'ASC'}"
    sql = (
        f"SELECT {COLUMNS} FROM ("
        f"SELECT d.id FROM {_source(db, query, with_procedure=needs_procedure)}"
        f"{' WHERE ' + ' AND '.join(terms) if terms else ''} {order} LIMIT ?"
        f") page JOIN dossier d ON d.id = page.id JOIN procedure p ON p.id = d.procedure_id {order}"
    )
    return dicts(db.execute(sql, [*params, limit]))


def count(db: Database, query: RegisterQuery) -> int:
    terms, params, needs_procedure = _where(db, query)
    where = f" WHERE {' AND '.join(terms)}" if terms else ""
    return db.execute(f"SELECT count(*) FROM {_source(db, query, with_procedure=needs_procedure)}{where}",
                      params).fetchone()[0]


def sort_value(row: dict[str, Any], sort: str) -> Any:
    """The value of the sort column in a row returned by ``page`` (for the next keyset)."""
    return row[SORT_COLUMNS[sort].removeprefix("d.")]
