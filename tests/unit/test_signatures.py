"""Signature blocks by Nghị định 30/2020 (issue 15): the authority follows from the signer's title unless set,
a wrong combination is refused with the rule named, and every paper and report prints it."""

from __future__ import annotations

import pytest

from cchc_desktop.domain.signatures import authority_lines, derived, problem
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.settings import SettingsService


@pytest.mark.parametrize(("title", "authority", "lines"), [
    ("CHỦ TỊCH", "", ("TM. ỦY BAN NHÂN DÂN",)),
    ("PHÓ CHỦ TỊCH", "", ("KT. CHỦ TỊCH",)),
    ("Phó Chủ tịch", "", ("KT. CHỦ TỊCH",)),
    ("Q. CHỦ TỊCH", "", ("TM. ỦY BAN NHÂN DÂN",)),
    ("PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")),
    ("CHÁNH VĂN PHÒNG", "TL. CHỦ TỊCH", ("TL. CHỦ TỊCH",)),
    ("TRƯỞNG PHÒNG", "TUQ. CHỦ TỊCH", ("TUQ. CHỦ TỊCH",)),
    ("PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", ("KT. CHỦ TỊCH",)),  # an old default left over: the rule wins
    ("CÔNG CHỨC", "", ()),
])
def test_the_authority_lines(title: str, authority: str, lines: tuple[str, ...]) -> None:
    assert authority_lines(title, authority) == lines


def test_wrong_combinations_are_named() -> None:
    assert "KT. CHỦ TỊCH" in (problem("PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN") or "")
    assert "chỉ dùng khi cấp phó ký thay" in (problem("CHỦ TỊCH", "KT. CHỦ TỊCH") or "")
    assert problem("CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN") is None
    assert derived("PHÓ CHỦ TỊCH") == ("KT. CHỦ TỊCH",)


def test_the_settings_refuse_a_vice_chair_for_the_committee(db) -> None:
    service = SettingsService(db)
    with pytest.raises(ValidationError) as refused:
        service.update(name="UBND xã Hoằng Hợp", signer_title="PHÓ CHỦ TỊCH", signer_authority="TM. ỦY BAN NHÂN DÂN")
    assert "Nghị định 30/2020" in refused.value.errors["signer_authority"]
    saved = service.update(name="UBND xã Hoằng Hợp", signer_title="PHÓ CHỦ TỊCH", signer_authority="")
    assert saved.authority == ("KT. CHỦ TỊCH",)


def test_the_desk_and_the_commune_follow_from_the_unit() -> None:
    unit = UnitSettings(name="UBND xã Hoằng Hợp")
    assert unit.commune == "xã Hoằng Hợp"
    assert unit.desk == "Trung tâm Phục vụ hành chính công xã Hoằng Hợp"
    assert UnitSettings(name="UBND phường Ba Đình", desk_name="Bộ phận Một cửa").desk == "Bộ phận Một cửa"
