"""Administrative-discipline checks (kiểm tra kỷ luật, kỷ cương hành chính), DOMAIN.md §5."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cchc_desktop.domain.choices import Choice
from cchc_desktop.text import fold


class InspectionKind(Choice):
    PLANNED = "planned", "Theo kế hoạch"
    UNANNOUNCED = "unannounced", "Đột xuất"
    SELF = "self", "Tự kiểm tra"


class SubjectKind(Choice):
    UNIT = "unit", "Bộ phận"
    OFFICIAL = "official", "Công chức"


class CheckResult(Choice):
    PASS = "pass", "Đạt"
    FAIL = "fail", "Không đạt"
    NOT_APPLICABLE = "na", "Không áp dụng"


class Measure(Choice):
    REMINDER = "reminder", "Nhắc nhở"
    SELF_CRITICISM = "self_criticism", "Kiểm điểm"
    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    SALARY_DOWNGRADE = "salary_downgrade", "Hạ bậc lương"
    DEMOTION = "demotion", "Giáng chức"
    DISMISSAL_FROM_POST = "dismissal_from_post", "Cách chức"
    FORCED_DISMISSAL = "forced_dismissal", "Buộc thôi việc"

    @property
    def disciplinary(self) -> bool:
        """A disciplinary measure (counted in 5.4.5 / 5.4.6), not a reminder or self-criticism."""
        return self not in (Measure.REMINDER, Measure.SELF_CRITICISM)


@dataclass(frozen=True)
class InspectionCriterion:
    id: int
    code: str
    text: str
    position: int = 0
    active: bool = True


@dataclass(frozen=True)
class InspectionCheck:
    criterion_id: int
    result: CheckResult
    note: str = ""
    criterion_text: str = ""


@dataclass(frozen=True)
class Finding:
    id: int
    inspection_id: int
    description: str
    remedy_deadline: date | None = None
    responsible: str = ""
    remedied_on: date | None = None
    measure: Measure | None = None
    official_name: str = ""
    official_is_leader: bool = False

    def overdue(self, today: date) -> bool:
        return self.remedied_on is None and self.remedy_deadline is not None and self.remedy_deadline < today


@dataclass(frozen=True)
class Inspection:
    id: int
    inspected_on: date
    kind: InspectionKind
    subject: str
    subject_kind: SubjectKind = SubjectKind.UNIT
    basis: str = ""
    place: str = ""
    inspectors: str = ""
    conclusion: str = ""
    checks: tuple[InspectionCheck, ...] = field(default_factory=tuple)
    findings: tuple[Finding, ...] = field(default_factory=tuple)


# -- the list of departments and officials to inspect (appendix row 5.4.2) --------------------------------------

MAX_SUBJECTS = 300  # a commune has a dozen departments and some tens of officials
MAX_SUBJECT_LENGTH = 300  # as an inspection's subject


def subject_lines(text: str | None) -> tuple[str, ...]:
    """The declared list as stored (one subject a line), blank lines left out."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def inspected_share(declared: tuple[str, ...], inspected: set[str]) -> tuple[int, int]:
    """5.4.2's parts: (declared subjects inspected, declared subjects). ``inspected`` holds the folded subjects of
    the period's inspections; a subject is matched without case or diacritics, an inspected one not on the list
    counts in neither part."""
    listed = {fold(subject) for subject in declared}
    return len(listed & inspected), len(listed)
