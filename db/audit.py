"""The audit trail in the database: who changed which record, from what to what, chained by hashes.

Every insert, update and cancellation of a business record is written to ``audit_log`` by a trigger, in the
same transaction as the change itself, so no path (window, command line, import) can change a record
without leaving its entry. The triggers call SQL functions this module registers on each connection: the
actor of the connection's session, the changed fields of an update and the chain hash, which is
``entry_hash`` of the entry's fields and the hash of the entry before it. A program that opens the file
without these functions cannot write the audited tables at all.

The triggers are generated from the tables' current columns by ``install_triggers``, which ``open_db`` runs
after every migration, so a migration that adds a column needs no trigger code of its own.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from weakref import WeakKeyDictionary

from sqlite_utils import Database

# Business records whose every change is logged, the dossiers' history (append-only besides) and the forms
# printed with it included. Left out: derived rows (code counters, search index), scratch (drafts, an import's
# staged rows) and the log itself.
AUDITED_TABLES = (
    "setting", "user", "field", "procedure", "calendar_override",
    "dossier", "dossier_document", "dossier_event", "dossier_form", "apology_letter", "desk_refusal",
    "survey_criterion", "survey", "survey_answer",
    "inspection_criterion", "inspection", "inspection_check", "finding",
    "plan", "plan_task", "directive_document",
    "report_manual_value", "report", "report_section_draft",
)
# Columns whose value is never copied into the log: a fingerprint shows that it changed, not what it is.
SECRET_COLUMNS = {"user": ("password_hash",)}
GENESIS = ""
SYSTEM_ACTOR = "hệ thống"


@dataclass
class AuditActor:
    """Who the changes made through one connection are written under."""

    name: str = SYSTEM_ACTOR
    user_id: int | None = None
    enabled: bool = True


_actors: WeakKeyDictionary[Database, AuditActor] = WeakKeyDictionary()


def actor_of(db: Database) -> AuditActor:
    return _actors.setdefault(db, AuditActor())


def set_actor(db: Database, name: str, user_id: int | None) -> None:
    actor = actor_of(db)
    actor.name, actor.user_id = name, user_id


@contextmanager
def suspended(db: Database) -> Iterator[None]:
    """No per-record entries inside the block (demo data, schema migrations); the caller logs a summary."""
    actor = actor_of(db)
    before, actor.enabled = actor.enabled, False
    try:
        yield
    finally:
        actor.enabled = before


KEYED = "k1"  # an entry hash signed with a key: ``k1:<key id>:<HMAC-SHA256 hex>``
Key = tuple[str, bytes]  # (key id, key)
_keys: WeakKeyDictionary[Database, Key] = WeakKeyDictionary()


def entry_hash(prev_hash: str, at: str, actor: str, action: str, table_name: str | None,
               record_id: int | None, before: str | None, after: str | None, key: Key | None = None) -> str:
    """The hash over the entry's fields and the previous entry's hash (``cchc check`` recomputes it): HMAC-SHA256
    under ``key`` (``db.keys``: kept outside the database) and prefixed with its id, or, for the entries written
    before keys existed, plain SHA-256."""
    parts = [prev_hash, at, actor, action, table_name or "", "" if record_id is None else str(record_id),
             before or "", after or ""]
    message = "\x1f".join(parts).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    key_id, secret = key
    return f"{KEYED}:{key_id}:{hmac.new(secret, message, hashlib.sha256).hexdigest()}"


def _changed(first: str, second: str) -> str | None:
    """The fields of JSON object ``first`` whose value differs in ``second``, as a JSON object."""
    a, b = json.loads(first), json.loads(second)
    return json.dumps({key: value for key, value in a.items() if b.get(key) != value}, ensure_ascii=False)


def _fingerprint(secret: str | None) -> str | None:
    return None if secret is None else hashlib.sha256(secret.encode("utf-8")).hexdigest()[:8]


def register_functions(db: Database, key: Key | None = None) -> None:
    """The SQL functions the audit triggers call, the entries signed with ``key`` (``db.keys.current()``);
    ``open_db`` registers them on every connection."""
    actor, conn = actor_of(db), db.conn
    if key is not None:
        _keys[db] = key
    conn.create_function("cchc_audit_on", 0, lambda: int(actor.enabled))
    conn.create_function("cchc_actor", 0, lambda: actor.name)
    conn.create_function("cchc_actor_id", 0, lambda: actor.user_id)
    conn.create_function("cchc_changed", 2, _changed, deterministic=True)
    conn.create_function("cchc_fingerprint", 1, _fingerprint, deterministic=True)
    conn.create_function("cchc_entry_hash", 8, functools.partial(entry_hash, key=key), deterministic=True)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _row_json(table: str, columns: list[str], ref: str) -> str:
    """``json_object`` of the row ``ref`` (OLD, NEW or the table) of ``table``, secrets as fingerprints."""
    secret = SECRET_COLUMNS.get(table, ())
    pairs = []
    for column in columns:
        value = f"cchc_fingerprint({ref}.{column})" if column in secret else f"{ref}.{column}"
        pairs.append(f"'{column}', {value}")
    return f"json_object({', '.join(pairs)})"


def _record_id(columns: list[str], ref: str) -> str:
    return f"{ref}.id" if "id" in columns else "NULL"


_LAST_HASH = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"
_INSERT_ENTRY = """
INSERT INTO audit_log (at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash)
SELECT at, cchc_actor_id(), actor, '{action}', '{table}', record_id, before, after, prev,
       cchc_entry_hash(prev, at, actor, '{action}', '{table}', record_id, before, after)
FROM (SELECT strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') AS at, cchc_actor() AS actor, {record_id} AS record_id,
             {before} AS before, {after} AS after,
             coalesce((""" + _LAST_HASH + """), '') AS prev);
"""


def _trigger_sql(table: str, columns: list[str], event: str) -> str:
    old, new = _row_json(table, columns, "OLD"), _row_json(table, columns, "NEW")
    name = f"audit_{table}_{event.lower()}"
    if event == "INSERT":
        condition = "cchc_audit_on()"
        entry = _INSERT_ENTRY.format(action="insert", table=table, record_id=_record_id(columns, "NEW"),
                                     before="NULL", after=new)
    elif event == "UPDATE":
        condition = f"cchc_audit_on() AND {old} IS NOT {new}"
        entry = _INSERT_ENTRY.format(action="update", table=table, record_id=_record_id(columns, "NEW"),
                                     before=f"cchc_changed({old}, {new})", after=f"cchc_changed({new}, {old})")
    else:
        condition = "cchc_audit_on()"
        entry = _INSERT_ENTRY.format(action="delete", table=table, record_id=_record_id(columns, "OLD"),
                                     before=old, after="NULL")
    return f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" WHEN {condition}\nBEGIN{entry}END'


def expected_triggers(conn: sqlite3.Connection) -> dict[str, str]:
    """The audit triggers the current tables need, by name, with their SQL."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    columns = {table: _columns(conn, table) for table in AUDITED_TABLES if table in tables}  # read once a table
    return {
        f"audit_{table}_{event.lower()}": _trigger_sql(table, names, event)
        for table, names in columns.items() for event in ("INSERT", "UPDATE", "DELETE")
    }


def sync_triggers(conn: sqlite3.Connection) -> int:
    """Create, replace or drop audit triggers until they match the current columns; how many changed.

    Run by ``open_db`` at every opening, in one transaction, so a migration that adds a column or a
    program killed between a migration and this step still ends up with complete triggers.
    """
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone():
        return 0
    present = dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit\\_%' ESCAPE '\\'"
        " AND name NOT LIKE 'audit_log%'"
    ).fetchall())
    expected = expected_triggers(conn)
    stale = [name for name in present if present[name] != expected.get(name)]
    missing = [name for name in expected if name not in present or name in stale]
    if not stale and not missing:
        return 0
    with conn:
        for name in stale:
            conn.execute(f'DROP TRIGGER "{name}"')
        for name in missing:
            conn.execute(expected[name])
    return len(set(stale) | set(missing))


_INSERT_ROW = (
    "INSERT INTO audit_log (at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _last_hash(conn: sqlite3.Connection) -> str:
    row = conn.execute(_LAST_HASH).fetchone()
    return row[0] if row else GENESIS


def _entry(actor: AuditActor, prev: str, at: str, action: str, table_name: str | None, record_id: int | None,
           before: str | None, after: str | None, key: Key | None) -> tuple[object, ...]:
    """The values of ``_INSERT_ROW`` for one entry, its hash chained to ``prev`` (signed with ``key``)."""
    return (at, actor.user_id, actor.name, action, table_name, record_id, before, after, prev,
            entry_hash(prev, at, actor.name, action, table_name, record_id, before, after, key))


def log_entry(db: Database, action: str, *, table_name: str | None = None, record_id: int | None = None,
              before: dict | None = None, after: dict | None = None, actor: AuditActor | None = None) -> None:
    """An entry that is not a record change (a login, an export of personal data, an import's summary), under
    the connection's actor or the one given (a refused sign-in: the name typed, no account)."""
    actor, conn = actor or actor_of(db), db.conn
    before_text = None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True)
    after_text = None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True)
    conn.execute(_INSERT_ROW, _entry(actor, _last_hash(conn), datetime.now().isoformat(timespec="seconds"),
                                     action, table_name, record_id, before_text, after_text, _keys.get(db)))


def log_inserts(db: Database, table: str, first_id: int) -> int:
    """The entries the insert trigger writes, for every row of ``table`` from id ``first_id`` on, in one pass.

    For a bulk insert made under ``suspended`` (an import of 100,000 dossiers): the same entries, the row as
    the trigger's ``json_object`` writes it and the same chain, without running the trigger and its SQL
    functions once a row (30 µs a dossier). Nothing when the caller itself is suspended (demo data).
    """
    actor, conn = actor_of(db), db.conn
    if not actor.enabled:
        return 0
    at = datetime.now().isoformat(timespec="seconds")
    first_prev = _last_hash(conn)
    row_json = _row_json(table, _columns(conn, table), table)
    rows = conn.execute(f"SELECT id, {row_json} FROM [{table}] WHERE id >= ? ORDER BY id", [first_id])

    key = _keys.get(db)

    def entries() -> Iterator[tuple[object, ...]]:
        prev = first_prev
        for record_id, after in rows:
            entry = _entry(actor, prev, at, "insert", table, record_id, None, after, key)
            yield entry
            prev = entry[-1]  # its hash

    return conn.executemany(_INSERT_ROW, entries()).rowcount


def chain_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """How many entries the log has and the hash of the last one (GENESIS when empty): what an anchor kept
    outside the file (a restore's entry, a backup's name) is compared with."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone():
        return 0, GENESIS
    count = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    return count, _last_hash(conn)


@dataclass(frozen=True)
class ChainCheck:
    """What the hash chain of the log says: the entries where it breaks (edited, inserted, removed, or signed
    without the key: a forged one), with the time of the first; and the entries signed with a key that is not on
    this machine (the database came from another install), which could not be checked."""

    broken: tuple[int, ...]
    first_broken_at: str | None
    unverifiable: int
    unverifiable_keys: tuple[str, ...]


def check_chain(conn: sqlite3.Connection, batch: int = 10_000) -> ChainCheck:
    """Every entry's hash recomputed from its fields and the hash before it, with the key it names. Once an
    entry is signed, every later one must be: an unsigned entry after a signed one is forged."""
    from db import keys

    prev, last_id, signed = GENESIS, 0, False
    broken: list[int] = []
    first_at: str | None = None
    found: dict[str, bytes | None] = {}
    unverifiable = 0
    while True:
        rows = conn.execute(
            "SELECT id, at, actor, action, table_name, record_id, before, after, prev_hash, hash FROM audit_log"
            " WHERE id > ? ORDER BY id LIMIT ?", [last_id, batch],
        ).fetchall()
        if not rows:
            break
        for entry_id, at, actor, action, table, record_id, before, after, prev_hash, stored in rows:
            good = prev_hash == prev
            if stored.startswith(KEYED + ":"):
                signed = True
                key_id = stored.split(":", 2)[1]
                if key_id not in found:
                    found[key_id] = keys.by_id(key_id)
                secret = found[key_id]
                if secret is None:
                    unverifiable += 1
                else:
                    good = good and entry_hash(prev, at, actor, action, table, record_id, before, after,
                                               (key_id, secret)) == stored
            else:
                good = good and not signed and entry_hash(prev, at, actor, action, table, record_id, before,
                                                          after) == stored
            if not good:
                broken.append(entry_id)
                first_at = first_at or at
            prev, last_id = stored, entry_id
    return ChainCheck(tuple(broken), first_at, unverifiable,
                      tuple(sorted(key_id for key_id, secret in found.items() if secret is None)))


def broken_links(conn: sqlite3.Connection, batch: int = 10_000) -> Iterator[int]:
    """Ids of the entries whose hash does not follow from their fields, the entry before them and the key they
    name (``check_chain``)."""
    yield from check_chain(conn, batch).broken
