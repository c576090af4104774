"""The papers of Thông tư 03/2025/TT-VPCP, each read back from its PDF: its title, its «Số:» line from the desk's
books, the số định danh, the right signature block; the numbers kept on a reprint; the ledger by field; a vice-chair
signing «KT. CHỦ TỊCH»; the 2018 set kept for the dossiers received under it; the command line by kind and number."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlite_utils import Database

from cchc_desktop.domain.dossiers import DeskRefusalKind, DocumentKind, DossierDocument, EventKind
from cchc_desktop.domain.papers import FormSet, PaperKind, Proxy, ResultDelivery, kind_of_number, paper_number
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.desk_refusals import DeskRefusalService, TurnedAway
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.settings import SettingsService
from tests.unit.test_cli import cchc

NOW = datetime(2026, 3, 10, 9, 30)  # Tuesday; 1.000689 (3 working days) is due Friday 13/03 at 11:30
LATER = datetime(2026, 4, 30, 17, 0)  # the clock of steps given their own time
PROXY = Proxy(name="Lê Văn Toàn", id_number="038090007777", address="Thôn 5, xã Hoằng Hợp", phone="0987654321",
              paper="Giấy ủy quyền có chứng thực ngày 02/03/2026")


def text_of(pdf: bytes) -> tuple[str, int]:
    import io

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages), len(reader.pages)


def unit(db: Database, **changes: str) -> None:
    SettingsService(db).update(**{
        "name": "UBND xã Hoằng Hợp", "place": "Hoằng Hợp", "code": "000.21.31.H56", "province": "Thanh Hóa",
        "parent": "UBND tỉnh Thanh Hóa", "chair_name": "Lê Văn Minh", "signer_name": "Lê Văn Minh",
        "desk_contact_name": "Nguyễn Thị Mai", "desk_contact_phone": "0237 3860 123",
        "lookup_url": "https://dichvucong.thanhhoa.gov.vn/tra-cuu?ma={code}", **changes})


def register(db: Database, clock: datetime = NOW, **fields: object) -> str:
    new = NewDossier(**{
        "procedure_code": "1.000689", "applicant_name": "Đặng Thị Hồng", "applicant_id": "038199001234",
        "address": "Thôn 3, xã Hoằng Hợp", "phone": "0912345678",
        "documents": (DossierDocument("Tờ khai đăng ký khai sinh", DocumentKind.ORIGINAL),
                      DossierDocument("Giấy chứng sinh", DocumentKind.COPY, 2)), **fields})
    return ReceptionService(db, clock=lambda: clock).register(new).code


@pytest.fixture
def office(db: Database) -> Database:
    load_reference_catalogue(db)
    unit(db)
    return db


def printing(db: Database, at: datetime = NOW) -> PrintingService:
    return PrintingService(db, clock=lambda: at)


def test_the_receipt_of_2025(office: Database) -> None:
    code = register(office, proxy=PROXY, result_delivery=ResultDelivery.POST)
    printed = printing(office).print_paper(code, PaperKind.RECEIPT)
    text, pages = text_of(printed.pdf)
    assert pages == 2 and printed.form_set is FormSet.TT03_2025 and printed.title == "Mẫu 01"
    assert printed.number == "01/TN-TTPVHCC"
    for expected in (
        "UBND XÃ HOẰNG HỢP", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Số: 01/TN-TTPVHCC",
        "Hoằng Hợp, ngày 10 tháng 3 năm 2026", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {code}",
        "Trung tâm Phục vụ hành chính công xã Hoằng Hợp",
        "Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: Đặng Thị Hồng", "Số định danh cá nhân/tổ chức: 038199001234",
        "Người được ủy quyền nộp hồ sơ: Lê Văn Toàn", "038090007777", "Giấy ủy quyền có chứng thực ngày 02/03/2026",
        "Tờ khai đăng ký khai sinh", "Bản chính", "Giấy chứng sinh", "01 (bộ)",
        "Thời gian giải quyết hồ sơ theo quy định là: 03 ngày làm việc",
        "Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 10 tháng 3 năm 2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 11 giờ 30 phút, ngày 13 tháng 3 năm 2026",
        "Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 01/2026, Số thứ tự: 1",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "Liên 1: Lưu", "Liên 2: Giao người nộp",
    ):
        assert expected in text, expected
    assert text.count("Lê Văn Toàn") >= 4  # the authorised person signs as the one who filed, on both copies


def test_numbers_come_from_the_desks_books_and_stay_on_reprints(office: Database) -> None:
    first, second = register(office), register(office, clock=datetime(2026, 3, 10, 10, 0))
    service = printing(office)
    assert service.print_paper(second, PaperKind.RECEIPT).number == "01/TN-TTPVHCC"  # in the order printed
    assert service.print_paper(first, PaperKind.RECEIPT).number == "02/TN-TTPVHCC"
    assert service.print_paper(second, PaperKind.RECEIPT).number == "01/TN-TTPVHCC"  # a reprint keeps it
    assert service.print_paper(first, PaperKind.CONTROL).number == "01/PKS-TTPVHCC"  # each book its own count
    next_year = printing(office, datetime(2027, 1, 4, 8, 0))
    third = register(office, clock=datetime(2027, 1, 4, 7, 45))
    assert next_year.print_paper(third, PaperKind.RECEIPT).number == "01/TN-TTPVHCC"  # a new year, a new book
    lines = office.execute("SELECT code, ledger_line FROM dossier ORDER BY id").fetchall()
    assert [line for _code, line in lines] == [1, 2, 1]  # the ledger's lines in the order received, by year
    with pytest.raises(Exception, match="UNIQUE"):  # the schema keeps a number once in its book
        office.execute("INSERT INTO paper (kind, book, year, number, dossier_id, ref, issued_at)"
                       " VALUES ('receipt', 'TN', 2026, 1, NULL, 99, '2026-03-10T10:00')")


def test_the_desks_set_is_a_setting_and_a_dossier_keeps_its_own(office: Database) -> None:
    unit(office, form_set="TT01/2018")
    old_style = register(office)
    unit(office, form_set="TT03/2025")
    new_style = register(office)
    before_2025 = register(office, received_at=datetime(2025, 6, 30, 9, 0))  # typed in late: before 1/7/2025
    sets = dict(office.execute("SELECT code, form_set FROM dossier").fetchall())
    assert (sets[old_style], sets[new_style], sets[before_2025]) == ("TT01/2018", "TT03/2025", "TT01/2018")
    service = printing(office)
    text, _pages = text_of(service.print_paper(old_style, PaperKind.RECEIPT).pdf)
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in text and "Số định danh" not in text  # the 2018 receipt
    with pytest.raises(ValidationError, match="Thông tư 01/2018/TT-VPCP, bộ biểu mẫu này không có"):
        service.print_paper(old_style, PaperKind.STOP)
    assert service.kind_for_number(old_style, "05") is PaperKind.CONTROL
    assert service.kind_for_number(new_style, "05") is PaperKind.STOP
    assert service.kind_for_number(new_style, "6") is PaperKind.CONTROL
    with pytest.raises(ValidationError, match="không có Mẫu 08"):
        service.kind_for_number(new_style, "08")


def test_the_supplement_request_gives_the_desks_contact(office: Database) -> None:
    code = register(office)
    reception = ReceptionService(office, clock=lambda: LATER)
    reception.transition(code, EventKind.TRANSFERRED, at=datetime(2026, 3, 10, 10, 0))
    reception.transition(code, EventKind.SUPPLEMENT_REQUESTED, at=datetime(2026, 3, 10, 14, 0),
                         reason="Bản sao Giấy chứng nhận kết hôn của cha, mẹ\n\n  Giấy tờ chứng minh nơi cư trú ")
    printed = printing(office).print_paper(code, PaperKind.SUPPLEMENT)
    text, pages = text_of(printed.pdf)
    assert pages == 1 and printed.title == "Mẫu 02"
    for expected in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: 01/PBS-TTPVHCC",
                     "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "1. Bản sao Giấy chứng nhận kết hôn của cha, mẹ",
                     "2. Giấy tờ chứng minh nơi cư trú",  # one requirement a line, as typed
                     "liên hệ với Nguyễn Thị Mai, số điện thoại 0237 3860 123", "NGƯỜI HƯỚNG DẪN"):
        assert expected in text, expected


def test_the_desks_refusal_is_mau_03_signed_by_both(office: Database) -> None:
    service = DeskRefusalService(office, clock=lambda: NOW)
    recorded = service.record(TurnedAway(kind=DeskRefusalKind.NOT_ACCEPTED, applicant_name="Phạm Văn Bình",
                                         reasons=("Việc xin cấp phép xây dựng thuộc thẩm quyền của tỉnh",),
                                         id_number="038088001111"))
    text, pages = text_of(recorded.pdf)
    assert pages == 1 and recorded.refusal.form_set is FormSet.TT03_2025
    for expected in ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Số: 01/PTC-TTPVHCC",
                     "Số định danh cá nhân/tổ chức: 038088001111", "Mã hồ sơ (nếu có)",
                     "thông báo không tiếp nhận, giải quyết hồ sơ này", "thuộc thẩm quyền của tỉnh",
                     "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ"):
        assert expected in text, expected
    again, _pages = text_of(service.reprint(recorded.refusal.id))
    assert "Số: 01/PTC-TTPVHCC" in again and "038088001111" not in again  # not stored: left for the pen
    incomplete = service.record(TurnedAway(kind=DeskRefusalKind.INCOMPLETE, applicant_name="Phạm Văn Bình",
                                           procedure_code="1.000689", reasons=("Thiếu giấy chứng sinh",)))
    text, _pages = text_of(incomplete.pdf)
    assert "Số: 01/PBS-TTPVHCC" in text and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text


def test_a_refusal_after_processing_is_the_units_letter_not_mau_03(office: Database) -> None:
    code = register(office)
    reception = ReceptionService(office, clock=lambda: LATER)
    reception.transition(code, EventKind.TRANSFERRED, at=datetime(2026, 3, 10, 10, 0))
    reception.transition(code, EventKind.REFUSED, at=datetime(2026, 3, 12, 9, 0),
                         reason="Người yêu cầu không phải cha, mẹ của trẻ")
    printed = printing(office).print_paper(code, PaperKind.REFUSAL)
    assert printed.kind is PaperKind.REFUSAL_NOTICE and printed.form is None
    text, _pages = text_of(printed.pdf)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" not in text
    for expected in ("ỦY BAN NHÂN DÂN", "XÃ HOẰNG HỢP", "/TB-UBND", "THÔNG BÁO", "Về việc từ chối giải quyết hồ sơ",
                     "Người yêu cầu không phải cha, mẹ của trẻ", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Minh"):
        assert expected in text, expected


def test_the_apology_of_2025_and_its_deadline(office: Database) -> None:
    code = register(office)
    reception = ReceptionService(office, clock=lambda: datetime(2026, 3, 12, 9, 0))  # Thursday: a day ahead
    reception.apologise(code, reason="Chờ xác minh của Công an xã", new_due_at=datetime(2026, 3, 17, 10, 0))
    printed = printing(office).print_paper(code, PaperKind.APOLOGY)
    text, pages = text_of(printed.pdf)
    assert pages == 1 and printed.number == "01/PXL"
    for expected in ("PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", "Số: 01/PXL",
                     "số định danh: 038199001234", f"mã số hồ sơ: {code}",
                     "11 giờ 30 phút, ngày 13 tháng 3 năm 2026", "Chờ xác minh của Công an xã",
                     "10 giờ 00 phút, ngày 17 tháng 3 năm 2026", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Minh"):
        assert expected in text, expected
    later = register(office)
    too_late = ReceptionService(office, clock=lambda: datetime(2026, 3, 13, 8, 0))  # the appointment's day
    with pytest.raises(ValidationError, match="chậm nhất 01 ngày làm việc trước ngày hẹn trả") as refused:
        too_late.apologise(later, reason="Chờ xác minh", new_due_at=datetime(2026, 3, 17, 10, 0))
    assert "late_reason" in refused.value.errors
    done = too_late.apologise(later, reason="Chờ xác minh", new_due_at=datetime(2026, 3, 17, 10, 0),
                              late_reason="Cơ quan phối hợp trả lời muộn")
    assert done.letter_id
    with pytest.raises(ValidationError, match="một lần"):
        too_late.apologise(later, reason="Lần hai", new_due_at=datetime(2026, 3, 18, 10, 0), late_reason="x")


def test_the_stop_notice_when_the_citizen_withdraws(office: Database) -> None:
    code = register(office)
    service = printing(office)
    with pytest.raises(ValidationError, match="chưa rút"):
        service.print_paper(code, PaperKind.STOP)
    ReceptionService(office, clock=lambda: LATER).transition(code, EventKind.WITHDRAWN, at=datetime(2026, 3, 11, 8, 15),
                                                           reason="Xin rút để bổ sung giấy tờ")
    printed = service.print_paper(code, PaperKind.STOP)
    text, pages = text_of(printed.pdf)
    assert pages == 1 and printed.title == "Mẫu 05" and printed.number == "01/TB-TTPVHCC"
    for expected in ("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Số: 01/TB-TTPVHCC", "Kính gửi: Ông/Bà Đặng Thị Hồng",
                     "số định danh: 038199001234", "Xin rút để bổ sung giấy tờ", "08 giờ 15 phút, ngày 11 tháng 3",
                     "TM. ỦY BAN NHÂN DÂN", "Lê Văn Minh", "Nơi nhận"):
        assert expected in text, expected


def test_the_control_sheet_names_both_sides_of_each_hand_over(office: Database) -> None:
    from cchc_desktop.services.accounts import AccountService

    officer = AccountService(office).create(username="motcua", full_name="Trần Thị Lan", role="desk",
                                            password="matkhau-dai-1")
    reception = ReceptionService(office, clock=lambda: LATER, user_id=officer.id)
    code = reception.register(NewDossier(procedure_code="1.000689", applicant_name="Đặng Thị Hồng",
                                         received_at=NOW)).code
    reception.transition(code, EventKind.TRANSFERRED, at=datetime(2026, 3, 10, 10, 0))
    reception.transition(code, EventKind.RESULT_READY, at=datetime(2026, 3, 16, 9, 0))
    reception.transition(code, EventKind.RETURNED, at=datetime(2026, 3, 16, 10, 0))
    printed = PrintingService(office, clock=lambda: NOW, user_id=officer.id).print_paper(code, PaperKind.CONTROL)
    text, pages = text_of(printed.pdf)
    assert pages == 1 and printed.title == "Mẫu 06" and "Số: 01/PKS-TTPVHCC" in text
    assert "Cơ quan phối hợp giải quyết hồ sơ" in text and "Người giao" in text and "Người nhận" in text
    assert "Quá hạn" in text  # ready on Monday 16/03, due Friday 13/03
    # Returned: the desk gives (its officer signs as giver), the citizen takes (and signs as taker): before,
    # the officer was printed on the citizen's side.
    returned = text[text.rindex("1. Giao:"):]
    assert re.search(r"1\. Giao: Trung tâm Phục vụ hành chính công xã Hoằng Hợp 2\. Nhận: Người nộp hồ sơ", returned)
    assert returned.index("Trần Thị Lan") < returned.index("Đặng Thị Hồng")


def test_a_vice_chair_signs_kt_chu_tich(office: Database) -> None:
    unit(office, signer_name="Nguyễn Văn Phó", signer_title="PHÓ CHỦ TỊCH", signer_authority="")
    code = register(office)
    ReceptionService(office, clock=lambda: datetime(2026, 3, 11, 9, 0)).apologise(
        code, reason="Chờ xác minh", new_due_at=datetime(2026, 3, 17, 10, 0))
    ReceptionService(office, clock=lambda: LATER).transition(code, EventKind.WITHDRAWN,
                                                              at=datetime(2026, 3, 11, 10, 0), reason="Rút hồ sơ")
    for kind in (PaperKind.APOLOGY, PaperKind.STOP):
        text, _pages = text_of(printing(office).print_paper(code, kind).pdf)
        assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Nguyễn Văn Phó" in text
        assert "TM. ỦY BAN NHÂN DÂN" not in text


def test_the_ledger_of_2025_is_one_book_per_field(office: Database, tmp_path: Path) -> None:
    birth = [register(office, clock=datetime(2026, 3, 10, 9, 30 + n)) for n in range(3)]
    ReceptionService(office, clock=lambda: NOW).register(NewDossier(
        procedure_code="2.000815", applicant_name="Vũ Văn Chứng", result_delivery=ResultDelivery.ONLINE))
    pdf = printing(office).ledger(first=date(2026, 3, 1), last=date(2026, 3, 31), fields=["ho tich"],
                                  target=tmp_path / "so.pdf")
    reader = PdfReader(tmp_path / "so.pdf")
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text, _pages = text_of(pdf)
    for expected in ("SỔ THEO DÕI HỒ SƠ", "Số: 01/STD-TTPVHCC", "Lĩnh vực: Hộ tịch — Quyển số 01/2026",
                     "Phương thức nhận kết quả", "Ký nhận", "Nhận và trả kết quả",
                     "Tại Trung tâm Phục vụ hành chính công"):
        assert expected in text, expected
    packed = text.replace(" ", "")
    assert all(code in packed for code in birth) and "VũVănChứng" not in packed  # only the field asked for
    everything, _pages = text_of(printing(office).ledger(first=date(2026, 3, 1), last=date(2026, 3, 31)))
    assert "Quyển số 02/2026" in everything and "Trực tuyến" in everything
    with pytest.raises(ValidationError, match="Không có lĩnh vực «Thuế»"):
        printing(office).ledger(first=date(2026, 3, 1), last=date(2026, 3, 31), fields=["Thuế"])


def test_the_qr_holds_the_lookup_address(office: Database) -> None:
    from cchc_desktop.services.printing import lookup_address

    settings = SettingsService(office).load()
    assert lookup_address(settings, "000.21.31.H56-260310-0001") == (
        "https://dichvucong.thanhhoa.gov.vn/tra-cuu?ma=000.21.31.H56-260310-0001")
    unit(office, lookup_url="")
    assert lookup_address(SettingsService(office).load(), "000.21.31.H56-260310-0001") == "000.21.31.H56-260310-0001"


def test_bad_proxy_and_delivery_are_refused_with_every_problem(office: Database) -> None:
    reception = ReceptionService(office, clock=lambda: NOW)
    with pytest.raises(ValidationError) as refused:
        reception.register(NewDossier(procedure_code="1.000689", applicant_name="Đặng Thị Hồng",
                                      proxy=Proxy(name=" ", id_number="12ab", phone="123"),
                                      result_delivery="fax"))
    errors = refused.value.errors
    assert errors["proxy_name"] == "Chưa ghi họ tên người được ủy quyền."
    assert errors["proxy_id_number"].startswith("Người được ủy quyền: Số giấy tờ tùy thân")
    assert errors["proxy_phone"].startswith("Người được ủy quyền: Số điện thoại")
    assert "Cách nhận kết quả không hợp lệ" in errors["result_delivery"]
    assert office.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
    assert office.execute("SELECT count(*) FROM ledger_book").fetchone()[0] == 0


def test_numbers_and_kinds() -> None:
    assert paper_number(PaperKind.RECEIPT, 7, "TTPVHCC") == "07/TN-TTPVHCC"
    assert paper_number(PaperKind.APOLOGY, 12, "TTPVHCC") == "12/PXL"
    assert paper_number(PaperKind.CONTROL, None, "BPTNTKQ").endswith("/PKS-BPTNTKQ")
    assert kind_of_number("07", FormSet.TT03_2025) is PaperKind.LEDGER
    assert kind_of_number("06", FormSet.TT01_2018) is PaperKind.LEDGER
    assert kind_of_number("05", FormSet.TT01_2018) is PaperKind.CONTROL


def test_the_command_line_by_kind_and_by_number(db_path: Path, tmp_path: Path) -> None:
    from db.connection import open_db

    db = open_db(db_path)
    load_reference_catalogue(db)
    unit(db)
    code = register(db, clock=datetime.now(), received_at=NOW)  # (now: any day after NOW)
    ReceptionService(db).transition(code, EventKind.WITHDRAWN, reason="Xin rút hồ sơ")
    db.close()
    out = tmp_path / "dung.pdf"
    by_kind = cchc("receipt", code, "--kind", "stop", "--out", str(out), "--db", str(db_path))
    assert by_kind.returncode == 0, by_kind.stderr
    assert "Mẫu 05 — Thông báo dừng giải quyết hồ sơ" in by_kind.stdout and "Thông tư 03/2025" in by_kind.stdout
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text_of(out.read_bytes())[0]
    by_number = cchc("receipt", code, "--form", "06", "--out", str(tmp_path / "ks.pdf"), "--db", str(db_path))
    assert by_number.returncode == 0 and "Phiếu kiểm soát" in by_number.stdout
    both = cchc("receipt", code, "--form", "06", "--kind", "stop", "--out", str(tmp_path / "x.pdf"),
                "--db", str(db_path))
    assert both.returncode == 2 and not (tmp_path / "x.pdf").exists()
    ledger = cchc("ledger", "--from", "01/01/2026", "--to", "31/12/2026", "--field", "Hộ tịch",
                  "--out", str(tmp_path / "so.pdf"), "--db", str(db_path))
    assert ledger.returncode == 0, ledger.stderr
    unknown = cchc("ledger", "--from", "01/01/2026", "--to", "31/12/2026", "--field", "Thuế",
                   "--out", str(tmp_path / "so2.pdf"), "--db", str(db_path))
    assert unknown.returncode == 1 and "Không có lĩnh vực «Thuế»" in unknown.stderr
    assert not (tmp_path / "so2.pdf").exists()
