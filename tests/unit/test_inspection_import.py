"""The import of discipline checks (DESIGN.md §3–§4 ``inspections``), through the service and the real ``cchc``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.inspections import InspectionKind, Measure, SubjectKind
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.services.inspection_import import InspectionImportService
from cchc_desktop.services.inspections import InspectionService
from cchc_desktop.services.statistics import StatisticsService
from cchc_desktop.services.tables import ImportRejected
from tests.unit.test_cli import cchc
from tests.unit.test_survey_import import count, read_csv, write_csv

pytestmark = pytest.mark.backends

NOW = datetime(2024, 6, 10, 9, 30)
HEADER = ["Ngày kiểm tra", "Đối tượng được kiểm tra", "Loại đối tượng", "Hình thức", "Đoàn kiểm tra", "Kết luận",
          "Vấn đề phát hiện", "Thời hạn khắc phục", "Ngày khắc phục", "Hình thức xử lý", "Công chức vi phạm"]
A = ["04/06/2024", "Bộ phận Tiếp nhận và Trả kết quả", "", "Đột xuất"]
GOOD = [
    [*A, "Lê Văn Minh (Trưởng đoàn)", "Còn tồn tại", "Đến muộn 15 phút", "30/06/2024", "", "Nhắc nhở",
     "Nguyễn Thị Ưng"],
    [*A[:1], "bo phan tiep nhan va tra ket qua", "", "dot xuat", "", "", "Hòm thư góp ý chưa mở", "07/06/2024",
     "06/06/2024", "", ""],
    ["15/03/2024", "Trần Văn Nam - Công chức Tư pháp - Hộ tịch", "Công chức", "Theo kế hoạch", "", "Chấp hành tốt",
     "", "", "", "", ""],
]


@pytest.fixture
def service(db: Database) -> InspectionImportService:
    return InspectionImportService(db, clock=lambda: NOW)


def rejected(service: InspectionImportService, path: Path, **options: object) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        service.import_inspections(path, **options)
    return [str(problem) for problem in caught.value.problems]


def test_rows_of_one_day_subject_and_kind_are_one_inspection(service: InspectionImportService, db: Database,
                                                             tmp_path: Path) -> None:
    result = service.import_inspections(write_csv(tmp_path / "kt.csv", GOOD, header=HEADER))
    assert (result.inserted, result.findings_inserted, result.updated, result.unchanged) == (2, 2, 0, 0)
    inspections = InspectionService(db, clock=lambda: NOW)
    listed = inspections.inspections(year=2024)
    assert [(item.inspected_on, item.kind, item.subject_kind, item.findings, item.remedied) for item in listed] == [
        (date(2024, 3, 15), InspectionKind.PLANNED, SubjectKind.OFFICIAL, 0, 0),
        (date(2024, 6, 4), InspectionKind.UNANNOUNCED, SubjectKind.UNIT, 2, 1),
    ]
    desk = inspections.get(listed[1].id)
    assert (desk.subject, desk.inspectors, desk.conclusion) == ("Bộ phận Tiếp nhận và Trả kết quả",
                                                                "Lê Văn Minh (Trưởng đoàn)", "Còn tồn tại")
    assert [(f.description, f.remedy_deadline, f.remedied_on, f.measure, f.official_name) for f in desk.findings] == [
        ("Đến muộn 15 phút", date(2024, 6, 30), None, Measure.REMINDER, "Nguyễn Thị Ưng"),
        ("Hòm thư góp ý chưa mở", date(2024, 6, 7), date(2024, 6, 6), None, ""),
    ]
    figures = StatisticsService(db).figures(period=parse_period("2024-H1")).inspections
    assert (figures.inspections, figures.subjects, figures.findings, figures.findings_resolved) == (2, 2, 2, 1)


def test_every_bad_row_is_named_and_nothing_is_written(service: InspectionImportService, db: Database,
                                                       tmp_path: Path) -> None:
    path = write_csv(tmp_path / "kt.csv", [
        *GOOD,
        ["11/06/2024", "Công an xã", "", "Đột xuất", "", "", "", "", "", "", ""],
        [*A, "", "", "Chưa đeo thẻ", "01/06/2024", "02/06/2024", "", ""],
        ["04/06/2024", " ", "", "hàng tuần", "", "", "", "", "", "", ""],
        [*A, "", "", "", "30/06/2024", "", "", ""],
        [*A, "Đỗ Văn Tùng", "Tốt", "đến muộn 15 PHÚT", "", "", "", ""],
        [*A, "", "", "Chưa niêm yết", "", "20/06/2024", "Phạt", ""],
    ], header=HEADER)
    assert rejected(service, path) == [
        "Dòng 5, cột «Ngày kiểm tra»: ngày kiểm tra 11/06/2024 ở tương lai.",
        "Dòng 6, cột «Thời hạn khắc phục»: thời hạn khắc phục 01/06/2024 trước ngày kiểm tra 04/06/2024.",
        "Dòng 6, cột «Ngày khắc phục»: ngày khắc phục 02/06/2024 trước ngày kiểm tra 04/06/2024.",
        "Dòng 7, cột «Hình thức»: hình thức kiểm tra «hàng tuần» không hợp lệ (chọn một trong: Theo kế hoạch, "
        "Đột xuất, Tự kiểm tra).",
        "Dòng 7, cột «Đối tượng được kiểm tra»: hãy ghi đối tượng được kiểm tra (bộ phận hoặc họ tên công chức).",
        "Dòng 8, cột «Vấn đề phát hiện»: chưa ghi nội dung vấn đề phát hiện.",
        "Dòng 9, cột «Đoàn kiểm tra»: khác với dòng 2 của cùng cuộc kiểm tra («Lê Văn Minh (Trưởng đoàn)»).",
        "Dòng 9, cột «Kết luận»: khác với dòng 2 của cùng cuộc kiểm tra («Còn tồn tại»).",
        "Dòng 9, cột «Vấn đề phát hiện»: vấn đề này đã có ở dòng 2 của cùng cuộc kiểm tra.",
        "Dòng 10, cột «Ngày khắc phục»: ngày khắc phục 20/06/2024 ở tương lai.",
        "Dòng 10, cột «Hình thức xử lý»: hình thức xử lý «Phạt» không hợp lệ (chọn một trong: Nhắc nhở, Kiểm điểm, "
        "Khiển trách, Cảnh cáo, Hạ bậc lương, Giáng chức, Cách chức, Buộc thôi việc).",
    ]
    assert count(db, "inspection") == count(db, "finding") == 0


def test_reimport_fills_what_is_missing_and_refuses_contradictions(
    service: InspectionImportService, db: Database, tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "kt.csv", GOOD, header=HEADER)
    service.import_inspections(path)
    again = service.import_inspections(path)
    assert (again.inserted, again.findings_inserted, again.updated, again.unchanged) == (0, 0, 0, 3)
    # Later the spreadsheet gets the remedy date of the first finding and a new finding.
    later = [
        [*GOOD[0][:8], "08/06/2024", *GOOD[0][9:]],
        GOOD[1],
        [*A, "", "", "Chưa đeo thẻ công chức", "", "", "", ""],
    ]
    result = service.import_inspections(write_csv(tmp_path / "later.csv", later, header=HEADER))
    assert (result.inserted, result.findings_inserted, result.updated, result.unchanged) == (0, 1, 1, 1)
    (desk,) = [item for item in InspectionService(db).inspections(year=2024) if item.findings]
    assert (desk.findings, desk.remedied) == (3, 2)
    # A different remedy date or conclusion than the stored one is a bad row; an empty cell keeps the value.
    contradicting = [[*GOOD[0][:5], "Tốt", *GOOD[0][6:8], "09/06/2024", *GOOD[0][9:]]]
    assert rejected(service, write_csv(tmp_path / "bad.csv", contradicting, header=HEADER)) == [
        "Dòng 2, cột «Kết luận»: đã ghi «Còn tồn tại», khác với «Tốt» trong tệp.",
        "Dòng 2, cột «Ngày khắc phục»: đã ghi «08/06/2024», khác với «09/06/2024» trong tệp.",
    ]
    assert count(db, "inspection") == 2 and count(db, "finding") == 3


def test_skip_invalid_writes_the_good_rows_and_the_rejects(service: InspectionImportService, db: Database,
                                                           tmp_path: Path) -> None:
    bad = ["04/06/2024", "Công an xã", "", "Đột xuất", "", "", "Đến muộn", "", "03/06/2024", "", ""]
    rejects = tmp_path / "loi.csv"
    result = service.import_inspections(write_csv(tmp_path / "kt.csv", [*GOOD, bad], header=HEADER),
                                        skip_invalid=True, rejects=rejects)
    assert (result.inserted, result.findings_inserted, result.rejected) == (2, 2, 1)
    assert count(db, "inspection") == 2
    assert read_csv(rejects) == [[*HEADER, "Lý do"], [
        *bad, "Dòng 5, cột «Ngày khắc phục»: ngày khắc phục 03/06/2024 trước ngày kiểm tra 04/06/2024."]]


def test_the_contract_columns_alone(service: InspectionImportService, db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "kt.csv", [["04/06/2024", "Công an xã", "Tự kiểm tra", "Đến muộn", ""]],
                     header=["inspected_at", "subject", "kind", "finding", "resolved_at"])
    assert service.import_inspections(path).findings_inserted == 1
    (listed,) = InspectionService(db).inspections()
    assert (listed.kind, listed.subject_kind, listed.findings) == (InspectionKind.SELF, SubjectKind.UNIT, 1)


def test_cli_imports_inspections(db_path: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "kt.csv", GOOD, header=HEADER)
    result = cchc("--db", str(db_path), "import", "inspections", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("Đã nhập 2 cuộc kiểm tra mới, 2 vấn đề phát hiện mới; cập nhật 0 bản ghi (0 dòng đã có, "
                             "không đổi).\n")
    bad = write_csv(tmp_path / "bad.csv", [["04/06/2030", "Công an xã", "", "Đột xuất", "", "", "", "", "", "", ""]],
                    header=HEADER)
    result = cchc("--db", str(db_path), "import", "inspections", str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == ["Dòng 2, cột «Ngày kiểm tra»: ngày kiểm tra 04/06/2030 ở tương lai.",
                                              "Không ghi dữ liệu nào: có 1 dòng lỗi."]
