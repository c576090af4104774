"""Vietnamese formatting of numbers, percentages and dates: the only module that calls babel.

Official papers want ``1.648``, ``99,2%``, ``04/06/2024`` and "ngày 04 tháng 6 năm 2024"
(Nghị định 30/2020: days below 10 and months 1–2 take a leading zero). Babel's own vi short date
(``4/6/24``) and integer percent are not used.

Babel is imported on first use, and whole numbers are grouped without it (``number(1648)``, the counts on
every screen): its import and the loading of its Vietnamese data cost ~20 ms of the window's start.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from cchc_desktop.i18n import _

LOCALE = "vi_VN"
NO_VALUE = "—"


def number(value: int | float | Decimal | None, *, decimals: int | None = None) -> str:
    """``1648`` → ``1.648``; ``3.5`` → ``3,5``; None → ``—``."""
    if value is None:
        return NO_VALUE
    if isinstance(value, int) and decimals is None:
        return f"{value:,}".replace(",", ".")  # what babel gives for vi_VN: "." groups thousands
    from babel.numbers import format_decimal

    if decimals is None:
        return format_decimal(value, locale=LOCALE)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def money(amount: int | None) -> str:
    """An amount of Vietnamese đồng: ``8000`` → ``8.000 đồng``; None → ``—``."""
    return NO_VALUE if amount is None else _("{amount} đồng").format(amount=number(amount))


def percent(fraction: float | Decimal | None, *, decimals: int = 1) -> str:
    """A fraction as a percentage with one decimal: ``0.992`` → ``99,2%``; None (no records) → ``—``."""
    if fraction is None:
        return NO_VALUE
    from babel.numbers import format_percent

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(fraction, format=pattern, locale=LOCALE)


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, or None where the whole is zero (shown as ``—``, never as 0%)."""
    return part / whole if whole else None


def parse_number(text: str) -> Decimal:
    """Parse a number typed the Vietnamese way (``1.648``, ``3,5``); raises ValueError.

    Babel also reads what nobody types on a form and no report can hold: ``NaN``, ``Infinity`` (``inf``) and
    the scientific ``1e308``, ``1e-400``; those are refused too, so that the value is always a finite number
    written in digits."""
    from babel.numbers import NumberFormatError, parse_decimal

    raw = text.strip()
    try:
        value = parse_decimal(raw, locale=LOCALE, strict=True)
    except (NumberFormatError, InvalidOperation) as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or "e" in raw.casefold():
        raise ValueError(text)
    return value


def short_date(value: date | datetime | None) -> str:
    """``04/06/2024``."""
    return value.strftime("%d/%m/%Y") if value is not None else ""


def parse_day(text: str) -> date | None:
    """A day typed as ``04/06/2024``, ``4/6/2024`` or ``2024-06-04``; None when nothing is typed.

    Raises ValueError whose text is the Vietnamese message.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("Ngày «{text}» không hợp lệ (ghi theo dạng ngày/tháng/năm, ví dụ 04/06/2024).").format(text=raw))


def date_time(value: datetime | None, *, seconds: bool = False) -> str:
    """``04/06/2024 09:30`` (``04/06/2024 09:30:15`` with ``seconds``: the audit trail)."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def file_size(size: int | None) -> str:
    """``850 KB``, ``12,3 MB``, ``1,2 GB`` (powers of 1024, as file managers show them)."""
    if size is None:
        return NO_VALUE
    if size < 1024 * 1024:
        return f"{number(max(1, round(size / 1024)) if size else 0)} KB"
    if size < 1024 ** 3:
        return f"{number(size / 1024 ** 2, decimals=1)} MB"
    return f"{number(size / 1024 ** 3, decimals=1)} GB"


def weekday_date(value: date) -> str:
    """``thứ Sáu 11/12``: the day of the week and the day, as a deadline is said."""
    names = (_("thứ Hai"), _("thứ Ba"), _("thứ Tư"), _("thứ Năm"), _("thứ Sáu"), _("thứ Bảy"), _("Chủ nhật"))
    return f"{names[value.weekday()]} {value:%d/%m}"


def long_date(value: date) -> str:
    """``ngày 04 tháng 6 năm 2024``: days below 10 and months 1–2 with a leading zero."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def place_date(place: str, value: date) -> str:
    """The date line of an official document: ``Hoằng Hợp, ngày 04 tháng 6 năm 2024``."""
    return f"{place}, {long_date(value)}"


def time_and_date(value: datetime) -> str:
    """``09 giờ 30 phút, ngày 04 tháng 6 năm 2024`` (receipts and appointments)."""
    return f"{value.hour:02d} giờ {value.minute:02d} phút, {long_date(value.date())}"


def masked(value: str | None, *, keep: int = 3) -> str:
    """A phone or ID number in a list: only the last ``keep`` digits shown (``•••••••678``)."""
    if not value:
        return ""
    return "•" * max(len(value) - keep, 0) + value[-keep:]
