"""The records behind a figure as a list a screen shows (no personal data): a title, column headers and rows
of text, whatever the records are — dossiers, plan tasks, inspection findings or survey responses.

Used by the dashboard (a clicked bar) and the report (an appendix row opened)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cchc_desktop import formatting
from cchc_desktop.i18n import _
from cchc_desktop.services.register import RegisterFilter
from cchc_desktop.services.statistics import DossierLine, FindingRow, SurveyRow, TaskRow

RECORDS_LIMIT = 1000


@dataclass(frozen=True)
class Records:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    register_filter: RegisterFilter | None = None  # dossiers: the register can show them all
    truncated: bool = False


def records_of(title: str, items: Sequence[object], register_filter: RegisterFilter | None = None) -> Records:
    """``items`` all of one kind (an empty list reads as dossiers); at most RECORDS_LIMIT rows shown."""
    shown = items[:RECORDS_LIMIT]
    first = items[0] if items else None
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    if isinstance(first, TaskRow):
        columns = ("Số TT", "Nội dung nhiệm vụ", "Chủ trì", "Thời hạn", "Tình trạng", "Ngày hoàn thành")
        rows = [(t.number, t.title, t.lead, formatting.short_date(t.deadline), t.status.label,
                 formatting.short_date(t.completed_on)) for t in shown if isinstance(t, TaskRow)]
    elif isinstance(first, FindingRow):
        columns = ("Ngày kiểm tra", "Đối tượng", "Vấn đề", "Hạn khắc phục", "Ngày khắc phục")
        rows = [(formatting.short_date(f.inspected_on), f.subject, f.description,
                 formatting.short_date(f.remedy_deadline), formatting.short_date(f.remedied_on))
                for f in shown if isinstance(f, FindingRow)]
    elif isinstance(first, SurveyRow):
        columns = ("Ngày khảo sát", "Hình thức", "Mức hài lòng chung", "Mã hồ sơ")
        rows = [(formatting.short_date(s.taken_on), s.method.label, str(s.overall), s.dossier_code or "")
                for s in shown if isinstance(s, SurveyRow)]
    else:
        columns = ("Mã hồ sơ", "Thủ tục", "Hình thức nộp", "Tiếp nhận", "Hẹn trả", "Có kết quả", "Trạng thái")
        rows = [(d.code, d.procedure_name, d.channel.label, formatting.date_time(d.received_at),
                 formatting.date_time(d.due_at), formatting.date_time(d.resolved_at), d.status.label)
                for d in shown if isinstance(d, DossierLine)]
    return Records(title, tuple(_(column) for column in columns), tuple(rows), register_filter=register_filter,
                   truncated=len(items) > RECORDS_LIMIT)
