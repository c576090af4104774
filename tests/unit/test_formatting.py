"""Vietnamese formats, exactly as official papers print them."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from cchc_desktop import formatting


def test_numbers_use_dot_for_thousands_and_comma_for_decimals() -> None:
    assert formatting.number(1648) == "1.648"
    assert formatting.number(1_000_000) == "1.000.000"
    assert formatting.number(3.5) == "3,5"
    assert formatting.number(7, decimals=2) == "7,00"
    assert formatting.number(None) == "—"


def test_percent_has_one_decimal_and_no_space() -> None:
    assert formatting.percent(0.992) == "99,2%"
    assert formatting.percent(0.9643) == "96,4%"
    assert formatting.percent(1) == "100,0%"
    assert formatting.percent(0) == "0,0%"


def test_a_rate_over_no_records_is_a_dash_not_zero() -> None:
    assert formatting.rate(0, 0) is None
    assert formatting.percent(formatting.rate(0, 0)) == "—"
    assert formatting.rate(1, 4) == 0.25


def test_short_date_is_zero_padded() -> None:
    assert formatting.short_date(date(2024, 6, 4)) == "04/06/2024"
    assert formatting.date_time(datetime(2024, 6, 4, 9, 5)) == "04/06/2024 09:05"
    assert formatting.date_time(datetime(2024, 6, 4, 9, 5, 7), seconds=True) == "04/06/2024 09:05:07"
    assert formatting.short_date(None) == ""


def test_file_sizes_as_file_managers_show_them() -> None:
    assert formatting.file_size(0) == "0 KB"
    assert formatting.file_size(300) == "1 KB"
    assert formatting.file_size(870_000) == "850 KB"
    assert formatting.file_size(12_900_000) == "12,3 MB"
    assert formatting.file_size(3 * 1024 ** 3) == "3,0 GB"
    assert formatting.file_size(None) == "—"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 6, 4), "ngày 04 tháng 6 năm 2024"),
        (date(2024, 1, 2), "ngày 02 tháng 01 năm 2024"),
        (date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (date(2024, 3, 15), "ngày 15 tháng 3 năm 2024"),
        (date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
        (date(2024, 10, 9), "ngày 09 tháng 10 năm 2024"),
    ],
)
def test_long_date_follows_decree_30_padding(day: date, expected: str) -> None:
    assert formatting.long_date(day) == expected


def test_place_date_line_and_time_phrase() -> None:
    assert formatting.place_date("Hoằng Hợp", date(2024, 6, 4)) == "Hoằng Hợp, ngày 04 tháng 6 năm 2024"
    assert formatting.time_and_date(datetime(2024, 6, 4, 9, 30)) == "09 giờ 30 phút, ngày 04 tháng 6 năm 2024"


def test_parse_number_reads_vietnamese_typing() -> None:
    assert formatting.parse_number("1.648") == Decimal("1648")
    assert formatting.parse_number(" 3,5 ") == Decimal("3.5")
    with pytest.raises(ValueError):
        formatting.parse_number("abc")


@pytest.mark.parametrize("value", [0, 7, -7, 999, 1000, -1648, 1_000_000, 123_456_789_012])
def test_whole_numbers_are_grouped_as_babel_groups_them(value: int) -> None:
    from babel.numbers import format_decimal

    assert formatting.number(value) == format_decimal(value, locale=formatting.LOCALE)
