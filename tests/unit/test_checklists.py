"""Each procedure's document checklist (issue 18): read and written one document a line, kept in the catalogue
(audited, by the right role only), shipped for a few procedures with their legal ground, carried by the catalogue
import in the national catalogue's «Thành phần hồ sơ» column, and printed right on the receipt."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from cchc_desktop.domain.checklists import (
    MAX_DOCUMENTS,
    ChecklistError,
    document_line,
    documents_text,
    read_documents,
    read_line,
)
from cchc_desktop.domain.dossiers import DocumentKind, DossierDocument
from cchc_desktop.domain.papers import PaperKind
from cchc_desktop.domain.users import Role
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.catalogue import CatalogueService, list_procedures, load_reference_catalogue
from cchc_desktop.services.imports import ImportRejected, ImportService
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.sessions import PermissionDenied
from cchc_desktop.services.settings import SettingsService
from db import audit
from db.connection import open_db
from tests.unit.test_catalogue_2025 import write_table

NOW = datetime(2026, 3, 10, 9, 0)
ORIGINAL, COPY, CERTIFIED = DocumentKind.ORIGINAL, DocumentKind.COPY, DocumentKind.CERTIFIED_COPY


@pytest.mark.parametrize(("line", "expected"), [
    ("Giấy chứng sinh (bản chính)", DossierDocument("Giấy chứng sinh", ORIGINAL)),
    ("- Ảnh 4x6 (bản chính, 2 bản)", DossierDocument("Ảnh 4x6", ORIGINAL, 2)),
    ("Giấy chứng sinh - Bản chính: 1, Bản sao: 0", DossierDocument("Giấy chứng sinh", ORIGINAL)),
    ("b) Giấy tờ chứng minh nơi cư trú: Bản chính: 0, Bản sao: 1",
     DossierDocument("Giấy tờ chứng minh nơi cư trú", COPY)),
    ("Hợp đồng mua bán: 02 bản chính", DossierDocument("Hợp đồng mua bán", ORIGINAL, 2)),
    ("Giấy tờ tùy thân (bản sao có chứng thực)", DossierDocument("Giấy tờ tùy thân", CERTIFIED)),
    ("Giay chung sinh (ban chinh)", DossierDocument("Giay chung sinh", ORIGINAL)),  # typed without diacritics
    ("Văn bản ủy quyền (Bản chính: 01 bản)", DossierDocument("Văn bản ủy quyền", ORIGINAL)),
    ("Hợp đồng (3 bản)", DossierDocument("Hợp đồng", COPY, 3)),
    # no kind said: the citizen's own forms are originals, «Bản …» at the start says it, else the default
    ("Tờ khai đăng ký khai sinh", DossierDocument("Tờ khai đăng ký khai sinh", ORIGINAL)),
    ("Đơn đề nghị cấp bản sao", DossierDocument("Đơn đề nghị cấp bản sao", ORIGINAL)),
    ("Bản chính giấy tờ, văn bản cần chứng thực", DossierDocument("Bản chính giấy tờ, văn bản cần chứng thực",
                                                                   ORIGINAL)),
    ("1. Bản sao Sổ hộ khẩu", DossierDocument("Bản sao Sổ hộ khẩu", COPY)),
    ("Giấy phép (số 12/GP-UBND)", DossierDocument("Giấy phép (số 12/GP-UBND)", COPY)),  # not a marker: kept
    ("Giấy chứng sinh (hoặc văn bản của người làm chứng)",
     DossierDocument("Giấy chứng sinh (hoặc văn bản của người làm chứng)", COPY)),
])
def test_a_line_says_its_document_kind_and_count(line: str, expected: DossierDocument) -> None:
    assert read_line(line) == expected


@pytest.mark.parametrize("line", ["", "   ", "Hồ sơ gồm:", "* Giấy tờ phải nộp:", "Số lượng hồ sơ: 01 (bộ)"])
def test_headings_and_the_number_of_sets_are_not_documents(line: str) -> None:
    assert read_line(line) is None


@pytest.mark.parametrize(("text", "line", "problem"), [
    ("Tờ khai\nGiấy (0 bản)", 2, "số lượng phải từ 1 đến 99"),
    ("(bản chính)", 1, "tên giấy tờ không được để trống"),
    ("Tờ khai\n\n" + "G" * 301, 3, "tên giấy tờ quá dài (tối đa 300 ký tự)"),
    ("\n".join(f"Giấy {n}" for n in range(MAX_DOCUMENTS + 1)), 0, "quá nhiều giấy tờ (tối đa 30)"),
])
def test_a_bad_line_is_named(text: str, line: int, problem: str) -> None:
    with pytest.raises(ChecklistError) as caught:
        read_documents(text)
    assert (caught.value.line, caught.value.problem) == (line, problem)


NAMES = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" ,.-/"),
                min_size=1, max_size=60).map(lambda text: " ".join(unicodedata.normalize("NFC", text).split())).filter(
    lambda name: bool(name) and name[0].isalpha() and name[-1].isalnum())


@given(st.lists(st.builds(DossierDocument, NAMES, st.sampled_from(DocumentKind), st.integers(1, 99)),
                max_size=8))
def test_what_is_written_reads_back_the_same(documents: list[DossierDocument]) -> None:
    """The page's text of a checklist reads back to the checklist, whatever the names say (stored as NFC, as every
    text is)."""
    assert read_documents(documents_text(documents)) == tuple(documents)


# -- the catalogue's checklists ---------------------------------------------------------------------------------


@pytest.fixture
def ready(db: Database) -> Database:
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
    return db


def test_the_shipped_checklists_are_loaded_once_and_never_over_the_units_own(ready: Database) -> None:
    catalogue = CatalogueService(ready)
    assert catalogue.checklist("1.001193") == (
        DossierDocument("Tờ khai đăng ký khai sinh", ORIGINAL),
        DossierDocument("Giấy chứng sinh (hoặc văn bản của người làm chứng, giấy cam đoan về việc sinh)", ORIGINAL))
    assert catalogue.checklist("2.000815")[1] == DossierDocument("Bản sao cần chứng thực", COPY)
    catalogue.set_checklist("1.001193", "Tờ khai đăng ký khai sinh\nGiấy chứng sinh (bản chính)\nẢnh (bản sao)")
    catalogue.set_checklist("1.000656", "")  # the unit removes one
    load_reference_catalogue(ready)
    assert [d.name for d in catalogue.checklist("1.001193")] == [
        "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Ảnh"]
    assert catalogue.checklist("1.000656") != ()  # a removed list is no list: the shipped one comes back…
    assert catalogue.checklist("9.999999") == ()
    entries = {entry.code: entry for entry in list_procedures(ready)}
    assert entries["1.001193"].documents == 3 and entries["2.000908"].documents == 0


def test_a_checklist_is_replaced_whole_audited_and_refused_whole(ready: Database) -> None:
    catalogue = CatalogueService(ready)
    stored = catalogue.set_checklist("2.000908", [DossierDocument(" Đơn đề nghị  cấp bản sao ", ORIGINAL),
                                                  DossierDocument("Giấy tờ tùy thân", CERTIFIED, 2)])
    assert stored == (DossierDocument("Đơn đề nghị cấp bản sao", ORIGINAL),
                      DossierDocument("Giấy tờ tùy thân", CERTIFIED, 2))
    assert catalogue.checklist("2.000908") == stored
    logged = ready.execute("SELECT count(*) FROM audit_log WHERE table_name = 'procedure_document'").fetchone()[0]
    assert logged >= 2
    before = ready.execute("SELECT * FROM procedure_document ORDER BY id").fetchall()
    for code, documents, key, message in (
        ("2.000908", "Đơn\nGiấy (100 bản)", "documents", "Dòng 2: Số lượng phải từ 1 đến 99."),
        ("2.000908", [DossierDocument("Đơn", ORIGINAL), DossierDocument("  ", COPY)], "documents",
         "Dòng 2: Tên giấy tờ không được để trống."),
        ("9.999999", "Đơn", "code", "Không có thủ tục mã «9.999999» trong danh mục."),
    ):
        with pytest.raises(ValidationError) as caught:
            catalogue.set_checklist(code, documents)
        assert caught.value.errors == {key: message}
    assert ready.execute("SELECT * FROM procedure_document ORDER BY id").fetchall() == before
    assert audit.replay_problems(ready.conn) == []
    with pytest.raises(sqlite3.IntegrityError):  # the schema itself refuses what the service would
        ready.execute("INSERT INTO procedure_document (procedure_id, position, name, count) VALUES (1, 9, 'x', 0)")


def test_only_the_catalogue_right_changes_a_checklist(ready: Database) -> None:
    accounts = AccountService(ready)
    accounts.create("quantri", "Quản trị", Role.ADMIN, "matkhau-123")
    accounts.create("motcua", "Nguyễn Thị Hương", Role.DESK, "matkhau-123")
    accounts.create("chutich", "Lê Văn Chủ", Role.CHAIR, "matkhau-123")
    accounts.create("cchc", "Đỗ Văn Tùng", Role.OFFICER, "matkhau-123")
    catalogue = CatalogueService(ready)
    before = catalogue.checklist("1.001193")
    for user in ("motcua", "chutich"):
        accounts.sign_in(user, "matkhau-123")
        assert catalogue.checklist("1.001193") == before  # everyone reads it
        with pytest.raises(PermissionDenied, match="Sửa danh mục thủ tục"):
            catalogue.set_checklist("1.001193", "Tờ khai")
    assert catalogue.checklist("1.001193") == before
    accounts.sign_in("cchc", "matkhau-123")
    catalogue.set_checklist("1.001193", "Tờ khai đăng ký khai sinh")
    actor = ready.execute("SELECT actor FROM audit_log WHERE table_name = 'procedure_document'"
                          " ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert actor == "cchc (Đỗ Văn Tùng)"


def test_the_receipt_prints_each_document_as_original_or_copy(ready: Database, tmp_path: Path) -> None:
    """The desk's ticks of the checklist reach Mẫu 01 with their kind and count (they all read «Bản sao»)."""
    from pypdf import PdfReader

    documents = CatalogueService(ready).checklist("2.000815")
    code = ReceptionService(ready, clock=lambda: NOW).register(NewDossier(
        procedure_code="2.000815", applicant_name="Trần Thị Mai",
        documents=(*documents, *read_documents("Ảnh 4x6 (bản chính, 2 bản)")))).code
    pdf = tmp_path / "mau01.pdf"
    PrintingService(ready, clock=lambda: NOW).print_paper(code, PaperKind.RECEIPT, pdf)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao Bản chính 01" in text
    assert "Bản sao cần chứng thực Bản sao 01" in text
    assert "Ảnh 4x6 Bản chính 02" in text


# -- the catalogue import carries it -------------------------------------------------------------------------

HEADER = ["Mã TTHC", "Tên TTHC", "Lĩnh vực", "Thời gian giải quyết", "Thành phần hồ sơ"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_catalogue_import_reads_the_national_documents_column(
    suffix: str, ready: Database, tmp_path: Path,
) -> None:
    service = ImportService(ready, clock=lambda: NOW)
    rows = [
        ["9.200001", "Thủ tục thử có hồ sơ", "Hộ tịch", "03 ngày làm việc",
         "Hồ sơ gồm:\n- Tờ khai theo mẫu - Bản chính: 1, Bản sao: 0\n- Giấy tờ chứng minh nơi cư trú - Bản chính: 0,"
         " Bản sao: 1\nSố lượng hồ sơ: 01 bộ"],
        ["1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "", ""],  # empty: the stored checklist stays
    ]
    result = service.import_procedures(write_table(tmp_path / f"a{suffix}", rows, header=HEADER))
    assert (result.inserted, result.updated, result.unchanged) == (1, 0, 1)
    catalogue = CatalogueService(ready)
    assert catalogue.checklist("9.200001") == (DossierDocument("Tờ khai theo mẫu", ORIGINAL),
                                               DossierDocument("Giấy tờ chứng minh nơi cư trú", COPY))
    assert len(catalogue.checklist("1.001193")) == 2
    rows[1][4] = "Tờ khai đăng ký khai sinh (bản chính)"
    again = service.import_procedures(write_table(tmp_path / f"b{suffix}", rows, header=HEADER))
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)  # only the checklist changed
    assert catalogue.checklist("1.001193") == (DossierDocument("Tờ khai đăng ký khai sinh", ORIGINAL),)


def test_a_bad_documents_cell_rejects_its_row_and_writes_nothing(ready: Database, tmp_path: Path) -> None:
    service = ImportService(ready, clock=lambda: NOW)
    before = ready.execute("SELECT * FROM procedure_document ORDER BY id").fetchall()
    rows = [["9.200002", "Thủ tục thử", "Hộ tịch", "3 ngày làm việc", "Tờ khai\nẢnh (0 bản)"]]
    with pytest.raises(ImportRejected) as caught:
        service.import_procedures(write_table(tmp_path / "bad.csv", rows, header=HEADER))
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 2, cột «Thành phần hồ sơ»: dòng 2 của ô: số lượng phải từ 1 đến 99 (mỗi dòng một giấy tờ, ví dụ"
        " «Giấy chứng sinh (bản chính)»)."]
    assert ready.execute("SELECT * FROM procedure_document ORDER BY id").fetchall() == before
    assert ready.execute("SELECT count(*) FROM procedure WHERE code = '9.200002'").fetchone()[0] == 0


def test_the_checklists_arrive_in_a_database_that_predates_them(tmp_path: Path) -> None:
    """m0014 on a v13 database with its catalogue: the table arrives empty (the unit's catalogue gets no list of
    ours by the upgrade), audited, and the loader fills the shipped lists afterwards."""
    from tests.unit.test_migrations import _upto

    path = tmp_path / "v13.sqlite3"
    old = open_db(path, migrations=_upto("m0014_procedure_documents"))
    load_reference_catalogue(old)  # an older schema: the loader leaves the lists out
    columns = ", ".join(row[1] for row in old.execute("PRAGMA table_info(procedure)"))  # (later ones add more)
    procedures = old.execute(f"SELECT {columns} FROM procedure ORDER BY id").fetchall()
    old.close()
    db = open_db(path)
    assert db.execute(f"SELECT {columns} FROM procedure ORDER BY id").fetchall() == procedures
    assert db.execute("SELECT count(*) FROM procedure_document").fetchone()[0] == 0
    assert CatalogueService(db).checklist("1.001193") == ()
    load_reference_catalogue(db)
    assert len(CatalogueService(db).checklist("1.001193")) == 2
    assert audit.trigger_problems(db.conn) == [] and audit.replay_problems(db.conn) == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_document_line_is_what_the_page_shows() -> None:
    assert document_line(DossierDocument("Ảnh 4x6", ORIGINAL, 2)) == "Ảnh 4x6 (bản chính, 2 bản)"
    assert document_line(DossierDocument("Giấy tờ", CERTIFIED)) == "Giấy tờ (bản sao chứng thực)"
