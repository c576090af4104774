"""The dossier register: keyset pages in SQL order, diacritics-insensitive search, filters and counts — on SQLite and
on PostgreSQL (``backends``: the same demo on each engine, the same expectations)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from cchc_desktop import formatting
from cchc_desktop.domain.dossiers import OPEN_STATUSES, Channel, DossierStatus, EventKind
from cchc_desktop.services.register import RegisterFilter, RegisterRow, RegisterService, SortKey, search_words
from cchc_desktop.text import fold
from db.connection import open_db
from db.handle import Database
from db.queries import register as queries
from tests import postgres

pytestmark = pytest.mark.backends


@pytest.fixture
def demo(demo_location: Path | str) -> Iterator[Database]:
    db = open_db(demo_location)
    yield db
    db.close()


def everything(service: RegisterService, wanted: RegisterFilter, limit: int = 37) -> list[RegisterRow]:
    rows: list[RegisterRow] = []
    cursor = None
    while True:
        page = service.page(wanted, after=cursor, limit=limit)
        rows.extend(page.rows)
        if not page.more:
            return rows
        cursor = page.cursor


def all_dossiers(db: Database) -> list[dict]:
    cursor = db.execute("SELECT id, code, applicant_name, applicant_folded, received_at, due_at, status, channel, "
                        "phone, applicant_id FROM dossier")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


SORTS = {
    SortKey.RECEIVED_AT: lambda d: (d["received_at"], d["id"]),
    SortKey.CODE: lambda d: (d["code"], d["id"]),
    SortKey.APPLICANT: lambda d: (d["applicant_folded"], d["id"]),
    SortKey.DUE_AT: lambda d: (d["due_at"], d["id"]),
}


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("sort", list(SortKey))
def test_pages_follow_the_sql_order_without_gaps_or_repeats(demo: Database, sort: SortKey, descending: bool) -> None:
    service = RegisterService(demo)
    rows = everything(service, RegisterFilter(sort=sort, descending=descending))
    expected = sorted(all_dossiers(demo), key=SORTS[sort], reverse=descending)
    assert [row.id for row in rows] == [d["id"] for d in expected]
    assert service.count(RegisterFilter()) == len(expected) == 300


def test_a_name_is_found_with_or_without_diacritics_and_in_any_case(demo: Database) -> None:
    service = RegisterService(demo)
    target = all_dossiers(demo)[41]
    name = target["applicant_name"]
    for typed in (name, fold(name), fold(name).upper()):
        found = everything(service, RegisterFilter(text=typed))
        assert target["id"] in [row.id for row in found], typed
        for row in found:  # every word typed begins a word of the name found
            words = fold(row.applicant_name).split()
            assert all(any(w.startswith(t) for w in words) for t in fold(name).split()), row.applicant_name


def test_dang_finds_the_dang_family(demo: Database) -> None:
    service = RegisterService(demo)
    found = everything(service, RegisterFilter(text="dang"))
    expected = {d["id"] for d in all_dossiers(demo) if any(w.startswith("dang") for w in d["applicant_folded"].split())}
    assert expected, "the demo has people named Đặng"
    assert {row.id for row in found} == expected
    assert any("Đặng" in row.applicant_name for row in found)


def test_code_phone_and_id_number_are_found(demo: Database) -> None:
    service = RegisterService(demo)
    target = next(d for d in all_dossiers(demo) if d["phone"] and d["applicant_id"])
    tail = target["code"].split("-", 1)[1]  # "240604-0007"
    assert [r.id for r in everything(service, RegisterFilter(text=target["code"]))] == [target["id"]]
    assert target["id"] in [r.id for r in everything(service, RegisterFilter(text=tail))]
    phone = target["phone"]
    spaced = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    assert target["id"] in [r.id for r in everything(service, RegisterFilter(text=spaced))]
    assert target["id"] in [r.id for r in everything(service, RegisterFilter(text=target["applicant_id"]))]


def words_of(dossier: dict) -> list[str]:
    """The words a search looks into: those of the code, the folded name, the phone and the ID number."""
    text = " ".join(dossier[key] or "" for key in ("code", "applicant_folded", "phone", "applicant_id"))
    return re.findall(r"[0-9a-z]+", text.lower())


def test_a_search_finds_exactly_the_dossiers_where_every_word_begins_a_word(demo: Database) -> None:
    """What each engine's index must mean (FTS5 on SQLite, dossier_words on PostgreSQL), checked against every
    dossier: each word typed begins a word of the code, the folded name, the phone or the ID number — of any of
    them, in any order; listed in the register's order, page after page, and counted."""
    dossiers = all_dossiers(demo)
    service = RegisterService(demo)
    sample = next(d for d in dossiers if d["phone"] and d["applicant_id"])
    family, *_middle, given = sample["applicant_folded"].split()
    code_words = re.findall(r"[0-9a-z]+", sample["code"].lower())
    typed = ["n", "ng", "nguyen", family, f"{given} {family}", f"{family[:2]} {given[:1]}", "thi h", "van a",
             sample["phone"][:4], sample["applicant_id"][:3], f"{given} {sample['phone'][:3]}",
             " ".join(word[:2] for word in code_words[-2:]), code_words[0], "qqq", "0"]
    sizes = set()
    for text in typed:
        words = search_words(text)
        expected = sorted((d for d in dossiers if all(any(w.startswith(t) for w in words_of(d)) for t in words)),
                          key=SORTS[SortKey.APPLICANT])
        found = everything(service, RegisterFilter(text=text, sort=SortKey.APPLICANT, descending=False), limit=23)
        assert [row.id for row in found] == [d["id"] for d in expected], text
        assert service.count(RegisterFilter(text=text)) == len(expected), text
        sizes.add(len(expected))
    assert 0 in sizes and len(dossiers) in sizes and len(sizes) > 6, sizes  # none, some, many and all found


def test_a_search_with_no_hit_is_empty_not_an_error(demo: Database) -> None:
    service = RegisterService(demo)
    assert service.page(RegisterFilter(text="zzzqqq")).rows == ()
    assert service.count(RegisterFilter(text="\"'; DROP TABLE dossier; --")) == 0
    assert service.count(RegisterFilter(text="   ")) == 300


def test_filters_by_status_channel_period_and_overdue(demo: Database) -> None:
    dossiers = all_dossiers(demo)
    service = RegisterService(demo, clock=lambda: datetime(2024, 12, 31, 17, 0))
    waiting = everything(service, RegisterFilter(statuses=(DossierStatus.WAITING_SUPPLEMENT,)))
    assert {r.id for r in waiting} == {d["id"] for d in dossiers if d["status"] == "waiting_supplement"}
    online = everything(service, RegisterFilter(channel=Channel.ONLINE_FULL))
    assert {r.id for r in online} == {d["id"] for d in dossiers if d["channel"] == "online_full"}
    june = everything(service, RegisterFilter(received_from=date(2024, 6, 1), received_to=date(2024, 6, 30)))
    assert {r.id for r in june} == {d["id"] for d in dossiers if d["received_at"][:7] == "2024-06"}
    overdue = everything(service, RegisterFilter(overdue=True))
    assert {r.id for r in overdue} == {
        d["id"] for d in dossiers if d["status"] in OPEN_STATUSES and d["status"] != "waiting_supplement"
        and d["due_at"] < "2024-12-31T17:00"
    }  # a dossier waiting for a supplement has its clock stopped: never overdue (issue 16)
    assert waiting and all(row.status is not DossierStatus.WAITING_SUPPLEMENT for row in overdue)
    assert service.count(RegisterFilter(overdue=True)) == len(overdue)


def test_search_words() -> None:
    assert search_words("Nguyễn Văn Ấn") == ("nguyen", "van", "an")
    assert search_words("0912 345 678") == ("0912345678",)
    assert search_words("240604-0007") == ("240604", "0007")
    assert search_words(" \"' ") == ()


def test_each_engine_is_asked_every_word_as_a_prefix(demo: Database) -> None:
    term, params = queries.search_term(demo, ("nguyen", "van", "0007"))
    if demo.dialect == "sqlite":
        assert (term, params) == ("dossier_fts MATCH ?", ['"nguyen"* "van"* "0007"*'])
    else:  # written into the statement, so that each search is planned for its words
        tsquery = "'''nguyen'':* & ''van'':* & ''0007'':*'::tsquery"
        assert (term, params) == (f"{queries.SEARCHED_WORDS} @@ {tsquery}", [])
    for wrong in ((), ("nguyen", "van an"), ("o'neil",), ("Nguyen",)):  # the service gives a-z and 0-9 only
        with pytest.raises(ValueError, match="search words"):
            queries.search_term(demo, wrong)


def test_masked_numbers_show_only_the_last_three_digits() -> None:
    assert formatting.masked("0912345678") == "•••••••678"
    assert formatting.masked("038099001234") == "•••••••••234"
    assert formatting.masked(None) == ""


def test_a_whole_code_typed_in_lower_case_is_found_by_its_index(demo: Database) -> None:
    service = RegisterService(demo)
    target = all_dossiers(demo)[5]
    assert [r.id for r in everything(service, RegisterFilter(text=f"  {target['code'].lower()} "))] == [target["id"]]
    assert everything(service, RegisterFilter(text="000.21.31.H56-991231-9999")) == []


def test_a_filtered_list_exports_as_shown_with_numbers_masked(demo: Database, tmp_path: Path) -> None:
    import csv

    from cchc_desktop.services import exports

    wanted = RegisterFilter(channel=Channel.DIRECT, sort=SortKey.CODE, descending=False)
    result = exports.export_list(demo, tmp_path / "list.csv", wanted, reason="kiểm thử xuất danh sách", page_size=7)
    expected = everything(RegisterService(demo), wanted)
    with (tmp_path / "list.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Mã hồ sơ", "Chủ hồ sơ", "Trạng thái", "Ngày hẹn trả", "Thủ tục", "Hình thức nộp",
                       "Ngày tiếp nhận", "Điện thoại", "Số giấy tờ"]
    assert [r[0] for r in rows[1:]] == [row.code for row in expected] and result.rows == len(expected)
    assert all(r[5] == "Trực tiếp" for r in rows[1:])
    assert not any(row.phone and row.phone in "".join(r) for row, r in zip(expected, rows[1:], strict=True))


def test_a_late_dossier_says_by_how_many_days(db: Database) -> None:
    """Issue 18: the register shows the status and the appointment beside the name, and a running dossier past
    its appointment how many days late (on the wall calendar: the working-day calendar and its holidays cost the
    window's start 150 ms and 23 MB, measured); one waiting for a supplement (its clock stopped) is not late."""
    from cchc_desktop.services.catalogue import load_reference_catalogue
    from cchc_desktop.services.reception import NewDossier, ReceptionService
    from cchc_desktop.services.register import LIST_COLUMNS, display
    from cchc_desktop.services.settings import SettingsService

    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
    desk = ReceptionService(db, clock=lambda: datetime(2024, 6, 3, 9, 0))  # a Monday; 3 working days: Thursday 11:30
    late = desk.register(NewDossier(procedure_code="1.000689", applicant_name="Lê Văn An")).code
    waiting = desk.register(NewDossier(procedure_code="1.000689", applicant_name="Lê Văn Bình")).code
    desk.transition(waiting, EventKind.TRANSFERRED)
    desk.transition(waiting, EventKind.SUPPLEMENT_REQUESTED, reason="Bản sao giấy khai sinh")
    assert [key for key, _header in LIST_COLUMNS][:4] == ["code", "applicant", "status", "due_at"]
    register = RegisterService(db, clock=lambda: datetime(2024, 6, 11, 10, 0))  # the next Tuesday
    rows = {row.code: row for row in register.page(RegisterFilter()).rows}
    assert rows[late].overdue_days == 5  # Thursday 6 → Tuesday 11
    assert display(rows[late], "due_at") == "06/06/2024 11:30 — quá hạn 5 ngày"
    assert rows[waiting].overdue_days is None and "quá hạn" not in display(rows[waiting], "due_at")
    early = RegisterService(db, clock=lambda: datetime(2024, 6, 6, 11, 0)).page(RegisterFilter()).rows
    same_day = RegisterService(db, clock=lambda: datetime(2024, 6, 6, 16, 0)).page(RegisterFilter()).rows
    assert {row.code: row.overdue_days for row in same_day}[late] == 1  # hours late: counted as one day
    assert all(row.overdue_days is None for row in early)


@pytest.mark.postgres
def test_the_order_is_sqlites_whatever_the_servers_collation(postgres_cluster: postgres.Cluster) -> None:
    """A server whose databases sort text by a language's rules (here ICU's with spaces ignored, as glibc's en_US
    and vi_VN do) lists and pages the register in SQLite's byte order all the same (its m0018: COLLATE "C")."""
    import psycopg

    from cchc_desktop.services.catalogue import load_reference_catalogue
    from cchc_desktop.services.reception import NewDossier, ReceptionService
    from cchc_desktop.services.settings import SettingsService
    from db.pg.migrations import migrate

    names = ["Lê Văn", "Lê Anh Tú", "Lê Ánh", "Lea Nam", "Lê Anh"]
    with psycopg.connect(postgres_cluster.conninfo(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE register_icu TEMPLATE template0 LOCALE_PROVIDER icu"
                     " ICU_LOCALE 'und-u-ka-shifted'")
    with psycopg.connect(postgres_cluster.conninfo("register_icu"), autocommit=True) as conn:
        folded = [fold(name) for name in names]
        by_server = [row[0] for row in conn.execute("SELECT x FROM unnest(%s::text[]) x ORDER BY x", [folded])]
        assert by_server != sorted(folded)  # the server's own order is not SQLite's: this test can fail
        migrate(conn)
    db = open_db(postgres_cluster.url("register_icu"))
    try:
        load_reference_catalogue(db)
        SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
        desk = ReceptionService(db, clock=lambda: datetime(2024, 6, 3, 9, 0))
        for name in names:
            desk.register(NewDossier(procedure_code="1.000689", applicant_name=name))
        dossiers = all_dossiers(db)
        for descending in (False, True):
            expected = sorted(dossiers, key=SORTS[SortKey.APPLICANT], reverse=descending)
            wanted = RegisterFilter(sort=SortKey.APPLICANT, descending=descending)
            assert [row.id for row in everything(RegisterService(db), wanted, limit=1)] == [d["id"] for d in expected]
    finally:
        db.close()
