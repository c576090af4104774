"""The annual reform plan, its tasks and the directive documents (DOMAIN.md §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from cchc_desktop.domain.choices import Choice
from cchc_desktop.i18n import _


class ReformArea(IntEnum):
    """The reform areas of Nghị quyết 76/NQ-CP, in the order reports use."""

    DIRECTION = 0
    INSTITUTIONS = 1
    PROCEDURES = 2
    ORGANISATION = 3
    CIVIL_SERVICE = 4
    PUBLIC_FINANCE = 5
    E_GOVERNMENT = 6

    @property
    def label(self) -> str:
        return _(_AREA_LABELS[self])


_AREA_LABELS = {
    ReformArea.DIRECTION: "Công tác chỉ đạo, điều hành",
    ReformArea.INSTITUTIONS: "Cải cách thể chế",
    ReformArea.PROCEDURES: "Cải cách thủ tục hành chính",
    ReformArea.ORGANISATION: "Cải cách tổ chức bộ máy hành chính nhà nước",
    ReformArea.CIVIL_SERVICE: "Cải cách chế độ công vụ",
    ReformArea.PUBLIC_FINANCE: "Cải cách tài chính công",
    ReformArea.E_GOVERNMENT: "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
}


class TaskSource(Choice):
    PLAN = "plan", "Kế hoạch"
    HIGHER_LEVEL = "higher_level", "Cấp trên giao"


class TaskStatus(Choice):
    NOT_STARTED = "not_started", "Chưa thực hiện"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    CANCELLED = "cancelled", "Không thực hiện"


class DirectiveKind(Choice):
    PLAN = "plan", "Kế hoạch"
    DECISION = "decision", "Quyết định"
    OFFICIAL_LETTER = "official_letter", "Công văn"
    DIRECTIVE = "directive", "Chỉ thị"
    NOTICE = "notice", "Thông báo"
    REPORT = "report", "Báo cáo"
    OTHER = "other", "Khác"


@dataclass(frozen=True)
class Plan:
    id: int
    year: int
    decision_number: str = ""
    decision_date: date | None = None
    title: str = ""


@dataclass(frozen=True)
class PlanTask:
    id: int
    plan_id: int
    number: str
    title: str
    area: ReformArea
    source: TaskSource = TaskSource.PLAN
    lead: str = ""
    cooperating: str = ""
    deadline: date | None = None
    status: TaskStatus = TaskStatus.NOT_STARTED
    completed_on: date | None = None
    evidence: str = ""
    progress_note: str = ""


@dataclass(frozen=True)
class DirectiveDocument:
    id: int
    number: str
    issued_on: date
    kind: DirectiveKind
    title: str
    area: ReformArea | None = None
