"""Filings turned away at the desk: recorded with Mẫu 02 or 03, listed, counted in no dossier total."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlite_utils import Database

from cchc_desktop.domain.dossiers import DeskRefusalKind
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.desk_refusals import DeskRefusalService, TurnedAway
from tests.conftest import DEMO_ADMIN
from tests.unit.test_cli import cchc

NOW = datetime(2024, 6, 4, 9, 30, 41)


@pytest.fixture
def service(db: Database) -> DeskRefusalService:
    load_reference_catalogue(db)
    return DeskRefusalService(db, clock=lambda: NOW)


def text_of(pdf: Path | bytes) -> str:
    import io

    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_an_incomplete_filing_gets_mau_02_and_is_listed(service: DeskRefusalService, db: Database,
                                                        tmp_path: Path) -> None:
    target = tmp_path / "mau02.pdf"
    recorded = service.record(TurnedAway(
        kind=DeskRefusalKind.INCOMPLETE, applicant_name="  Đặng Thị Ưng ", procedure_code="1.001193",
        reasons=("Thiếu giấy chứng sinh", "", "Tờ khai chưa ký"), address="Thôn 3, xã Hoằng Hợp",
        phone="0912345678"), target)
    row = recorded.refusal
    assert (row.kind, row.applicant_name, row.at) == (DeskRefusalKind.INCOMPLETE, "Đặng Thị Ưng",
                                                      datetime(2024, 6, 4, 9, 30))
    assert row.reasons == ("Thiếu giấy chứng sinh", "Tờ khai chưa ký") and row.form == "02"
    text = text_of(target)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    for expected in ("Đặng Thị Ưng", "1. Thiếu giấy chứng sinh", "2. Tờ khai chưa ký", "Thôn 3, xã Hoằng Hợp",
                     "1.001193"):
        assert expected in text
    assert db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0  # no dossier, no code used
    assert [r.id for r in service.between(first=date(2024, 6, 4), last=date(2024, 6, 4))] == [row.id]
    assert service.between(first=date(2024, 6, 5), last=date(2024, 6, 30)) == []
    # the address and phone were printed, not kept: a reprint leaves them for the pen
    reprinted = text_of(service.reprint(row.id))
    assert "Đặng Thị Ưng" in reprinted and "0912345678" not in reprinted


def test_a_refusal_to_receive_may_name_no_procedure(service: DeskRefusalService) -> None:
    recorded = service.record(TurnedAway(
        kind=DeskRefusalKind.NOT_ACCEPTED, applicant_name="Nguyễn Văn Ấn",
        reasons=("Thuộc thẩm quyền của UBND huyện Hoằng Hóa",)))
    text = text_of(recorded.pdf)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "- Thuộc thẩm quyền của UBND huyện Hoằng Hóa" in text
    assert "Không thuộc danh mục thủ tục của đơn vị" in text
    assert recorded.refusal.form == "03"


def test_bad_input_names_every_field_and_writes_nothing(service: DeskRefusalService, db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        service.record(TurnedAway(kind=DeskRefusalKind.INCOMPLETE, applicant_name="  ", reasons=(" ", "")))
    assert caught.value.errors == {
        "applicant_name": "Chưa nhập họ tên người nộp.",
        "reasons": "Chưa ghi nội dung cần bổ sung, hoàn thiện.",
        "procedure_code": "Chưa chọn thủ tục cần hướng dẫn bổ sung.",
    }
    with pytest.raises(ValidationError) as caught:
        service.record(TurnedAway(kind=DeskRefusalKind.NOT_ACCEPTED, applicant_name="An",
                                  procedure_code="9.999999", reasons=("x",)))
    assert caught.value.errors == {"procedure_code": "Không có thủ tục mã «9.999999» trong danh mục."}
    assert db.execute("SELECT count(*) FROM desk_refusal").fetchone()[0] == 0
    with pytest.raises(NotFoundError):
        service.get(1)
    with pytest.raises(ValidationError):
        service.between(first=date(2024, 6, 5), last=date(2024, 6, 4))


def test_a_failed_pdf_rolls_the_record_back(service: DeskRefusalService, db: Database, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(OSError):
        service.record(TurnedAway(kind=DeskRefusalKind.NOT_ACCEPTED, applicant_name="An", reasons=("x",)),
                       tmp_path / "a-file" / "mau03.pdf")
    assert db.execute("SELECT count(*) FROM desk_refusal").fetchone()[0] == 0


def test_the_command_line_twin(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "mau02.pdf"
    result = cchc("turn-away", "--kind", "incomplete", "--procedure", "1.001193", "--applicant", "Lê Thị Hà",
                  "--reason", "Thiếu giấy chứng sinh", "--out", str(out), "--db", str(demo_path), *DEMO_ADMIN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Đã ghi sổ hồ sơ không tiếp nhận số ") and "(Mẫu 02)" in result.stdout
    assert "Lê Thị Hà" in text_of(out)

    bad = cchc("turn-away", "--kind", "incomplete", "--applicant", "Lê Thị Hà", "--db", str(demo_path), *DEMO_ADMIN)
    assert bad.returncode == 1
    assert "Lỗi: Chưa chọn thủ tục cần hướng dẫn bổ sung." in bad.stderr
    assert "Lỗi: Chưa ghi nội dung cần bổ sung, hoàn thiện." in bad.stderr
