"""The reference catalogue of commune-level procedures and its idempotent loader (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from cchc_desktop.domain.catalogue import TimeLimitUnit
from cchc_desktop.services.catalogue import load_reference_catalogue, read_reference_procedures
from cchc_desktop.text import fold
from db.handle import Database

pytestmark = pytest.mark.backends


def test_the_reference_catalogue_is_well_formed() -> None:
    procedures = read_reference_procedures()
    assert len(procedures) >= 45
    assert len({p.code for p in procedures}) == len(procedures)
    for p in procedures:
        assert re.fullmatch(r"[1-9]\.\d{6}", p.code), p.code
        assert p.name == unicodedata.normalize("NFC", p.name) and p.name[0].isupper()
        assert (p.afternoon_cutoff is not None) == (p.time_limit_unit is TimeLimitUnit.SAME_DAY)
    fields = {p.field for p in procedures}
    assert {"Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Bảo trợ xã hội", "Thi đua, khen thưởng",
            "Người có công", "Tín ngưỡng, tôn giáo", "Nuôi con nuôi", "Hòa giải cơ sở"} <= fields
    birth = next(p for p in procedures if p.code == "1.001193")
    assert birth.name == "Thủ tục đăng ký khai sinh" and birth.field == "Hộ tịch"


def test_loading_twice_adds_nothing_the_second_time(db: Database) -> None:
    first = load_reference_catalogue(db)
    assert first.procedures == len(read_reference_procedures())
    assert first.fields == db.execute("SELECT count(*) FROM field").fetchone()[0]
    db.execute("UPDATE procedure SET time_limit = 4 WHERE code = '1.004873'")  # the unit's own edit
    second = load_reference_catalogue(db)
    assert (second.fields, second.procedures) == (0, 0)
    assert db.execute("SELECT time_limit FROM procedure WHERE code = '1.004873'").fetchone()[0] == 4
    names = "SELECT name, name_folded FROM procedure UNION ALL SELECT name, name_folded FROM field"
    for name, folded in db.execute(names):
        assert folded == fold(name)
    row = db.execute("""
        SELECT p.time_limit_unit, p.afternoon_cutoff, p.fee, f.name FROM procedure p JOIN field f ON f.id = p.field_id
        WHERE p.code = '2.000815'""").fetchone()
    assert row[:2] == ("same_day", "15:00") and row[3] == "Chứng thực" and row[2].startswith("2.000 đồng/trang")
