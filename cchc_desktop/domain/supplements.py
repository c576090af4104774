"""The clock of a dossier while the citizen supplements it (DOMAIN.md §3 "Appointment date"; issue 16).

While a dossier waits for the citizen's supplement its clock is stopped: at a cut-off it is neither late («quá
hạn») nor "in progress within time" («đang giải quyết trong hạn»); it is counted as waiting for a supplement
(``hs.cho_bo_sung``) only, in the report, the JSON, the dashboard, the register's overdue filter and the desk's
queues (``db.queries.statistics.WAITING_AT``, ``db.queries.register.RUNNING_STATUSES``).

When the complete supplement arrives, the appointment moves by the procedure's rule (``SupplementRule``, a
column of the catalogue, «Khi bổ sung» in its import):

- **restart** («Tính lại», the default): the full time limit again, counted from the receipt of the complete
  supplement, as from a new receipt;
- **pause** («Tạm dừng»): the time already used counts; what was left of the limit when the supplement was
  asked for is counted on from its receipt (working time for limits in working days or hours, rounded up to the
  end of the half-day session for working days as a first appointment is; the calendar days left for a limit in
  calendar days, ended by ``WorkCalendar.calendar_deadline``).

Legal ground of the default **(verify)**. Neither decree's text could be read while this was written (no public
copy of Nghị định 118/2025/NĐ-CP, nor of Nghị định 61/2018/NĐ-CP, was reachable from here), so no article number
is given. What is recalled, unverified: Nghị định 61/2018/NĐ-CP (the one-stop decree until 30/6/2025, amended by
Nghị định 107/2021/NĐ-CP) has the handling body return an incomplete dossier with a written request for
completion and says the time limit «được tính lại từ đầu sau khi nhận đủ hồ sơ» — *restart*; Nghị định
118/2025/NĐ-CP (in force from 1/7/2025, guided by Thông tư 03/2025/TT-VPCP, whose Mẫu 02 is the request) replaced
it, and whether it keeps that sentence is not confirmed. A procedure whose own legal text says the time to
supplement «không tính vào thời hạn giải quyết» is *pause*; the national catalogue's entry of the procedure says
which, and the unit sets it per procedure. DOMAIN.md calls *pause* "the long-standing rule of the one-stop
decrees"; the sentence recalled above says the opposite, which is why the default stays *restart* (as the
catalogue's schema has had it since m0001) until the text of Nghị định 118/2025 is checked.

Pure: no SQL, no Qt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time

from cchc_desktop.domain.calendar import WorkCalendar
from cchc_desktop.domain.catalogue import SupplementRule, TimeLimitUnit
from cchc_desktop.domain.dossiers import end_of_session, working_seconds_between
from cchc_desktop.i18n import _

DEFAULT_RULE = SupplementRule.RESTART


@dataclass(frozen=True)
class Resumed:
    """The appointment after a supplement round, why (one line for the desk), and what the event keeps."""

    at: datetime
    explanation: str
    data: dict[str, object] = field(default_factory=dict)


def resumed_due(
    calendar: WorkCalendar, *, rule: SupplementRule, limit: int, unit: TimeLimitUnit, cutoff: time | None,
    back: datetime, requested_at: datetime | None, due_before: datetime, remaining: int | None = None,
) -> Resumed:
    """The appointment once the complete supplement is received at ``back``.

    ``due_before`` is the appointment when the supplement was asked for (at ``requested_at``; None: unknown, taken
    as ``back``); ``remaining`` the office seconds left then (``working_seconds_between``), when the request
    recorded them (else recomputed).
    """
    if rule is SupplementRule.RESTART:
        due = calendar.due_at(back, limit, unit, cutoff)
        return Resumed(due.at, _("Tính lại từ khi nhận hồ sơ bổ sung: {reason}").format(reason=due.explanation),
                       {"rule": SupplementRule.RESTART.value})
    asked = requested_at or back
    if unit is TimeLimitUnit.CALENDAR_DAYS:  # the calendar days left when it was asked, from the return
        days = max(0, (due_before.date() - asked.date()).days)
        text = _("Tạm dừng khi yêu cầu bổ sung, còn {days} ngày, tính tiếp từ khi nhận hồ sơ bổ sung").format(
            days=days)
        return Resumed(calendar.calendar_deadline(back.date(), days), text,
                       {"rule": SupplementRule.PAUSE.value, "remaining_days": days})
    if remaining is None:
        remaining = working_seconds_between(calendar, asked, due_before)
    minutes = math.ceil(remaining / 60)
    due_at = calendar.add_working_minutes(back, minutes)
    if unit is TimeLimitUnit.WORKING_DAYS:
        due_at = end_of_session(calendar, due_at)
    hours, rest = divmod(minutes, 60)
    text = _("Tạm dừng khi yêu cầu bổ sung, còn {hours} giờ {minutes} phút làm việc, tính tiếp từ khi nhận "
             "hồ sơ bổ sung").format(hours=hours, minutes=f"{rest:02d}")
    return Resumed(due_at, text, {"rule": SupplementRule.PAUSE.value, "remaining_seconds": remaining})

