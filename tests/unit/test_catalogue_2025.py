"""The 2025 procedure catalogue (issue 16): time limits read from the national catalogue's sentences, the reference
file and its provenance columns, an import written with the national catalogue's headers, the loader, and the
«Quyết định công bố» column of the Danh mục page."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot
from sqlite_utils import Database

from cchc_desktop.domain.catalogue import TimeLimitUnit, UnreadableTimeLimit, read_time_limit
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.services.catalogue import (
    CHECKED,
    NOT_CHECKED,
    REFERENCE_FILE,
    CatalogueLoad,
    list_procedures,
    load_reference_catalogue,
    read_reference_procedures,
)
from cchc_desktop.services.imports import ImportRejected, ImportService
from cchc_desktop.services.settings import SettingsService
from db import migrations
from db.connection import open_db
from ui.app import configure_application
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.catalogue_page import CataloguePage

NOW = datetime(2025, 7, 15, 9, 0)
W, H, C, S = (TimeLimitUnit.WORKING_DAYS, TimeLimitUnit.WORKING_HOURS, TimeLimitUnit.CALENDAR_DAYS,
              TimeLimitUnit.SAME_DAY)
# The one reference row whose publishing decision is known (the others are left empty: never guessed).
PUBLISHED = ("2.000815", "Quyết định số 3152/QĐ-BTP ngày 31/10/2025 của Bộ trưởng Bộ Tư pháp")


def reference_rows() -> list[dict[str, str]]:
    with (migrations.REFERENCE_DIR / REFERENCE_FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- read_time_limit on the catalogue's own sentences ------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Trong thời hạn 03 (ba) ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", (3, W)),
    ("30 ngày kể từ ngày nhận đủ hồ sơ hợp lệ", (30, C)),
    ("Trong thời hạn 15 ngày, kể từ ngày nhận đủ hồ sơ hợp lệ", (15, C)),
    ("10 (mười) ngày", (10, C)),
    ("Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp "
     "theo", (0, S)),
    ("Ngay trong ngày tiếp nhận hồ sơ, trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp "
     "theo", (0, S)),
    ("Hồ sơ tiếp nhận trước 15 giờ thì trả kết quả trong ngày", (0, S)),
    # «sau 15 giờ» is the hour of a cut-off, not a limit of 15 working hours (else: two different limits).
    ("Trả kết quả trong ngày; hồ sơ nhận sau 15 giờ trả vào sáng ngày làm việc tiếp theo", (0, S)),
    ("Hồ sơ nhận đến 15 giờ được trả kết quả trong ngày", (0, S)),  # a cut-off hour, not 15 working hours
    ("Ngay sau khi nhận đủ giấy tờ theo quy định, nếu thấy thông tin đầy đủ, phù hợp", (0, S)),
    ("Trong thời hạn 02 ngày làm việc kể từ ngày nhận đủ giấy tờ; trường hợp nhận hồ sơ sau 15 giờ thì hoàn "
     "thành ngay trong ngày làm việc tiếp theo", (2, W)),
    ("3 WORKING_DAY — 03 ngày làm việc", (3, W)),
    ("3 WORKING_DAY — 03 ngày làm việc kể từ ngày nhận đủ hồ sơ", (3, W)),
    ("4 WORKING_HOUR — 04 giờ làm việc", (4, H)),
    ("5 WORKING_DAY", (5, W)),  # the export's code alone
    ("Trực tiếp: 8 WORKING_HOUR\nTrực tuyến: 8 WORKING_HOUR", (8, H)),
    ("08 giờ làm việc kể từ khi nhận đủ hồ sơ", (8, H)),
    ("Thời hạn giải quyết: 05 ngày làm việc", (5, W)),
    ("Không quá 03 ngày làm việc kể từ ngày 01/7/2025", (3, W)),
    ("25 ngày làm việc kể từ ngày nhận được hồ sơ hợp lệ (không kể thời gian niêm yết 30 ngày)", (25, W)),
    # The conditional clause adds a case; the limit is the one before it.
    ("03 ngày làm việc; trường hợp cần xác minh thì không quá 05 ngày làm việc", (3, W)),
    ("03 ngày làm việc, trường hợp cần xác minh thì không quá 05 ngày làm việc", (3, W)),
    ("Trong thời hạn 10 ngày làm việc kể từ ngày nhận được hồ sơ hợp lệ. Trường hợp phải xác minh thì thời hạn "
     "không quá 15 ngày làm việc", (10, W)),
    # One line per channel, all with the same limit: that limit.
    ("Trực tiếp: 05 ngày làm việc\nTrực tuyến: 05 ngày làm việc\nDịch vụ bưu chính: 05 ngày làm việc", (5, W)),
    ("Nộp trực tiếp: 07 Ngày làm việc\nNộp trực tuyến: 07 Ngày làm việc", (7, W)),
    ("Trực tiếp: 3 WORKING_DAY — 03 ngày làm việc\nTrực tuyến: 3 WORKING_DAY — 03 ngày làm việc", (3, W)),
    ("1 Khác - Ngay sau khi nhận đủ giấy tờ theo quy định", (0, S)),
])
def test_catalogue_sentences_are_read(text: str, expected: tuple[int, TimeLimitUnit]) -> None:
    amount, unit = read_time_limit(text)
    assert (amount, unit) == expected
    assert type(unit) is TimeLimitUnit


@pytest.mark.parametrize(("text", "kind", "found"), [
    ("Trực tiếp: 07 ngày làm việc\nTrực tuyến: 05 ngày làm việc", UnreadableTimeLimit.SEVERAL, ((7, W), (5, W))),
    ("Trực tiếp: 7 ngày làm việc, trực tuyến: 5 ngày làm việc", UnreadableTimeLimit.SEVERAL, ((7, W), (5, W))),
    ("05 ngày làm việc (trực tiếp); 03 ngày làm việc (trực tuyến)", UnreadableTimeLimit.SEVERAL, ((5, W), (3, W))),
    ("Trực tiếp: 05 ngày làm việc\nTrực tuyến: 05 ngày làm việc\nDịch vụ bưu chính: 07 ngày làm việc",
     UnreadableTimeLimit.SEVERAL, ((5, W), (7, W))),
    ("Trực tiếp: 3 WORKING_DAY — 03 ngày làm việc\nTrực tuyến: 2 WORKING_DAY — 02 ngày làm việc",
     UnreadableTimeLimit.SEVERAL, ((3, W), (2, W))),
    ("Trực tiếp: 15 ngày\nTrực tuyến: 15 ngày làm việc", UnreadableTimeLimit.SEVERAL, ((15, C), (15, W))),
    ("1 Khác", UnreadableTimeLimit.NO_UNIT, ()),
    ("Trực tiếp: 1 Khác\nTrực tuyến: 1 Khác", UnreadableTimeLimit.NO_UNIT, ()),
    ("Theo quy định của pháp luật", UnreadableTimeLimit.NONE, ()),
    ("Trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo", UnreadableTimeLimit.NONE, ()),
    ("Nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo", UnreadableTimeLimit.NONE, ()),
    ("Trả kết quả trong ngày làm việc tiếp theo", UnreadableTimeLimit.NONE, ()),  # the next day, not the same
    ("1,5 ngày làm việc", UnreadableTimeLimit.NONE, ()),  # not «5 ngày làm việc»
    ("Không quá 1,5 ngày", UnreadableTimeLimit.NONE, ()),
    ("0 ngày làm việc", UnreadableTimeLimit.NONE, ()),
])
def test_what_cannot_be_read_honestly_is_refused_and_says_why(
    text: str, kind: str, found: tuple[tuple[int, TimeLimitUnit], ...],
) -> None:
    with pytest.raises(UnreadableTimeLimit) as caught:
        read_time_limit(text)
    assert (caught.value.kind, caught.value.found, caught.value.text) == (kind, found, text)
    assert isinstance(caught.value, ValueError)


# -- the reference file --------------------------------------------------------------------------------------


def test_every_reference_row_says_whether_and_where_it_was_checked() -> None:
    rows = reference_rows()
    assert len(rows) >= 50
    assert {row["checked"] for row in rows} == {CHECKED, NOT_CHECKED}
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)), "a procedure code appears twice"
    units = {unit.value for unit in TimeLimitUnit}
    for row in rows:
        assert row["checked_against"].strip(), row["code"]
        assert row["time_limit_unit"] in units, row["code"]
        assert int(row["time_limit"]) >= 0, row["code"]
        assert (int(row["time_limit"]) == 0) == (row["time_limit_unit"] == TimeLimitUnit.SAME_DAY.value), row["code"]
        if row["checked"] == CHECKED:  # a checked row names the copy it was checked against
            assert "github.com/" in row["checked_against"], row["code"]
            assert "chưa đối chiếu" not in row["checked_against"], row["code"]
        else:  # an unchecked row says so, or where its limit is from
            assert "chưa" in row["checked_against"] or "Luật" in row["checked_against"], row["code"]
    typed = read_reference_procedures()
    assert [p.code for p in typed] == codes
    assert sum(p.checked for p in typed) == sum(row["checked"] == CHECKED for row in rows) > 0
    assert {p.code: p.published_by for p in typed if p.published_by} == dict([PUBLISHED])


def write_reference(folder: Path, rows: Sequence[dict[str, str]]) -> None:
    with (folder / REFERENCE_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(("change", "message"), [
    ({"checked": "đã kiểm tra"},
     f"procedures.csv, line 4: checked must be «{CHECKED}» or «{NOT_CHECKED}», not 'đã kiểm tra'"),
    ({"checked": ""}, f"procedures.csv, line 4: checked must be «{CHECKED}» or «{NOT_CHECKED}», not ''"),
    ({"checked_against": "  "},
     "procedures.csv, line 4: checked_against is empty: say where the row was checked, or where its limit is from"),
])
def test_a_reference_row_with_a_bad_provenance_is_refused_naming_its_line(
    change: dict[str, str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = reference_rows()
    rows[2] = {**rows[2], **change}  # the third row: line 4 of the file
    write_reference(tmp_path, rows)
    monkeypatch.setattr(migrations, "REFERENCE_DIR", tmp_path)
    with pytest.raises(ValueError) as caught:
        read_reference_procedures()
    assert str(caught.value) == message


# -- an import in the national catalogue's own headers --------------------------------------------------------

NATIONAL_HEADER = ["STT", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cơ quan thực hiện", "Thời gian giải quyết",
                   "Số quyết định", "Cấp thực hiện"]
NATIONAL_ROWS = [
    ["1", "9.100001", "Thủ tục thử trong ngày", "Hộ tịch", "UBND cấp xã",
     "Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp "
     "theo", "Quyết định số 1001/QĐ-BTP ngày 01/7/2025", "Cấp xã"],
    ["2", "9.100002", "Thủ tục thử ba ngày làm việc", "Chứng thực", "UBND cấp xã",
     "Trong thời hạn 03 (ba) ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", "Quyết định số 1002/QĐ-BTP",
     "Cấp xã"],
    ["3", "9.100003", "Thủ tục thử ba mươi ngày", "Đất đai", "UBND cấp xã",
     "30 ngày kể từ ngày nhận đủ hồ sơ hợp lệ", "", "Cấp xã"],
    ["4", "9.100004", "Thủ tục thử theo kênh", "Lĩnh vực thử năm 2025", "UBND cấp xã",
     "Trực tiếp: 05 ngày làm việc\nTrực tuyến: 05 ngày làm việc", "Quyết định số 1004/QĐ-UBND", "Cấp xã"],
    ["5", "1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "UBND cấp xã",
     "3 WORKING_DAY — 03 ngày làm việc", "Quyết định số 3152/QĐ-BTP ngày 31/10/2025", "Cấp xã"],
]
IMPORTED = [
    ("1.004873", "Hộ tịch", 3, "working_days", "Quyết định số 3152/QĐ-BTP ngày 31/10/2025"),
    ("9.100001", "Hộ tịch", 0, "same_day", "Quyết định số 1001/QĐ-BTP ngày 01/7/2025"),
    ("9.100002", "Chứng thực", 3, "working_days", "Quyết định số 1002/QĐ-BTP"),
    ("9.100003", "Đất đai", 30, "calendar_days", None),
    ("9.100004", "Lĩnh vực thử năm 2025", 5, "working_days", "Quyết định số 1004/QĐ-UBND"),
]
IMPORTED_SQL = ("SELECT p.code, f.name, p.time_limit, p.time_limit_unit, p.published_by FROM procedure p"
                " JOIN field f ON f.id = p.field_id WHERE p.code IN ('1.004873', '9.100001', '9.100002', '9.100003',"
                " '9.100004') ORDER BY p.code")


def write_table(path: Path, rows: Sequence[Sequence[str]], *, header: Sequence[str] = NATIONAL_HEADER,
                title: str | None = None) -> Path:
    """``rows`` under ``header`` as CSV (UTF-8 with BOM, as Excel saves it) or XLSX, by the file's suffix."""
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        if title:
            sheet.append([title])
        sheet.append(list(header))
        for values in rows:
            sheet.append(list(values))
        book.save(path)
        book.close()
        return path
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        if title:
            writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def ready(db: Database) -> Database:
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
    return db


@pytest.fixture
def service(ready: Database) -> ImportService:
    return ImportService(ready, clock=lambda: NOW)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_in_the_national_catalogues_headers_imports_limits_and_decisions(
    suffix: str, service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    before = count(ready, "procedure")
    path = write_table(tmp_path / f"danhmuc{suffix}", NATIONAL_ROWS,
                       title="DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ" if suffix == ".xlsx" else None)
    result = service.import_procedures(path)
    assert (result.inserted, result.updated, result.unchanged, result.rejected, result.fields_created) == (
        4, 1, 0, 0, 1)
    assert count(ready, "procedure") == before + 4
    assert ready.execute(IMPORTED_SQL).fetchall() == IMPORTED
    # The columns the program does not know («STT», «Cơ quan thực hiện», «Cấp thực hiện») are ignored.
    assert ready.execute("SELECT count(*) FROM procedure WHERE name LIKE '%UBND%' OR fee LIKE '%xã%'"
                         ).fetchone()[0] == 0
    entries = {entry.code: entry for entry in list_procedures(ready)}
    assert entries["9.100003"].time_limit == "30 ngày" and entries["9.100003"].published_by == ""
    assert entries["9.100001"].time_limit == "Trong ngày"
    assert entries["9.100004"].published_by == "Quyết định số 1004/QĐ-UBND"
    again = service.import_procedures(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def test_an_empty_decision_keeps_the_one_stored(service: ImportService, ready: Database, tmp_path: Path) -> None:
    service.import_procedures(write_table(tmp_path / "a.csv", NATIONAL_ROWS))
    rows = [[*values[:6], "", values[7]] for values in NATIONAL_ROWS]
    result = service.import_procedures(write_table(tmp_path / "b.csv", rows))
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 5)
    assert ready.execute(IMPORTED_SQL).fetchall() == IMPORTED


BAD_ROWS = [
    NATIONAL_ROWS[0],
    ["2", "9.100002", "Thủ tục thử ba ngày làm việc", "Chứng thực", "UBND cấp xã", "1 Khác", "", "Cấp xã"],
    NATIONAL_ROWS[2],
    ["4", "9.100004", "Thủ tục thử theo kênh", "Lĩnh vực thử năm 2025", "UBND cấp xã",
     "Trực tiếp: 07 ngày làm việc\nTrực tuyến: 05 ngày làm việc", "", "Cấp xã"],
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_limit_without_unit_or_with_several_limits_is_refused_and_nothing_is_written(
    suffix: str, service: ImportService, ready: Database, tmp_path: Path,
) -> None:
    tables = {table: count(ready, table) for table in ("procedure", "field")}
    path = write_table(tmp_path / f"danhmuc{suffix}", BAD_ROWS)
    with pytest.raises(ImportRejected) as caught:
        service.import_procedures(path)
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 3, cột «Thời gian giải quyết»: thời hạn «1 Khác» không nêu đơn vị (ngày làm việc, ngày, giờ làm việc "
        "hay trong ngày): ghi rõ, ví dụ «3 ngày làm việc».",
        "Dòng 5, cột «Thời gian giải quyết»: thời hạn «Trực tiếp: 07 ngày làm việc Trực tuyế…» ghi nhiều "
        "thời hạn khác nhau (07 ngày làm việc; 05 ngày làm việc): mỗi thủ tục ghi một thời hạn.",
    ]
    assert {table: count(ready, table) for table in tables} == tables
    assert ready.execute("SELECT count(*) FROM procedure WHERE code LIKE '9.1%'").fetchone()[0] == 0


# -- the loader ------------------------------------------------------------------------------------------------


def test_the_reference_catalogue_loads_once_with_its_decisions(db: Database) -> None:
    rows = reference_rows()
    assert count(db, "procedure") == 0
    before = {name for (name,) in db.execute("SELECT name FROM field").fetchall()}
    wanted = {row["field"] for row in rows}
    loaded = load_reference_catalogue(db)
    assert loaded == CatalogueLoad(fields=len(wanted - before), procedures=len(rows))
    assert count(db, "procedure") == len(rows)
    assert {name for (name,) in db.execute("SELECT name FROM field").fetchall()} == before | wanted
    stored = dict(db.execute("SELECT code, time_limit || ' ' || time_limit_unit FROM procedure").fetchall())
    assert stored == {row["code"]: f"{row['time_limit']} {row['time_limit_unit']}" for row in rows}
    assert db.execute("SELECT code, published_by FROM procedure WHERE published_by IS NOT NULL").fetchall() == [
        PUBLISHED]
    snapshot = [db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in ("procedure", "field")]
    assert load_reference_catalogue(db) == CatalogueLoad(fields=0, procedures=0)
    assert [db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in ("procedure", "field")
            ] == snapshot


def test_a_known_procedure_without_its_decision_gets_it_and_nothing_else_changes(db: Database) -> None:
    load_reference_catalogue(db)
    with db.atomic():
        db.execute("UPDATE procedure SET published_by = NULL, time_limit = 9 WHERE code = ?", [PUBLISHED[0]])
    assert load_reference_catalogue(db) == CatalogueLoad(fields=0, procedures=0)
    assert db.execute("SELECT published_by, time_limit FROM procedure WHERE code = ?", [PUBLISHED[0]]
                      ).fetchone() == (PUBLISHED[1], 9)  # the unit's own edit of the limit is kept


# -- the Danh mục page -----------------------------------------------------------------------------------------


@pytest.fixture
def catalogue_window(qtbot: QtBot, qapp, db_path: Path) -> Iterator[MainWindow]:
    configure_application(qapp)
    db = open_db(db_path)
    SettingsService(db).save(UnitSettings(name="UBND xã Hoằng Hợp", place="Hoằng Hợp", code="000.21.31.H56"))
    load_reference_catalogue(db)
    main = MainWindow(AppContext(db, db_path))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    db.close()


def test_the_catalogue_page_shows_the_publishing_decision(catalogue_window: MainWindow) -> None:
    page = catalogue_window.show_page("catalogue")
    assert isinstance(page, CataloguePage)
    table = page.procedures
    headers = [table.horizontalHeaderItem(column).text() for column in range(table.columnCount())]
    assert "Quyết định công bố" in headers
    column = headers.index("Quyết định công bố")
    assert table.rowCount() == len(reference_rows())
    cells = {table.item(row, 0).text(): table.item(row, column).text() for row in range(table.rowCount())}
    assert cells[PUBLISHED[0]] == PUBLISHED[1]
    assert cells["1.001193"] == ""  # not known: left empty, never guessed
