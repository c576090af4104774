"""Tables in and out: the column contracts of DESIGN.md §4, reading a CSV file or the first sheet of an .xlsx,
and writing CSV (UTF-8 with BOM) or .xlsx as a stream, with every cell a spreadsheet would run as a formula
neutralised by a leading apostrophe (and the apostrophe taken off again when such a file is read back).

Reading is strict about what it cannot understand: a file that is not UTF-8 (nor UTF-16 with a BOM), a
damaged workbook, a missing required column each give one Vietnamese message for the whole file
(``TableFileError``). openpyxl is imported only when an .xlsx is read or written.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _
from cchc_desktop.text import fold

Cell = str | datetime | date | None
"""A cell as read: text, or a date/time from a spreadsheet cell (numbers and booleans become text)."""
Append = Callable[[Sequence[Cell]], None]
"""Writes one row of a table being written."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_SEARCH_ROWS = 20  # a title above the header row is tolerated
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_SAVE_AS_UTF8 = "Lưu lại dưới dạng CSV UTF-8"


@dataclass(frozen=True)
class Column:
    """One column of a contract: its key and its Vietnamese header (both accepted in a file)."""

    key: str
    header: str


DOSSIER_COLUMNS = (
    Column("code", "Mã hồ sơ"),
    Column("procedure_code", "Mã thủ tục"),
    Column("procedure_name", "Tên thủ tục"),
    Column("applicant_name", "Chủ hồ sơ"),
    Column("applicant_id", "Số giấy tờ tùy thân"),
    Column("phone", "Số điện thoại"),
    Column("address", "Địa chỉ"),
    Column("channel", "Hình thức nộp"),
    Column("received_at", "Ngày tiếp nhận"),
    Column("due_at", "Ngày hẹn trả"),
    Column("resolved_at", "Ngày có kết quả"),
    Column("returned_at", "Ngày trả kết quả"),
    Column("status", "Trạng thái"),
    Column("withdrawn_at", "Ngày rút"),
    Column("digitized", "Số hóa"),
    Column("apology_at", "Ngày xin lỗi"),
)
# Each group needs at least one of its columns in the file.
DOSSIER_REQUIRED = (("applicant_name",), ("received_at",), ("procedure_code", "procedure_name"))

PROCEDURE_COLUMNS = (
    Column("code", "Mã thủ tục"),
    Column("name", "Tên thủ tục"),
    Column("field", "Lĩnh vực"),
    Column("time_limit", "Thời hạn giải quyết"),
    Column("online_level", "Mức độ DVC"),
    Column("supplement_rule", "Khi bổ sung"),
    Column("fee", "Phí, lệ phí"),
)
PROCEDURE_REQUIRED = (("code",), ("name",), ("field",))

REASON_HEADER = "Lý do"  # the extra column of a rejects file


class TableFileError(CchcError):
    """The file cannot be read as a table of the expected columns (one message for the whole file)."""


# -- reading -------------------------------------------------------------------------------------------


def unneutralise(text: str) -> str:
    """Take off the apostrophe that ``neutralise`` put before a formula-like text."""
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS and len(text) > 1:
        return text[1:]
    return text


def _blank(cells: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _header_key(text: str) -> str:
    return fold(text).rstrip(" *:")


@dataclass
class Table:
    """A table being read: the header found, where each known column is, and the rows after it."""

    name: str
    header_cells: list[str]
    index: dict[str, int]
    headers: dict[str, str]
    _rows: Iterator[tuple[int, list[Cell]]] = field(repr=False)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(line number in the file, cells) of every non-empty row after the header."""
        for line, cells in self._rows:
            if not _blank(cells):
                yield line, cells

    def has(self, key: str) -> bool:
        return key in self.index

    def header(self, key: str, columns: Sequence[Column]) -> str:
        """The column's header as written in the file, or the contract's Vietnamese header."""
        if key in self.headers:
            return self.headers[key]
        return next(column.header for column in columns if column.key == key)

    def pick(self, cells: Sequence[Cell]) -> dict[str, Cell]:
        """Key → cell of every known column of the file (None where the row is short)."""
        size = len(cells)
        return {key: cells[position] if position < size else None for key, position in self.index.items()}

    def value(self, cells: Sequence[Cell], key: str) -> Cell:
        position = self.index.get(key)
        if position is None or position >= len(cells):
            return None
        return cells[position]


def _encoding(head: bytes) -> str:
    """UTF-16 when the file starts with its BOM; otherwise UTF-8, with or without BOM."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def _not_utf8(path: Path, encoding: str) -> TableFileError:
    """The message for a file that does not decode, naming the first bad byte and its line."""
    data = path.read_bytes()
    try:
        data.decode(encoding)
        position, byte = len(data), 0
    except UnicodeDecodeError as exc:
        position, byte = exc.start, data[exc.start]
    return TableFileError(_(
        "Tệp «{name}» không phải văn bản UTF-8: byte 0x{byte:02X} ở dòng {line} không đọc được (có thể tệp "
        "được lưu bằng bảng mã Windows-1258, TCVN3 hoặc VNI). Hãy mở tệp bằng Excel rồi chọn "
        "«{save_as}» (Tệp → Lưu thành → CSV UTF-8) và nhập lại. Chưa ghi dữ liệu nào."
    ).format(name=path.name, byte=byte, line=data.count(b"\n", 0, position) + 1, save_as=_SAVE_AS_UTF8))


def _lines(path: Path, handle: Iterable[str]) -> Iterator[str]:
    """The file's lines, refusing a NUL character (UTF-16 without BOM, or not a text file)."""
    for line in handle:
        if "\x00" in line:
            raise TableFileError(_(
                "Tệp «{name}» chứa ký tự NUL: đây không phải tệp CSV văn bản (có thể là UTF-16 không có BOM "
                "hoặc tệp nhị phân). Hãy {save_as} hoặc Excel (.xlsx). Chưa ghi dữ liệu nào."
            ).format(name=path.name, save_as=_SAVE_AS_UTF8.lower()))
        yield line


def _sniff_delimiter(lines: Sequence[str]) -> str:
    """Comma, semicolon or tab: whichever the first lines hold most of (outside quotes)."""
    counts = dict.fromkeys((",", ";", "\t"), 0)
    for line in lines:
        unquoted = re.sub(r'"[^"]*"', "", line)
        for delimiter in counts:
            counts[delimiter] += unquoted.count(delimiter)
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


@contextmanager
def _csv_rows(path: Path, start: bytes) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    """The records of a CSV file, read as a stream, each with the line it starts on."""
    encoding = _encoding(start)
    with path.open(encoding=encoding, newline="") as handle:
        lines = _lines(path, handle)
        first: list[str] = []  # the first lines choose the delimiter (a title may come before the header)
        try:
            for line in lines:
                first.append(line)
                if len(first) >= HEADER_SEARCH_ROWS:
                    break
        except UnicodeDecodeError:
            raise _not_utf8(path, encoding) from None
        reader = csv.reader(itertools.chain(first, lines), delimiter=_sniff_delimiter(first))

        def rows() -> Iterator[tuple[int, list[Cell]]]:
            previous = 0
            try:
                for record in reader:
                    line, previous = previous + 1, reader.line_num
                    yield line, [
                        cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell for cell in record]
            except UnicodeDecodeError:
                raise _not_utf8(path, encoding) from None
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    detail = _("có một ô dài quá {n} ký tự").format(n=f"{csv.field_size_limit():,}".replace(",", "."))
                else:
                    detail = _("sai định dạng CSV ({detail})").format(detail=exc)
                raise TableFileError(_(
                    "Tệp «{name}» không đọc được ở dòng {line}: {detail}. Chưa ghi dữ liệu nào."
                ).format(name=path.name, line=reader.line_num, detail=detail)) from None

        yield rows()


def _xlsx_cell(value: Any) -> Cell:
    if value is None or isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        return unneutralise(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    import openpyxl  # ~100 ms: only when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles or extensions openpyxl does not know: not our concern
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError) as exc:
        raise TableFileError(_(
            "Tệp «{name}» không phải tệp Excel .xlsx hợp lệ hoặc bị hỏng ({detail}). Hãy mở bằng Excel rồi lưu "
            "lại dưới dạng .xlsx hoặc CSV UTF-8. Chưa ghi dữ liệu nào."
        ).format(name=path.name, detail=type(exc).__name__)) from None
    try:
        if not book.worksheets:
            raise TableFileError(_("Tệp «{name}» không có trang tính nào.").format(name=path.name))
        sheet = book.worksheets[0]

        def rows() -> Iterator[tuple[int, list[Cell]]]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    yield line, [_xlsx_cell(value) for value in values]

        yield rows()
    finally:
        book.close()


def _find_header(
    name: str, rows: Iterator[tuple[int, list[Cell]]], columns: Sequence[Column],
    required: Sequence[Sequence[str]],
) -> tuple[list[str], dict[str, int], dict[str, str]]:
    """The header row (the first row naming a known column, among the first rows) and the columns' places."""
    known = {}
    for column in columns:
        known[_header_key(column.header)] = column.key
        known[column.key] = column.key
    seen = 0
    for _line, cells in rows:
        if _blank(cells):
            continue
        seen += 1
        texts = ["" if cell is None else str(cell).strip() for cell in cells]
        index: dict[str, int] = {}
        headers: dict[str, str] = {}
        duplicates: list[str] = []
        for position, text in enumerate(texts):
            key = known.get(_header_key(text))
            if key is None:
                continue
            if key in index:
                duplicates.append(text)
                continue
            index[key], headers[key] = position, text
        if index:
            if duplicates:
                raise TableFileError(_("Tệp «{name}»: cột «{column}» có hai lần ở dòng tiêu đề.").format(
                    name=name, column=duplicates[0]))
            by_key = {column.key: column.header for column in columns}
            missing = [" hoặc ".join(f"«{by_key[key]}»" for key in group)
                       for group in required if not any(key in index for key in group)]
            if missing:
                raise TableFileError(_("Tệp «{name}» thiếu cột bắt buộc: {columns}. Chưa ghi dữ liệu nào.").format(
                    name=name, columns=", ".join(missing)))
            return texts, index, headers
        if seen >= HEADER_SEARCH_ROWS:
            break
    wanted = ", ".join(f"«{column.header}»" for column in columns)
    raise TableFileError(_(
        "Tệp «{name}» không có dòng tiêu đề với các cột cần có ({columns}). Chưa ghi dữ liệu nào."
    ).format(name=name, columns=wanted))


@contextmanager
def open_table(path: Path, columns: Sequence[Column], required: Sequence[Sequence[str]] = ()) -> Iterator[Table]:
    """Open a CSV file or the first sheet of an .xlsx, find its header row, and give its rows.

    Header cells are matched to ``columns`` by key or Vietnamese header, ignoring case and diacritics;
    unknown columns are ignored. Raises TableFileError for a file that cannot be read as such a table.
    """
    name = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise TableFileError(_("Không tìm thấy tệp «{path}».").format(path=path)) from None
    except OSError as exc:
        raise TableFileError(_("Không đọc được tệp «{path}»: {detail}.").format(
            path=path, detail=exc.strerror)) from None
    if head.startswith(_XLS_MAGIC) or path.suffix.lower() in (".xls", ".ods"):
        raise TableFileError(_(
            "Tệp «{name}» là định dạng Excel cũ (.xls) hoặc .ods, chưa đọc được. Hãy lưu lại dưới dạng .xlsx "
            "hoặc CSV UTF-8."
        ).format(name=name))
    if head.startswith(_XLSX_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
        with _xlsx_rows(path) as rows:
            texts, index, headers = _find_header(name, rows, columns, required)
            yield Table(name, texts, index, headers, rows)
        return
    with _csv_rows(path, head) as rows:
        texts, index, headers = _find_header(name, rows, columns, required)
        yield Table(name, texts, index, headers, rows)


# -- writing -------------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """A text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a ``'``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y %H:%M")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return neutralise(str(cell))


def table_format(path: Path) -> str:
    """``csv`` or ``xlsx`` from the file name; anything else is a CchcError."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise TableFileError(_("Chỉ ghi được tệp .csv hoặc .xlsx (không ghi được «{name}»).").format(name=path.name))


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it at the end, or disappears on error."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except FileNotFoundError:
        raise TableFileError(_("Không có thư mục «{folder}».").format(folder=path.parent)) from None
    except OSError as exc:
        raise TableFileError(_("Không ghi được vào thư mục «{folder}»: {detail}.").format(
            folder=path.parent, detail=exc.strerror)) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


@contextmanager
def write_table(path: Path, header: Sequence[str], *, sheet: str = "Dữ liệu") -> Iterator[Append]:
    """Write a table row by row (a function is given to call with each row) to a .csv or .xlsx file.

    CSV: UTF-8 with BOM, comma-separated, CRLF (what Excel reads without asking). XLSX: one sheet, bold
    header frozen, dates as real dates shown ``dd/mm/yyyy hh:mm``. Formula-like texts are neutralised in
    both. The file appears only when complete (written beside it, then renamed).
    """
    kind = table_format(path)
    with _replacing(path) as temporary:
        if kind == "csv":
            with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow([_csv_text(text) for text in header])
                yield lambda cells: writer.writerow([_csv_text(cell) for cell in cells])
        else:
            yield from _xlsx_writer(temporary, header, sheet)


def _xlsx_writer(target: Path, header: Sequence[str], title: str) -> Iterator[Append]:
    import openpyxl  # ~100 ms: only when a workbook is written
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for position, text in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = max(12, min(40, len(text) + 6))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(text))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    # One styled cell per column, reused: a write-only sheet writes each row out as it is appended.
    moments: dict[int, WriteOnlyCell] = {}
    days: dict[int, WriteOnlyCell] = {}

    def styled(cache: dict[int, WriteOnlyCell], position: int, number_format: str) -> WriteOnlyCell:
        cell = cache.get(position)
        if cell is None:
            cell = cache[position] = WriteOnlyCell(sheet)
            cell.number_format = number_format
        return cell

    def append(cells: Sequence[Cell]) -> None:
        row: list[object] = []
        for position, cell in enumerate(cells):
            if isinstance(cell, datetime):
                target_cell = styled(moments, position, "dd/mm/yyyy hh:mm")
                target_cell.value = cell
                row.append(target_cell)
            elif isinstance(cell, date):
                target_cell = styled(days, position, "dd/mm/yyyy")
                target_cell.value = cell
                row.append(target_cell)
            else:
                row.append(None if cell is None else _xlsx_text(str(cell)))
        sheet.append(row)

    yield append
    book.save(target)


def _xlsx_text(text: str) -> str:
    return neutralise(_ILLEGAL_XML.sub("", text))
