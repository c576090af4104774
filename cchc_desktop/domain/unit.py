"""The unit (commune People's Committee) and its business settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from cchc_desktop.domain.signatures import authority_lines


@dataclass(frozen=True)
class OfficeHours:
    """Morning and afternoon sessions; DOMAIN.md default 07:30–11:30 and 13:30–17:00 (a setting)."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)
    saturday_morning: bool = False


DESK_2025 = "Trung tâm Phục vụ hành chính công"  # a commune's one-stop desk since 1 July 2025
DESK_2018 = "Bộ phận Tiếp nhận và Trả kết quả"  # before (the 2018 set of forms names it so)
DESK_CODE = "TTPVHCC"  # the desk's symbol on its papers' numbers (BPTNTKQ for a Bộ phận)


@dataclass(frozen=True)
class UnitSettings:
    name: str = ""
    place: str = ""
    code: str = ""
    parent: str = ""  # the unit the reports go to: the province, or its department (no district since 2025)
    province: str = ""  # «Thanh Hóa»
    address: str = ""
    phone: str = ""
    chair_name: str = ""
    signer_name: str = ""
    signer_title: str = "CHỦ TỊCH"
    signer_authority: str = ""  # empty: as the title calls for (domain.signatures); «A; B» for two lines
    desk_name: str = ""  # empty: «Trung tâm Phục vụ hành chính công xã …» of the unit
    desk_code: str = DESK_CODE
    desk_contact_name: str = ""  # whom a citizen asks about a supplement (Mẫu 02)
    desk_contact_phone: str = ""
    lookup_url: str = ""  # the province's dossier lookup page, «{code}» where the dossier code goes (the QR)
    report_recipients: str = ""  # the report's default «Nơi nhận», one a line
    report_cutoff_day: int = 0  # 0: calendar months; 1–28: a month runs from the day after to this day
    office_hours: OfficeHours = OfficeHours()
    dossier_code_pattern: str = "{unit}-{yymmdd}-{seq:04d}"
    papers_keep_days: int = 90  # the window keeps the PDF of every paper it printed this long (personal data)
    form_set: str = "TT03/2025"  # the forms new dossiers are received under (a reprint keeps the dossier's own)
    online_rate_base: str = "offered_online"  # what the online rates count over (domain.statistics.OnlineRateBase)

    @property
    def configured(self) -> bool:
        return bool(self.name)

    @property
    def commune(self) -> str:
        """«xã Hoằng Hợp» from «UBND xã Hoằng Hợp» (the name itself when it has no «UBND»)."""
        words = self.name.split()
        for prefix in (["UBND"], ["Ủy", "ban", "nhân", "dân"], ["ỦY", "BAN", "NHÂN", "DÂN"]):
            if words[: len(prefix)] == prefix:
                return " ".join(words[len(prefix):])
        return self.name

    @property
    def desk(self) -> str:
        """The desk's name: the one set, else «Trung tâm Phục vụ hành chính công xã …»."""
        return self.desk_name.strip() or " ".join(part for part in (DESK_2025, self.commune) if part)

    @property
    def authority(self) -> tuple[str, ...]:
        """The lines above the signer's title (Nghị định 30/2020: «KT. CHỦ TỊCH» over «PHÓ CHỦ TỊCH»...)."""
        return authority_lines(self.signer_title, self.signer_authority)

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.report_recipients.splitlines() if line.strip())


def place_of(unit_name: str) -> str:
    """``UBND xã Hoằng Hợp`` → ``Hoằng Hợp``: the place name of the papers' date line; "" when the name does not
    say it."""
    match = re.match(r"^(?:UBND|Ủy ban nhân dân)\s+(?:xã|phường|thị trấn|đặc khu)\s+(.+)$", unit_name.strip(), re.I)
    return match.group(1) if match else ""
