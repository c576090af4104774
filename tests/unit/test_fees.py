"""Fees and boundary-free filings (issue 21, parts 2 and 3): the catalogue's fee as a number, the fee the desk
records on a dossier (at reception and afterwards), the period's totals by field with the online-payment share,
the filings of another commune's residents and the dossiers handed to another unit — the register's filter on them
and rows 3.2.6 and 3.4.3 of the report, computed from the records. Figures are worked out by hand beside the data."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.dossiers import EventKind
from cchc_desktop.domain.fees import FeeMethod, FeePayment, amount_note, parse_amount, payment_text, stated_amount
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.templates import default
from cchc_desktop.domain.users import Role
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.catalogue import CatalogueService, load_reference_catalogue
from cchc_desktop.services.imports import ImportService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.register import RegisterFilter, RegisterService
from cchc_desktop.services.reports import ReportService
from cchc_desktop.services.sessions import PermissionDenied
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.statistics import StatisticsService
from cchc_desktop.text import fold
from db import audit
from db.queries import register as register_queries
from tests.conftest import DEMO_ADMIN

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 6, 3, 9, 0)  # a Monday
COPY = "2.000635"  # Cấp bản sao Trích lục hộ tịch: «8.000 đồng/bản», offered online in full
BIRTH = "1.001193"  # Thủ tục đăng ký khai sinh: «Miễn lệ phí»
LAND = "1.012783"  # «Theo quy định của HĐND tỉnh»: no one amount
TABLES = ("dossier", "dossier_event", "dossier_document")


@pytest.fixture
def desk(db: Database) -> ReceptionService:
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
    return ReceptionService(db, clock=lambda: NOW)


def snapshot(db: Database) -> dict[str, list[dict[str, Any]]]:
    return {table: list(db[table].rows) for table in TABLES}


def fee_columns(db: Database, code: str) -> tuple[Any, ...]:
    return db.execute("SELECT fee_paid, fee_receipt, fee_method, fee_exempt_reason FROM dossier WHERE code = ?",
                      [code]).fetchone()


# -- the catalogue's fee as a number ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "amount"), [
    ("8.000 đồng/bản", 8000), ("50.000 đồng/hợp đồng, giao dịch", 50_000), ("400.000 đồng/trường hợp", 400_000),
    ("Miễn lệ phí", 0), ("Không", 0), ("Không thu phí", 0),
    ("2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 đồng/bản", None),
    ("Theo quy định của HĐND tỉnh", None), ("", None), (None, None),
])
def test_the_stated_fee_is_read_only_from_a_plain_amount(text: str | None, amount: int | None) -> None:
    assert stated_amount(text) == amount


@pytest.mark.parametrize(("text", "amount"), [
    ("8.000", 8000), ("8000", 8000), ("50.000 đồng", 50_000), (" 8.000đ ", 8000), ("Không thu", 0), ("0", 0),
    ("", None),
])
def test_an_amount_is_read_the_vietnamese_way(text: str, amount: int | None) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["8,5", "-5", "năm mươi nghìn", "1e5", "NaN", "100.000.000.000.000"])
def test_what_is_no_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_the_reference_catalogue_arrives_with_its_amounts(desk: ReceptionService, db: Database) -> None:
    amounts = dict(db.execute("SELECT code, fee_amount FROM procedure").fetchall())
    assert (amounts[COPY], amounts[BIRTH], amounts[LAND], amounts["2.000815"]) == (8000, 0, None, None)
    CatalogueService(db).set_fee(COPY, amount=9000, online_payment=True)
    load_reference_catalogue(db)  # again: the unit's own amount stays
    assert db.execute("SELECT fee_amount, online_payment FROM procedure WHERE code = ?", [COPY]).fetchone() == (
        9000, 1)


def test_the_catalogue_sets_a_fee_and_refuses_a_wrong_one(desk: ReceptionService, db: Database) -> None:
    catalogue = CatalogueService(db)
    entry = catalogue.set_fee(LAND, amount=150_000, online_payment=True)
    assert (entry.fee_amount, entry.online_payment, entry.fee_label) == (150_000, True, "150.000 đồng")
    assert catalogue.set_fee(LAND, amount=None, online_payment=False).fee_label == "Theo quy định của HĐND tỉnh"
    assert next(e for e in catalogue.procedures() if e.code == BIRTH).fee_label == "Không thu"
    for amount in (-1, 10**12):
        with pytest.raises(ValidationError) as caught:
            catalogue.set_fee(LAND, amount=amount, online_payment=True)
        assert list(caught.value.errors) == ["fee_amount"]
    with pytest.raises(ValidationError) as caught:
        catalogue.set_fee("9.999999", amount=1000, online_payment=False)
    assert caught.value.errors == {"code": "Không có thủ tục mã «9.999999» trong danh mục."}
    assert db.execute("SELECT fee_amount, online_payment FROM procedure WHERE code = ?", [LAND]).fetchone() == (
        None, 0)


def test_the_catalogue_import_reads_the_amount_and_the_online_payment(desk: ReceptionService, db: Database,
                                                                      tmp_path: Path) -> None:
    def csv_file(name: str, rows: list[list[str]]) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream).writerows(rows)
        return path

    header = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Thời hạn giải quyết", "Phí, lệ phí", "Mức phí, lệ phí (đồng)",
              "Thanh toán trực tuyến"]
    service = ImportService(db, clock=lambda: NOW)
    result = service.import_procedures(csv_file("thutuc.csv", [
        header,
        ["9.100001", "Thủ tục có phí", "Hộ tịch", "3", "20.000 đồng/bản", "", "Có"],  # the amount the text states
        ["9.100002", "Thủ tục theo HĐND", "Hộ tịch", "3", "Theo quy định của HĐND tỉnh", "35.000", "Không"],
        ["9.100003", "Thủ tục miễn phí", "Hộ tịch", "3", "Không", "", ""],
    ]))
    assert result.inserted == 3
    stored = {code: (amount, online) for code, amount, online in db.execute(
        "SELECT code, fee_amount, online_payment FROM procedure WHERE code LIKE '9.1%'")}
    assert stored == {"9.100001": (20_000, 1), "9.100002": (35_000, 0), "9.100003": (0, 0)}
    # a file without the amount and the online payment keeps them; a new text states a new amount
    again = service.import_procedures(csv_file("lai.csv", [
        header[:5], ["9.100001", "Thủ tục có phí", "Hộ tịch", "3", "25.000 đồng/bản"],
        ["9.100002", "Thủ tục theo HĐND", "Hộ tịch", "3", "Theo quy định của HĐND tỉnh"]]))
    assert (again.updated, again.unchanged) == (1, 1)
    assert db.execute("SELECT fee_amount, online_payment FROM procedure WHERE code IN ('9.100001', '9.100002')"
                      " ORDER BY code").fetchall() == [(25_000, 1), (35_000, 0)]
    from cchc_desktop.services.imports import ImportRejected

    with pytest.raises(ImportRejected) as caught:
        service.import_procedures(csv_file("sai.csv", [
            ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Mức phí, lệ phí (đồng)", "Thanh toán trực tuyến"],
            ["9.100001", "Thủ tục có phí", "Hộ tịch", "-5", "Có lẽ"]]))
    assert {(problem.column, problem.message) for problem in caught.value.problems} == {
        ("Mức phí, lệ phí (đồng)", "mức phí, lệ phí «-5» không hợp lệ: ghi số đồng, ví dụ 8.000, hoặc «Không thu»"),
        ("Thanh toán trực tuyến", "giá trị «Có lẽ» không hợp lệ (ghi Có hoặc Không)")}


# -- the fee the desk records ------------------------------------------------------------------------------------


def test_the_fee_collected_at_reception_is_stored(desk: ReceptionService, db: Database) -> None:
    saved = desk.register(NewDossier(COPY, "Nguyễn Văn Ấn", fee=FeePayment(FeeMethod.DESK, 16_000, " 0001234 ")))
    assert saved.notes == ()  # two copies at 8.000 đồng each
    assert fee_columns(db, saved.code) == (16_000, "0001234", "desk", None)
    assert desk.get(saved.code).dossier.fee_payment == FeePayment(FeeMethod.DESK, 16_000, "0001234")
    free = desk.register(NewDossier(BIRTH, "Lê Thị Bình"))
    assert fee_columns(db, free.code) == (None, None, None, None)  # nothing recorded


def test_an_amount_unlike_the_catalogues_is_saved_with_a_note(desk: ReceptionService, db: Database) -> None:
    """Decision: saved (a rule of the province, copies), but told when it is no multiple of the stated fee or
    when a free procedure was charged."""
    odd = desk.register(NewDossier(COPY, "Nguyễn Văn Ấn", fee=FeePayment(FeeMethod.DESK, 10_000)))
    assert odd.notes == ("Danh mục ghi phí, lệ phí 8.000 đồng; số tiền đã ghi thu 10.000 đồng không phải là bội số "
                         "của mức này: hãy kiểm tra lại.",)
    assert fee_columns(db, odd.code)[0] == 10_000
    charged = desk.register(NewDossier(BIRTH, "Lê Thị Bình", fee=FeePayment(FeeMethod.DESK, 5000)))
    assert charged.notes == ("Danh mục ghi thủ tục này không thu phí, lệ phí, nhưng đã ghi thu 5.000 đồng: hãy "
                             "kiểm tra lại.",)
    unstated = desk.register(NewDossier(LAND, "Trần Văn Cường", fee=FeePayment(FeeMethod.DESK, 123_000)))
    assert unstated.notes == ()
    assert amount_note(8000, FeePayment(FeeMethod.EXEMPT, 0, exempt_reason="Hộ nghèo")) is None


@pytest.mark.parametrize(("payment", "errors"), [
    (FeePayment(FeeMethod.EXEMPT), {"fee_exempt_reason": "Cần ghi lý do miễn, giảm phí, lệ phí."}),
    (FeePayment(FeeMethod.DESK, -8000), {"fee_amount": "Số tiền phí, lệ phí không được âm."}),
    (FeePayment(FeeMethod.DESK, 8000, exempt_reason="Hộ nghèo"),
     {"fee_exempt_reason": "Chỉ ghi lý do miễn, giảm khi hồ sơ được miễn, giảm."}),
    (FeePayment(FeeMethod.ONLINE, 0), {"fee_amount": "Cần ghi số tiền đã thu (hoặc chọn «Miễn, giảm»)."}),
    (FeePayment(FeeMethod.DESK, 8000, receipt="x" * 101), {"fee_receipt": "Số biên lai quá dài (tối đa 100 ký tự)."}),
    (FeePayment("cash", 8000), {"fee_method": "Cách nộp phí, lệ phí không hợp lệ (tại Bộ phận Một cửa, trực tuyến, "  # type: ignore[arg-type]
                                              "miễn, giảm)."}),
])
def test_a_wrong_fee_is_refused_in_vietnamese_and_nothing_is_written(
        desk: ReceptionService, db: Database, payment: FeePayment, errors: dict[str, str]) -> None:
    code = desk.register(NewDossier(COPY, "Nguyễn Văn Ấn")).code
    before = snapshot(db)
    with pytest.raises(ValidationError) as caught:
        desk.register(NewDossier(COPY, "Lê Thị Bình", fee=payment))
    assert caught.value.errors == errors
    with pytest.raises(ValidationError) as caught:
        desk.record_fee(code, payment)
    assert caught.value.errors == errors
    assert snapshot(db) == before


def test_every_problem_of_the_form_is_said_at_once(desk: ReceptionService) -> None:
    with pytest.raises(ValidationError) as caught:
        desk.register(NewDossier(COPY, "", fee=FeePayment(FeeMethod.EXEMPT, -1), home_commune="x" * 201))
    assert set(caught.value.errors) == {"applicant_name", "fee_amount", "fee_exempt_reason", "home_commune"}


def test_a_fee_recorded_afterwards_is_in_the_history_and_the_trail(desk: ReceptionService, db: Database) -> None:
    code = desk.register(NewDossier(COPY, "Nguyễn Văn Ấn")).code
    recorded = desk.record_fee(code, FeePayment(FeeMethod.EXEMPT, exempt_reason=" Hộ nghèo "))
    assert (recorded.payment, recorded.note) == (FeePayment(FeeMethod.EXEMPT, 0, None, "Hộ nghèo"), None)
    assert fee_columns(db, code) == (0, None, "exempt", "Hộ nghèo")
    last = desk.get(code).events[-1]
    assert (last.kind, last.reason) == (EventKind.NOTE, "Phí, lệ phí: Miễn, giảm: Hộ nghèo")
    assert desk.get(code).status.value == "received" and desk.undo_offer(code) is None  # a note, not a step
    changed = json.loads(db.execute("SELECT after FROM audit_log WHERE table_name = 'dossier' AND action = 'update'"
                                    " ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert changed["fee_method"] == "exempt" and changed["fee_exempt_reason"] == "Hộ nghèo"
    with pytest.raises(ValidationError) as caught:
        desk.record_fee(code, FeePayment(FeeMethod.EXEMPT, exempt_reason="Hộ nghèo"))
    assert caught.value.errors == {"fee": "Thông tin phí, lệ phí không thay đổi."}
    paid = desk.record_fee(code, FeePayment(FeeMethod.ONLINE, 8000, "TT-778"))
    assert payment_text(paid.payment) == "8.000 đồng, thanh toán trực tuyến, biên lai số TT-778"
    desk.record_fee(code, None)  # cleared
    assert fee_columns(db, code) == (None, None, None, None)
    assert desk.get(code).events[-1].reason == "Phí, lệ phí: bỏ thông tin đã ghi"
    assert audit.replay_problems(db.conn) == []


def test_only_a_desk_right_records_a_fee(desk: ReceptionService, db: Database) -> None:
    code = desk.register(NewDossier(COPY, "Nguyễn Văn Ấn")).code
    accounts = AccountService(db)
    accounts.create("quantri", "Quản trị", Role.ADMIN, "matkhau-123")
    accounts.create("chutich", "Nguyễn Văn Thành", Role.CHAIR, "matkhau-123")
    accounts.create("motcua", "Nguyễn Thị Hương", Role.DESK, "matkhau-123")
    accounts.sign_in("chutich", "matkhau-123")
    before = snapshot(db)
    with pytest.raises(PermissionDenied, match="Tiếp nhận và xử lý hồ sơ"):
        desk.record_fee(code, FeePayment(FeeMethod.DESK, 8000))
    with pytest.raises(PermissionDenied, match="Sửa danh mục thủ tục"):
        CatalogueService(db).set_fee(COPY, amount=1, online_payment=True)
    assert snapshot(db) == before
    accounts.sign_in("motcua", "matkhau-123")
    desk.record_fee(code, FeePayment(FeeMethod.DESK, 8000))
    assert db.execute("SELECT actor FROM audit_log WHERE table_name = 'dossier' ORDER BY id DESC LIMIT 1"
                      ).fetchone()[0] == "motcua (Nguyễn Thị Hương)"


# -- filings of another commune's residents, dossiers handed to another unit --------------------------------------


def test_a_boundary_free_filing_and_its_transfer(desk: ReceptionService, db: Database) -> None:
    here = desk.register(NewDossier(LAND, "Nguyễn Văn Ấn", home_commune="  ")).code
    there = desk.register(NewDossier(LAND, "Lê Thị Bình", home_commune=" xã  Hoằng Đạo ")).code
    assert desk.get(here).dossier.home_commune is None and desk.get(there).dossier.home_commune == "xã Hoằng Đạo"
    with pytest.raises(ValidationError) as caught:  # a unit only with the transfer
        desk.transition(there, EventKind.WITHDRAWN, reason="Rút", transferred_to="UBND xã Hoằng Đạo")
    assert caught.value.errors == {"transferred_to": "Chỉ ghi đơn vị nhận hồ sơ khi chuyển xử lý."}
    moved = desk.transition(there, EventKind.TRANSFERRED, transferred_to="UBND xã Hoằng Đạo")
    assert moved.to_status.value == "in_progress"
    view = desk.get(there)
    assert view.dossier.transferred_to == "UBND xã Hoằng Đạo"
    assert view.events[-1].reason == "Chuyển UBND xã Hoằng Đạo giải quyết"
    desk.undo(there)  # the undo puts the unit back as well
    assert desk.get(there).dossier.transferred_to is None
    desk.transition(there, EventKind.TRANSFERRED, transferred_to="UBND xã Hoằng Đạo")
    desk.transition(here, EventKind.TRANSFERRED)
    assert desk.get(here).dossier.transferred_to is None
    assert desk.home_communes() == ["xã Hoằng Đạo"]


def test_the_register_filters_exactly_the_boundary_free_dossiers(demo_path: Path) -> None:
    from db.connection import open_db

    db = open_db(demo_path)
    try:
        service = RegisterService(db)
        expected = {row[0] for row in db.execute("SELECT id FROM dossier WHERE home_commune IS NOT NULL")}
        handed = {row[0] for row in db.execute("SELECT id FROM dossier WHERE transferred_to IS NOT NULL")}
        assert 0 < len(handed) < len(expected) < 50  # the demo's few (about 5 % and 2 % of 300)
        for wanted, ids in ((RegisterFilter(boundary_free=True), expected), (RegisterFilter(transferred=True), handed)):
            listed = []
            page = service.page(wanted, limit=7)
            while True:
                listed += [row.id for row in page.rows]
                if not page.more:
                    break
                page = service.page(wanted, after=page.cursor, limit=7)
            assert set(listed) == ids and len(listed) == len(ids) == service.count(wanted)
        both = service.page(RegisterFilter(boundary_free=True, transferred=True))
        assert {row.id for row in both.rows} == expected & handed
        # the first page is read from the partial index dossier_boundary_free, not by a scan of the register
        query = service._query(RegisterFilter(boundary_free=True))
        terms, params, _join = register_queries._where(db, query)
        plan = " ".join(row[3] for row in db.execute(
            f"EXPLAIN QUERY PLAN SELECT d.id FROM dossier d WHERE {' AND '.join(terms)}"
            " ORDER BY d.received_at DESC, d.id DESC LIMIT 200", params))
        assert "USING INDEX dossier_boundary_free" in plan, plan
    finally:
        db.close()


# -- the period's figures ------------------------------------------------------------------------------------------


def _field(db: Database, name: str, position: int) -> int:
    return db.execute("INSERT INTO field (name, name_folded, position) VALUES (?, ?, ?)",
                      [name, fold(name), position]).lastrowid


def _procedure(db: Database, code: str, field_id: int, *, online_payment: int = 0, active: int = 1) -> int:
    return db.execute(
        "INSERT INTO procedure (code, name, name_folded, field_id, time_limit, time_limit_unit, online_payment,"
        " active) VALUES (?, ?, ?, ?, 5, 'working_days', ?, ?)",
        [code, f"Thủ tục {code}", f"thu tuc {code}", field_id, online_payment, active]).lastrowid


def _dossier(db: Database, code: str, procedure_id: int, received: str, *, fee: tuple[Any, ...] = (None,) * 4,
             home: str | None = None, transferred: str | None = None) -> None:
    db.execute(
        "INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, channel, received_at, due_at,"
        " status, fee_paid, fee_receipt, fee_method, fee_exempt_reason, home_commune, transferred_to)"
        " VALUES (?, ?, 'Nguyễn Văn Ấn', 'nguyen van an', 'direct', ?, ?, 'received', ?, ?, ?, ?, ?, ?)",
        [code, procedure_id, received, received[:10] + "T17:00", *fee, home, transferred])


@pytest.fixture
def built(db: Database) -> Database:
    """Two fields, four procedures and the dossiers of 2024-Q2 (and around it) with their fees; what each adds to
    the figures of the quarter is noted beside it."""
    copies, land = _field(db, "Chứng thực", 1), _field(db, "Đất đai", 2)
    p_copy = _procedure(db, "2.001", copies, online_payment=1)  # 3.4.3
    p_sign = _procedure(db, "2.002", copies)
    p_land = _procedure(db, "1.001", land, online_payment=1)  # 3.4.3
    _procedure(db, "1.002", land, online_payment=1, active=0)  # not in force: not in 3.4.3
    # Chứng thực: 3 paid (2 at the desk, 1 online) for 30.000 đ, 1 exempted; 2 from other communes (2.001, 2.002)
    _dossier(db, "A", p_copy, "2024-04-02T08:00", fee=(10_000, "01", "desk", None), home="xã Hoằng Đạo")
    _dossier(db, "B", p_copy, "2024-04-03T08:00", fee=(8_000, "TT9", "online", None), home="xã Hoằng Quý",
             transferred="UBND xã Hoằng Quý")
    _dossier(db, "C", p_sign, "2024-05-03T08:00", fee=(12_000, "02", "desk", None), home="xã Hoằng Đạo")
    _dossier(db, "D", p_sign, "2024-06-30T16:00", fee=(0, None, "exempt", "Hộ nghèo"))
    _dossier(db, "E", p_sign, "2024-06-30T16:30")  # no fee recorded
    # Đất đai: 1 exempted with a part paid (5.000 đ), 1 paid online (100.000 đ); one resident of another commune
    _dossier(db, "F", p_land, "2024-05-10T09:00", fee=(5_000, "03", "exempt", "Hộ cận nghèo"))
    _dossier(db, "G", p_land, "2024-06-10T09:00", fee=(100_000, "TT10", "online", None), home="phường Đông Hải")
    # outside the quarter: counted nowhere
    _dossier(db, "H", p_copy, "2024-03-31T16:00", fee=(10_000, "00", "desk", None), home="xã Hoằng Đạo")
    _dossier(db, "I", p_land, "2024-07-01T07:30", fee=(10_000, "04", "desk", None), transferred="UBND tỉnh")
    return db


def test_the_fee_totals_of_a_period_by_field(built: Database) -> None:
    totals = StatisticsService(built).fees(period=parse_period("2024-Q2"))
    assert [(r.field, r.recorded, r.paid, r.amount, r.exempted, r.desk, r.online) for r in totals.fields] == [
        ("Chứng thực", 4, 3, 30_000, 1, 2, 1), ("Đất đai", 2, 2, 105_000, 1, 0, 1)]
    total = totals.total
    assert (total.recorded, total.paid, total.amount, total.exempted) == (6, 5, 135_000, 2)
    assert (total.online, total.payments, total.online_share) == (2, 4, 0.5)  # exempted dossiers have no payment
    assert totals.fields[0].online_share == pytest.approx(1 / 3)
    assert totals.counted_to.isoformat() == "2024-06-30"
    cut = StatisticsService(built).fees(period=parse_period("2024-Q2"), cutoff=datetime(2024, 5, 31).date())
    assert (cut.total.recorded, cut.total.amount) == (4, 35_000)


def test_an_empty_period_has_no_share_rather_than_a_division_by_zero(built: Database) -> None:
    totals = StatisticsService(built).fees(period=parse_period("2023"))
    assert totals.fields == ()
    assert (totals.total.amount, totals.total.payments, totals.total.online_share) == (0, 0, None)


def test_rows_3_2_6_and_3_4_3_are_counted_from_the_records(built: Database) -> None:
    figures = StatisticsService(built).figures(period=parse_period("2024-Q2")).indicators()
    # 3.2.6: procedures of the quarter's dossiers from other communes: 2.001 (A, B), 2.002 (C), 1.001 (G)
    assert figures["3.2.6"] == 3
    assert figures["3.4.3"] == 2  # 2.001 and 1.001 in force; 1.002 is not
    assert (figures["hs.khong_dia_gioi"], figures["hs.chuyen_don_vi_khac"]) == (4, 1)  # A, B, C, G / B
    april = StatisticsService(built).figures(period=parse_period("2024-04")).indicators()
    assert (april["3.2.6"], april["hs.khong_dia_gioi"]) == (1, 2)  # A and B, both of 2.001
    reports = ReportService(built, clock=lambda: datetime(2024, 7, 2, 9, 0))
    behind = reports.records_behind(period=parse_period("2024-Q2"), cutoff=None, key="hs.khong_dia_gioi")
    assert [line.code for line in behind or []] == ["A", "B", "C", "G"]
    assert [line.code for line in reports.records_behind(period=parse_period("2024-Q2"), cutoff=None,
                                                         key="hs.chuyen_don_vi_khac") or []] == ["B"]


def test_the_report_computes_rows_3_2_6_and_3_4_3_instead_of_asking(built: Database) -> None:
    template = default()
    assert template.by_key["3.2.6"].computed and template.by_key["3.4.3"].computed
    assert not template.by_key["3.4.1"].computed and not template.by_key["3.4.2"].computed  # published elsewhere
    SettingsService(built).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
    reports = ReportService(built, clock=lambda: datetime(2024, 7, 2, 9, 0))
    document = reports.draft(period=parse_period("2024-Q2"))
    assert (document.indicators["3.2.6"], document.indicators["3.4.3"]) == (3, 2)
    assert (document.sources["3.2.6"], document.sources["3.4.3"]) == ("computed", "computed")
    with pytest.raises(ValidationError) as caught:
        reports.set_manual(period_key="2024-Q2", indicator="3.2.6", text="7")
    assert "được tính từ dữ liệu, không nhập tay" in caught.value.errors["3.2.6"]


# -- the command line ----------------------------------------------------------------------------------------------


def cchc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cchc_desktop", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "CCHC_LANG": "vi"}, timeout=120, check=False)


def test_cchc_fee_records_a_fee_and_says_what_is_wrong(demo_path: Path) -> None:
    code = Database(demo_path).execute(
        "SELECT d.code FROM dossier d JOIN procedure p ON p.id = d.procedure_id WHERE p.code = ? ORDER BY d.id"
        " LIMIT 1", [COPY]).fetchone()[0]
    database = ["--db", str(demo_path), *DEMO_ADMIN]
    done = cchc("fee", code, "--method", "desk", "--amount", "24.000", "--receipt", "0001234", *database)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"Đã ghi phí, lệ phí của hồ sơ {code}: 24.000 đồng, nộp tại Bộ phận Một cửa, "
                                   "biên lai số 0001234.")
    assert done.stderr == ""
    odd = cchc("fee", code, "--method", "desk", "--amount", "25000", *database)
    assert odd.returncode == 0 and odd.stderr.startswith("Lưu ý: Danh mục ghi phí, lệ phí 8.000 đồng; ")
    refused = cchc("fee", code, "--method", "exempt", *database)
    assert (refused.returncode, refused.stderr) == (1, "Lỗi: Cần ghi lý do miễn, giảm phí, lệ phí.\n")
    wrong = cchc("fee", code, "--method", "desk", "--amount", "-5", *database)
    assert (wrong.returncode, wrong.stderr) == (1, "Lỗi: Số tiền «-5» không hợp lệ: ghi số đồng, ví dụ 50.000.\n")
    assert cchc("fee", code, "--amount", "5", *database).returncode == 2  # --method or --clear is required
    exempt = cchc("fee", code, "--method", "exempt", "--reason", "Người có công với cách mạng", *database)
    assert exempt.stdout.strip().endswith(": Miễn, giảm: Người có công với cách mạng.")
    assert Database(demo_path).execute("SELECT fee_paid, fee_method, fee_exempt_reason FROM dossier WHERE code = ?",
                                       [code]).fetchone() == (0, "exempt", "Người có công với cách mạng")
    cleared = cchc("fee", code, "--clear", *database)
    assert cleared.stdout.strip() == f"Đã bỏ thông tin phí, lệ phí của hồ sơ {code}."


def test_cchc_fees_gives_the_totals_of_a_period(demo_path: Path) -> None:
    db = Database(demo_path)
    amount, paid, online = db.execute(
        "SELECT sum(fee_paid), sum(fee_paid > 0), sum(fee_method = 'online') FROM dossier"
        " WHERE received_at >= '2024-01-01' AND received_at < '2025-01-01'").fetchone()
    database = ["--db", str(demo_path), *DEMO_ADMIN]
    shown = cchc("fees", "--period", "2024", *database)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Phí, lệ phí của các hồ sơ tiếp nhận Năm 2024 (01/01/2024 – 31/12/2024):"
    assert lines[1].split() == ["Lĩnh", "vực", "Đã", "thu", "Số", "tiền", "Miễn,", "giảm", "Trực", "tuyến"]
    assert lines[-2].startswith("Tổng cộng") and f"{amount:,} đồng".replace(",", ".") in lines[-2]
    assert lines[-1].startswith("Tỷ lệ thanh toán trực tuyến: ") and f"({online}/" in lines[-1]
    data = json.loads(cchc("fees", "--period", "2024", "--format", "json", *database).stdout)
    assert (data["total"]["amount"], data["total"]["paid"], data["total"]["online"]) == (amount, paid, online)
    assert data["period"] == {"key": "2024", "label": "Năm 2024", "from": "2024-01-01", "to": "2024-12-31"}
    empty = json.loads(cchc("fees", "--period", "2019-05", "--format", "json", *database).stdout)
    assert empty["fields"] == [] and empty["total"]["online_share"] is None
    assert "— (0/0 hồ sơ" in cchc("fees", "--period", "2019-05", *database).stdout
    bad = cchc("fees", "--period", "2024-13", *database)
    assert bad.returncode == 2 and "Kỳ «2024-13» không hợp lệ" in bad.stderr
