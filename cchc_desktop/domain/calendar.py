"""The working-day calendar and appointment dates (DOMAIN.md §3 "Appointment date").

Working time is counted in seconds of office hours. Every working day of a span of years is laid out once
on a line ("working seconds since the first day of the span"): a moment becomes a position on that line,
a time limit is added to the position, and the result is turned back into a moment. Days off come from
the ``holidays`` package (Bộ luật Lao động 2019 Art. 112 with compensatory days and make-up Saturdays)
and the unit's own overrides, which win. Pure Python: no SQL, no Qt.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from cchc_desktop.domain.catalogue import TimeLimitUnit
from cchc_desktop.domain.records import OverrideKind
from cchc_desktop.domain.unit import OfficeHours
from cchc_desktop.lazy import lazy_import

# The holiday tables load when a calendar is first laid out, not at start-up (~35 ms).
holidays = lazy_import("holidays")

DEFAULT_AFTERNOON_CUTOFF = time(15, 0)  # Nghị định 23/2015: certification requests after 15:00 → next day
_HOUR = 3600
_OFF, _MORNING_ONLY, _FULL = 0, 1, 2
_MAX_YEAR = 2200  # the lunar calendar of the holidays package stops somewhere; nobody counts that far


@cache
def package_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The public holidays (with compensatory days off) and the make-up working days of ``year``."""
    calendar = holidays.VN(years=year, language="vi")
    days_off = frozenset(day for day in calendar if day.year == year)
    workdays = frozenset(day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year)
    return days_off, workdays


def _seconds(value: time) -> int:
    return value.hour * _HOUR + value.minute * 60 + value.second


def _day_month(day: date) -> str:
    return f"{day.day}/{day.month}"


@dataclass(frozen=True)
class DueDate:
    """An appointment: the moment and, on demand, the one-line reasoning shown to the desk officer."""

    at: datetime
    received_at: datetime
    limit: int
    unit: TimeLimitUnit
    afternoon_cutoff: time = DEFAULT_AFTERNOON_CUTOFF
    calendar: WorkCalendar = field(default_factory=lambda: WorkCalendar(), repr=False, compare=False)

    @property
    def explanation(self) -> str:
        """E.g. ``3 ngày làm việc; bỏ qua thứ Bảy, Chủ nhật, 29/4–1/5; làm bù thứ Bảy 4/5``."""
        return self.calendar.explain(self.received_at, self.at, self.limit, self.unit, self.afternoon_cutoff)


class WorkCalendar:
    """Working days and office hours of one unit; fast enough to date a million dossiers.

    Built from the office hours and the unit's overrides (date → day off / working day). Holiday years
    are loaded lazily and cached. Datetimes are naive local times (a tz-aware input keeps its tzinfo);
    time is counted to the second, a fraction of a second rounding up.
    """

    __slots__ = (
        "_afternoon_start", "_base", "_close", "_cum", "_day_kind", "_first_year", "_is_work", "_last_year",
        "_midnight", "_morning_end", "_morning_start", "_next", "_ords", "_span", "day_seconds",
        "morning_seconds", "office_hours", "overrides",
    )

    def __init__(
        self,
        office_hours: OfficeHours | None = None,
        overrides: Mapping[date, OverrideKind] | None = None,
    ) -> None:
        self.office_hours = office_hours or OfficeHours()
        self.overrides: dict[date, OverrideKind] = {
            day: OverrideKind(kind) for day, kind in (overrides or {}).items()
        }
        hours = self.office_hours
        if not (hours.morning_start < hours.morning_end <= hours.afternoon_start < hours.afternoon_end):
            raise ValueError("office hours out of order")
        self._morning_start = _seconds(hours.morning_start)
        self._afternoon_start = _seconds(hours.afternoon_start)
        self.morning_seconds = _seconds(hours.morning_end) - self._morning_start
        self.day_seconds = self.morning_seconds + _seconds(hours.afternoon_end) - _seconds(hours.afternoon_start)
        self._first_year = self._last_year = 0
        self._base = self._span = 0
        self._ords: list[int] = []
        self._cum: list[int] = [0]
        self._day_kind: list[int] = []
        self._midnight: list[datetime] = []
        self._morning_end: list[datetime] = []
        self._close: list[datetime] = []
        self._is_work: bytearray = bytearray()
        self._next: list[int] = []

    def __repr__(self) -> str:
        return f"WorkCalendar({self.office_hours!r}, overrides={len(self.overrides)})"

    # -- the days ----------------------------------------------------------------------------------------

    def _kind(self, day: date) -> int:
        """0 day off, 1 morning only (a Saturday when the unit works Saturday mornings), 2 full day."""
        override = self.overrides.get(day)
        if override is OverrideKind.DAY_OFF:
            return _OFF
        if override is OverrideKind.WORKDAY:
            return _FULL
        days_off, workdays = package_days(day.year)
        if day in days_off:
            return _OFF
        if day in workdays:
            return _FULL
        weekday = day.weekday()
        if weekday < 5:
            return _FULL
        if weekday == 5 and self.office_hours.saturday_morning:
            return _MORNING_ONLY
        return _OFF

    def _build(self, first_year: int, last_year: int) -> None:
        """Lay out every working day of the years ``first_year..last_year`` (one more is kept after)."""
        if not 1 <= first_year <= last_year <= _MAX_YEAR:
            raise ValueError(f"years {first_year}–{last_year} are outside the calendar")
        hours = self.office_hours
        morning_end = timedelta(seconds=_seconds(hours.morning_end))
        close_full = timedelta(seconds=_seconds(hours.afternoon_end))
        base = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        ords: list[int] = []
        kinds: list[int] = []
        cum = [0]
        midnight: list[datetime] = []
        morning: list[datetime] = []
        close: list[datetime] = []
        is_work = bytearray(end - base + 1)
        nexts = [0] * (end - base + 1)
        total = 0
        for ordinal in range(base, end + 1):
            day = date.fromordinal(ordinal)
            kind = self._kind(day)
            nexts[ordinal - base] = len(ords)
            if kind == _OFF:
                continue
            is_work[ordinal - base] = 1
            start = datetime(day.year, day.month, day.day)
            ords.append(ordinal)
            kinds.append(kind)
            total += self.day_seconds if kind == _FULL else self.morning_seconds
            cum.append(total)
            midnight.append(start)
            morning.append(start + morning_end)
            close.append(start + (close_full if kind == _FULL else morning_end))
        self._first_year, self._last_year = first_year, last_year
        self._base, self._span = base, end - base + 1
        self._ords, self._day_kind, self._cum = ords, kinds, cum
        self._midnight, self._morning_end, self._close = midnight, morning, close
        self._is_work, self._next = is_work, nexts

    def _cover(self, year: int) -> None:
        """Make sure ``year`` and the year after it are laid out."""
        if not self._ords and not self._span:
            self._build(year - 1, year + 1)
            return
        first, last = self._first_year, self._last_year
        if year - 1 < first:
            first = year - 1  # positions move: only called before a position is taken
        if year + 1 > last:
            last = year + 1
        if (first, last) != (self._first_year, self._last_year):
            self._build(first, last)

    def _index_from(self, ordinal: int) -> int:
        """Index of the first working day on or after ``ordinal``."""
        offset = ordinal - self._base
        if not 0 <= offset < self._span:
            self._cover(date.fromordinal(ordinal).year)
            offset = ordinal - self._base
        index = self._next[offset]
        while index >= len(self._ords):  # no working day left in the span (a very long holiday)
            self._build(self._first_year, self._last_year + 1)
            index = self._next[ordinal - self._base]
        return index

    def is_working_day(self, day: date) -> bool:
        """True when some office hours are open that day (a Saturday morning counts)."""
        offset = day.toordinal() - self._base
        if not 0 <= offset < self._span:
            self._cover(day.year)
            offset = day.toordinal() - self._base
        return bool(self._is_work[offset])

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        index = self._index_from(day.toordinal() + 1)  # first: it may lay out more years (new lists)
        return self._midnight[index].date()

    def working_days(self, first: date, last: date) -> list[date]:
        """The working days from ``first`` to ``last``, both included."""
        if last < first:
            return []
        self._index_from(last.toordinal())  # covers the end (may rebuild: take indexes afterwards)
        start = self._index_from(first.toordinal())
        end = bisect_right(self._ords, last.toordinal())
        return [moment.date() for moment in self._midnight[start:end]]

    def closing_time(self, day: date) -> datetime:
        """When the office closes on working day ``day`` (the morning end on a Saturday morning)."""
        if not self.is_working_day(day):
            raise ValueError(f"{day} is not a working day")
        index = self._index_from(day.toordinal())  # first: it may lay out more years (new lists)
        return self._close[index]

    # -- positions on the line of working seconds --------------------------------------------------------

    def _position(self, moment: datetime) -> int:
        """Working seconds before ``moment``; outside office hours counts as the next opening."""
        ordinal = moment.toordinal()
        offset = ordinal - self._base
        if not 0 <= offset < self._span:
            self._cover(moment.year)
            offset = ordinal - self._base
        index = self._next[offset]
        if index >= len(self._ords):
            index = self._index_from(ordinal)
        start = self._cum[index]
        if self._ords[index] != ordinal:
            return start
        seconds = moment.hour * _HOUR + moment.minute * 60 + moment.second
        morning_start = self._morning_start
        if seconds <= morning_start:
            return start
        morning_end = morning_start + self.morning_seconds
        if seconds < morning_end:
            return start + seconds - morning_start
        if self._day_kind[index] != _FULL:
            return start + self.morning_seconds
        afternoon_start = self._afternoon_start
        if seconds <= afternoon_start:
            return start + self.morning_seconds
        afternoon_end = afternoon_start + self.day_seconds - self.morning_seconds
        if seconds < afternoon_end:
            return start + self.morning_seconds + seconds - afternoon_start
        return start + self.day_seconds

    def _locate(self, position: int, *, at_end: bool) -> tuple[int, int]:
        """(day index, seconds into that day) of ``position``.

        ``at_end``: a position on a boundary belongs to the end of the earlier day or session (the moment
        the time runs out); otherwise to the opening of the next one (the moment work starts).
        """
        while position > self._cum[-1] or (not at_end and position == self._cum[-1]):
            self._build(self._first_year, self._last_year + 1)
        if at_end:  # the day whose end is the first at or after the position
            return self._split(max(bisect_left(self._cum, position, 1) - 1, 0), position)
        return self._split(bisect_right(self._cum, position) - 1, position)

    def _split(self, index: int, position: int) -> tuple[int, int]:
        return index, position - self._cum[index]

    def _moment(self, index: int, offset: int, *, at_end: bool) -> datetime:
        morning = self.morning_seconds
        if offset < morning or (at_end and offset == morning):
            clock = self._morning_start + offset
        else:
            clock = self._afternoon_start + offset - morning
        return self._midnight[index] + timedelta(seconds=clock)

    def _add_seconds(self, start: datetime, seconds: int) -> datetime:
        if seconds < 0:
            raise ValueError("a time limit cannot be negative")
        tz = start.tzinfo
        naive = start.replace(tzinfo=None) if tz else start
        if naive.microsecond:  # the calendar counts whole seconds: a fraction rounds up
            naive = naive.replace(microsecond=0) + timedelta(seconds=1)
        at_end = seconds > 0
        index, offset = self._locate(self._position(naive) + seconds, at_end=at_end)
        result = self._moment(index, offset, at_end=at_end)
        return result.replace(tzinfo=tz) if tz else result

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The moment ``n`` working days (n × the daily office hours) after ``start``.

        A start outside office hours counts from the next opening; with ``n == 0`` that opening (or
        ``start`` itself when the office is open) is returned.
        """
        return self._add_seconds(start, n * self.day_seconds)

    def add_working_hours(self, start: datetime, n: int) -> datetime:
        """The moment ``n`` office hours after ``start`` (same rules as ``add_working_days``)."""
        return self._add_seconds(start, n * _HOUR)

    def add_working_minutes(self, start: datetime, n: int) -> datetime:
        """The moment ``n`` office minutes after ``start`` (same rules as ``add_working_days``)."""
        return self._add_seconds(start, n * 60)

    # -- appointments ------------------------------------------------------------------------------------

    def due_moment(
        self,
        received_at: datetime,
        limit: int,
        unit: TimeLimitUnit | str,
        afternoon_cutoff: time | None = None,
    ) -> datetime:
        """The appointment for a dossier received at ``received_at`` (``due_at`` without the reasoning).

        Working days: the moment the time runs out, rounded up to the end of its half-day session.
        Working hours: that moment itself. Same day: before the afternoon cut-off (default 15:00) →
        today's closing time; otherwise (or on a day off) → the next working day's closing time. Calendar days:
        ``calendar_deadline``.
        """
        if limit < 0:
            raise ValueError("a time limit cannot be negative")
        tz = received_at.tzinfo
        moment = received_at.replace(tzinfo=None) if tz else received_at
        if unit == TimeLimitUnit.SAME_DAY:
            result = self._same_day(moment, afternoon_cutoff or DEFAULT_AFTERNOON_CUTOFF)
        elif unit == TimeLimitUnit.WORKING_HOURS:
            result = self._add_seconds(moment, limit * _HOUR)
        elif unit == TimeLimitUnit.CALENDAR_DAYS:
            result = self.calendar_deadline(moment.date(), limit)
            if result < moment:  # (a limit of 0 days received after closing: the next working day's close)
                result = self.closing_time(self.next_working_day(moment.date()))
        elif unit == TimeLimitUnit.WORKING_DAYS:
            if moment.microsecond:
                moment = moment.replace(microsecond=0) + timedelta(seconds=1)
            position = self._position(moment)
            if limit:
                index, offset = self._locate(position + limit * self.day_seconds, at_end=True)
                late_session = offset > self.morning_seconds
            else:
                index, offset = self._locate(position, at_end=False)
                late_session = offset >= self.morning_seconds
            result = self._close[index] if late_session else self._morning_end[index]
        else:
            raise ValueError(f"unknown time limit unit {unit!r}")
        return result.replace(tzinfo=tz) if tz else result

    def calendar_deadline(self, start: date, days: int) -> datetime:
        """The end of a limit of ``days`` calendar days counted from ``start`` (Bộ luật Dân sự 2015, Điều 147–148:
        the day of the event is not counted, the limit ends at the end of its last day, and a last day that is a
        weekend day or a holiday moves the end to the end of the next working day): the office's closing time of
        that day."""
        last = start + timedelta(days=days)
        return self.closing_time(last if self.is_working_day(last) else self.next_working_day(last))

    def _same_day(self, moment: datetime, cutoff: time) -> datetime:
        ordinal = moment.toordinal()
        index = self._index_from(ordinal)
        if self._ords[index] == ordinal:
            seconds = moment.hour * _HOUR + moment.minute * 60 + moment.second
            close = self._close[index]
            if seconds < _seconds(cutoff) and moment < close:
                return close
            index = self._index_from(ordinal + 1)
        return self._close[index]

    def due_at(
        self,
        received_at: datetime,
        limit: int,
        unit: TimeLimitUnit | str,
        afternoon_cutoff: time | None = None,
    ) -> DueDate:
        """The appointment and its reasoning (DOMAIN.md §3); see ``due_moment`` for the rules."""
        unit = TimeLimitUnit(unit)
        at = self.due_moment(received_at, limit, unit, afternoon_cutoff)
        return DueDate(
            at=at, received_at=received_at, limit=limit, unit=unit,
            afternoon_cutoff=afternoon_cutoff or DEFAULT_AFTERNOON_CUTOFF, calendar=self,
        )

    def explain(
        self,
        received_at: datetime,
        due: datetime,
        limit: int,
        unit: TimeLimitUnit,
        afternoon_cutoff: time = DEFAULT_AFTERNOON_CUTOFF,
    ) -> str:
        """One Vietnamese line: the time limit, the days off skipped and the make-up days worked."""
        if unit == TimeLimitUnit.SAME_DAY:
            head = "Trong ngày"
            if due.date() != received_at.date():
                if self.is_working_day(received_at.date()):
                    head += f"; nhận sau {afternoon_cutoff:%H:%M} nên hẹn ngày làm việc tiếp theo"
                else:
                    head += "; nhận vào ngày nghỉ nên hẹn ngày làm việc tiếp theo"
        elif unit == TimeLimitUnit.WORKING_HOURS:
            head = f"{limit} giờ làm việc"
        elif unit == TimeLimitUnit.CALENDAR_DAYS:
            head = f"{limit} ngày (tính cả ngày nghỉ), hết hạn {_day_month(received_at.date() + timedelta(days=limit))}"
            if due.date() != received_at.date() + timedelta(days=limit):
                head += f" là ngày nghỉ nên chuyển sang ngày làm việc tiếp theo {_day_month(due.date())}"
            return head
        else:
            head = f"{limit} ngày làm việc"
        weekend: list[str] = []
        off: list[date] = []
        makeup: list[str] = []
        day = received_at.date()
        while day <= due.date():
            working = self.is_working_day(day)
            weekday = day.weekday()
            if not working:
                override = self.overrides.get(day)
                if weekday >= 5 and override is None and day not in package_days(day.year)[0]:
                    name = "thứ Bảy" if weekday == 5 else "Chủ nhật"
                    if name not in weekend:
                        weekend.append(name)
                else:
                    off.append(day)
            elif weekday >= 5 and self._is_makeup(day):
                makeup.append(("thứ Bảy " if weekday == 5 else "Chủ nhật ") + _day_month(day))
            day += timedelta(days=1)
        parts = [head]
        skipped = weekend + _runs(off)
        if skipped:
            parts.append("bỏ qua " + ", ".join(skipped))
        if makeup:
            parts.append("làm bù " + ", ".join(makeup))
        return "; ".join(parts)

    def _is_makeup(self, day: date) -> bool:
        return self.overrides.get(day) is OverrideKind.WORKDAY or day in package_days(day.year)[1]


def _runs(days: list[date]) -> list[str]:
    """``30/4, 1/5`` for short runs of consecutive days; ``8/2–14/2`` for three or more."""
    out: list[str] = []
    start = 0
    for i in range(1, len(days) + 1):
        if i == len(days) or (days[i] - days[i - 1]).days != 1:
            run = days[start:i]
            if len(run) >= 3:
                out.append(f"{_day_month(run[0])}–{_day_month(run[-1])}")
            else:
                out.extend(_day_month(day) for day in run)
            start = i
    return out
