"""TodayService: the desk's work queues for the day (Việc hôm nay), each a register filter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from pathlib import Path

from cchc_desktop.domain.calendar import WorkCalendar
from cchc_desktop.domain.dossiers import DossierStatus
from cchc_desktop.i18n import _
from cchc_desktop.lazy import lazy_import
from cchc_desktop.services.calendar import load_calendar
from cchc_desktop.services.register import RegisterFilter, RegisterService, SortKey
from cchc_desktop.services.settings import SettingsService
from db.handle import Database

# The PDF builders (reportlab) load when the first paper is printed, not at start-up.
tracking = lazy_import("cchc_desktop.reports.tracking")

SOON_WORKING_DAYS = 2
LIST_LIMIT = 200  # dossiers per queue on the printed list


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    filter: RegisterFilter
    count: int


class TodayService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now,
                 calendar: WorkCalendar | None = None) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar or load_calendar(db)
        self.register = RegisterService(db, clock=clock)

    def filters(self) -> list[tuple[str, str, RegisterFilter]]:
        """The queues: (key, Vietnamese title, filter), most urgent first."""
        now = self.clock().replace(second=0, microsecond=0)
        today = now.date()
        start_of_today = datetime.combine(today, time(0, 0))
        start_of_tomorrow = start_of_today + timedelta(days=1)
        soon_day = today
        for _step in range(SOON_WORKING_DAYS):
            soon_day = self.calendar.next_working_day(soon_day)
        soon_end = datetime.combine(soon_day + timedelta(days=1), time(0, 0))
        by_due = RegisterFilter(sort=SortKey.DUE_AT, descending=False)
        return [
            ("overdue", _("Quá hạn"), replace(by_due, overdue=True)),
            ("due_today", _("Đến hạn hôm nay"),
             replace(by_due, due_from=max(now, start_of_today), due_before=start_of_tomorrow)),
            ("due_soon", _("Đến hạn trong {n} ngày làm việc tới").format(n=SOON_WORKING_DAYS),
             replace(by_due, due_from=start_of_tomorrow, due_before=soon_end)),
            ("waiting_supplement", _("Chờ bổ sung"),
             replace(by_due, statuses=(DossierStatus.WAITING_SUPPLEMENT,))),
            ("ready", _("Đã có kết quả, chưa trả"),
             replace(by_due, statuses=(DossierStatus.RESULT_READY, DossierStatus.REFUSED))),
        ]

    def print_list(self, target: Path | None = None, *, per_queue: int = LIST_LIMIT) -> bytes:
        """The morning list as PDF: every queue, up to ``per_queue`` dossiers each (the count says the rest)."""
        sections = []
        for queue in self.queues():
            page = self.register.page(queue.filter, limit=per_queue)
            sections.append(tracking.QueueSection(
                title=queue.title, total=queue.count,
                lines=tuple(tracking.QueueLine(code=row.code, applicant=row.applicant_name,
                                               procedure=row.procedure_name, due_at=row.due_at,
                                               status=row.status.label) for row in page.rows),
            ))
        return tracking.work_list_pdf(sections, SettingsService(self.db).load(), day=self.clock().date(),
                                      target=str(target) if target else None)

    def queues(self) -> list[Queue]:
        return [Queue(key, title, wanted, self.register.count(wanted)) for key, title, wanted in self.filters()]
