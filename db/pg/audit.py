"""The audit trail on PostgreSQL (issue 22): the entries SQLite's triggers write (db/audit.py), byte for byte, with
the same hash chain, so that ``cchc check`` gives the same verdicts on either engine.

Every insert, update and delete of a table in ``AUDITED_TABLES`` runs a PL/pgSQL trigger function generated from
the table's current columns (``install``), which writes the entry in the same transaction:

- ``before``/``after`` as SQLite writes them: the row as ``json_object`` (compact, SQLite's escaping, doubles as
  its ``%!.15g``) for an insert or a delete; for an update the changed fields as Python's ``json.dumps`` prints
  them after ``json.loads`` of SQLite's text (separators ``", "`` and ``": "``, doubles as ``repr``); secret
  columns as the 8-hex fingerprint. An update whose row text is unchanged writes nothing (SQLite's condition).
- ``hash`` = ``db.audit.entry_hash`` of the stored fields: HMAC-SHA256 computed in PL/pgSQL from the built-in
  ``sha256()`` (no extension needed), ``k1:<key id>:<hex>``; plain SHA-256 when the session has no key, as
  SQLite's triggers do on a connection registered without one.
- ``at`` = the statement's start, in the session's ``TimeZone``, which ``set_session`` sets to the desk's zone.

The session settings (``set_session``): ``cchc.actor``, ``cchc.user_id``, ``cchc.key_id``, ``cchc.key`` (hex;
never stored in a table), ``cchc.audit`` ('off' suspends the per-record entries, honoured only for a role that is
(a member of) the database's owner: a desk's role cannot switch its own trail off).

One chain for all desks: each entry's writer first takes a transaction advisory lock (``CHAIN_LOCK``) and only then
reads the last hash (in a statement of its own, so under READ COMMITTED it sees the entry of a desk that held the
lock before); the lock is held to commit, so the entries of concurrent desks chain in commit order. Another
isolation level is refused (its snapshot would miss the other desk's entry and fork the chain). A writing
transaction should take the lock first (``lock_chain``) when it also locks rows: a desk holding a row lock that
then waits for the chain lock could deadlock with a desk holding the chain lock that waits for the row.

The functions are SECURITY INVOKER: the desks already insert into ``audit_log`` (db/pg/roles.py), the owner alone
can replace a function or drop or disable a trigger, and nothing runs with more rights than the desk has.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.audit import (
    AUDITED_TABLES,
    INSERT_ENTRY,
    SECRET_COLUMNS,
    SYSTEM_ACTOR,
    AuditActor,
    ChainCheck,
    Key,
    TriggerProblem,
    entry_texts,
    entry_values,
    paged,
    verify_chain,
)

if TYPE_CHECKING:
    import psycopg

# The transaction advisory lock every entry's writer holds to commit (any bigint fixed for the program: "ccha").
CHAIN_LOCK = 0x63636861
EVENTS = ("INSERT", "UPDATE", "DELETE")
# The append-only guards of the baseline (db/sql/postgresql/0017_baseline.sql) and of the scans' bytes (0020), put
# back when changed.
GUARDED = ("audit_log", "dossier_event", "attachment_content")
GUARD_EVENTS = ("UPDATE", "DELETE", "TRUNCATE")
# pg_trigger.tgtype bits.
_ROW, _BEFORE, _INSERT, _DELETE, _UPDATE, _TRUNCATE = 1, 2, 4, 8, 16, 32
_EVENT_BITS = {"INSERT": _INSERT, "UPDATE": _UPDATE, "DELETE": _DELETE, "TRUNCATE": _TRUNCATE}


@dataclass(frozen=True)
class Function:
    """A function of the trail as this program makes it; ``shape`` is what the catalogue must say of it."""

    name: str
    arguments: str  # as pg_get_function_identity_arguments prints them
    result: str  # as pg_get_function_result prints it
    body: str
    language: str = "plpgsql"
    volatility: str = "v"  # i, s, v
    strict: bool = False

    @property
    def shape(self) -> tuple[object, ...]:
        """As ``_PRESENT_FUNCTIONS`` reads it: never SECURITY DEFINER, no SET of its own, the database owner's."""
        return (self.arguments, self.result, self.body, self.language, self.volatility, self.strict, False, None,
                True)

    def create(self, schema: str) -> str:
        volatility = {"i": "IMMUTABLE", "s": "STABLE", "v": "VOLATILE"}[self.volatility]
        strict = " STRICT" if self.strict else ""
        return (f"CREATE OR REPLACE FUNCTION {_ident(schema)}.{_ident(self.name)}({self.arguments})"
                f" RETURNS {self.result} LANGUAGE {self.language} {volatility}{strict} AS $cchc${self.body}$cchc$")


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    timing: str  # "AFTER" or "BEFORE"
    event: str
    function: str
    per_row: bool = True

    @property
    def shape(self) -> tuple[object, ...]:
        """(tgtype, function, enabled, plain): plain = no WHEN, arguments, columns, transition tables."""
        bits = _EVENT_BITS[self.event] | (_ROW if self.per_row else 0) | (_BEFORE if self.timing == "BEFORE" else 0)
        return (bits, self.function, "O", True)

    def create(self, schema: str) -> str:
        each = "ROW" if self.per_row else "STATEMENT"
        return (f"CREATE TRIGGER {_ident(self.name)} {self.timing} {self.event}"
                f" ON {_ident(schema)}.{_ident(self.table)}"
                f" FOR EACH {each} EXECUTE FUNCTION {_ident(schema)}.{_ident(self.function)}()")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# The helpers the generated trigger functions call --------------------------------------------------------------------

_JSON_STRING = r"""
DECLARE
    v text COLLATE "C" := value;
    code integer;
BEGIN
    IF v IS NULL THEN
        RETURN 'null';
    END IF;
    v := replace(replace(v, E'\\', E'\\\\'), '"', E'\\"');
    IF v ~ E'[\x01-\x1f]' THEN
        v := replace(replace(replace(replace(replace(v, E'\b', E'\\b'), E'\t', E'\\t'), E'\n', E'\\n'),
                             E'\f', E'\\f'), E'\r', E'\\r');
        FOR code IN 1..31 LOOP
            v := replace(v, chr(code), E'\\u00' || lpad(to_hex(code), 2, '0'));
        END LOOP;
    END IF;
    RETURN '"' || v || '"';
END
"""

_REAL_JSON = r"""
DECLARE
    t text;
    point integer;
    whole text;
    all_digits text;
    digits text;
    exponent integer;
    limit_exponent integer := CASE WHEN python THEN 16 ELSE 15 END;
BEGIN
    IF value IS NULL OR value = 'NaN'::double precision THEN
        RETURN 'null';
    ELSIF value = 'Infinity'::double precision THEN
        RETURN CASE WHEN python THEN 'Infinity' ELSE 'Inf' END;
    ELSIF value = '-Infinity'::double precision THEN
        RETURN CASE WHEN python THEN '-Infinity' ELSE '-Inf' END;
    ELSIF value = 0 THEN
        RETURN '0.0';
    END IF;
    t := abs(value)::numeric::text;  -- 15 significant digits: the cast rounds as printf's %.15g
    point := strpos(t, '.');
    whole := CASE WHEN point = 0 THEN t ELSE left(t, point - 1) END;
    all_digits := whole || CASE WHEN point = 0 THEN '' ELSE substr(t, point + 1) END;
    digits := ltrim(all_digits, '0');
    exponent := length(whole) - (length(all_digits) - length(digits)) - 1;
    digits := rtrim(digits, '0');
    IF exponent < -4 OR exponent >= limit_exponent THEN
        t := left(digits, 1)
             || CASE WHEN length(digits) > 1 THEN '.' || substr(digits, 2) WHEN python THEN '' ELSE '.0' END
             || 'e' || CASE WHEN exponent < 0 THEN '-' ELSE '+' END
             || CASE WHEN abs(exponent) < 10 THEN '0' ELSE '' END || abs(exponent)::text;
    ELSIF exponent >= 0 THEN
        t := rpad(left(digits, exponent + 1), exponent + 1, '0') || '.'
             || coalesce(nullif(substr(digits, exponent + 2), ''), '0');
    ELSE
        t := '0.' || repeat('0', -exponent - 1) || digits;
    END IF;
    RETURN CASE WHEN value < 0 THEN '-' || t ELSE t END;
END
"""

_FINGERPRINT = """
SELECT left(encode(sha256(convert_to(value, 'UTF8')), 'hex'), 8)
"""

_HMAC = r"""
DECLARE
    k bytea := key;
    inner_pad bytea;
    outer_pad bytea;
    i integer;
BEGIN
    IF length(k) > 64 THEN
        k := sha256(k);
    END IF;
    k := k || decode(repeat('00', 64 - length(k)), 'hex');
    inner_pad := k;
    outer_pad := k;
    FOR i IN 0..63 LOOP
        inner_pad := set_byte(inner_pad, i, get_byte(k, i) # 54);
        outer_pad := set_byte(outer_pad, i, get_byte(k, i) # 92);
    END LOOP;
    RETURN encode(sha256(outer_pad || sha256(inner_pad || message)), 'hex');
END
"""

_AUDIT_ON = """
SELECT coalesce(current_setting('cchc.audit', true), '') <> 'off'
    OR NOT pg_has_role(current_user, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER')
"""

_HEAD = f"""
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'Nhật ký chỉ được ghi trong giao dịch READ COMMITTED (đang là %)',
            current_setting('transaction_isolation') USING ERRCODE = 'invalid_transaction_state';
    END IF;
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    -- A statement of its own after the lock: it sees the entry of the desk that held the lock before.
    at := to_char(statement_timestamp(), 'YYYY-MM-DD"T"HH24:MI:SS');
    SELECT a.hash INTO prev FROM audit_log a ORDER BY a.id DESC LIMIT 1;
    prev := coalesce(prev, '');
END
"""

_WRITE = f"""
DECLARE
    v_at text;
    v_prev text;
    v_actor text := coalesce(current_setting('cchc.actor', true), '{SYSTEM_ACTOR}');
    v_key_id text := nullif(current_setting('cchc.key_id', true), '');
    v_message bytea;
    v_hash text;
BEGIN
    SELECT h.at, h.prev INTO v_at, v_prev FROM cchc_audit_head() h;
    v_message := convert_to(concat_ws(chr(31), v_prev, v_at, v_actor, p_action, coalesce(p_table, ''),
                                      coalesce(p_record_id::text, ''), coalesce(p_before, ''), coalesce(p_after, '')),
                            'UTF8');
    IF v_key_id IS NULL THEN
        v_hash := encode(sha256(v_message), 'hex');
    ELSE
        v_hash := 'k1:' || v_key_id || ':' || cchc_hmac_sha256(decode(current_setting('cchc.key'), 'hex'), v_message);
    END IF;
    INSERT INTO audit_log (at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash)
    VALUES (v_at, nullif(current_setting('cchc.user_id', true), '')::bigint, v_actor, p_action, p_table,
            p_record_id, p_before, p_after, v_prev, v_hash);
END
"""

_REFUSE_CHANGE = """
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
"""

HELPERS = {function.name: function for function in (
    Function("cchc_json_string", "value text", "text", _JSON_STRING, volatility="i"),
    Function("cchc_real_json", "value double precision, python boolean", "text", _REAL_JSON, volatility="i"),
    Function("cchc_fingerprint", "value text", "text", _FINGERPRINT, language="sql", volatility="i", strict=True),
    Function("cchc_hmac_sha256", "key bytea, message bytea", "text", _HMAC, volatility="i", strict=True),
    Function("cchc_audit_on", "", "boolean", _AUDIT_ON, language="sql", volatility="s"),
    Function("cchc_audit_head", "OUT at text, OUT prev text", "record", _HEAD),
    Function("cchc_audit_write",
             "p_action text, p_table text, p_record_id bigint, p_before text, p_after text", "void", _WRITE),
    Function("refuse_change", "", "trigger", _REFUSE_CHANGE),  # the baseline's, as it wrote it
)}


# The trigger functions of the audited tables, generated from their columns --------------------------------------

_INTEGER_TYPES = ("bigint", "integer", "smallint")
_TEXT_TYPES = ("text", "character varying")
_REAL_TYPES = ("double precision",)


def _value(table: str, column: str, kind: str, ref: str, *, python: bool) -> str:
    """The SQL of one field's JSON text: as SQLite's ``json_object`` writes it, or (``python``) as ``json.dumps``
    prints it once read back."""
    field = f"{ref}.{_ident(column)}"
    if column in SECRET_COLUMNS.get(table, ()):
        return f"cchc_json_string(cchc_fingerprint({field}))"
    if kind in _INTEGER_TYPES:
        return f"coalesce({field}::text, 'null')"
    if kind in _TEXT_TYPES:
        return f"cchc_json_string({field})"
    if kind in _REAL_TYPES:
        return f"cchc_real_json({field}, {'true' if python else 'false'})"
    raise ValueError(f"audit trail: column {table}.{column} has type {kind}, which the triggers cannot write as SQLite")


def _row(table: str, columns: list[tuple[str, str]], ref: str) -> str:
    parts = []
    for index, (name, kind) in enumerate(columns):
        opening = "{" if index == 0 else ","
        parts.append(f"'{opening}\"{name}\":' || {_value(table, name, kind, ref, python=False)}")
    return "(" + " || ".join(parts) + " || '}')" if parts else "'{}'"


def _changed(table: str, columns: list[tuple[str, str]], ref: str) -> str:
    """``db.audit._changed``: the fields whose value differs between OLD and NEW, with ``ref``'s values."""
    parts = []
    for name, kind in columns:
        old = _value(table, name, kind, "OLD", python=False)
        new = _value(table, name, kind, "NEW", python=False)
        parts.append(f"CASE WHEN {old} COLLATE \"C\" IS DISTINCT FROM {new} COLLATE \"C\""
                     f" THEN '\"{name}\": ' || {_value(table, name, kind, ref, python=True)} END")
    return "('{' || concat_ws(', ', " + ", ".join(parts) + ") || '}')"


def _body(table: str, columns: list[tuple[str, str]], event: str) -> str:
    """The trigger function's body: SQLite's trigger (``db.audit._trigger_sql``) in PL/pgSQL."""
    record = ("OLD" if event == "DELETE" else "NEW") + '."id"' if "id" in (name for name, _kind in columns) else "NULL"
    condition = "cchc_audit_on()"
    if event == "INSERT":
        before, after = "NULL", _row(table, columns, "NEW")
    elif event == "DELETE":
        before, after = _row(table, columns, "OLD"), "NULL"
    else:  # the row's text, not the row: what SQLite compares (a nondeterministic collation must not hide a change)
        old, new = _row(table, columns, "OLD"), _row(table, columns, "NEW")
        condition += f' AND {old} COLLATE "C" IS DISTINCT FROM {new} COLLATE "C"'
        before, after = _changed(table, columns, "OLD"), _changed(table, columns, "NEW")
    return (f"\nBEGIN\n    IF {condition} THEN\n"
            f"        PERFORM cchc_audit_write('{event.lower()}', '{table}', {record}, {before}, {after});\n"
            "    END IF;\n    RETURN NULL;\nEND\n")


def _schema(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT current_schema()").fetchone()
    assert row is not None and row[0] is not None, "no schema in search_path"
    return str(row[0])


def _columns(conn: psycopg.Connection) -> dict[str, list[tuple[str, str]]]:
    """The audited tables of the current schema, with their columns (name, type) in order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in conn.execute(
            "SELECT c.relname, a.attname, format_type(a.atttypid, NULL) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(%s)"
            " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum", [list(AUDITED_TABLES)]):
        found.setdefault(table, []).append((column, kind))
    return found


@dataclass(frozen=True)
class _Wanted:
    """What this program makes of the current tables: functions and triggers by name."""

    functions: dict[str, Function]
    triggers: dict[str, Trigger]


def _wanted(conn: psycopg.Connection) -> _Wanted:
    functions = dict(HELPERS)
    triggers: dict[str, Trigger] = {}
    for table, columns in _columns(conn).items():
        for event in EVENTS:
            name = f"audit_{table}_{event.lower()}"
            functions[name] = Function(name, "", "trigger", _body(table, columns, event))
            triggers[name] = Trigger(name, table, "AFTER", event, name)
    tables = {row[0] for row in conn.execute(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(%s)", [list(GUARDED)])}
    for table in GUARDED:
        if table in tables:
            for event in GUARD_EVENTS:
                name = f"{table}_no_{event.lower()}"
                triggers[name] = Trigger(name, table, "BEFORE", event, "refuse_change", per_row=event != "TRUNCATE")
    return _Wanted(functions, triggers)


_PRESENT_FUNCTIONS = r"""
SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), p.prosrc, l.lanname,
       p.provolatile::text, p.proisstrict, p.prosecdef, p.proconfig,
       p.proowner = (SELECT datdba FROM pg_database WHERE datname = current_database())
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = current_schema() AND (p.proname LIKE 'audit\_%%' OR p.proname = ANY(%s))
"""

_PRESENT_TRIGGERS = r"""
SELECT t.tgname, c.relname, t.tgtype::integer, p.proname, t.tgenabled::text,
       t.tgqual IS NULL AND t.tgnargs = 0 AND t.tgattr::text = '' AND t.tgoldtable IS NULL
       AND t.tgnewtable IS NULL AND t.tgconstraint = 0 AND p.pronamespace = n.oid
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND (t.tgname LIKE 'audit\_%%' OR t.tgname = ANY(%s))
"""


@dataclass(frozen=True)
class _Present:
    functions: dict[str, list[tuple[object, ...]]]  # name → shapes of its overloads
    triggers: dict[str, list[tuple[str, tuple[object, ...]]]]  # name → (table, shape) of each


def _present(conn: psycopg.Connection, want: _Wanted) -> _Present:
    functions: dict[str, list[tuple[object, ...]]] = {}
    for name, *shape in conn.execute(_PRESENT_FUNCTIONS, [list(want.functions)]):
        functions.setdefault(name, []).append(tuple(shape))
    triggers: dict[str, list[tuple[str, tuple[object, ...]]]] = {}
    for name, table, *shape in conn.execute(_PRESENT_TRIGGERS, [list(want.triggers)]):
        triggers.setdefault(name, []).append((table, tuple(shape)))
    return _Present(functions, triggers)


def _verdicts(want: _Wanted, present: _Present) -> dict[str, str]:
    """name → "missing", "altered" or "extra" for each that differs."""
    found: dict[str, str] = {}
    for name in sorted({*want.functions, *want.triggers}):
        trigger, function = want.triggers.get(name), want.functions.get(name)
        on_table = [shape for table, shape in present.triggers.get(name, []) if trigger and table == trigger.table]
        if (trigger and not on_table) or (not trigger and function and name not in present.functions):
            found[name] = "missing"
        elif (trigger and on_table != [trigger.shape]) or (
                function and present.functions.get(name) != [function.shape]):
            found[name] = "altered"
    for name, placed in present.triggers.items():
        trigger = want.triggers.get(name)
        if trigger is None or any(table != trigger.table for table, _shape in placed):
            found.setdefault(name, "extra")
    for name in present.functions:
        if name not in want.functions:
            found.setdefault(name, "extra")
    return found


def trigger_problems(conn: psycopg.Connection) -> list[TriggerProblem]:
    """The audit triggers, their functions and the guards that differ from what this program makes of the current
    tables (a function's body, language, volatility or rights changed counts as its trigger altered); as SQLite's
    ``db.audit.trigger_problems`` names them."""
    if conn.execute("SELECT to_regclass('audit_log')").fetchone() == (None,):
        return []
    want = _wanted(conn)
    verdicts = _verdicts(want, _present(conn, want))
    return [TriggerProblem(name, kind) for name, kind in sorted(verdicts.items())]


def install(conn: psycopg.Connection) -> list[TriggerProblem]:
    """Create, replace or drop the trail's functions, the audit triggers and the guards until they are what this
    program makes of the current tables; returns what differed (nothing the second time). Run by the owner inside
    its transaction (``db.pg.migrations.migrate`` does, after the migrations, under their lock)."""
    import psycopg

    if conn.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS and conn.autocommit:
        raise ValueError("install() needs a transaction: a failure half-way would leave the trail half made")
    problems = trigger_problems(conn)
    if not problems:
        return problems
    schema = _schema(conn)
    want = _wanted(conn)
    present = _present(conn, want)
    for name, function in want.functions.items():
        shapes = present.functions.get(name, [])
        if shapes == [function.shape]:
            continue
        for arguments, result, *_rest in shapes:  # another signature, or a result CREATE OR REPLACE cannot change
            if arguments != function.arguments or result != function.result:
                conn.execute(f"DROP FUNCTION {_ident(schema)}.{_ident(name)}({arguments}) CASCADE".encode())
        conn.execute(function.create(schema).encode())
    present = _present(conn, want)  # a CASCADE may have taken triggers with it
    for name, placed in present.triggers.items():
        trigger = want.triggers.get(name)
        for table, shape in placed:
            if trigger is None or table != trigger.table or shape != trigger.shape:
                conn.execute(f"DROP TRIGGER {_ident(name)} ON {_ident(schema)}.{_ident(table)}".encode())
    present = _present(conn, want)
    for name, trigger in want.triggers.items():
        if not any(table == trigger.table for table, _shape in present.triggers.get(name, [])):
            conn.execute(trigger.create(schema).encode())
    for name in present.functions:
        if name not in want.functions:
            for arguments, *_rest in present.functions[name]:
                conn.execute(f"DROP FUNCTION {_ident(schema)}.{_ident(name)}({arguments}) CASCADE".encode())
    return problems


# The session and the entries Python writes ---------------------------------------------------------------------------

def local_time_zone() -> str:
    """This machine's time zone as PostgreSQL names it: the IANA name (``TZ``, else the ``/etc/localtime`` link),
    else the current UTC offset as a fixed POSIX zone (``<+07>-07``; Windows, where Vietnam has no summer time)."""
    named = os.environ.get("TZ", "").lstrip(":")
    if named and not named.startswith("/"):
        return named
    try:
        target = str(Path(named or "/etc/localtime").resolve())
    except OSError:
        target = ""
    if "/zoneinfo/" in target:
        return target.split("/zoneinfo/", 1)[1]
    return fixed_zone(time.localtime().tm_gmtoff)


def fixed_zone(offset: int) -> str:
    """A zone ``offset`` seconds east of UTC, as a POSIX zone PostgreSQL reads (whose sign counts west)."""
    sign = "+" if offset >= 0 else "-"
    hours, minutes = divmod(abs(offset) // 60, 60)
    return f"<{sign}{hours:02d}{minutes:02d}>{'-' if sign == '+' else '+'}{hours:02d}:{minutes:02d}"


def session_values(*, actor: str, user_id: int | None, key: Key | None, enabled: bool = True) -> dict[str, str]:
    """The session settings the triggers read, by name."""
    return {
        "cchc.actor": actor,
        "cchc.user_id": "" if user_id is None else str(int(user_id)),
        "cchc.key_id": "" if key is None else key[0],
        "cchc.key": "" if key is None else key[1].hex(),
        "cchc.audit": "on" if enabled else "off",
    }


def set_session(conn: psycopg.Connection, *, actor: str, user_id: int | None, key: Key | None,
                enabled: bool = True, time_zone: str | None = None) -> None:
    """Who the session's changes are written under, the key that signs them (None: plain SHA-256, as SQLite's
    triggers without a key), whether the per-record entries are written (``enabled=False`` is honoured only for the
    database's owner) and the desk's time zone (``at``; default ``local_time_zone()``). Session settings: run
    outside a transaction (a rollback would undo them); ValueError otherwise."""
    import psycopg

    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise ValueError("set_session() needs a connection outside a transaction: a rollback would undo it")
    values = session_values(actor=actor, user_id=user_id, key=key, enabled=enabled)
    zone = "SELECT set_config('TimeZone', %s, false)"
    with conn.transaction():
        conn.execute("SELECT set_config(name, value, false) FROM unnest(%s::text[], %s::text[]) AS s(name, value)",
                     [list(values), list(values.values())])
        try:
            with conn.transaction():
                conn.execute(zone, [time_zone or local_time_zone()])
        except psycopg.errors.InvalidParameterValue:
            if time_zone is not None:
                raise
            conn.execute(zone, [fixed_zone(time.localtime().tm_gmtoff)])  # a zone name the server does not know


def lock_chain(conn: psycopg.Connection) -> None:
    """Take the chain's lock now, in the caller's transaction (held to its end): what a writing transaction that
    also locks rows does first, so that it never waits for the chain while holding a row another desk waits for."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


INSERT_ENTRY_PG = INSERT_ENTRY.replace("?", "%s")


def log_entry(conn: psycopg.Connection, action: str, *, table_name: str | None = None, record_id: int | None = None,
              before: dict | None = None, after: dict | None = None, actor: str, user_id: int | None,
              key: Key | None) -> None:
    """An entry that is not a record change (a login, an export, an import's summary), as ``db.audit.log_entry``
    writes it on SQLite, chained under the chain's lock (``at`` from the server, in the session's time zone, as the
    triggers' entries). In the caller's transaction, or in one of its own on an autocommit connection."""
    before_text, after_text = entry_texts(before, after)
    with conn.transaction():
        head = conn.execute("SELECT at, prev FROM cchc_audit_head()").fetchone()
        assert head is not None
        at, prev = head
        conn.execute(INSERT_ENTRY_PG, entry_values(AuditActor(actor, user_id), prev, at, action, table_name,
                                                    record_id, before_text, after_text, key))



def check_chain(conn: psycopg.Connection, batch: int = 10_000) -> ChainCheck:
    """``db.audit.check_chain`` of the server's log: the same verdicts (broken links, unverifiable keys)."""
    return verify_chain(paged(lambda sql, params: conn.execute(sql.replace("?", "%s"), params).fetchall(), batch))


def row_text(conn: psycopg.Connection, table: str, ref: str) -> str:
    """The SQL of row ``ref`` of ``table`` as its insert trigger writes it (SQLite's ``json_object`` text): what
    the replay of the trail compares the records with (db.audit.replay_problems)."""
    return _row(table, _columns(conn)[table], ref)
