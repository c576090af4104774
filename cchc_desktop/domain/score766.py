"""The commune's own Quyết định 766 score (issue 21): the national index's groups and indicators as data, and the
arithmetic from the records' ratios to points. Pure: the counting is ``services.score766``'s.

The index (Quyết định 766/QĐ-TTg ngày 23/6/2022, «Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ
người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện
tử») scores a unit out of 100 in six groups, as the national portal (dichvucong.gov.vn) publishes it since 2025:
Công khai, minh bạch 18; Tiến độ giải quyết 20; Dịch vụ công trực tuyến 12; Thanh toán trực tuyến 10; Mức độ hài
lòng 18; Số hóa hồ sơ 22. The groups, their indicators and points are data (``db/reference/score_766.json``,
format :data:`FORMAT`), read by :func:`loads`; a province's or a later version is a new file, not new code.

What is public and what is not (read in December 2026; sources named in the data file and the README):
- Public: the decision and its groups; the satisfaction group's three rates (PAKN on time, PAKN satisfaction,
  dossier satisfaction, 6 points each); each indicator's rate as a numerator over a denominator, in the portal's
  description of the 766 formulas (a copy: repository ChippedTopaz/qd766, ``docs/metrics.m0.json``), with its
  points (publicity 6/4/2/6, progress 20, digitisation 6/4/2/2/4/2/2, satisfaction 6/6/6, payment 10 in all).
- Not public: how a rate becomes points. We use the conversion reconstructed from the portal's published scores
  (same repository, ``docs/SCORING_ANALYSIS_M0.md``, reproducing every observed score within 0.015 point):
  points = the indicator's points × rate, capped at its points; a few reach full points at a threshold
  (``target``: online procedures 80%, online dossiers 50%, dossier satisfaction 90%, online payment by procedure
  80%), then points × min(1, rate / target). The online-service group's split 2 + 4 + 6 and the payment group's
  6 + 2 + 2 come from that reconstruction too (the portal's table gives 12 and 10 for the groups only).
- Every indicator says which it is (:class:`Basis`): its rate measured as defined (``public``), a stated
  approximation from what the commune records (``approximate``, shown «≈»), not measurable from the commune's
  records (``unavailable``), or scored at the province only (``province``).

Decisions where the sources are silent (shown on screen and in the README):
- An indicator that cannot be computed — unavailable, scored at the province, or with nothing to count in the
  period (no dossier, no survey: its denominator is 0) — has no points («—»), never 0: it is left out. A group's
  points are the sum of its computed indicators' points, shown out of the points those indicators carry
  (``GroupScore.points`` / ``GroupScore.computable``: «2,8/10 tính được của 22»); a group with nothing computed
  has no points (None, «—»). The total likewise (``Score.points`` / ``Score.computable``).
- Nothing is extrapolated into those figures: the points a suggestion gains (:func:`gain`) are the index's own
  points, which add to the total as shown. Beside it, ``Score.on_100`` scales the total to 100 over the points
  computed (``100 × points / computable``: the indicators not computed assumed to do as well as those computed),
  an estimate to compare with the province's published score, said to be one.
- The change from the period before compares the totals when the same points were computable in both periods,
  else their values on 100 (``ScoreView.change``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cchc_desktop.domain.choices import Choice
from cchc_desktop.errors import CchcError
from cchc_desktop.formatting import number, rate
from cchc_desktop.i18n import _

FORMAT = "cchc-score-766/1"
DEFAULT_FILE = "score_766.json"
TOTAL_POINTS = 100.0
EPSILON = 1e-9


class Basis(Choice):
    """How far the records can tell an indicator."""

    PUBLIC = "public", "Tính theo định nghĩa công bố"
    APPROXIMATE = "approximate", "Ước lượng gần đúng từ sổ của xã"
    UNAVAILABLE = "unavailable", "Không tính được từ sổ của xã"
    PROVINCE = "province", "Chỉ tiêu chấm cấp tỉnh"

    @property
    def computable(self) -> bool:
        return self in (Basis.PUBLIC, Basis.APPROXIMATE)

    @property
    def short(self) -> str:
        """What a table's narrow column says of an indicator without a rate."""
        return {Basis.UNAVAILABLE: _("không có trong sổ của xã"), Basis.PROVINCE: _("chỉ tiêu cấp tỉnh")}.get(
            self, self.label)


# The ratios the service counts (``services.score766``), each with what its numbers count: «232/242 hồ sơ».
MEASURES: Mapping[str, str] = {
    "catalogue_complete": "thủ tục",
    "on_time": "hồ sơ",
    "procedures_online": "thủ tục",
    "online_procedures_used": "thủ tục",
    "dossiers_online": "hồ sơ",
    "dossiers_paid_online": "hồ sơ",
    "fee_procedures_paid_online": "thủ tục",
    "fee_procedures_offering": "thủ tục",
    "satisfaction": "phiếu",
    "results_digitized": "hồ sơ",
    "dossiers_digitized": "hồ sơ",
}


class SchemeInvalid(CchcError):
    """A score file that cannot be used; the message lists its problems."""


@dataclass(frozen=True)
class IndicatorDef:
    key: str
    name: str
    points: float  # of the group's points
    basis: Basis
    source: str  # the official definition it follows
    note: str = ""  # how the records measure it, or why they cannot
    measure: str | None = None  # a key of MEASURES; None where the records cannot tell
    target: float | None = None  # the rate (0–1) from which it has full points; None: points × rate

    @property
    def computable(self) -> bool:
        return self.basis.computable and self.measure is not None


@dataclass(frozen=True)
class GroupDef:
    key: str
    name: str
    points: float
    indicators: tuple[IndicatorDef, ...]


@dataclass(frozen=True)
class Scheme:
    name: str
    source: str
    note: str
    groups: tuple[GroupDef, ...]

    def group(self, key: str) -> GroupDef:
        return next(group for group in self.groups if group.key == key)

    def indicator_of(self, measure: str) -> tuple[GroupDef, IndicatorDef] | None:
        """The indicator that ``measure`` feeds, with its group (the first one, if several)."""
        for group in self.groups:
            for indicator in group.indicators:
                if indicator.measure == measure:
                    return group, indicator
        return None


@dataclass(frozen=True)
class Ratio:
    """What a rate is counted from: ``part`` of ``whole`` (``whole`` 0: nothing to count, no rate)."""

    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return rate(self.part, self.whole)

    @property
    def missing(self) -> int:
        return max(self.whole - self.part, 0)


def indicator_points(indicator: IndicatorDef, ratio: Ratio | None) -> float | None:
    """The points of ``indicator`` for ``ratio``: None where it has no rate (never 0 for "nothing to count")."""
    if not indicator.computable or ratio is None:
        return None
    value = ratio.rate
    if value is None:
        return None
    reached = value / indicator.target if indicator.target else value
    return indicator.points * min(1.0, max(0.0, reached))


def needed_for_target(indicator: IndicatorDef, ratio: Ratio) -> int:
    """How many more in ``ratio.part`` give ``indicator`` its full points (the whole, without a target)."""
    share = indicator.target or 1.0
    return max(0, math.ceil(share * ratio.whole - EPSILON) - ratio.part)


@dataclass(frozen=True)
class IndicatorScore:
    definition: IndicatorDef
    ratio: Ratio | None  # None where the records cannot tell
    points: float | None

    @property
    def rate(self) -> float | None:
        return self.ratio.rate if self.ratio is not None else None

    @property
    def unit(self) -> str:
        """What the ratio's numbers count (``hồ sơ``, ``thủ tục``, ``phiếu``)."""
        measure = self.definition.measure
        return _(MEASURES[measure]) if measure else ""

    @property
    def base(self) -> str:
        """What the rate is of («232/242 hồ sơ»), or why there is none."""
        if self.ratio is None:
            return self.definition.basis.short
        if self.ratio.whole == 0:
            return _("chưa có {unit} để tính trong kỳ").format(unit=self.unit)
        return _("{part}/{whole} {unit}").format(part=number(self.ratio.part), whole=number(self.ratio.whole),
                                                 unit=self.unit)


@dataclass(frozen=True)
class GroupScore:
    definition: GroupDef
    indicators: tuple[IndicatorScore, ...]

    @property
    def computable(self) -> float:
        """The points of the indicators computed (what ``points`` is out of)."""
        return sum(i.definition.points for i in self.indicators if i.points is not None)

    @property
    def points(self) -> float | None:
        """The points of the computed indicators; None when none is."""
        if self.computable <= 0:
            return None
        return sum(i.points for i in self.indicators if i.points is not None)


@dataclass(frozen=True)
class Score:
    scheme: Scheme
    groups: tuple[GroupScore, ...]

    def group(self, key: str) -> GroupScore:
        return next(group for group in self.groups if group.definition.key == key)

    @property
    def computable(self) -> float:
        """The points of every indicator computed (100 when all are)."""
        return sum(g.computable for g in self.groups)

    @property
    def points(self) -> float | None:
        """The index's points of the computed indicators; None when none is."""
        found = [g.points for g in self.groups if g.points is not None]
        return sum(found) if found else None

    @property
    def on_100(self) -> float | None:
        """``points`` scaled to 100 over the points computed: an estimate of the whole index."""
        points, computable = self.points, self.computable
        return None if points is None or computable <= 0 else TOTAL_POINTS * points / computable

    @property
    def complete(self) -> bool:
        return abs(self.computable - TOTAL_POINTS) < EPSILON


def score(scheme: Scheme, measures: Mapping[str, Ratio]) -> Score:
    """Every indicator's points from the counted ``measures`` (keys of MEASURES), the groups' and the total."""
    groups = []
    for group in scheme.groups:
        indicators = []
        for indicator in group.indicators:
            ratio = measures.get(indicator.measure) if indicator.computable and indicator.measure else None
            indicators.append(IndicatorScore(indicator, ratio, indicator_points(indicator, ratio)))
        groups.append(GroupScore(group, tuple(indicators)))
    return Score(scheme, tuple(groups))


def gain(scheme: Scheme, measures: Mapping[str, Ratio], measure: str, changed: Ratio) -> float:
    """The index points gained when ``measure`` becomes ``changed`` (negative for a loss; 0 without points)."""
    now = score(scheme, measures).points
    then = score(scheme, {**measures, measure: changed}).points
    if now is None or then is None:
        return 0.0
    return then - now


def change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


@dataclass(frozen=True)
class Suggestion:
    """One thing that would raise the score (or keep it): ``points`` the total gains (kept, for ``keep``)."""

    key: str  # what the records behind it are (``services.score766`` lists them)
    text: str  # «Số hóa 12 kết quả còn thiếu: +1,8 điểm»
    points: float
    count: int  # the records it is about
    group: str  # the group's key
    keep: bool = False  # points at risk rather than points to gain


# -- the data file ---------------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def parse(data: object) -> Scheme:
    """A scheme from the file's JSON value; every problem listed (SchemeInvalid)."""
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SchemeInvalid(_("Tệp chỉ số 766 không đúng định dạng «{format}».").format(format=FORMAT))
    groups: list[GroupDef] = []
    keys: set[str] = set()
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        problems.append(_("Tệp chỉ số 766 không có nhóm chỉ số nào."))
        raw_groups = []
    for position, raw in enumerate(raw_groups, start=1):
        where = _("nhóm {n}").format(n=position)
        if not isinstance(raw, dict):
            problems.append(_("{where}: không phải một nhóm.").format(where=where))
            continue
        key, name, points = _text(raw.get("key")), _text(raw.get("name")), _number(raw.get("points"))
        if key is None or name is None or points is None or points <= 0:
            problems.append(_("{where}: cần khóa, tên và số điểm dương.").format(where=where))
            continue
        indicators = _indicators(raw.get("indicators"), key, keys, problems)
        shares = sum(indicator.points for indicator in indicators)
        if indicators and abs(shares - points) > EPSILON:
            problems.append(_("Nhóm «{name}»: điểm các chỉ tiêu cộng lại {shares:g}, khác điểm của nhóm {points:g}.")
                            .format(name=name, shares=shares, points=points))
        groups.append(GroupDef(key, name, points, tuple(indicators)))
    total = sum(group.points for group in groups)
    if groups and abs(total - TOTAL_POINTS) > EPSILON:
        problems.append(_("Điểm các nhóm cộng lại {total:g}, không phải 100.").format(total=total))
    if problems:
        raise SchemeInvalid("\n".join(problems))
    return Scheme(_text(data.get("name")) or "", _text(data.get("source")) or "", _text(data.get("note")) or "",
                  tuple(groups))


def _indicators(raw: object, group: str, keys: set[str], problems: list[str]) -> list[IndicatorDef]:
    if not isinstance(raw, list) or not raw:
        problems.append(_("Nhóm «{group}» không có chỉ tiêu nào.").format(group=group))
        return []
    found = []
    for position, item in enumerate(raw, start=1):
        where = _("nhóm «{group}», chỉ tiêu {n}").format(group=group, n=position)
        if not isinstance(item, dict):
            problems.append(_("{where}: không phải một chỉ tiêu.").format(where=where))
            continue
        key, name, points = _text(item.get("key")), _text(item.get("name")), _number(item.get("points"))
        try:
            basis = Basis(str(item.get("basis")))
        except ValueError:
            problems.append(_("{where}: «basis» phải là một trong: {values}.").format(
                where=where, values=", ".join(b.value for b in Basis)))
            continue
        measure, target = item.get("measure"), item.get("target")
        if key is None or name is None or points is None or points <= 0:
            problems.append(_("{where}: cần khóa, tên và số điểm dương.").format(where=where))
            continue
        if key in keys:
            problems.append(_("{where}: khóa «{key}» trùng.").format(where=where, key=key))
        keys.add(key)
        if basis.computable and measure not in MEASURES:
            problems.append(_("{where}: chỉ tiêu tính được cần «measure» là một trong: {values}.").format(
                where=where, values=", ".join(MEASURES)))
            continue
        if not basis.computable and measure is not None:
            problems.append(_("{where}: chỉ tiêu không tính được không có «measure».").format(where=where))
            continue
        share = _number(target) if target is not None else None
        if target is not None and (share is None or not 0 < share <= 1):
            problems.append(_("{where}: «target» phải là tỷ lệ trong (0; 1].").format(where=where))
            continue
        found.append(IndicatorDef(key=key, name=name, points=points, basis=basis,
                                  source=_text(item.get("source")) or "", note=_text(item.get("note")) or "",
                                  measure=measure if isinstance(measure, str) else None, target=share))
    return found


def loads(raw: bytes) -> Scheme:
    try:
        data: Any = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SchemeInvalid(_("Tệp chỉ số 766 không đọc được (JSON): {error}").format(error=exc)) from None
    return parse(data)


def reference_dir() -> Path:
    from db.migrations import REFERENCE_DIR

    return REFERENCE_DIR


@lru_cache(maxsize=1)
def default() -> Scheme:
    """The scheme shipped in ``db/reference/score_766.json``."""
    return loads((reference_dir() / DEFAULT_FILE).read_bytes())

