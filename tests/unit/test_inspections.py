"""Administrative-discipline checks (DESIGN.md §1 «Kiểm tra kỷ luật, kỷ cương», DOMAIN.md §5): InspectionService,
the figures StatisticsService computes from it, the inspection record PDF and ``cchc inspection-record``."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlite_utils import Database

from cchc_desktop.domain.inspections import CheckResult, InspectionKind, Measure, SubjectKind
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.reports.inspection_record import person_name, team, team_leader
from cchc_desktop.services.inspections import CheckInput, FindingInput, InspectionInput, InspectionService
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.statistics import StatisticsService
from db.connection import open_db
from tests.unit.test_cli import cchc
from tests.unit.test_forms_pdf import assert_has, pages

NOW = datetime(2024, 6, 10, 9, 30)
INSPECTORS = ("Lê Văn Minh - Phó Chủ tịch UBND xã (Trưởng đoàn)\n"
              "Đỗ Văn Tùng - Công chức Văn phòng - Thống kê (Thành viên)")


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def inspection(**changes: object) -> InspectionInput:
    """A valid unannounced check of the desk on 04/06/2024 with two findings, with ``changes``."""
    base = InspectionInput(
        inspected_on=date(2024, 6, 4), kind=InspectionKind.UNANNOUNCED, subject="Bộ phận Tiếp nhận và Trả kết quả",
        basis="Quyết định số 45/QĐ-UBND ngày 03/06/2024 của Chủ tịch UBND xã về kiểm tra đột xuất",
        place="Trụ sở UBND xã Hoằng Hợp", inspectors=INSPECTORS,
        conclusion="Cơ bản chấp hành tốt; yêu cầu khắc phục các tồn tại trong tháng 6/2024.",
        checks={"1": CheckInput(CheckResult.FAIL, "Đến muộn 15 phút"), "2": CheckResult.PASS, 3: "Đạt",
                "8": CheckInput("na")},
        findings=(
            FindingInput("Công chức Nguyễn Thị Ưng đến muộn 15 phút", remedy_deadline=date(2024, 6, 30),
                         responsible="Nguyễn Thị Ưng", measure=Measure.REMINDER, official_name="Nguyễn Thị Ưng"),
            FindingInput("Hòm thư góp ý chưa được mở định kỳ", remedy_deadline=date(2024, 6, 7),
                         responsible="Văn phòng - Thống kê", remedied_on=date(2024, 6, 6)),
        ),
    )
    return replace(base, **changes)


@pytest.fixture
def service(db: Database) -> InspectionService:
    return InspectionService(db, clock=lambda: NOW)


def refused(call: object, *args: object, **kwargs: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.errors


# -- recording --------------------------------------------------------------------------------------------------


def test_the_checklist_is_the_seeded_criteria(service: InspectionService) -> None:
    checklist = service.checklist()
    assert [criterion.code for criterion in checklist] == [str(n) for n in range(1, 9)]
    assert checklist[2].text == "Đeo thẻ công chức, trang phục đúng quy định"


def test_an_inspection_is_recorded_whole(service: InspectionService, db: Database) -> None:
    recorded = service.record(inspection())
    assert (recorded.inspected_on, recorded.kind, recorded.subject, recorded.subject_kind) == (
        date(2024, 6, 4), InspectionKind.UNANNOUNCED, "Bộ phận Tiếp nhận và Trả kết quả", SubjectKind.UNIT)
    assert recorded.inspectors == INSPECTORS
    assert [(check.criterion_id, check.result, check.note) for check in recorded.checks] == [
        (1, CheckResult.FAIL, "Đến muộn 15 phút"), (2, CheckResult.PASS, ""), (3, CheckResult.PASS, ""),
        (8, CheckResult.NOT_APPLICABLE, "")]
    assert recorded.checks[0].criterion_text.startswith("Chấp hành giờ giấc làm việc")
    first, second = recorded.findings
    assert (first.measure, first.official_name, first.remedied_on, first.overdue(date(2024, 7, 1))) == (
        Measure.REMINDER, "Nguyễn Thị Ưng", None, True)
    assert (second.remedied_on, second.overdue(date(2024, 7, 1))) == (date(2024, 6, 6), False)
    assert (count(db, "inspection"), count(db, "inspection_check"), count(db, "finding")) == (1, 4, 2)
    assert service.get(recorded.id) == recorded


def test_every_bad_field_is_named_at_once_and_nothing_is_written(service: InspectionService, db: Database) -> None:
    errors = refused(service.record, inspection(
        inspected_on=date(2024, 6, 11), subject="  ", kind="hàng tuần",
        checks={"1": "tốt", "99": CheckResult.PASS},
        findings=(FindingInput(" "), FindingInput("Đến muộn", remedy_deadline=date(2024, 6, 3),
                                                 remedied_on=date(2024, 6, 2), measure="phạt tiền"))))
    assert errors == {
        "inspected_on": "Ngày kiểm tra 11/06/2024 ở tương lai.",
        "kind": "Hình thức kiểm tra «hàng tuần» không hợp lệ (chọn một trong: Theo kế hoạch, Đột xuất, Tự kiểm tra).",
        "subject": "Hãy ghi đối tượng được kiểm tra (bộ phận hoặc họ tên công chức).",
        "findings.0.description": "Vấn đề thứ 1: chưa ghi nội dung vấn đề phát hiện.",
        "findings.1.measure": "Vấn đề thứ 2: hình thức xử lý «phạt tiền» không hợp lệ (chọn một trong: Nhắc nhở, "
                              "Kiểm điểm, Khiển trách, Cảnh cáo, Hạ bậc lương, Giáng chức, Cách chức, Buộc thôi việc).",
        "checks.1": "Tiêu chí 1: kết quả «tốt» không hợp lệ (chọn một trong: Đạt, Không đạt, Không áp dụng).",
        "checks.99": "Không có tiêu chí kiểm tra «99».",
    }
    # With a valid date, the finding's dates are compared with it.
    errors = refused(service.record, inspection(findings=(
        FindingInput("Đến muộn", remedy_deadline=date(2024, 6, 3), remedied_on=date(2024, 6, 2)),
        FindingInput("Chưa đeo thẻ", remedied_on=date(2024, 6, 12)))))
    assert errors == {
        "findings.0.remedy_deadline": "Vấn đề thứ 1: thời hạn khắc phục 03/06/2024 trước ngày kiểm tra 04/06/2024.",
        "findings.0.remedied_on": "Vấn đề thứ 1: ngày khắc phục 02/06/2024 trước ngày kiểm tra 04/06/2024.",
        "findings.1.remedied_on": "Vấn đề thứ 2: ngày khắc phục 12/06/2024 ở tương lai.",
    }
    errors = refused(service.record, inspection(inspected_on=None, kind=None, subject_kind="xã"))
    assert errors == {
        "inspected_on": "Hãy ghi ngày kiểm tra.",
        "kind": "Hãy chọn hình thức kiểm tra (một trong: Theo kế hoạch, Đột xuất, Tự kiểm tra).",
        "subject_kind": "Loại đối tượng «xã» không hợp lệ (chọn một trong: Bộ phận, Công chức).",
    }
    assert refused(service.record, inspection(inspected_on=date(1999, 1, 1), findings=())) == {
        "inspected_on": "Ngày kiểm tra 01/01/1999 trước năm 2000."}
    assert count(db, "inspection") == count(db, "inspection_check") == count(db, "finding") == 0


def test_an_inspection_without_findings_nor_checks(service: InspectionService) -> None:
    recorded = service.record(InspectionInput(inspected_on=date(2024, 6, 10), kind="Tự kiểm tra",
                                              subject="Trần Văn Nam - Công chức Tư pháp - Hộ tịch",
                                              subject_kind="Công chức"))
    assert (recorded.kind, recorded.subject_kind, recorded.checks, recorded.findings) == (
        InspectionKind.SELF, SubjectKind.OFFICIAL, (), ())


def test_checks_keep_the_wording_they_were_made_with(service: InspectionService, db: Database) -> None:
    recorded = service.record(inspection())
    db.execute("UPDATE inspection_criterion SET text = 'Giờ giấc' WHERE code = '1'")
    assert service.get(recorded.id).checks[0].criterion_text.startswith("Chấp hành giờ giấc làm việc")


# -- findings later ---------------------------------------------------------------------------------------------


def test_a_remedy_is_recorded_later(service: InspectionService) -> None:
    open_finding = service.record(inspection()).findings[0]
    remedied = service.update_finding(open_finding.id, finding=replace(
        FindingInput.of(open_finding), remedied_on=date(2024, 6, 8), measure=Measure.SELF_CRITICISM))
    assert (remedied.remedied_on, remedied.measure, remedied.description) == (
        date(2024, 6, 8), Measure.SELF_CRITICISM, open_finding.description)
    assert service.finding(open_finding.id) == remedied


def test_a_bad_remedy_is_refused_and_nothing_changes(service: InspectionService) -> None:
    open_finding = service.record(inspection()).findings[0]
    base = FindingInput.of(open_finding)
    assert refused(service.update_finding, open_finding.id, finding=replace(base, remedied_on=date(2024, 6, 1))) == {
        "remedied_on": "Ngày khắc phục 01/06/2024 trước ngày kiểm tra 04/06/2024."}
    assert refused(service.update_finding, open_finding.id, finding=replace(
        base, description="", remedied_on=date(2024, 6, 30), remedy_deadline=date(2024, 5, 1))) == {
        "description": "Chưa ghi nội dung vấn đề phát hiện.",
        "remedied_on": "Ngày khắc phục 30/06/2024 ở tương lai.",
        "remedy_deadline": "Thời hạn khắc phục 01/05/2024 trước ngày kiểm tra 04/06/2024.",
    }
    assert service.finding(open_finding.id) == open_finding
    with pytest.raises(NotFoundError, match="Không có vấn đề phát hiện số 99"):
        service.update_finding(99, finding=base)


def test_a_finding_is_added_to_a_recorded_inspection(service: InspectionService) -> None:
    recorded = service.record(inspection(findings=()))
    added = service.add_finding(recorded.id, finding=FindingInput("Chưa niêm yết số điện thoại đường dây nóng",
                                                                  remedy_deadline=date(2024, 6, 20)))
    assert service.get(recorded.id).findings == (added,)
    assert refused(service.add_finding, recorded.id, finding=FindingInput("")) == {
        "description": "Chưa ghi nội dung vấn đề phát hiện."}
    with pytest.raises(NotFoundError, match="Không có cuộc kiểm tra số 99"):
        service.add_finding(99, finding=FindingInput("x"))


def test_the_list_counts_open_and_overdue_findings(service: InspectionService) -> None:
    first = service.record(inspection())
    service.record(inspection(inspected_on=date(2024, 3, 1), subject="Công an xã", kind=InspectionKind.PLANNED,
                              findings=(FindingInput("Đến muộn", remedy_deadline=date(2024, 3, 15)),)))
    service.record(inspection(inspected_on=date(2023, 12, 1), findings=()))
    listed = service.inspections(year=2024)
    assert [(item.inspected_on, item.subject, item.findings, item.remedied, item.open, item.overdue)
            for item in listed] == [
        (date(2024, 3, 1), "Công an xã", 1, 0, 1, 1),
        (date(2024, 6, 4), "Bộ phận Tiếp nhận và Trả kết quả", 2, 1, 1, 0),
    ]
    assert [item.id for item in service.inspections(period=parse_period("2024-Q2"))] == [first.id]
    assert len(service.inspections()) == 3


def test_statistics_count_what_was_recorded(service: InspectionService, db: Database) -> None:
    service.record(inspection())
    service.record(inspection(inspected_on=date(2024, 5, 2), kind=InspectionKind.PLANNED, subject="Công an xã",
                              findings=(FindingInput("Đến muộn", remedy_deadline=date(2024, 5, 20),
                                                     measure=Measure.REPRIMAND, official_name="Phạm Văn Đức"),)))
    statistics = StatisticsService(db)
    figures = statistics.figures(period=parse_period("2024-Q2"), cutoff=date(2024, 6, 10)).inspections
    assert (figures.inspections, figures.subjects, figures.findings, figures.findings_resolved,
            figures.findings_overdue, figures.officials_disciplined) == (2, 2, 3, 1, 1, 1)
    # 5.4.2 counts over the commune's declared list: none yet, so no share (not "every unit ever inspected")
    assert (figures.units_inspected, figures.units_known, figures.unit_share) == (0, 0, None)

    assert service.declare_subjects("Bộ phận tiếp nhận và trả kết quả\n\n  Công chức Tư pháp - Hộ tịch \n"
                                    "Công chức Văn hóa - Xã hội") == (
        "Bộ phận tiếp nhận và trả kết quả", "Công chức Tư pháp - Hộ tịch", "Công chức Văn hóa - Xã hội")
    figures = statistics.figures(period=parse_period("2024-Q2"), cutoff=date(2024, 6, 10)).inspections
    # the desk matched without case; «Công an xã» was inspected but is not on the list: counted in 1.2.1 only
    assert (figures.units_inspected, figures.units_known) == (1, 3)
    assert figures.unit_share == pytest.approx(100 / 3)

    with pytest.raises(ValidationError) as caught:
        service.declare_subjects(["Công chức Tư pháp", "CÔNG CHỨC TƯ PHÁP", "x" * 301])
    message = caught.value.errors["subjects"]
    assert "«CÔNG CHỨC TƯ PHÁP» ghi hai lần" in message and "dài quá 300 ký tự" in message
    assert len(service.subjects_to_inspect()) == 3  # the refused list changed nothing


# -- the inspection record --------------------------------------------------------------------------------------


def test_team_members_and_leader() -> None:
    assert team(INSPECTORS) == ["Lê Văn Minh - Phó Chủ tịch UBND xã (Trưởng đoàn)",
                                "Đỗ Văn Tùng - Công chức Văn phòng - Thống kê (Thành viên)"]
    assert team_leader("Đỗ Văn Tùng - Thành viên; Lê Văn Minh, Phó Chủ tịch (Trưởng đoàn)") == "Lê Văn Minh"
    assert team_leader("Hoàng Thị Lan (Công chức Văn hóa - Xã hội)") == "Hoàng Thị Lan"
    assert team_leader("") == ""
    assert person_name("Trần Văn Nam – Công chức Tư pháp - Hộ tịch") == "Trần Văn Nam"


@pytest.fixture
def unit(db: Database) -> None:
    SettingsService(db).update(name="UBND xã Hoằng Hợp", place="Hoằng Hợp")


@pytest.mark.usefixtures("unit")
def test_the_record_pdf_reads_back_with_its_diacritics(service: InspectionService, tmp_path: Path) -> None:
    recorded = service.record(inspection(subject="Bộ phận Một cửa xã Ea Kao, Đắk Lắk"))
    target = tmp_path / "bienban.pdf"
    pdf = service.print_record(recorded.id, target)
    assert target.read_bytes() == pdf
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert_has(
        pdf, 0, "ỦY BAN NHÂN DÂN", "XÃ HOẰNG HỢP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Hoằng Hợp, ngày 04 tháng 6 năm 2024", "BIÊN BẢN KIỂM TRA", "Việc chấp hành kỷ luật, kỷ cương hành chính",
        "Căn cứ Quyết định số 45/QĐ-UBND ngày 03/06/2024 của Chủ tịch UBND xã về kiểm tra đột xuất;",
        "Hôm nay, ngày 04 tháng 6 năm 2024, tại Trụ sở UBND xã Hoằng Hợp, Đoàn kiểm tra tiến hành kiểm tra đột xuất",
        "I. THÀNH PHẦN", "- Lê Văn Minh - Phó Chủ tịch UBND xã (Trưởng đoàn)",
        "2. Đối tượng được kiểm tra (bộ phận): Bộ phận Một cửa xã Ea Kao, Đắk Lắk", "Hình thức kiểm tra: Đột xuất.",
        "II. NỘI DUNG KIỂM TRA", "Nội dung kiểm tra", "Kết quả", "Ghi chú", "Không đạt", "Đến muộn 15 phút",
        "Không áp dụng", "III. NHỮNG VẤN ĐỀ PHÁT HIỆN", "Công chức Nguyễn Thị Ưng đến muộn 15 phút", "30/06/2024",
    )
    text = " ".join(pages(pdf))
    for needle in ("Nhắc nhở (Nguyễn Thị Ưng)", "Đã khắc phục ngày 06/06/2024", "IV. KẾT LUẬN VÀ KIẾN NGHỊ",
                   "Cơ bản chấp hành tốt", "ĐƠN VỊ ĐƯỢC KIỂM TRA", "TRƯỞNG ĐOÀN KIỂM TRA", "Lê Văn Minh"):
        assert needle in text, needle
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(target), str(tmp_path / "page")],
                       check=True, capture_output=True)
        (png,) = tmp_path.glob("page*.png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.usefixtures("unit")
def test_a_record_without_findings_of_an_official(service: InspectionService) -> None:
    recorded = service.record(InspectionInput(
        inspected_on=date(2024, 6, 10), kind=InspectionKind.SELF, subject="Trần Văn Nam - Công chức Tư pháp - Hộ tịch",
        subject_kind=SubjectKind.OFFICIAL))
    pdf = service.print_record(recorded.id)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert_has(pdf, 0, "tại ………………, Đoàn kiểm tra tiến hành tự kiểm tra", "- ………………",
               "Không ghi kết quả theo danh mục tiêu chí kiểm tra.", "Không phát hiện vi phạm.",
               "NGƯỜI ĐƯỢC KIỂM TRA", "Trần Văn Nam")


def test_cli_prints_the_record(db_path: Path, tmp_path: Path) -> None:
    db = open_db(db_path)
    recorded = InspectionService(db).record(inspection(inspected_on=date(2024, 6, 4)))
    db.close()
    out = tmp_path / "bb.pdf"
    result = cchc("--db", str(db_path), "inspection-record", str(recorded.id), "--out", str(out))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"Đã tạo {out} (biên bản kiểm tra số {recorded.id}).\n"
    assert "BIÊN BẢN KIỂM TRA" in pages(out.read_bytes())[0]
    missing = cchc("--db", str(db_path), "inspection-record", "99", "--out", str(tmp_path / "x.pdf"))
    assert (missing.returncode, missing.stderr) == (1, "Lỗi: Không có cuộc kiểm tra số 99.\n")
    assert not (tmp_path / "x.pdf").exists()
    usage = cchc("--db", str(db_path), "inspection-record", "một")
    assert usage.returncode == 2 and "Lỗi:" in usage.stderr
