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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from db.handle import Database

# Business records whose every change is logged, the dossiers' history (append-only besides) and the forms
# printed with it included. Left out: derived rows (code counters, search index), scratch (drafts, an import's
# staged rows) and the log itself.
AUDITED_TABLES = (
    "setting", "user", "field", "procedure", "procedure_document", "calendar_override",
    "dossier", "dossier_document", "dossier_event", "dossier_form", "apology_letter", "desk_refusal", "paper",
    "survey_criterion", "survey", "survey_answer",
    "inspection_criterion", "inspection", "inspection_check", "finding",
    "plan", "plan_task", "directive_document",
    "report_manual_value", "report", "report_section_draft", "import_mapping",
    "attachment",
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
# What the opening of a connection found changed outside the program and put back (the window shows it).
found_at_open: WeakKeyDictionary[Database, dict[str, list[str]]] = WeakKeyDictionary()


def actor_of(db: Database) -> AuditActor:
    return _actors.setdefault(db, AuditActor())


def set_actor(db: Database, name: str, user_id: int | None) -> None:
    actor = actor_of(db)
    actor.name, actor.user_id = name, user_id
    if db.dialect != "sqlite":
        to_server(db)


def on_server(db: Database, key: Key | None) -> None:
    """A server's database (db/pg/audit.py): its triggers sign with ``key`` and write the connection's actor, set
    now and again on every connection the handle makes after the server dropped one."""
    if key is not None:
        _keys[db] = key
    db.on_connect.append(lambda _conn: to_server(db))  # type: ignore[attr-defined]
    to_server(db)


def writing_on_server(db: Database) -> None:
    """What a write transaction on a server does first: the actor and key set again (a rollback may have undone
    them) and the chain's lock taken, so that it never waits for the chain while holding a row another desk's
    transaction waits for (the day's code counter)."""
    from db.pg import audit as server

    to_server(db)
    server.lock_chain(db.pg)  # type: ignore[attr-defined]


def to_server(db: Database) -> None:
    """The connection's actor and key as the server's session settings. Inside a transaction they are set for the
    session all the same (kept when it commits; ``db.errors.writing`` sets them again at each transaction's start,
    so a rollback loses nothing). The per-record entries are never switched off from here: on a server only its
    owner may, and the program's bulk work (imports, the demo) keeps them there."""
    from db.pg import audit as server

    actor, conn = actor_of(db), db.pg  # type: ignore[attr-defined]
    if not db.in_transaction:
        server.set_session(conn, actor=actor.name, user_id=actor.user_id, key=_keys.get(db))
        return
    values = server.session_values(actor=actor.name, user_id=actor.user_id, key=_keys.get(db))
    db.execute("SELECT set_config(name, value, false) FROM unnest(?::text[], ?::text[]) AS s(name, value)",
               [list(values), list(values.values())])


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
    signer = _signer(key).copy()  # the key's inner and outer states set up once, not for every entry
    signer.update(message)
    return f"{KEYED}:{key[0]}:{signer.hexdigest()}"


@functools.lru_cache(maxsize=8)
def _signer(key: Key) -> hmac.HMAC:
    return hmac.new(key[1], digestmod=hashlib.sha256)


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


LAST_HASH = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"
_INSERT_ENTRY = """
INSERT INTO audit_log (at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash)
SELECT at, cchc_actor_id(), actor, '{action}', '{table}', record_id, before, after, prev,
       cchc_entry_hash(prev, at, actor, '{action}', '{table}', record_id, before, after)
FROM (SELECT strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') AS at, cchc_actor() AS actor, {record_id} AS record_id,
             {before} AS before, {after} AS after,
             coalesce((""" + LAST_HASH + """), '') AS prev);
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


# The guards that keep the log and the dossiers' history append-only, exactly as migrations m0008 and m0011
# created them (``cchc check`` compares them with the file; a missing or altered one is put back, with an entry).
GUARDS = {
    f"{table}_no_{event.lower()}": (f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}\nBEGIN\n"
                                    f"    SELECT RAISE(ABORT, '{table} is append-only');\nEND")
    for table in ("audit_log", "dossier_event") for event in ("UPDATE", "DELETE")
}
# The generation of the audit triggers: bumped whenever this module changes the triggers' text, so that the next
# opening rewrites them as an upgrade, not as a repair of something changed outside the program.
TRIGGER_VERSION = "2"
TRIGGER_VERSION_SETTING = "audit.triggers"


@dataclass(frozen=True)
class TriggerProblem:
    """An audit trigger or a guard that is missing, altered, or there without the program having made it."""

    name: str
    kind: str  # "missing", "altered", "extra"


TRIGGER_KINDS = {"missing": "thiếu", "altered": "bị sửa", "extra": "lạ"}  # as the log's entries name them


def described(problems: Iterable[TriggerProblem]) -> dict[str, list[str]]:
    """Trigger problems as an entry's data: {"thiếu": [names], "bị sửa": [...], "lạ": [...]}."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(TRIGGER_KINDS[problem.kind], []).append(problem.name)
    return found


def _present(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'audit\\_%' ESCAPE '\\'"
        " OR name IN (SELECT value FROM json_each(?)))", [json.dumps(list(GUARDS))]).fetchall())


def _wanted(conn: sqlite3.Connection) -> dict[str, str]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    guards = {name: sql for name, sql in GUARDS.items() if name.rsplit("_no_", 1)[0] in tables}
    return {**expected_triggers(conn), **guards}


def trigger_problems(conn: sqlite3.Connection) -> list[TriggerProblem]:
    """The audit triggers and guards that differ from what this program makes of the current tables."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone():
        return []
    present, wanted = _present(conn), _wanted(conn)
    problems = [TriggerProblem(name, "missing") for name in wanted if name not in present]
    problems += [TriggerProblem(name, "altered") for name in wanted
                 if name in present and present[name] != wanted[name]]
    problems += [TriggerProblem(name, "extra") for name in present if name not in wanted]
    return sorted(problems, key=lambda problem: problem.name)


def repairs(conn: sqlite3.Connection) -> list[tuple[int, str, dict[str, list[str]]]]:
    """The openings that found triggers changed outside the program and put them back: (entry id, time, what,
    as ``described``)."""
    rows = conn.execute(
        "SELECT id, at, json_extract(after, '$.\"phát hiện sửa ngoài chương trình\"') FROM audit_log"
        " WHERE action = 'other' AND table_name IS NULL AND after LIKE '%phát hiện sửa ngoài chương trình%'"
        " ORDER BY id").fetchall()
    return [(entry_id, at, json.loads(found)) for entry_id, at, found in rows if found]


def trigger_version(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", [TRIGGER_VERSION_SETTING]).fetchone() \
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'setting'").fetchone() else None
    return row[0] if row else None


def sync_triggers(conn: sqlite3.Connection) -> list[TriggerProblem]:
    """Create, replace or drop the audit triggers and the guards until they are what this program makes of the
    current tables (in the caller's transaction, or in one of its own); returns what differed.

    Run inside a migration's transaction (a new column gets its triggers with it) and at every opening, where
    a difference means the triggers were changed outside the program: the caller writes that into the log.
    """
    problems = trigger_problems(conn)
    if not problems and trigger_version(conn) == TRIGGER_VERSION:
        return problems
    wanted = _wanted(conn)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        for problem in problems:
            if problem.kind != "missing":
                conn.execute(f'DROP TRIGGER "{problem.name}"')
            if problem.kind != "extra":
                conn.execute(wanted[problem.name])
        conn.execute("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value ="
                     " excluded.value", [TRIGGER_VERSION_SETTING, TRIGGER_VERSION])
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return problems


# The row of an entry, as ``log_entry`` writes it (``?`` placeholders: PostgreSQL's trail swaps them for ``%s``).
INSERT_ENTRY = (
    "INSERT INTO audit_log (at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _last_hash(conn: sqlite3.Connection) -> str:
    row = conn.execute(LAST_HASH).fetchone()
    return row[0] if row else GENESIS


def entry_values(actor: AuditActor, prev: str, at: str, action: str, table_name: str | None,
                 record_id: int | None, before: str | None, after: str | None, key: Key | None) -> tuple[object, ...]:
    """The values of ``INSERT_ENTRY`` for one entry, its hash chained to ``prev`` (signed with ``key``); the
    PostgreSQL trail's ``log_entry`` (db/pg/audit.py) writes the same."""
    return (at, actor.user_id, actor.name, action, table_name, record_id, before, after, prev,
            entry_hash(prev, at, actor.name, action, table_name, record_id, before, after, key))


def entry_texts(before: dict | None, after: dict | None) -> tuple[str | None, str | None]:
    """The ``before`` and ``after`` texts of an entry ``log_entry`` writes (not a record change): sorted JSON."""
    def text(data: dict | None) -> str | None:
        return None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True)

    return text(before), text(after)


def log_entry(db: Database, action: str, *, table_name: str | None = None, record_id: int | None = None,
              before: dict | None = None, after: dict | None = None, actor: AuditActor | None = None) -> None:
    """An entry that is not a record change (a login, an export of personal data, an import's summary), under
    the connection's actor or the one given (a refused sign-in: the name typed, no account)."""
    actor = actor or actor_of(db)
    if db.dialect != "sqlite":
        from db.pg import audit as server

        server.log_entry(db.pg, action, table_name=table_name, record_id=record_id,  # type: ignore[attr-defined]
                         before=before, after=after, actor=actor.name, user_id=actor.user_id, key=_keys.get(db))
        return
    conn = db.conn
    before_text, after_text = entry_texts(before, after)
    conn.execute(INSERT_ENTRY, entry_values(actor, _last_hash(conn), datetime.now().isoformat(timespec="seconds"),
                                            action, table_name, record_id, before_text, after_text, _keys.get(db)))


def log_inserts(db: Database, table: str, first_id: int) -> int:
    """The entries the insert trigger writes, for every row of ``table`` from id ``first_id`` on, in one pass.

    For a bulk insert made under ``suspended`` (an import of 100,000 dossiers): the same entries, the row as
    the trigger's ``json_object`` writes it and the same chain, without running the trigger and its SQL
    functions once a row (30 µs a dossier). Nothing when the caller itself is suspended (demo data), nor on a
    server, whose triggers wrote each row's entry (it never suspends them: ``to_server``).
    """
    if db.dialect != "sqlite":
        return 0
    actor, conn = actor_of(db), db.conn
    if not actor.enabled:
        return 0
    at = datetime.now().isoformat(timespec="seconds")
    first_prev = _last_hash(conn)
    row_json = _row_json(table, _columns(conn, table), table)
    rows = conn.execute(f"SELECT id, {row_json} FROM \"{table}\" WHERE id >= ? ORDER BY id", [first_id])

    key = _keys.get(db)

    def entries() -> Iterator[tuple[object, ...]]:
        prev = first_prev
        for record_id, after in rows:
            entry = entry_values(actor, prev, at, "insert", table, record_id, None, after, key)
            yield entry
            prev = str(entry[-1])  # its hash (a text)

    return conn.executemany(INSERT_ENTRY, entries()).rowcount


BULK_FIRST, BULK_LAST, BULK_COUNT, BULK_DIGEST = "từ số", "đến số", "số bản ghi", "sha256 các bản ghi"


Source = Database | sqlite3.Connection  # what the trail's checks read: the program's handle, or a file's connection


def _handle(source: Source) -> Database:
    return source if isinstance(source, Database) else Database(source)


def row_json(db: Database, table: str, ref: str) -> str:
    """The SQL of row ``ref`` of ``table`` as the insert trigger writes it, on the handle's engine."""
    if db.dialect == "sqlite":
        return _row_json(table, _columns(db.conn, table), ref)
    from db.pg import audit as server

    return server.row_text(db.pg, table, ref)  # type: ignore[attr-defined]


def rows_digest(source: Source, table: str, first_id: int, last_id: int) -> tuple[int, str]:
    """(rows, SHA-256) of the rows of ``table`` with ids in [first, last], each as the insert trigger's
    ``json_object`` writes it, in id order."""
    db = _handle(source)
    digest = hashlib.sha256()
    count = 0
    row = row_json(db, table, f'"{table}"')
    for (text,) in db.execute(f"SELECT {row} FROM \"{table}\" WHERE id BETWEEN ? AND ?"
                              " ORDER BY id", [first_id, last_id]):
        digest.update(text.encode("utf-8"))
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def log_bulk_insert(db: Database, table: str, first_id: int) -> int:
    """One entry for every row of an append-only ``table`` from id ``first_id`` on, inserted under ``suspended``
    (an import's 300,000 dossier events, which its dossiers' dates tell): their id range and the SHA-256 of
    the rows as the insert trigger writes them, which the replay of the trail recomputes, instead of an entry
    each (18 µs a row). Nothing when the caller itself is suspended (demo data) or there is no row, nor on a
    server (its triggers wrote each row's entry)."""
    if db.dialect != "sqlite":
        return 0
    actor, conn = actor_of(db), db.conn
    last_id = conn.execute(f"SELECT max(id) FROM \"{table}\"").fetchone()[0]
    if not actor.enabled or last_id is None or last_id < first_id:
        return 0
    count, digest = rows_digest(conn, table, first_id, last_id)
    log_entry(db, "insert", table_name=table, after={BULK_FIRST: first_id, BULK_LAST: last_id, BULK_COUNT: count,
                                                      BULK_DIGEST: digest})
    return count


def chain_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """How many entries the log has and the hash of the last one (GENESIS when empty): what an anchor kept
    outside the file (a restore's entry, a backup's name) is compared with."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone():
        return 0, GENESIS
    count = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    return count, _last_hash(conn)


# Columns a sign-in changes without an entry of their own (the attempt itself is logged, as a login entry).
VOLATILE = {"user": frozenset({"failed_logins", "locked_until"})}
UNLOGGED = "không có nhật ký đến số"  # a bulk entry's rows that may have no per-row entries: {table: last id}
REWRITTEN = "viết lại đến số"  # ... and rows that may have been changed without entries: {table: last id}


def bulk_marks(db: Database, tables: Iterable[str], *, rewritten: bool = False) -> dict[str, dict[str, int]]:
    """What a summary entry of work done without per-row entries (demo data, an upgrade) must say so that the
    replay of the trail (``replay_problems``) knows which rows it cannot vouch for: the last id of each table."""
    conn = db.conn
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    last = {table: conn.execute(f"SELECT coalesce(max(id), 0) FROM \"{table}\"").fetchone()[0]
            for table in tables if table in present and "id" in _columns(conn, table)}
    return {REWRITTEN if rewritten else UNLOGGED: last}


def suspended_marks(db: Database, tables: Iterable[str]) -> dict[str, dict[str, int]]:
    """What the summary entry of work done under ``suspended`` names: on SQLite the rows it left without entries
    (``bulk_marks``); on a server nothing, whose triggers wrote each row's entry (``suspended`` silences only the
    program's own)."""
    return bulk_marks(db, tables) if db.dialect == "sqlite" else {}


@dataclass(frozen=True)
class ReplayProblem:
    """A record that differs from what its audit trail says: changed, added or removed outside the program."""

    table: str
    record_id: int
    what: str  # "changed", "added", "removed"; "range": the rows an entry anchors by their digest differ
    fields: tuple[tuple[str, object, object], ...] = ()  # (field, in the file, in the trail)
    last_entry: tuple[int, str] | None = None  # (id, time) of the last entry the trail has for the record
    last_record_id: int | None = None  # of a range


def _marks(conn: Database) -> dict[str, list[tuple[int, str, int]]]:
    """table → [(entry id, kind, last id)] of the summary entries that name it, in order."""
    found: dict[str, list[tuple[int, str, int]]] = {}
    for entry_id, after in conn.execute(
            "SELECT id, after FROM audit_log WHERE action = 'other' AND table_name IS NULL"
            " AND (after LIKE ? OR after LIKE ?) ORDER BY id", [f"%{UNLOGGED}%", f"%{REWRITTEN}%"]):
        data = json.loads(after)
        for kind in (UNLOGGED, REWRITTEN):
            for table, last in (data.get(kind) or {}).items():
                found.setdefault(table, []).append((entry_id, kind, int(last)))
    return found


def replay_problems(source: Source, limit: int = 1_000) -> list[ReplayProblem]:
    """Every audited record compared with what its entries say it is: the last value the trail gives each of its
    fields, whether it exists. Found: a record changed, removed or added without its entry (a trigger dropped
    for a moment, the audit switched off by a connection of another program). Not vouched for: records that
    bulk work (demo data, an upgrade) wrote without per-row entries and the trail has not seen since, and the
    fields in ``VOLATILE``. At most ``limit`` problems are listed."""
    conn = _handle(source)
    tables = set(conn.table_names())
    if "audit_log" not in tables:
        return []
    marks = _marks(conn)
    problems: list[ReplayProblem] = []
    for table in AUDITED_TABLES:
        if table not in tables or len(problems) >= limit:
            continue
        columns = conn.columns(table)
        if "id" not in columns:
            continue
        problems.extend(_replay_table(conn, table, columns, marks.get(table, []), limit - len(problems)))
    return problems


def _replay_table(conn: Database, table: str, columns: list[str], marks: list[tuple[int, str, int]],
                  limit: int) -> list[ReplayProblem]:
    skip = VOLATILE.get(table, frozenset())
    unlogged_up_to = max((last for _entry, kind, last in marks if kind == UNLOGGED), default=0)
    rewrites = [(entry_id, last) for entry_id, kind, last in marks if kind == REWRITTEN]
    found: list[ReplayProblem] = []
    known: dict[int, tuple[bool, dict[str, object], tuple[int, str]]] = {}  # record → (exists, fields, last)

    row = row_json(conn, table, f'"{table}"')

    def flush(batch: dict[int, tuple[bool, dict[str, object], tuple[int, str]]]) -> None:
        rows = dict(conn.execute(
            f"SELECT id, {row} FROM \"{table}\" WHERE id IN (SELECT CAST(value AS INTEGER)"
            " FROM json_each(?))", [json.dumps(list(batch))]).fetchall())
        for record_id, (exists, fields, last) in batch.items():
            now = rows.get(record_id)
            if now is None:
                if exists:
                    found.append(ReplayProblem(table, record_id, "removed", last_entry=last))
                continue
            current = json.loads(now)
            changed = tuple((name, current.get(name), value) for name, value in fields.items()
                            if name not in skip and name in current and current.get(name) != value)
            if changed:
                found.append(ReplayProblem(table, record_id, "changed", changed, last))

    record, exists, last = None, False, (0, "")
    fields: dict[str, object] = {}
    previous_entry = 0
    for entry_id, record_id, action, after, at in conn.execute(
            "SELECT id, record_id, action, after, at FROM audit_log WHERE table_name = ? AND record_id IS NOT NULL"
            " AND action IN ('insert', 'update', 'delete') ORDER BY record_id, id", [table]):
        if record_id != record:
            if record is not None:
                known[record] = _settled(record, exists, fields, last, rewrites)
            record, exists, fields, previous_entry = record_id, False, {}, 0
        if any(previous_entry < mark < entry_id and record_id <= upto for mark, upto in rewrites):
            fields = {}  # rewritten since without entries: what the trail knew before is no longer the record
        if action == "insert":
            exists, fields = True, dict(json.loads(after))
        elif action == "update":
            exists = True
            fields.update(json.loads(after) if after else {})
        else:
            exists, fields = False, {}
        last, previous_entry = (entry_id, at), entry_id
        if len(known) >= 5_000:
            flush(known)
            known = {}
            if len(found) >= limit:
                return found[:limit]
    if record is not None:
        known[record] = _settled(record, exists, fields, last, rewrites)
    if known:
        flush(known)
    ranges = []
    for entry_id, after, at in conn.execute(
            "SELECT id, after, at FROM audit_log WHERE table_name = ? AND record_id IS NULL AND action = 'insert'"
            " ORDER BY id", [table]):
        data = json.loads(after) if after else {}
        if BULK_DIGEST not in data:
            continue
        first_id, last_id = int(data[BULK_FIRST]), int(data[BULK_LAST])
        ranges.append((first_id, last_id))
        if rows_digest(conn, table, first_id, last_id) != (int(data[BULK_COUNT]), data[BULK_DIGEST]):
            found.append(ReplayProblem(table, first_id, "range", last_entry=(entry_id, at), last_record_id=last_id))
    added = conn.execute(
        f"SELECT id FROM \"{table}\" t WHERE id > ? AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.table_name = ?"
        " AND a.record_id = t.id AND a.action = 'insert') ORDER BY id", [unlogged_up_to, table])
    for (record_id,) in added:
        if len(found) >= limit:
            break
        if not any(first <= record_id <= last for first, last in ranges):
            found.append(ReplayProblem(table, record_id, "added"))
    return found[:limit]


def _settled(record: int, exists: bool, fields: dict[str, object], last: tuple[int, str],
             rewrites: list[tuple[int, int]]) -> tuple[bool, dict[str, object], tuple[int, str]]:
    """What the trail knows of ``record`` now: nothing of its fields when bulk work rewrote it since."""
    if any(mark > last[0] and record <= upto for mark, upto in rewrites):
        return exists, {}, last
    return exists, fields, last


@dataclass(frozen=True)
class ChainCheck:
    """What the hash chain of the log says: the entries where it breaks (edited, inserted, removed, or signed
    without the key: a forged one), with the time of the first; and the entries signed with a key that is not on
    this machine (the database came from another install), which could not be checked."""

    broken: tuple[int, ...]
    first_broken_at: str | None
    unverifiable: int
    unverifiable_keys: tuple[str, ...]


# A page of the log for the chain's check (``?`` placeholders: PostgreSQL's trail swaps them for ``%s``).
CHAIN_PAGE = ("SELECT id, at, actor, action, table_name, record_id, before, after, prev_hash, hash FROM audit_log"
              " WHERE id > ? ORDER BY id LIMIT ?")


def paged(fetch: Callable[[str, list[int]], Sequence[Sequence[Any]]], batch: int = 10_000) -> Iterator[Sequence[Any]]:
    """The log's entries in id order, ``batch`` at a time: ``fetch(CHAIN_PAGE, [after id, batch])`` reads a page."""
    last_id = 0
    while rows := fetch(CHAIN_PAGE, [last_id, batch]):
        yield from rows
        last_id = rows[-1][0]


def verify_chain(entries: Iterable[Sequence[Any]]) -> ChainCheck:
    """Every entry's hash (rows as ``CHAIN_PAGE`` reads them, in id order) recomputed from its fields and the hash
    before it, with the key it names. Once an entry is signed, every later one must be: an unsigned entry after a
    signed one is forged."""
    from db import keys

    prev, signed = GENESIS, False
    broken: list[int] = []
    first_at: str | None = None
    found: dict[str, bytes | None] = {}
    unverifiable = 0
    for entry_id, at, actor, action, table, record_id, before, after, prev_hash, stored in entries:
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
        prev = stored
    return ChainCheck(tuple(broken), first_at, unverifiable,
                      tuple(sorted(key_id for key_id, secret in found.items() if secret is None)))


def check_chain(source: Source, batch: int = 10_000) -> ChainCheck:
    """``verify_chain`` of the whole log of the file or the server's database."""
    db = _handle(source)
    return verify_chain(paged(lambda sql, params: db.execute(sql, params).fetchall(), batch))


def broken_links(conn: Source, batch: int = 10_000) -> Iterator[int]:
    """Ids of the entries whose hash does not follow from their fields, the entry before them and the key they
    name (``check_chain``)."""
    yield from check_chain(conn, batch).broken
