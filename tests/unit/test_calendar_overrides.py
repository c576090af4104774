"""The unit's calendar overrides: listed with the law's holidays, winning over them, moving due dates."""

from datetime import date, datetime

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.catalogue import TimeLimitUnit
from cchc_desktop.domain.records import CalendarOverride, OverrideKind
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.calendar import CalendarService, load_calendar


def test_the_year_lists_the_laws_days_off_and_make_up_days(db: Database) -> None:
    days = {item.day: item for item in CalendarService(db).year(2024)}
    assert days[date(2024, 4, 30)].kind is OverrideKind.DAY_OFF and days[date(2024, 4, 30)].source == "holidays"
    assert days[date(2024, 5, 4)].kind is OverrideKind.WORKDAY
    assert days[date(2024, 9, 2)].note == "Quốc khánh"


def test_an_override_wins_and_moves_the_appointment(db: Database) -> None:
    service = CalendarService(db)
    received = datetime(2024, 8, 29, 9, 0)  # Thursday, before the 2–3/9 holidays
    before = load_calendar(db).due_at(received, 2, TimeLimitUnit.WORKING_DAYS).at
    service.put(CalendarOverride(date(2024, 8, 30), OverrideKind.DAY_OFF, "Nghỉ theo thông báo của tỉnh"))
    after = load_calendar(db).due_at(received, 2, TimeLimitUnit.WORKING_DAYS).at
    assert before.date() == date(2024, 9, 4)
    assert after.date() == date(2024, 9, 5)
    listed = {item.day: item for item in service.year(2024)}
    assert listed[date(2024, 8, 30)].source == "unit"
    assert service.remove(date(2024, 8, 30)) is True
    assert load_calendar(db).due_at(received, 2, TimeLimitUnit.WORKING_DAYS).at == before


def test_a_make_up_day_needs_its_basis(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        CalendarService(db).put(CalendarOverride(date(2024, 8, 31), OverrideKind.WORKDAY, "  "))
    assert "căn cứ" in caught.value.errors["note"]
    assert db.execute("SELECT count(*) FROM calendar_override").fetchone()[0] == 0
