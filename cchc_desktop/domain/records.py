"""Calendar overrides, manual report values, exported reports and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cchc_desktop.domain.choices import Choice


class OverrideKind(Choice):
    DAY_OFF = "day_off", "Ngày nghỉ"
    WORKDAY = "workday", "Ngày làm bù"


@dataclass(frozen=True)
class CalendarOverride:
    day: date
    kind: OverrideKind
    note: str = ""


class ReportKind(Choice):
    MONTH = "month", "Tháng"
    QUARTER = "quarter", "Quý"
    HALF_YEAR = "half_year", "6 tháng"
    NINE_MONTHS = "nine_months", "9 tháng"
    YEAR = "year", "Năm"
    RANGE = "range", "Khoảng thời gian"


@dataclass(frozen=True)
class ManualReportValue:
    period_key: str
    indicator: str
    value: float
    note: str = ""


@dataclass(frozen=True)
class ReportRecord:
    id: int
    kind: ReportKind
    period_key: str
    date_from: date
    date_to: date
    cutoff: date
    version: int
    created_at: datetime
    number: str = ""
    label: str = ""  # the period's label as printed
    issued_on: date | None = None  # the date line of the report
    user_id: int | None = None  # who exported it


class AuditAction(Choice):
    INSERT = "insert", "Thêm"
    UPDATE = "update", "Sửa"
    DELETE = "delete", "Hủy"
    EXPORT = "export", "Xuất dữ liệu"
    LOGIN = "login", "Đăng nhập"
    OTHER = "other", "Khác"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: AuditAction
    table_name: str | None
    record_id: int | None
    before: str | None
    after: str | None
    prev_hash: str
    hash: str
