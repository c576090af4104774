"""SettingsService: the unit's business settings, typed and validated."""

from __future__ import annotations

import dataclasses
import re
from datetime import time
from typing import Any

from cchc_desktop.domain import signatures
from cchc_desktop.domain.dossiers import code_pattern
from cchc_desktop.domain.unit import OfficeHours, UnitSettings
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.sessions import requires
from cchc_desktop.text import clean
from db.errors import writing
from db.handle import Database
from db.queries import settings as queries

# Mã định danh (Quyết định 20/2020/QĐ-TTg): dot-separated groups of letters and digits, e.g. 000.21.31.H56.
UNIT_CODE = re.compile(r"^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){1,4}$")
_TEXT_FIELDS = (
    "name", "place", "code", "parent", "province", "address", "phone", "chair_name",
    "signer_name", "signer_title", "signer_authority", "dossier_code_pattern",
    "desk_name", "desk_code", "desk_contact_name", "desk_contact_phone", "lookup_url", "report_recipients",
    "form_set", "online_rate_base",
)
FORM_SETS = ("TT03/2025", "TT01/2018")  # Thông tư 03/2025/TT-VPCP, and 01/2018 for dossiers of before
_HOURS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")
PAPERS_KEEP_DAYS = (7, 3650)  # a week at least (a reprint the next day), ten years at most


def _parse_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class SettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self) -> UnitSettings:
        """The saved settings, with defaults for what was never saved."""
        raw = queries.read_all(self.db)
        defaults = UnitSettings()
        hours_default = defaults.office_hours
        hours = OfficeHours(
            **{key: _parse_time(raw[f"office.{key}"]) if f"office.{key}" in raw
               else getattr(hours_default, key) for key in _HOURS},
            saturday_morning=raw.get("office.saturday_morning", "0") == "1",
        )
        return UnitSettings(
            **{key: raw.get(f"unit.{key}", getattr(defaults, key)) for key in _TEXT_FIELDS},
            report_cutoff_day=int(raw.get("unit.report_cutoff_day", defaults.report_cutoff_day)),
            office_hours=hours,
            papers_keep_days=int(raw.get("papers.keep_days", defaults.papers_keep_days)),
        )

    def validate(self, settings: UnitSettings) -> UnitSettings:
        """The settings cleaned (NFC, trimmed); ValidationError lists every wrong field at once."""
        from cchc_desktop.domain.statistics import OnlineRateBase  # (the counting's domain: not at every start)

        texts: dict[str, Any] = {key: clean(getattr(settings, key)) for key in _TEXT_FIELDS
                                 if key != "report_recipients"}
        cleaned = dataclasses.replace(
            settings, **texts,
            report_recipients="\n".join(clean(line) for line in settings.report_recipients.splitlines() if clean(line)),
        )
        cleaned = dataclasses.replace(cleaned, code=cleaned.code.upper(), desk_code=cleaned.desk_code.upper())
        errors: dict[str, str] = {}
        if not cleaned.name:
            errors["name"] = _("Tên đơn vị không được để trống.")
        if cleaned.code and not UNIT_CODE.match(cleaned.code):
            errors["code"] = _("Mã định danh không hợp lệ (ví dụ đúng: 000.21.31.H56).")
        if not PAPERS_KEEP_DAYS[0] <= cleaned.papers_keep_days <= PAPERS_KEEP_DAYS[1]:
            errors["papers_keep_days"] = _("Số ngày giữ phiếu đã in phải từ {low} đến {high}.").format(
                low=PAPERS_KEEP_DAYS[0], high=PAPERS_KEEP_DAYS[1])
        if not 0 <= cleaned.report_cutoff_day <= 28:
            errors["report_cutoff_day"] = _("Ngày chốt số liệu phải từ 1 đến 28 (0 là theo tháng dương lịch).")
        hours = cleaned.office_hours
        if not (hours.morning_start < hours.morning_end <= hours.afternoon_start < hours.afternoon_end):
            errors["office_hours"] = _(
                "Giờ làm việc phải theo thứ tự: bắt đầu sáng < kết thúc sáng ≤ bắt đầu chiều < kết thúc chiều."
            )
        authority = signatures.problem(cleaned.signer_title, cleaned.signer_authority)
        if authority:
            errors["signer_authority"] = authority
        if cleaned.form_set not in FORM_SETS:
            errors["form_set"] = _("Bộ biểu mẫu phải là một trong: {sets}.").format(sets=", ".join(FORM_SETS))
        if cleaned.online_rate_base not in {base.value for base in OnlineRateBase}:
            errors["online_rate_base"] = _("Cách tính tỷ lệ hồ sơ trực tuyến phải là một trong: {bases}.").format(
                bases="; ".join(base.label for base in OnlineRateBase))
        if cleaned.desk_code and not re.fullmatch(r"[A-ZĐ0-9&]{2,20}", cleaned.desk_code):
            errors["desk_code"] = _("Ký hiệu của bộ phận một cửa chỉ gồm chữ in hoa và chữ số (ví dụ TTPVHCC).")
        if cleaned.lookup_url and not (re.match(r"https?://", cleaned.lookup_url) and "{code}" in cleaned.lookup_url):
            errors["lookup_url"] = _("Địa chỉ tra cứu phải bắt đầu bằng http:// hoặc https:// và có {code} ở chỗ "
                                     "mã hồ sơ (ví dụ https://dichvucong.thanhhoa.gov.vn/tra-cuu?ma={code}).")
        if "{seq" not in cleaned.dossier_code_pattern:
            errors["dossier_code_pattern"] = _("Mẫu mã hồ sơ phải có số thứ tự trong ngày {seq:04d}.")
        elif code_pattern(cleaned.dossier_code_pattern) != cleaned.dossier_code_pattern:
            errors["dossier_code_pattern"] = _(
                "Mẫu mã hồ sơ không dùng được: chỉ gồm {unit}, {yymmdd} và {seq:04d} cùng các ký tự khác.")
        if errors:
            raise ValidationError(errors)
        return cleaned

    @requires(Permission.SETTINGS)
    def save(self, settings: UnitSettings) -> UnitSettings:
        """Validate and store all settings in one transaction; returns what was stored."""
        cleaned = self.validate(settings)
        values = {f"unit.{key}": getattr(cleaned, key) for key in _TEXT_FIELDS}
        values["unit.report_cutoff_day"] = str(cleaned.report_cutoff_day)
        values["papers.keep_days"] = str(cleaned.papers_keep_days)
        hours = cleaned.office_hours
        values.update({f"office.{key}": getattr(hours, key).strftime("%H:%M") for key in _HOURS})
        values["office.saturday_morning"] = "1" if hours.saturday_morning else "0"
        with writing(self.db):
            queries.write_many(self.db, values)
        return cleaned

    def update(self, **changes: Any) -> UnitSettings:
        """Change some settings, keeping the others."""
        return self.save(dataclasses.replace(self.load(), **changes))
