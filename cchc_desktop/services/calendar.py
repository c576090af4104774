"""The unit's working calendar, built from its settings (office hours) and its calendar overrides, and the
overrides themselves: days off and make-up working days announced each year, which win over the package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cchc_desktop.domain.calendar import WorkCalendar, package_days
from cchc_desktop.domain.records import CalendarOverride, OverrideKind
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.lazy import lazy_import
from cchc_desktop.services.sessions import requires
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.text import clean
from db.errors import writing
from db.handle import Database
from db.queries import calendar as queries

holidays = lazy_import("holidays")


def load_calendar(db: Database) -> WorkCalendar:
    """A WorkCalendar with the saved office hours and every override of the ``calendar_override`` table."""
    hours = SettingsService(db).load().office_hours
    overrides = {date.fromisoformat(day): OverrideKind(kind) for day, kind in queries.overrides(db)}
    return WorkCalendar(hours, overrides)


@dataclass(frozen=True)
class YearDay:
    """A day that is not an ordinary weekday or weekend day, and why."""

    day: date
    kind: OverrideKind
    note: str
    source: str  # "holidays" (the law, from the package) or "unit" (an override)


class CalendarService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def year(self, year: int) -> list[YearDay]:
        """The year's public holidays and make-up days from the package, with the unit's overrides on top."""
        names = holidays.VN(years=year, language="vi")
        days_off, workdays = package_days(year)
        found = {day: YearDay(day, OverrideKind.DAY_OFF, names.get(day, ""), "holidays") for day in days_off}
        found.update({day: YearDay(day, OverrideKind.WORKDAY, _("Làm bù"), "holidays") for day in workdays})
        for day, kind, note in queries.overrides_of_year(self.db, year):
            moment = date.fromisoformat(day)
            found[moment] = YearDay(moment, OverrideKind(kind), note or "", "unit")
        return sorted(found.values(), key=lambda item: item.day)

    @requires(Permission.CATALOGUE)
    def put(self, override: CalendarOverride) -> CalendarOverride:
        """Add or change the unit's override of one day (it wins over the package)."""
        note = clean(override.note)
        if not 2000 <= override.day.year <= 2100:
            raise ValidationError({"day": _("Ngày không hợp lệ.")})
        if override.kind is OverrideKind.WORKDAY and not note:
            raise ValidationError({"note": _("Hãy ghi căn cứ của ngày làm bù (ví dụ số quyết định, thông báo).")})
        with writing(self.db):
            queries.put_override(self.db, override.day.isoformat(), override.kind.value, note or None)
        return CalendarOverride(override.day, override.kind, note)

    @requires(Permission.CATALOGUE)
    def remove(self, day: date) -> bool:
        with writing(self.db):
            return queries.delete_override(self.db, day.isoformat()) > 0
