"""Calendar overrides, manual report values, exported reports and the audit trail."""

from __future__ import annotations

import json
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

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) of every field the entry holds, in the record's column order."""
        before = json.loads(self.before) if self.before else {}
        after = json.loads(self.after) if self.after else {}
        fields = list(dict.fromkeys([*before, *after]))
        return [(name, before.get(name), after.get(name)) for name in fields]


# The audited tables as the viewer names them.
RECORD_KINDS = {
    "setting": "Cài đặt", "user": "Tài khoản", "field": "Lĩnh vực", "procedure": "Thủ tục",
    "calendar_override": "Lịch làm việc", "dossier": "Hồ sơ", "dossier_document": "Giấy tờ của hồ sơ",
    "apology_letter": "Thư xin lỗi", "desk_refusal": "Hồ sơ không tiếp nhận", "survey_criterion": "Tiêu chí khảo sát",
    "survey": "Phiếu khảo sát", "survey_answer": "Câu trả lời khảo sát", "inspection_criterion": "Tiêu chí kiểm tra",
    "inspection": "Cuộc kiểm tra", "inspection_check": "Kết quả tiêu chí kiểm tra", "finding": "Vấn đề phát hiện",
    "plan": "Kế hoạch", "plan_task": "Nhiệm vụ kế hoạch", "directive_document": "Văn bản chỉ đạo",
    "report_manual_value": "Số liệu nhập tay", "report": "Báo cáo đã xuất", "report_section_draft": "Bản thảo báo cáo",
}
