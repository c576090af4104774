"""DashboardService: the chair's Tổng quan for a period — headline figures with the change from the period
before, the charts as data (``domain.charts.Chart``), and the records behind a clicked bar.

Every number comes from StatisticsService (one computation of each figure, shared with the report); this
module only chooses, orders and labels them. Headless: the window draws the charts with pyqtgraph.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime

from cchc_desktop import formatting
from cchc_desktop.domain import statistics as rules
from cchc_desktop.domain.charts import Chart, Mark, Series
from cchc_desktop.domain.dashboard import Dashboard, Headline
from cchc_desktop.domain.dossiers import Channel
from cchc_desktop.domain.periods import Period, PeriodError, previous_period
from cchc_desktop.domain.plans import ReformArea
from cchc_desktop.domain.statistics import TaskState
from cchc_desktop.domain.users import Permission
from cchc_desktop.i18n import _
from cchc_desktop.services import sessions
from cchc_desktop.services.record_lists import RECORDS_LIMIT, Records, records_of
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.statistics import DossierFigure, KeyFigures, MonthlySeries, StatisticsService
from db.handle import Database

CHANNEL_COLOURS = {
    Channel.DIRECT: "#1f5fa8", Channel.POSTAL: "#8e6bb8", Channel.ONLINE_PARTIAL: "#2e9e6a",
    Channel.ONLINE_FULL: "#e0a020",
}
STATE_COLOURS = {TaskState.DONE: "#2e9e6a", TaskState.IN_PROGRESS: "#e0a020", TaskState.NOT_STARTED: "#b0b0b0"}
CRITERIA_SHOWN = 8  # the lowest-rated criteria on the chart; the survey page lists them all
# The plan's progress and the service's rates first: the two charts above the fold at 1366×768.
CHART_ORDER = ("plan_progress", "dossier_rates", "plan_areas", "dossiers", "satisfaction", "criteria", "findings")


def _month_label(month: date) -> str:
    return _("T{month}").format(month=month.month)


def _month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def _change(now: float | None, before: float | None, *, percent: bool, up_is_good: bool) -> tuple[str, bool | None]:
    if now is None or before is None:
        return "", None
    delta = now - before
    if abs(delta) < (0.0005 if percent else 0.5):
        return _("= kỳ trước"), None
    arrow = "▲" if delta > 0 else "▼"
    amount = (_("{n} điểm %").format(n=formatting.number(abs(delta) * 100, decimals=1)) if percent
              else formatting.number(abs(delta)))
    return f"{arrow} {amount}", (delta > 0) == up_is_good


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _figures_pool() -> ThreadPoolExecutor:
    """The threads that count the period compared with while the period itself is counted (two cores)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cchc-figures")
        return _pool


class DashboardService:
    """``reader``: a read-only connection for the calling thread (``Office.reader``); given, the period compared
    with is counted on another thread through it, at the same time as the period itself. ``signed_in``: the
    connection whose sign-in the wording follows (the window's, when ``db`` is a reader); ``db`` by default."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now,
                 reader: Callable[[], Database] | None = None, signed_in: Database | None = None) -> None:
        self.db = db
        self.clock = clock
        self.reader = reader
        self.signed_in = signed_in if signed_in is not None else db
        self.statistics = StatisticsService(db, clock=clock)

    def default_period(self) -> Period:
        return self.statistics.working_year()

    def cutoff_of(self, period: Period) -> date:
        """Figures count up to today within a running period, to its end within a past one."""
        return period.counted_to(self.clock().date())

    def summary(self, period: Period, target: str | os.PathLike[str] | None = None) -> bytes:
        """The chair's one-page summary of ``period`` as PDF (aggregates only), written to ``target`` when given."""
        from cchc_desktop.reports.dashboard_summary import summary_pdf  # reportlab loads when first printed

        return summary_pdf(self.build(period), SettingsService(self.db).load(), printed_on=self.clock().date(),
                           target=target)

    def build(self, period: Period) -> Dashboard:
        cutoff = self.cutoff_of(period)
        try:
            previous: Period | None = previous_period(period)
        except PeriodError:
            previous = None
        earlier: Future[KeyFigures] | None = None
        if previous is not None and self.reader is not None:
            earlier = _figures_pool().submit(self._compared_with, previous)
        try:
            monthly = self.statistics.monthly(period=period, cutoff=cutoff)
            now = self.statistics.key_figures(period=period, cutoff=cutoff, months=monthly)
            charts = self._charts(period, cutoff, monthly)
        finally:
            before = earlier.result() if earlier is not None else (
                self._compared_with(previous, self.statistics) if previous is not None else None)
        return Dashboard(period=period, cutoff=cutoff, previous=previous,
                         headlines=self._headlines(now, before), charts=charts)

    def _compared_with(self, previous: Period, statistics: StatisticsService | None = None) -> KeyFigures:
        """The headline figures of the period compared with, on the given statistics or this thread's reader."""
        if statistics is None:
            assert self.reader is not None
            statistics = StatisticsService(self.reader(), clock=self.clock)
        return statistics.key_figures(period=previous, cutoff=previous.date_to)

    # -- headlines ----------------------------------------------------------------------------------------

    @staticmethod
    def _headlines(now: KeyFigures, before: KeyFigures | None) -> tuple[Headline, ...]:
        def line(key: str, label: str, value: str, current: float | None, earlier: float | None, *,
                 percent: bool = True, up_is_good: bool = True, base: str = "") -> Headline:
            change, improved = _change(current, earlier if before is not None else None, percent=percent,
                                       up_is_good=up_is_good)
            return Headline(key, label, value, change, improved, base)

        def of(part: int, whole: int, what: str) -> str:
            return _("{part}/{whole} {what}").format(
                part=formatting.number(part), whole=formatting.number(whole), what=what)

        old = before or now
        return (
            line("plan", _("Nhiệm vụ kế hoạch hoàn thành"),
                 _("{done}/{total}").format(done=formatting.number(now.tasks_done),
                                            total=formatting.number(now.tasks)),
                 formatting.rate(now.tasks_done, now.tasks), formatting.rate(old.tasks_done, old.tasks),
                 base=formatting.percent(formatting.rate(now.tasks_done, now.tasks)) if now.tasks else ""),
            line("on_time", _("Tỷ lệ giải quyết đúng hạn"), formatting.percent(now.on_time_rate), now.on_time_rate,
                 old.on_time_rate, base=of(now.in_time, now.resolved, _("hồ sơ đã giải quyết"))),
            line("online", _("Tỷ lệ nộp trực tuyến"), formatting.percent(now.online_rate), now.online_rate,
                 old.online_rate, base=of(now.received.online, now.online_base, _("hồ sơ"))),
            line("satisfaction", _("Tỷ lệ hài lòng"), formatting.percent(now.satisfaction_rate),
                 now.satisfaction_rate, old.satisfaction_rate,
                 base=of(now.satisfied, now.responses, _("phiếu"))),
            line("overdue", _("Hồ sơ quá hạn chưa giải quyết"), formatting.number(now.overdue), now.overdue,
                 old.overdue, percent=False, up_is_good=False, base=_("tại ngày tính số liệu")),
        )

    # -- charts -------------------------------------------------------------------------------------------

    def _charts(self, period: Period, cutoff: date, monthly: MonthlySeries) -> tuple[Chart, ...]:
        months = monthly.months
        labels = tuple(_month_label(month.month) for month in months)
        keys = tuple(_month_key(month.month) for month in months)
        year = monthly.plan_year
        areas = self.statistics.plan_by_area(year=year, cutoff=cutoff)
        progress = monthly.plan_progress
        projected = monthly.projected_done
        plan_note = ""
        if monthly.plan_total and projected is not None:
            plan_note = _("Với tốc độ hiện nay, đến cuối năm dự kiến hoàn thành {done}/{total} nhiệm vụ ({share}).") \
                .format(done=projected, total=monthly.plan_total,
                        share=formatting.percent(formatting.rate(projected, monthly.plan_total)))
        criteria = sorted((c for c in self.statistics.criterion_averages(period=period, cutoff=cutoff)
                           if c.average is not None),
                          key=lambda c: (c.average, c.code))[:CRITERIA_SHOWN]
        findings = self.statistics.findings_summary(period=period, cutoff=cutoff)
        no_plan = _("Chưa có kế hoạch CCHC năm {year}.").format(year=year)
        if sessions.current(self.signed_in).may(Permission.PLAN):  # the chair is not sent to make one
            no_plan = _("Chưa có kế hoạch CCHC năm {year}: tạo ở trang Kế hoạch CCHC.").format(year=year)
        charts = (
            Chart("plan_areas", _("Tiến độ kế hoạch năm {year} theo lĩnh vực").format(year=year),
                  tuple(f"{a.area.value}. {a.area.label}" for a in areas), tuple(
                      Series(state.value, state.label, tuple(float(getattr(a, state.value)) for a in areas),
                             colour=STATE_COLOURS[state])
                      for state in (TaskState.DONE, TaskState.IN_PROGRESS, TaskState.NOT_STARTED)),
                  horizontal=True, empty_hint=no_plan, category_keys=tuple(str(a.area.value) for a in areas)),
            Chart("plan_progress", _("Nhiệm vụ hoàn thành lũy kế năm {year}").format(year=year),
                  tuple(_month_label(point.month) for point in progress), (
                      Series("done", _("Đã hoàn thành"), tuple(None if p.done is None else float(p.done)
                                                               for p in progress), Mark.LINE, "#2e9e6a"),
                      Series("even_pace", _("Tiến độ đều đến 100% cuối năm"),
                             tuple(p.even_pace for p in progress), Mark.LINE, "#7a7a7a", dashed=True)),
                  empty_hint=no_plan if not monthly.plan_total else "", note=plan_note,
                  category_keys=tuple(_month_key(point.month) for point in progress))
            if monthly.plan_total else Chart("plan_progress", _("Nhiệm vụ hoàn thành lũy kế năm {year}").format(
                year=year), (), empty_hint=no_plan),
            Chart("dossiers", _("Hồ sơ tiếp nhận theo tháng và hình thức nộp"), labels, tuple(
                Series(channel.value, channel.label, tuple(float(m.received.of(channel)) for m in months),
                       colour=CHANNEL_COLOURS[channel])
                for channel in Channel), empty_hint=_("Chưa có hồ sơ tiếp nhận trong kỳ."), category_keys=keys),
            Chart("dossier_rates", _("Tỷ lệ giải quyết đúng hạn và nộp trực tuyến"), labels, (
                Series("on_time", _("Đúng hạn"), tuple(m.on_time_rate for m in months), Mark.LINE, "#1f5fa8"),
                Series("online", _("Trực tuyến"), tuple(m.online_rate for m in months), Mark.LINE, "#2e9e6a")),
                percent=True, empty_hint=_("Chưa có hồ sơ trong kỳ."), category_keys=keys),
            Chart("satisfaction", _("Tỷ lệ hài lòng theo tháng"), labels, (
                Series("rate", _("Hài lòng"), tuple(m.satisfaction_rate for m in months), Mark.LINE, "#c0392b"),),
                percent=True, empty_hint=_("Chưa có phiếu khảo sát trong kỳ."), category_keys=keys),
            Chart("criteria", _("Điểm trung bình theo tiêu chí (thấp nhất trước, thang 1–5)"),
                  tuple(c.text for c in criteria),
                  (Series("average", _("Điểm trung bình"), tuple(c.average for c in criteria), colour="#c0392b"),),
                  horizontal=True, empty_hint=_("Chưa có phiếu khảo sát trong kỳ."),
                  category_keys=tuple(c.code for c in criteria), fixed_scale=5.0),
            Chart("findings", _("Vấn đề phát hiện qua kiểm tra kỷ luật, kỷ cương"), (_("Vấn đề phát hiện"),), (
                Series("remedied", _("Đã khắc phục"), (float(findings.remedied),), colour="#2e9e6a"),
                Series("open", _("Chưa khắc phục, còn hạn"), (float(findings.open - findings.overdue),),
                       colour="#e0a020"),
                Series("overdue", _("Quá hạn khắc phục"), (float(findings.overdue),), colour="#c0392b")),
                horizontal=True, empty_hint=_("Chưa có cuộc kiểm tra nào trong kỳ.")),
        )
        by_key = {chart.key: chart for chart in charts}
        return tuple(by_key[key] for key in CHART_ORDER)

    # -- the records behind a bar -------------------------------------------------------------------------

    def records(self, dashboard: Dashboard, chart_key: str, index: int, series_key: str) -> Records | None:
        """What a click on ``(index, series_key)`` of a chart lists; None where a bar has no records to list."""
        period, cutoff = dashboard.period, dashboard.cutoff
        chart = dashboard.chart(chart_key)
        category = chart.categories[index] if index < len(chart.categories) else ""
        month = date.fromisoformat(chart.category_keys[index] + "-01") if chart_key in (
            "plan_progress", "dossiers", "dossier_rates", "satisfaction") else None
        if chart_key == "plan_areas":
            rows = self.statistics.tasks(year=period.date_to.year, cutoff=cutoff,
                                         area=ReformArea(int(chart.category_keys[index])), state=TaskState(series_key))
            return records_of(_("{state} — {area}").format(state=TaskState(series_key).label, area=category), rows)
        if chart_key == "plan_progress" and month is not None:
            end = rules.month_end(month)
            rows = [row for row in self.statistics.tasks(year=month.year, cutoff=cutoff, state=TaskState.DONE)
                    if row.completed_on is not None and row.completed_on <= end]
            return records_of(_("Nhiệm vụ hoàn thành đến hết tháng {month}").format(month=f"{month:%m/%Y}"), rows)
        if chart_key == "dossiers" and month is not None:
            channel = Channel(series_key)
            lines = self.statistics.dossiers(period=period, cutoff=cutoff, month=month, channel=channel,
                                             figure=DossierFigure.RECEIVED, limit=RECORDS_LIMIT + 1)
            return records_of(_("Hồ sơ tiếp nhận tháng {month}, {channel}").format(
                month=f"{month:%m/%Y}", channel=channel.label.lower()), lines,
                self.statistics.dossiers_received(period=period, cutoff=cutoff, month=month, channel=channel))
        if chart_key == "dossier_rates" and month is not None:
            if series_key == "on_time":
                lines = self.statistics.dossiers(period=period, cutoff=cutoff, month=month,
                                                 figure=DossierFigure.LATE, limit=RECORDS_LIMIT + 1)
                return records_of(_("Hồ sơ giải quyết trễ hạn tháng {month}").format(month=f"{month:%m/%Y}"),
                                      lines)
            lines = [line for channel in (Channel.ONLINE_PARTIAL, Channel.ONLINE_FULL)
                     for line in self.statistics.dossiers(period=period, cutoff=cutoff, month=month, channel=channel,
                                                          figure=DossierFigure.RECEIVED, limit=RECORDS_LIMIT + 1)]
            lines.sort(key=lambda line: line.received_at)
            return records_of(_("Hồ sơ nộp trực tuyến tháng {month}").format(month=f"{month:%m/%Y}"), lines)
        if chart_key == "satisfaction" and month is not None:
            return records_of(_("Phiếu khảo sát chưa hài lòng tháng {month}").format(month=f"{month:%m/%Y}"),
                              self.statistics.surveys(period=period, cutoff=cutoff, month=month, satisfied=False))
        if chart_key == "findings":
            findings = self.statistics.findings(period=period, cutoff=cutoff, open_only=series_key != "remedied",
                                                overdue_only=series_key == "overdue")
            if series_key == "remedied":
                findings = [row for row in findings if row.remedied]
            elif series_key == "open":
                findings = [row for row in findings if not row.overdue]
            return records_of(dict((s.key, s.name) for s in chart.series)[series_key], findings)
        return None
