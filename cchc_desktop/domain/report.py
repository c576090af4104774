"""The periodic report as data (DOMAIN.md §7, DESIGN.md §6–§7): what the builders of the PDF, Word, Excel and
JSON files receive, whatever made it (a commune's records, or the consolidation of several communes' files).

No personal data ever enters these types: figures, the unit, the period, and the officer-written text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.periods import Period
from cchc_desktop.formatting import number, percent

if TYPE_CHECKING:
    from cchc_desktop.domain.appendix import AppendixTemplate

SCHEMA = "cchc-report/1"

Value = int | float | None


class RowSource(Choice):
    """Where an appendix value comes from (the JSON's ``sources``)."""

    COMPUTED = "computed", "Tính từ dữ liệu"
    MANUAL = "manual", "Nhập tay"


@dataclass(frozen=True)
class AppendixRow:
    """One row of the statistical appendix (Phụ lục).

    ``number`` is the row number printed (``3.3.1``); ``key`` the indicator key of the JSON (the number, or the
    number with a breakdown suffix such as ``3.3.1.truc_tiep``); ``level`` 0 for a row, 1 for a breakdown line
    under it; ``percent`` when the value is a percentage (0–100) rather than a count or a code; a heading row
    (``heading=True``) has no value and groups the rows after it (``1. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH``).
    """

    number: str
    name: str
    unit: str = ""
    key: str = ""
    value: Value = None
    source: RowSource = RowSource.COMPUTED
    level: int = 0
    percent: bool = False
    heading: bool = False


def is_whole(value: float) -> bool:
    return float(value).is_integer()


def value_text(row: AppendixRow) -> str:
    """An appendix value as every output shows it — the screen, the PDF, Word, the drill-down — and as Excel's
    number format renders it: ``1.648``, ``3,5``; a percentage ``99,2%`` (``100%`` when whole); none: ``—``; a
    heading: nothing."""
    if row.heading:
        return ""
    if row.value is None:
        return number(None)
    if row.percent:
        return percent(row.value / 100, decimals=0 if is_whole(row.value) else 1)
    return number(int(row.value) if is_whole(row.value) else row.value)


@dataclass(frozen=True)
class NarrativeSection:
    """A section of the report's text: ``key`` I … V (or I.1, II.2 …), its title, its (editable) text."""

    key: str
    title: str
    text: str


class GapKind(Choice):
    """What is left to finish in a report before it is sent (a draft may be exported meanwhile)."""

    PLACEHOLDER = "placeholder", "Chỗ cần viết trong thuyết minh"
    MANUAL = "manual", "Dòng nhập tay chưa có số liệu"
    NUMBER = "number", "Chưa có số báo cáo"


@dataclass(frozen=True)
class ReportGap:
    """One thing left to finish: ``key`` is the section's key (``I.3``), the row's indicator key (``4.1.1``) or
    ``number``; ``text`` the line the window and the command line show."""

    kind: GapKind
    key: str
    text: str


@dataclass(frozen=True)
class ReportUnit:
    """The issuing unit as the report's header and signature need it."""

    name: str  # "UBND xã Hoằng Hợp"
    code: str = ""
    parent: str = ""  # the recipient above: "UBND tỉnh Thanh Hóa" (a district's, before 2025)
    place: str = ""  # for the place-date line: "Hoằng Hợp"
    signer_name: str = ""
    signer_title: str = "CHỦ TỊCH"
    signer_authority: str = ""  # empty: as the title calls for (domain.signatures)


@dataclass(frozen=True)
class ReportDocument:
    """Everything a report file shows.

    ``indicators``/``sources`` are the machine part (DESIGN.md §6 keys, every computed and manual figure,
    including the named ``hs.``/``rate.`` ones that have no appendix row); ``appendix`` the human table;
    ``sections`` the text. ``version`` counts the exports of the same period (a sent report is never changed:
    a later export is a new version). ``communes`` is set by a consolidation (the units added up). ``template``
    is the appendix template the rows follow (None: the default template).
    """

    unit: ReportUnit
    period: Period
    cutoff: date
    issued_on: date
    title: str  # "BÁO CÁO"
    subject: str  # "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024"
    sections: tuple[NarrativeSection, ...]
    appendix: tuple[AppendixRow, ...]
    indicators: Mapping[str, Value]
    sources: Mapping[str, str]
    generated_at: datetime
    number: str = ""  # "Số: 45/BC-UBND" (empty: "Số:      /BC-UBND" left for the clerk)
    recipients: tuple[str, ...] = ()
    version: int = 1
    communes: tuple[str, ...] = field(default_factory=tuple)
    audit: Mapping[str, object] | None = None  # where the audit trail stood at export (an anchor outside the file)
    draft: bool = False  # a draft (dự thảo): «DỰ THẢO» on every page of its file, never recorded as sent
    dated: bool = True  # False: no date was given and the day it was drafted lies outside the period's reporting
    # window, so ``issued_on`` only stands in for the date an export must be given
    template: AppendixTemplate | None = None

    def value(self, key: str) -> Value:
        return self.indicators.get(key)
