"""StatisticsService: every figure of DESIGN.md §5 for a period, month by month for the dashboard, and the
records behind each figure. The periodic report (its appendix, its sentences, its JSON) and the dashboard
both count here, so that they never disagree.

Decisions where the rules are silent:
- Counting stops at the cut-off: dossiers, surveys, directives and inspections are counted from the period's
  first day to ``min(last day, cut-off)`` ("counted to"); "in progress", "overdue" and "waiting for a
  supplement" are the state at the end of that day; a cut-off after the period only lets plan tasks and
  findings done after the period's end count (done / resolved "by the cut-off").
- "In progress at the cut-off" (``hs.dang_giai_quyet`` = to handle − resolved − withdrawn) splits into three
  parts that never overlap (issue 16): waiting for a supplement (``hs.cho_bo_sung``: the last supplement
  request before the cut-off's end not followed by the supplement; its clock is stopped, ``domain.supplements``),
  overdue (``hs.qua_han``) and not yet due (``hs.chua_den_han``). A dossier waiting now with no request in its
  history (an import of before, a file without «Ngày yêu cầu bổ sung») counts as waiting since its receipt.
- Overdue dossiers are judged against the appointment as it stood at the cut-off: the stored ``due_at`` (an
  apology does not move it), or the one a supplement received after the cut-off replaced (its event keeps it).
- Resolved (``hs.da_giai_quyet``) counts every dossier resolved in the period; a refusal after processing
  (``hs.tu_choi``) is counted on its own line and has no timeliness: 3.3.2 and its parts (early, on time, late)
  count the dossiers resolved with a result (``hs.co_ket_qua`` = resolved − refused), and the on-time rate is
  3.3.2 over those (a refusal on time is no "resolved on time", nor a late one).
- Online rates: the dossiers received online over the base the unit chose (``domain.statistics.OnlineRateBase``:
  by default those of the procedures that offer the service online, Quyết định 766/QĐ-TTg, **verify**), the
  base written beside the rate in the JSON (``hs.mau_so_truc_tuyen``, ``hs.mau_so_toan_trinh``).
- Plan (1.1.x, 1.3.x): the plan of the year of the period's last day. Cancelled tasks (Không thực hiện)
  are left out of every count but their own; 1.1.1 counts every other task of the plan, those assigned by
  the higher level included, and 1.3.1 those assigned by the higher level again. A task without a deadline
  that is done counts as done on time.
- 1.4.2: a kiosk response is electronic and counts as online (0); paper and kiosk/online together give 2.
- 1.2.1 counts distinct subjects (units and officials, compared without case or diacritics). 5.4.2: the
  departments and officials of the commune's declared list (``InspectionService.declare_subjects``) inspected in
  the period, over that list (``ktra.don_vi_kiem_tra`` / ``ktra.don_vi``); in percent, None while no list is
  declared. A subject inspected but not on the list counts in 1.2.1, not in 5.4.2.
- 5.4.5 / 5.4.6: distinct officials (by name; a finding without a name counts alone) given a disciplinary
  measure (khiển trách or heavier; not nhắc nhở, kiểm điểm) on a finding of an inspection of the period.
- 3.1.3, 3.2.1–3.2.3, 3.4.3, 7.5.1, 7.5.2: the catalogue's procedures in force on the counted end (active, not
  abolished by then, published by then when a date is known), from their flags (3.4.3: the fee can be paid
  online). 3.3.3 / 3.3.4: dossiers of the fields named «Đất đai» / «Xây dựng» resolved early or on time.
- 3.2.6: the procedures for which a dossier of a resident of another commune (``home_commune``, Nghị định
  118/2025) was received in the period; those dossiers are ``hs.khong_dia_gioi``, and the dossiers received in the
  period that were handed to another unit ``hs.chuyen_don_vi_khac`` (both counted by the day of receipt).
- Fees (``fees``): the dossiers received in the period with a fee recorded, by field; a fee has no date of its
  own, it counts with its dossier's receipt (lệ phí is paid when the dossier is filed). The online-payment
  share is the dossiers paid online over those paid at the desk or online (exempted ones have no payment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from cchc_desktop.domain import statistics as rules
from cchc_desktop.domain.dossiers import Channel, DossierStatus
from cchc_desktop.domain.fees import FeeCounts, FeeTotals
from cchc_desktop.domain.figures import (
    CatalogueFigures,
    ChannelCounts,
    CriterionAverage,
    DossierFigure,
    DossierFigures,
    Figures,
    InspectionFigures,
    PlanFigures,
    SurveyFigures,
    SurveyGroup,
)
from cchc_desktop.domain.inspections import Measure, inspected_share
from cchc_desktop.domain.periods import Period, parse_period
from cchc_desktop.domain.plans import ReformArea, TaskSource, TaskStatus
from cchc_desktop.domain.statistics import TaskState
from cchc_desktop.domain.surveys import SATISFIED_FROM, SurveyMethod
from cchc_desktop.errors import ValidationError
from cchc_desktop.formatting import rate
from cchc_desktop.i18n import _
from cchc_desktop.services.inspections import InspectionService
from cchc_desktop.services.register import RegisterFilter
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.text import fold
from db.handle import Database
from db.queries import dossiers as dossier_queries
from db.queries import statistics as queries

# -- the dashboard -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceCounts:
    """What the dashboard's three service rates are made of, for a period or one of its months (counted as in
    ``Figures.rates``)."""

    received: ChannelCounts
    resolved: int  # resolved with a result (refusals after processing left out)
    in_time: int  # of those, early or on time
    responses: int
    satisfied: int
    online_base: int  # the base of the online rate (OnlineRateBase)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.in_time, self.resolved)

    @property
    def online_rate(self) -> float | None:
        return rate(self.received.online, self.online_base)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.responses)


@dataclass(frozen=True)
class KeyFigures(ServiceCounts):
    """The dashboard's headline figures, counted exactly as in ``Figures`` but without the rest."""

    overdue: int  # open at the end of the counted window, not waiting for a supplement, and due before it
    tasks: int
    tasks_done: int


@dataclass(frozen=True)
class MonthFigures(ServiceCounts):
    month: date  # its first day
    date_from: date  # the part of the month counted
    date_to: date


@dataclass(frozen=True)
class PlanPoint:
    month: date  # its first day
    done: int | None  # tasks done by the month's end (None for months after the cut-off)
    even_pace: float  # what an even pace over the year would have done by then


@dataclass(frozen=True)
class MonthlySeries:
    months: tuple[MonthFigures, ...]
    plan_year: int
    plan_total: int  # tasks of the year's plan, cancelled ones left out
    plan_progress: tuple[PlanPoint, ...]  # January to December
    projected_done: int | None


@dataclass(frozen=True)
class AreaProgress:
    area: ReformArea
    done: int
    in_progress: int
    not_started: int
    cancelled: int
    overdue: int

    @property
    def planned(self) -> int:
        return self.done + self.in_progress + self.not_started


@dataclass(frozen=True)
class FindingSummary:
    findings: int
    remedied: int
    open: int
    overdue: int  # of the open ones: remedy deadline before the cut-off


# -- the records behind a figure -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierLine:
    """A dossier as a figure's list shows it (no applicant data: open it in the register for those)."""

    id: int
    code: str
    procedure_code: str
    procedure_name: str
    field_name: str
    channel: Channel
    received_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    withdrawn_at: datetime | None
    status: DossierStatus


@dataclass(frozen=True)
class TaskRow:
    id: int
    number: str
    title: str
    area: ReformArea
    source: TaskSource
    lead: str
    deadline: date | None
    status: TaskStatus  # as recorded now
    completed_on: date | None
    state: TaskState  # at the cut-off
    overdue: bool  # at the cut-off
    on_time: bool | None  # done on or before its deadline; None when not done by the cut-off


@dataclass(frozen=True)
class FindingRow:
    id: int
    inspection_id: int
    inspected_on: date
    subject: str
    description: str
    remedy_deadline: date | None
    remedied_on: date | None  # as recorded (possibly after the cut-off)
    remedied: bool  # on or before the cut-off
    overdue: bool  # not remedied at the cut-off, deadline before it
    measure: Measure | None


@dataclass(frozen=True)
class SurveyRow:
    id: int
    taken_on: date
    method: SurveyMethod
    overall: int
    dossier_code: str | None

    @property
    def satisfied(self) -> bool:
        return self.overall >= SATISFIED_FROM


# -- helpers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """The days counted, ``[first, last]``, and the cut-off."""

    first: date
    last: date
    cutoff: date

    @property
    def start(self) -> str:
        return self.first.isoformat()

    @property
    def before(self) -> str:
        return (self.last + timedelta(days=1)).isoformat()


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _month_key(day: date) -> str:
    return day.isoformat()[:7]


def _sum_by(rows: Iterable[Mapping[str, Any]], key: str, value: str) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + (row[value] or 0)
    return totals


class StatisticsService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now) -> None:
        self.db = db
        self.clock = clock

    def working_year(self) -> Period:
        """The year the screens open on: this year; or, when nothing was received this year yet, the year of
        the latest dossier (a database of past years, the demo)."""
        today = self.clock().date()
        latest = dossier_queries.latest_received_year(self.db, before=f"{today.year + 1}")
        year = today.year if latest is None or latest == today.year else latest
        return parse_period(str(year))

    # -- windows ---------------------------------------------------------------------------------------------

    @staticmethod
    def _window(period: Period, cutoff: date | None, month: date | None = None) -> _Window:
        cutoff = cutoff or period.date_to
        if cutoff < period.date_from:
            raise ValidationError({"cutoff": _("Ngày chốt số liệu ({cutoff}) không được trước ngày đầu kỳ ({first}).")
                                   .format(cutoff=f"{cutoff:%d/%m/%Y}", first=f"{period.date_from:%d/%m/%Y}")})
        first, last = period.date_from, min(period.date_to, cutoff)
        if month is not None:
            first, last = max(first, rules.month_start(month)), min(last, rules.month_end(month))
            if first > last:
                raise ValidationError({"month": _("Tháng {month} nằm ngoài kỳ báo cáo.").format(
                    month=f"{month:%m/%Y}")})
        return _Window(first, last, cutoff)

    def _online_base(self) -> str:
        """The unit's base of the online rates (``OnlineRateBase``)."""
        return SettingsService(self.db).load().online_rate_base

    def _year_cutoff(self, year: int, cutoff: date | None) -> date:
        """The given cut-off, or today (at most the year's last day)."""
        return cutoff or min(self.clock().date(), date(year, 12, 31))

    # -- the report's figures --------------------------------------------------------------------------------

    def figures(self, *, period: Period, cutoff: date | None = None) -> Figures:
        """Every figure of DESIGN.md §5 for ``period``, counted to its last day or the cut-off."""
        window = self._window(period, cutoff)
        return Figures(
            period=period, counted_to=window.last, cutoff=window.cutoff,
            dossiers=self._dossier_figures(window),
            plan=self._plan_figures(window),
            surveys=self._survey_figures(window),
            inspections=self._inspection_figures(window),
            catalogue=CatalogueFigures(**queries.catalogue(self.db, day=window.last.isoformat())),
        )

    def _dossier_figures(self, window: _Window) -> DossierFigures:
        start, before = window.start, window.before
        received = queries.received(self.db, start=start, before=before, online_base=self._online_base())
        resolved = queries.resolved(self.db, start=start, before=before)
        in_progress, overdue, waiting = queries.open_at(self.db, moment=before, due_before=before)
        fields = queries.on_time_in_fields(self.db, start=start, before=before,
                                           fields=[rules.LAND_FIELD, rules.CONSTRUCTION_FIELD])
        boundary = queries.boundary(self.db, start=start, before=before)
        by_channel = {row["channel"]: row for row in resolved}
        early, late = sum(row["early"] for row in resolved), sum(row["late"] for row in resolved)
        refused = sum(row["refused"] for row in resolved)
        return DossierFigures(
            received=ChannelCounts.of_mapping(received),
            carried_over=queries.open_count(self.db, moment=start),
            resolved=ChannelCounts.of_mapping({key: row["resolved"] for key, row in by_channel.items()}),
            in_time=ChannelCounts.of_mapping({key: row["in_time"] for key, row in by_channel.items()}),
            early=early, on_time=sum(row["resolved"] for row in resolved) - refused - early - late, late=late,
            refused=refused, online_base=received["offered"], full_online_base=received["offered_full"],
            in_progress=in_progress, overdue=overdue, waiting_supplement=waiting or 0,
            withdrawn=queries.withdrawn(self.db, start=start, before=before),
            apologies=queries.apologies(self.db, start=start, before=before),
            digitized=received["digitized"],
            in_time_land=fields.get(rules.LAND_FIELD, 0),
            in_time_construction=fields.get(rules.CONSTRUCTION_FIELD, 0),
            boundary_free=boundary["boundary_free"], boundary_free_procedures=boundary["procedures"],
            transferred_out=boundary["transferred"],
        )

    def fees(self, *, period: Period, cutoff: date | None = None) -> FeeTotals:
        """The fees recorded on the dossiers received in ``period`` (to the cut-off), by field and overall, with
        the online-payment share (``FeeCounts.online_share``)."""
        window = self._window(period, cutoff)
        rows = queries.fees(self.db, start=window.start, before=window.before)
        return FeeTotals(period=period, counted_to=window.last, fields=tuple(
            FeeCounts(field=row["field"], recorded=row["recorded"], paid=row["paid"], amount=row["amount"],
                      exempted=row["exempted"], desk=row["desk"], online=row["online"]) for row in rows))

    def _plan_figures(self, window: _Window) -> PlanFigures:
        year = window.last.year
        rows = self._task_rows(year, window.cutoff)
        planned = [row for row in rows if row.state is not TaskState.CANCELLED]
        higher = [row for row in planned if row.source is TaskSource.HIGHER_LEVEL]
        done = sum(row.state is TaskState.DONE for row in planned)
        return PlanFigures(
            year=year, tasks=len(planned), done=done,
            in_progress=sum(row.state is TaskState.IN_PROGRESS for row in planned),
            not_started=sum(row.state is TaskState.NOT_STARTED for row in planned),
            cancelled=len(rows) - len(planned),
            overdue=sum(row.overdue for row in planned),
            higher_level=len(higher),
            higher_done_on_time=sum(row.on_time is True for row in higher),
            higher_done_late=sum(row.on_time is False for row in higher),
            directives=queries.directives(self.db, start=window.start, before=window.before),
            projected_done=rules.projected_done(done, len(planned), rules.year_elapsed(year, window.cutoff)),
        )

    def _survey_figures(self, window: _Window) -> SurveyFigures:
        rows = queries.surveys(self.db, start=window.start, before=window.before, satisfied_from=SATISFIED_FROM)
        by_method = _sum_by(rows, "method", "responses")
        return SurveyFigures(
            responses=sum(by_method.values()),
            paper=by_method.get(SurveyMethod.PAPER.value, 0),
            online=by_method.get(SurveyMethod.ONLINE.value, 0),
            kiosk=by_method.get(SurveyMethod.KIOSK.value, 0),
            satisfied=sum(row["satisfied"] for row in rows),
            method_code=rules.survey_method_code({SurveyMethod(method) for method, n in by_method.items() if n}),
            criteria=self._criteria(window),
        )

    def _inspection_figures(self, window: _Window) -> InspectionFigures:
        inspections = queries.inspections(self.db, start=window.start, before=window.before)
        raw = queries.findings(self.db, start=window.start, before=window.before)
        findings = [_finding_row(row, window.cutoff) for row in raw]
        declared = InspectionService(self.db).subjects_to_inspect()
        units_inspected, units_known = inspected_share(declared, {fold(row["subject"]) for row in inspections})
        disciplined: dict[str, bool] = {}
        for row in raw:
            if row["measure"] and Measure(row["measure"]).disciplinary:
                who = fold(row["official_name"]) or f"#{row['id']}"
                disciplined[who] = disciplined.get(who, False) or bool(row["official_is_leader"])
        return InspectionFigures(
            inspections=len(inspections),
            subjects=len({fold(row["subject"]) for row in inspections}),
            findings=len(findings),
            findings_resolved=sum(row.remedied for row in findings),
            findings_overdue=sum(row.overdue for row in findings),
            units_inspected=units_inspected,
            units_known=units_known,
            leaders_disciplined=sum(disciplined.values()),
            officials_disciplined=sum(not leader for leader in disciplined.values()),
        )

    def _criteria(self, window: _Window) -> tuple[CriterionAverage, ...]:
        return tuple(
            CriterionAverage(criterion_id=row["id"], code=row["code"], aspect=row["aspect"],
                             aspect_name=row["aspect_name"], text=row["text"], answers=row["answers"],
                             average=row["average"])
            for row in queries.criterion_averages(self.db, start=window.start, before=window.before)
        )

    # -- the dashboard ---------------------------------------------------------------------------------------

    def key_figures(self, *, period: Period, cutoff: date | None = None,
                    months: MonthlySeries | None = None) -> KeyFigures:
        """The headline figures of ``period`` (a third of the work of ``figures``). Given the period's ``months``
        (``monthly``, same period and cut-off), the counts are their sums: the months part the period, each
        counted as the whole is (a test compares both ways), and the dashboard reads the dossiers once."""
        window = self._window(period, cutoff)
        start, before = window.start, window.before
        _open, overdue, _waiting = queries.open_at(self.db, moment=before, due_before=before, waiting=False)
        plan = self._plan_figures(window)
        if months is not None:
            parts = months.months
            counts = ServiceCounts(
                received=ChannelCounts(**{channel.value: sum(m.received.of(channel) for m in parts)
                                          for channel in Channel}),
                online_base=sum(m.online_base for m in parts), resolved=sum(m.resolved for m in parts),
                in_time=sum(m.in_time for m in parts), responses=sum(m.responses for m in parts),
                satisfied=sum(m.satisfied for m in parts))
        else:
            resolved, in_time = queries.resolved_totals(self.db, start=start, before=before)
            surveys = queries.surveys(self.db, start=start, before=before, satisfied_from=SATISFIED_FROM)
            received = queries.received(self.db, start=start, before=before, digitized=False,
                                        online_base=self._online_base())
            counts = ServiceCounts(
                received=ChannelCounts.of_mapping(received), online_base=received["offered"], resolved=resolved,
                in_time=in_time, responses=sum(row["responses"] for row in surveys),
                satisfied=sum(row["satisfied"] for row in surveys))
        return KeyFigures(**{name: getattr(counts, name) for name in ServiceCounts.__dataclass_fields__},
                          overdue=overdue, tasks=plan.tasks, tasks_done=plan.done)

    def monthly(self, *, period: Period, cutoff: date | None = None) -> MonthlySeries:
        """Month by month over the period (each month cut to the counted days), and the year's plan progress."""
        window = self._window(period, cutoff)
        surveys = queries.surveys(self.db, start=window.start, before=window.before, satisfied_from=SATISFIED_FROM)
        base = self._online_base()
        months = []
        for month in rules.months_between(window.first, window.last):
            part = self._window(period, window.cutoff, month)
            received = queries.received(self.db, start=part.start, before=part.before, digitized=False,
                                        online_base=base)
            resolved, in_time = queries.resolved_totals(self.db, start=part.start, before=part.before)
            asked = [row for row in surveys if row["month"] == _month_key(month)]
            months.append(MonthFigures(
                month=month, date_from=part.first, date_to=part.last, online_base=received["offered"],
                received=ChannelCounts.of_mapping(received), resolved=resolved, in_time=in_time,
                responses=sum(row["responses"] for row in asked),
                satisfied=sum(row["satisfied"] for row in asked),
            ))
        year = window.last.year
        planned = [row for row in self._task_rows(year, window.cutoff) if row.state is not TaskState.CANCELLED]
        done_on = sorted(row.completed_on for row in planned if row.state is TaskState.DONE and row.completed_on)
        progress = []
        for month in rules.months_between(date(year, 1, 1), date(year, 12, 31)):
            end = rules.month_end(month)
            reached = None if month > window.cutoff else sum(day <= end for day in done_on)
            progress.append(PlanPoint(month=month, done=reached,
                                      even_pace=len(planned) * rules.year_elapsed(year, end)))
        return MonthlySeries(
            months=tuple(months), plan_year=year, plan_total=len(planned), plan_progress=tuple(progress),
            projected_done=rules.projected_done(len(done_on), len(planned), rules.year_elapsed(year, window.cutoff)),
        )

    def plan_by_area(self, *, year: int, cutoff: date | None = None) -> tuple[AreaProgress, ...]:
        """Per reform area (all seven, in order): tasks done / in progress / not started at the cut-off
        (today by default), cancelled apart, and the overdue ones."""
        rows = self._task_rows(year, self._year_cutoff(year, cutoff))
        return tuple(
            AreaProgress(
                area=area,
                done=sum(row.area is area and row.state is TaskState.DONE for row in rows),
                in_progress=sum(row.area is area and row.state is TaskState.IN_PROGRESS for row in rows),
                not_started=sum(row.area is area and row.state is TaskState.NOT_STARTED for row in rows),
                cancelled=sum(row.area is area and row.state is TaskState.CANCELLED for row in rows),
                overdue=sum(row.area is area and row.overdue for row in rows),
            )
            for area in ReformArea
        )

    def criterion_averages(self, *, period: Period, cutoff: date | None = None) -> tuple[CriterionAverage, ...]:
        """The average score of each survey criterion over the period, in the questionnaire's order."""
        return self._criteria(self._window(period, cutoff))

    def surveys_by(self, group: str, *, period: Period, cutoff: date | None = None) -> tuple[SurveyGroup, ...]:
        """Responses of the period per procedure field (``group="field"``) or per desk officer who received
        the dossier (``"officer"``), the largest first; responses naming no dossier last, with an empty name."""
        window = self._window(period, cutoff)
        rows = queries.surveys_by(self.db, group, start=window.start, before=window.before,
                                  satisfied_from=SATISFIED_FROM)
        return tuple(SurveyGroup(row["name"] or "", row["responses"], row["satisfied"], row["average"])
                     for row in rows)

    def findings_summary(self, *, period: Period, cutoff: date | None = None) -> FindingSummary:
        """The findings of the period's inspections: remedied by the cut-off, still open, open and overdue."""
        rows = self._finding_rows(self._window(period, cutoff))
        remedied = sum(row.remedied for row in rows)
        return FindingSummary(findings=len(rows), remedied=remedied, open=len(rows) - remedied,
                              overdue=sum(row.overdue for row in rows))

    # -- the records behind the figures ----------------------------------------------------------------------

    def dossiers_received(self, *, period: Period, cutoff: date | None = None, month: date | None = None,
                          channel: Channel | None = None) -> RegisterFilter:
        """The register's filter for the dossiers received in the period (or one of its months)."""
        window = self._window(period, cutoff, month)
        return RegisterFilter(received_from=window.first, received_to=window.last, channel=channel)

    def dossiers(
        self, *, period: Period, figure: DossierFigure, cutoff: date | None = None, month: date | None = None,
        channel: Channel | None = None, field: str | None = None, limit: int | None = None,
    ) -> list[DossierLine]:
        """The dossiers behind ``figure`` for the period (or one of its months), oldest receipt first.

        Open dossiers are those open at the start of the window (carried over) or at its end (in progress and
        its parts). ``field`` is a folded field name (``rules.LAND_FIELD`` for 3.3.3).
        """
        window = self._window(period, cutoff, month)
        moment = window.start if figure is DossierFigure.CARRIED_OVER else window.before
        rows = queries.dossier_lines(self.db, figure.value, start=window.start, before=window.before, moment=moment,
                                     channel=channel.value if channel else None, field=field, limit=limit)
        return [
            DossierLine(
                id=row["id"], code=row["code"], procedure_code=row["procedure_code"],
                procedure_name=row["procedure_name"], field_name=row["field_name"], channel=Channel(row["channel"]),
                received_at=datetime.fromisoformat(row["received_at"]), due_at=datetime.fromisoformat(row["due_at"]),
                resolved_at=_moment(row["resolved_at"]), withdrawn_at=_moment(row["withdrawn_at"]),
                status=DossierStatus(row["status"]),
            )
            for row in rows
        ]

    def tasks(
        self, *, year: int, cutoff: date | None = None, area: ReformArea | None = None,
        state: TaskState | None = None, source: TaskSource | None = None, overdue: bool | None = None,
    ) -> list[TaskRow]:
        """The tasks of the plan of ``year`` as they stood at the cut-off (today by default), filtered."""
        return [
            row for row in self._task_rows(year, self._year_cutoff(year, cutoff))
            if (area is None or row.area is area) and (state is None or row.state is state)
            and (source is None or row.source is source) and (overdue is None or row.overdue is overdue)
        ]

    def findings(self, *, period: Period, cutoff: date | None = None, open_only: bool = False,
                 overdue_only: bool = False) -> list[FindingRow]:
        """The findings of the period's inspections (only those still open, or open and overdue, at the cut-off)."""
        rows = self._finding_rows(self._window(period, cutoff))
        return [row for row in rows if (not open_only or not row.remedied) and (not overdue_only or row.overdue)]

    def surveys(self, *, period: Period, cutoff: date | None = None, month: date | None = None,
                method: SurveyMethod | None = None, satisfied: bool | None = None) -> list[SurveyRow]:
        """The survey responses of the period (or one of its months), oldest first."""
        window = self._window(period, cutoff, month)
        rows = queries.survey_lines(self.db, start=window.start, before=window.before,
                                    method=method.value if method else None, satisfied_from=SATISFIED_FROM,
                                    satisfied=satisfied)
        return [SurveyRow(id=row["id"], taken_on=date.fromisoformat(row["taken_on"]),
                          method=SurveyMethod(row["method"]), overall=row["overall"],
                          dossier_code=row["dossier_code"]) for row in rows]

    def _task_rows(self, year: int, cutoff: date) -> list[TaskRow]:
        rows = []
        for row in queries.plan_tasks(self.db, year=year):
            status, deadline, completed = TaskStatus(row["status"]), _day(row["deadline"]), _day(row["completed_on"])
            state = rules.task_state(status, completed, cutoff)
            rows.append(TaskRow(
                id=row["id"], number=row["number"], title=row["title"], area=ReformArea(row["area"]),
                source=TaskSource(row["source"]), lead=row["lead"] or "", deadline=deadline, status=status,
                completed_on=completed, state=state, overdue=rules.task_overdue(state, deadline, cutoff),
                on_time=rules.done_on_time(completed, deadline) if state is TaskState.DONE else None,
            ))
        return rows

    def _finding_rows(self, window: _Window) -> list[FindingRow]:
        return [_finding_row(row, window.cutoff)
                for row in queries.findings(self.db, start=window.start, before=window.before)]


def _finding_row(row: Mapping[str, Any], cutoff: date) -> FindingRow:
    deadline, remedied_on = _day(row["remedy_deadline"]), _day(row["remedied_on"])
    remedied = remedied_on is not None and remedied_on <= cutoff
    return FindingRow(
        id=row["id"], inspection_id=row["inspection_id"], inspected_on=date.fromisoformat(row["inspected_on"]),
        subject=row["subject"], description=row["description"], remedy_deadline=deadline,
        remedied_on=remedied_on, remedied=remedied,
        overdue=not remedied and deadline is not None and deadline < cutoff,
        measure=Measure(row["measure"]) if row["measure"] else None,
    )
