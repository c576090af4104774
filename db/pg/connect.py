"""Opening a database on a PostgreSQL server (issue 22) from a connection string that holds no password.

Accepted: a URL ``postgresql://[user@]host[:port]/dbname`` (``postgres://`` alike), one with the socket's folder
``postgresql:///dbname?host=/run/postgresql``, a libpq service ``postgresql://?service=cchc`` or ``service=cchc``,
and libpq's other ``key=value`` strings. A string carrying a password (``postgresql://user:secret@…``,
``?password=``, ``password=``) is refused before anything is sent: the program never reads nor stores a password.
libpq finds it itself, in the password file (``~/.pgpass`` on Linux, mode 0600; ``%APPDATA%\\postgresql\\pgpass.conf``
on Windows; or the file PGPASSFILE names) or in the service file (``~/.pg_service.conf``, PGSERVICEFILE).

Failures are StorageErrors naming the database, server and account, never a password: PASSWORD_IN_URL, BAD_URL,
UNREACHABLE (no server answers), REFUSED (the server refuses the account), NO_DATABASE; then, connected, a desk's
role checks the schema is the program's (OUTDATED, TOO_NEW, NOT_OURS: db/pg/migrations.py) and the owner's that it
owns the database (NOT_OWNER: db/pg/roles.py). Not used by the program yet: the services still speak SQLite.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from db.errors import StorageError, StorageProblem
from db.pg import migrations as pgm
from db.pg import roles

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger("cchc.db")

Role = Literal["desk", "owner"]
CONNECT_TIMEOUT_S = 10  # unless the string says otherwise: a server that does not answer is said in seconds
APPLICATION_NAME = "cchc-desktop"  # what the server's administrator sees in pg_stat_activity

_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"[?&]password=[^&]*", re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(?:^|\s)password\s*=\s*(?:'(?:[^'\\]|\\.)*'?|\S*)", re.IGNORECASE)
# The server's words for a refused account, when psycopg gives no SQLSTATE (libpq's own checks, older servers).
_REFUSED_WORDS = ("password", "authentication", "pg_hba.conf", "role", "permission denied")


def _without_password(text: str) -> tuple[str, bool]:
    """The connection string without its password, and whether it had one (in the URL's user part, its query, or
    as a ``password=`` keyword)."""
    found = False
    if _URL.match(text):
        scheme, rest = text.split("://", 1)
        netloc_end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
        netloc, tail = rest[:netloc_end], rest[netloc_end:]
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            if ":" in userinfo:
                found = True
                netloc = f"{userinfo.split(':', 1)[0]}@{host}"
        tail, removed = _QUERY_PASSWORD.subn("", tail)
        if removed and not tail.startswith("?") and "?" not in tail and "&" in tail:
            tail = tail.replace("&", "?", 1)
        return f"{scheme}://{netloc}{tail}", found or bool(removed)
    cleaned, removed = _KEYWORD_PASSWORD.subn("", text)
    return cleaned.strip(), bool(removed)


def describe(params: Mapping[str, str]) -> str:
    """The database as the messages name it before a connection exists (after one, migrations.where): its name,
    the account and the server, or the service; never a password."""
    name = params.get("dbname") or (f"service={params['service']}" if params.get("service") else "?")
    if params.get("host") or not params.get("service"):
        account = f"{params['user']}@" if params.get("user") else ""
        port = f":{params['port']}" if params.get("port") else ""
        return f"{name} (PostgreSQL, {account}{params.get('host') or 'localhost'}{port})"
    return f"{name} (PostgreSQL, service {params['service']})"


def parse(url: str) -> dict[str, str]:
    """libpq's parameters of ``url``; StorageError PASSWORD_IN_URL when it holds a password (the error names the
    database without it), BAD_URL when libpq cannot read it."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    text = url.strip()
    cleaned, had_password = _without_password(text)
    if had_password:
        try:
            where = describe({key: str(value) for key, value in conninfo_to_dict(cleaned).items()})
        except psycopg.ProgrammingError:  # what is left may not parse: still say nothing of the password
            where = "PostgreSQL"
        log.warning("refused a PostgreSQL connection string holding a password, for %s", where)
        raise StorageError(StorageProblem.PASSWORD_IN_URL, where)
    try:
        params = {key: str(value) for key, value in conninfo_to_dict(text).items()}
    except psycopg.ProgrammingError as exc:  # libpq's own words, which quote the faulty part
        raise StorageError(StorageProblem.BAD_URL, "PostgreSQL", str(exc).strip()) from None
    if "password" in params:  # a form the checks above missed: refused all the same
        raise StorageError(StorageProblem.PASSWORD_IN_URL, describe({k: v for k, v in params.items()
                                                                     if k != "password"}))
    return params


def _first_line(exc: BaseException) -> str:
    """The server's or libpq's own words, without psycopg's and libpq's lead-ins (the message names the server)."""
    line = next((line.strip() for line in str(exc).strip().splitlines() if line.strip()), type(exc).__name__)
    line = re.sub(r"^connection (?:is bad|failed):\s*", "", line)
    line = re.sub(r'^connection to server (?:on socket|at) ".*?"(?:, port \d+)? failed:\s*', "", line)
    return re.sub(r"^FATAL:\s*", "", line) or type(exc).__name__


def classify(exc: psycopg.OperationalError, where: str) -> StorageError:
    """Sort a failure to connect: the server did not answer, refused the account, or has no such database."""
    sqlstate = exc.sqlstate or ""
    text = str(exc)
    detail = _first_line(exc)
    if sqlstate == "3D000" or re.search(r'database ".*" does not exist', text):
        return StorageError(StorageProblem.NO_DATABASE, where, detail)
    if sqlstate.startswith("28") or sqlstate == "42501" or any(word in text for word in _REFUSED_WORDS):
        return StorageError(StorageProblem.REFUSED, where, detail)
    if "service" in text and ("not found" in text or "could not" in text):
        return StorageError(StorageProblem.BAD_URL, where, detail)
    return StorageError(StorageProblem.UNREACHABLE, where, detail)


def connect(url: str, *, role: Role = "desk", autocommit: bool = False,
            migrations: Sequence[pgm.Migration] = pgm.MIGRATIONS) -> psycopg.Connection:
    """Connect to the database ``url`` names, as a desk (the schema must be this program's: OUTDATED otherwise,
    which only the owner can change) or as the owner (NOT_OWNER unless the role owns the database and its schema).
    The connection is returned outside a transaction. StorageError for every refusal (see the module's words)."""
    import psycopg

    params = parse(url)
    where = describe(params)
    options: dict[str, Any] = {}
    if "connect_timeout" not in params:
        options["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" not in params:
        options["application_name"] = APPLICATION_NAME
    log.info("connecting to %s as a %s", where, role)
    try:
        conn = psycopg.connect(url.strip(), autocommit=autocommit, **options)
    except psycopg.OperationalError as exc:
        error = classify(exc, where)
        log.warning("could not connect to %s: %s (%s)", where, error.problem.value, error.detail)
        raise error from exc
    try:
        try:
            if role == "owner":
                roles.require_owner(conn)
            else:
                pgm.require_current(conn, migrations)
        except psycopg.errors.InsufficientPrivilege as exc:  # a desk not granted yet: not a traceback
            raise StorageError(StorageProblem.REFUSED, pgm.where(conn), _first_line(exc)) from None
        finally:
            if not autocommit:
                conn.rollback()
    except BaseException:
        conn.close()
        raise
    return conn
