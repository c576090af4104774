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
from cchc_desktop.office import open_office
from cchc_desktop.progress import Cancelled
from cchc_desktop.services.import_runs import ImportOptions, ImportRunner, result_message
from cchc_desktop.services.imports import ImportRejected
from cchc_desktop.services.mappings import MappingService
from cchc_desktop.services.tables import TableFileError, open_table, write_problems
from tests.unit.test_import_export import NOW, cchc, prepare

pytestmark = pytest.mark.backends
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

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


def test_the_companion_connection_writes_as_the_signed_in_account(officer_location: Path | str,
                                                                  tmp_path: Path) -> None:
    """The window's import runs on a connection of its worker thread: same file, same account in the rows and
    the audit trail."""
    office = open_office(officer_location, user="cchc", password=lambda: "matkhau123")
    office.clock = lambda: NOW
    try:
        source = province_export(tmp_path / "tinh.xlsx", 2)
        with office.companion() as other:
            assert other.db is not office.db
            other.import_runner.run(ImportKind.DOSSIERS, source, ImportOptions(mapping=PROVINCE_MAPPING))
        users = office.db.execute("SELECT DISTINCT received_by FROM dossier").fetchall()
        assert users == [(office.session.user_id,)]
        actors = office.db.execute("SELECT DISTINCT actor FROM audit_log WHERE table_name = 'dossier'").fetchall()
        assert actors == [("cchc (Cán bộ CCHC)",)]
    finally:
        office.close()


@pytest.fixture
def officer_location(db: Database, db_location: Path | str) -> Path | str:
    """A database ready for imports with the reform officer's account «cchc» (closed: the test opens it)."""
    from cchc_desktop.domain.users import Role
    from cchc_desktop.services.accounts import AccountService

    prepare(db)
    AccountService(db).create("cchc", "Cán bộ CCHC", Role.OFFICER, "matkhau123")
    db.close()
    return db_location


@SQLITE_ONLY  # (the command line works on a server only to migrate it)
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


@SQLITE_ONLY  # (the command line works on a server only to migrate it)
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


def one_text_everywhere(path: Path, rows: int, columns: int, text: str) -> Path:
    """A workbook whose every cell is the same shared string (one copy in the file, ``rows × columns`` once read)."""
    import zipfile

    def column(number: int) -> str:
        name = ""
        number += 1
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        return name

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    cells = "".join(f'<row r="{r}">' + "".join(f'<c r="{column(c)}{r}" t="s"><v>0</v></c>' for c in range(columns))
                    + "</row>" for r in range(1, rows + 1))
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets><sheet name="S" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/'
        f'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{relations}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<sst xmlns="{main}" count="1" uniqueCount="1"><si><t xml:space="preserve">{text}'
        "</t></si></sst>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{cells}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as packed:
        for name, data in parts.items():
            packed.writestr(name, data)
    return path


def test_the_preview_of_a_workbook_of_one_long_text_in_every_cell_stays_small(tmp_path: Path) -> None:
    """A 50 KB workbook whose 8,400 cells all point to one 100,000-character text: the preview cuts each cell
    before reading it (it held gigabytes and ran for minutes before)."""
    import tracemalloc

    from cchc_desktop.services.tables import DOSSIER_COLUMNS, PREVIEW_CELL_CHARS, preview_table

    source = one_text_everywhere(tmp_path / "dai.xlsx", 28, 300, "chữ " * 25_000)
    assert source.stat().st_size < 200_000
    tracemalloc.start()
    try:
        preview = preview_table(source, DOSSIER_COLUMNS)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(preview.header) == 300 and len(preview.rows) == 8
    assert all(len(text) <= PREVIEW_CELL_CHARS + 1 for row in preview.top for text in row)
    assert peak < 100_000_000


def test_the_preview_finds_a_header_with_a_blank_cell_and_skips_blank_lines(tmp_path: Path) -> None:
    from cchc_desktop.services.tables import DOSSIER_COLUMNS, preview_table

    source = tmp_path / "tinh.csv"
    source.write_text("\n" * 30 + "DANH SÁCH HỒ SƠ\nSTT,Số BN,,Người nộp,Ngày nhận\n1,A-1,x,Lê Văn Tám,01/05/2024\n",
                      encoding="utf-8")
    preview = preview_table(source, DOSSIER_COLUMNS)
    assert preview.header == ["STT", "Số BN", "", "Người nộp", "Ngày nhận"]  # not the wider data row below it
    assert preview.rows == [["1", "A-1", "x", "Lê Văn Tám", "01/05/2024"]]


def test_two_columns_read_as_one_are_named_both(runner: ImportRunner, tmp_path: Path) -> None:
    source = tmp_path / "hai.csv"
    source.write_text("Ngày nhận,Ngày tiếp nhận,Chủ hồ sơ,Mã thủ tục\n01/05/2024,01/05/2024,Lê Văn Tám,1.004873\n",
                      encoding="utf-8")
    with pytest.raises(TableFileError) as refused:
        runner.run(ImportKind.DOSSIERS, source, ImportOptions(mapping={"Ngày nhận": "received_at"}))
    assert "hai cột «Ngày nhận» và «Ngày tiếp nhận» cùng được đọc là «Ngày tiếp nhận»" in str(refused.value)


def test_headers_that_differ_only_in_case_or_diacritics_cannot_be_mapped_apart(runner: ImportRunner,
                                                                                 db: Database) -> None:
    service = MappingService(db, clock=lambda: NOW)
    with pytest.raises(ValidationError, match="Hai cột «Ngày» và «NGAY» có cùng tiêu đề"):
        service.save(ImportKind.DOSSIERS, "Tỉnh", {"Ngày": "received_at", "NGAY": ""},
                     runner.keys(ImportKind.DOSSIERS), ["Ngày", "NGAY"])


def test_the_chair_can_neither_import_nor_save_a_mapping(demo_path: Path, tmp_path: Path) -> None:
    from cchc_desktop.office import open_office
    from cchc_desktop.services.sessions import PermissionDenied
    from tests.conftest import DEMO_PASSWORD

    source = province_export(tmp_path / "tinh.xlsx", 2)
    with open_office(demo_path, user="chutich", password=lambda: DEMO_PASSWORD) as office:
        before = office.db.execute("SELECT count(*) FROM dossier").fetchone()[0]
        with pytest.raises(PermissionDenied, match="không có quyền"):
            office.import_runner.run(ImportKind.DOSSIERS, source, ImportOptions(mapping=PROVINCE_MAPPING))
        with pytest.raises(PermissionDenied, match="không có quyền"):
            office.mappings.save(ImportKind.DOSSIERS, "Tỉnh", PROVINCE_MAPPING,
                                 office.import_runner.keys(ImportKind.DOSSIERS), PROVINCE_HEADER)
        assert office.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == before
        assert office.mappings.saved(ImportKind.DOSSIERS) == []
