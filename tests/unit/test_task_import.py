"""The import of a plan's tasks (DESIGN.md §3–§4 ``tasks``), through the service and the real ``cchc``."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database

from cchc_desktop.domain.plans import ReformArea, TaskSource, TaskStatus
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.plans import PlanService
from cchc_desktop.services.tables import TASK_COLUMNS, ImportRejected, TableFileError
from cchc_desktop.services.task_import import Deadline, TaskImportService, parse_deadline
from tests.unit.test_cli import cchc

pytestmark = pytest.mark.backends

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 6, 4, 9, 30)
HEADERS = [column.header for column in TASK_COLUMNS]
KEYS = [column.key for column in TASK_COLUMNS]


def row(**values: str) -> dict[str, str]:
    """A valid row of 2024's plan (keys of the contract), with ``values`` changed."""
    base = {"code": "1", "title": "Niêm yết công khai thủ tục hành chính", "area": "2", "source": "Kế hoạch",
            "lead": "Văn phòng - Thống kê", "cooperating": "", "deadline": "31/03/2024", "status": "Chưa thực hiện",
            "completed_at": "", "evidence": "", "progress_note": ""}
    return {**base, **values}


def rows(n: int) -> list[dict[str, str]]:
    return [row(code=str(number), title=f"Nhiệm vụ số {number}", area=str(number % 7)) for number in range(1, n + 1)]


def write_csv(path: Path, data: Sequence[dict[str, str]], *, header: Sequence[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for values in data:
            writer.writerow([values.get(key, "") for key in KEYS])
    return path


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def count(db: Database, table: str = "plan_task") -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def service(db: Database) -> TaskImportService:
    return TaskImportService(db, clock=lambda: NOW)


@pytest.fixture
def plans(db: Database) -> PlanService:
    return PlanService(db, clock=lambda: NOW)


def rejected(service: TaskImportService, path: Path, **options: object) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        service.import_tasks(path, **options)
    return [str(problem) for problem in caught.value.problems]


# -- reading -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "deadline"), [
    ("31/03/2024", Deadline(2024, 3, 31)), ("2024-03-31", Deadline(2024, 3, 31)), (date(2024, 3, 31),
                                                                                 Deadline(2024, 3, 31)),
    ("Trước ngày 15/4/2024", Deadline(2024, 4, 15)), ("15/4", Deadline(None, 4, 15)),
    ("Tháng 3", Deadline(None, 3)), ("tháng 12/2024", Deadline(2024, 12)), ("03/2024", Deadline(2024, 3)),
    ("Quý I", Deadline(None, 3)), ("Quý IV năm 2024", Deadline(2024, 12)), ("quý 2", Deadline(None, 6)),
    ("Thường xuyên", Deadline(None, 12, 31)), ("Cả năm", Deadline(None, 12, 31)), ("Năm 2024", Deadline(2024, 12, 31)),
])
def test_deadlines_as_plans_write_them(cell: str | date, deadline: Deadline) -> None:
    assert parse_deadline(cell) == deadline


@pytest.mark.parametrize("cell", ["30/02", "31/02/2024", "Quý V", "Tháng 13", "sớm", "2024"])
def test_deadlines_that_are_not_dates(cell: str) -> None:
    with pytest.raises(ValueError):
        parse_deadline(cell)


def test_month_and_quarter_deadlines_end_on_their_last_day() -> None:
    assert Deadline(None, 2).on(2024) == date(2024, 2, 29)
    assert Deadline(None, 12).on(2025) == date(2025, 12, 31)
    assert Deadline(2024, 6).on(2030) == date(2024, 6, 30)


# -- importing ---------------------------------------------------------------------------------------------


def test_a_csv_with_vietnamese_headers_creates_the_plan_of_the_deadlines_year(
    service: TaskImportService, plans: PlanService, tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "kh.csv", [
        row(code="1", title="Ban hành Kế hoạch CCHC năm 2024", area="Công tác chỉ đạo, điều hành",
            deadline="15/01/2024", status="Hoàn thành", completed_at="10/01/2024", evidence="01/QĐ-UBND"),
        row(code="2", title="Rà soát văn bản QPPL", area="cai cach the che", source="Cấp trên giao",
            deadline="Quý I", status="", cooperating="Các bộ phận"),
        row(code="10", area="2", deadline="Tháng 6", status="Đang thực hiện", progress_note="Đã niêm yết 80%"),
        row(code="", title="Chuyển đổi số", area="6", deadline="Thường xuyên", status="", completed_at="05/05/2024"),
    ])
    result = service.import_tasks(path)
    assert (result.year, result.plan_created, result.inserted, result.updated, result.unchanged) == (
        2024, True, 4, 0, 0)
    assert plans.plan(2024).title == "Kế hoạch cải cách hành chính năm 2024"
    tasks = plans.tasks(2024)
    assert [(item.number, item.area, item.deadline, item.status, item.completed_on) for item in tasks] == [
        ("1", ReformArea.DIRECTION, date(2024, 1, 15), TaskStatus.DONE, date(2024, 1, 10)),
        ("2", ReformArea.INSTITUTIONS, date(2024, 3, 31), TaskStatus.NOT_STARTED, None),
        ("10", ReformArea.PROCEDURES, date(2024, 6, 30), TaskStatus.IN_PROGRESS, None),
        ("11", ReformArea.E_GOVERNMENT, date(2024, 12, 31), TaskStatus.DONE, date(2024, 5, 5)),
    ]
    assert (tasks[1].source, tasks[1].cooperating, tasks[2].progress_note, tasks[0].evidence) == (
        TaskSource.HIGHER_LEVEL, "Các bộ phận", "Đã niêm yết 80%", "01/QĐ-UBND")


def test_an_xlsx_with_key_headers_typed_cells_and_a_title_above(
    service: TaskImportService, plans: PlanService, tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024"])
    sheet.append(["code", "TITLE", "area", "deadline", "status", "completed_at", "Cột riêng"])
    sheet.append([1, "Ban hành kế hoạch", 0, datetime(2024, 1, 15), "hoan thanh", datetime(2024, 1, 10), "bỏ qua"])
    sheet.append([2.0, "Khảo sát hài lòng", "Cải cách TTHC", "Quý III", None, None, None])
    path = tmp_path / "kh.xlsx"
    book.save(path)
    book.close()
    result = service.import_tasks(path, year=2024)
    assert (result.year, result.inserted) == (2024, 2)
    assert [(item.number, item.title, item.deadline, item.status, item.completed_on) for item in plans.tasks(2024)] == [
        ("1", "Ban hành kế hoạch", date(2024, 1, 15), TaskStatus.DONE, date(2024, 1, 10)),
        ("2", "Khảo sát hài lòng", date(2024, 9, 30), TaskStatus.NOT_STARTED, None),
    ]


def test_a_completion_before_the_plans_year_in_an_xlsx_is_named(service: TaskImportService, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["STT", "Nhiệm vụ", "Lĩnh vực", "Thời hạn", "Ngày hoàn thành"])
    book.active.append([1, "Ban hành kế hoạch", 0, datetime(2025, 1, 15), datetime(2024, 12, 20)])
    path = tmp_path / "truoc.xlsx"
    book.save(path)
    book.close()
    assert rejected(service, path, year=2025) == [
        "Dòng 2, cột «Ngày hoàn thành»: ngày hoàn thành 20/12/2024 trước năm kế hoạch 2025."]


def test_one_bad_row_among_many_writes_nothing_and_names_line_and_column(
    service: TaskImportService, db: Database, tmp_path: Path,
) -> None:
    data = rows(40)
    data[4]["title"] = "  "
    data[9]["area"] = "Văn hóa"
    data[14]["deadline"] = "15/03/2025"
    data[19].update(status="Hoàn thành", completed_at="")
    data[24].update(status="Hoàn thành", completed_at="31/12/2023")
    data[29]["code"] = "3"
    data[34].update(status="Đang thực hiện", completed_at="01/05/2024")
    data[35].update(status="Hoàn thành", completed_at="10/06/2024")
    data[36]["deadline"] = "31/02"
    data[38].update(title="", area="Văn hóa")  # a cell that cannot be read hides no other problem of its row
    path = write_csv(tmp_path / "40.csv", data)
    assert rejected(service, path, year=2024) == [
        "Dòng 6, cột «Nội dung nhiệm vụ»: nội dung nhiệm vụ không được để trống.",
        "Dòng 11, cột «Lĩnh vực CCHC»: lĩnh vực «Văn hóa» không có (ghi số từ 0 đến 6 hoặc tên lĩnh vực, ví dụ: "
        "Cải cách thể chế).",
        "Dòng 16, cột «Thời hạn»: thời hạn 15/03/2025 không thuộc năm kế hoạch 2024.",
        "Dòng 21, cột «Ngày hoàn thành»: nhiệm vụ «Hoàn thành» phải có ngày hoàn thành.",
        "Dòng 26, cột «Ngày hoàn thành»: ngày hoàn thành 31/12/2023 trước năm kế hoạch 2024.",
        "Dòng 31, cột «Số TT»: số thứ tự «3» trùng với dòng 4.",
        "Dòng 36, cột «Ngày hoàn thành»: chỉ ghi ngày hoàn thành khi tình trạng là «Hoàn thành».",
        "Dòng 37, cột «Ngày hoàn thành»: ngày hoàn thành 10/06/2024 ở tương lai.",
        "Dòng 38, cột «Thời hạn»: thời hạn «31/02» không hợp lệ (ví dụ: dd/mm/yyyy, Tháng 3, Quý I, Thường xuyên).",
        "Dòng 40, cột «Lĩnh vực CCHC»: lĩnh vực «Văn hóa» không có (ghi số từ 0 đến 6 hoặc tên lĩnh vực, ví dụ: "
        "Cải cách thể chế).",
        "Dòng 40, cột «Nội dung nhiệm vụ»: nội dung nhiệm vụ không được để trống.",
    ]
    assert (count(db), count(db, "plan")) == (0, 0)


def test_skip_invalid_writes_the_good_rows_and_the_rejects_read_back(
    service: TaskImportService, plans: PlanService, tmp_path: Path,
) -> None:
    data = rows(10)
    data[2]["area"] = ""
    data[7]["source"] = "Tự đề ra"
    path = write_csv(tmp_path / "kh.csv", data)
    rejects = tmp_path / "loi.csv"
    result = service.import_tasks(path, skip_invalid=True, rejects=rejects)
    assert (result.inserted, result.rejected, result.rejects) == (8, 2, rejects)
    assert sorted(int(item.number) for item in plans.tasks(2024)) == [1, 2, 4, 5, 6, 7, 9, 10]
    back = read_csv(rejects)
    assert back[0] == [*HEADERS, "Lý do"]
    assert [line[0] for line in back[1:]] == ["3", "8"]
    assert back[1][-1] == "Dòng 4, cột «Lĩnh vực CCHC»: chưa chọn lĩnh vực cải cách hành chính."
    assert back[2][-1] == ("Dòng 9, cột «Nguồn»: nguồn «Tự đề ra» không hợp lệ (ghi một trong: Kế hoạch, "
                           "Cấp trên giao).")


def test_reimporting_updates_by_number_without_duplicates(
    service: TaskImportService, plans: PlanService, db: Database, tmp_path: Path,
) -> None:
    data = rows(5)
    data.append(row(code="", title="Nhiệm vụ chưa đánh số", area="3"))
    path = write_csv(tmp_path / "kh.csv", data)
    assert service.import_tasks(path).inserted == 6
    again = service.import_tasks(path)
    assert (again.inserted, again.updated, again.unchanged, again.plan_created) == (0, 0, 6, False)
    data[1].update(status="Hoàn thành", completed_at="02/05/2024", evidence="Báo cáo số 12")
    data.append(row(code="", title="Một nhiệm vụ mới", area="4"))
    write_csv(path, data)
    third = service.import_tasks(path)
    assert (third.inserted, third.updated, third.unchanged) == (1, 1, 5)
    assert count(db) == 7
    numbers = {item.title: item.number for item in plans.tasks(2024)}
    assert (numbers["Nhiệm vụ chưa đánh số"], numbers["Một nhiệm vụ mới"]) == ("6", "7")
    second = next(item for item in plans.tasks(2024) if item.number == "2")
    assert (second.status, second.completed_on, second.evidence) == (TaskStatus.DONE, date(2024, 5, 2), "Báo cáo số 12")


def test_missing_columns_keep_the_stored_values(
    service: TaskImportService, plans: PlanService, tmp_path: Path,
) -> None:
    write_csv(tmp_path / "full.csv", [row(status="Hoàn thành", completed_at="01/03/2024", evidence="VB 1")])
    service.import_tasks(tmp_path / "full.csv")
    path = tmp_path / "short.csv"
    path.write_text("Số TT;Nội dung nhiệm vụ;Lĩnh vực CCHC;Thời hạn\n1;Nội dung sửa;2;30/04/2024\n", encoding="utf-8")
    assert service.import_tasks(path).updated == 1
    (stored,) = plans.tasks(2024)
    assert (stored.title, stored.deadline, stored.status, stored.completed_on, stored.evidence, stored.lead) == (
        "Nội dung sửa", date(2024, 4, 30), TaskStatus.DONE, date(2024, 3, 1), "VB 1", "Văn phòng - Thống kê")


def test_the_year_comes_from_the_deadlines_or_from_the_option(
    service: TaskImportService, db: Database, tmp_path: Path,
) -> None:
    mixed = rows(6)
    mixed[3]["deadline"] = "15/12/2023"
    mixed[5]["deadline"] = "Quý II năm 2023"
    path = write_csv(tmp_path / "mixed.csv", mixed)
    with pytest.raises(ValidationError) as caught:
        service.import_tasks(path)
    assert caught.value.errors == {"year": (
        "Thời hạn của các dòng thuộc nhiều năm (năm 2023: 2 dòng (dòng 5); năm 2024: 4 dòng (dòng 2)): hãy chọn năm "
        "kế hoạch (--year NĂM); các dòng có thời hạn ngoài năm đó sẽ bị báo lỗi. Chưa ghi dữ liệu nào.")}
    assert rejected(service, path, year=2024) == [
        "Dòng 5, cột «Thời hạn»: thời hạn 15/12/2023 không thuộc năm kế hoạch 2024.",
        "Dòng 7, cột «Thời hạn»: thời hạn 30/06/2023 không thuộc năm kế hoạch 2024.",
    ]
    yearless = write_csv(tmp_path / "yearless.csv", [row(deadline="Quý I"), row(code="2", deadline="")])
    with pytest.raises(ValidationError) as caught:
        service.import_tasks(yearless)
    assert caught.value.errors["year"].startswith("Không xác định được năm của kế hoạch: cột «Thời hạn» không ghi")
    assert service.import_tasks(yearless, year=2026).inserted == 2
    assert db.execute("SELECT deadline FROM plan_task ORDER BY number").fetchall() == [("2026-03-31",), (None,)]
    with pytest.raises(ValidationError) as caught:
        service.import_tasks(yearless, year=1990)
    assert caught.value.errors == {"year": "Năm kế hoạch phải từ 2000 đến 2100."}


def test_the_29th_of_february_without_a_year_in_a_common_year(service: TaskImportService, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "kh.csv", [row(deadline="29/02", title="")])
    assert rejected(service, path, year=2025) == [
        "Dòng 2, cột «Thời hạn»: ngày «29/2» không có trong năm 2025.",
        "Dòng 2, cột «Nội dung nhiệm vụ»: nội dung nhiệm vụ không được để trống.",
    ]
    assert service.import_tasks(write_csv(path, [row(deadline="29/02")]), year=2024).inserted == 1


def test_a_file_without_the_area_column_is_refused_as_a_whole(service: TaskImportService, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row()], header=["Số TT", "Nội dung nhiệm vụ", "Chủ trì"])
    with pytest.raises(TableFileError) as caught:
        service.import_tasks(path)
    assert str(caught.value) == "Tệp «a.csv» thiếu cột bắt buộc: «Lĩnh vực CCHC». Chưa ghi dữ liệu nào."


# -- the real command ---------------------------------------------------------------------------------------


def test_cli_import_tasks(db_path: Path, tmp_path: Path) -> None:
    data = rows(38)
    data[6]["area"] = "Cải cách văn hóa"
    path = write_csv(tmp_path / "kh2024.csv", data)
    result = cchc("import", "tasks", str(path), "--db", str(db_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Dòng 8, cột «Lĩnh vực CCHC»: lĩnh vực «Cải cách văn hóa» không có (ghi số từ 0 đến 6 hoặc tên lĩnh vực, "
        "ví dụ: Cải cách thể chế).",
        "Không ghi dữ liệu nào: có 1 dòng lỗi.",
        "Hãy sửa các dòng trên rồi nhập lại, hoặc dùng --skip-invalid --rejects TỆP để chỉ nhập các dòng đúng.",
    ]
    assert count(Database(db_path)) == 0
    rejects = tmp_path / "loi.xlsx"
    skipped = cchc("import", "tasks", str(path), "--skip-invalid", "--rejects", str(rejects), "--db", str(db_path))
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.splitlines() == [
        "Đã nhập 37 nhiệm vụ mới, cập nhật 0 nhiệm vụ (0 không đổi) vào kế hoạch CCHC năm 2024. Đã tạo kế hoạch năm "
        "2024 (chưa có số, ngày quyết định).",
        f"Bỏ qua 1 dòng lỗi, đã ghi vào {rejects}.",
    ]
    book = openpyxl.load_workbook(rejects)
    assert [cell.value for cell in book.active[2]][:2] == ["7", "Nhiệm vụ số 7"]
    book.close()
    data[6]["area"] = "Cải cách tài chính công"
    write_csv(path, data)
    again = cchc("import", "tasks", str(path), "--year", "2024", "--db", str(db_path))
    assert (again.returncode, again.stdout.strip()) == (
        0, "Đã nhập 1 nhiệm vụ mới, cập nhật 0 nhiệm vụ (37 không đổi) vào kế hoạch CCHC năm 2024.")
    assert count(Database(db_path)) == 38


def test_cli_year_is_only_for_tasks_and_a_year_that_cannot_be_told(db_path: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "kh.csv", [row(deadline="")])
    usage = cchc("import", "dossiers", str(path), "--year", "2024", "--db", str(db_path))
    assert (usage.returncode, usage.stderr.strip()) == (2, "Lỗi: --year chỉ dùng khi nhập tasks.")
    unknown = cchc("import", "tasks", str(path), "--db", str(db_path))
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "Lỗi: Không xác định được năm của kế hoạch: cột «Thời hạn» không ghi năm nào. Hãy chọn năm kế hoạch "
        "(--year NĂM). Chưa ghi dữ liệu nào.")
    helped = cchc("import", "--help")
    assert helped.returncode == 0 and "tasks (nhiệm vụ kế hoạch CCHC)" in helped.stdout and "--year" in helped.stdout
