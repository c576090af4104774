"""Shared fixtures: Qt offscreen before anything imports it, a private data folder, migrated databases
built once and copied per test, and typing of Vietnamese text into real widgets."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CCHC_LANG"] = "vi"
# Window state (QSettings) goes to a throw-away folder, never to the user's own configuration.
_CONFIG_HOME = tempfile.mkdtemp(prefix="cchc-test-config-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG_HOME
atexit.register(shutil.rmtree, _CONFIG_HOME, ignore_errors=True)
# The session's own data folder (databases built once per session are made before any test's own folder) and
# one key folder for the audit trail's key, so that every database of the run is signed with the same key.
_SESSION_HOME = tempfile.mkdtemp(prefix="cchc-test-home-")
os.environ["CCHC_HOME"] = _SESSION_HOME
os.environ["CCHC_KEY_DIR"] = os.path.join(_SESSION_HOME, "khoa")
atexit.register(shutil.rmtree, _SESSION_HOME, ignore_errors=True)

import pytest  # noqa: E402 (after the environment above)
from sqlite_utils import Database  # noqa: E402

from db.connection import open_db  # noqa: E402
from tests import postgres  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


# A demo database has accounts with passwords, so the command line works on it only signed in: as its admin.
DEMO_ADMIN = ("--user", "quantri")
DEMO_PASSWORD = "demo1234"


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder; nothing touches the real user's files. The demo accounts' password
    is in CCHC_PASSWORD (what ``--user`` reads when no terminal asks), for the commands run on demo data."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CCHC_HOME", str(home))
    monkeypatch.delenv("CCHC_DB", raising=False)
    monkeypatch.setenv("CCHC_PASSWORD", DEMO_PASSWORD)
    return home


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated, empty database, built once per session."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    open_db(path).close()
    return path


DEMO = {"year": 2024, "dossiers": 300, "seed": 7}  # the demo the tests share, on either engine


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database (a few hundred dossiers), built once per session."""
    from cchc_desktop.services.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_db(path)
    generate_demo(db, **DEMO)
    db.close()
    return path


@pytest.fixture
def open_demo_path(demo_path: Path) -> Path:
    """The demo year with its accounts' passwords removed: like a fresh install, where the command line works in
    local admin mode without a sign-in (and so writes nothing into the file for a command that fails)."""
    from db import audit

    db = open_db(demo_path)
    with audit.suspended(db), db.atomic():
        db.execute("UPDATE user SET password_hash = NULL")
    db.close()
    return demo_path


def _copy(template: Path, target: Path) -> Path:
    shutil.copy(template, target)
    return target


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    return _copy(template_db, tmp_path / "cchc.sqlite3")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked ``backends`` that uses ``db`` (or ``db_location``, ``demo_location``: the window's and the
    demo's tests) runs twice: on a SQLite file and on a PostgreSQL database."""
    chosen = any(mark.args and "backend" in str(mark.args[0])  # a test that names its engine itself
                 for mark in metafunc.definition.iter_markers("parametrize"))
    uses = {"db", "db_location", "demo_location"} & set(metafunc.fixturenames)
    if metafunc.definition.get_closest_marker("backends") and uses and not chosen:
        metafunc.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                             indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The engine the test's ``db`` is on (SQLite unless the test is marked ``backends``)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_location(db_path: Path, backend: str, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's ``db`` is: its file, or its PostgreSQL database's URL (what another process opens)."""
    return str(request.getfixturevalue("pg_url")) if backend == "postgresql" else db_path


@pytest.fixture
def db(db_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated, empty database: a file, or (``backend``) a new database on the session's PostgreSQL cluster,
    opened as the program opens one for a desk."""
    database = open_db(request.getfixturevalue("pg_url") if backend == "postgresql" else db_path)
    yield database
    database.close()


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    return _copy(demo_template, tmp_path / "demo.sqlite3")


@pytest.fixture
def demo_location(backend: str, request: pytest.FixtureRequest) -> Path | str:
    """The demo of ``demo_template`` on the test's engine (``backend``): a copy of its file, or the URL of a new
    PostgreSQL database copied from one the same generator (year, size, seed) filled once per session."""
    if backend != "postgresql":
        return Path(request.getfixturevalue("demo_path"))
    cluster: postgres.Cluster = request.getfixturevalue("postgres_cluster")
    conninfo = _create_database(cluster, request.getfixturevalue("pg_demo_template"))
    return cluster.url(conninfo.rsplit("dbname=", 1)[1])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Collect the windows' Python/Qt reference cycles (the dashboard's charts) while the QApplication still
    lives: left to the interpreter's final collection, PySide6 aborts with "bool_dealloc" after Qt is gone."""
    import gc

    gc.collect()


# PostgreSQL (issue 22): a throwaway cluster for the session (tests/postgres.py), a fresh database per test. Without
# the server installed the tests marked ``postgres`` are skipped, unless CCHC_REQUIRE_POSTGRES=1 (CI) fails them.
_PG_DATABASES = iter(range(1, 1_000_000))


def _postgres_unavailable(reason: str) -> NoReturn:
    if os.environ.get("CCHC_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required (CCHC_REQUIRE_POSTGRES=1): {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[postgres.Cluster]:
    """A running throwaway cluster, stopped and deleted at the end of the session (also when tests failed)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _postgres_unavailable("psycopg is not installed (pip install -e '.[test]')")
    bindir = postgres.find_bindir()
    if bindir is None:
        _postgres_unavailable("initdb, pg_ctl and postgres not found (Debian: apt-get install postgresql)")
    cluster = postgres.start(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


def _create_database(cluster: postgres.Cluster, template: str) -> str:
    import psycopg

    name = f"test_{next(_PG_DATABASES)}"
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}".encode())
    return cluster.conninfo(name)


@pytest.fixture
def pg_empty(postgres_cluster: postgres.Cluster) -> str:
    """The connection string of a new, empty database (dropped with the cluster at the end of the session)."""
    return _create_database(postgres_cluster, "template0")


@pytest.fixture(scope="session")
def pg_template(postgres_cluster: postgres.Cluster) -> str:
    """The name of a database with every PostgreSQL migration applied, built once per session."""
    import psycopg

    from db.pg.migrations import migrate

    conninfo = _create_database(postgres_cluster, "template0")
    with psycopg.connect(conninfo) as conn:
        migrate(conn)
    return conninfo.rsplit("dbname=", 1)[1]


@pytest.fixture
def pg_db(postgres_cluster: postgres.Cluster, pg_template: str) -> str:
    """The connection string of a new database copied from the migrated template."""
    return _create_database(postgres_cluster, pg_template)


@pytest.fixture
def pg_url(postgres_cluster: postgres.Cluster, pg_template: str) -> str:
    """A new database copied from the migrated template, as the URL the program's ``--db`` takes."""
    conninfo = _create_database(postgres_cluster, pg_template)
    return postgres_cluster.url(conninfo.rsplit("dbname=", 1)[1])


@pytest.fixture(scope="module")
def pg_module_db(postgres_cluster: postgres.Cluster, pg_template: str) -> str:
    """A migrated database shared by one module's tests, which must roll back whatever they write."""
    return _create_database(postgres_cluster, pg_template)


@pytest.fixture
def moved(postgres_cluster: postgres.Cluster, demo_path: Path) -> postgres.Owned:
    """The demo year moved onto a new server database (``cchc move``'s service), for the server's command tests."""
    from cchc_desktop.office import open_office
    from cchc_desktop.services import database

    owned = postgres.make_owned(postgres_cluster)
    with open_office(demo_path, user="quantri", password=DEMO_PASSWORD) as office:
        database.move_to_postgresql(office.db, office.db_path, owned.url(owned.owner))
    return owned


@pytest.fixture(scope="session")
def pg_demo_template(postgres_cluster: postgres.Cluster, pg_template: str) -> str:
    """The name of a migrated database holding the demo ``demo_template`` holds (``DEMO``), built once per session
    and copied per test (``demo_location``)."""
    from cchc_desktop.services.demo import generate_demo

    name = _create_database(postgres_cluster, pg_template).rsplit("dbname=", 1)[1]
    db = open_db(postgres_cluster.url(name))
    try:
        generate_demo(db, **DEMO)
    finally:
        db.close()
    return name
