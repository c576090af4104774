"""The unit (commune People's Committee) and its business settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class OfficeHours:
    """Morning and afternoon sessions; DOMAIN.md default 07:30–11:30 and 13:30–17:00 (a setting)."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)
    saturday_morning: bool = False


@dataclass(frozen=True)
class UnitSettings:
    name: str = ""
    place: str = ""
    code: str = ""
    parent: str = ""
    address: str = ""
    phone: str = ""
    chair_name: str = ""
    signer_name: str = ""
    signer_title: str = "CHỦ TỊCH"
    signer_authority: str = "TM. ỦY BAN NHÂN DÂN"
    report_cutoff_day: int = 0  # 0: calendar months; 1–28: a month runs from the day after to this day
    office_hours: OfficeHours = OfficeHours()
    dossier_code_pattern: str = "{unit}-{yymmdd}-{seq:04d}"
    papers_keep_days: int = 90  # the window keeps the PDF of every paper it printed this long (personal data)

    @property
    def configured(self) -> bool:
        return bool(self.name)
