"""Việc hôm nay: each queue holds exactly the dossiers its definition names, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cchc_desktop.domain.dossiers import OPEN_STATUSES
from cchc_desktop.services.calendar import load_calendar
from cchc_desktop.services.register import RegisterFilter
from cchc_desktop.services.today import TodayService
from db.connection import open_db
from db.handle import Database

pytestmark = pytest.mark.backends

NOW = datetime(2024, 12, 27, 10, 0)  # a Friday


@pytest.fixture
def demo(demo_location: Path | str) -> Iterator[Database]:
    db = open_db(demo_location)
    yield db
    db.close()


def ids(service: TodayService, wanted: RegisterFilter) -> set[int]:
    result: set[int] = set()
    cursor = None
    while True:
        page = service.register.page(wanted, after=cursor, limit=50)
        result.update(row.id for row in page.rows)
        if not page.more:
            return result
        cursor = page.cursor


def test_each_queue_is_what_it_says(demo: Database) -> None:
    service = TodayService(demo, clock=lambda: NOW)
    rows = demo.execute("SELECT id, status, due_at FROM dossier").fetchall()
    # a dossier waiting for a supplement has its clock stopped: in its own queue only (issue 16)
    open_rows = [(i, datetime.fromisoformat(d)) for i, s, d in rows if s in OPEN_STATUSES and s != "waiting_supplement"]
    calendar = load_calendar(demo)
    second_working_day = calendar.next_working_day(calendar.next_working_day(NOW.date()))
    assert second_working_day.isoformat() == "2024-12-31"  # Monday 30 and Tuesday 31 December
    expected = {
        "overdue": {i for i, due in open_rows if due < NOW},
        "due_today": {i for i, due in open_rows if due >= NOW and due.date() == NOW.date()},
        "due_soon": {i for i, due in open_rows if NOW.date() < due.date() <= second_working_day},
        "waiting_supplement": {i for i, s, _ in rows if s == "waiting_supplement"},
        "ready": {i for i, s, _ in rows if s in ("result_ready", "refused")},
    }
    queues = service.queues()
    assert [q.key for q in queues] == list(expected)
    for queue in queues:
        assert ids(service, queue.filter) == expected[queue.key], queue.key
        assert queue.count == len(expected[queue.key])
    assert expected["overdue"].isdisjoint(expected["due_today"])
    assert expected["waiting_supplement"].isdisjoint(expected["overdue"] | expected["due_today"] | expected["due_soon"])
    assert any(expected.values())


def test_queues_are_sorted_by_due_date(demo: Database) -> None:
    service = TodayService(demo, clock=lambda: NOW + timedelta(days=4))
    for _key, _title, wanted in service.filters():
        page = service.register.page(wanted, limit=500)
        dues = [row.due_at for row in page.rows]
        assert dues == sorted(dues)
