"""Hostile files (issue 7, second attack): files built to exhaust the machine, and dates written month first.

A file past one of the limits of ``tables`` (its size, its rows, a line, a cell, a row's width, an .xlsx's
parts unpacked, a DTD) is refused as a whole: a TableFileError whose Vietnamese message names the file and the
limit, nothing written. The reading stays bounded: a subprocess that only reads the file reports the growth of
its peak memory (``ru_maxrss``, KiB on Linux), asserted against a generous bound; time is never asserted (the CI
machine is a busy 2-core box).

A date column that is consistent only as month/day (a second number above 12, no first one above 12) refuses
the file too, in every import that reads dates, instead of reading the other rows with day and month swapped.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database

from cchc_desktop.services import tables
from cchc_desktop.services.imports import ImportService
from cchc_desktop.services.inspection_import import InspectionImportService
from cchc_desktop.services.survey_import import SurveyImportService
from cchc_desktop.services.tables import (
    DOSSIER_COLUMNS,
    DOSSIER_REQUIRED,
    ImportRejected,
    TableFileError,
    open_table,
)
from cchc_desktop.services.task_import import TaskImportService
from tests.unit.test_cli import cchc
from tests.unit.test_hostile_input import BY_NAME, KINDS, NOW, Kind, contents, write_csv
from tests.unit.test_import_export import prepare

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
BOUND_MB = 100  # the growth of the reading's peak memory allowed (a streaming read takes a few MB)
HEADER = ("Chủ hồ sơ", "Mã thủ tục", "Ngày tiếp nhận")
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
Part = bytes | Callable[[], Iterator[bytes]]  # a part of a workbook, or a function giving it chunk by chunk
READER = """
import resource, sys
from pathlib import Path
import openpyxl  # imported before the baseline: what is measured is the reading
from cchc_desktop.services.tables import DOSSIER_COLUMNS, DOSSIER_REQUIRED, TableFileError, open_table
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with open_table(Path(sys.argv[1]), DOSSIER_COLUMNS, DOSSIER_REQUIRED) as table:
        print("read", sum(1 for _row in table.rows()))
except TableFileError as exc:
    print(exc)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


@pytest.fixture
def ready(db: Database) -> Database:
    prepare(db)
    return db


def read_apart(path: Path) -> tuple[str, int]:
    """What reading ``path`` in a fresh process says (the refusal's message, or ``read N``) and how much its
    peak memory grew while reading, in MiB."""
    done = subprocess.run([sys.executable, "-c", READER, str(path)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    *said, grown = done.stdout.strip().splitlines()
    return "\n".join(said), int(grown) // 1024


def refused(db: Database, action: Callable[[], object]) -> str:
    """The message of the TableFileError ``action`` raises; the database is left as it was."""
    before = contents(db)
    with pytest.raises(TableFileError) as caught:
        action()
    assert contents(db) == before
    return str(caught.value)


def dossiers(db: Database) -> Callable[[Path], Callable[[], object]]:
    return lambda path: lambda: ImportService(db, clock=lambda: NOW).import_dossiers(path)


# -- building workbooks part by part --------------------------------------------------------------------------


def workbook_parts(folder: Path) -> dict[str, Part]:
    """The parts of a small valid workbook (the header and one dossier), to be changed and zipped again."""
    path = folder / "base.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["Nguyễn Thị Ưng", "1.004873", "03/06/2024 08:15"])
    book.save(path)
    book.close()
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def row_xml(line: int, *cells: str) -> str:
    texts = "".join(f'<c r="{"ABC"[position]}{line}" t="inlineStr"><is><t>{text}</t></is></c>'
                    for position, text in enumerate(cells))
    return f'<row r="{line}">{texts}</row>'


def sheet_xml(rows: str, *, dimension: str = "A1:C2", before: str = "") -> bytes:
    return f'{before}<worksheet {NS}><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'.encode()


def zip_parts(path: Path, parts: Mapping[str, Part]) -> Path:
    """Zip ``parts``; a part given as a function is written chunk by chunk (level 1: a bomb is quick to make)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            if callable(data):
                with archive.open(name, "w") as stream:
                    for chunk in data():
                        stream.write(chunk)
            else:
                archive.writestr(name, data)
    return path


def with_shared_strings(parts: dict[str, Part], strings: Part) -> dict[str, Part]:
    """``parts`` with a shared strings part (its first string in A2)."""
    declared = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    types = parts["[Content_Types].xml"]
    assert isinstance(types, bytes)
    return {
        **parts,
        "[Content_Types].xml": types.replace(b"</Types>", declared.encode()),
        "xl/worksheets/sheet1.xml": sheet_xml(row_xml(1, *HEADER) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
        "xl/sharedStrings.xml": strings,
    }


def repeated(size: int, opening: str, filler: bytes, closing: str) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        yield opening.encode()
        block = filler * (MB // len(filler))
        for _ in range(size // MB):
            yield block
        yield closing.encode()
    return chunks


def strings_bomb(folder: Path) -> Path:
    """120 MB of one string, packed into ~0.5 MB: over the shared strings' limit (openpyxl holds them all)."""
    parts = workbook_parts(folder)
    bomb = repeated(120 * MB, f"<sst {NS}><si><t>", b"A", "</t></si></sst>")
    return zip_parts(folder / "chuoi.xlsx", with_shared_strings(parts, bomb))


def styles_bomb(folder: Path) -> Path:
    """14 MB of cell styles that pack only ~5 ×: over the limit of a part read whole (~25 bytes a byte)."""
    parts = workbook_parts(folder)
    picks = random.Random(1)
    styles = "".join(f'<xf numFmtId="{picks.randrange(1000)}" fontId="{picks.randrange(1000)}" '
                     f'fillId="{picks.randrange(1000)}" borderId="0" xfId="0"/>' for _ in range(200_000))
    parts["xl/styles.xml"] = f'<styleSheet {NS}><cellXfs count="200000">{styles}</cellXfs></styleSheet>'.encode()
    return zip_parts(folder / "kieu.xlsx", parts)


def sheet_bomb(folder: Path) -> Path:
    """A sheet of 310 MB of white space, packed 230 ×: over the parts' total unpacked."""
    parts = workbook_parts(folder)
    rows = row_xml(1, *HEADER) + row_xml(2, "Nguyễn Thị Ưng", "1.004873", "03/06/2024")
    bomb = repeated(310 * MB, f"<worksheet {NS}><sheetData>{rows}", b" ", "</sheetData></worksheet>")
    return zip_parts(folder / "trang.xlsx", {**parts, "xl/worksheets/sheet1.xml": bomb})


def packed_sheet(folder: Path) -> Path:
    """A sheet of 30 MB of white space: under every size limit, but packed 230 ×, as no spreadsheet packs."""
    parts = workbook_parts(folder)
    rows = row_xml(1, *HEADER) + row_xml(2, "Nguyễn Thị Ưng", "1.004873", "03/06/2024")
    bomb = repeated(30 * MB, f"<worksheet {NS}><sheetData>{rows}", b" ", "</sheetData></worksheet>")
    return zip_parts(folder / "nen.xlsx", {**parts, "xl/worksheets/sheet1.xml": bomb})


BOMBS = {
    "shared strings": (strings_bomb, "chuoi.xlsx", "phần «xl/sharedStrings.xml» bên trong tệp .xlsx khi giải nén lớn "
                                                   "120 MB, quá giới hạn 50 MB. "),
    "styles": (styles_bomb, "kieu.xlsx", "phần «xl/styles.xml» bên trong tệp .xlsx khi giải nén lớn "),
    "sheet": (sheet_bomb, "trang.xlsx", "các phần bên trong tệp .xlsx khi giải nén tổng cộng 310 MB, quá giới hạn "
                                        "300 MB. "),
    "ratio": (packed_sheet, "nen.xlsx", "phần «xl/worksheets/sheet1.xml» bên trong tệp .xlsx bị nén "),
}
BOMB_TAIL = ("Tệp như vậy có thể là tệp nén bất thường («zip bomb») nên không được đọc. Nếu đây là bảng tính "
             "thật, hãy chia thành nhiều tệp nhỏ hơn hoặc lưu dưới dạng CSV UTF-8 rồi nhập lại. Chưa ghi dữ liệu "
             "nào.")


# -- the file's size -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "start"), [("hoso.csv", ",".join(HEADER).encode() + b"\r\n"),
                                              ("hoso.xlsx", b"PK\x03\x04")])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    ready: Database, tmp_path: Path, name: str, start: bytes,
) -> None:
    path = tmp_path / name
    with path.open("wb") as handle:  # sparse: 105 MB on paper, nothing on the disk
        handle.write(start)
        handle.truncate(tables.MAX_FILE_BYTES + 5 * MB)
    message = refused(ready, dossiers(ready)(path))
    assert message == (f"Tệp «{name}» nặng 105 MB, quá giới hạn 100 MB của một tệp nhập. Hãy chia tệp thành nhiều "
                       "tệp nhỏ hơn (ví dụ mỗi tệp một quý hoặc một năm) rồi nhập lần lượt. Chưa ghi dữ liệu nào.")


def test_the_command_line_says_the_size_limit_and_exits_1(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "hoso.csv"
    with path.open("wb") as handle:
        handle.write(",".join(HEADER).encode() + b"\r\n")
        handle.truncate(tables.MAX_FILE_BYTES + 5 * MB)
    result = cchc("--db", str(db_path), "import", "dossiers", str(path))
    assert result.returncode == 1
    assert result.stderr == ("Lỗi: Tệp «hoso.csv» nặng 105 MB, quá giới hạn 100 MB của một tệp nhập. Hãy chia tệp "
                             "thành nhiều tệp nhỏ hơn (ví dụ mỗi tệp một quý hoặc một năm) rồi nhập lần lượt. Chưa ghi "
                             "dữ liệu nào.\n")


# -- rows, lines, cells and widths ------------------------------------------------------------------------------


def test_two_million_rows_are_refused_at_the_first_row_over_the_limit_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "2trieu.csv"
    path.write_bytes((",".join(HEADER) + "\n").encode() + "Lê Văn An,1.004873,03/06/2024\n".encode() * 2_000_000)
    assert path.stat().st_size < tables.MAX_FILE_BYTES  # the rows' limit, not the size's, is what stops it
    said, grown = read_apart(path)
    assert said == ("Tệp «2trieu.csv» có hơn 500.000 dòng dữ liệu (dừng đọc ở dòng 500.002): mỗi lần nhập đọc tối đa "
                    "500.000 dòng. Hãy chia tệp thành nhiều tệp, mỗi tệp không quá 500.000 dòng, rồi nhập lần lượt. "
                    "Chưa ghi dữ liệu nào.")
    assert grown < BOUND_MB


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_import_past_the_row_limit_writes_nothing_even_skipping_bad_rows(
    ready: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str,
) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 100)
    kind = BY_NAME["dossiers"]
    rows = [kind.cells(**{"Chủ hồ sơ": f"Lê Văn {number}"}) for number in range(300)]
    path = tmp_path / f"hoso.{fmt}"
    if fmt == "csv":
        write_csv(path, kind.header, rows)
    else:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        for values in (kind.header, *rows):
            sheet.append(list(values))
        book.save(path)
    message = refused(ready, lambda: ImportService(ready, clock=lambda: NOW).import_dossiers(
        path, skip_invalid=True, rejects=tmp_path / "loi.csv"))
    assert message.startswith(f"Tệp «hoso.{fmt}» có hơn 100 dòng dữ liệu (dừng đọc ở dòng 102): ")
    assert not (tmp_path / "loi.csv").exists()


def test_blank_lines_past_a_sheets_height_are_refused(ready: Database, tmp_path: Path) -> None:
    path = tmp_path / "trong.csv"
    path.write_bytes((",".join(HEADER) + "\n").encode() + b"\n" * (tables.MAX_LINES + 10))
    message = refused(ready, dossiers(ready)(path))
    assert message == ("Tệp «trong.csv» có hơn 1.048.576 dòng (kể cả dòng trống), nhiều hơn một trang tính Excel chứa "
                       "được. Hãy xóa các dòng trống thừa hoặc chia tệp thành nhiều tệp nhỏ hơn rồi nhập lần lượt. "
                       "Chưa ghi dữ liệu nào.")


def test_a_sheet_row_below_a_sheets_height_is_refused(ready: Database, tmp_path: Path) -> None:
    """A row numbered 5,000,000: openpyxl gives an empty row for each one missing before it."""
    parts = workbook_parts(tmp_path)
    far = row_xml(1, *HEADER) + row_xml(5_000_000, "Lê Văn An", "1.004873", "03/06/2024")
    path = zip_parts(tmp_path / "xa.xlsx", {**parts, "xl/worksheets/sheet1.xml": sheet_xml(far)})
    message = refused(ready, dossiers(ready)(path))
    assert message.startswith("Tệp «xa.xlsx» có hơn 1.048.576 dòng (kể cả dòng trống)")


def test_a_single_50_mb_line_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "dong.csv"
    with path.open("wb") as handle:
        handle.write((",".join(HEADER) + "\n").encode())
        block = "Nguyễn,".encode() * (MB // 9)
        for _ in range(50):
            handle.write(block)
    said, grown = read_apart(path)
    assert said == ("Tệp «dong.csv» không đọc được ở dòng 2: một dòng dài quá 1.048.576 ký tự (có thể một ô thiếu "
                    "dấu ngoặc kép đóng); hãy sửa dòng này hoặc chia nội dung dài ra nhiều dòng. Chưa ghi dữ liệu nào.")
    assert grown < BOUND_MB


def test_a_record_of_many_short_quoted_lines_is_refused(ready: Database, tmp_path: Path) -> None:
    path = tmp_path / "ngoac.csv"
    path.write_text(",".join(HEADER) + "\n" + '"a\nb",' * 300_000 + "\n", encoding="utf-8")
    message = refused(ready, dossiers(ready)(path))
    assert message.startswith("Tệp «ngoac.csv» không đọc được ở dòng 2: một dòng dài quá 1.048.576 ký tự")


def test_a_row_wider_than_the_limit_is_refused(ready: Database, tmp_path: Path) -> None:
    path = tmp_path / "rong.csv"
    path.write_text(",".join(HEADER) + "\n" + "Lê Văn An,1.004873,03/06/2024" + ",x" * 1_000 + "\n", encoding="utf-8")
    message = refused(ready, dossiers(ready)(path))
    assert message == ("Tệp «rong.csv» không đọc được ở dòng 2: dòng có 1.003 cột, quá giới hạn 1.000 cột; hãy xóa các "
                       "cột thừa bên phải bảng (kể cả cột trống đã định dạng). Chưa ghi dữ liệu nào.")


def test_a_cell_at_the_last_column_of_a_sheet_is_refused(ready: Database, tmp_path: Path) -> None:
    parts = workbook_parts(tmp_path)
    far = '<row r="2"><c r="A2" t="inlineStr"><is><t>Lê Văn An</t></is></c><c r="XFD2"><v>1</v></c></row>'
    path = zip_parts(tmp_path / "xfd.xlsx", {**parts, "xl/worksheets/sheet1.xml": sheet_xml(row_xml(1, *HEADER) + far)})
    message = refused(ready, dossiers(ready)(path))
    assert message.startswith("Tệp «xfd.xlsx» không đọc được ở dòng 2: dòng có 16.384 cột, quá giới hạn 1.000 cột")


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", "A1:C2"])
def test_the_size_a_sheet_declares_is_not_trusted(tmp_path: Path, dimension: str) -> None:
    """``A1:XFD1048576`` declared: openpyxl would give every row 16,384 cells (minutes of work for a 1 MB file);
    ``A1:C2`` declared over 11 rows: it would stop after the second row, and the others would be lost unsaid."""
    parts = workbook_parts(tmp_path)
    rows = row_xml(1, *HEADER) + "".join(row_xml(line, f"Lê Văn {line}", "1.004873", "03/06/2024")
                                         for line in range(2, 12))
    path = zip_parts(tmp_path / "khaibao.xlsx",
                     {**parts, "xl/worksheets/sheet1.xml": sheet_xml(rows, dimension=dimension)})
    with open_table(path, DOSSIER_COLUMNS, DOSSIER_REQUIRED) as table:
        read = [(line, len(cells)) for line, cells in table.rows()]
    assert read == [(line, 3) for line in range(2, 12)]


def test_an_xlsx_cell_longer_than_the_limit_is_refused(ready: Database, tmp_path: Path) -> None:
    parts = workbook_parts(tmp_path)
    path = zip_parts(tmp_path / "o.xlsx", with_shared_strings(
        parts, f"<sst {NS}><si><t>{'Ấ' * (tables.MAX_CELL_CHARS + 1)}</t></si></sst>".encode()))
    message = refused(ready, dossiers(ready)(path))
    assert message == "Tệp «o.xlsx» không đọc được ở dòng 2: có một ô dài quá 131.072 ký tự. Chưa ghi dữ liệu nào."


def test_a_bad_byte_at_the_end_of_a_large_csv_is_found_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "cuoi.csv"
    line = ("Lê Văn An,1.004873,03/06/2024,Thôn 3 " + "x" * 460 + "\n").encode()
    with path.open("wb") as handle:
        handle.write((",".join(HEADER) + ",Địa chỉ\n").encode())
        handle.write(line * 180_000)
        handle.write("Lê Văn An,1.004873,03/06/2024,Thôn 3\n".encode("cp1258"))
    said, grown = read_apart(path)
    assert said.startswith("Tệp «cuoi.csv» không phải văn bản UTF-8: byte 0xEA ở dòng 180.002 không đọc được")
    assert grown < BOUND_MB


# -- zip bombs and DTDs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", BOMBS, ids=list(BOMBS))
def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(tmp_path: Path, bomb: str) -> None:
    build, name, expected = BOMBS[bomb]
    path = build(tmp_path)
    assert path.stat().st_size < 5 * MB
    said, grown = read_apart(path)
    assert said.startswith(f"Tệp «{name}»: {expected}"), said
    assert said.endswith(BOMB_TAIL)
    assert grown < BOUND_MB


def test_the_command_line_refuses_a_zip_bomb_and_exits_1(db_path: Path, tmp_path: Path) -> None:
    path = strings_bomb(tmp_path)
    result = cchc("--db", str(db_path), "import", "dossiers", str(path))
    assert result.returncode == 1
    assert result.stderr == (f"Lỗi: Tệp «chuoi.xlsx»: phần «xl/sharedStrings.xml» bên trong tệp .xlsx khi giải nén "
                             f"lớn 120 MB, quá giới hạn 50 MB. {BOMB_TAIL}\n")


def test_a_table_of_contents_past_its_limit_is_refused_before_zipfile_reads_it(ready: Database, tmp_path: Path) -> None:
    """Thousands of parts with long names: ZipFile would make an object of each (~2 M of them in 100 MB)."""
    parts = workbook_parts(tmp_path)
    parts.update({f"xl/media/{'x' * 1000}{number}.bin": b"" for number in range(2_100)})
    path = zip_parts(tmp_path / "muluc.xlsx", parts)
    message = refused(ready, dossiers(ready)(path))
    assert message.startswith("Tệp «muluc.xlsx»: mục lục của tệp .xlsx lớn 2,1 MB, quá giới hạn 2 MB (quá nhiều phần "
                              "bên trong). Tệp như vậy")


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lollollollollollollollollollol">'
          + "".join(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)) + "]>")


@pytest.mark.parametrize("where", ["sheet", "shared strings", "workbook", "content types", "after a long comment"])
def test_a_dtd_is_refused_for_safety_with_a_message(ready: Database, tmp_path: Path, where: str) -> None:
    parts = workbook_parts(tmp_path)
    named = "xl/worksheets/sheet1.xml"
    laughing = row_xml(1, *HEADER) + row_xml(2, "&lol9;", "1.004873", "03/06/2024")
    if where == "sheet":
        parts[named] = sheet_xml(laughing, before=LAUGHS)
    elif where == "after a long comment":  # beyond the first bytes looked at: the parser's refusal is translated
        parts[named] = sheet_xml(laughing, before=LAUGHS.replace("<!DOCTYPE", f"<!--{' ' * 100_000}--><!DOCTYPE"))
    elif where == "shared strings":
        named = "xl/sharedStrings.xml"
        parts = with_shared_strings(parts, f"{LAUGHS}<sst {NS}><si><t>&lol9;</t></si></sst>".encode())
    else:
        named = "xl/workbook.xml" if where == "workbook" else "[Content_Types].xml"
        part = parts[named]
        assert isinstance(part, bytes)
        parts[named] = LAUGHS.encode() + part
    path = zip_parts(tmp_path / "dtd.xlsx", parts)
    message = refused(ready, dossiers(ready)(path))
    shown_part = "" if where == "after a long comment" else f" (phần «{named}»)"
    assert message == (f"Tệp «dtd.xlsx» chứa khai báo DTD/thực thể XML{shown_part}, không đọc được vì lý do an toàn: "
                       "Excel không bao giờ ghi tệp như vậy. Hãy mở tệp bằng Excel rồi lưu lại dưới dạng .xlsx hoặc "
                       "CSV UTF-8 và nhập lại. Chưa ghi dữ liệu nào.")


def test_a_sheet_cut_short_is_a_damaged_file_not_a_crash(ready: Database, tmp_path: Path) -> None:
    parts = workbook_parts(tmp_path)
    whole = sheet_xml(row_xml(1, *HEADER) + row_xml(2, "Lê", "1.004873", "03/06/2024"))
    parts["xl/worksheets/sheet1.xml"] = whole[:-40]
    path = zip_parts(tmp_path / "cut.xlsx", parts)
    message = refused(ready, dossiers(ready)(path))
    assert message.startswith("Tệp «cut.xlsx» không phải tệp Excel .xlsx hợp lệ hoặc bị hỏng (ParseError).")


# -- dates written month first ----------------------------------------------------------------------------------

SKIPPING: dict[str, Callable[[Database, Path, Path], object]] = {
    "dossiers": lambda db, path, rejects: ImportService(db, clock=lambda: NOW).import_dossiers(
        path, skip_invalid=True, rejects=rejects),
    "surveys": lambda db, path, rejects: SurveyImportService(db, clock=lambda: NOW).import_surveys(
        path, skip_invalid=True, rejects=rejects),
    "inspections": lambda db, path, rejects: InspectionImportService(db, clock=lambda: NOW).import_inspections(
        path, skip_invalid=True, rejects=rejects),
    "tasks": lambda db, path, rejects: TaskImportService(db, clock=lambda: NOW).import_tasks(
        path, year=2024, skip_invalid=True, rejects=rejects),
}
DATED = [(kind, header) for kind in KINDS if kind.dates for header in kind.dates]


def month_first(kind: Kind, header: str, first: str, second: str) -> list[list[str]]:
    """Two rows: ``header`` holds ``first`` then ``second`` (their time kept, as the valid row writes it)."""
    time = kind.row[kind.header.index(header)][10:]
    return [kind.cells(**{header: first + time}), kind.cells(**{header: second + time})]


@pytest.mark.parametrize(("kind", "header"), DATED, ids=[f"{kind.name}-{header}" for kind, header in DATED])
def test_a_date_column_written_month_first_refuses_the_file(
    ready: Database, tmp_path: Path, kind: Kind, header: str,
) -> None:
    """06/13/2024 (no 13th month) and 06/03/2024 (3 June, or 6 March?): the file is refused, with and without
    skipping bad rows; the second row is not read as 6 March."""
    path = write_csv(tmp_path / f"{kind.name}.csv", kind.header, month_first(kind, header, "06/13/2024", "06/03/2024"))
    time = kind.row[kind.header.index(header)][10:]
    expected = (f"Tệp «{kind.name}.csv», cột «{header}»: ngày được ghi theo kiểu tháng trước, ngày sau (mm/dd/yyyy, "
                "như máy đặt vùng Hoa Kỳ): dòng 2 ghi «06/13/2024")
    rejects = tmp_path / "loi.csv"
    for action in (lambda: kind.run(ready, path), lambda: SKIPPING[kind.name](ready, path, rejects)):
        message = refused(ready, action)
        assert message.startswith(expected), message
        assert message.endswith(
            "», số thứ hai (13) không thể là tháng, và không ngày nào trong cột có số đầu lớn hơn 12, nên "
            f"«06/03/2024{time}» (dòng 3) sẽ bị đọc nhầm ngày thành tháng. Chương trình không tự đổi chỗ ngày và "
            "tháng. Hãy ghi lại cột này theo dd/mm/yyyy (trong Excel: chọn cột → Định dạng ô → Ngày, vùng Tiếng Việt) "
            "rồi nhập lại. Chưa ghi dữ liệu nào."), message
        assert not rejects.exists()


def test_month_first_text_dates_in_a_workbook_refuse_it_too(ready: Database, tmp_path: Path) -> None:
    kind = BY_NAME["surveys"]
    path = tmp_path / "khaosat.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for values in (kind.header, *month_first(kind, "Ngày khảo sát", "05/03/2024", "05/28/2024")):
        sheet.append(list(values))
    book.save(path)
    message = refused(ready, lambda: kind.run(ready, path))
    assert message.startswith("Tệp «khaosat.xlsx», cột «Ngày khảo sát»: ngày được ghi theo kiểu tháng trước, ngày sau "
                              "(mm/dd/yyyy, như máy đặt vùng Hoa Kỳ): dòng 3 ghi «05/28/2024», số thứ hai (28) "
                              "không thể là tháng, và không ngày nào trong cột có số đầu lớn hơn 12, nên «05/03/2024» "
                              "(dòng 2) sẽ bị đọc nhầm ngày thành tháng.")


@pytest.mark.parametrize("second", ["07/25/2024", "06/06/2024"])
def test_month_first_dates_that_nothing_would_misread_are_row_problems(
    ready: Database, tmp_path: Path, second: str,
) -> None:
    """06/13/2024 with 07/25/2024 or 06/06/2024 (the same day both ways): no row would be stored on a wrong day,
    so each impossible date is its row's problem, as in a file of one row."""
    kind = BY_NAME["surveys"]
    path = write_csv(tmp_path / "khaosat.csv", kind.header, month_first(kind, "Ngày khảo sát", "06/13/2024", second))
    with pytest.raises(ImportRejected) as caught:
        kind.run(ready, path)
    assert [problem.line for problem in caught.value.problems] == ([2, 3] if second == "07/25/2024" else [2])


# Each date column of the valid rows, with days of 12 or less only (and the stored day, read day first).
SMALL_DAYS = {
    "dossiers": ({}, "SELECT substr(received_at, 1, 10) FROM dossier ORDER BY id DESC LIMIT 1", "2024-06-03"),
    "surveys": ({}, "SELECT taken_on FROM survey ORDER BY id DESC LIMIT 1", "2024-06-03"),
    "inspections": ({"Thời hạn khắc phục": "12/06/2024"},
                    "SELECT remedy_deadline FROM finding ORDER BY id DESC LIMIT 1", "2024-06-12"),
    "tasks": ({"Thời hạn": "12/03/2024", "Ngày hoàn thành": "10/03/2024"},
              "SELECT deadline FROM plan_task ORDER BY id DESC LIMIT 1", "2024-03-12"),
}


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.dates], ids=lambda kind: kind.name)
def test_day_first_dates_all_in_the_first_twelve_days_are_read_day_first(
    ready: Database, tmp_path: Path, kind: Kind,
) -> None:
    """No false alarm: a file whose days are all 12 or less has no number above 12 in the second place."""
    changed, query, day = SMALL_DAYS[kind.name]
    path = write_csv(tmp_path / f"{kind.name}.csv", kind.header, [kind.cells(**changed)])
    kind.run(ready, path)
    assert ready.execute(query).fetchone()[0] == day


def test_one_typing_error_in_a_day_first_column_is_a_row_problem(ready: Database, tmp_path: Path) -> None:
    """A column with a day above 12 somewhere is day first: 05/13/2024 is a typing error of its row."""
    kind = BY_NAME["surveys"]
    rows = month_first(kind, "Ngày khảo sát", "25/03/2024", "05/13/2024")
    path = write_csv(tmp_path / "khaosat.csv", kind.header, rows)
    with pytest.raises(ImportRejected) as caught:
        kind.run(ready, path)
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 3, cột «Ngày khảo sát»: ngày không hợp lệ «05/13/2024» (ghi dd/mm/yyyy hoặc yyyy-mm-dd)."]


def test_iso_dates_months_and_quarters_are_not_month_first_evidence(ready: Database, tmp_path: Path) -> None:
    kind = BY_NAME["tasks"]
    rows = [kind.cells(**{"Số TT": str(number), "Thời hạn": deadline, "Nội dung nhiệm vụ": f"Nhiệm vụ {number}",
                          "Tình trạng": "Chưa thực hiện", "Ngày hoàn thành": ""})
            for number, deadline in enumerate(["2024-03-15", "03/2024", "Quý II/2024", "Tháng 12", "05/06/2024"], 1)]
    path = write_csv(tmp_path / "kehoach.csv", kind.header, rows)
    kind.run(ready, path)
    deadlines = [deadline for (deadline,) in ready.execute("SELECT deadline FROM plan_task ORDER BY number")]
    assert deadlines == ["2024-03-15", "2024-03-31", "2024-06-30", "2024-12-31", "2024-06-05"]
