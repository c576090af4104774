"""Imports of another system's export (issue 19): its headers mapped once to our columns, saved under a name,
recognised again by its header row, used from the command line by name; the import's progress, and «Hủy» (a
``Cancelled`` from the progress) leaving nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database

from cchc_desktop.domain.mappings import ImportKind, signature
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.office import Office
from cchc_desktop.progress import Cancelled
from cchc_desktop.services.import_runs import ImportOptions, ImportRunner, result_message
from cchc_desktop.services.imports import ImportRejected
from cchc_desktop.services.mappings import MappingService
from cchc_desktop.services.tables import TableFileError, open_table, write_problems
from tests.unit.test_import_export import NOW, cchc, prepare

# A province system's export: its own headers, a title above them, a column we do not read.
PROVINCE_HEADER = ["STT", "Số biên nhận", "Mã TTHC (DVC)", "Người nộp hồ sơ", "CCCD người nộp", "Ngày nhận HS",
                   "Tình trạng", "Ghi chú"]
PROVINCE_MAPPING = {"STT": "", "Số biên nhận": "code", "Mã TTHC (DVC)": "procedure_code",
                    "Người nộp hồ sơ": "applicant_name", "CCCD người nộp": "applicant_id",
                    "Ngày nhận HS": "received_at", "Tình trạng": "status", "Ghi chú": ""}


def province_export(path: Path, count: int = 3, *, header: list[str] = PROVINCE_HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN (xuất từ Hệ thống thông tin giải quyết TTHC tỉnh)"])
    sheet.append(header)
    for n in range(count):
        values = {"STT": str(n + 1), "Số biên nhận": f"TINH-{n:05d}", "Mã TTHC (DVC)": "1.004873",
                  "Người nộp hồ sơ": f"Lê Thị Hoa {n}", "CCCD người nộp": "038090012345",
                  "Ngày nhận HS": f"{1 + n % 28:02d}/05/2024 08:{n % 60:02d}", "Tình trạng": "Đã tiếp nhận",
                  "Ghi chú": "hồ sơ giấy"}
        sheet.append([values[name] for name in header])
    book.save(path)
    return path


@pytest.fixture
def runner(db: Database) -> ImportRunner:
    prepare(db)
    return ImportRunner(db, clock=lambda: NOW)


def dossiers(db: Database) -> list[tuple[str, str]]:
    return [tuple(row) for row in db.execute("SELECT code, applicant_name FROM dossier ORDER BY code").fetchall()]


def test_another_systems_export_is_refused_until_mapped_then_imports(runner: ImportRunner, db: Database,
                                                                     tmp_path: Path) -> None:
    source = province_export(tmp_path / "tinh.xlsx")
    with pytest.raises(TableFileError, match="không có dòng tiêu đề"):
        runner.run(ImportKind.DOSSIERS, source)
    preview = runner.preview(ImportKind.DOSSIERS, source)
    assert not preview.found
    assert preview.header == PROVINCE_HEADER  # the widest row, not the title above it
    assert preview.keys == [""] * len(PROVINCE_HEADER) and preview.rows[0][1] == "TINH-00000"
    saved = MappingService(db, clock=lambda: NOW)
    assert saved.for_rows(ImportKind.DOSSIERS, preview.top) is None
    saved.save(ImportKind.DOSSIERS, "Tỉnh", PROVINCE_MAPPING, runner.keys(ImportKind.DOSSIERS), preview.header)
    found = saved.for_rows(ImportKind.DOSSIERS, preview.top)  # below the title
    assert found is not None and found.name == "Tỉnh"

    mapped = runner.preview(ImportKind.DOSSIERS, source, PROVINCE_MAPPING)
    assert mapped.found and mapped.header == PROVINCE_HEADER
    assert mapped.keys == ["", "code", "procedure_code", "applicant_name", "applicant_id", "received_at", "status", ""]
    assert mapped.rows[0][:4] == ["1", "TINH-00000", "1.004873", "Lê Thị Hoa 0"]

    result = runner.run(ImportKind.DOSSIERS, source, ImportOptions(mapping=PROVINCE_MAPPING))
    assert result_message(ImportKind.DOSSIERS, result) == "Đã nhập 3 hồ sơ (0 bỏ qua vì trùng)."
    assert dossiers(db) == [("TINH-00000", "Lê Thị Hoa 0"), ("TINH-00001", "Lê Thị Hoa 1"),
                            ("TINH-00002", "Lê Thị Hoa 2")]


def test_a_saved_mapping_is_found_again_by_the_header_row_even_with_its_columns_moved(
        runner: ImportRunner, db: Database, tmp_path: Path) -> None:
    service = MappingService(db, clock=lambda: NOW)
    saved = service.save(ImportKind.DOSSIERS, "  Hệ thống một cửa tỉnh ", PROVINCE_MAPPING,
                         runner.keys(ImportKind.DOSSIERS), PROVINCE_HEADER)
    assert saved.name == "Hệ thống một cửa tỉnh"
    moved = [*reversed(PROVINCE_HEADER)]
    found = service.for_header(ImportKind.DOSSIERS, [f" {text.upper()} " for text in moved])
    assert found is not None and found.headers == PROVINCE_MAPPING
    assert service.for_header(ImportKind.PROCEDURES, PROVINCE_HEADER) is None  # per kind
    assert service.for_header(ImportKind.DOSSIERS, PROVINCE_HEADER[:-1]) is None  # another header row
    assert service.named(ImportKind.DOSSIERS, "he thong mot cua TINH").headers == PROVINCE_MAPPING
    # saved again under the same name: replaced, not doubled
    service.save(ImportKind.DOSSIERS, "Hệ thống một cửa tỉnh", {**PROVINCE_MAPPING, "CCCD người nộp": ""},
                 runner.keys(ImportKind.DOSSIERS), PROVINCE_HEADER)
    assert [mapping.name for mapping in service.saved(ImportKind.DOSSIERS)] == ["Hệ thống một cửa tỉnh"]
    entries = db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'import_mapping'").fetchone()[0]
    assert entries == 2  # inserted, then updated: audited like the catalogue


@pytest.mark.parametrize(("name", "headers", "expected"), [
    ("", PROVINCE_MAPPING, "Hãy đặt tên cho cách ghép cột"),
    ("Tỉnh", {**PROVINCE_MAPPING, "Ghi chú": "applicant_name"}, "cùng được ghép với «Chủ hồ sơ»"),
    ("Tỉnh", {**PROVINCE_MAPPING, "Ghi chú": "so_ho_so"}, "không phải một cột của loại dữ liệu này"),
    ("Tỉnh", dict.fromkeys(PROVINCE_HEADER, ""), "chưa ghép cột nào"),
])
def test_a_wrong_mapping_is_refused_and_nothing_saved(runner: ImportRunner, db: Database, name: str,
                                                      headers: dict[str, str], expected: str) -> None:
    service = MappingService(db, clock=lambda: NOW)
    with pytest.raises(ValidationError, match=expected):
        service.save(ImportKind.DOSSIERS, name, headers, runner.keys(ImportKind.DOSSIERS), PROVINCE_HEADER)
    assert service.saved(ImportKind.DOSSIERS) == []


def test_an_unknown_mapping_name_lists_the_saved_ones(runner: ImportRunner, db: Database) -> None:
    service = MappingService(db, clock=lambda: NOW)
    with pytest.raises(NotFoundError, match="Chưa lưu cách ghép cột nào"):
        service.named(ImportKind.DOSSIERS, "Tỉnh")
    service.save(ImportKind.DOSSIERS, "Một cửa tỉnh", PROVINCE_MAPPING, runner.keys(ImportKind.DOSSIERS),
                 PROVINCE_HEADER)
    with pytest.raises(NotFoundError, match="Các cách đã lưu: «Một cửa tỉnh»"):
        service.named(ImportKind.DOSSIERS, "Tỉnh")


def test_bad_rows_of_a_mapped_file_go_to_the_rejects_file_and_the_error_list(
        runner: ImportRunner, db: Database, tmp_path: Path) -> None:
    source = province_export(tmp_path / "tinh.xlsx", 4)
    book = openpyxl.load_workbook(source)
    book.active.cell(row=4, column=4).value = ""  # the second dossier: no applicant
    book.save(source)
    rejects = tmp_path / "loi.csv"
    with pytest.raises(ImportRejected) as refused:
        runner.run(ImportKind.DOSSIERS, source, ImportOptions(mapping=PROVINCE_MAPPING, rejects=rejects))
    assert dossiers(db) == []
    assert [(problem.line, problem.column) for problem in refused.value.problems] == [(4, "Người nộp hồ sơ")]
    assert "TINH-00001" in rejects.read_text(encoding="utf-8-sig")  # read again through the mapping
    listed = tmp_path / "danh-sach-loi.xlsx"
    write_problems(listed, refused.value.problems)
    sheet = openpyxl.load_workbook(listed).active
    assert [cell.value for cell in sheet[1]] == ["Dòng", "Cột", "Lý do"]
    assert [cell.value for cell in sheet[2]][:2] == ["4", "Người nộp hồ sơ"]
    result = runner.run(ImportKind.DOSSIERS, source, ImportOptions(mapping=PROVINCE_MAPPING, skip_invalid=True))
    assert (result.inserted, result.rejected) == (3, 1)


def test_the_import_tells_its_progress_and_a_cancel_writes_nothing(runner: ImportRunner, db: Database,
                                                                   tmp_path: Path) -> None:
    source = province_export(tmp_path / "tinh.xlsx", 2_500)
    options = ImportOptions(mapping=PROVINCE_MAPPING)
    heard: list[tuple[str, int, int]] = []
    for stop_at in ("Đang đọc tệp", "Đang ghi hồ sơ"):
        heard.clear()

        def progress(stage: str, done: int, total: int, stop_at: str = stop_at) -> None:
            heard.append((stage, done, total))
            if stage.startswith(stop_at) and done >= 1_000:
                raise Cancelled()

        with pytest.raises(Cancelled, match="Đã hủy, chưa ghi dữ liệu nào"):
            runner.run(ImportKind.DOSSIERS, source, options, progress)
        assert heard and heard[-1][0].startswith(stop_at)
        assert dossiers(db) == []
        staged = db.execute("SELECT count(*) FROM import_batch").fetchone()[0]
        assert staged == 0  # the staged rows discarded
    heard.clear()
    runner.run(ImportKind.DOSSIERS, source, options, lambda stage, done, total: heard.append((stage, done, total)))
    assert len(dossiers(db)) == 2_500
    assert ("Đang đọc tệp: 2.500 dòng", 2_500, 0) in heard
    assert ("Đang ghi hồ sơ: 2.000/2.500", 2_000, 2_500) in heard


def test_the_companion_connection_writes_as_the_signed_in_account(office_with_officer: Office,
                                                                  tmp_path: Path) -> None:
    """The window's import runs on a connection of its worker thread: same file, same account in the rows and
    the audit trail."""
    office = office_with_officer
    source = province_export(tmp_path / "tinh.xlsx", 2)
    with office.companion() as other:
        assert other.db is not office.db
        other.import_runner.run(ImportKind.DOSSIERS, source, ImportOptions(mapping=PROVINCE_MAPPING))
    users = office.db.execute("SELECT DISTINCT received_by FROM dossier").fetchall()
    assert users == [(office.session.user_id,)]
    actors = office.db.execute("SELECT DISTINCT actor FROM audit_log WHERE table_name = 'dossier'").fetchall()
    assert actors == [("cchc (Cán bộ CCHC)",)]


@pytest.fixture
def office_with_officer(db: Database, db_path: Path) -> Office:
    from cchc_desktop.domain.users import Role
    from cchc_desktop.services.accounts import AccountService

    prepare(db)
    AccountService(db).create("cchc", "Cán bộ CCHC", Role.OFFICER, "matkhau123")
    db.close()
    from cchc_desktop.office import open_office
    office = open_office(db_path, user="cchc", password=lambda: "matkhau123")
    office.clock = lambda: NOW
    return office


def test_the_command_line_imports_with_a_saved_mapping_by_name(runner: ImportRunner, db: Database, db_path: Path,
                                                                 tmp_path: Path) -> None:
    MappingService(db, clock=lambda: NOW).save(ImportKind.DOSSIERS, "Một cửa tỉnh", PROVINCE_MAPPING,
                                               runner.keys(ImportKind.DOSSIERS), PROVINCE_HEADER)
    db.close()
    source = province_export(tmp_path / "tinh.xlsx", 3)
    unknown = cchc("--db", str(db_path), "import", "dossiers", str(source), "--mapping", "Tỉnh khác")
    assert unknown.returncode == 1 and "Các cách đã lưu: «Một cửa tỉnh»" in unknown.stderr, unknown.stderr
    done = cchc("--db", str(db_path), "import", "dossiers", str(source), "--mapping", "mot cua tinh")
    assert done.returncode == 0, done.stderr
    assert "Đã nhập 3 hồ sơ" in done.stdout
    assert done.stderr == ""  # not a terminal: no progress line
    check = sqlite3.connect(db_path)
    try:
        assert check.execute("SELECT count(*) FROM dossier WHERE code LIKE 'TINH-%'").fetchone()[0] == 3
    finally:
        check.close()


def test_signature_ignores_order_case_spaces_and_empty_cells() -> None:
    assert signature(["Ngày nhận", "", "Số  biên nhận"]) == signature(["so bien nhan", "NGÀY NHẬN"])
    assert signature(["Ngày nhận"]) != signature(["Ngày nhận", "Ghi chú"])


def test_open_table_reads_a_mapped_header_and_skips_a_column_mapped_to_nothing(tmp_path: Path) -> None:
    from cchc_desktop.services.tables import DOSSIER_COLUMNS, DOSSIER_REQUIRED

    source = province_export(tmp_path / "tinh.xlsx", 1)
    with open_table(source, DOSSIER_COLUMNS, DOSSIER_REQUIRED,
                    mapping={**PROVINCE_MAPPING, "Ghi chú": "", "Người nộp hồ sơ": "applicant_name"}) as table:
        assert set(table.index) == {"code", "procedure_code", "applicant_name", "applicant_id", "received_at",
                                    "status"}


def on_a_terminal(*args: str) -> tuple[int, str, str]:
    """``cchc ARGS`` with its stderr on a pseudo-terminal (the officer's console): (exit code, stdout, what the
    terminal showed)."""
    import os
    import pty
    import subprocess
    import sys

    from tests.unit.test_import_export import ROOT

    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "cchc_desktop", *args], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=follower, text=True, check=False, timeout=300)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    return done.returncode, done.stdout, shown.decode()


def test_the_command_line_shows_its_progress_on_a_terminal_and_wipes_it(runner: ImportRunner, db: Database,
                                                                        db_path: Path, tmp_path: Path) -> None:
    """On a terminal, ``cchc import`` keeps one line up to date with what it is doing and wipes it at the end;
    the result is printed after it. ``cchc demo`` names its stages in Vietnamese the same way."""
    db.close()
    source = province_export(tmp_path / "tinh.xlsx", 1_500)
    MappingService(open_db_for(db_path), clock=lambda: NOW).save(
        ImportKind.DOSSIERS, "Tỉnh", PROVINCE_MAPPING, runner.keys(ImportKind.DOSSIERS), PROVINCE_HEADER)
    code, out, shown = on_a_terminal("--db", str(db_path), "import", "dossiers", str(source), "--mapping", "Tỉnh")
    assert code == 0, shown
    assert "\r\x1b[KĐang đọc tệp: " in shown
    assert shown.endswith("\r\x1b[K")  # wiped: the officer's prompt comes back on a clean line
    assert "Đã nhập 1500 hồ sơ" in out

    code, out, shown = on_a_terminal("--db", str(tmp_path / "mau.sqlite3"), "demo", "--dossiers", "300")
    assert code == 0, shown
    assert "\r\x1b[KDữ liệu mẫu: danh mục thủ tục" in shown and shown.endswith("\r\x1b[K")


def open_db_for(path: Path) -> Database:
    from db.connection import open_db
    return open_db(path)


def test_saving_or_removing_a_mapping_needs_the_import_right() -> None:
    from cchc_desktop.domain.users import RIGHTS, Permission, Role

    assert MappingService.save.permission is Permission.IMPORT  # type: ignore[attr-defined]
    assert MappingService.remove.permission is Permission.IMPORT  # type: ignore[attr-defined]
    assert Permission.IMPORT not in RIGHTS[Role.CHAIR]
