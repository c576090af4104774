"""Score766Service: the commune's own Quyết định 766 score for a period (issue 21) — every indicator the records
can tell, the groups' points and the total, the change from the period before, and a ranked list of what would
raise the score most, each with the records behind it. The formulas, their sources and what is not public are
written in ``domain.score766``; the counts are those of the report (``db.queries.score766`` reuses its terms).

What each computed ratio counts, for the period counted to its cut-off (a running period: to today, as the
dashboard; a past one: to its last day):
- ``on_time`` (Tiến độ giải quyết): (dossiers resolved in the period with a result, early or on time + dossiers
  in progress at the cut-off and not overdue) / (dossiers resolved in the period with a result + in progress at
  the cut-off). Resolved, on time, refused, in progress and overdue are the report's (DESIGN.md §5): a refusal
  after processing has no timeliness and is left out; a dossier waiting for a supplement has its clock stopped
  and counts as within time.
- ``procedures_online``: procedures in force with an online level / procedures in force (the report's 7.5.x over
  3.1.3). ``online_procedures_used``: of those with an online level, the ones with a dossier received online in
  the period. ``dossiers_online``: dossiers received online / every dossier received in the period (the 766
  definition: not the unit's own base of the report's online rate).
- ``dossiers_paid_online``: dossiers received in the period paid online / those with a payment recorded (at the
  desk or online; an exemption is no payment). ``fee_procedures_paid_online`` / ``fee_procedures_offering``: of
  the procedures in force with a fee (``fee_amount`` > 0), those with a dossier of the period paid online / those
  marked as payable online.
- ``satisfaction``: survey responses of the period rated 4 or 5 overall / responses (the report's rate).
- ``results_digitized``: dossiers resolved in the period with a result whose result is digitised / those resolved;
  ``dossiers_digitized``: dossiers received in the period digitised / received (the report's ``rate.so_hoa``).
- ``catalogue_complete``: procedures in force whose catalogue entry has its document checklist and its fee /
  procedures in force.

Suggestions: for each computed indicator short of full points, the action that gives them (digitise the missing
results; offer the service online; …) with the count of records it takes and the points the total gains
(``domain.score766.gain``); and, within a running period, the dossiers open and due in the next working days
(the unit's calendar): the points at stake if they go late. Ranked by points, the largest first; those worth
less than 0.05 point (shown «+0,0») left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from cchc_desktop import formatting
from cchc_desktop.domain.dossiers import Channel, DossierStatus
from cchc_desktop.domain.periods import Period, PeriodError, previous_period
from cchc_desktop.domain.score766 import (
    EPSILON,
    FORMAT,
    MEASURES,
    Ratio,
    Scheme,
    Score,
    Suggestion,
    change,
    default,
    gain,
    needed_for_target,
    score,
)
from cchc_desktop.domain.surveys import SATISFIED_FROM
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.calendar import load_calendar
from cchc_desktop.services.dashboard import _figures_pool  # the dashboard's threads for the period compared with
from cchc_desktop.services.record_lists import RECORDS_LIMIT, Records, records_of
from cchc_desktop.services.register import RegisterFilter, RegisterService, SortKey
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.statistics import DossierLine, StatisticsService
from db.handle import Database
from db.queries import score766 as queries
from db.queries import statistics as statistics_queries

SOON_WORKING_DAYS = 3  # the due-soon suggestion looks this many working days ahead of today
MIN_GAIN = 0.05  # points: a suggestion worth less shows as «+0,0 điểm» and is left out
DUE_SOON = "due_soon"


@dataclass(frozen=True)
class ScoreView:
    """The score of a period as the «Chỉ số 766» page and ``cchc score`` show it."""

    period: Period
    cutoff: date  # counted to the end of this day
    measures: Mapping[str, Ratio]
    score: Score
    previous: Period | None
    previous_score: Score | None
    suggestions: tuple[Suggestion, ...]
    computed_at: datetime
    due_window: tuple[datetime, datetime] | None = None  # the due-soon suggestion's [from, before)

    @property
    def change_on_100(self) -> bool:
        """The change compares values on 100: the points computable differ between the two periods."""
        before = self.previous_score
        return before is not None and abs(before.computable - self.score.computable) > EPSILON

    @property
    def change(self) -> float | None:
        """Points gained since the period before (on 100 when ``change_on_100``); None with nothing to compare."""
        before = self.previous_score
        if before is None:
            return None
        if self.change_on_100:
            return change(self.score.on_100, before.on_100)
        return change(self.score.points, before.points)

    def group_change(self, key: str) -> float | None:
        """The group's points gained since the period before, when the same of its points were computable."""
        if self.previous_score is None:
            return None
        now, before = self.score.group(key), self.previous_score.group(key)
        if abs(now.computable - before.computable) > EPSILON:
            return None
        return change(now.points, before.points)

    def suggestion(self, key: str) -> Suggestion:
        found = next((s for s in self.suggestions if s.key == key), None)
        if found is None:
            raise KeyError(key)
        return found


def points_text(value: float | None) -> str:
    """``19,2``; ``—`` for no points."""
    return formatting.number(value, decimals=1)


def max_text(value: float | None) -> str:
    """A number of points without a useless decimal: ``18``, ``10``, ``6,5``."""
    return formatting.number(round(value, 1)) if value is not None else formatting.NO_VALUE


def change_text(value: float | None) -> str:
    """``▲ 2,1 điểm`` / ``▼ 0,4 điểm`` / ``= kỳ trước``; empty when there is nothing to compare."""
    if value is None:
        return ""
    if abs(value) < 0.05:
        return _("= kỳ trước")
    return _("{arrow} {points} điểm").format(arrow="▲" if value > 0 else "▼", points=points_text(abs(value)))


class Score766Service:
    """``reader``: a read-only connection for the calling thread (``Office.reader``); given, the period compared
    with is counted on another thread through it, at the same time as the period itself (as the dashboard's)."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now,
                 reader: Callable[[], Database] | None = None, scheme: Scheme | None = None) -> None:
        self.db = db
        self.clock = clock
        self.reader = reader
        self.scheme = scheme or default()
        self.statistics = StatisticsService(db, clock=clock)

    def default_period(self) -> Period:
        """The period the page opens on: the dashboard's (this year, or the latest year with dossiers)."""
        return self.statistics.working_year()

    def cutoff_of(self, period: Period) -> date:
        """Counted to today within a running period, to its end within a past one (as the dashboard)."""
        return period.counted_to(self.clock().date())

    # -- the counts ----------------------------------------------------------------------------------------

    def measures(self, *, period: Period, cutoff: date | None = None) -> dict[str, Ratio]:
        """Every ratio of ``domain.score766.MEASURES`` for ``period`` counted to ``cutoff`` (its last day)."""
        cutoff = cutoff or period.date_to
        if cutoff < period.date_from:
            raise ValidationError({"cutoff": _("Ngày chốt số liệu ({cutoff}) không được trước ngày đầu kỳ ({first}).")
                                   .format(cutoff=f"{cutoff:%d/%m/%Y}", first=f"{period.date_from:%d/%m/%Y}")})
        last = min(period.date_to, cutoff)
        start, before = period.date_from.isoformat(), (last + timedelta(days=1)).isoformat()
        received = queries.received(self.db, start=start, before=before)
        resolved = queries.resolved(self.db, start=start, before=before)
        in_progress, overdue, _waiting = statistics_queries.open_at(self.db, moment=before, due_before=before,
                                                                    waiting=False)
        surveys = statistics_queries.surveys(self.db, start=start, before=before, satisfied_from=SATISFIED_FROM)
        responses = sum(row["responses"] for row in surveys)
        if not (received["received"] or resolved["granted"] or in_progress or responses):
            return {key: Ratio(0, 0) for key in MEASURES}  # nothing happened: nothing to say, not 0%
        procedures = queries.procedures(self.db, day=last.isoformat())
        online = {row["id"] for row in procedures if row["online_level"]}
        with_fee = {row["id"] for row in procedures if (row["fee_amount"] or 0) > 0}
        # What the period's dossiers did with the procedures is judged only where it has such dossiers: none received
        # (or no fee recorded) says nothing of which procedures were used online (or paid online).
        used = online if received["received"] else set()
        paying = with_fee if received["paid"] else set()
        return {
            "catalogue_complete": Ratio(sum(bool(row["has_checklist"] and row["fee_stated"]) for row in procedures),
                                        len(procedures)),
            "on_time": Ratio(resolved["in_time"] + in_progress - overdue, resolved["granted"] + in_progress),
            "procedures_online": Ratio(len(online), len(procedures)),
            "online_procedures_used": Ratio(len(used & received["online_procedures"]), len(used)),
            "dossiers_online": Ratio(received["online"], received["received"]),
            "dossiers_paid_online": Ratio(received["paid_online"], received["paid"]),
            "fee_procedures_paid_online": Ratio(len(paying & received["paid_online_procedures"]), len(paying)),
            "fee_procedures_offering": Ratio(
                sum(1 for row in procedures if row["id"] in with_fee and row["online_payment"]), len(with_fee)),
            "satisfaction": Ratio(sum(row["satisfied"] for row in surveys), responses),
            "results_digitized": Ratio(resolved["results_digitized"], resolved["granted"]),
            "dossiers_digitized": Ratio(received["digitized"], received["received"]),
        }

    def build(self, period: Period) -> ScoreView:
        """The score of ``period`` (to today within a running one), the period before's and the suggestions."""
        cutoff = self.cutoff_of(period)
        try:
            previous: Period | None = previous_period(period)
        except PeriodError:  # before the first year the periods know
            previous = None
        earlier: Future[Score] | None = None
        if previous is not None and self.reader is not None:
            earlier = _figures_pool().submit(self._score_of, previous, True)
        try:
            measures = self.measures(period=period, cutoff=cutoff)
            window = self._due_window(period)
            suggestions = self._suggestions(measures, window)
        finally:
            before = earlier.result() if earlier is not None else (
                self._score_of(previous) if previous is not None else None)
        return ScoreView(period=period, cutoff=cutoff, measures=measures, score=score(self.scheme, measures),
                         previous=previous, previous_score=before, suggestions=suggestions,
                         computed_at=self.clock(), due_window=window)

    def _score_of(self, period: Period, elsewhere: bool = False) -> Score:
        """The score of a whole past period, through this thread's reader when counted ``elsewhere``."""
        counter = self
        if elsewhere:
            assert self.reader is not None
            counter = Score766Service(self.reader(), clock=self.clock, scheme=self.scheme)
        return score(self.scheme, counter.measures(period=period, cutoff=period.date_to))

    # -- what would raise the score ----------------------------------------------------------------------

    def _due_window(self, period: Period) -> tuple[datetime, datetime] | None:
        """From now to the end of the SOON_WORKING_DAYS-th working day after today (at most the period's end):
        within a running period only (a past one cannot change)."""
        now = self.clock().replace(second=0, microsecond=0)
        today = now.date()
        if today not in period:
            return None
        day = today
        calendar = load_calendar(self.db)
        for _step in range(SOON_WORKING_DAYS):
            day = calendar.next_working_day(day)
        last = min(day, period.date_to)
        return now, datetime.combine(last + timedelta(days=1), time(0, 0))

    def _suggestions(self, measures: Mapping[str, Ratio], window: tuple[datetime, datetime] | None
                     ) -> tuple[Suggestion, ...]:
        scheme, found = self.scheme, []

        def offer(key: str, measure: str, count: int, changed: Ratio, text: str) -> None:
            located = scheme.indicator_of(measure)
            if located is None or count <= 0:
                return
            points = gain(scheme, measures, measure, changed)
            if points >= MIN_GAIN:
                found.append(Suggestion(key, text.format(n=formatting.number(count), points=points_text(points)),
                                        points, count, located[0].key))

        def to_full(measure: str) -> tuple[int, Ratio]:
            """How many more the indicator fed by ``measure`` needs for its full points, and the ratio then."""
            ratio = measures[measure]
            located = scheme.indicator_of(measure)
            needed = needed_for_target(located[1], ratio) if located else 0
            return needed, Ratio(ratio.part + needed, ratio.whole)

        for key, measure, text in (
            ("results_not_digitized", "results_digitized",
             _("Số hóa {n} kết quả giải quyết còn thiếu: +{points} điểm")),
            ("not_digitized", "dossiers_digitized", _("Số hóa {n} hồ sơ tiếp nhận chưa số hóa: +{points} điểm")),
            ("catalogue_incomplete", "catalogue_complete",
             _("Bổ sung thành phần hồ sơ, phí, lệ phí cho {n} thủ tục trong danh mục: +{points} điểm")),
            ("not_online", "procedures_online",
             _("Cung cấp dịch vụ công trực tuyến thêm {n} thủ tục: +{points} điểm")),
            ("online_unused", "online_procedures_used",
             _("{n} thủ tục có dịch vụ công trực tuyến chưa có hồ sơ nộp trực tuyến trong kỳ, mỗi thủ tục có một "
               "hồ sơ: +{points} điểm")),
            ("could_be_online", "dossiers_online",
             _("Hướng dẫn nộp trực tuyến thêm {n} hồ sơ (thay cho nộp trực tiếp): +{points} điểm")),
            ("paid_at_desk", "dossiers_paid_online",
             _("{n} hồ sơ nộp phí tại quầy, nếu thanh toán trực tuyến: +{points} điểm")),
            ("fee_not_paid_online", "fee_procedures_paid_online",
             _("Thêm {n} thủ tục có phí có hồ sơ thanh toán trực tuyến: +{points} điểm")),
            ("fee_not_offered", "fee_procedures_offering",
             _("Cung cấp thanh toán trực tuyến thêm {n} thủ tục có phí: +{points} điểm")),
        ):
            if measure in measures:
                needed, full = to_full(measure)
                offer(key, measure, needed, full, text)

        if window is not None and scheme.indicator_of("on_time") is not None:
            found += self._due_soon(measures, window)
        return tuple(sorted(found, key=lambda s: (-round(s.points, 6), s.key)))  # equal gains by key, not float noise

    def _due_soon(self, measures: Mapping[str, Ratio], window: tuple[datetime, datetime]) -> list[Suggestion]:
        """The dossiers open, not waiting for a supplement, due from now to the window's end: those due today
        count as overdue at today's end (the report's rule), the later ones as within time. The points at stake
        are those between all of them resolved on time and all late."""
        now, end = window
        tomorrow = datetime.combine(now.date() + timedelta(days=1), time(0, 0))
        register = RegisterService(self.db, clock=self.clock)
        today_count = register.count(RegisterFilter(due_from=now, due_before=min(tomorrow, end)))
        later = register.count(RegisterFilter(due_from=tomorrow, due_before=end)) if end > tomorrow else 0
        count = today_count + later
        if not count:
            return []
        ratio = measures["on_time"]
        on_time = Ratio(min(ratio.part + today_count, ratio.whole), ratio.whole)
        late = Ratio(max(ratio.part - later, 0), ratio.whole)
        stake = (gain(self.scheme, measures, "on_time", on_time) - gain(self.scheme, measures, "on_time", late))
        if stake < MIN_GAIN:
            return []
        last = (end - timedelta(days=1)).date()
        text = _("{n} hồ sơ đến hạn từ nay đến hết {day}: giải quyết đúng hạn để giữ {points} điểm").format(
            n=formatting.number(count), day=formatting.weekday_date(last), points=points_text(stake))
        group = self.scheme.indicator_of("on_time")
        return [Suggestion(DUE_SOON, text, stake, count, group[0].key if group else "", keep=True)]

    # -- the records behind a suggestion -----------------------------------------------------------------

    def records(self, view: ScoreView, key: str) -> Records:
        """The records a suggestion is about: dossiers (at most RECORDS_LIMIT shown) or procedures."""
        suggestion = view.suggestion(key)
        last = min(view.period.date_to, view.cutoff)
        start, before = view.period.date_from.isoformat(), (last + timedelta(days=1)).isoformat()
        if key == DUE_SOON and view.due_window is not None:
            wanted = RegisterFilter(due_from=view.due_window[0], due_before=view.due_window[1], sort=SortKey.DUE_AT,
                                    descending=False)
            page = RegisterService(self.db, clock=self.clock).page(wanted, limit=RECORDS_LIMIT + 1)
            lines = [DossierLine(id=row.id, code=row.code, procedure_code=row.procedure_code,
                                 procedure_name=row.procedure_name, field_name="", channel=row.channel,
                                 received_at=row.received_at, due_at=row.due_at, resolved_at=row.resolved_at,
                                 withdrawn_at=None, status=row.status) for row in page.rows]
            return records_of(_("Hồ sơ đến hạn từ nay đến hết {day} ({n} hồ sơ)").format(
                day=formatting.weekday_date(view.due_window[1].date() - timedelta(days=1)),
                n=formatting.number(suggestion.count)), lines, wanted)
        if key in queries.LISTS:
            rows = queries.dossier_lines(self.db, key, start=start, before=before, limit=RECORDS_LIMIT + 1)
            titles = {
                "results_not_digitized": _("Hồ sơ giải quyết trong kỳ chưa số hóa kết quả"),
                "not_digitized": _("Hồ sơ tiếp nhận trong kỳ chưa số hóa"),
                "could_be_online": _("Hồ sơ nộp trực tiếp, qua bưu chính của thủ tục có dịch vụ công trực tuyến"),
                "paid_at_desk": _("Hồ sơ nộp phí, lệ phí tại quầy"),
            }
            return records_of(titles[key], [_line(row) for row in rows])
        return self._procedure_records(key, view.measures, last, start, before)

    def _procedure_records(self, key: str, measures: Mapping[str, Ratio], last: date, start: str,
                           before: str) -> Records:
        procedures = queries.procedures(self.db, day=last.isoformat())
        with_fee = [row for row in procedures if (row["fee_amount"] or 0) > 0]
        if key == "catalogue_incomplete":
            title, rows = _("Thủ tục chưa đủ thành phần hồ sơ hoặc phí, lệ phí trong danh mục"), [
                row for row in procedures if not (row["has_checklist"] and row["fee_stated"])]
        elif key == "not_online":
            title, rows = _("Thủ tục chưa có dịch vụ công trực tuyến"), [
                row for row in procedures if not row["online_level"]]
        elif key == "online_unused":
            used = queries.received(self.db, start=start, before=before)["online_procedures"]
            title, rows = _("Thủ tục có dịch vụ công trực tuyến chưa có hồ sơ nộp trực tuyến trong kỳ"), [
                row for row in procedures if row["online_level"] and row["id"] not in used]
        elif key == "fee_not_paid_online":
            paid = queries.received(self.db, start=start, before=before)["paid_online_procedures"]
            title, rows = _("Thủ tục có phí chưa có hồ sơ thanh toán trực tuyến trong kỳ"), [
                row for row in with_fee if row["id"] not in paid]
        elif key == "fee_not_offered":
            title, rows = _("Thủ tục có phí chưa cung cấp thanh toán trực tuyến"), [
                row for row in with_fee if not row["online_payment"]]
        else:
            raise KeyError(key)
        levels = {"partial": _("Một phần"), "full": _("Toàn trình")}
        return Records(
            title, (_("Mã thủ tục"), _("Tên thủ tục"), _("Lĩnh vực"), _("DVC trực tuyến"), _("Phí, lệ phí (đồng)"),
                    _("Thanh toán trực tuyến")),
            tuple((row["code"], row["name"], row["field_name"], levels.get(row["online_level"] or "", ""),
                   formatting.number(row["fee_amount"]) if row["fee_amount"] is not None else "",
                   _("Có") if row["online_payment"] else _("Không")) for row in rows))

    # -- the JSON contract ---------------------------------------------------------------------------------

    def as_json(self, view: ScoreView) -> dict[str, Any]:
        """``cchc score --format json`` (schema ``cchc-score-766/1``, README): aggregates only, no personal data."""
        unit = SettingsService(self.db).load()

        def rounded(value: float | None, digits: int = 2) -> float | None:
            return None if value is None else round(value, digits)

        previous = view.previous_score
        return {
            "schema": FORMAT,
            "unit": {"name": unit.name, "code": unit.code},
            "period": {"key": view.period.key, "from": view.period.date_from.isoformat(),
                       "to": view.period.date_to.isoformat(), "cutoff": view.cutoff.isoformat(),
                       "label": view.period.label},
            "computed_at": view.computed_at.isoformat(timespec="seconds"),
            "points": rounded(view.score.points),
            "computable": rounded(view.score.computable),
            "on_100": rounded(view.score.on_100),
            "previous": None if view.previous is None or previous is None else {
                "key": view.previous.key, "label": view.previous.label, "points": rounded(previous.points),
                "computable": rounded(previous.computable), "on_100": rounded(previous.on_100)},
            "change": rounded(view.change),
            "change_basis": None if view.change is None else ("on_100" if view.change_on_100 else "points"),
            "groups": [
                {"key": group.definition.key, "name": group.definition.name, "max": group.definition.points,
                 "points": rounded(group.points), "computable": rounded(group.computable),
                 "change": rounded(view.group_change(group.definition.key)),
                 "indicators": [
                     {"key": i.definition.key, "name": i.definition.name, "max": i.definition.points,
                      "basis": i.definition.basis.value, "target": i.definition.target,
                      "part": i.ratio.part if i.ratio else None, "whole": i.ratio.whole if i.ratio else None,
                      "rate": rounded(i.rate, 4), "points": rounded(i.points)}
                     for i in group.indicators]}
                for group in view.score.groups],
            "suggestions": [
                {"key": s.key, "text": s.text, "points": rounded(s.points), "count": s.count, "group": s.group,
                 "kind": "keep" if s.keep else "gain"}
                for s in view.suggestions],
            "note": self.scheme.note,
        }


def headline(view: ScoreView) -> str:
    """«40,2/50» (the points of the indicators computed, out of their points), or «—» when none is."""
    found = view.score
    if found.points is None:
        return formatting.NO_VALUE
    return f"{points_text(found.points)}/{max_text(found.computable)}"


def coverage_line(view: ScoreView) -> str:
    """What the headline's points are out of, and their value on 100."""
    found = view.score
    if found.points is None:
        return _("Chưa tính được chỉ tiêu nào: chưa có hồ sơ, phiếu khảo sát trong kỳ.")
    if found.complete:
        return _("điểm (mọi chỉ tiêu tính được)")
    return _("điểm của các chỉ tiêu tính được từ sổ của xã ({computable} trên 100 điểm của bộ chỉ số); "
             "quy về thang 100: {on_100} (ước tính)").format(computable=max_text(found.computable),
                                                            on_100=points_text(found.on_100))


def change_line(view: ScoreView) -> str:
    """«▲ 2,1 điểm so với Năm 2023» (on 100 when the points computable differ); empty with nothing to compare."""
    if view.previous is None:
        return ""
    if view.change is None:
        return _("{previous}: chưa tính được điểm để so sánh.").format(previous=view.previous.label)
    compared = _("so với {previous}").format(previous=view.previous.label)
    if view.change_on_100:
        compared += _(" (theo thang 100: kỳ trước tính được {computable} điểm)").format(
            computable=max_text(view.previous_score.computable if view.previous_score else None))
    if abs(view.change) < 0.05:
        return _("không đổi {compared}").format(compared=compared)
    return f"{change_text(view.change)} {compared}"


def _line(row: Mapping[str, Any]) -> DossierLine:
    return DossierLine(
        id=row["id"], code=row["code"], procedure_code=row["procedure_code"], procedure_name=row["procedure_name"],
        field_name=row["field_name"], channel=Channel(row["channel"]),
        received_at=datetime.fromisoformat(row["received_at"]), due_at=datetime.fromisoformat(row["due_at"]),
        resolved_at=datetime.fromisoformat(row["resolved_at"]) if row["resolved_at"] else None,
        withdrawn_at=datetime.fromisoformat(row["withdrawn_at"]) if row["withdrawn_at"] else None,
        status=DossierStatus(row["status"]))


def as_text(view: ScoreView) -> str:
    """``cchc score``'s table: the groups and their indicators with rate, base and points, the total and its change,
    then the suggestions."""
    lines = [
        _("CHỈ SỐ 766 TỰ ĐÁNH GIÁ — {label}, số liệu đến hết ngày {cutoff}").format(
            label=view.period.label, cutoff=formatting.short_date(view.cutoff)),
        _("Tổng điểm: {headline} {coverage}").format(headline=headline(view), coverage=coverage_line(view)),
    ]
    if moved := change_line(view):
        lines.append(_("Thay đổi: {change}").format(change=moved))
    lines.append("")
    width = 56
    lines.append(f"{_('Nhóm, chỉ tiêu'):<{width}} {_('Tỷ lệ'):>7}  {_('Cơ sở'):<30} {_('Điểm'):>8}")
    for number, group in enumerate(view.score.groups, start=1):
        head = _("{n}. {name} (tối đa {points})").format(n=number, name=group.definition.name,
                                                      points=max_text(group.definition.points))
        got = f"{points_text(group.points)}/{max_text(group.computable)}" if group.points is not None else "—"
        moved = change_text(view.group_change(group.definition.key))
        lines.append(f"{head:<{width + 40}} {got:>8}" + (f"  {moved}" if moved else ""))
        for indicator in group.indicators:
            mark = "≈ " if indicator.definition.basis.value == "approximate" else ""
            name = f"   {mark}{indicator.definition.name}"
            if len(name) > width:
                name = name[:width - 1] + "…"
            points = f"{points_text(indicator.points)}/{max_text(indicator.definition.points)}"
            lines.append(f"{name:<{width}} {formatting.percent(indicator.rate):>7}  {indicator.base:<30} {points:>8}")
    lines += ["", _("Việc nên làm để tăng điểm (xếp theo số điểm):")]
    if view.suggestions:
        lines += [f"{rank:>2}. {s.text}" for rank, s in enumerate(view.suggestions, start=1)]
    else:
        lines.append(_("  Không có việc nào tăng được điểm từ số liệu đã ghi."))
    lines += ["", _("Lưu ý: {note}").format(note=view.score.scheme.note)]
    return "\n".join(lines)
