"""The chair's dashboard as data: every chart adds up to the figures of the statistics service, the
records behind a bar are the ones counted, and an empty database gives empty charts with a hint."""

from __future__ import annotations

from datetime import date, datetime
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from cchc_desktop.domain.periods import parse_period, previous_period
from cchc_desktop.services.dashboard import DashboardService
from cchc_desktop.services.statistics import StatisticsService
from db.connection import open_db

pytestmark = pytest.mark.backends

TODAY = datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def demo(demo_location) -> Database:
    database = open_db(demo_location)
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


@given(st.floats(min_value=0, max_value=5_000_000, allow_nan=False))
def test_a_count_axis_is_whole_from_zero_over_the_data(top: float) -> None:
    """Issue 20: «0,7…1,1» ticks for small counts, an axis starting near 300 under the bars: never again."""
    from cchc_desktop.domain.charts import value_scale

    scale = value_scale(top)
    assert scale.ticks[0] == 0 and scale.ticks[-1] == scale.ceiling > top
    assert all(tick == int(tick) for tick in scale.ticks) and 3 <= len(scale.ticks) <= 7
    assert len({b - a for a, b in pairwise(scale.ticks)}) == 1
    assert scale.ceiling <= max(top, 1) * 3  # not a scale for something ten times larger


def test_rates_and_marks_have_their_own_scales() -> None:
    from cchc_desktop.domain.charts import PERCENT_SCALE, value_scale

    assert value_scale(0.97, percent=True) == PERCENT_SCALE and PERCENT_SCALE.ceiling > 1.0 == PERCENT_SCALE.ticks[-1]
    assert value_scale(4.2, fixed=5).ticks == (0.0, 1.0, 2.0, 3.0, 4.0, 5.0)


def _pdf_text(data: bytes) -> tuple[int, str]:
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return len(pages), " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def test_the_chairs_summary_is_one_page_of_aggregates(demo: Database, tmp_path) -> None:
    """Issue 20: the printable summary reads back on one page with every headline, its base and its change, the
    twelve months, the plan's areas; no name, ID number or phone of a citizen is in it."""
    service = DashboardService(demo, clock=lambda: TODAY)
    period = parse_period("2024")
    dashboard = service.build(period)
    target = tmp_path / "tom-tat.pdf"
    pages, text = _pdf_text(service.summary(period, target))
    assert target.read_bytes()[:5] == b"%PDF-" and pages == 1
    assert "TÓM TẮT TÌNH HÌNH CẢI CÁCH HÀNH CHÍNH" in text and "NĂM 2024" in text
    for headline in dashboard.headlines:
        assert headline.label in text and headline.value in text
        if headline.base:
            assert headline.base in text
    assert all(f"{month:02d}/2024" in text for month in range(1, 13))
    assert "1. Cải cách thể chế" in text
    people = demo.execute("SELECT applicant_name, applicant_id, phone FROM dossier").fetchall()
    for name, id_number, phone in people:
        assert name not in text and (id_number or "§") not in text and (phone or "§") not in text


def test_an_empty_period_summary_says_so_without_failing(db: Database) -> None:
    pages, text = _pdf_text(DashboardService(db, clock=lambda: TODAY).summary(parse_period("2030")))
    assert pages == 1
    assert "Chưa có kế hoạch CCHC năm 2030" in text and "Chưa có phiếu khảo sát trong kỳ." in text
    assert "0/0 hồ sơ đã giải quyết" in text and "—" in text


def test_the_summary_from_the_command_line(open_demo_path, tmp_path) -> None:
    import subprocess
    import sys

    target = tmp_path / "tomtat.pdf"
    done = subprocess.run([sys.executable, "-m", "cchc_desktop", "--db", str(open_demo_path), "dashboard",
                           "--period", "2024-Q2", "--out", str(target)], capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Đã tạo {target}: tóm tắt Quý II năm 2024."
    assert _pdf_text(target.read_bytes())[1].count("/2024") >= 3
    refused = subprocess.run([sys.executable, "-m", "cchc_desktop", "--db", str(open_demo_path), "dashboard",
                              "--period", "2024-Q5", "--out", str(target)], capture_output=True, text=True,
                             check=False, timeout=120)
    assert refused.returncode == 2 and "Q5" in refused.stderr


def test_counting_the_compared_period_elsewhere_gives_the_same_dashboard(demo_location) -> None:
    """The period compared with is counted on another thread through a read-only connection: the dashboard is
    the one counted on one connection, one after the other; the headline counts summed from the months are the
    ones counted over the whole period."""
    from cchc_desktop.office import open_office
    from db import audit

    db = open_db(demo_location)  # the accounts' passwords removed: a fresh install, which opens without a sign-in
    with audit.suspended(db), db.atomic():
        db.execute('UPDATE "user" SET password_hash = NULL')
    db.close()
    with open_office(demo_location) as office:
        office.clock = lambda: TODAY
        for key in ("2024", "2024-H2", "2024-05"):
            period = parse_period(key)
            alone = DashboardService(office.db, clock=office.now).build(period)
            assert office.dashboard.build(period) == alone
            statistics = StatisticsService(office.db, clock=office.now)
            cutoff = alone.cutoff
            assert statistics.key_figures(period=period, cutoff=cutoff, months=statistics.monthly(
                period=period, cutoff=cutoff)) == statistics.key_figures(period=period, cutoff=cutoff)
