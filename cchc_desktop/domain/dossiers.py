"""Dossiers (hồ sơ TTHC): states, channels, events and the transition table of DOMAIN.md §3."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.papers import PaperKind

if TYPE_CHECKING:
    from cchc_desktop.domain.calendar import WorkCalendar


class DossierStatus(Choice):
    RECEIVED = "received", "Đã tiếp nhận"
    IN_PROGRESS = "in_progress", "Đang giải quyết"
    WAITING_SUPPLEMENT = "waiting_supplement", "Chờ bổ sung"
    RESULT_READY = "result_ready", "Đã có kết quả"
    RETURNED = "returned", "Đã trả kết quả"
    REFUSED = "refused", "Từ chối giải quyết"
    WITHDRAWN = "withdrawn", "Rút hồ sơ"


OPEN_STATUSES = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.WAITING_SUPPLEMENT}
)
RESOLVED_STATUSES = frozenset({DossierStatus.RESULT_READY, DossierStatus.RETURNED, DossierStatus.REFUSED})


class Channel(Choice):
    DIRECT = "direct", "Trực tiếp"
    POSTAL = "postal", "BCCI"
    ONLINE_PARTIAL = "online_partial", "Trực tuyến một phần"
    ONLINE_FULL = "online_full", "Trực tuyến toàn trình"

    @property
    def online(self) -> bool:
        return self in (Channel.ONLINE_PARTIAL, Channel.ONLINE_FULL)


class EventKind(Choice):
    RECEIVED = "received", "Tiếp nhận hồ sơ"
    TRANSFERRED = "transferred", "Chuyển xử lý"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Yêu cầu bổ sung"
    SUPPLEMENT_RECEIVED = "supplement_received", "Nhận hồ sơ bổ sung"
    RESULT_READY = "result_ready", "Có kết quả"
    REFUSED = "refused", "Từ chối giải quyết"
    RETURNED = "returned", "Trả kết quả"
    WITHDRAWN = "withdrawn", "Rút hồ sơ"
    APOLOGISED = "apologised", "Xin lỗi, hẹn lại ngày trả"
    CORRECTED = "corrected", "Sửa thông tin"
    PRINTED = "printed", "In phiếu"
    NOTE = "note", "Ghi chú"
    UNDONE = "undone", "Hoàn tác"


# The papers issued for one step of a dossier: printed, the step is on paper and is no longer undone.
STEP_OF_PAPER = {
    PaperKind.SUPPLEMENT: EventKind.SUPPLEMENT_REQUESTED,
    PaperKind.REFUSAL_NOTICE: EventKind.REFUSED,
    PaperKind.STOP: EventKind.WITHDRAWN,
}


class Outcome(Choice):
    GRANTED = "granted", "Giải quyết"
    REFUSED = "refused", "Từ chối"


class DocumentKind(Choice):
    ORIGINAL = "original", "Bản chính"
    COPY = "copy", "Bản sao"
    CERTIFIED_COPY = "certified_copy", "Bản sao chứng thực"


class Timeliness(Choice):
    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Trễ hạn"


# The state machine of DOMAIN.md §3: (from, event) → to. Apologies and corrections are events
# that keep the state; they are allowed from the open states.
TRANSITIONS: dict[tuple[DossierStatus, EventKind], DossierStatus] = {
    (DossierStatus.RECEIVED, EventKind.TRANSFERRED): DossierStatus.IN_PROGRESS,
    (DossierStatus.IN_PROGRESS, EventKind.SUPPLEMENT_REQUESTED): DossierStatus.WAITING_SUPPLEMENT,
    (DossierStatus.WAITING_SUPPLEMENT, EventKind.SUPPLEMENT_RECEIVED): DossierStatus.IN_PROGRESS,
    (DossierStatus.IN_PROGRESS, EventKind.RESULT_READY): DossierStatus.RESULT_READY,
    (DossierStatus.IN_PROGRESS, EventKind.REFUSED): DossierStatus.REFUSED,
    (DossierStatus.RESULT_READY, EventKind.RETURNED): DossierStatus.RETURNED,
    (DossierStatus.REFUSED, EventKind.RETURNED): DossierStatus.RETURNED,
    (DossierStatus.RECEIVED, EventKind.WITHDRAWN): DossierStatus.WITHDRAWN,
    (DossierStatus.IN_PROGRESS, EventKind.WITHDRAWN): DossierStatus.WITHDRAWN,
    (DossierStatus.WAITING_SUPPLEMENT, EventKind.WITHDRAWN): DossierStatus.WITHDRAWN,
}
STATE_KEEPING_EVENTS = {
    EventKind.APOLOGISED: OPEN_STATUSES,
    EventKind.CORRECTED: OPEN_STATUSES | {DossierStatus.RESULT_READY},
    EventKind.PRINTED: frozenset(DossierStatus),
    EventKind.NOTE: frozenset(DossierStatus),
}


def next_status(current: DossierStatus, event: EventKind) -> DossierStatus | None:
    """The state after ``event``, or None when the event is not allowed from ``current``."""
    if (current, event) in TRANSITIONS:
        return TRANSITIONS[(current, event)]
    if current in STATE_KEEPING_EVENTS.get(event, ()):
        return current
    return None


def allowed_events(current: DossierStatus) -> list[EventKind]:
    return [event for event in EventKind if event is not EventKind.RECEIVED and next_status(current, event)]


def timeliness(resolved_at: datetime, due_at: datetime) -> Timeliness:
    """DESIGN.md §5: before the due date → early; on the due date and not later → on time; else late."""
    if resolved_at.date() < due_at.date():
        return Timeliness.EARLY
    if resolved_at <= due_at:
        return Timeliness.ON_TIME
    return Timeliness.LATE


@dataclass(frozen=True)
class DossierDocument:
    name: str
    kind: DocumentKind = DocumentKind.COPY
    count: int = 1


class DeskRefusalKind(Choice):
    INCOMPLETE = "incomplete", "Hướng dẫn bổ sung, hoàn thiện (Mẫu 02)"
    NOT_ACCEPTED = "not_accepted", "Từ chối tiếp nhận (Mẫu 03)"


# -- pure helpers of the reception desk ------------------------------------------------------------------

# Longest texts a dossier keeps, whether typed at the desk or imported (they must fit on the receipt).
MAX_LENGTH = {"applicant_name": 200, "address": 500, "note": 1000}

DEFAULT_CODE_PATTERN = "{unit}-{yymmdd}-{seq:04d}"  # Thông tư 01/2018 Điều 19: <unit>-<yymmdd>-<sequence>


def code_pattern(pattern: str) -> str:
    """The unit's dossier code pattern, or the default when it cannot make distinct daily codes."""
    if "{yymmdd" not in pattern or "{seq" not in pattern:
        return DEFAULT_CODE_PATTERN
    try:
        pattern.format(unit="000.00.00.H00", yymmdd="240101", seq=1)
    except (KeyError, IndexError, ValueError, AttributeError):
        return DEFAULT_CODE_PATTERN
    return pattern


def dossier_code(pattern: str, *, unit: str, day: date, seq: int) -> str:
    """``000.21.31.H56-240604-0007``: the code of the ``seq``-th dossier received on ``day``."""
    return code_pattern(pattern).format(unit=unit, yymmdd=day.strftime("%y%m%d"), seq=seq)


def _sessions(calendar: WorkCalendar, day: date) -> list[tuple[datetime, datetime]]:
    """The office sessions of working day ``day`` (one on a Saturday morning)."""
    hours = calendar.office_hours
    sessions = [(datetime.combine(day, hours.morning_start), datetime.combine(day, hours.morning_end))]
    close = calendar.closing_time(day)
    if close.time() > hours.morning_end:
        sessions.append((datetime.combine(day, hours.afternoon_start), close))
    return sessions


def working_seconds_between(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Office seconds from ``start`` to ``end`` (naive local times); 0 when ``end`` is not later."""
    if end <= start:
        return 0
    total = 0
    for day in calendar.working_days(start.date(), end.date()):
        for opening, closing in _sessions(calendar, day):
            span = (min(end, closing) - max(start, opening)).total_seconds()
            if span > 0:
                total += int(span)
    return total


def end_of_session(calendar: WorkCalendar, moment: datetime) -> datetime:
    """The end of the half-day session ``moment`` falls in (the rounding of working-day appointments).

    A moment between sessions belongs to the next one; outside working days, to the next working morning.
    """
    day = moment.date()
    if calendar.is_working_day(day):
        for _opening, closing in _sessions(calendar, day):
            if moment <= closing:
                return closing
    return _sessions(calendar, calendar.next_working_day(day))[0][1]


def in_office_hours(calendar: WorkCalendar, moment: datetime) -> bool:
    """True when ``moment`` is within a session of a working day (its opening and closing included)."""
    if not calendar.is_working_day(moment.date()):
        return False
    return any(opening <= moment <= closing for opening, closing in _sessions(calendar, moment.date()))
