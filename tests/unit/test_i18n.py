"""One string system: Vietnamese message ids, English from a .po catalogue."""

from collections.abc import Iterator

import pytest

from cchc_desktop import i18n
from cchc_desktop.domain.dossiers import DossierStatus


@pytest.fixture
def english() -> Iterator[None]:
    assert i18n.set_language("en") == "en"
    yield
    i18n.set_language("vi")


def test_vietnamese_is_the_default() -> None:
    assert i18n.current_language() == "vi"
    assert i18n._("Tổng quan") == "Tổng quan"
    assert DossierStatus.RECEIVED.label == "Đã tiếp nhận"


def test_english_comes_from_the_catalogue(english: None) -> None:
    assert i18n._("Tổng quan") == "Dashboard"
    assert i18n._("Một câu chưa dịch") == "Một câu chưa dịch"
    assert i18n.ngettext("{n} hồ sơ", "{n} hồ sơ", 1) == "{n} dossier"
    assert i18n.ngettext("{n} hồ sơ", "{n} hồ sơ", 5) == "{n} dossiers"


def test_an_unknown_language_falls_back_to_vietnamese() -> None:
    assert i18n.set_language("xx") == "vi"
    assert "en" in i18n.available_languages()
