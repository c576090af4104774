"""The import of survey responses (DESIGN.md §3–§4 ``surveys``), through the service and the real ``cchc``."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database

from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.surveys import SurveyMethod
from cchc_desktop.services.statistics import StatisticsService
from cchc_desktop.services.survey_import import SurveyImportService, parse_score
from cchc_desktop.services.surveys import SurveyService
from cchc_desktop.services.tables import ImportRejected, TableFileError
from tests.unit.test_cli import cchc
from tests.unit.test_surveys import add_dossier

pytestmark = pytest.mark.backends

NOW = datetime(2024, 6, 10, 9, 30)
HEADER = ["Ngày khảo sát", "Mã hồ sơ", "Hình thức", "Mức độ hài lòng chung", "1.1",
          "Thu tuc hanh chinh duoc niem yet cong khai day du", "Ý kiến khác"]


def write_csv(path: Path, rows: Sequence[Sequence[str]], *, header: Sequence[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def service(db: Database) -> SurveyImportService:
    return SurveyImportService(db, clock=lambda: NOW)


def rejected(service: SurveyImportService, path: Path, **options: object) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        service.import_surveys(path, **options)
    return [str(problem) for problem in caught.value.problems]


GOOD = [
    ["03/06/2024", "", "Phát phiếu", "5", "4", "5", "Cán bộ nhiệt tình"],
    ["2024-06-04", "", "", "Hài lòng", "", "3", ""],
    ["05/06/2024 10:15", "", "kiosk", "2", "1", "", "Phải chờ lâu"],
]


@pytest.mark.parametrize(("cell", "score"), [("4", 4), ("4.0", 4), ("Rất hài lòng", 5), ("khong hai long", 2),
                                             ("", None), ("7", 7)])
def test_ratings_as_written(cell: str, score: int | None) -> None:
    assert parse_score(cell) == score


def test_a_csv_with_criteria_by_code_and_by_wording(service: SurveyImportService, db: Database,
                                                   tmp_path: Path) -> None:
    result = service.import_surveys(write_csv(tmp_path / "ks.csv", GOOD))
    assert (result.inserted, result.unchanged, result.rejected) == (3, 0, 0)
    surveys = sorted(SurveyService(db).recent(10), key=lambda survey: survey.taken_on)
    assert [(s.taken_on, s.method, s.overall, s.comment) for s in surveys] == [
        (date(2024, 6, 3), SurveyMethod.PAPER, 5, "Cán bộ nhiệt tình"),
        (date(2024, 6, 4), SurveyMethod.PAPER, 4, ""),
        (date(2024, 6, 5), SurveyMethod.KIOSK, 2, "Phải chờ lâu"),
    ]
    assert [[(a.score, a.criterion_text) for a in s.answers] for s in surveys] == [
        [(4, "Nơi ngồi chờ có đủ chỗ ngồi"), (5, "Thủ tục hành chính được niêm yết công khai đầy đủ")],
        [(3, "Thủ tục hành chính được niêm yết công khai đầy đủ")],
        [(1, "Nơi ngồi chờ có đủ chỗ ngồi")],
    ]
    figures = StatisticsService(db).figures(period=parse_period("2024-06")).surveys
    assert (figures.responses, figures.satisfied, figures.paper, figures.kiosk) == (3, 2, 2, 1)


def test_an_xlsx_with_numbers_and_dates(service: SurveyImportService, db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["PHIẾU KHẢO SÁT THÁNG 6/2024"])
    sheet.append(["Ngày khảo sát", "Mức độ hài lòng chung", "3.1. Công chức có thái độ giao tiếp lịch sự khi tiếp "
                  "nhận và trả kết quả", "Hình thức"])
    sheet.append([datetime(2024, 6, 3), 4, 5.0, "Trực tuyến"])
    sheet.append([date(2024, 6, 4), 3, None, None])
    book.save(tmp_path / "ks.xlsx")
    assert service.import_surveys(tmp_path / "ks.xlsx").inserted == 2
    newest, oldest = SurveyService(db).recent(2)
    assert (oldest.method, oldest.overall, [(a.score, a.criterion_text[:9]) for a in oldest.answers]) == (
        SurveyMethod.ONLINE, 4, [(5, "Công chức")])
    assert (newest.taken_on, newest.answers) == (date(2024, 6, 4), ())


def test_a_linked_dossier(service: SurveyImportService, db: Database, tmp_path: Path) -> None:
    dossier_id = add_dossier(db, "000.21.31.H56-240603-0001")
    path = write_csv(tmp_path / "ks.csv", [["04/06/2024", "000.21.31.h56-240603-0001", "", "4", "", "", ""]])
    assert service.import_surveys(path).inserted == 1
    assert SurveyService(db).recent(1)[0].dossier_id == dossier_id


def test_every_bad_row_is_named_and_nothing_is_written(service: SurveyImportService, db: Database,
                                                       tmp_path: Path) -> None:
    add_dossier(db, "000.21.31.H56-240603-0001")
    path = write_csv(tmp_path / "ks.csv", [
        *GOOD,
        ["11/06/2024", "", "", "5", "7", "", ""],
        ["32/05/2024", "000.21.31.H56-240603-0009", "thư", "", "tốt", "0", ""],
        ["02/06/2024", "000.21.31.H56-240603-0001", "", "4", "", "", ""],
    ])
    assert rejected(service, path) == [
        "Dòng 5, cột «Ngày khảo sát»: ngày khảo sát 11/06/2024 ở tương lai.",
        "Dòng 5, cột «1.1»: tiêu chí 1.1 «Nơi ngồi chờ có đủ chỗ ngồi»: điểm 7 không hợp lệ, phải từ 1 đến 5.",
        "Dòng 6, cột «Ngày khảo sát»: ngày không hợp lệ «32/05/2024» (ghi dd/mm/yyyy hoặc yyyy-mm-dd).",
        "Dòng 6, cột «1.1»: «tốt» không phải là điểm (ghi số từ 1 đến 5).",
        "Dòng 6, cột «Hình thức»: hình thức khảo sát «thư» không hợp lệ (chọn một trong: Phát phiếu, Trực tuyến, "
        "Kiosk).",
        "Dòng 6, cột «Mức độ hài lòng chung»: hãy chọn mức độ hài lòng chung (từ 1 đến 5).",
        "Dòng 6, cột «Thu tuc hanh chinh duoc niem yet cong khai day du»: tiêu chí 2.1 «Thủ tục hành chính được "
        "niêm yết công khai đầy đủ»: điểm 0 không hợp lệ, phải từ 1 đến 5.",
        "Dòng 6, cột «Mã hồ sơ»: không có hồ sơ mã «000.21.31.H56-240603-0009».",
        "Dòng 7, cột «Ngày khảo sát»: ngày khảo sát 02/06/2024 trước ngày tiếp nhận hồ sơ 000.21.31.H56-240603-0001 "
        "(03/06/2024).",
    ]
    assert count(db, "survey") == count(db, "survey_answer") == 0


def test_skip_invalid_writes_the_good_rows_and_the_rejects(service: SurveyImportService, db: Database,
                                                           tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ks.csv", [GOOD[0], ["03/06/2024", "", "", "9", "", "", ""], GOOD[1]])
    rejects = tmp_path / "loi.csv"
    result = service.import_surveys(path, skip_invalid=True, rejects=rejects)
    assert (result.inserted, result.rejected) == (2, 1)
    assert count(db, "survey") == 2
    assert read_csv(rejects) == [
        [*HEADER, "Lý do"],
        ["03/06/2024", "", "", "9", "", "", "",
         "Dòng 3, cột «Mức độ hài lòng chung»: mức độ hài lòng chung: điểm 9 không hợp lệ, phải từ 1 đến 5."],
    ]


def test_reimporting_adds_nothing_but_identical_forms_in_one_file_all_count(
    service: SurveyImportService, db: Database, tmp_path: Path,
) -> None:
    same = ["03/06/2024", "", "", "5", "5", "5", ""]
    path = write_csv(tmp_path / "ks.csv", [*GOOD, same, same])
    assert service.import_surveys(path).inserted == 5
    again = service.import_surveys(path)
    assert (again.inserted, again.unchanged) == (0, 5)
    # A third identical form of that day, the others already stored: one more.
    more = service.import_surveys(write_csv(tmp_path / "more.csv", [same, same, same, GOOD[0]]))
    assert (more.inserted, more.unchanged) == (1, 3)
    assert count(db, "survey") == 6


def test_a_file_without_the_required_columns(service: SurveyImportService, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ks.csv", [["03/06/2024", "5"]], header=["Ngày khảo sát", "Điểm"])
    with pytest.raises(TableFileError, match="thiếu cột bắt buộc: «Mức độ hài lòng chung»"):
        service.import_surveys(path)


def test_cli_imports_surveys(db_path: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ks.csv", GOOD)
    result = cchc("--db", str(db_path), "import", "surveys", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "Đã nhập 3 phiếu khảo sát (0 bỏ qua vì đã có).\n"
    assert cchc("--db", str(db_path), "import", "surveys", str(path)).stdout == (
        "Đã nhập 0 phiếu khảo sát (3 bỏ qua vì đã có).\n")
    bad = write_csv(tmp_path / "bad.csv", [["03/06/2024", "", "", "6", "", "", ""]])
    result = cchc("--db", str(db_path), "import", "surveys", str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Dòng 2, cột «Mức độ hài lòng chung»: mức độ hài lòng chung: điểm 6 không hợp lệ, phải từ 1 đến 5.",
        "Không ghi dữ liệu nào: có 1 dòng lỗi.",
        "Hãy sửa các dòng trên rồi nhập lại, hoặc dùng --skip-invalid --rejects TỆP để chỉ nhập các dòng đúng.",
    ]
    assert cchc("--db", str(db_path), "import", "surveys", str(bad), "--skip-invalid").returncode == 2
