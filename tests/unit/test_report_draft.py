"""The periodic report is not sent half-written (issue 15): what is left to finish is listed (the number, every
«[Nêu …]» of the pre-written text, every typed-in row without a value), an export as sent is refused while any is
left, a draft carries «DỰ THẢO» on every page of its PDF, in every header of its Word file and first in its Excel
sheet and is not recorded as a version, a draft JSON is refused; the report's date is the export day within the
period's reporting window and must be given outside it; the default «Nơi nhận» is the unit's own list.

The files are the real builders' output, read back with pypdf (or pdftotext), python-docx and openpyxl."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader
from sqlite_utils import Database

from cchc_desktop.domain.report import GapKind, ReportDocument
from cchc_desktop.domain.templates import default
from cchc_desktop.errors import ValidationError
from cchc_desktop.reports.periodic_docx import report_docx
from cchc_desktop.reports.periodic_pdf import report_pdf
from cchc_desktop.reports.periodic_xlsx import report_xlsx
from cchc_desktop.services.reports import DAYS_AFTER_PERIOD, ReportIncomplete, ReportService, placeholders
from tests.unit import test_reports, test_statistics
from tests.unit.test_periodic_files import DOCUMENT, MM, page_numbers, pdf_pages
from tests.unit.test_reports import configure, finish
from tests.unit.test_statistics import Q2

# test_reports's commune (test_statistics's, with its unit set) and its service, clocked on 30/06/2024
built, commune, service = test_statistics.built, test_reports.commune, test_reports.service

MARK = "DỰ THẢO"
RIGHT_MARGIN_X = (210 - 15) * MM  # the right edge of the text: A4 less the 15 mm right margin


def clocked(db: Database, moment: datetime) -> ReportService:
    return ReportService(db, clock=lambda: moment)


def word_headers(path: Path) -> list[str]:
    """The text of every header of every section (the running one and the first page's)."""
    word = docx.Document(str(path))
    return [" ".join(paragraph.text for paragraph in header.paragraphs)
            for section in word.sections for header in (section.header, section.first_page_header)]


def word_body(path: Path) -> str:
    word = docx.Document(str(path))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return " ".join([paragraph.text for paragraph in word.paragraphs] + cells)


# -- what is left to finish ---------------------------------------------------------------------------------------


def test_placeholders_are_the_bracketed_instructions_only() -> None:
    text = ("Đã ban hành Kế hoạch số 03/KH-UBND [1].\n[Nêu kết quả thông tin, tuyên truyền cải cách hành chính.]\n"
            "Xem [Phụ lục 2]. [04 hồ sơ giải quyết quá hạn: nêu việc công khai xin lỗi tổ chức, cá nhân.] […] [ ... ]")
    assert placeholders(text) == [
        "[Nêu kết quả thông tin, tuyên truyền cải cách hành chính.]",
        "[04 hồ sơ giải quyết quá hạn: nêu việc công khai xin lỗi tổ chức, cá nhân.]", "[…]", "[ ... ]"]
    assert placeholders("[nêu kiến nghị]") == ["[nêu kiến nghị]"] and placeholders("") == []


def test_a_fresh_report_lists_its_number_placeholders_and_empty_typed_rows(service: ReportService) -> None:
    document = service.draft(period=Q2)
    gaps = service.gaps(document)
    assert gaps[0].kind is GapKind.NUMBER and gaps[0].text == "Chưa có số báo cáo (Số: …/BC-UBND)."
    written = [gap for gap in gaps if gap.kind is GapKind.PLACEHOLDER]
    assert {"I.3", "I.5", "III.1", "III.2", "IV", "V"} <= {gap.key for gap in written}
    assert ("Mục I.3. Công tác thông tin, tuyên truyền cải cách hành chính: còn chỗ cần viết «[Nêu kết quả thông "
            "tin, tuyên truyền cải cách hành chính: số tin, bài…]».") in [gap.text for gap in written]
    assert "Mục V. KIẾN NGHỊ, ĐỀ XUẤT: còn chỗ cần viết «[Nêu kiến nghị, đề xuất với cấp trên; nếu không có, ghi " \
           "«Không có».]»." in [gap.text for gap in written]
    typed = [gap for gap in gaps if gap.kind is GapKind.MANUAL]
    assert [gap.key for gap in typed] == list(default().manual_keys)  # none typed yet, in the appendix's order
    assert typed[list(default().manual_keys).index("4.1.1")].text == (
        "Dòng 4.1.1 (Tổng số biên chế được giao trong năm): chưa nhập số liệu.")

    service.set_manual(period_key="2024-Q2", indicator="4.1.1", text="17")
    service.save_sections(period_key="2024-Q2", sections={"V": "Không có."})
    gaps = service.gaps(service.draft(period=Q2, number="45"))
    assert GapKind.NUMBER not in {gap.kind for gap in gaps}
    assert "4.1.1" not in {gap.key for gap in gaps} and "V" not in {gap.key for gap in gaps}

    finish(service, "2024-Q2")
    assert service.gaps(service.draft(period=Q2, number="45")) == ()
    assert service.gaps(service.draft(period=Q2))[0].kind is GapKind.NUMBER  # the number alone is still a gap


def test_an_unfinished_report_is_refused_with_every_gap_and_nothing_is_written(service: ReportService,
                                                                               tmp_path: Path) -> None:
    document = service.draft(period=Q2)
    for fmt in ("pdf", "docx", "xlsx", "json"):
        with pytest.raises(ReportIncomplete) as caught:
            service.export(document, fmt=fmt, target=tmp_path / f"q2.{fmt}")
        assert caught.value.gaps == service.gaps(document)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"Báo cáo Quý II năm 2024 chưa hoàn chỉnh, còn {len(caught.value.gaps)} chỗ phải bổ sung " \
                       "trước khi gửi:"
    assert lines[1:] == [f"- {gap.text}" for gap in caught.value.gaps]
    assert list(tmp_path.glob("q2*")) == [] and service.history() == []


# -- drafts --------------------------------------------------------------------------------------------------------


def test_a_draft_pdf_is_marked_on_every_page_and_not_recorded(service: ReportService, tmp_path: Path) -> None:
    draft = tmp_path / "du-thao.pdf"
    assert service.export(service.draft(period=Q2), fmt="pdf", target=draft, draft=True) is None
    assert service.history() == []
    pdf = draft.read_bytes()
    texts = pdf_pages(pdf)
    assert len(texts) >= 3  # the report and its appendix
    assert all(MARK in text for text in texts)
    reader = PdfReader(io.BytesIO(pdf))
    assert all(MARK in " ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert reader.metadata.title.startswith("DỰ THẢO: Báo cáo")
    # in the top margin at the right, across from the page number (which is still there)
    margins = page_numbers(pdf)
    assert any(text.isdigit() for marks in margins for text, _x in marks)
    for marks in margins:
        assert MARK in [text for text, _x in marks] and all(text == MARK or text.isdigit() for text, _x in marks)
        centre = next(x for text, x in marks if text == MARK)
        assert centre > (30 + 165 * 0.75) * MM  # right of the page number, short of the right margin
        assert centre < RIGHT_MARGIN_X

    finish(service, "2024-Q2")
    final = tmp_path / "bao-cao.pdf"
    record = service.export(service.draft(period=Q2, number="45"), fmt="pdf", target=final)
    assert record is not None and record.version == 1  # the draft took no version
    assert not any(MARK in text for text in pdf_pages(final.read_bytes()))
    assert [r.version for r in service.history()] == [1]


def test_a_draft_word_file_has_the_mark_in_the_header_of_every_section(service: ReportService,
                                                                       tmp_path: Path) -> None:
    draft = tmp_path / "du-thao.docx"
    assert service.export(service.draft(period=Q2), fmt="docx", target=draft, draft=True) is None
    headers = word_headers(draft)
    assert len(headers) == 4  # the report and the appendix, each with its first page's header
    assert all(MARK in header for header in headers)
    assert MARK not in word_body(draft)  # a mark on the page, not a word of the report
    assert docx.Document(str(draft)).core_properties.title.startswith("DỰ THẢO: ")
    assert service.history() == []

    finish(service, "2024-Q2")
    final = tmp_path / "bao-cao.docx"
    assert service.export(service.draft(period=Q2, number="45"), fmt="docx", target=final).version == 1
    assert not any(MARK in header for header in word_headers(final))


def test_a_draft_excel_file_has_the_mark_first_and_in_its_printed_header(service: ReportService,
                                                                         tmp_path: Path) -> None:
    draft = tmp_path / "du-thao.xlsx"
    assert service.export(service.draft(period=Q2), fmt="xlsx", target=draft, draft=True) is None
    sheet = openpyxl.load_workbook(draft).active
    assert sheet["A1"].value == MARK and sheet["A1"].font.b
    assert sheet["A2"].value == "UBND xã Hoằng Hợp"
    assert sheet.oddHeader.right.text == MARK
    assert service.history() == []

    finish(service, "2024-Q2")
    final = tmp_path / "bao-cao.xlsx"
    assert service.export(service.draft(period=Q2, number="45"), fmt="xlsx", target=final).version == 1
    sheet = openpyxl.load_workbook(final).active
    assert sheet["A1"].value == "UBND xã Hoằng Hợp" and not sheet.oddHeader.right.text


def test_no_draft_json_and_a_json_only_of_a_finished_report(service: ReportService, tmp_path: Path) -> None:
    target = tmp_path / "q2.json"
    with pytest.raises(ValidationError) as caught:
        service.export(service.draft(period=Q2), fmt="json", target=target, draft=True)
    assert caught.value.errors == {"format": (
        "Không xuất bản dự thảo ra JSON: tệp JSON là số liệu gửi cấp trên để tổng hợp, chỉ xuất khi báo cáo đã hoàn "
        "chỉnh. Bản dự thảo hãy xuất ra PDF, Word hoặc Excel.")}
    with pytest.raises(ReportIncomplete):
        service.export(service.draft(period=Q2), fmt="json", target=target)
    assert not target.exists() and service.history() == []

    finish(service, "2024-Q2")
    with pytest.raises(ValidationError):  # finished or not, a JSON is never a draft
        service.export(service.draft(period=Q2, number="45"), fmt="json", target=target, draft=True)
    record = service.export(service.draft(period=Q2, number="45"), fmt="json", target=target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert record.version == data["version"] == 1 and "draft" not in data
    assert data["indicators"]["4.1.1"] == 1 and data["sources"]["4.1.1"] == "manual"


def test_a_finished_report_exported_as_a_draft_is_marked_and_still_not_recorded(service: ReportService,
                                                                                tmp_path: Path) -> None:
    finish(service, "2024-Q2")
    document = service.draft(period=Q2, number="45")
    assert service.export(document, fmt="pdf", target=tmp_path / "xem-truoc.pdf", draft=True) is None
    assert all(MARK in text for text in pdf_pages((tmp_path / "xem-truoc.pdf").read_bytes()))
    assert service.history() == []
    assert service.export(document, fmt="pdf", target=tmp_path / "bao-cao.pdf").version == 1


def test_the_builders_mark_only_a_draft() -> None:
    draft = dataclasses.replace(DOCUMENT, draft=True)
    assert all(MARK in text for text in pdf_pages(report_pdf(draft)))
    assert not any(MARK in text for text in pdf_pages(report_pdf(DOCUMENT)))


def test_the_draft_files_keep_the_rest_of_the_layout(tmp_path: Path) -> None:
    draft: ReportDocument = dataclasses.replace(DOCUMENT, draft=True)
    report_docx(draft, tmp_path / "d.docx")
    report_docx(DOCUMENT, tmp_path / "f.docx")
    assert word_body(tmp_path / "d.docx") == word_body(tmp_path / "f.docx")
    running = docx.Document(str(tmp_path / "d.docx")).sections[0].header.paragraphs
    assert len(running) == 1 and running[0].text == f"\t2\t{MARK}"  # the page number and the mark on one line
    report_xlsx(draft, tmp_path / "d.xlsx")
    report_xlsx(DOCUMENT, tmp_path / "f.xlsx")
    marked, plain = (openpyxl.load_workbook(tmp_path / name).active for name in ("d.xlsx", "f.xlsx"))
    assert [[cell.value for cell in row] for row in marked.iter_rows(min_row=2)] == [
        [cell.value for cell in row] for row in plain.iter_rows()]
    assert marked.print_title_rows != plain.print_title_rows  # the table's header row moved down with the rows


# -- the report's date ---------------------------------------------------------------------------------------------


def test_the_date_is_the_export_day_within_the_reporting_window(commune: Database, tmp_path: Path) -> None:
    assert DAYS_AFTER_PERIOD == 15
    assert ReportService.reporting_window(Q2, date(2024, 6, 20)) == (date(2024, 6, 20), date(2024, 7, 15))
    inside = clocked(commune, datetime(2024, 7, 15, 17, 0)).draft(period=Q2)
    assert (inside.cutoff, inside.issued_on, inside.dated) == (date(2024, 6, 30), date(2024, 7, 15), True)
    before_the_end = clocked(commune, datetime(2024, 6, 25, 8, 0)).draft(period=Q2)  # the cut-off is today
    assert (before_the_end.issued_on, before_the_end.dated) == (date(2024, 6, 25), True)

    late = clocked(commune, datetime(2024, 7, 16, 8, 0))
    undated = late.draft(period=Q2)
    assert not undated.dated
    for draft in (False, True):  # a draft needs its date too: it is printed on the paper
        with pytest.raises(ValidationError) as caught:
            late.export(undated, fmt="pdf", target=tmp_path / "q2.pdf", draft=draft)
        assert caught.value.errors == {"issued_on": (
            "Hôm nay (16/07/2024) ngoài thời gian lập báo cáo Quý II năm 2024 (từ 30/06/2024 đến 15/07/2024): hãy "
            "ghi ngày ban hành báo cáo.")}
    early = clocked(commune, datetime(2024, 6, 10, 8, 0)).draft(period=Q2, cutoff=date(2024, 6, 20))
    assert not early.dated  # before its own cut-off

    given = late.draft(period=Q2, issued_on=date(2024, 7, 20))
    assert given.dated and given.issued_on == date(2024, 7, 20)
    assert late.export(given, fmt="pdf", target=tmp_path / "q2.pdf", draft=True) is None
    assert "ngày 20 tháng 7 năm 2024" in pdf_pages((tmp_path / "q2.pdf").read_bytes())[0]


# -- Nơi nhận ------------------------------------------------------------------------------------------------------


def test_the_default_recipients_are_the_units_own(service: ReportService, commune: Database,
                                                  tmp_path: Path) -> None:
    assert service.draft(period=Q2).recipients == ("UBND huyện Hoằng Hóa (b/c)", "Lưu: VT.")  # none set
    configure(commune, report_recipients="UBND tỉnh Thanh Hóa (qua Sở Nội vụ)\n- Thường trực Đảng ủy xã;\n"
                                         "Thường trực HĐND xã\nLưu: VT.")
    document = service.draft(period=Q2)
    assert document.recipients == ("UBND tỉnh Thanh Hóa (qua Sở Nội vụ)", "Thường trực Đảng ủy xã",
                                   "Thường trực HĐND xã", "Lưu: VT.")
    assert service.draft(period=Q2, recipients=["Sở Nội vụ (b/c)"]).recipients == ("Sở Nội vụ (b/c)",)
    service.export(document, fmt="pdf", target=tmp_path / "q2.pdf", draft=True)
    body = " ".join(pdf_pages((tmp_path / "q2.pdf").read_bytes()))
    for line in ("- UBND tỉnh Thanh Hóa (qua Sở Nội vụ);", "- Thường trực Đảng ủy xã;", "- Thường trực HĐND xã;",
                 "- Lưu: VT."):
        assert line in body, line
    assert body.count("Lưu: VT.") == 1 and "Hoằng Hóa (b/c)" not in body



def test_the_command_line_lists_what_is_left_and_writes_a_draft_only_when_asked(demo_path: Path,
                                                                                 tmp_path: Path) -> None:
    from tests.conftest import DEMO_ADMIN
    from tests.unit.test_cli import cchc

    def versions() -> int:
        db = Database(demo_path)
        try:
            return db.execute("SELECT count(*) FROM report").fetchone()[0]
        finally:
            db.close()

    out = tmp_path / "bc.pdf"
    base = ["report", "--db", str(demo_path), *DEMO_ADMIN, "--period", "2024-H1", "--out", str(out)]
    undated = cchc(*base, "--format", "pdf")  # today is long past the half-year's reporting window
    assert undated.returncode == 1 and "hãy ghi ngày ban hành báo cáo" in undated.stderr
    assert "--date" in undated.stderr and not out.exists()
    refused = cchc(*base, "--format", "pdf", "--date", "05/07/2024")
    assert refused.returncode == 1 and not out.exists()
    lines = refused.stderr.splitlines()
    assert lines[0].startswith("Lỗi: Báo cáo 6 tháng đầu năm 2024 chưa hoàn chỉnh")
    assert any("số báo cáo" in line.lower() for line in lines[1:])
    assert sum(line.startswith("  - ") for line in lines) > 3
    assert "--draft" in lines[-1]
    draft = cchc(*base, "--format", "pdf", "--date", "05/07/2024", "--draft")
    assert draft.returncode == 0, draft.stderr
    assert "bản nháp" in draft.stdout and "không lưu phiên bản" in draft.stdout
    assert all(MARK in (page.extract_text() or "") for page in PdfReader(out).pages)
    assert versions() == 0
    no_json = cchc(*base[:-1], str(tmp_path / "bc.json"), "--format", "json", "--date", "05/07/2024", "--draft")
    assert no_json.returncode == 1 and not (tmp_path / "bc.json").exists()
