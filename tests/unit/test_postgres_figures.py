"""The same figures whichever engine a commune runs (issue 22): the demo generated with one seed on SQLite and on a
PostgreSQL database whose own collation is Vietnamese (not the code-point order of SQLite), then everything the
province receives or the chair sees counted on both and compared exactly — values, their types (17, not 17.0, in a
JSON file) and the order of every list.

What is compared: the periodic report as ``cchc report --format json`` writes it and as its row is frozen (figures
and narrative), its appendix and narrative; the statistics' figures, monthly series, fees, survey groups, criterion
averages and the records behind each dossier figure; the 766 score as ``cchc score --format json`` gives it; the
dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cchc_desktop.domain.periods import Period, parse_period
from cchc_desktop.reports.report_json import dumps
from cchc_desktop.services.dashboard import DashboardService
from cchc_desktop.services.demo import generate_demo
from cchc_desktop.services.reports import ReportService, freeze
from cchc_desktop.services.score766 import Score766Service
from cchc_desktop.services.statistics import DossierFigure, StatisticsService
from db.connection import open_db
from db.handle import Database
from db.queries import statistics as statistics_queries
from tests import postgres
from tests.conftest import DEMO

pytestmark = pytest.mark.postgres

NOW = datetime(2025, 1, 6, 9, 0)  # the demo year is over: every period counted to its end
PERIODS = ("2024", "2024-H1", "2024-Q3", "2024-9M", "2024-05", "2024-02-10:2024-08-20")
VIETNAMESE = "vi-VN"  # the database's own collation on the server: «a» before «B», «Đ» after «D»


def vietnamese_database(cluster: postgres.Cluster, name: str) -> str:
    """The URL of a new server database ``name`` whose own collation is Vietnamese, migrated as the owner migrates."""
    import psycopg

    from db.pg.migrations import migrate

    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu"
                     f" ICU_LOCALE '{VIETNAMESE}'".encode())
    with psycopg.connect(cluster.conninfo(name)) as conn:
        migrate(conn)
    return cluster.url(name)


@pytest.fixture(scope="module")
def engines(postgres_cluster: postgres.Cluster, demo_template: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Database]]:
    """(SQLite, PostgreSQL) holding the same demo: the session's demo file, and a server database made with a
    Vietnamese collation, migrated as the owner migrates, then filled by the same generator (``DEMO``)."""
    server = open_db(vietnamese_database(postgres_cluster, "figures_vi"))
    generate_demo(server, **DEMO)
    path = tmp_path_factory.mktemp("figures") / "demo.sqlite3"
    path.write_bytes(demo_template.read_bytes())
    file = open_db(path)
    try:
        yield file, server
    finally:
        file.close()
        server.close()


def _both(engines: tuple[Database, Database], count: Any) -> tuple[Any, Any]:
    return count(engines[0]), count(engines[1])


def _json(value: Any) -> str:
    """``value`` as exact text: dataclasses as dicts, dates ISO, a float written as a float (17.0 ≠ 17)."""
    def plain(item: Any) -> Any:
        if isinstance(item, date):
            return item.isoformat()
        if hasattr(item, "value") and not isinstance(item, int | float | str):  # an enum
            return item.value
        raise TypeError(type(item))

    if hasattr(value, "__dataclass_fields__"):
        value = asdict(value)
    elif isinstance(value, tuple | list):
        value = [asdict(item) if hasattr(item, "__dataclass_fields__") else item for item in value]
    return json.dumps(value, ensure_ascii=False, default=plain, sort_keys=False)


# Every table the demo writes, in a stable order (the users but for their salted password hashes).
DEMO_TABLES = {
    "field": "SELECT * FROM field ORDER BY id",
    "procedure": "SELECT * FROM procedure ORDER BY id",
    "user": 'SELECT id, username, full_name, title, role, active, created_at FROM "user" ORDER BY id',
    "dossier": "SELECT * FROM dossier ORDER BY id",
    "dossier_event": "SELECT * FROM dossier_event ORDER BY id",
    "dossier_code_counter": "SELECT * FROM dossier_code_counter ORDER BY prefix, day",
    "apology_letter": "SELECT * FROM apology_letter ORDER BY id",
    "survey": "SELECT * FROM survey ORDER BY id",
    "survey_answer": "SELECT * FROM survey_answer ORDER BY survey_id, criterion_id",
    "inspection": "SELECT * FROM inspection ORDER BY id",
    "inspection_check": "SELECT * FROM inspection_check ORDER BY inspection_id, criterion_id",
    "finding": "SELECT * FROM finding ORDER BY id",
    "plan": "SELECT * FROM plan ORDER BY id",
    "plan_task": "SELECT * FROM plan_task ORDER BY id",
    "directive_document": "SELECT * FROM directive_document ORDER BY id",
}


def test_the_demo_is_the_same_data_on_both(engines: tuple[Database, Database]) -> None:
    """The generator writes the same records on both engines, row for row: the comparisons below then mean that
    the counting is the same."""
    for table, sql in DEMO_TABLES.items():
        sqlite_rows, server_rows = ([tuple(row) for row in db.execute(sql).fetchall()] for db in engines)
        assert len(sqlite_rows) > 0, table
        assert server_rows == sqlite_rows, table


@pytest.mark.parametrize("key", PERIODS)
def test_the_report_is_the_same_file_on_both(engines: tuple[Database, Database], key: str) -> None:
    def report(db: Database) -> tuple[str, str, str, str]:
        service = ReportService(db, clock=lambda: NOW)
        document = service.draft(period=service.period(key), number="45/BC-UBND", issued_on=date(2025, 1, 6))
        figures, narrative = freeze(document)
        return (dumps(document), json.dumps(figures, ensure_ascii=False), json.dumps(narrative, ensure_ascii=False),
                _json(document.appendix))

    on_sqlite, on_server = _both(engines, report)
    assert json.loads(on_sqlite[0])["indicators"]["3.3.1"] > 0  # a period with records
    for part, (expected, found) in zip(("json file", "frozen figures", "frozen narrative", "appendix"),
                                       zip(on_sqlite, on_server, strict=True), strict=True):
        assert found == expected, part


@pytest.mark.parametrize("key", PERIODS)
def test_the_statistics_are_the_same_on_both(engines: tuple[Database, Database], key: str) -> None:
    period: Period = parse_period(key)

    def counted(db: Database) -> list[str]:
        service = StatisticsService(db, clock=lambda: NOW)
        figures = service.figures(period=period)
        out = [_json(figures.indicators()), _json(figures), _json(service.monthly(period=period)),
               _json(service.fees(period=period)), _json(service.criterion_averages(period=period)),
               _json(service.surveys_by("field", period=period)), _json(service.surveys_by("officer", period=period)),
               _json(service.key_figures(period=period)), _json(service.plan_by_area(year=period.date_to.year)),
               _json(service.findings(period=period)), _json(service.surveys(period=period))]
        bounds = {"start": period.date_from.isoformat(), "before": (period.date_to + timedelta(days=1)).isoformat()}
        out.append(_json(statistics_queries.received(db, **bounds, online_base="offered_online")))  # (a setting)
        for figure in DossierFigure:
            out.append(figure.value + _json([line.code for line in service.dossiers(period=period, figure=figure)]))
        return out

    on_sqlite, on_server = _both(engines, counted)
    assert len(on_server) == len(on_sqlite)
    for expected, found in zip(on_sqlite, on_server, strict=True):
        assert found == expected


@pytest.mark.parametrize("key", ["2024", "2024-Q2", "2024-10"])
def test_the_score_and_the_dashboard_are_the_same_on_both(engines: tuple[Database, Database], key: str) -> None:
    period = parse_period(key)

    def score(db: Database) -> str:
        service = Score766Service(db, clock=lambda: NOW)
        view = service.build(period)
        records = [_json(service.records(view, suggestion.key)) for suggestion in view.suggestions]
        return json.dumps(service.as_json(view), ensure_ascii=False) + "".join(records)

    def dashboard(db: Database) -> Any:
        return DashboardService(db, clock=lambda: NOW).build(period)

    on_sqlite, on_server = _both(engines, score)
    assert '"points"' in on_sqlite
    assert on_server == on_sqlite
    on_sqlite, on_server = _both(engines, dashboard)
    assert on_server == on_sqlite
    assert _json(on_server) == _json(on_sqlite)


# Names whose order differs between SQLite (code points: «B» < «D» < «a» < «Đ») and a Vietnamese collation
# (a < B < D < Đ): each field gets one dossier, one response and one fee, so that only the names order them.
FIELDS = ("Đất đai", "Dân số", "an ninh", "Bảo trợ xã hội")


def _orders_commune(db: Database) -> None:
    from tests.unit.test_statistics import _field, _procedure, add_dossier

    for n, name in enumerate(FIELDS):
        procedure = _procedure(db, f"{'xX'[n % 2]}{n}", _field(db, name), online="partial")
        dossier = add_dossier(db, f"HS{n}", procedure, "2024-04-02T08:00", "2024-04-05T17:00",
                              resolved="2024-04-04T10:00")
        db.execute("UPDATE dossier SET fee_method = 'desk', fee_paid = 10000 WHERE id = ?", [dossier])
        db.execute("INSERT INTO survey (taken_on, method, overall, dossier_id) VALUES ('2024-04-10', 'paper', 4, ?)",
                   [dossier])


@pytest.fixture
def vietnamese_db(postgres_cluster: postgres.Cluster) -> Iterator[Database]:
    """A new, migrated server database whose own collation is Vietnamese."""
    db = open_db(vietnamese_database(postgres_cluster, f"orders_vi_{datetime.now():%H%M%S%f}"))
    yield db
    db.close()


def test_lists_ordered_by_name_are_in_the_same_order_on_both(db_path: Path, vietnamese_db: Database) -> None:
    """Where a list is ordered by a name (survey responses per field, fees per field, the procedures of the 766
    score), the server sorts as SQLite does, not by its own collation."""
    from db.queries import score766 as score_queries

    file = open_db(db_path)
    try:
        engines = (file, vietnamese_db)
        for db in engines:
            _orders_commune(db)
        server_order = [row[0] for row in vietnamese_db.execute(
            "SELECT name FROM field ORDER BY name").fetchall()]
        assert server_order == ["an ninh", "Bảo trợ xã hội", "Dân số", "Đất đai"]  # the collation this is about
        period = parse_period("2024-Q2")

        def ordered(db: Database) -> list[Any]:
            service = StatisticsService(db, clock=lambda: NOW)
            return [[group.name for group in service.surveys_by("field", period=period)],
                    [field.field for field in service.fees(period=period).fields],
                    [row["code"] for row in score_queries.procedures(db, day="2024-06-30")]]

        on_sqlite, on_server = _both(engines, ordered)
        assert on_sqlite[0] == sorted(FIELDS)  # code points
        assert on_server == on_sqlite
    finally:
        file.close()
