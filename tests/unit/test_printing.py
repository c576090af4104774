"""Printing a dossier's forms: the PDF read back, the print recorded, a corrected receipt printed anew. These
dossiers are received in 2024, under the 2018 set of forms (Thông tư 01/2018), and print in it; the 2025 set is
tested in test_papers_2025.py."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlite_utils import Database

from cchc_desktop.domain.dossiers import DocumentKind, DossierDocument, EventKind
from cchc_desktop.domain.papers import FormSet, PaperKind
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.settings import SettingsService

NOW = datetime(2024, 6, 4, 9, 30)


def text_of(pdf: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages), len(reader.pages)


@pytest.fixture
def code(db: Database) -> str:
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", place="Hoằng Hợp", code="000.21.31.H56")
    registered = ReceptionService(db, clock=lambda: NOW).register(NewDossier(
        procedure_code="1.000689", applicant_name="Nguyễn Thị Ưng", address="Thôn 3, xã Hoằng Hợp",
        phone="0912 345 678", documents=(DossierDocument("Tờ khai đăng ký khai sinh", DocumentKind.ORIGINAL),),
    ))
    return registered.code


def test_the_receipt_reads_back_and_the_print_is_recorded(db: Database, code: str, tmp_path: Path) -> None:
    service = PrintingService(db, clock=lambda: NOW)
    printed = service.print_paper(code, PaperKind.RECEIPT, tmp_path / "bien-nhan.pdf")
    assert (tmp_path / "bien-nhan.pdf").read_bytes() == printed.pdf
    text, pages = text_of(printed.pdf, tmp_path)
    assert pages == 2  # one copy kept, one handed over
    # Due: 3 working days of 7.5 h from Tuesday 09:30 end on Friday 09:30, rounded up to the half-day's end.
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", code, "Nguyễn Thị Ưng", "Tờ khai đăng ký khai sinh",
                     "09 giờ 30 phút, ngày 04 tháng 6 năm 2024", "11 giờ 30 phút, ngày 07 tháng 6 năm 2024"):
        assert expected in text
    assert printed.version == 1 and printed.form_set is FormSet.TT01_2018 and printed.number == ""
    assert "Số định danh" not in text and "TTPVHCC" not in text  # the 2018 receipt as it was
    service.print_paper(code, PaperKind.RECEIPT)  # a reprint keeps the version
    versions = db.execute("SELECT version, voided_at FROM dossier_form").fetchall()
    assert versions == [(1, None)]
    events = [e.kind for e in ReceptionService(db).get(code).events]
    assert events.count(EventKind.PRINTED) == 2


def test_a_correction_voids_the_receipt_and_the_next_print_is_a_new_version(
    db: Database, code: str, tmp_path: Path
) -> None:
    printing = PrintingService(db, clock=lambda: NOW)
    printing.print_paper(code, PaperKind.RECEIPT)
    ReceptionService(db, clock=lambda: NOW).correct(code, changes={"applicant_name": "Nguyễn Thị Ứng"},
                                                     reason="Sai họ tên người nộp")
    printed = printing.print_paper(code, PaperKind.RECEIPT)
    assert printed.version == 2
    text, _ = text_of(printed.pdf, tmp_path)
    assert "BẢN THAY THẾ" in text and "Nguyễn Thị Ứng" in text and "Sai họ tên người nộp" in text
    rows = db.execute("SELECT version, voided_at IS NOT NULL FROM dossier_form ORDER BY version").fetchall()
    assert rows == [(1, 1), (2, 0)]


def test_letters_need_their_event(db: Database, code: str, tmp_path: Path) -> None:
    printing = PrintingService(db, clock=lambda: NOW)
    with pytest.raises(ValidationError, match="chưa có phiếu xin lỗi"):
        printing.print_paper(code, PaperKind.APOLOGY)
    with pytest.raises(ValidationError, match="chưa có yêu cầu bổ sung"):
        printing.print_paper(code, PaperKind.SUPPLEMENT)
    assert db.execute("SELECT count(*) FROM dossier_event WHERE kind = 'printed'").fetchone()[0] == 0

    reception = ReceptionService(db, clock=lambda: NOW)
    reception.transition(code, EventKind.TRANSFERRED, at=NOW)
    reception.transition(code, EventKind.SUPPLEMENT_REQUESTED, at=NOW,
                         reason="Bản sao Giấy chứng nhận kết hôn của cha, mẹ\nGiấy tờ chứng minh quan hệ cha con")
    text, _ = text_of(printing.print_paper(code, PaperKind.SUPPLEMENT).pdf, tmp_path)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert re.search(r"Bản sao Giấy chứng nhận kết hôn của cha, mẹ", text)
    assert "Giấy tờ chứng minh quan hệ cha con" in text


def test_the_control_sheet_lists_each_hand_over(db: Database, code: str, tmp_path: Path) -> None:
    reception = ReceptionService(db, clock=lambda: datetime(2024, 6, 4, 10, 0))
    reception.transition(code, EventKind.TRANSFERRED)
    late = ReceptionService(db, clock=lambda: datetime(2024, 6, 10, 9, 0))
    late.transition(code, EventKind.RESULT_READY)
    printed = PrintingService(db, clock=lambda: NOW).print_paper(code, PaperKind.CONTROL)
    text, pages = text_of(printed.pdf, tmp_path)
    assert pages == 1
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and code in text
    assert "10 giờ 00 phút, ngày 04 tháng 6 năm 2024" in text  # handed to the handler
    assert "Trễ hạn" in text  # the result came after Friday 07/06 11:30
    assert printed.title == "Mẫu 05"  # the control sheet's number in the 2018 set
    # The hand-overs name the right sides: the citizen gives it to the desk, the desk to the handler.
    assert re.search(r"1\. Giao: Người nộp hồ sơ \(Nguyễn Thị Ưng\) 2\. Nhận: Bộ phận Tiếp nhận và Trả kết quả", text)


def test_the_ledger_is_landscape_and_lists_the_period(demo_path: Path, tmp_path: Path) -> None:
    from datetime import date

    from db.connection import open_db

    db = open_db(demo_path)
    try:
        expected = db.execute("SELECT code FROM dossier WHERE received_at >= '2024-06-01' AND received_at < "
                              "'2024-07-01' ORDER BY received_at, id").fetchall()
        pdf = PrintingService(db).ledger(first=date(2024, 6, 1), last=date(2024, 6, 30),
                                         target=tmp_path / "so.pdf")
        with pytest.raises(ValidationError):
            PrintingService(db).ledger(first=date(2024, 6, 30), last=date(2024, 6, 1))
    finally:
        db.close()
    reader = PdfReader(tmp_path / "so.pdf")
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text, _pages = text_of(pdf, tmp_path)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 01/06/2024 đến ngày 30/06/2024" in text
    packed = text.replace(" ", "")  # a long code wraps inside its narrow column
    assert expected and all(code in packed for (code,) in expected)
