"""The annual reform plan, its tasks and the directive documents (DOMAIN.md §6)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from cchc_desktop.domain.choices import Choice
from cchc_desktop.i18n import _
from cchc_desktop.text import fold


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


# -- pure rules --------------------------------------------------------------------------------------------

_NUMBER_PARTS = re.compile(r"(\d+)")
_AREA_PREFIX = re.compile(r"^(?:[ivx]+|\d)\s*[.):\-]\s*")  # «II. », «1) » before an area's name
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_AREA_ALIASES = {
    "tthc": ReformArea.PROCEDURES, "cai cach tthc": ReformArea.PROCEDURES,
    "chinh quyen dien tu": ReformArea.E_GOVERNMENT, "chinh quyen so": ReformArea.E_GOVERNMENT,
    "chuyen doi so": ReformArea.E_GOVERNMENT, "chinh quyen dien tu chinh quyen so": ReformArea.E_GOVERNMENT,
}


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.split(fold(text))).strip()


def parse_area(text: str) -> ReformArea:
    """A reform area from its number (``0``–``6``) or its name, ignoring case, diacritics and punctuation.

    Part of a name is enough when it belongs to one area only (``Thể chế``, ``tài chính công``,
    ``Chính phủ số``); a numbering before the name (``II. Cải cách thể chế``) is ignored, the name decides.
    A roman numeral alone is refused: plans number their sections from I for area 0 or for area 1.
    Raises ValueError.
    """
    folded = fold(text).rstrip(".")
    if folded.isdigit():
        return ReformArea(int(folded))
    wanted = _words(_AREA_PREFIX.sub("", folded))
    if wanted in _AREA_ALIASES:
        return _AREA_ALIASES[wanted]
    if wanted:
        found = [area for area in ReformArea if f" {wanted} " in f" {_words(_AREA_LABELS[area])} "]
        if len(found) == 1:
            return found[0]
    raise ValueError(text)


def natural_key(number: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a task number in natural order: ``2`` before ``10``, ``1.2`` before ``1.10``."""
    return tuple((0, int(part)) if part.isdecimal() else (1, part)
                 for part in _NUMBER_PARTS.split(fold(number)) if part)


def next_number(taken: Iterable[str]) -> str:
    """The number after the largest whole number among ``taken`` (``1`` when there is none), not taken."""
    used = set(taken)
    number = max((int(value) for value in used if value.isascii() and value.isdigit()), default=0) + 1
    while str(number) in used:
        number += 1
    return str(number)


def same_day_in(day: date, year: int) -> date:
    """``day`` moved to ``year``; 29/02 becomes 28/02 in a common year."""
    try:
        return day.replace(year=year)
    except ValueError:
        return date(year, 2, 28)
