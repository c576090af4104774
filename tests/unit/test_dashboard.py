"""The chair's dashboard as data: every chart adds up to the figures of the statistics service, the
records behind a bar are the ones counted, and an empty database gives empty charts with a hint."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.periods import parse_period, previous_period
from cchc_desktop.services.dashboard import DashboardService
from cchc_desktop.services.statistics import StatisticsService
from db.connection import open_db

TODAY = datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def demo(demo_path) -> Database:
    database = open_db(demo_path)
    yield database
    database.close()


@pytest.mark.parametrize(("key", "previous"), [
    ("2024", "2023"), ("2024-H1", "2023-H2"), ("2024-H2", "2024-H1"), ("2024-Q1", "2023-Q4"),
    ("2024-Q3", "2024-Q2"), ("2024-9M", "2023-9M"), ("2024-01", "2023-12"), ("2024-05", "2024-04"),
    ("2024-03-01:2024-03-31", "2024-01-30:2024-02-29"),
])
def test_the_period_compared_with(key: str, previous: str) -> None:
    assert previous_period(parse_period(key)).key == previous


def test_the_charts_add_up_to_the_figures(demo: Database) -> None:
    service = DashboardService(demo, clock=lambda: TODAY)
    period = service.default_period()
    assert period.key == "2024"  # nothing received in 2026: the year of the latest dossier
    dashboard = service.build(period)
    assert dashboard.cutoff == date(2024, 12, 31) and dashboard.previous is not None
    figures = StatisticsService(demo, clock=lambda: TODAY).figures(period=period, cutoff=dashboard.cutoff)

    dossiers = dashboard.chart("dossiers")
    assert len(dossiers.categories) == 12 and dossiers.categories[0] == "T1"
    assert sum(v or 0 for s in dossiers.series for v in s.values) == figures.dossiers.received.total
    for series in dossiers.series:
        assert sum(v or 0 for v in series.values) == getattr(figures.dossiers.received, series.key)
    areas = dashboard.chart("plan_areas")
    assert sum(areas.series_named("done").values) == figures.plan.done
    assert sum(v for s in areas.series for v in s.values) == figures.plan.tasks
    progress = dashboard.chart("plan_progress")
    assert progress.series_named("done").values[-1] == figures.plan.done
    assert progress.series_named("even_pace").values[-1] == pytest.approx(figures.plan.tasks)
    findings = dashboard.chart("findings")
    assert sum(s.values[0] for s in findings.series) == figures.inspections.findings
    criteria = dashboard.chart("criteria").series_named("average").values
    assert list(criteria) == sorted(criteria)  # the lowest-rated first

    headlines = {h.key: h for h in dashboard.headlines}
    assert headlines["plan"].value == f"{figures.plan.done}/{figures.plan.tasks}"
    assert headlines["on_time"].value.endswith("%") and "," in headlines["on_time"].value
    assert headlines["overdue"].value == str(figures.dossiers.overdue)


def test_the_records_behind_a_bar_are_the_ones_counted(demo: Database) -> None:
    service = DashboardService(demo, clock=lambda: TODAY)
    dashboard = service.build(parse_period("2024"))
    chart = dashboard.chart("dossiers")
    records = service.records(dashboard, "dossiers", 4, "online_full")
    assert records is not None and records.title == "Hồ sơ tiếp nhận tháng 05/2024, trực tuyến toàn trình"
    assert len(records.rows) == chart.series_named("online_full").values[4]
    assert all(row[2] == "Trực tuyến toàn trình" and row[3][2:10] == "/05/2024" for row in records.rows)
    assert records.register_filter is not None and records.register_filter.received_from == date(2024, 5, 1)

    areas = dashboard.chart("plan_areas")
    done = service.records(dashboard, "plan_areas", 0, "done")
    assert done is not None and len(done.rows) == areas.series_named("done").values[0]
    assert all(row[4] == "Hoàn thành" for row in done.rows)


def test_an_empty_database_draws_empty_charts_with_a_hint(db: Database) -> None:
    service = DashboardService(db, clock=lambda: TODAY)
    period = service.default_period()
    assert period.key == "2026"
    dashboard = service.build(period)
    assert dashboard.cutoff == date(2026, 11, 23)
    assert all(chart.empty and chart.empty_hint for chart in dashboard.charts)
    assert {h.key: h.value for h in dashboard.headlines} == {
        "plan": "0/0", "on_time": "—", "online": "—", "satisfaction": "—", "overdue": "0"}


@pytest.mark.parametrize("key", ["2024", "2024-H1", "2024-05", "2024-03-10:2024-08-20"])
def test_the_headline_figures_are_the_reports_figures(demo: Database, key: str) -> None:
    statistics = StatisticsService(demo, clock=lambda: TODAY)
    period = parse_period(key)
    full, lean = statistics.figures(period=period), statistics.key_figures(period=period)
    assert lean.received == full.dossiers.received
    assert (lean.resolved, lean.in_time, lean.overdue) == (
        full.dossiers.resolved.total, full.dossiers.in_time.total, full.dossiers.overdue)
    assert (lean.responses, lean.satisfied) == (full.surveys.responses, full.surveys.satisfied)
    assert (lean.tasks, lean.tasks_done) == (full.plan.tasks, full.plan.done)
    assert (lean.on_time_rate, lean.online_rate, lean.satisfaction_rate) == (
        full.rates.on_time, full.rates.online, full.rates.satisfaction)
