"""The indicator registry (issue 17): one table says, for every computed figure, its kind, its rule and the
records behind it; the counting, the appendix template, the rates and the drill-down agree with it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.consolidation import RATES
from cchc_desktop.domain.indicators import INDICATORS, RecordKind
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.templates import default
from cchc_desktop.services.reports import ReportService
from cchc_desktop.services.statistics import StatisticsService
from db.connection import open_db

pytestmark = pytest.mark.backends

NOW = datetime(2025, 1, 10, 9, 0)


@pytest.fixture
def demo(demo_location: Path | str) -> Iterator[Database]:
    db = open_db(demo_location)
    yield db
    db.close()


@pytest.mark.parametrize("period_key", ["2024-H1", "2024", "2024-Q3"])
def test_the_records_behind_each_figure_are_the_ones_counted(demo: Database, period_key: str) -> None:
    """Every figure with a list: as many records listed as the figure counts (the drill-down never shows
    other records than the report counted)."""
    period = parse_period(period_key)
    counted = StatisticsService(demo, clock=lambda: NOW).figures(period=period).indicators()
    reports = ReportService(demo, clock=lambda: NOW)
    listed = {key: reports.records_behind(period=period, cutoff=None, key=key)
              for key, definition in INDICATORS.items() if definition.behind is not None}
    assert {key: len(records or []) for key, records in listed.items()} == {key: counted[key] for key in listed}
    assert sum(counted[key] or 0 for key in listed) > 0  # the demo year has records behind its figures


def test_every_registered_figure_is_counted_and_every_rate_reads_counted_figures(db: Database) -> None:
    counted = set(StatisticsService(db, clock=lambda: NOW).figures(period=parse_period("2024")).indicators())
    assert set(INDICATORS) <= counted
    assert {key for rate in RATES for key in rate.inputs} <= counted | set(INDICATORS)


def test_the_default_template_computes_only_registered_figures() -> None:
    computed = {row.key for row in default().rows if row.computed}
    assert computed and computed <= set(INDICATORS)
    for key in computed:
        assert default().by_key[key].kind is INDICATORS[key].source.kind, key


def test_a_figure_without_records_has_no_list(demo: Database) -> None:
    reports = ReportService(demo, clock=lambda: NOW)
    for key, definition in INDICATORS.items():
        if definition.behind is None:
            assert reports.records_behind(period=parse_period("2024"), cutoff=None, key=key) is None, key
    assert reports.records_behind(period=parse_period("2024"), cutoff=None, key="4.1.1") is None  # typed in
    assert {definition.behind.records for definition in INDICATORS.values() if definition.behind} == set(RecordKind)

