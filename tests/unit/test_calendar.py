"""The working-day calendar and appointment dates (DOMAIN.md §3), checked by hand on the 2024 holidays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_desktop.domain.calendar import DueDate, WorkCalendar, package_days
from cchc_desktop.domain.catalogue import TimeLimitUnit
from cchc_desktop.domain.records import OverrideKind
from cchc_desktop.domain.unit import OfficeHours

DAYS = TimeLimitUnit.WORKING_DAYS
HOURS = TimeLimitUnit.WORKING_HOURS
SAME_DAY = TimeLimitUnit.SAME_DAY

CAL = WorkCalendar()
SATURDAYS = WorkCalendar(OfficeHours(saturday_morning=True))
for _year in range(2014, 2032):  # warm the holiday cache: property tests then run well under any deadline
    package_days(_year)
CAL.is_working_day(date(2014, 1, 1))
CAL.is_working_day(date(2031, 12, 31))


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


def test_the_2024_holidays_and_the_make_up_saturday() -> None:
    off, workdays = package_days(2024)
    assert {date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 1), date(2024, 9, 2), date(2024, 9, 3)} <= off
    assert workdays == {date(2024, 5, 4)}
    assert not CAL.is_working_day(date(2024, 4, 29))  # nghỉ bù, in exchange for Saturday 04/5
    assert CAL.is_working_day(date(2024, 5, 4))
    assert not CAL.is_working_day(date(2024, 5, 11))  # an ordinary Saturday
    assert CAL.next_working_day(date(2024, 4, 26)) == date(2024, 5, 2)
    assert CAL.next_working_day(date(2024, 5, 3)) == date(2024, 5, 4)
    assert CAL.next_working_day(date(2024, 2, 7)) == date(2024, 2, 15)  # Tết Giáp Thìn: 8/2–14/2


def test_three_working_days_over_the_april_may_holidays() -> None:
    # Friday 26/4 10:00: 5 h that day; 27–28/4 weekend, 29/4 nghỉ bù, 30/4, 1/5 off; Thursday 2/5 and
    # Friday 3/5 give 7.5 h each (20 h); the last 2.5 h fall on the make-up Saturday 4/5, 07:30–10:00,
    # rounded up to the end of the morning session.
    due = CAL.due_at(at("26/04/2024 10:00"), 3, DAYS)
    assert due.at == at("04/05/2024 11:30")
    assert due.explanation == "3 ngày làm việc; bỏ qua thứ Bảy, Chủ nhật, 29/4–1/5; làm bù thứ Bảy 4/5"


def test_working_days_count_from_the_moment_of_receipt() -> None:
    assert CAL.due_at(at("06/05/2024 07:30"), 1, DAYS).at == at("06/05/2024 17:00")
    assert CAL.due_at(at("06/05/2024 09:00"), 1, DAYS).at == at("07/05/2024 11:30")  # 09:00 + 7.5 h
    assert CAL.due_at(at("06/05/2024 14:00"), 1, DAYS).at == at("07/05/2024 17:00")
    assert CAL.due_at(at("06/05/2024 10:00"), 5, DAYS).at == at("13/05/2024 11:30")
    # Wednesday 7/2 16:00 before Tết: 1 h, then 15, 16, 19, 20/2 (30 h), the last 6.5 h on 21/2.
    due = CAL.due_at(at("07/02/2024 16:00"), 5, DAYS)
    assert due.at == at("21/02/2024 17:00")
    assert due.explanation == "5 ngày làm việc; bỏ qua thứ Bảy, Chủ nhật, 8/2–14/2"


def test_a_receipt_outside_office_hours_starts_at_the_next_opening() -> None:
    assert CAL.add_working_days(at("06/05/2024 18:30"), 0) == at("07/05/2024 07:30")
    assert CAL.add_working_days(at("06/05/2024 12:10"), 0) == at("06/05/2024 13:30")
    assert CAL.add_working_days(at("05/05/2024 09:00"), 0) == at("06/05/2024 07:30")  # a Sunday
    assert CAL.due_at(at("06/05/2024 18:30"), 1, DAYS).at == at("07/05/2024 17:00")
    assert CAL.due_at(at("06/05/2024 06:00"), 1, DAYS).at == at("06/05/2024 17:00")
    assert CAL.due_at(at("30/08/2024 17:30"), 2, DAYS).at == at("05/09/2024 17:00")


def test_working_hours_skip_the_lunch_break_and_the_night() -> None:
    assert CAL.add_working_hours(at("06/05/2024 10:00"), 2) == at("06/05/2024 14:00")
    assert CAL.add_working_hours(at("06/05/2024 16:00"), 2) == at("07/05/2024 08:30")
    assert CAL.add_working_minutes(at("06/05/2024 11:00"), 30) == at("06/05/2024 11:30")
    due = CAL.due_at(at("06/05/2024 16:00"), 4, HOURS)
    assert due.at == at("07/05/2024 10:30")
    assert due.explanation == "4 giờ làm việc"


def test_same_day_before_and_after_the_afternoon_cutoff() -> None:
    assert CAL.due_at(at("06/05/2024 14:59"), 0, SAME_DAY).at == at("06/05/2024 17:00")
    late = CAL.due_at(at("06/05/2024 15:00"), 0, SAME_DAY)
    assert late.at == at("07/05/2024 17:00")
    assert late.explanation == "Trong ngày; nhận sau 15:00 nên hẹn ngày làm việc tiếp theo"
    assert CAL.due_at(at("06/05/2024 15:30"), 0, SAME_DAY, time(16, 0)).at == at("06/05/2024 17:00")
    friday = CAL.due_at(at("26/04/2024 15:30"), 0, SAME_DAY)
    assert friday.at == at("02/05/2024 17:00")
    assert friday.explanation.endswith("bỏ qua thứ Bảy, Chủ nhật, 29/4–1/5")
    sunday = CAL.due_at(at("05/05/2024 09:00"), 0, SAME_DAY)
    assert sunday.at == at("06/05/2024 17:00")
    assert sunday.explanation == "Trong ngày; nhận vào ngày nghỉ nên hẹn ngày làm việc tiếp theo; bỏ qua Chủ nhật"


def test_saturday_mornings_only_when_the_unit_works_them() -> None:
    assert not CAL.is_working_day(date(2024, 6, 15))
    assert SATURDAYS.is_working_day(date(2024, 6, 15))
    assert SATURDAYS.closing_time(date(2024, 6, 15)) == at("15/06/2024 11:30")
    # Friday 16:00 + 7.5 h: 1 h Friday, 4 h Saturday morning, 2.5 h Monday → Monday 10:00 → 11:30.
    assert SATURDAYS.due_at(at("14/06/2024 16:00"), 1, DAYS).at == at("17/06/2024 11:30")
    assert CAL.due_at(at("14/06/2024 16:00"), 1, DAYS).at == at("17/06/2024 17:00")
    assert SATURDAYS.due_at(at("15/06/2024 10:00"), 0, SAME_DAY).at == at("15/06/2024 11:30")
    assert SATURDAYS.due_at(at("15/06/2024 12:00"), 0, SAME_DAY).at == at("17/06/2024 17:00")
    assert not SATURDAYS.is_working_day(date(2024, 2, 10))  # Tết on a Saturday stays a day off


def test_the_units_overrides_win_over_the_package() -> None:
    calendar = WorkCalendar(overrides={
        date(2024, 5, 2): OverrideKind.DAY_OFF,   # a local festival
        date(2024, 4, 30): OverrideKind.WORKDAY,  # the unit worked the holiday
        date(2024, 5, 4): "day_off",             # and skipped the make-up Saturday
    })
    assert not calendar.is_working_day(date(2024, 5, 2))
    assert calendar.is_working_day(date(2024, 4, 30))
    assert not calendar.is_working_day(date(2024, 5, 4))
    assert calendar.next_working_day(date(2024, 5, 1)) == date(2024, 5, 3)
    due = calendar.due_at(at("26/04/2024 10:00"), 3, DAYS)
    # 5 h Friday, 7.5 h on 30/4, 7.5 h on 3/5, the last 2.5 h on Monday 6/5.
    assert due.at == at("06/05/2024 11:30")
    assert due.explanation == "3 ngày làm việc; bỏ qua thứ Bảy, Chủ nhật, 29/4, 1/5, 2/5, 4/5"


def test_other_office_hours_and_the_reasoning_object() -> None:
    calendar = WorkCalendar(OfficeHours(time(8), time(12), time(13), time(17)))
    assert calendar.day_seconds == 8 * 3600
    assert calendar.due_at(at("06/05/2024 08:00"), 2, DAYS).at == at("07/05/2024 17:00")
    due = calendar.due_at(at("06/05/2024 08:00"), 2, "working_days")
    assert isinstance(due, DueDate) and due.unit is DAYS
    assert due == calendar.due_at(at("06/05/2024 08:00"), 2, DAYS)
    with pytest.raises(ValueError):
        WorkCalendar(OfficeHours(time(12), time(11)))
    with pytest.raises(ValueError):
        CAL.add_working_days(at("06/05/2024 08:00"), -1)


def test_timezones_are_kept_and_far_years_are_laid_out_on_demand() -> None:
    from datetime import timezone

    ict = timezone(timedelta(hours=7))
    moment = datetime(2024, 5, 6, 9, 0, tzinfo=ict)
    assert CAL.due_at(moment, 1, DAYS).at == datetime(2024, 5, 7, 11, 30, tzinfo=ict)
    calendar = WorkCalendar()
    assert calendar.due_at(at("30/12/2024 09:00"), 30, DAYS).at.year == 2025
    assert calendar.due_at(at("04/01/2010 09:00"), 2, DAYS).at == at("06/01/2010 11:30")
    assert calendar.working_days(date(2024, 4, 26), date(2024, 5, 6)) == [
        date(2024, 4, 26), date(2024, 5, 2), date(2024, 5, 3), date(2024, 5, 4), date(2024, 5, 6),
    ]


# -- properties ------------------------------------------------------------------------------------------

moments = st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31, 23, 59))
units = st.sampled_from(list(TimeLimitUnit))
limits = st.integers(min_value=0, max_value=40)
calendars = st.sampled_from([CAL, SATURDAYS])


@settings(max_examples=300, deadline=None)
@given(calendars, moments, limits, units)
def test_the_appointment_is_never_on_a_day_off_nor_before_the_receipt(
    calendar: WorkCalendar, received: datetime, limit: int, unit: TimeLimitUnit,
) -> None:
    due = calendar.due_moment(received, limit, unit)
    assert calendar.is_working_day(due.date())
    assert due >= received
    assert due <= calendar.closing_time(due.date())


@settings(max_examples=200, deadline=None)
@given(calendars, st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
       st.integers(min_value=0, max_value=9 * 60 + 30))
def test_zero_working_days_from_inside_office_hours_is_the_same_moment(
    calendar: WorkCalendar, day: date, minutes: int,
) -> None:
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    moment = datetime.combine(day, time(7, 30)) + timedelta(minutes=minutes)
    inside = moment < calendar.closing_time(day) and not (time(11, 30) <= moment.time() < time(13, 30))
    if not inside:
        return
    assert calendar.add_working_days(moment, 0) == moment
    assert calendar.due_moment(moment, 0, DAYS).date() == day


@settings(max_examples=200, deadline=None)
@given(calendars, moments, st.integers(min_value=0, max_value=30), units)
def test_the_appointment_is_monotone_in_the_time_limit(
    calendar: WorkCalendar, received: datetime, limit: int, unit: TimeLimitUnit,
) -> None:
    shorter = calendar.due_moment(received, limit, unit)
    longer = calendar.due_moment(received, limit + 1, unit)
    assert shorter <= longer
    if unit not in (SAME_DAY, TimeLimitUnit.CALENDAR_DAYS):  # two last days in one run of days off end alike
        assert shorter < longer


@settings(max_examples=200, deadline=None)
@given(calendars, moments, st.integers(min_value=1, max_value=600))
def test_adding_working_time_in_two_steps_is_adding_it_once(
    calendar: WorkCalendar, start: datetime, minutes: int,
) -> None:
    first = minutes // 3 + 1
    once = calendar.add_working_minutes(start, minutes)
    twice = calendar.add_working_minutes(calendar.add_working_minutes(start, first), minutes - first)
    assert once == twice or calendar.add_working_minutes(once, 0) == calendar.add_working_minutes(twice, 0)
    assert once > start


def test_the_first_question_to_a_fresh_calendar_lays_out_its_years() -> None:
    assert WorkCalendar(OfficeHours()).next_working_day(date(2024, 12, 31)) == date(2025, 1, 2)  # 1/1 is off
    assert WorkCalendar(OfficeHours()).closing_time(date(2031, 12, 31)) == datetime(2031, 12, 31, 17, 0)
    calendar = WorkCalendar(OfficeHours())
    assert calendar.is_working_day(date(2024, 12, 31))
    assert calendar.next_working_day(date(2029, 12, 31)) == date(2030, 1, 2)


# -- calendar days («N ngày»: Bộ luật Dân sự 2015, Điều 147–148) ------------------------------------------------


def test_thirty_calendar_days_across_tet_end_on_the_next_working_day() -> None:
    """Received Friday 17/01/2025: 30 days end on Sunday 16/02 (the Tết break of 25/01–02/02 counted, as calendar
    days are), which moves the end to the close of Monday 17/02."""
    calendar = WorkCalendar()
    due = calendar.due_at(datetime(2025, 1, 17, 9, 0), 30, TimeLimitUnit.CALENDAR_DAYS)
    assert due.at == datetime(2025, 2, 17, 17, 0)
    assert due.explanation == ("30 ngày (tính cả ngày nghỉ), hết hạn 16/2 là ngày nghỉ nên chuyển sang ngày làm "
                               "việc tiếp theo 17/2")
    # The day before the break: 30 days end on Sunday 23/02 as well → Monday 24/02.
    assert calendar.due_moment(datetime(2025, 1, 24, 16, 30), 30, "calendar_days") == datetime(2025, 2, 24, 17, 0)
    # The same 30 as working days skip the break: a month and a half later.
    assert calendar.due_moment(datetime(2025, 1, 17, 9, 0), 30, "working_days") > datetime(2025, 3, 5)


def test_a_friday_before_a_public_holiday() -> None:
    """3 days from Friday 29/08/2025 end on Monday 01/09, a holiday like 02/09: the end moves to Wednesday 03/09."""
    calendar = WorkCalendar()
    assert calendar.due_moment(datetime(2025, 8, 29, 16, 0), 3, TimeLimitUnit.CALENDAR_DAYS) == \
        datetime(2025, 9, 3, 17, 0)
    # A last day that is a working day ends at its close, whatever the hour of receipt.
    assert calendar.due_moment(datetime(2025, 9, 8, 7, 0), 10, TimeLimitUnit.CALENDAR_DAYS) == \
        datetime(2025, 9, 18, 17, 0)
    # On a Saturday-morning unit, a last day that is a Saturday ends at its noon close.
    saturdays = WorkCalendar(OfficeHours(saturday_morning=True))
    assert saturdays.due_moment(datetime(2025, 9, 8, 9, 0), 5, "calendar_days") == datetime(2025, 9, 13, 11, 30)


@pytest.mark.parametrize(("text", "expected"), [
    ("3", (3, TimeLimitUnit.WORKING_DAYS)), ("3 ngày làm việc", (3, TimeLimitUnit.WORKING_DAYS)),
    ("05 Ngày Làm Việc", (5, TimeLimitUnit.WORKING_DAYS)), ("30 ngày", (30, TimeLimitUnit.CALENDAR_DAYS)),
    ("30 ngay", (30, TimeLimitUnit.CALENDAR_DAYS)), ("04 giờ làm việc", (4, TimeLimitUnit.WORKING_HOURS)),
    ("8 giờ", (8, TimeLimitUnit.WORKING_HOURS)), ("Trong ngày", (0, TimeLimitUnit.SAME_DAY)),
])
def test_time_limits_as_the_catalogue_writes_them(text: str, expected: tuple[int, TimeLimitUnit]) -> None:
    from cchc_desktop.domain.catalogue import parse_time_limit, time_limit_text

    assert parse_time_limit(text) == expected
    amount, unit = expected
    assert parse_time_limit(time_limit_text(amount, unit)) == expected  # printed as it reads


@pytest.mark.parametrize("text", ["", "0", "0 ngày", "ba ngày", "3 tuần", "1000 ngày", "-3"])
def test_a_time_limit_that_is_none_is_refused(text: str) -> None:
    from cchc_desktop.domain.catalogue import parse_time_limit

    with pytest.raises(ValueError):
        parse_time_limit(text)
