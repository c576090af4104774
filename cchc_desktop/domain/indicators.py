"""The indicator registry (STYLE.md §10): every figure the program computes, by its key (DESIGN.md §6) — what
kind of value it is and how the higher level adds it up (``Source``), and which records stand behind it
(``Behind``), which the report's drill-down lists. Labels and units are the appendix template's
(``domain.appendix``), the value's text is ``domain.report.value_text``, the counting is ``Figures.indicators``
and the rates' formulas are ``domain.consolidation.RATES``; a test checks that they all name the same keys.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from cchc_desktop.domain.appendix import Rule, ValueKind
from cchc_desktop.domain.dossiers import Channel
from cchc_desktop.domain.figures import CHANNEL_KEYS, DossierFigure
from cchc_desktop.domain.statistics import CONSTRUCTION_FIELD, LAND_FIELD


@dataclass(frozen=True)
class Source:
    """A figure the program computes: its kind, its codes, and how it is added up by default."""

    kind: ValueKind = ValueKind.COUNT
    codes: tuple[int, ...] = ()
    rule: Rule = Rule.SUM


class RecordKind(enum.Enum):
    DOSSIERS = "dossiers"
    TASKS = "tasks"  # of the plan of the counted year, cancelled ones left out
    FINDINGS = "findings"  # of the period's inspections
    SURVEYS = "surveys"  # responses of the period


class TaskChoice(enum.Enum):
    """Which tasks of the plan: every one (1.1.1), those done (1.1.2), those the higher level assigned (1.3.1) and
    of them those done on time (1.3.2) or late (1.3.3)."""

    ALL = "all"
    DONE = "done"
    HIGHER = "higher"
    HIGHER_ON_TIME = "higher_on_time"
    HIGHER_LATE = "higher_late"


@dataclass(frozen=True)
class Behind:
    """The records a figure counts: dossiers of a figure (of a field, of a channel), tasks, findings (only the
    remedied ones), survey responses."""

    records: RecordKind
    figure: DossierFigure | None = None
    field: str | None = None
    channel: Channel | None = None
    tasks: TaskChoice | None = None
    remedied_only: bool = False


@dataclass(frozen=True)
class IndicatorDef:
    source: Source
    behind: Behind | None = None  # None: no list (the catalogue, a code, a rate's part…)


_COUNT, _CATALOGUE = Source(), Source(rule=Rule.MAX)


def _counted(behind: Behind | None = None) -> IndicatorDef:
    return IndicatorDef(_COUNT, behind)


def _dossiers(figure: DossierFigure, *, field: str | None = None, channel: Channel | None = None) -> IndicatorDef:
    return _counted(Behind(RecordKind.DOSSIERS, figure, field=field, channel=channel))


def _tasks(choice: TaskChoice) -> IndicatorDef:
    return _counted(Behind(RecordKind.TASKS, tasks=choice))


F = DossierFigure

INDICATORS: Mapping[str, IndicatorDef] = {
    "1.1.1": _tasks(TaskChoice.ALL), "1.1.2": _tasks(TaskChoice.DONE), "1.1.3": _counted(),
    "1.2.1": _counted(), "1.2.2": _counted(Behind(RecordKind.FINDINGS)),
    "1.2.3": _counted(Behind(RecordKind.FINDINGS, remedied_only=True)),
    "1.3.1": _tasks(TaskChoice.HIGHER), "1.3.2": _tasks(TaskChoice.HIGHER_ON_TIME),
    "1.3.3": _tasks(TaskChoice.HIGHER_LATE),
    "1.4.1": _counted(Behind(RecordKind.SURVEYS)),
    "1.4.2": IndicatorDef(Source(ValueKind.CODE, (0, 1, 2), Rule.METHODS)),
    **dict.fromkeys(("3.1.3", "3.2.1", "3.2.2", "3.2.3", "3.4.3", "7.5.1", "7.5.2"), IndicatorDef(_CATALOGUE)),
    # procedures that received a dossier of a resident of another commune: a count of procedures, added up as
    # the catalogue's (the same procedure in two communes is one); its dossiers are hs.khong_dia_gioi's list
    "3.2.6": IndicatorDef(_CATALOGUE),
    "3.3.1": _dossiers(F.RECEIVED),
    **{f"3.3.1.{suffix}": _dossiers(F.RECEIVED, channel=channel) for channel, suffix in CHANNEL_KEYS.items()},
    "3.3.2": _dossiers(F.IN_TIME),
    **{f"3.3.2.{suffix}": _dossiers(F.IN_TIME, channel=channel) for channel, suffix in CHANNEL_KEYS.items()},
    "3.3.2.truoc_han": _dossiers(F.EARLY), "3.3.2.dung_han": _dossiers(F.ON_TIME),
    "3.3.2.tre_han": _dossiers(F.LATE),
    "3.3.3": _dossiers(F.IN_TIME, field=LAND_FIELD), "3.3.4": _dossiers(F.IN_TIME, field=CONSTRUCTION_FIELD),
    "3.5": _dossiers(F.APOLOGISED),
    "5.4.2": IndicatorDef(Source(ValueKind.PERCENT, rule=Rule.RECOMPUTE)),
    "5.4.5": _counted(), "5.4.6": _counted(),
    "hs.ky_truoc": _dossiers(F.CARRIED_OVER), "hs.phai_giai_quyet": _counted(),
    "hs.da_giai_quyet": _dossiers(F.RESOLVED), "hs.dang_giai_quyet": _dossiers(F.IN_PROGRESS),
    "hs.chua_den_han": _dossiers(F.NOT_YET_DUE), "hs.qua_han": _dossiers(F.OVERDUE),
    "hs.rut": _dossiers(F.WITHDRAWN), "hs.cho_bo_sung": _dossiers(F.WAITING_SUPPLEMENT),
    "hs.so_hoa": _dossiers(F.DIGITIZED),
    "hs.khong_dia_gioi": _dossiers(F.BOUNDARY_FREE), "hs.chuyen_don_vi_khac": _dossiers(F.TRANSFERRED_OUT),
    "ks.hai_long": _counted(), "ktra.don_vi_kiem_tra": _counted(), "ktra.don_vi": _counted(),
}
"""The figures a computed (C) row of the appendix may show (``Figures.indicators`` counts every one, and the
``rate.`` fractions and a few named parts beside them)."""


def behind(key: str) -> Behind | None:
    """The records behind the figure ``key``; None when it has no list (or is no computed figure)."""
    found = INDICATORS.get(key)
    return found.behind if found else None
