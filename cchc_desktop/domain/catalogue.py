"""The procedure catalogue: fields (lĩnh vực) and administrative procedures (TTHC)."""

from __future__ import annotations

from dataclasses import dataclass

from cchc_desktop.domain.choices import Choice


class TimeLimitUnit(Choice):
    WORKING_DAYS = "working_days", "ngày làm việc"
    WORKING_HOURS = "working_hours", "giờ làm việc"
    SAME_DAY = "same_day", "trong ngày"


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
