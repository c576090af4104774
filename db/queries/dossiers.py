"""Dossiers at the reception desk: the code counter, one dossier with its documents and events, procedures.

Write functions are called inside the service's ``with writing(db):`` (``db.errors``, the one write
transaction): it begins with ``BEGIN IMMEDIATE``, so the write lock is held before anything is read and every
read sees the latest committed data. Two windows saving at once never get the same number
nor move the same dossier from the same state twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from db.handle import Database
from db.queries import insert_dossier_sql, inserted_id, staging
from db.queries.rows import dicts, first

Row = dict[str, Any]

# Columns a correction or a transition may change (the UPDATE is built from these names only).
UPDATABLE = frozenset({
    "applicant_name", "applicant_folded", "applicant_id", "phone", "address", "email", "sets", "note",
    "status", "due_at", "resolved_at", "returned_at", "outcome", "withdrawn_at", "handling_unit", "digitized",
    "fee_paid", "fee_receipt", "fee_method", "fee_exempt_reason", "transferred_to",
})
FEE_COLUMNS = ("fee_paid", "fee_receipt", "fee_method", "fee_exempt_reason")

PROCEDURE_COLUMNS = """
    p.id, p.code, p.name, p.name_folded, f.name AS field_name, p.time_limit, p.time_limit_unit,
    p.afternoon_cutoff, p.supplement_rule, p.active, p.abolished_on, p.fee_amount, p.online_payment
"""

DOSSIER_COLUMNS = """
    d.id, d.code, d.procedure_id, d.applicant_name, d.applicant_id, d.phone, d.address, d.email, d.sets,
    d.channel, d.received_at, d.received_by, d.due_at, d.handling_unit, d.resolved_at, d.returned_at,
    d.outcome, d.withdrawn_at, d.status, d.digitized, d.fee, d.note, d.form_set, d.result_delivery, d.proxy,
    d.ledger_book, d.ledger_line, d.fee_paid, d.fee_receipt, d.fee_method, d.fee_exempt_reason, d.home_commune,
    d.transferred_to,
    p.code AS procedure_code, p.name AS procedure_name, f.name AS field_name, p.time_limit,
    p.time_limit_unit, p.afternoon_cutoff, p.supplement_rule, p.fee_amount, p.online_payment,
    u.full_name AS received_by_name
"""

DESK_COLUMNS = (
    "code", "procedure_id", "applicant_name", "applicant_folded", "applicant_id", "phone", "address", "email", "sets",
    "channel", "received_at", "received_by", "due_at", "status", "digitized", "note", "form_set", "result_delivery",
    "proxy", "ledger_book", "ledger_line", "home_commune", *FEE_COLUMNS,
)
INSERT_DOSSIER = insert_dossier_sql(DESK_COLUMNS, named=True)

INSERT_DOCUMENT = "INSERT INTO dossier_document (dossier_id, name, kind, count) VALUES (?, ?, ?, ?)"

INSERT_EVENT = """
INSERT INTO dossier_event (dossier_id, kind, at, user_id, from_status, to_status, reason, due_before, due_after,
                           data, undoes)
VALUES (:dossier_id, :kind, :at, :user_id, :from_status, :to_status, :reason, :due_before, :due_after, :data,
        :undoes)
"""

INSERT_APOLOGY = """
INSERT INTO apology_letter (dossier_id, issued_on, reason, old_due_at, new_due_at, signer_name, user_id)
VALUES (:dossier_id, :issued_on, :reason, :old_due_at, :new_due_at, :signer_name, :user_id)
"""


# -- procedures ------------------------------------------------------------------------------------------


def procedure_by_code(db: Database, code: str) -> Row | None:
    return first(db.execute(
        f"SELECT {PROCEDURE_COLUMNS} FROM procedure p JOIN field f ON f.id = p.field_id WHERE p.code = ?", [code]
    ))


def search_procedures(db: Database, *, code_prefix: str, words: Sequence[str], phrase: str, limit: int) -> list[Row]:
    """Active procedures whose code starts with ``code_prefix`` or whose folded name holds every word.

    Best first: the exact code, then names holding the whole phrase (earliest, shortest first), then by code.
    ``words`` and ``phrase`` are folded by the caller; no LIKE patterns are built from them.
    """
    name_match = " AND ".join("instr(p.name_folded, ?) > 0" for _ in words) or "1 = 0"
    sql = f"""
        SELECT {PROCEDURE_COLUMNS} FROM procedure p JOIN field f ON f.id = p.field_id
        WHERE p.active = 1 AND (substr(p.code, 1, length(?)) = ? OR ({name_match}))
        ORDER BY p.code = ? DESC, instr(p.name_folded, ?) = 0, instr(p.name_folded, ?), length(p.name), p.code
        LIMIT ?
    """
    return dicts(db.execute(sql, [code_prefix, code_prefix, *words, code_prefix, phrase, phrase, limit]))


# -- the code counter ------------------------------------------------------------------------------------


def peek_code_seq(db: Database, prefix: str, day: str) -> int:
    """The last sequence number given on ``day`` (0 when none); reads only."""
    row = db.execute(
        "SELECT last_seq FROM dossier_code_counter WHERE prefix = ? AND day = ?", [prefix, day]
    ).fetchone()
    return row[0] if row else 0


# The same text on PostgreSQL (db/pg/codes.py, with its own placeholders): there the upsert locks the day's row
# until the registering transaction ends, so desks sharing a server take the numbers one after the other.
NEXT_CODE_SEQ = """
    INSERT INTO dossier_code_counter (prefix, day, last_seq) VALUES (?, ?, 1)
    ON CONFLICT (prefix, day) DO UPDATE SET last_seq = dossier_code_counter.last_seq + 1
    RETURNING last_seq
"""


def next_code_seq(db: Database, prefix: str, day: str) -> int:
    """Take the next sequence number of ``day``: a write, so it must open the transaction (see above)."""
    return db.execute(NEXT_CODE_SEQ, [prefix, day]).fetchall()[0][0]


def code_exists(db: Database, code: str) -> bool:
    """The register holds ``code``, or an import being moved in brings it (``staging.code_taken``)."""
    return staging.code_taken(db, code)


# -- one dossier -----------------------------------------------------------------------------------------


def lock_dossier(db: Database, code: str) -> bool:
    """A no-op write on the dossier that takes the write lock first; False when there is no such code.

    ``note`` is touched because no index nor trigger depends on it.
    """
    return db.execute("UPDATE dossier SET note = note WHERE code = ?", [code]).rowcount == 1


def dossier_by_code(db: Database, code: str) -> Row | None:
    """The dossier with its procedure (code, name, field, time limit, supplement rule) and receiver's name."""
    return first(db.execute(
        f"""
        SELECT {DOSSIER_COLUMNS}
        FROM dossier d
        JOIN procedure p ON p.id = d.procedure_id
        JOIN field f ON f.id = p.field_id
        LEFT JOIN "user" u ON u.id = d.received_by
        WHERE d.code = ?
        """,
        [code],
    ))


def insert_dossier(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(db, INSERT_DOSSIER, dict(values))


def insert_documents(db: Database, rows: Iterable[Sequence[object]]) -> None:
    """Rows of (dossier_id, name, kind, count)."""
    db.executemany(INSERT_DOCUMENT, list(rows))


def update_dossier(db: Database, dossier_id: int, changes: Mapping[str, object]) -> None:
    """Set the given columns (names from ``UPDATABLE`` only)."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    if not changes:
        return
    assignments = ", ".join(f"{name} = :{name}" for name in changes)
    db.execute(f"UPDATE dossier SET {assignments} WHERE id = :_id", {**changes, "_id": dossier_id})


def insert_event(db: Database, values: Mapping[str, object]) -> int:
    """One event; ``undoes`` (the step an undo undoes) is None unless given."""
    return inserted_id(db, INSERT_EVENT, {"undoes": None, **values})


def documents(db: Database, dossier_id: int) -> list[Row]:
    return dicts(db.execute(
        "SELECT id, name, kind, count FROM dossier_document WHERE dossier_id = ? ORDER BY id", [dossier_id]
    ))


def events(db: Database, dossier_id: int) -> list[Row]:
    """The history, oldest first, with the name of whoever did each step."""
    return dicts(db.execute(
        """
        SELECT e.id, e.kind, e.at, e.user_id, u.full_name AS user_name, e.from_status, e.to_status, e.reason,
               e.due_before, e.due_after, e.data, e.undoes
        FROM dossier_event e LEFT JOIN "user" u ON u.id = e.user_id
        WHERE e.dossier_id = ?
        ORDER BY e.at, e.id
        """,
        [dossier_id],
    ))


def last_event(db: Database, dossier_id: int, kind: str) -> Row | None:
    return first(db.execute(
        """
        SELECT id, kind, at, from_status, to_status, reason, due_before, due_after, data
        FROM dossier_history WHERE dossier_id = ? AND kind = ? ORDER BY at DESC, id DESC LIMIT 1
        """,
        [dossier_id, kind],
    ))


def last_step(db: Database, dossier_id: int) -> Row | None:
    """The step that last changed the dossier's state and stands (not undone), its receipt included."""
    return first(db.execute(
        """
        SELECT id, dossier_id, kind, at, user_id, from_status, to_status, data FROM dossier_history
        WHERE dossier_id = ? AND (kind = 'received' OR from_status IS DISTINCT FROM to_status)
        ORDER BY at DESC, id DESC LIMIT 1
        """,
        [dossier_id],
    ))


def printed_since(db: Database, dossier_id: int, event_id: int) -> list[str]:
    """The data of the papers printed for the dossier after event ``event_id`` (JSON: kind, number…)."""
    return [row[0] for row in db.execute(
        "SELECT data FROM dossier_event WHERE dossier_id = ? AND kind = 'printed' AND id > ? ORDER BY id",
        [dossier_id, event_id])]


def last_step_at(db: Database, dossier_id: int) -> str | None:
    """When the dossier last changed state (its receipt included)."""
    return db.execute(
        """
        SELECT max(at) FROM dossier_history
        WHERE dossier_id = ? AND (kind = 'received' OR from_status IS DISTINCT FROM to_status)
        """,
        [dossier_id],
    ).fetchone()[0]


def apologies(db: Database, dossier_id: int) -> list[Row]:
    return dicts(db.execute(
        """
        SELECT id, issued_on, reason, old_due_at, new_due_at, signer_name, user_id
        FROM apology_letter WHERE dossier_id = ? ORDER BY issued_on, id
        """,
        [dossier_id],
    ))


def insert_apology(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(db, INSERT_APOLOGY, dict(values))


def void_forms(db: Database, dossier_id: int, form: str, at: str, reason: str) -> int:
    """Mark the printed versions of ``form`` still valid as void; returns how many."""
    return db.execute(
        """
        UPDATE dossier_form SET voided_at = ?, void_reason = ?
        WHERE dossier_id = ? AND form = ? AND voided_at IS NULL
        """,
        [at, reason, dossier_id, form],
    ).rowcount


# -- printed forms ---------------------------------------------------------------------------------------


def last_form(db: Database, dossier_id: int, form: str) -> Row | None:
    """The latest printed version of ``form`` for the dossier (void or not)."""
    return first(db.execute(
        "SELECT version, issued_at, voided_at, void_reason FROM dossier_form"
        " WHERE dossier_id = ? AND form = ? ORDER BY version DESC LIMIT 1",
        [dossier_id, form],
    ))


def insert_form(db: Database, *, dossier_id: int, form: str, version: int, issued_at: str,
                user_id: int | None) -> None:
    db.execute(
        "INSERT INTO dossier_form (dossier_id, form, version, issued_at, user_id) VALUES (?, ?, ?, ?, ?)",
        [dossier_id, form, version, issued_at, user_id],
    )


def ledger(db: Database, *, received_from: str, received_before: str, field_ids: Sequence[int] = ()) -> list[Row]:
    """The dossiers received in [from, before) (of the given fields, all when none), oldest first, with the
    moment each was transferred, its field and its place in the ledgers."""
    fields = ""
    if field_ids:
        fields = f"AND p.field_id IN ({', '.join('?' for _ in field_ids)})"
    return dicts(db.execute(
        f"""
        SELECT d.code, p.name AS procedure_name, d.sets, d.applicant_name, d.address, d.phone, d.handling_unit,
               d.received_at, d.due_at, d.resolved_at, d.returned_at, d.withdrawn_at, d.status, d.result_delivery,
               d.ledger_book, d.ledger_line, p.field_id, f.name AS field_name,
               (SELECT min(e.at) FROM dossier_history e WHERE e.dossier_id = d.id AND e.kind = 'transferred')
                   AS transferred_at
        FROM dossier d JOIN procedure p ON p.id = d.procedure_id JOIN field f ON f.id = p.field_id
        WHERE d.received_at >= ? AND d.received_at < ? {fields}
        ORDER BY d.received_at, d.id
        """,
        [received_from, received_before, *field_ids],
    ))


# -- filings turned away at the desk ---------------------------------------------------------------------

DESK_REFUSAL_COLUMNS = """
    r.id, r.kind, r.at, r.applicant_name, r.reason, r.procedure_id, p.code AS procedure_code,
    p.name AS procedure_name, u.full_name AS officer_name, r.form_set
"""


def insert_desk_refusal(db: Database, values: Mapping[str, object]) -> int:
    return inserted_id(
        db,
        "INSERT INTO desk_refusal (kind, at, procedure_id, applicant_name, reason, user_id, form_set) "
        "VALUES (:kind, :at, :procedure_id, :applicant_name, :reason, :user_id, :form_set)", dict(values))


def desk_refusal(db: Database, refusal_id: int) -> Row | None:
    return first(db.execute(f"""
        SELECT {DESK_REFUSAL_COLUMNS} FROM desk_refusal r
        LEFT JOIN procedure p ON p.id = r.procedure_id LEFT JOIN "user" u ON u.id = r.user_id
        WHERE r.id = ?""", [refusal_id]))


def desk_refusals(db: Database, *, at_from: str, at_before: str) -> list[Row]:
    """Filings turned away with ``at_from <= at < at_before``, in order of time."""
    return dicts(db.execute(f"""
        SELECT {DESK_REFUSAL_COLUMNS} FROM desk_refusal r
        LEFT JOIN procedure p ON p.id = r.procedure_id LEFT JOIN "user" u ON u.id = r.user_id
        WHERE r.at >= ? AND r.at < ? ORDER BY r.at, r.id""", [at_from, at_before]))


def recent_home_communes(db: Database, *, recent: int, limit: int) -> list[str]:
    """The communes of another commune's residents among the ``recent`` latest boundary-free dossiers, the most
    frequent first (read from the partial index dossier_boundary_free: a few thousand rows at most)."""
    return [row[0] for row in db.execute(
        """
        SELECT home_commune FROM (
            SELECT d.home_commune FROM dossier d
            WHERE (d.home_commune IS NOT NULL OR d.transferred_to IS NOT NULL)
            ORDER BY d.received_at DESC LIMIT ?)
        WHERE home_commune IS NOT NULL
        GROUP BY home_commune ORDER BY count(*) DESC, home_commune LIMIT ?
        """, [recent, limit])]


def latest_received_year(db: Database, *, before: str) -> int | None:
    """The year of the latest receipt before ``before`` (an ISO prefix), by the receipt index."""
    row = db.execute("SELECT received_at FROM dossier WHERE received_at < ? ORDER BY received_at DESC LIMIT 1",
                     [before]).fetchone()
    return int(row[0][:4]) if row else None
