"""The dossier forms (Mẫu 01–04) as PDFs: built from DTOs, read back with pypdf, one rendered to PNG."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader

from cchc_desktop.domain.catalogue import TimeLimitUnit
from cchc_desktop.domain.dossiers import DocumentKind, DossierDocument
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.reports import fonts
from cchc_desktop.reports.forms import (
    ApologyForm,
    Applicant,
    ReceiptForm,
    RefusalForm,
    SupplementRequestForm,
    apology_pdf,
    qr_code,
    receipt_pdf,
    refusal_pdf,
    supplement_request_pdf,
)
from cchc_desktop.reports.official import Signature, issuer_lines, short_issuer

CODE = "000.21.31.H56-240604-0007"
MM = 72 / 25.4
CENTRE = round((30 + 165 / 2) * MM, 1)  # of the text area: left margin 30 mm, 165 mm wide
UNIT = UnitSettings(
    name="UBND xã Hoằng Hợp", place="Hoằng Hợp", code="000.21.31.H56", chair_name="Nguyễn Văn Hùng",
    signer_name="Lê Văn Đắc", signer_title="PHÓ CHỦ TỊCH", signer_authority="KT. CHỦ TỊCH",
)
APPLICANT = Applicant(
    "Nguyễn Thị Ưng", address="Thôn 3, xã Ea Kao, tỉnh Đắk Lắk", phone="0912 345 678",
    email="ung.nguyen@example.vn", salutation="Bà",
)
TRICKY = dataclasses.replace(APPLICANT, name="Hộ kinh doanh Ưng & Con <b>Đắk Lắk</b>")
DOCUMENTS = (
    DossierDocument("Tờ khai đăng ký khai sinh (theo mẫu)", DocumentKind.ORIGINAL, 1),
    DossierDocument("Giấy chứng sinh", DocumentKind.ORIGINAL, 1),
    DossierDocument("Căn cước công dân của cha và mẹ", DocumentKind.COPY, 2),
    DossierDocument("Giấy chứng nhận kết hôn của cha, mẹ", DocumentKind.CERTIFIED_COPY, 1),
)


def receipt(**changes: object) -> ReceiptForm:
    form = ReceiptForm(
        code=CODE, applicant=APPLICANT, procedure="Đăng ký khai sinh", documents=DOCUMENTS,
        received_at=datetime(2024, 6, 4, 9, 30), due_at=datetime(2024, 6, 5, 17, 0), time_limit=1,
        time_limit_unit=TimeLimitUnit.WORKING_DAYS, sets=1, ledger_book="01/2024", ledger_line="125",
        received_by="Trần Thị Mai", number="0007/TNHS",
    )
    return dataclasses.replace(form, **changes)


def supplement(**changes: object) -> SupplementRequestForm:
    form = SupplementRequestForm(
        applicant=APPLICANT, procedure="Cấp bản sao trích lục hộ tịch", issued_at=datetime(2024, 6, 4, 10, 5),
        requirements=("Bổ sung bản sao Giấy chứng nhận kết hôn có chứng thực", "Ghi đầy đủ nơi cư trú trong tờ khai"),
        reason="Thành phần hồ sơ chưa đầy đủ theo Điều 16 Luật Hộ tịch", contact_name="Trần Thị Mai",
        contact_phone="0237 3860 123", guide_name="Trần Thị Mai", number="12/PBS",
    )
    return dataclasses.replace(form, **changes)


def refusal(**changes: object) -> RefusalForm:
    form = RefusalForm(
        applicant=APPLICANT, procedure="Cấp giấy phép xây dựng nhà ở riêng lẻ", issued_at=datetime(2024, 6, 4, 14, 0),
        reasons=("Thủ tục không thuộc thẩm quyền giải quyết của UBND xã", "Đề nghị nộp hồ sơ tại cấp tỉnh"),
        officer_name="Trần Thị Mai", number="03/PTC",
    )
    return dataclasses.replace(form, **changes)


def apology(**changes: object) -> ApologyForm:
    form = ApologyForm(
        code="000.21.31.H56-240520-0003", applicant=APPLICANT, procedure="Chứng thực hợp đồng chuyển nhượng",
        received_at=datetime(2024, 5, 20, 8, 15), old_due_at=datetime(2024, 5, 23, 17, 0),
        new_due_at=datetime(2024, 5, 28, 11, 30), reason="Phải xác minh nguồn gốc thửa đất.",
        issued_on=date(2024, 5, 23), number="05/PXL-UBND", recipients=("Như trên", "Chủ tịch UBND xã (b/c)"),
    )
    return dataclasses.replace(form, **changes)


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pages(pdf: bytes) -> list[str]:
    """The text of each page, white space collapsed."""
    return [normalise(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def in_top_margin(page: PageObject) -> list[tuple[str, float]]:
    """Text drawn in the 20 mm top margin, with its x position and the x of its centre."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        y = cm[5] + tm[5] * cm[3]
        if text.strip() and y > float(page.mediabox.height) - 20 * MM:
            width = float(len(text.strip())) * size * 0.5  # one digit of Times is half an em wide
            found.append((text.strip(), round(cm[4] + tm[4] * cm[0] + width / 2, 1)))

    page.extract_text(visitor_text=visit)
    return found


def assert_has(pdf: bytes, page: int, *needles: str) -> None:
    """Each needle is on the page, per pypdf or else per pdftotext (which joins words more reliably)."""
    text = pages(pdf)[page]
    missing = [n for n in needles if normalise(n) not in text]
    if missing and shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-f", str(page + 1), "-l", str(page + 1), "-", "-"],
                             input=pdf, capture_output=True, check=True).stdout.decode()
        missing = [n for n in missing if normalise(n) not in normalise(out)]
    assert not missing, f"not on page {page + 1}: {missing}\n{text}"


# --- Mẫu 01 ----------------------------------------------------------------------------------------


def test_receipt_two_copies_one_page_each_with_the_key_texts() -> None:
    pdf = receipt_pdf(receipt(), UNIT)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    for index, copy in enumerate(("Liên 1: Lưu", "Liên 2: Giao người nộp")):
        assert_has(
            pdf, index, copy,
            "UBND XÃ HOẰNG HỢP", "BỘ PHẬN TIẾP NHẬN", "VÀ TRẢ KẾT QUẢ", "Số: 0007/TNHS",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Hoằng Hợp, ngày 04 tháng 6 năm 2024",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {CODE}",
            "Bộ phận Tiếp nhận và Trả kết quả UBND xã Hoằng Hợp", "Tiếp nhận hồ sơ của: Nguyễn Thị Ưng",
            "Địa chỉ: Thôn 3, xã Ea Kao, tỉnh Đắk Lắk", "Số điện thoại: 0912 345 678", "E-mail: ung.nguyen@example.vn",
            "Nội dung yêu cầu giải quyết: Đăng ký khai sinh", "1. Thành phần hồ sơ nộp gồm:",
            "Giấy chứng nhận kết hôn của cha, mẹ", "Bản sao chứng thực", "Căn cước công dân của cha và mẹ",
            "2. Số lượng hồ sơ: 01 bộ", "3. Thời gian giải quyết hồ sơ theo quy định là: 01 ngày làm việc",
            "4. Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 04 tháng 6 năm 2024",
            "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05 tháng 6 năm 2024",
            "6. Đăng ký nhận kết quả tại: Bộ phận Tiếp nhận và Trả kết quả UBND xã Hoằng Hợp",
            "Vào Sổ theo dõi hồ sơ, Quyển số: 01/2024, Số thứ tự: 125",
            "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "Trần Thị Mai",
        )
    first, second = pages(pdf)
    assert "Liên 2" not in first and "Liên 1" not in second
    assert "BẢN THAY THẾ" not in first


def test_receipt_single_copy_has_no_copy_label() -> None:
    pdf = receipt_pdf(receipt(), UNIT, two_copies=False)
    (text,) = pages(pdf)
    assert "Liên" not in text and CODE in text


def test_receipt_carries_a_qr_code_of_the_dossier_code() -> None:
    assert qr_code(CODE).contents[0].value == CODE
    reader = PdfReader(io.BytesIO(receipt_pdf(receipt(), UNIT, two_copies=False)))
    # The QR modules are filled rectangles; nothing else on the receipt is drawn as one.
    receipt_rects = reader.pages[0].get_contents().get_data().count(b" re")
    plain = PdfReader(io.BytesIO(refusal_pdf(refusal(), UNIT))).pages[0].get_contents().get_data().count(b" re")
    assert receipt_rects >= 50 > plain


def test_replacement_receipt_is_marked() -> None:
    pdf = receipt_pdf(receipt(version=2, void_reason="sai địa chỉ người nộp"), UNIT, two_copies=False)
    assert_has(pdf, 0, "BẢN THAY THẾ", "lần in thứ 2", "Thay cho giấy tiếp nhận đã hủy; lý do: sai địa chỉ người nộp")


def test_long_receipt_numbers_pages_per_copy_and_repeats_the_table_header() -> None:
    many = tuple(DossierDocument(f"Giấy tờ kèm theo số {n}", DocumentKind.COPY, 1) for n in range(1, 36))
    pdf = receipt_pdf(receipt(documents=many), UNIT)
    texts = pages(pdf)
    assert len(texts) == 4
    # Centred in the top margin from the second page of each copy; none on a copy's first page.
    numbers = [in_top_margin(page) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert numbers == [[], [("2", CENTRE)], [], [("2", CENTRE)]]
    assert "Tên giấy tờ" in texts[1] and "Giấy tờ kèm theo số 35" in texts[1]
    assert "Liên 1: Lưu" in texts[0] and "Liên 2: Giao người nộp" in texts[2]


def test_blank_fields_print_dots_to_fill_in_by_hand() -> None:
    form = receipt(applicant=Applicant("Nguyễn Thị Ưng"), ledger_book="", ledger_line="", documents=())
    assert_has(receipt_pdf(form, UNIT, two_copies=False), 0, "Địa chỉ: ………………", "Quyển số: ………………")


def test_same_day_time_limit() -> None:
    form = receipt(time_limit=0, time_limit_unit=TimeLimitUnit.SAME_DAY)
    assert_has(receipt_pdf(form, UNIT, two_copies=False), 0, "theo quy định là: trong ngày")


# --- Mẫu 02, 03, 04 --------------------------------------------------------------------------------


def test_supplement_request() -> None:
    pdf = supplement_request_pdf(supplement(code=CODE), UNIT)
    assert len(pages(pdf)) == 1
    assert_has(
        pdf, 0, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", f"Mã hồ sơ: {CODE}", "Hồ sơ của: Nguyễn Thị Ưng",
        "Nội dung yêu cầu giải quyết: Cấp bản sao trích lục hộ tịch", "Địa chỉ: Thôn 3, xã Ea Kao, tỉnh Đắk Lắk",
        "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
        "1. Bổ sung bản sao Giấy chứng nhận kết hôn có chứng thực", "2. Ghi đầy đủ nơi cư trú trong tờ khai",
        "Lý do: Thành phần hồ sơ chưa đầy đủ theo Điều 16 Luật Hộ tịch",
        "Bà liên hệ với Trần Thị Mai, số điện thoại 0237 3860 123 để được hướng dẫn./.",
        "NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", "Hoằng Hợp, ngày 04 tháng 6 năm 2024",
    )


def test_refusal() -> None:
    pdf = refusal_pdf(refusal(), UNIT)
    assert len(pages(pdf)) == 1
    assert_has(
        pdf, 0, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Số: 03/PTC",
        "Bộ phận Tiếp nhận và Trả kết quả UBND xã Hoằng Hợp", "Tiếp nhận hồ sơ của: Nguyễn Thị Ưng",
        "Nội dung yêu cầu giải quyết: Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Bộ phận tiếp nhận và trả kết quả từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "- Thủ tục không thuộc thẩm quyền giải quyết của UBND xã", "- Đề nghị nộp hồ sơ tại cấp tỉnh",
        "Xin thông báo cho Bà được biết và thực hiện./.", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Thị Mai",
    )


def test_apology_is_the_units_letter_signed_by_its_head() -> None:
    pdf = apology_pdf(apology(), UNIT)
    assert len(pages(pdf)) == 1
    assert_has(
        pdf, 0, "ỦY BAN NHÂN DÂN", "XÃ HOẰNG HỢP", "Số: 05/PXL-UBND", "Hoằng Hợp, ngày 23 tháng 5 năm 2024",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Kính gửi: Bà Nguyễn Thị Ưng",
        "Ngày 20 tháng 5 năm 2024, UBND xã Hoằng Hợp tiếp nhận giải quyết hồ sơ của Bà về:",
        "Mã hồ sơ: 000.21.31.H56-240520-0003", "17 giờ 00 phút, ngày 23 tháng 5 năm 2024",
        "chưa trả kết quả giải quyết hồ sơ cho Bà đúng thời hạn", "Lý do: Phải xác minh nguồn gốc thửa đất.",
        "xin nhận lỗi và xin lỗi Bà", "xin hẹn lại ngày trả kết quả là: 11 giờ 30 phút, ngày 28 tháng 5 năm 2024",
        "Nơi nhận:", "- Như trên;", "- Chủ tịch UBND xã (b/c);", "- Lưu: VT.",
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Đắc",
    )
    assert pages(pdf)[0].count("Lưu: VT.") == 1


def test_apology_signer_and_recipients_from_the_dto() -> None:
    form = apology(signer=Signature("CHỦ TỊCH", name="Nguyễn Văn Hùng", authority="TM. ỦY BAN NHÂN DÂN"),
                   recipients=("Lưu: VT.",))
    text = pages(apology_pdf(form, UNIT))[0]
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text and "Nguyễn Văn Hùng" in text
    assert "Lê Văn Đắc" not in text and text.count("Lưu: VT.") == 1


@pytest.mark.parametrize("build", [
    lambda: receipt_pdf(receipt(applicant=TRICKY), UNIT, two_copies=False),
    lambda: supplement_request_pdf(supplement(applicant=TRICKY), UNIT),
    lambda: refusal_pdf(refusal(applicant=TRICKY), UNIT),
    lambda: apology_pdf(apology(applicant=TRICKY), UNIT),
], ids=["mau01", "mau02", "mau03", "mau04"])
def test_user_text_is_escaped(build: object) -> None:
    pdf = build()
    assert_has(pdf, 0, "Hộ kinh doanh Ưng & Con <b>Đắk Lắk</b>")


# --- the document layer ----------------------------------------------------------------------------


def test_every_font_is_the_embedded_serif() -> None:
    reader = PdfReader(io.BytesIO(receipt_pdf(receipt(), UNIT)))
    family = fonts.register_fonts()
    assert family.source in ("Times New Roman", "Liberation Serif")
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_writes_the_file_it_returns(tmp_path: Path) -> None:
    target = tmp_path / "out" / "giay-tiep-nhan.pdf"
    data = receipt_pdf(receipt(), UNIT, target)
    assert target.read_bytes() == data and data.startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    assert PdfReader(target).metadata.title == f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả {CODE}"


@pytest.mark.parametrize(("name", "lines", "short"), [
    ("UBND xã Hoằng Hợp", ("ỦY BAN NHÂN DÂN", "XÃ HOẰNG HỢP"), "UBND XÃ HOẰNG HỢP"),
    ("Ủy ban nhân dân phường Đông Sơn", ("ỦY BAN NHÂN DÂN", "PHƯỜNG ĐÔNG SƠN"), "UBND PHƯỜNG ĐÔNG SƠN"),
    ("Uỷ ban nhân dân  đặc khu Côn Đảo", ("ỦY BAN NHÂN DÂN", "ĐẶC KHU CÔN ĐẢO"), "UBND ĐẶC KHU CÔN ĐẢO"),
    ("Trung tâm Phục vụ hành chính công", ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",), "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"),
])
def test_issuer_from_the_unit_name(name: str, lines: tuple[str, ...], short: str) -> None:
    assert issuer_lines(name) == lines
    assert short_issuer(name) == short


def test_smoke_render_to_png(tmp_path: Path) -> None:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / "mau01.pdf"
    receipt_pdf(receipt(version=2), UNIT, pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True)
    (png,) = tmp_path.glob("page*.png")
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert abs(height / width - 297 / 210) < 0.01


# --- fonts -----------------------------------------------------------------------------------------


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Forget the registered family before and after: the next report registers it again."""
    fonts.register_fonts.cache_clear()
    yield
    fonts.register_fonts.cache_clear()


@pytest.mark.usefixtures("fresh_fonts")
def test_missing_font_is_a_vietnamese_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "SEARCH_DIRS", [tmp_path])
    monkeypatch.setattr(fonts, "FC_MATCH", None)
    with pytest.raises(fonts.FontNotFoundError) as caught:
        fonts.register_fonts()
    assert isinstance(caught.value, CchcError)
    message = user_message(caught.value)
    assert "Không tìm thấy phông chữ" in message and "fonts-liberation2" in message


@pytest.mark.usefixtures("fresh_fonts")
def test_a_family_without_vietnamese_letters_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pretend a Vietnamese letter were a CJK one the installed serif lacks: no family passes.
    monkeypatch.setattr(fonts, "VIETNAMESE", fonts.VIETNAMESE + "漢")
    with pytest.raises(fonts.FontNotFoundError):
        fonts.register_fonts()


@pytest.mark.usefixtures("fresh_fonts")
def test_font_found_in_a_given_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = fonts.register_fonts()
    fonts.register_fonts.cache_clear()
    for path in installed.files.values():
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(fonts, "SEARCH_DIRS", [tmp_path])
    monkeypatch.setattr(fonts, "FC_MATCH", None)
    found = fonts.register_fonts()
    assert found.source == installed.source
    assert {path.parent for path in found.files.values()} == {tmp_path}


@pytest.mark.usefixtures("fresh_fonts")
def test_on_windows_times_new_roman_comes_from_the_windows_fonts_folder(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows faked: %WINDIR%\\Fonts (here under a folder with Vietnamese letters and spaces) holds Windows's file
    names for the four faces; the family is found there by name, as on a commune's PC."""
    installed = fonts.register_fonts()
    fonts.register_fonts.cache_clear()
    windir = tmp_path / "Ổ đĩa C" / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    for style, name in {"regular": "times.ttf", "bold": "timesbd.ttf", "italic": "timesi.ttf",
                        "bold_italic": "timesbi.ttf"}.items():
        shutil.copy(installed.files[style], windir / "Fonts" / name)
    local = tmp_path / "AppData" / "Local"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.setattr(fonts, "FC_MATCH", None)
    assert fonts.default_font_dirs()[1:] == [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    found = fonts.register_fonts()
    assert found.source == "Times New Roman"
    assert found.files == {"regular": windir / "Fonts" / "times.ttf", "bold": windir / "Fonts" / "timesbd.ttf",
                           "italic": windir / "Fonts" / "timesi.ttf", "bold_italic": windir / "Fonts" / "timesbi.ttf"}


def test_on_windows_a_missing_font_names_the_windows_fonts_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", r"C:\Windows")
    message = user_message(fonts.FontNotFoundError())
    assert message.startswith("Không tìm thấy phông chữ Times New Roman có đủ dấu tiếng Việt")
    assert "C:\\Windows" in message and "times.ttf" in message and "apt" not in message
