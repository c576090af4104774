"""The unit's settings: typed, validated all at once, stored in one transaction."""

from __future__ import annotations

import dataclasses
from datetime import time

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.unit import OfficeHours, UnitSettings
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.settings import SettingsService


def test_defaults_before_anything_is_saved(db: Database) -> None:
    settings = SettingsService(db).load()
    assert settings.name == ""
    assert not settings.configured
    assert settings.office_hours == OfficeHours(time(7, 30), time(11, 30), time(13, 30), time(17, 0), False)


def test_save_cleans_and_round_trips(db: Database) -> None:
    service = SettingsService(db)
    wanted = UnitSettings(
        name="  UBND xã   Hoằng Hợp ", place="Hoằng Hợp", code="000.21.31.h56", parent="UBND huyện Hoằng Hóa",
        signer_name="Lê Văn Minh", signer_title="PHÓ CHỦ TỊCH", signer_authority="KT. CHỦ TỊCH",
        report_cutoff_day=20,
        office_hours=OfficeHours(time(7, 0), time(11, 30), time(13, 0), time(16, 30), True),
    )
    stored = service.save(wanted)
    assert stored.name == "UBND xã Hoằng Hợp"
    assert stored.code == "000.21.31.H56"
    assert SettingsService(db).load() == stored


def test_every_wrong_field_is_reported_at_once_and_nothing_is_saved(db: Database) -> None:
    service = SettingsService(db)
    service.save(UnitSettings(name="UBND xã Hoằng Hợp"))
    bad = UnitSettings(
        name="   ", code="abc", report_cutoff_day=31,
        office_hours=OfficeHours(time(11, 0), time(8, 0), time(13, 30), time(17, 0)),
        dossier_code_pattern="{unit}-{yymmdd}",
    )
    with pytest.raises(ValidationError) as caught:
        service.save(bad)
    assert set(caught.value.errors) == {"name", "code", "report_cutoff_day", "office_hours", "dossier_code_pattern"}
    assert caught.value.errors["name"] == "Tên đơn vị không được để trống."
    assert "000.21.31.H56" in caught.value.errors["code"]
    assert service.load().name == "UBND xã Hoằng Hợp"


def test_update_keeps_the_other_settings(db: Database) -> None:
    service = SettingsService(db)
    service.save(UnitSettings(name="UBND xã Hoằng Hợp", signer_name="Lê Văn Minh"))
    service.update(parent="UBND tỉnh Thanh Hóa")
    loaded = service.load()
    assert (loaded.name, loaded.signer_name, loaded.parent) == (
        "UBND xã Hoằng Hợp", "Lê Văn Minh", "UBND tỉnh Thanh Hóa")


def test_an_empty_unit_code_is_allowed(db: Database) -> None:
    stored = SettingsService(db).save(dataclasses.replace(UnitSettings(), name="UBND phường Hạc Thành"))
    assert stored.code == ""
