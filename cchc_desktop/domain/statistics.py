"""Pure rules of the statistics (DESIGN.md §5): task states at a cut-off, the survey method code, the
plan's year-end projection, months of a period. No I/O.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.plans import TaskStatus
from cchc_desktop.domain.surveys import SurveyMethod

# Appendix rows 3.3.3 / 3.3.4 count the fields named so in the catalogue (db/reference/procedures.csv:
# «Đất đai», «Xây dựng»), compared folded: no diacritics, lower case.
LAND_FIELD = "dat dai"
CONSTRUCTION_FIELD = "xay dung"

# Appendix row 1.4.2: the survey method code.
METHOD_ONLINE, METHOD_PAPER, METHOD_BOTH = 0, 1, 2
# A kiosk is an electronic form the citizen fills in on a screen: it counts as online, not as a paper form.
ELECTRONIC_METHODS = frozenset({SurveyMethod.ONLINE, SurveyMethod.KIOSK})


class OnlineRateBase(Choice):
    """What the online rates (``rate.truc_tuyen``, ``rate.toan_trinh``) are counted over: a unit setting.

    The numerator is always the dossiers received online (partly or fully; fully for ``rate.toan_trinh``), the two
    levels of online public service of Nghị định 42/2022/NĐ-CP (trực tuyến một phần / toàn trình). The base:

    - ``offered_online`` (the default): the dossiers received of the procedures that offer the service online
      (partly or fully; fully, for ``rate.toan_trinh``), by the catalogue's «Mức độ DVC», together with any dossier
      received online whatever its procedure's flag says (the rate never exceeds 100 %). This is how the national
      index of Quyết định 766/QĐ-TTg (2022, «Cung cấp dịch vụ trực tuyến», 12 of its 100 points) is computed by the
      provincial one-stop systems: «Tỷ lệ hồ sơ trực tuyến / hồ sơ (trực tuyến + trực tiếp) của TTHC đăng ký trực
      tuyến». **(verify)**: the formula's own text in the decision's annex could not be read here;
    - ``received``: every dossier received in the period (DESIGN.md §5 as first written, and the seeds' «Tỷ lệ nộp
      HS trực tuyến»), for a province that asks the share of all dossiers.

    Each base goes into the JSON with the rate (``hs.mau_so_truc_tuyen``, ``hs.mau_so_toan_trinh``), so that a
    higher level recomputes the rate from the communes' parts.
    """

    OFFERED_ONLINE = "offered_online", "Hồ sơ của thủ tục có cung cấp dịch vụ công trực tuyến (Quyết định 766/QĐ-TTg)"
    RECEIVED = "received", "Tổng số hồ sơ tiếp nhận"


class TaskState(Choice):
    """Where a plan task stood at a cut-off day."""

    DONE = "done", "Hoàn thành"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    NOT_STARTED = "not_started", "Chưa thực hiện"
    CANCELLED = "cancelled", "Không thực hiện"


def task_state(status: TaskStatus, completed_on: date | None, cutoff: date) -> TaskState:
    """Done when completed on or before the cut-off; a task completed later was still under way then."""
    if status is TaskStatus.CANCELLED:
        return TaskState.CANCELLED
    if completed_on is not None and completed_on <= cutoff:
        return TaskState.DONE
    if status is TaskStatus.NOT_STARTED:
        return TaskState.NOT_STARTED
    return TaskState.IN_PROGRESS


def task_overdue(state: TaskState, deadline: date | None, cutoff: date) -> bool:
    """Not done (nor cancelled) at the cut-off and its deadline before the cut-off."""
    return state in (TaskState.IN_PROGRESS, TaskState.NOT_STARTED) and deadline is not None and deadline < cutoff


def done_on_time(completed_on: date | None, deadline: date | None) -> bool | None:
    """Completed on or before its deadline (a task without a deadline is on time); None when not completed."""
    if completed_on is None:
        return None
    return deadline is None or completed_on <= deadline


def survey_method_code(methods: set[SurveyMethod]) -> int | None:
    """1.4.2: 0 online only, 1 paper only, 2 both; None when no response was taken."""
    if not methods:
        return None
    electronic = bool(methods & ELECTRONIC_METHODS)
    paper = SurveyMethod.PAPER in methods
    if electronic and paper:
        return METHOD_BOTH
    return METHOD_PAPER if paper else METHOD_ONLINE


def year_elapsed(year: int, day: date) -> float:
    """The share of ``year`` gone by the end of ``day`` (0 before it starts, 1 after it ends)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if day < first:
        return 0.0
    if day >= last:
        return 1.0
    return ((day - first).days + 1) / ((last - first).days + 1)


def projected_done(done: int, total: int, elapsed: float) -> int | None:
    """Tasks done by year end at the current pace (done ÷ elapsed share of the year), at most ``total``.

    None before the year has started (no pace yet).
    """
    if elapsed <= 0:
        return None
    return min(total, round(done / elapsed))


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month that intersects ``[first, last]``, in order."""
    months: list[date] = []
    current = month_start(first)
    while current <= last:
        months.append(current)
        current = month_end(current) + timedelta(days=1)
    return months
