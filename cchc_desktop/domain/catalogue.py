"""The procedure catalogue: fields (lĩnh vực) and administrative procedures (TTHC)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cchc_desktop.domain.choices import Choice
from cchc_desktop.text import fold


class TimeLimitUnit(Choice):
    """How the national catalogue writes a time limit: «N ngày làm việc», «N ngày» (calendar days), «N giờ làm
    việc», «Trong ngày»."""

    WORKING_DAYS = "working_days", "ngày làm việc"
    WORKING_HOURS = "working_hours", "giờ làm việc"
    SAME_DAY = "same_day", "trong ngày"
    CALENDAR_DAYS = "calendar_days", "ngày"


_TIME_LIMIT = re.compile(r"(\d{1,3})\s*(ngay|gio)?\s*(lam viec)?")


def parse_time_limit(text: str) -> tuple[int, TimeLimitUnit]:
    """A time limit as the national catalogue writes it: «3 ngày làm việc» working days, «30 ngày» calendar
    days, «04 giờ làm việc» (or «4 giờ») working hours, «Trong ngày» the same day; a bare «3» means working days
    (our own files' convention). ValueError for anything else, or a limit of 0 that is not «Trong ngày»."""
    folded = fold(text)
    if folded in ("trong ngay", "trong ngay lam viec"):
        return 0, TimeLimitUnit.SAME_DAY
    match = _TIME_LIMIT.fullmatch(folded)
    if not match or int(match[1]) == 0:
        raise ValueError(text)
    if match[2] == "gio":
        return int(match[1]), TimeLimitUnit.WORKING_HOURS
    if match[2] == "ngay" and not match[3]:
        return int(match[1]), TimeLimitUnit.CALENDAR_DAYS
    return int(match[1]), TimeLimitUnit.WORKING_DAYS


def time_limit_text(amount: int, unit: TimeLimitUnit) -> str:
    """The limit as the papers print it: «05 ngày làm việc», «30 ngày», «08 giờ làm việc», «trong ngày»."""
    if unit is TimeLimitUnit.SAME_DAY:
        return unit.label
    return f"{amount:02d} {unit.label}"


class SupplementRule(Choice):
    RESTART = "restart", "Tính lại"
    PAUSE = "pause", "Tạm dừng"


class OnlineLevel(Choice):
    PARTIAL = "partial", "Một phần"
    FULL = "full", "Toàn trình"


class InterAgency(Choice):
    NONE = "none", "Không liên thông"
    SAME_LEVEL = "same_level", "Liên thông cùng cấp"
    CROSS_LEVEL = "cross_level", "Liên thông giữa các cấp"


@dataclass(frozen=True)
class Field:
    id: int
    name: str
    position: int = 0


@dataclass(frozen=True)
class Procedure:
    id: int
    code: str
    name: str
    field_id: int
    time_limit: int
    time_limit_unit: TimeLimitUnit
    supplement_rule: SupplementRule = SupplementRule.RESTART
    online_level: OnlineLevel | None = None
    fee: str = ""
    one_stop: bool = True
    inter_agency: InterAgency = InterAgency.NONE
    afternoon_cutoff: str | None = None
    active: bool = True
