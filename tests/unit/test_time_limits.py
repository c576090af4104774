"""Time limits as the catalogue writes them (issue 16, part 2): a procedure of «30 ngày» imported as calendar days,
registered across Tết, printed as the catalogue says, and moved by a supplement round by its rule."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from sqlite_utils import Database

from cchc_desktop.domain.catalogue import TimeLimitUnit
from cchc_desktop.domain.dossiers import EventKind
from cchc_desktop.domain.papers import PaperKind
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.imports import ImportService
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.settings import SettingsService

LATER = datetime(2025, 6, 30, 17, 0)


def catalogue(db: Database, tmp_path: Path) -> None:
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56", place="Hoằng Hợp")
    source = tmp_path / "thutuc.csv"
    source.write_text("Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết,Khi bổ sung\n"
                      "9.000030,Thủ tục thử ba mươi ngày,Đất đai,30 ngày,Tạm dừng\n"
                      "9.000031,Thủ tục thử ba mươi ngày tính lại,Đất đai,30 ngày,Tính lại\n"
                      "9.000005,Thủ tục thử năm ngày làm việc,Đất đai,5 ngày làm việc,\n"
                      "9.000003,Thủ tục thử số trần,Đất đai,3,\n", encoding="utf-8")
    ImportService(db).import_procedures(source)


def test_thirty_days_imported_registered_across_tet_and_printed_as_written(db: Database, tmp_path: Path) -> None:
    catalogue(db, tmp_path)
    units = dict(db.execute("SELECT code, time_limit || ' ' || time_limit_unit FROM procedure WHERE code LIKE"
                            " '9.%'").fetchall())
    assert units == {"9.000030": "30 calendar_days", "9.000031": "30 calendar_days",
                     "9.000005": "5 working_days", "9.000003": "3 working_days"}
    reception = ReceptionService(db, clock=lambda: LATER)
    registered = reception.register(NewDossier(procedure_code="9.000030", applicant_name="Lê Văn Đất",
                                               received_at=datetime(2025, 1, 17, 9, 0)))
    assert registered.due_at == datetime(2025, 2, 17, 17, 0)  # 16/02 is a Sunday
    assert "30 ngày (tính cả ngày nghỉ)" in registered.explanation
    pdf = PrintingService(db, clock=lambda: LATER).print_paper(registered.code, PaperKind.RECEIPT,
                                                                tmp_path / "r.pdf").pdf
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(tmp_path / "r.pdf").pages)
    assert pdf and "Thời gian giải quyết hồ sơ theo quy định là: 30 ngày" in text
    assert "30 ngày làm việc" not in text
    assert reception.find_procedures("9.000030")[0].time_limit_unit is TimeLimitUnit.CALENDAR_DAYS


def test_a_supplement_round_moves_a_calendar_day_limit_by_its_rule(db: Database, tmp_path: Path) -> None:
    catalogue(db, tmp_path)
    reception = ReceptionService(db, clock=lambda: LATER)
    received = datetime(2025, 3, 3, 8, 0)  # Monday; 30 days end on Wednesday 02/04 at 17:00
    paused = reception.register(NewDossier(procedure_code="9.000030", applicant_name="Lê Văn Đất",
                                           received_at=received)).code
    restarted = reception.register(NewDossier(procedure_code="9.000031", applicant_name="Lê Văn Đất",
                                              received_at=received)).code
    for code in (paused, restarted):
        reception.transition(code, EventKind.TRANSFERRED, at=datetime(2025, 3, 3, 9, 0))
        reception.transition(code, EventKind.SUPPLEMENT_REQUESTED, at=datetime(2025, 3, 13, 10, 0),
                             reason="Bản đồ thửa đất")  # 20 days were left
        reception.transition(code, EventKind.SUPPLEMENT_RECEIVED, at=datetime(2025, 3, 20, 10, 0))
    # Pause: the 20 days left run from the return, to 09/04; restart: 30 again, to 19/04, a Saturday → 21/04.
    assert reception.get(paused).dossier.due_at == datetime(2025, 4, 9, 17, 0)
    assert reception.get(restarted).dossier.due_at == datetime(2025, 4, 21, 17, 0)
    assert "còn 20 ngày" in reception.get(paused).events[-1].data["explanation"]
