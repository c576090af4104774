"""Reporting periods (DESIGN.md §3): ``2024``, ``2024-H1``, ``2024-H2``, ``2024-Q1``…``Q4``, ``2024-9M``,
``2024-05`` and ``2024-01-01:2024-06-30``, each with its dates and its Vietnamese label. Pure: no I/O.

``parse_period`` raises ``PeriodError`` (a ValueError whose text is the Vietnamese message); services
turn it into ``ValidationError({"period": str(exc)})``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from cchc_desktop.domain.records import ReportKind
from cchc_desktop.i18n import _

FIRST_YEAR, LAST_YEAR = 2000, 2100
ROMAN = ("I", "II", "III", "IV")

_YEAR = re.compile(r"(\d{4})")
_HALF = re.compile(r"(\d{4})-H([12])")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_NINE = re.compile(r"(\d{4})-9M")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*:\s*(\d{4}-\d{2}-\d{2})")


class PeriodError(ValueError):
    """A period that cannot be read; ``str(exc)`` is the Vietnamese message."""


@dataclass(frozen=True)
class Period:
    """A closed range of days ``[date_from, date_to]`` with its key (``2024-H1``) and label."""

    key: str
    kind: ReportKind
    date_from: date
    date_to: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.date_from <= day <= self.date_to

    def counted_to(self, today: date) -> date:
        """The last day a figure of the period counts on ``today``: today within a running period, its last day
        once it has passed (its first day before it starts)."""
        return max(self.date_from, min(self.date_to, today))

    @property
    def bounds(self) -> tuple[str, str]:
        """``[from, before)`` as ISO day strings: ``received_at >= from AND received_at < before``."""
        return self.date_from.isoformat(), date.fromordinal(self.date_to.toordinal() + 1).isoformat()


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(key: str, kind: ReportKind, year: int, first: int, last: int, label: str) -> Period:
    return Period(key, kind, date(year, first, 1), _last_day(year, last), label)


def _bad(text: str) -> PeriodError:
    return PeriodError(_(
        "Kỳ «{text}» không hợp lệ. Hãy ghi theo một trong các dạng: 2024 (năm), 2024-H1 hoặc 2024-H2 "
        "(6 tháng), 2024-Q1 … 2024-Q4 (quý), 2024-9M (9 tháng), 2024-05 (tháng), "
        "2024-01-01:2024-06-30 (khoảng ngày)."
    ).format(text=text))


def _check_year(text: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(_("Kỳ «{text}»: năm phải từ {first} đến {last}.").format(
            text=text, first=FIRST_YEAR, last=LAST_YEAR))


def range_label(first: date, last: date) -> str:
    """``Từ ngày 01/01/2024 đến ngày 30/06/2024``."""
    return _("Từ ngày {first} đến ngày {last}").format(first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}")


def parse_period(text: str) -> Period:
    """The period written as in DESIGN.md §3 (letters in any case, spaces around ``:`` allowed)."""
    raw = (text or "").strip()
    wanted = raw.upper()
    if match := _RANGE.fullmatch(wanted):
        try:
            first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError:
            raise _bad(raw) from None
        _check_year(raw, first.year)
        _check_year(raw, last.year)
        if last < first:
            raise PeriodError(_("Kỳ «{text}»: ngày cuối trước ngày đầu.").format(text=raw))
        return Period(f"{first.isoformat()}:{last.isoformat()}", ReportKind.RANGE, first, last,
                      range_label(first, last))
    for pattern in (_YEAR, _HALF, _QUARTER, _NINE, _MONTH):
        if match := pattern.fullmatch(wanted):
            break
    else:
        raise _bad(raw)
    year = int(match[1])
    _check_year(raw, year)
    if pattern is _YEAR:
        return _months(f"{year}", ReportKind.YEAR, year, 1, 12, _("Năm {year}").format(year=year))
    if pattern is _HALF:
        if match[2] == "1":
            return _months(f"{year}-H1", ReportKind.HALF_YEAR, year, 1, 6,
                           _("6 tháng đầu năm {year}").format(year=year))
        return _months(f"{year}-H2", ReportKind.HALF_YEAR, year, 7, 12,
                       _("6 tháng cuối năm {year}").format(year=year))
    if pattern is _QUARTER:
        quarter = int(match[2])
        return _months(f"{year}-Q{quarter}", ReportKind.QUARTER, year, 3 * quarter - 2, 3 * quarter,
                       _("Quý {roman} năm {year}").format(roman=ROMAN[quarter - 1], year=year))
    if pattern is _NINE:
        return _months(f"{year}-9M", ReportKind.NINE_MONTHS, year, 1, 9,
                       _("9 tháng đầu năm {year}").format(year=year))
    month = int(match[2])
    if not 1 <= month <= 12:
        raise _bad(raw)
    return _months(f"{year}-{month:02d}", ReportKind.MONTH, year, month, month,
                   _("Tháng {month} năm {year}").format(month=month, year=year))


def cutoff_month(year: int, month: int, cutoff_day: int) -> Period:
    """The month of a unit whose months end on ``cutoff_day`` (1–28): from the day after it in the month before
    to that day of ``month`` (``cutoff_month(2024, 5, 20)``: 21/04 – 20/05/2024, «Tháng 5 năm 2024 (từ 21/04 đến
    20/05/2024)»). A range of days, keyed as one; ``cutoff_day`` 0 gives the calendar month."""
    if not 1 <= month <= 12:
        raise _bad(f"{year}-{month:02d}")
    _check_year(str(year), year)
    if cutoff_day == 0:
        return parse_period(f"{year}-{month:02d}")
    if not 1 <= cutoff_day <= 28:
        raise PeriodError(_("Ngày chốt số liệu phải từ 1 đến 28 (0 là theo tháng dương lịch)."))
    last = date(year, month, cutoff_day)
    first = date(year - 1, 12, cutoff_day + 1) if month == 1 else date(year, month - 1, cutoff_day + 1)
    label = _("Tháng {month} năm {year} (từ {first} đến {last})").format(
        month=month, year=year, first=f"{first:%d/%m}", last=f"{last:%d/%m/%Y}")
    return Period(f"{first.isoformat()}:{last.isoformat()}", ReportKind.RANGE, first, last, label)


def previous_period(period: Period) -> Period:
    """The period a figure is compared with: the month, quarter or half before; the same months of the year
    before for a year or nine months; for a range of days, as many days just before it."""
    first = period.date_from
    if period.kind is ReportKind.MONTH:
        before = date.fromordinal(first.toordinal() - 1)
        return parse_period(f"{before.year}-{before.month:02d}")
    if period.kind is ReportKind.QUARTER:
        quarter = (first.month - 1) // 3 + 1
        return parse_period(f"{first.year}-Q{quarter - 1}" if quarter > 1 else f"{first.year - 1}-Q4")
    if period.kind is ReportKind.HALF_YEAR:
        return parse_period(f"{first.year}-H1" if first.month > 6 else f"{first.year - 1}-H2")
    if period.kind is ReportKind.NINE_MONTHS:
        return parse_period(f"{first.year - 1}-9M")
    if period.kind is ReportKind.YEAR:
        return parse_period(f"{first.year - 1}")
    days = period.date_to.toordinal() - first.toordinal() + 1
    start, end = date.fromordinal(first.toordinal() - days), date.fromordinal(first.toordinal() - 1)
    return parse_period(f"{start.isoformat()}:{end.isoformat()}")
