"""The unit's working calendar, built from its settings (office hours) and its calendar overrides."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from cchc_desktop.domain.calendar import WorkCalendar
from cchc_desktop.domain.records import OverrideKind
from cchc_desktop.services.settings import SettingsService
from db.queries import calendar as queries


def load_calendar(db: Database) -> WorkCalendar:
    """A WorkCalendar with the saved office hours and every override of the ``calendar_override`` table."""
    hours = SettingsService(db).load().office_hours
    overrides = {date.fromisoformat(day): OverrideKind(kind) for day, kind in queries.overrides(db)}
    return WorkCalendar(hours, overrides)
