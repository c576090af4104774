"""The periodic report's files (issue 6): the official PDF, the Word file and the Excel appendix, built from a
hand-made ReportDocument shaped like the seed commune's 6-month report of 2024 and read back."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.report import AppendixRow, NarrativeSection, ReportDocument, ReportUnit, RowSource, value_text
from cchc_desktop.reports.official import text_blocks
from cchc_desktop.reports.periodic_docx import report_docx
from cchc_desktop.reports.periodic_pdf import kept_together, report_pdf, section_heading
from cchc_desktop.reports.periodic_xlsx import report_xlsx

MM = 72 / 25.4
CENTRE = (30 + 165 / 2) * MM  # of the text area: left margin 30 mm, 165 mm wide
M = RowSource.MANUAL

UNIT = ReportUnit(
    name="UBND xã Hoằng Hợp", code="000.21.31.H56", parent="UBND huyện Hoằng Hóa", place="Hoằng Hợp",
    signer_name="Lê Văn Minh", signer_title="PHÓ CHỦ TỊCH", signer_authority="KT. CHỦ TỊCH",
)


def heading(number: str, name: str) -> AppendixRow:
    return AppendixRow(number, name, heading=True)


def row(number: str, name: str, unit: str, value: float | None, **kw: object) -> AppendixRow:
    return AppendixRow(number, name, unit, key=str(kw.pop("key", number)), value=value, **kw)


def breakdown(parent: str, suffix: str, name: str, value: int, first: bool = False) -> AppendixRow:
    return AppendixRow("Trong đó" if first else "", name, "Hồ sơ", key=f"{parent}.{suffix}", value=value, level=1)


APPENDIX = (
    heading("1", "Công tác chỉ đạo điều hành CCHC"),
    heading("1.1", "Kế hoạch CCHC"),
    row("1.1.1", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", 38),
    row("1.1.2", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", 21),
    row("1.1.3", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", 16),
    heading("1.2", "Kiểm tra CCHC"),
    row("1.2.1", "Số bộ phận, công chức chuyên môn cấp xã đã kiểm tra", "Bộ phận, công chức", 6),
    row("1.2.2", "Số vấn đề phát hiện qua kiểm tra", "Vấn đề", 0),
    row("1.2.3", "Số vấn đề phát hiện đã xử lý xong", "Vấn đề", 0),
    heading("1.4", "Khảo sát sự hài lòng của người dân, tổ chức"),
    row("1.4.1", "Số lượng phiếu khảo sát", "Phiếu", 28),
    row("1.4.2", "Hình thức khảo sát (Trực tuyến = 0, Phát phiếu = 1, Kết hợp = 2)", "Mã", 1),
    row("1.5", "Tổ chức đối thoại của lãnh đạo với người dân, doanh nghiệp (Không = 0, Có = 1)", "Mã", 1, source=M),
    heading("2", "Cải cách thể chế"),
    row("2.1", "Số VBQPPL đã ban hành/tham mưu ban hành", "Văn bản", None, source=M),
    row("2.2", "Số VBQPPL đã kiểm tra theo thẩm quyền", "Văn bản", 0, source=M),
    heading("3", "Cải cách thủ tục hành chính"),
    heading("3.2", "Thực hiện cơ chế một cửa, một cửa liên thông"),
    row("3.2.1", "Số TTHC đưa vào thực hiện theo cơ chế một cửa tại cấp xã", "Thủ tục", 128),
    row("3.2.4", "Tỷ lệ TTHC đã được phê duyệt quy trình nội bộ (theo quy trình ISO)", "%", 100, percent=True,
        source=M),
    row("3.2.5", "Tỷ lệ quy trình nội bộ giải quyết TTHC đã được điện tử hóa", "%", None, percent=True, source=M),
    heading("3.3", "Kết quả giải quyết TTHC"),
    row("3.3.1", "Số lượng hồ sơ đã tiếp nhận", "Hồ sơ", 1648),
    breakdown("3.3.1", "truc_tiep", "Tiếp nhận trực tiếp", 145, first=True),
    breakdown("3.3.1", "bcci", "Tiếp nhận qua BCCI", 5),
    breakdown("3.3.1", "truc_tuyen_mot_phan", "Tiếp nhận trực tuyến một phần", 1269),
    breakdown("3.3.1", "truc_tuyen_toan_trinh", "Tiếp nhận trực tuyến toàn trình", 229),
    row("3.3.2", "Số lượng hồ sơ TTHC giải quyết đúng hẹn", "Hồ sơ", 1635),
    breakdown("3.3.2", "truc_tiep", "Trả trực tiếp", 143, first=True),
    breakdown("3.3.2", "bcci", "Trả qua BCCI", 5),
    breakdown("3.3.2", "truc_tuyen_mot_phan", "Giải quyết trực tuyến một phần", 1260),
    breakdown("3.3.2", "truc_tuyen_toan_trinh", "Giải quyết trực tuyến toàn trình", 227),
    row("3.3.5", "Tỷ lệ hồ sơ giải quyết đúng hạn", "%", 99.2, percent=True, key="rate.dung_han"),
    row("3.5", "Số thư/trường hợp đã công khai xin lỗi", "Thư", 4),
    heading("4", "Cải cách tổ chức bộ máy hành chính nhà nước"),
    row("4.1.1", "Tổng số biên chế được giao trong năm", "Người", 17, source=M),
    row("4.1.2", "Tổng số biên chế có mặt tại thời điểm báo cáo", "Người", 17, source=M),
    heading("5", "Cải cách chế độ công vụ"),
    row("5.4.2", "Số lượng, tỷ lệ đơn vị được kiểm tra kỷ luật, kỷ cương hành chính", "%", 85.71, percent=True),
    row("5.4.6", "Số lượng công chức cấp xã bị kỷ luật", "Người", 0),
    heading("7", "Xây dựng và phát triển chính quyền điện tử"),
    row("7.5.1", "Tổng số TTHC cung cấp trực tuyến một phần", "Thủ tục", 146),
    row("7.5.2", "Tổng số TTHC cung cấp trực tuyến toàn trình", "Thủ tục", 54),
    row("7.6", "Thực hiện duy trì, áp dụng ISO 9001 (Có = 1, Không = 0)", "Mã", 1, source=M),
)

SECTIONS = (
    NarrativeSection("I", "Công tác chỉ đạo, điều hành cải cách hành chính", ""),
    NarrativeSection("I.1", "Về tổ chức chỉ đạo, điều hành cải cách hành chính (CCHC)",
                     "UBND xã, Chủ tịch UBND xã đã tập trung chỉ đạo quyết liệt, đồng bộ các nhiệm vụ cải cách hành "
                     "chính năm 2024 trên địa bàn xã. Trọng tâm là ban hành các kế hoạch và văn bản chỉ đạo, triển "
                     "khai thực hiện nhiệm vụ CCHC.\n\nĐã ban hành 16 văn bản chỉ đạo, điều hành công tác CCHC."),
    NarrativeSection("I.2", "Công tác kiểm tra cải cách hành chính, thực hiện kỷ luật, kỷ cương hành chính",
                     "Đã kiểm tra 06 bộ phận, công chức chuyên môn; không phát hiện vấn đề phải xử lý."),
    NarrativeSection("I.3", "Công tác thông tin tuyên truyền cải cách hành chính",
                     "Tuyên truyền qua hệ thống đài truyền thanh xã được 06 chuyên mục và 25 tin, bài."),
    NarrativeSection("I.4", "Kết quả thực hiện các nhiệm vụ theo Kế hoạch CCHC",
                     "Số nhiệm vụ được giao trong năm: 38 nhiệm vụ.\nSố nhiệm vụ đã hoàn thành: 21 nhiệm vụ.\n"
                     "Số nhiệm vụ chưa hoàn thành: 17 nhiệm vụ."),
    NarrativeSection("I.5", "Mô hình, sáng kiến, giải pháp mới trong CCHC",
                     "Tiếp tục duy trì mô hình “Chính quyền thân thiện, vì Nhân dân phục vụ”."),
    NarrativeSection("II", "Kết quả thực hiện công tác cải cách hành chính", ""),
    NarrativeSection("II.1", "Cải cách thể chế",
                     "Tiếp tục đổi mới, nâng cao chất lượng xây dựng văn bản quy phạm pháp luật; kiểm soát chặt chẽ "
                     "việc thực hiện quy trình xây dựng, ban hành văn bản."),
    NarrativeSection("II.2", "Cải cách thủ tục hành chính",
                     "Tổng số hồ sơ đã tiếp nhận: 1.648 hồ sơ. Trong đó: tiếp nhận trực tiếp 145 hồ sơ; qua dịch vụ "
                     "bưu chính công ích 5 hồ sơ; trực tuyến một phần 1.269 hồ sơ; trực tuyến toàn trình 229 hồ sơ. "
                     "Kỳ trước chuyển qua: 04 hồ sơ.\n\nSố hồ sơ đã giải quyết: 1.648 hồ sơ (trước và đúng hạn "
                     "1.635 hồ sơ; quá hạn 13 hồ sơ); tỷ lệ giải quyết đúng hạn đạt 99,2%."),
    NarrativeSection("II.3", "Cải cách tổ chức bộ máy hành chính",
                     "Tính đến ngày 31/5/2024, số biên chế đang thực hiện tại xã là 17 đồng chí."),
    NarrativeSection("II.4", "Cải cách chế độ công vụ",
                     "100% cán bộ, công chức thực hiện nghiêm túc kỷ luật, kỷ cương hành chính."),
    NarrativeSection("II.5", "Cải cách tài chính công", "Thực hiện tốt Quy chế chi tiêu nội bộ năm 2024."),
    NarrativeSection("II.6", "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
                     "Duy trì 146 dịch vụ công trực tuyến một phần và 54 dịch vụ công trực tuyến toàn trình."),
    NarrativeSection("III", "Đánh giá chung", ""),
    NarrativeSection("III.1", "Mặt tích cực",
                     "Cán bộ, công chức làm việc tại Bộ phận tiếp nhận và trả kết quả năng động, nhiệt tình."),
    NarrativeSection("III.2", "Những tồn tại, hạn chế, nguyên nhân",
                     "- Công tác tuyên truyền có lúc còn chưa kịp thời.\n- Đội ngũ cán bộ, công chức làm việc tại "
                     "Bộ phận tiếp nhận và trả kết quả đều kiêm nhiệm."),
    NarrativeSection("IV", "Phương hướng, nhiệm vụ cải cách hành chính 6 tháng cuối năm",
                     "1. Tiếp tục chỉ đạo, đôn đốc các công chức chuyên môn triển khai Kế hoạch CCHC năm 2024.\n\n"
                     "2. Nâng cao hiệu quả phối hợp trong giải quyết thủ tục hành chính."),
    NarrativeSection("V", "Kiến nghị, đề xuất",
                     "Không có.\n\nTrên đây là báo cáo tình hình thực hiện cải cách hành chính 6 tháng đầu năm 2024 "
                     "của UBND xã Hoằng Hợp./."),
)

DOCUMENT = ReportDocument(
    unit=UNIT, period=parse_period("2024-H1"), cutoff=date(2024, 5, 31), issued_on=date(2024, 6, 4),
    title="BÁO CÁO",
    subject="Tình hình, kết quả công tác cải cách hành chính 6 tháng đầu năm 2024; nhiệm vụ trọng tâm "
            "6 tháng cuối năm 2024",
    sections=SECTIONS, appendix=APPENDIX,
    indicators={r.key: r.value for r in APPENDIX if not r.heading}, sources={r.key: r.source.value for r in APPENDIX},
    generated_at=datetime(2024, 6, 4, 9, 30), number="45",
    recipients=("UBND huyện Hoằng Hóa (b/c)", "Phòng Nội vụ huyện (b/c)", "T.Tr Đảng ủy, HĐND xã (b/c)"),
)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page per pdftotext (which joins words reliably) if installed, else per pypdf."""
    reader = PdfReader(io.BytesIO(pdf))
    if not shutil.which("pdftotext"):
        return [normalise(page.extract_text()) for page in reader.pages]
    texts = []
    for number in range(1, len(reader.pages) + 1):
        out = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), "-", "-"], input=pdf,
                             capture_output=True, check=True).stdout.decode()
        texts.append(normalise(out))
    return texts


def page_numbers(pdf: bytes) -> list[list[tuple[str, float]]]:
    """Per page, the text drawn in the top margin with the x of its centre."""
    found: list[list[tuple[str, float]]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        marks: list[tuple[str, float]] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  marks: list[tuple[str, float]] = marks, height: float = float(page.mediabox.height)) -> None:
            y = cm[5] + tm[5] * cm[3]
            if text.strip() and y > height - 20 * MM:
                width = len(text.strip()) * size * 0.5  # a digit of Times is half an em wide
                marks.append((text.strip(), cm[4] + tm[4] * cm[0] + width / 2))

        page.extract_text(visitor_text=visit)
        found.append(marks)
    return found


def appendix_start(texts: list[str]) -> int:
    return next(index for index, text in enumerate(texts) if "PHỤ LỤC" in text)


# --- the shared texts ---------------------------------------------------------------------------------


def test_text_blocks_every_line_is_a_paragraph() -> None:
    text = "Đoạn một.\nĐoạn hai.\n\n  - Ý thứ nhất;\n- Ý thứ hai.\n\n\nĐoạn cuối."
    assert text_blocks(text) == ["Đoạn một.", "Đoạn hai.", "- Ý thứ nhất;", "- Ý thứ hai.", "Đoạn cuối."]
    assert text_blocks("") == [] and text_blocks(" \n \n") == []


@pytest.mark.parametrize(("key", "title", "printed", "level"), [
    ("I", "Công tác chỉ đạo, điều hành CCHC", "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", 1),
    ("II.2", "Cải cách thủ tục hành chính", "2. Cải cách thủ tục hành chính", 2),
    ("II.2.1", "Công tác kiểm soát TTHC", "2.1. Công tác kiểm soát TTHC", 3),
    ("II.2", "2. Cải cách thủ tục hành chính", "2. Cải cách thủ tục hành chính", 2),
    ("V", "V. Kiến nghị, đề xuất", "V. KIẾN NGHỊ, ĐỀ XUẤT", 1),
])
def test_section_headings_are_numbered_from_their_key(key: str, title: str, printed: str, level: int) -> None:
    assert section_heading(NarrativeSection(key, title, "")) == (printed, level)


@pytest.mark.parametrize(("value", "percent", "text"), [
    (1648, False, "1.648"), (1648.0, False, "1.648"), (3.5, False, "3,5"), (0, False, "0"), (None, False, "—"),
    (99.2, True, "99,2%"), (99.19, True, "99,2%"), (100, True, "100%"), (None, True, "—"),
])
def test_values_are_printed_the_vietnamese_way(value: float | None, percent: bool, text: str) -> None:
    assert value_text(AppendixRow("1", "x", value=value, percent=percent)) == text
    assert value_text(AppendixRow("1", "x", heading=True)) == ""


def test_headings_and_breakdowns_are_kept_with_their_rows() -> None:
    rows = (heading("3", "A"), heading("3.3", "B"), row("3.3.1", "C", "Hồ sơ", 1), breakdown("3.3.1", "x", "D", 1),
            breakdown("3.3.1", "y", "E", 1), row("3.5", "F", "Thư", 4), row("3.6", "G", "Thư", 4),
            heading("4", "H"), row("4.1", "I", "Người", 1))
    assert kept_together(rows) == [(0, 4), (7, 8)]
    assert kept_together(rows, most=2) == [(0, 1), (2, 3), (7, 8)]
    assert kept_together(()) == [] and kept_together((heading("9", "Z"),)) == []


# --- PDF ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return report_pdf(DOCUMENT)


def test_pdf_first_page_has_the_official_header_and_title(pdf: bytes) -> None:
    first = pdf_pages(pdf)[0]
    for needle in ("ỦY BAN NHÂN DÂN", "XÃ HOẰNG HỢP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Số: 45/BC-UBND", "Hoằng Hợp, ngày 04 tháng 6 năm 2024",
                   "BÁO CÁO", "Tình hình, kết quả công tác cải cách hành chính 6 tháng đầu năm 2024",
                   "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
                   "1. Về tổ chức chỉ đạo, điều hành cải cách hành chính (CCHC)"):
        assert needle in first, needle


def test_pdf_body_sections_closing_and_signature(pdf: bytes) -> None:
    texts = pdf_pages(pdf)
    body = " ".join(texts[:appendix_start(texts)])
    for needle in ("II. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH", "2. Cải cách thủ tục hành chính",
                   "Tổng số hồ sơ đã tiếp nhận: 1.648 hồ sơ", "tỷ lệ giải quyết đúng hạn đạt 99,2%",
                   "III. ĐÁNH GIÁ CHUNG", "- Công tác tuyên truyền có lúc còn chưa kịp thời.",
                   "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ", "V. KIẾN NGHỊ, ĐỀ XUẤT", "UBND xã Hoằng Hợp./.",
                   "Nơi nhận:", "- UBND huyện Hoằng Hóa (b/c);", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                   "Lê Văn Minh"):
        assert needle in body, needle
    assert body.count("Lưu: VT.") == 1


def test_pdf_appendix_table_with_vietnamese_figures(pdf: bytes) -> None:
    texts = pdf_pages(pdf)
    start = appendix_start(texts)
    appendix = " ".join(texts[start:])
    for needle in ("THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
                   "CỦA UBND XÃ HOẰNG HỢP 6 THÁNG ĐẦU NĂM 2024",
                   "(Kèm theo Báo cáo số 45/BC-UBND ngày 04 tháng 6 năm 2024 của UBND xã Hoằng Hợp)",
                   "Số liệu tính đến hết ngày 31/05/2024",
                   "Số TT", "Chỉ tiêu thống kê", "Kết quả thống kê", "Đơn vị tính", "Số liệu",
                   "Số lượng hồ sơ đã tiếp nhận", "1.648", "1.269", "99,2%", "100%", "85,7%", "Tiếp nhận qua BCCI"):
        assert needle in appendix, needle
    assert "Tổng hợp số liệu" not in appendix  # not a consolidation


def test_pdf_pages_are_numbered_from_the_second_and_the_appendix_on_its_own(pdf: bytes) -> None:
    texts = pdf_pages(pdf)
    start = appendix_start(texts)
    assert 2 <= start <= 4 and len(texts) - start == 2  # the body on 2–4 pages; the appendix on 2
    marks = page_numbers(pdf)
    expected = [[]] + [[str(n)] for n in range(2, start + 1)] + [[], ["2"]]
    assert [[text for text, _x in page] for page in marks] == expected
    for page in marks:
        for _text, centre in page:
            assert abs(centre - CENTRE) < 4


def test_pdf_appendix_header_repeats_on_its_second_page(pdf: bytes) -> None:
    texts = pdf_pages(pdf)
    second = texts[appendix_start(texts) + 1]
    for needle in ("Số TT", "Chỉ tiêu thống kê", "Kết quả thống kê", "Đơn vị tính", "Số liệu"):
        assert needle in second, needle
    assert "PHỤ LỤC" not in second


def test_pdf_reads_back_with_pypdf_and_its_diacritics(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    first = normalise(reader.pages[0].extract_text())
    assert "XÃ HOẰNG HỢP" in first and "Hoằng Hợp" in first
    assert reader.metadata.author == "UBND xã Hoằng Hợp"
    assert reader.metadata.subject == "6 tháng đầu năm 2024"


def test_pdf_empty_number_leaves_room_and_consolidation_names_its_units(tmp_path: Path) -> None:
    document = dataclasses.replace(DOCUMENT, number="", communes=("UBND xã Hoằng Hợp", "UBND xã Hoằng Đạt",
                                                                  "UBND xã Hoằng Quý"))
    target = tmp_path / "out" / "bao-cao.pdf"
    data = report_pdf(document, target)
    assert target.read_bytes() == data
    texts = pdf_pages(data)
    assert "Số: /BC-UBND" in texts[0]
    appendix = " ".join(texts[appendix_start(texts):])
    assert "(Kèm theo Báo cáo số /BC-UBND ngày 04 tháng 6 năm 2024" in appendix
    assert ("Tổng hợp số liệu của 3 đơn vị: UBND xã Hoằng Hợp, UBND xã Hoằng Đạt, UBND xã Hoằng Quý." in appendix)


def long_appendix(rows: int) -> tuple[AppendixRow, ...]:
    built: list[AppendixRow] = []
    for n in range(1, rows + 1):
        if n % 20 == 1:
            built.append(heading(str(n // 20 + 1), f"Nhóm chỉ tiêu số {n // 20 + 1}"))
        built.append(row(f"9.{n}", f"Chỉ tiêu thống kê thứ {n} của đơn vị", "Hồ sơ", n * 1000 + 7))
    return tuple(built)


def test_long_appendix_paginates_with_repeated_headers() -> None:
    data = report_pdf(dataclasses.replace(DOCUMENT, appendix=long_appendix(200)))
    texts = pdf_pages(data)
    start = appendix_start(texts)
    appendix = texts[start:]
    assert 5 <= len(appendix) <= 12
    for text in appendix[1:]:
        assert "Số TT" in text and "Chỉ tiêu thống kê" in text and "Đơn vị tính" in text
    assert "200.007" in appendix[-1] and "1.007" in appendix[0]
    for group in range(1, 11):  # a group's heading is never left alone at the foot of a page
        page = next(text for text in appendix if f"Nhóm chỉ tiêu số {group} " in text + " ")
        assert f"Chỉ tiêu thống kê thứ {20 * (group - 1) + 1} " in page
    numbers = [[text for text, _x in page] for page in page_numbers(data)[start:]]
    assert numbers == [[]] + [[str(n)] for n in range(2, len(appendix) + 1)]


def test_pdf_without_appendix_has_no_appendix_pages() -> None:
    texts = pdf_pages(report_pdf(dataclasses.replace(DOCUMENT, appendix=())))
    assert not any("PHỤ LỤC" in text for text in texts)
    assert "Lê Văn Minh" in texts[-1]


def test_pdf_pages_render_to_png(tmp_path: Path, pdf: bytes) -> None:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "bao-cao.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(source), str(tmp_path / "page")], check=True,
                   capture_output=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == len(PdfReader(io.BytesIO(pdf)).pages)
    for png in pngs:
        head = png.read_bytes()[:24]
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        assert abs(height / width - 297 / 210) < 0.02  # A4 portrait throughout


# --- Word ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word(tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    target = tmp_path_factory.mktemp("docx") / "bao-cao.docx"
    report_docx(DOCUMENT, target)
    return docx.Document(str(target))


def test_docx_header_is_a_borderless_two_column_table(word: docx.document.Document) -> None:
    head = word.tables[0]
    assert len(head.columns) == 2
    left, right = (normalise(cell.text) for cell in head.rows[0].cells)
    assert left == "ỦY BAN NHÂN DÂN XÃ HOẰNG HỢP"
    assert right == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
    number, place = (normalise(cell.text) for cell in head.rows[1].cells)
    assert number == "Số: 45/BC-UBND" and place == "Hoằng Hợp, ngày 04 tháng 6 năm 2024"
    assert all(run.italic for run in head.rows[1].cells[1].paragraphs[0].runs)
    assert head._tbl.tblPr.find(docx.oxml.ns.qn("w:tblBorders")) is not None
    borders = head._tbl.tblPr.find(docx.oxml.ns.qn("w:tblBorders"))
    assert {edge.get(docx.oxml.ns.qn("w:val")) for edge in borders} == {"nil"}


def test_docx_paragraphs_in_order(word: docx.document.Document) -> None:
    texts = [normalise(p.text) for p in word.paragraphs if p.text.strip()]
    wanted = ["BÁO CÁO", DOCUMENT.subject, "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
              "1. Về tổ chức chỉ đạo, điều hành cải cách hành chính (CCHC)",
              "Đã ban hành 16 văn bản chỉ đạo, điều hành công tác CCHC.", "2. Cải cách thủ tục hành chính",
              "- Công tác tuyên truyền có lúc còn chưa kịp thời.", "V. KIẾN NGHỊ, ĐỀ XUẤT", "PHỤ LỤC",
              "THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH CỦA UBND XÃ HOẰNG HỢP "
              "6 THÁNG ĐẦU NĂM 2024",
              "(Kèm theo Báo cáo số 45/BC-UBND ngày 04 tháng 6 năm 2024 của UBND xã Hoằng Hợp)"]
    positions = [texts.index(text) for text in wanted]
    assert positions == sorted(positions)
    body = next(p for p in word.paragraphs if p.text.startswith("Đã ban hành 16"))
    assert body.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(body.paragraph_format.first_line_indent.mm - 10) < 0.1
    assert "Số nhiệm vụ đã hoàn thành: 21 nhiệm vụ." in texts  # each line of a text is a paragraph


def test_docx_closing_and_signature(word: docx.document.Document) -> None:
    closing = next(t for t in word.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    left, right = closing.rows[0].cells
    assert [normalise(p.text) for p in left.paragraphs if p.text.strip()] == [
        "Nơi nhận:", "- UBND huyện Hoằng Hóa (b/c);", "- Phòng Nội vụ huyện (b/c);",
        "- T.Tr Đảng ủy, HĐND xã (b/c);", "- Lưu: VT."]
    signed = [normalise(p.text) for p in right.paragraphs if p.text.strip()]
    assert signed == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Minh"]
    assert all(run.bold for p in right.paragraphs for run in p.runs if run.text.strip())


def test_docx_appendix_table_repeats_its_header(word: docx.document.Document) -> None:
    table = word.tables[-1]
    header = [normalise(cell.text) for cell in table.rows[0].cells]
    assert header == ["Số TT", "Chỉ tiêu thống kê", "Kết quả thống kê", "Kết quả thống kê"]
    assert [normalise(cell.text) for cell in table.rows[1].cells][2:] == ["Đơn vị tính", "Số liệu"]
    for index in (0, 1):
        assert table.rows[index]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert table.rows[2]._tr.trPr is None or table.rows[2]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is None
    cells = {normalise(r.cells[1].text): [normalise(c.text) for c in r.cells] for r in table.rows[2:]}
    assert cells["Số lượng hồ sơ đã tiếp nhận"] == ["3.3.1", "Số lượng hồ sơ đã tiếp nhận", "Hồ sơ", "1.648"]
    assert cells["Tỷ lệ hồ sơ giải quyết đúng hạn"][3] == "99,2%"
    assert cells["Số VBQPPL đã ban hành/tham mưu ban hành"][3] == "—"
    assert cells["Tiếp nhận trực tiếp"][0] == "Trong đó"
    assert cells["Kế hoạch CCHC"] == ["1.1", "Kế hoạch CCHC", "Kế hoạch CCHC", "Kế hoạch CCHC"]  # spans
    assert len(table.rows) == 2 + len(APPENDIX)


def test_docx_is_times_new_roman_a4_with_the_official_margins(word: docx.document.Document) -> None:
    normal = word.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt in (13, 14)
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(docx.oxml.ns.qn(f"w:{key}")) for key in ("ascii", "hAnsi", "cs", "eastAsia")} == {
        "Times New Roman"}
    runs = [run for p in word.paragraphs for run in p.runs]
    assert all(run.font.name in (None, "Times New Roman") for run in runs)
    for section in word.sections:
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
        assert (round(section.top_margin.mm), round(section.bottom_margin.mm), round(section.left_margin.mm),
                round(section.right_margin.mm)) == (20, 20, 30, 15)
        assert section.different_first_page_header_footer
        assert "PAGE" in section.header._element.xml
    assert len(word.sections) == 2  # the appendix is its own section, numbered on its own
    assert 'w:start="1"' in word.sections[1]._sectPr.xml


def test_docx_consolidation_and_empty_number(tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.docx"
    report_docx(dataclasses.replace(DOCUMENT, number="", communes=("UBND xã A", "UBND xã B")), target)
    document = docx.Document(str(target))
    assert normalise(document.tables[0].rows[1].cells[0].text) == "Số: /BC-UBND"
    texts = [normalise(p.text) for p in document.paragraphs]
    assert "Tổng hợp số liệu của 2 đơn vị: UBND xã A, UBND xã B." in texts
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.docx"]


# --- Excel --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    target = tmp_path_factory.mktemp("xlsx") / "phu-luc.xlsx"
    report_xlsx(DOCUMENT, target)
    return openpyxl.load_workbook(target)


def header_row(sheet: openpyxl.worksheet.worksheet.Worksheet) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == "STT")


def test_xlsx_sheet_heads_with_the_unit_period_and_cutoff(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["Phụ lục"]
    sheet = book["Phụ lục"]
    top = [sheet.cell(r, 1).value for r in range(1, header_row(sheet))]
    assert "UBND xã Hoằng Hợp" in top
    assert "Kỳ báo cáo: 6 tháng đầu năm 2024 (từ 01/01/2024 đến 30/06/2024)" in top
    assert "Số liệu tính đến hết ngày 31/05/2024" in top
    assert "(Kèm theo Báo cáo số 45/BC-UBND ngày 04 tháng 6 năm 2024 của UBND xã Hoằng Hợp)" in top


def test_xlsx_table_numbers_are_numbers(book: openpyxl.Workbook) -> None:
    sheet = book["Phụ lục"]
    first = header_row(sheet)
    assert [c.value for c in sheet[first]] == ["STT", "Nội dung", "Đơn vị tính", "Số liệu", "Nguồn"]
    assert sheet.freeze_panes == f"A{first + 1}"
    assert all(cell.font.bold for cell in sheet[first])
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=first + 1)}
    assert len(rows) == len({r.name for r in APPENDIX})
    received = rows["Số lượng hồ sơ đã tiếp nhận"]
    assert [c.value for c in received] == ["3.3.1", "Số lượng hồ sơ đã tiếp nhận", "Hồ sơ", 1648, "Tính từ dữ liệu"]
    assert received[3].data_type == "n" and received[3].number_format == "#,##0"
    assert received[0].data_type == "s"  # "3.3.1" stays a text
    rate = rows["Tỷ lệ hồ sơ giải quyết đúng hạn"][3]
    assert rate.value == pytest.approx(0.992) and rate.number_format == "0.0%"
    whole = rows["Tỷ lệ TTHC đã được phê duyệt quy trình nội bộ (theo quy trình ISO)"]
    assert whole[3].value == 1 and whole[3].number_format == "0%" and whole[4].value == "Nhập tay"
    assert rows["Số VBQPPL đã ban hành/tham mưu ban hành"][3].value == "—"  # as the paper says it
    group = rows["Cải cách thể chế"]
    assert group[0].value == "2" and group[1].font.bold and group[3].value is None and group[4].value is None
    assert rows["Tiếp nhận trực tiếp"][1].alignment.indent >= 1
    widths = {key: sheet.column_dimensions[key].width for key in "ABCDE"}
    assert widths["B"] >= 50 and all(width >= 8 for width in widths.values())


def test_xlsx_extra_sheets_and_consolidation(tmp_path: Path) -> None:
    target = tmp_path / "tong-hop.xlsx"
    document = dataclasses.replace(DOCUMENT, communes=("UBND xã A", "UBND xã B"))
    report_xlsx(document, target, extra_sheets=[
        ("Theo xã", ["Đơn vị", "Hồ sơ tiếp nhận", "Tỷ lệ đúng hạn"],
         [["UBND xã A", 1000, 0.99], ["=cmd|' /C calc'!A0", 648, None]]),
        ("Tên: có/ký*tự?[lạ] và rất rất rất dài quá", ["A"], [[1]]),
    ])
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:2] == ["Phụ lục", "Theo xã"] and len(book.sheetnames) == 3
    assert len(book.sheetnames[2]) <= 31 and not set("[]:*?/\\") & set(book.sheetnames[2])
    top = [book["Phụ lục"].cell(r, 1).value for r in range(1, 8)]
    assert "Tổng hợp số liệu của 2 đơn vị: UBND xã A, UBND xã B." in top
    extra = book["Theo xã"]
    assert [c.value for c in extra[1]] == ["Đơn vị", "Hồ sơ tiếp nhận", "Tỷ lệ đúng hạn"]
    assert extra.freeze_panes == "A2"
    assert extra["B2"].value == 1000 and extra["B2"].data_type == "n"
    assert extra["A3"].data_type == "s"  # never a formula
    with zipfile.ZipFile(target) as archive:
        assert not any("<f>" in archive.read(name).decode() for name in archive.namelist()
                       if name.startswith("xl/worksheets/"))
