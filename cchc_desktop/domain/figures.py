"""The figures of a period as data (DESIGN.md §5–§6): what ``StatisticsService`` counts and the report, its
sentences (``reports.narrative``), the dashboard and the JSON read. No I/O: the counting is the service's, the
shape and the arithmetic on counts (totals, rates, the appendix keys) are here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.dossiers import Channel
from cchc_desktop.domain.periods import Period
from cchc_desktop.formatting import rate

# The suffix of each channel in the indicator keys (DESIGN.md §6).
CHANNEL_KEYS = {
    Channel.DIRECT: "truc_tiep",
    Channel.POSTAL: "bcci",
    Channel.ONLINE_PARTIAL: "truc_tuyen_mot_phan",
    Channel.ONLINE_FULL: "truc_tuyen_toan_trinh",
}



class DossierFigure(Choice):
    """A dossier figure whose records can be listed (``StatisticsService.dossiers``)."""

    RECEIVED = "received", "Hồ sơ tiếp nhận trong kỳ"
    DIGITIZED = "digitized", "Hồ sơ đã số hóa"
    RESOLVED = "resolved", "Hồ sơ đã giải quyết"
    GRANTED = "granted", "Hồ sơ giải quyết có kết quả (không kể từ chối)"
    REFUSED = "refused", "Hồ sơ từ chối giải quyết sau khi xử lý"
    EARLY = "early", "Giải quyết trước hạn"
    ON_TIME = "on_time", "Giải quyết đúng hạn"
    IN_TIME = "in_time", "Giải quyết đúng hẹn (trước hạn và đúng hạn)"
    LATE = "late", "Giải quyết trễ hạn"
    WITHDRAWN = "withdrawn", "Hồ sơ rút"
    APOLOGISED = "apologised", "Hồ sơ có thư xin lỗi"
    CARRIED_OVER = "carried_over", "Kỳ trước chuyển qua"
    IN_PROGRESS = "in_progress", "Đang giải quyết"
    OVERDUE = "overdue", "Đang giải quyết, quá hạn"
    NOT_YET_DUE = "not_yet_due", "Đang giải quyết, chưa đến hạn"
    WAITING_SUPPLEMENT = "waiting_supplement", "Chờ bổ sung (tạm dừng tính thời hạn)"
    BOUNDARY_FREE = "boundary_free", "Hồ sơ không phụ thuộc địa giới hành chính (người nộp ở xã, phường khác)"
    TRANSFERRED_OUT = "transferred_out", "Hồ sơ đã chuyển đơn vị khác giải quyết"


@dataclass(frozen=True)
class ChannelCounts:
    direct: int = 0
    postal: int = 0
    online_partial: int = 0
    online_full: int = 0

    @classmethod
    def of_mapping(cls, counts: Mapping[str, int]) -> ChannelCounts:
        """From ``{"direct": 3, "postal": 0, ...}`` (missing channels count 0)."""
        return cls(**{channel.value: counts.get(channel.value, 0) for channel in Channel})

    def of(self, channel: Channel) -> int:
        return getattr(self, channel.value)

    @property
    def total(self) -> int:
        return self.direct + self.postal + self.online_partial + self.online_full

    @property
    def online(self) -> int:
        return self.online_partial + self.online_full


@dataclass(frozen=True)
class DossierFigures:
    received: ChannelCounts
    carried_over: int
    resolved: ChannelCounts
    in_time: ChannelCounts  # resolved with a result, early or on time (3.3.2), by channel
    early: int  # of those resolved with a result
    on_time: int
    late: int
    in_progress: int  # at the end of the counted window
    overdue: int  # of those in progress: clock running, due before that end
    waiting_supplement: int  # of those in progress: clock stopped (never overdue, never "not yet due")
    withdrawn: int
    apologies: int
    digitized: int  # of those received
    in_time_land: int  # 3.3.3
    in_time_construction: int  # 3.3.4
    refused: int = 0  # of those resolved: refused after processing (counted apart, no timeliness)
    online_base: int | None = None  # the base of the online rate (OnlineRateBase); None: every dossier received
    full_online_base: int | None = None  # the base of the full-online rate
    boundary_free: int = 0  # of those received: filed by a resident of another commune (Nghị định 118/2025)
    boundary_free_procedures: int = 0  # 3.2.6: the procedures of those dossiers
    transferred_out: int = 0  # of those received: handed to another unit to handle

    @property
    def to_handle(self) -> int:
        return self.carried_over + self.received.total

    @property
    def granted(self) -> int:
        """Resolved with a result: the base of the on-time rate (refusals left out)."""
        return self.resolved.total - self.refused

    @property
    def not_yet_due(self) -> int:
        return self.in_progress - self.overdue - self.waiting_supplement

    @property
    def online_whole(self) -> int:
        return self.received.total if self.online_base is None else self.online_base

    @property
    def full_online_whole(self) -> int:
        return self.received.total if self.full_online_base is None else self.full_online_base


@dataclass(frozen=True)
class Rates:
    """DESIGN.md §5 rates as fractions (0–1); None where nothing was counted."""

    on_time: float | None
    online: float | None
    full_online: float | None
    digitized: float | None
    satisfaction: float | None


@dataclass(frozen=True)
class PlanFigures:
    year: int
    tasks: int  # 1.1.1 (cancelled ones left out)
    done: int  # 1.1.2: completed on or before the cut-off
    in_progress: int
    not_started: int
    cancelled: int
    overdue: int  # not done at the cut-off, deadline before it
    higher_level: int  # 1.3.1
    higher_done_on_time: int  # 1.3.2
    higher_done_late: int  # 1.3.3
    directives: int  # 1.1.3: directive documents issued in the counted window
    projected_done: int | None  # by year end at the pace so far


@dataclass(frozen=True)
class CriterionAverage:
    criterion_id: int
    code: str
    aspect: int
    aspect_name: str
    text: str
    answers: int
    average: float | None


@dataclass(frozen=True)
class SurveyFigures:
    responses: int  # 1.4.1
    paper: int
    online: int
    kiosk: int
    satisfied: int  # overall 4 or 5
    method_code: int | None  # 1.4.2
    criteria: tuple[CriterionAverage, ...]

    @property
    def rate(self) -> float | None:
        return rate(self.satisfied, self.responses)


@dataclass(frozen=True)
class SurveyGroup:
    """Responses counted under one procedure field or one desk officer (``name`` empty: no dossier named)."""

    name: str
    responses: int
    satisfied: int
    average: float | None

    @property
    def rate(self) -> float | None:
        return rate(self.satisfied, self.responses)


@dataclass(frozen=True)
class InspectionFigures:
    inspections: int
    subjects: int  # 1.2.1
    findings: int  # 1.2.2
    findings_resolved: int  # 1.2.3: remedied on or before the cut-off
    findings_overdue: int  # not remedied at the cut-off, remedy deadline before it
    units_inspected: int  # of the declared departments and officials, those inspected in the period
    units_known: int  # the declared departments and officials to inspect
    leaders_disciplined: int  # 5.4.5
    officials_disciplined: int  # 5.4.6

    @property
    def unit_share(self) -> float | None:
        """5.4.2 in percent (0–100)."""
        share = rate(self.units_inspected, self.units_known)
        return None if share is None else 100 * share


@dataclass(frozen=True)
class CatalogueFigures:
    in_force: int  # 3.1.3
    one_stop: int  # 3.2.1
    same_level: int  # 3.2.2
    cross_level: int  # 3.2.3
    online_partial: int  # 7.5.1
    online_full: int  # 7.5.2
    online_payment: int = 0  # 3.4.3: the fee can be paid online


@dataclass(frozen=True)
class Figures:
    period: Period
    counted_to: date  # the last day counted: the period's last day or the cut-off, whichever is first
    cutoff: date
    dossiers: DossierFigures
    plan: PlanFigures
    surveys: SurveyFigures
    inspections: InspectionFigures
    catalogue: CatalogueFigures

    @property
    def rates(self) -> Rates:
        d = self.dossiers
        received = d.received.total
        return Rates(
            on_time=rate(d.in_time.total, d.granted),
            online=rate(d.received.online, d.online_whole),
            full_online=rate(d.received.online_full, d.full_online_whole),
            digitized=rate(d.digitized, received),
            satisfaction=self.surveys.rate,
        )

    def indicators(self) -> dict[str, int | float | None]:
        """The computed rows of the appendix and the named figures, keyed as in DESIGN.md §6."""
        d, p, s, i, c, r = self.dossiers, self.plan, self.surveys, self.inspections, self.catalogue, self.rates
        values: dict[str, int | float | None] = {
            "1.1.1": p.tasks, "1.1.2": p.done, "1.1.3": p.directives,
            "1.2.1": i.subjects, "1.2.2": i.findings, "1.2.3": i.findings_resolved,
            "1.3.1": p.higher_level, "1.3.2": p.higher_done_on_time, "1.3.3": p.higher_done_late,
            "1.4.1": s.responses, "1.4.2": s.method_code,
            "3.1.3": c.in_force, "3.2.1": c.one_stop, "3.2.2": c.same_level, "3.2.3": c.cross_level,
            "3.2.6": d.boundary_free_procedures,
            "3.3.1": d.received.total,
        }
        values.update({f"3.3.1.{CHANNEL_KEYS[ch]}": d.received.of(ch) for ch in Channel})
        values["3.3.2"] = d.in_time.total
        values.update({f"3.3.2.{CHANNEL_KEYS[ch]}": d.in_time.of(ch) for ch in Channel})
        unit_share = i.unit_share
        values.update({
            "3.3.2.truoc_han": d.early, "3.3.2.dung_han": d.on_time, "3.3.2.tre_han": d.late,
            "3.3.3": d.in_time_land, "3.3.4": d.in_time_construction,
            "3.4.3": c.online_payment, "3.5": d.apologies,
            "5.4.2": None if unit_share is None else round(unit_share, 1),
            "5.4.5": i.leaders_disciplined, "5.4.6": i.officials_disciplined,
            "7.5.1": c.online_partial, "7.5.2": c.online_full,
            "hs.ky_truoc": d.carried_over, "hs.phai_giai_quyet": d.to_handle, "hs.da_giai_quyet": d.resolved.total,
            "hs.dang_giai_quyet": d.in_progress, "hs.chua_den_han": d.not_yet_due, "hs.qua_han": d.overdue,
            "hs.rut": d.withdrawn, "hs.cho_bo_sung": d.waiting_supplement, "hs.so_hoa": d.digitized,
            "hs.tu_choi": d.refused, "hs.co_ket_qua": d.granted,
            "hs.khong_dia_gioi": d.boundary_free, "hs.chuyen_don_vi_khac": d.transferred_out,
            # the parts of the rates, so that a consolidation can recompute them (never average): rate.dung_han
            # 3.3.2 / hs.co_ket_qua, rate.truc_tuyen and rate.toan_trinh over their bases, rate.hai_long, 5.4.2
            "hs.mau_so_truc_tuyen": d.online_whole, "hs.mau_so_toan_trinh": d.full_online_whole,
            "ks.hai_long": s.satisfied, "ktra.don_vi_kiem_tra": i.units_inspected, "ktra.don_vi": i.units_known,
            "rate.dung_han": r.on_time, "rate.truc_tuyen": r.online, "rate.toan_trinh": r.full_online,
            "rate.so_hoa": r.digitized, "rate.hai_long": r.satisfaction,
        })
        return values
