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


class UnreadableTimeLimit(ValueError):
    """A time limit that ``read_time_limit`` will not read, and why: ``NO_UNIT`` (the catalogue's «Khác»: a number
    with no unit), ``SEVERAL`` (different limits in one cell, e.g. one per channel), ``NONE`` (no limit found)."""

    NO_UNIT, SEVERAL, NONE = "no_unit", "several", "none"

    def __init__(self, text: str, kind: str, found: tuple[tuple[int, TimeLimitUnit], ...] = ()) -> None:
        super().__init__(text)
        self.text, self.kind, self.found = text, kind, found


# A limit inside a sentence: «03 (ba) ngày làm việc», «30 ngày», «04 giờ làm việc»; not a part of a longer number
# («1,5 ngày»), nor the hour of a cut-off («sau 15 giờ», «trước 15 giờ», «nhận đến 15 giờ», «lúc 15 giờ»).
_LIMIT_IN_TEXT = re.compile(
    r"(?<![\d.,/])(?<!sau )(?<!truoc )(?<!den )(?<!luc )(\d{1,3})(?![\d.,/])\s*(?:\([^)]*\)\s*)?"
    r"(ngay lam viec|ngay|gio lam viec|gio)\b")
# «Trong ngày làm việc tiếp theo» is the next working day, not the same day.
_SAME_DAY_IN_TEXT = re.compile(r"\b(?:ngay trong ngay|trong ngay|ngay sau khi nhan)\b(?!\s+(?:lam viec\s+)?tiep theo)")
_NO_UNIT = re.compile(r"^\d{1,3}\s*(?:khac|other)$")
# What the national database's own export writes beside the Vietnamese: «3 WORKING_DAY — 03 ngày làm việc …».
_API_UNITS = ((re.compile(r"\bworking_day\b"), "ngay lam viec"), (re.compile(r"\bworking_hour\b"), "gio lam viec"))
# A clause that only adds a case to the limit before it («trường hợp cần xác minh thì …», «nếu …»).
_CONDITIONAL = re.compile(r"^(?:truong hop|neu|co the|rieng|doi voi truong hop)\b")
_CHANNEL = r"(?:hinh thuc )?(?:nop )?(?:truc tiep|truc tuyen|dich vu buu chinh|buu chinh)"
_CLAUSE_BREAK = re.compile(rf";|(?=\b{_CHANNEL}\s*[:\-–—])")  # «Trực tiếp: 7 ngày làm việc, trực tuyến: 5 …»
_CHANNEL_LABEL = re.compile(rf"^{_CHANNEL}\s*[:\-–—]?\s*")


def _clauses(text: str) -> list[str]:
    """The folded clauses of a limit's text: its lines, each split at «;» and before a channel's label."""
    clauses = []
    for line in text.splitlines():
        folded = fold(line)
        for pattern, unit in _API_UNITS:
            folded = pattern.sub(unit, folded)
        clauses.extend(_CLAUSE_BREAK.split(folded))
    return clauses


def read_time_limit(text: str) -> tuple[int, TimeLimitUnit]:
    """A time limit as written in the national catalogue's own pages and exports, which state it in a sentence
    («Trong thời hạn 03 (ba) ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ», «30 ngày kể từ …», «Ngay trong ngày
    tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ …», «3 WORKING_DAY — 03 ngày làm việc …», one line per
    channel): the short forms of ``parse_time_limit`` first, else the first limit of each clause, clauses split at
    «;» or a new line, a clause that only adds a case («trường hợp …», «nếu …») not counted. Read honestly or
    not at all: ``UnreadableTimeLimit`` for a number without a unit («1 Khác»), for different limits in one cell,
    and for a text with no limit in it."""
    try:
        return parse_time_limit(text)
    except ValueError:
        pass
    found: list[tuple[int, TimeLimitUnit]] = []
    no_unit = False
    for clause in _clauses(text):
        clause = _CHANNEL_LABEL.sub("", clause.strip(" .,:-–—\t"))
        if not clause or _CONDITIONAL.match(clause):
            continue
        if _NO_UNIT.match(clause):
            no_unit = True
            continue
        match = _LIMIT_IN_TEXT.search(clause)
        same_day = _SAME_DAY_IN_TEXT.search(clause)
        if same_day and (match is None or same_day.start() < match.start()):
            limit = (0, TimeLimitUnit.SAME_DAY)
        elif match is not None and int(match[1]) > 0:
            limit = parse_time_limit(f"{match[1]} {match[2]}")
        else:
            continue
        if limit not in found:
            found.append(limit)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise UnreadableTimeLimit(text, UnreadableTimeLimit.SEVERAL, tuple(found))
    raise UnreadableTimeLimit(text, UnreadableTimeLimit.NO_UNIT if no_unit else UnreadableTimeLimit.NONE)


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
    fee: str = ""  # the catalogue's words («8.000 đồng/bản»)
    fee_amount: int | None = None  # in VND: None not stated as one amount, 0 free (``domain.fees.stated_amount``)
    online_payment: bool = False  # the fee can be paid online (row 3.4.3)
    one_stop: bool = True
    inter_agency: InterAgency = InterAgency.NONE
    afternoon_cutoff: str | None = None
    active: bool = True
