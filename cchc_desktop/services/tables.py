"""Tables in and out: the column contracts of DESIGN.md §4, reading a CSV file or the first sheet of an .xlsx,
and writing CSV (UTF-8 with BOM) or .xlsx as a stream, with every cell a spreadsheet would run as a formula
neutralised by a leading apostrophe (and the apostrophe taken off again when such a file is read back).

Reading is strict about what it cannot understand: a file that is not UTF-8 (nor UTF-16 with a BOM), a
damaged workbook, a missing required column each give one Vietnamese message for the whole file
(``TableFileError``). openpyxl is imported only when an .xlsx is read or written. Every import shares the
reading of cells (``cell_text``, ``parse_moment``) and the bad-row bookkeeping (``Problems``: all-or-nothing,
or the rejects file with «Lý do»).

Reading is bounded, for files that are hostile or just runaway (the limits ``MAX_*`` below; each refusal names
its limit and says to split the file): the file's size is checked before anything is read; a CSV is read line
by line with no line or record longer than ``MAX_RECORD_CHARS``; an .xlsx's zip is checked before openpyxl
opens it (its table of contents, each part's unpacked size and packing ratio, no DTD in any XML part), and its
first sheet is streamed without trusting the size it declares; rows, lines and cells are counted as they come,
and the reading stops at the first one over. A text date column that reads only as month/day (mm/dd/yyyy, from
a spreadsheet set to the United States) refuses the file rather than being read with day and month swapped.
"""

from __future__ import annotations

import codecs
import csv
import errno
import itertools
import os
import re
import tempfile
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from cchc_desktop.domain.periods import LAST_YEAR
from cchc_desktop.errors import CchcError, ValidationError, file_reason
from cchc_desktop.files import check_output
from cchc_desktop.formatting import file_size, number
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.text import clean, fold

# Limits of a file to import: past any of them the whole file is refused (a TableFileError naming the limit;
# nothing written), as soon as it is seen, so that a hostile or runaway file cannot exhaust the machine.
MAX_FILE_BYTES = 100 * 1024 * 1024  # the file as stored, CSV or .xlsx
MAX_ROWS = 500_000  # data rows after the header (a commune registers ~5,000–20,000 dossiers a year)
MAX_LINES = 1_048_576  # lines or sheet rows read, blank ones too: the height of an Excel sheet
MAX_COLUMNS = 1_000  # cells of one row (a contract has 11–16 columns, a survey one more per criterion)
MAX_CELL_CHARS = 131_072  # one cell: csv's own field limit (Excel's is 32,767); shorter ones are row problems
MAX_RECORD_CHARS = 1024 * 1024  # one CSV record: a line, or the lines of a quoted cell running over several
MAX_XLSX_UNPACKED = 300 * 1024 * 1024  # an .xlsx's parts unpacked, all together (the sheet is streamed)
MAX_XLSX_STRINGS = 50 * 1024 * 1024  # its shared strings, which openpyxl holds in memory (~5 bytes a byte)
MAX_XLSX_PART = 10 * 1024 * 1024  # any other XML part read whole (workbook, styles, relations: ~25 bytes a byte)
MAX_XLSX_RATIO = 100  # unpacked/packed size of a part over 1 MB: Excel's XML packs 5–20 ×, a zip bomb ~1,000 ×
MAX_XLSX_DIRECTORY = 2 * 1024 * 1024  # the zip's table of contents (~25,000 parts; a workbook has a few dozen)

Cell = str | datetime | date | None
"""A cell as read: text, or a date/time from a spreadsheet cell (numbers and booleans become text)."""
Append = Callable[[Sequence[Cell]], None]
"""Writes one row of a table being written."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_LIKE = re.compile(r"'*[=+\-@\t\r]")  # what ``neutralise`` puts an apostrophe before
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")  # what ``unneutralise`` takes one off
HEADER_SEARCH_ROWS = 20  # a title above the header row is tolerated
READ_STEP = 250  # rows read between two progress reports
PREVIEW_CELL_CHARS = 200  # of a cell, shown in the preview
PREVIEW_LINES = 10_000  # lines or sheet rows a preview reads at most, blank ones too
HEADER_WIDTH_SHARE = 0.8  # a header row has at least this share of the widest row's filled cells
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_SAVE_AS_UTF8 = "Lưu lại dưới dạng CSV UTF-8"
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2})[:hH](\d{2})(?::\d{2}(?:\.\d+)?)?)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Two numbers that may be a day and a month (a year after them or not), not part of a longer number nor of an
# ISO date (2024-03-15) nor a month and year (03/2024): what tells a column written month first.
_DAY_MONTH = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](?:\d{4}|\d{2}))?(?![\d/.-])")
_XML_PARTS = (".xml", ".rels", ".vml")  # the parts of an .xlsx an XML parser may read
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_DTD_TROUBLE = re.compile(r"amplification|entit|DTD|DOCTYPE", re.IGNORECASE)  # what expat says of one
_PROLOG_BYTES = 64 * 1024  # how much of each XML part is searched for a DTD (it must come before the root)
_RATIO_FROM = 1024 * 1024  # a part smaller than this unpacked may be packed as tightly as it likes


HeaderMapping = dict[str, str]  # another system's header → the column key it is read as ("": not read)


@dataclass(frozen=True)
class Column:
    """One column of a contract: its key and its Vietnamese header (both accepted in a file, as are the
    other headers in ``aliases``); ``dated`` for a column of dates (its texts are checked for month first)."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    dated: bool = False


DOSSIER_COLUMNS = (
    Column("code", "Mã hồ sơ"),
    Column("procedure_code", "Mã thủ tục"),
    Column("procedure_name", "Tên thủ tục"),
    Column("applicant_name", "Chủ hồ sơ"),
    Column("applicant_id", "Số giấy tờ tùy thân"),
    Column("phone", "Số điện thoại"),
    Column("address", "Địa chỉ"),
    Column("channel", "Hình thức nộp"),
    Column("received_at", "Ngày tiếp nhận", dated=True),
    Column("due_at", "Ngày hẹn trả", dated=True),
    Column("resolved_at", "Ngày có kết quả", dated=True),
    Column("returned_at", "Ngày trả kết quả", dated=True),
    Column("status", "Trạng thái"),
    Column("withdrawn_at", "Ngày rút", dated=True),
    Column("digitized", "Số hóa"),
    Column("apology_at", "Ngày xin lỗi", dated=True),
    # the last supplement round: its request (the clock stops) and the receipt of the supplement (issue 16)
    Column("supplement_requested_at", "Ngày yêu cầu bổ sung", dated=True),
    Column("supplement_received_at", "Ngày nhận bổ sung", dated=True),
)
# Each group needs at least one of its columns in the file.
DOSSIER_REQUIRED = (("applicant_name",), ("received_at",), ("procedure_code", "procedure_name"))

# The aliases are the headers of the national catalogue's own pages and exports (Cơ sở dữ liệu quốc gia về TTHC,
# dichvucong.gov.vn: «Mã thủ tục» / «Mã TTHC» / «Mã số», «Tên thủ tục», «Lĩnh vực», «Thời hạn giải quyết» or
# «Thời gian giải quyết», «Phí, lệ phí», «Số quyết định» / «Quyết định công bố», «Thành phần hồ sơ» one document a
# line) and of provincial lists; the export's other columns («Cấp thực hiện», «Cơ quan thực hiện», «Trình tự thực
# hiện», «Căn cứ pháp lý»…) are not kept and are ignored.
PROCEDURE_COLUMNS = (
    Column("code", "Mã thủ tục", ("Mã TTHC", "Mã số", "Mã số TTHC", "Mã thủ tục hành chính")),
    Column("name", "Tên thủ tục", ("Tên TTHC", "Tên thủ tục hành chính")),
    Column("field", "Lĩnh vực", ("Tên lĩnh vực", "Lĩnh vực thực hiện")),
    Column("time_limit", "Thời hạn giải quyết", ("Thời gian giải quyết", "Thời hạn")),
    Column("online_level", "Mức độ DVC", ("Mức độ DVC trực tuyến", "Mức độ dịch vụ công trực tuyến",
                                          "Dịch vụ công trực tuyến")),
    Column("supplement_rule", "Khi bổ sung"),
    Column("fee", "Phí, lệ phí", ("Lệ phí", "Phí/lệ phí", "Phí, lệ phí (nếu có)")),
    # the fee as a number (issue 21): «8.000», «Không thu»; and whether it can be paid online (Có / Không)
    Column("fee_amount", "Mức phí, lệ phí (đồng)", ("Mức phí, lệ phí", "Mức thu", "Số tiền phí, lệ phí")),
    Column("online_payment", "Thanh toán trực tuyến", ("Có thanh toán trực tuyến", "Tích hợp thanh toán trực tuyến")),
    Column("published_by", "Quyết định công bố", ("Số quyết định", "Số quyết định công bố", "Văn bản công bố")),
    Column("documents", "Thành phần hồ sơ", ("Thành phần, số lượng hồ sơ", "Thành phần hồ sơ, số lượng hồ sơ",
                                             "Hồ sơ gồm")),
)
PROCEDURE_REQUIRED = (("code",), ("name",), ("field",))

TASK_COLUMNS = (
    Column("code", "Số TT", ("STT", "TT", "Số thứ tự")),
    Column("title", "Nội dung nhiệm vụ", ("Nhiệm vụ", "Nội dung", "Tên nhiệm vụ")),
    Column("area", "Lĩnh vực CCHC", ("Lĩnh vực",)),
    Column("source", "Nguồn"),
    Column("lead", "Chủ trì", ("Đơn vị chủ trì", "Cơ quan chủ trì")),
    Column("cooperating", "Phối hợp", ("Đơn vị phối hợp", "Cơ quan phối hợp")),
    Column("deadline", "Thời hạn", ("Thời gian hoàn thành", "Thời hạn hoàn thành"), dated=True),
    Column("status", "Tình trạng", ("Trạng thái",)),
    Column("completed_at", "Ngày hoàn thành", dated=True),
    Column("evidence", "Văn bản/kết quả", ("Kết quả", "Sản phẩm", "Kết quả/sản phẩm", "Văn bản, kết quả")),
    Column("progress_note", "Ghi chú", ("Tiến độ", "Tiến độ thực hiện")),
)
TASK_REQUIRED = (("title",), ("area",))

# The fixed columns of a survey file; one more column per survey criterion (by its code or wording).
SURVEY_COLUMNS = (
    Column("taken_at", "Ngày khảo sát", ("Ngày",), dated=True),
    Column("dossier_code", "Mã hồ sơ"),
    Column("method", "Hình thức", ("Hình thức khảo sát",)),
    Column("overall", "Mức độ hài lòng chung", ("Hài lòng chung", "Đánh giá chung")),
    Column("comment", "Ý kiến khác", ("Ý kiến", "Góp ý", "Ý kiến góp ý")),
)
SURVEY_REQUIRED = (("taken_at",), ("overall",))

INSPECTION_COLUMNS = (
    Column("inspected_at", "Ngày kiểm tra", dated=True),
    Column("subject", "Đối tượng được kiểm tra", ("Đối tượng", "Đơn vị được kiểm tra")),
    Column("subject_kind", "Loại đối tượng"),
    Column("kind", "Hình thức", ("Hình thức kiểm tra",)),
    Column("basis", "Căn cứ", ("Căn cứ kiểm tra",)),
    Column("place", "Địa điểm"),
    Column("inspectors", "Đoàn kiểm tra", ("Thành phần đoàn kiểm tra", "Người kiểm tra")),
    Column("conclusion", "Kết luận"),
    Column("finding", "Vấn đề phát hiện", ("Tồn tại, hạn chế", "Vi phạm")),
    Column("remedy_deadline", "Thời hạn khắc phục", dated=True),
    Column("responsible", "Trách nhiệm khắc phục", ("Người chịu trách nhiệm khắc phục",)),
    Column("resolved_at", "Ngày khắc phục", dated=True),
    Column("measure", "Hình thức xử lý", ("Biện pháp xử lý",)),
    Column("official_name", "Công chức vi phạm", ("Người vi phạm",)),
    Column("official_is_leader", "Là lãnh đạo"),
)
INSPECTION_REQUIRED = (("inspected_at",), ("subject",), ("kind",))

REASON_HEADER = "Lý do"  # the extra column of a rejects file
# A date of a file after this year (the last a period may name) is a typing error (31/12/9999): the schema
# stores years up to 2999 only, the working calendar counts to 2200, the plans go to 2100.
LATEST_YEAR = LAST_YEAR


class TableFileError(CchcError):
    """The file cannot be read as a table of the expected columns (one message for the whole file)."""


# -- reading -------------------------------------------------------------------------------------------


def unneutralise(text: str) -> str:
    """Take off the apostrophe that ``neutralise`` put before a formula-like text (or Excel's text marker)."""
    return text[1:] if text[:1] == "'" and _NEUTRALISED.match(text) else text


def _blank(cells: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def header_key(text: str) -> str:
    """A header as the contracts and mappings match it: folded (case, diacritics), a trailing «*» or «:» dropped."""
    return fold(text).rstrip(" *:")


@dataclass
class Table:
    """A table being read: the header found, where each known column is, and the rows after it."""

    name: str
    header_cells: list[str]
    index: dict[str, int]
    headers: dict[str, str]
    _rows: Iterator[tuple[int, list[Cell]]] = field(repr=False)
    dated: frozenset[str] = frozenset()  # the keys of the columns of dates
    progress: Progress = field(default=no_progress, repr=False)  # told of every ``READ_STEP`` rows read
    mapping: HeaderMapping | None = None  # the other system's headers it was read with (the rejects file reads again)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(line number in the file, cells) of every non-empty row after the header.

        A row past ``MAX_ROWS`` refuses the file as soon as it is read. After the last row, a date column whose
        texts read only as month/day refuses it too (``_DateWatch``): every import reads all its rows before it
        writes anything, so such a file writes nothing, whatever its rows' own problems."""
        watch = _DateWatch({key: position for key, position in self.index.items() if key in self.dated})
        count = 0
        for line, cells in self._rows:
            if _blank(cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise TableFileError(_(
                    "Tệp «{name}» có hơn {limit} dòng dữ liệu (dừng đọc ở dòng {line}): mỗi lần nhập đọc tối đa "
                    "{limit} dòng. Hãy chia tệp thành nhiều tệp, mỗi tệp không quá {limit} dòng, rồi nhập lần "
                    "lượt. Chưa ghi dữ liệu nào."
                ).format(name=self.name, limit=number(MAX_ROWS), line=number(line)))
            if watch.columns:
                watch.see(line, cells)
            if count % READ_STEP == 0:
                self._read_so_far(count)  # (may raise Cancelled: nothing is written while reading)
            yield line, cells
        self._read_so_far(count)
        watch.check(self.name, self.headers)

    def _read_so_far(self, count: int) -> None:
        self.progress(_("Đang đọc tệp: {n} dòng").format(n=number(count)), count, 0)

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


class _DateWatch:
    """The text dates of a file's date columns, followed row by row (a spreadsheet's own dates are not texts:
    they cannot be read the wrong way round). A first number from 13 to 31 shows a column written day first: it
    is watched no more. Else the first text whose second number is from 13 to 31 (06/13/2024) is kept as the
    ``evidence`` of a column written month first, and the first whose two numbers differ and are both 12 or
    less (06/03/2024) as one that would be read ``swapped``. A column with both is refused (``check``); one
    with only the first kind misreads nothing (each such row is a row problem, an impossible date, as a typing
    error in a one-row file is)."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.columns = columns  # key → position of the columns still watched
        self.evidence: dict[str, tuple[int, str, int]] = {}
        self.swapped: dict[str, tuple[int, str]] = {}
        self._pick()

    def _pick(self) -> None:
        """The getter of the watched cells of a row (in C: most rows have none to look at)."""
        positions = list(self.columns.values())
        self._width = max(positions, default=-1) + 1
        if positions:  # (none: ``see`` is not called)
            self._cells = itemgetter(*positions, positions[0])  # a tuple even for one column (twice)

    def see(self, line: int, cells: Sequence[Cell]) -> None:
        values = (self._cells(cells) if len(cells) >= self._width
                  else tuple(cells[position] if position < len(cells) else None for position in self.columns.values()))
        if not any(values):
            return
        for key, cell in zip(list(self.columns), values, strict=False):
            if not isinstance(cell, str) or len(cell) < 3 or not (match := _DAY_MONTH.search(cell)):
                continue
            first, second = int(match[1]), int(match[2])
            if 13 <= first <= 31:
                del self.columns[key]
                self._pick()
            elif 1 <= first <= 12:
                if 13 <= second <= 31:
                    self.evidence.setdefault(key, (line, cell, second))
                elif 1 <= second <= 12 and second != first:
                    self.swapped.setdefault(key, (line, cell))

    def check(self, name: str, headers: dict[str, str]) -> None:
        """Refuse the file when a column, once every row is seen, reads only as month/day."""
        for key in self.columns:
            if key in self.evidence and key in self.swapped:
                raise _month_first(name, headers[key], self.evidence[key], self.swapped[key])


def _month_first(
    name: str, column: str, evidence: tuple[int, str, int], swapped: tuple[int, str],
) -> TableFileError:
    """A column of dates consistent only as month/day: refused as a whole, never read with day and month swapped
    (as row problems, only the rows with a day above 12 would be named, and the others, with ``skip_invalid``,
    would be stored on the wrong day)."""
    (line, text, second), (other_line, other) = evidence, swapped
    return TableFileError(_(
        "Tệp «{name}», cột «{column}»: ngày được ghi theo kiểu tháng trước, ngày sau (mm/dd/yyyy, như máy đặt "
        "vùng Hoa Kỳ): dòng {line} ghi «{value}», số thứ hai ({number}) không thể là tháng, và không ngày nào "
        "trong cột có số đầu lớn hơn 12, nên «{other}» (dòng {other_line}) sẽ bị đọc nhầm ngày thành tháng. "
        "Chương trình không tự đổi chỗ ngày và tháng. Hãy ghi lại cột này theo dd/mm/yyyy (trong Excel: chọn cột "
        "→ Định dạng ô → Ngày, vùng Tiếng Việt) rồi nhập lại. Chưa ghi dữ liệu nào."
    ).format(name=name, column=column, line=number(line), value=shown(text), number=second, other=shown(other),
             other_line=number(other_line)))


# -- the limits' messages ----------------------------------------------------------------------------------


def _size(size: int) -> str:
    """``105 MB``, ``11,9 MB``: a size as ``file_size`` says it, without a decimal that is zero."""
    return file_size(size).replace(",0 ", " ")


def _unreadable(name: str, line: int, detail: str) -> TableFileError:
    return TableFileError(_("Tệp «{name}» không đọc được ở dòng {line}: {detail}. Chưa ghi dữ liệu nào.").format(
        name=name, line=number(line), detail=detail))


def _cell_too_long(name: str, line: int) -> TableFileError:
    return _unreadable(name, line, _("có một ô dài quá {n} ký tự").format(n=number(MAX_CELL_CHARS)))


def _too_wide(name: str, line: int, width: int) -> TableFileError:
    return _unreadable(name, line, _(
        "dòng có {n} cột, quá giới hạn {limit} cột; hãy xóa các cột thừa bên phải bảng (kể cả cột trống đã định "
        "dạng)").format(n=number(width), limit=number(MAX_COLUMNS)))


def _too_many_lines(name: str) -> TableFileError:
    return TableFileError(_(
        "Tệp «{name}» có hơn {limit} dòng (kể cả dòng trống), nhiều hơn một trang tính Excel chứa được. Hãy xóa "
        "các dòng trống thừa hoặc chia tệp thành nhiều tệp nhỏ hơn rồi nhập lần lượt. Chưa ghi dữ liệu nào."
    ).format(name=name, limit=number(MAX_LINES)))


def _packed(name: str, problem: str) -> TableFileError:
    """An .xlsx whose parts would unpack beyond a limit: refused before openpyxl reads any of them."""
    return TableFileError(_(
        "Tệp «{name}»: {problem}. Tệp như vậy có thể là tệp nén bất thường («zip bomb») nên không được đọc. Nếu "
        "đây là bảng tính thật, hãy chia thành nhiều tệp nhỏ hơn hoặc lưu dưới dạng CSV UTF-8 rồi nhập lại. Chưa "
        "ghi dữ liệu nào."
    ).format(name=name, problem=problem))


def _dtd(name: str, part: str | None) -> TableFileError:
    """An .xlsx with a DTD (entities that may expand a billion times, or read other files): never read."""
    where = "" if part is None else _(" (phần «{part}»)").format(part=part)  # None: the parser's own refusal
    return TableFileError(_(
        "Tệp «{name}» chứa khai báo DTD/thực thể XML{where}, không đọc được vì lý do an toàn: Excel không bao giờ "
        "ghi tệp như vậy. Hãy mở tệp bằng Excel rồi lưu lại dưới dạng .xlsx hoặc CSV UTF-8 và nhập lại. Chưa ghi "
        "dữ liệu nào."
    ).format(name=name, where=where))


def _damaged(path: Path, exc: BaseException) -> TableFileError:
    if isinstance(exc, SyntaxError) and _DTD_TROUBLE.search(str(exc)):
        return _dtd(path.name, None)
    return TableFileError(_(
        "Tệp «{name}» không phải tệp Excel .xlsx hợp lệ hoặc bị hỏng ({detail}). Hãy mở bằng Excel rồi lưu "
        "lại dưới dạng .xlsx hoặc CSV UTF-8. Chưa ghi dữ liệu nào."
    ).format(name=path.name, detail=type(exc).__name__))


# -- CSV -----------------------------------------------------------------------------------------------


def _encoding(head: bytes) -> str:
    """UTF-16 when the file starts with its BOM; otherwise UTF-8, with or without BOM."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def _not_utf8(path: Path, encoding: str) -> TableFileError:
    """The message for a file that does not decode, naming the first bad byte and its line (the file is read
    again a megabyte at a time)."""
    with path.open("rb") as handle:
        if _utf16_without_bom(handle.read(1024)):  # it fails on its first non-ASCII letter, before a NUL is seen
            return _nul(path)
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        newlines, byte, line = 0, 0, 0
        for chunk in itertools.chain(iter(lambda: handle.read(1024 * 1024), b""), [b""]):
            held = decoder.getstate()[0]  # the end of the previous chunk, given again with this one
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                seen = exc.object[:exc.start]
                byte, line = exc.object[exc.start], newlines - held.count(b"\n") + seen.count(b"\n") + 1
                break
            newlines += chunk.count(b"\n")
        else:
            line = newlines + 1
    return TableFileError(_(
        "Tệp «{name}» không phải văn bản UTF-8: byte 0x{byte:02X} ở dòng {line} không đọc được (có thể tệp "
        "được lưu bằng bảng mã Windows-1258, TCVN3 hoặc VNI). Hãy mở tệp bằng Excel rồi chọn "
        "«{save_as}» (Tệp → Lưu thành → CSV UTF-8) và nhập lại. Chưa ghi dữ liệu nào."
    ).format(name=path.name, byte=byte, line=number(line), save_as=_SAVE_AS_UTF8))


def _utf16_without_bom(head: bytes) -> bool:
    """A NUL in every other byte, or nearly: the letters of the Latin alphabet in UTF-16."""
    return max(head[0::2].count(0), head[1::2].count(0)) * 3 > len(head) // 2


def _nul(path: Path) -> TableFileError:
    return TableFileError(_(
        "Tệp «{name}» chứa ký tự NUL: đây không phải tệp CSV văn bản (có thể là UTF-16 không có BOM "
        "hoặc tệp nhị phân). Hãy {save_as} hoặc Excel (.xlsx). Chưa ghi dữ liệu nào."
    ).format(name=path.name, save_as=_SAVE_AS_UTF8.lower()))


class _Lines:
    """The lines of a CSV file for ``csv.reader``, never one longer than ``MAX_RECORD_CHARS`` in memory: no line
    and no record (its lines, when a quoted cell runs over several) may hold more, nor the file more than
    ``MAX_LINES`` lines. A NUL character refuses the file (UTF-16 without BOM, or not a text file)."""

    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._readline = handle.readline
        self.line = 0  # lines given so far
        self.start = 1  # the line the record being read starts on
        self.record = 0  # the characters of that record so far (the reader of records sets it back to 0)
        self._again: list[str] = []  # the sample, to be given again (last line first)

    def _read(self) -> str:
        text = self._readline(MAX_RECORD_CHARS + 1)
        if "\x00" in text:
            raise _nul(self.path)
        return text

    def sample(self, count: int) -> list[str]:
        """The first ``count`` lines, or fewer when they hold more than ``MAX_RECORD_CHARS`` characters (to choose
        the delimiter); they are given again, in order, before the next ones."""
        lines: list[str] = []
        size = 0
        while len(lines) < count and size <= MAX_RECORD_CHARS and (text := self._read()):
            lines.append(text)
            size += len(text)
        self._again = lines[::-1]
        return lines

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            text = self._again.pop()
        else:  # (``_read``, written out: this runs for every line)
            text = self._readline(MAX_RECORD_CHARS + 1)
            if "\x00" in text:
                raise _nul(self.path)
        if not text:
            raise StopIteration
        self.line += 1
        if self.line > MAX_LINES:
            raise _too_many_lines(self.path.name)
        if not self.record:
            self.start = self.line
        self.record += len(text)
        if self.record > MAX_RECORD_CHARS:
            raise _unreadable(self.path.name, self.start, _(
                "một dòng dài quá {n} ký tự (có thể một ô thiếu dấu ngoặc kép đóng); hãy sửa dòng này hoặc chia "
                "nội dung dài ra nhiều dòng").format(n=number(MAX_RECORD_CHARS)))
        return text


def _sniff_delimiter(lines: Sequence[str]) -> str:
    """Comma, semicolon or tab: the one that cuts the most of the first lines into the same number (2 or more)
    of fields, the larger number on a tie (a cell full of «;» in a comma-separated file does not decide)."""
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            widths = Counter(len(fields) for fields in csv.reader(lines, delimiter=delimiter) if len(fields) > 1)
        except csv.Error:  # a field cut at the end of the sample, or too large: the reading will say
            continue
        score = max(((count, width) for width, count in widths.items()), default=(0, 0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


@contextmanager
def _csv_rows(path: Path, start: bytes) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    """The records of a CSV file, read as a stream, each with the line it starts on."""
    encoding = _encoding(start)
    csv.field_size_limit(MAX_CELL_CHARS)  # the process's setting (its default): ours, whoever changed it
    with path.open(encoding=encoding, newline="") as handle:
        lines = _Lines(path, handle)
        try:  # the first lines choose the delimiter (a title may come before the header)
            first = lines.sample(HEADER_SEARCH_ROWS)
        except UnicodeDecodeError:
            raise _not_utf8(path, encoding) from None
        # strict: a quote opened and never closed is an error at the end of the file, not the rest of the file read
        # as one cell (which then named an empty column of that row instead: «lĩnh vực không được để trống»)
        reader = csv.reader(lines, delimiter=_sniff_delimiter(first), strict=True)

        def rows() -> Generator[tuple[int, list[Cell]], None, None]:
            try:
                for record in reader:
                    line, lines.record = lines.start, 0
                    if len(record) > MAX_COLUMNS:
                        raise _too_wide(path.name, line, len(record))
                    yield line, [cell[1:] if cell[:1] == "'" and _NEUTRALISED.match(cell) else cell for cell in record]
            except UnicodeDecodeError:
                raise _not_utf8(path, encoding) from None
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise _cell_too_long(path.name, reader.line_num) from None
                if "unexpected end of data" in str(exc):
                    raise _unreadable(path.name, lines.start, _(
                        "một ô mở dấu ngoặc kép («\"») mà không đóng, nên từ dòng này đến hết tệp thành một ô: hãy "
                        "sửa ô có dấu ngoặc kép ở dòng {line}").format(line=lines.start)) from None
                if "expected after" in str(exc):
                    raise _unreadable(path.name, reader.line_num, _(
                        "dấu ngoặc kép («\"») đặt sai: một ô trong ngoặc kép phải kết thúc bằng dấu ngoặc kép ngay "
                        "trước dấu phân cách (một dấu ngoặc kép trong ô viết thành hai: \"\")")) from None
                raise _unreadable(path.name, reader.line_num, _("sai định dạng CSV ({detail})").format(
                    detail=exc)) from None

        yield rows()


# -- .xlsx -------------------------------------------------------------------------------------------------


class _CellTooLong(Exception):
    """A text cell of a workbook longer than ``MAX_CELL_CHARS`` (said with its line by the reader of rows)."""


def _xlsx_cell(value: Any) -> Cell:
    if value is None or isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            raise _CellTooLong
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


def _part_limit(name: str) -> int | None:
    """The most a part may unpack to when openpyxl reads it whole: the shared strings (kept in memory) and any
    other XML part (workbook, styles, relations: parsed into a tree); None for the sheets, which are streamed,
    and for what is not XML (pictures: not read), which count only in the total. The parts are told apart by
    their names, as Excel, LibreOffice and openpyxl write them: a workbook whose relations make openpyxl read a
    part under ``worksheets/`` whole is bounded by the total and the packing ratio only."""
    lower = name.lower()
    if not lower.endswith(_XML_PARTS) or (lower.endswith(".xml") and "worksheets/" in lower):
        return None
    return MAX_XLSX_STRINGS if lower.rpartition("/")[2].startswith("sharedstrings") else MAX_XLSX_PART


def _check_workbook(path: Path) -> None:
    """Refuse, before openpyxl opens it, an .xlsx whose reading would exhaust the machine: a table of contents
    past ``MAX_XLSX_DIRECTORY``, a part unpacking past its limit (``_part_limit``), all parts past
    ``MAX_XLSX_UNPACKED``, a part over 1 MB packed more tightly than ``MAX_XLSX_RATIO``, or a DTD. The sizes are
    those the zip declares: zipfile never unpacks more than a part declares (it stops there, then says the
    part is damaged), so they bound what is read."""
    name = path.name
    try:
        directory = _directory_size(path)
        if directory > MAX_XLSX_DIRECTORY:
            raise _packed(name, _("mục lục của tệp .xlsx lớn {size}, quá giới hạn {limit} (quá nhiều phần bên "
                                  "trong)").format(size=_size(directory), limit=_size(MAX_XLSX_DIRECTORY)))
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            for part in parts:
                limit = _part_limit(part.filename)
                if limit is not None and part.file_size > limit:
                    raise _packed(name, _("phần «{part}» bên trong tệp .xlsx khi giải nén lớn {size}, quá giới hạn "
                                          "{limit}").format(part=part.filename, size=_size(part.file_size),
                                                            limit=_size(limit)))
            total = sum(part.file_size for part in parts)
            if total > MAX_XLSX_UNPACKED:
                raise _packed(name, _("các phần bên trong tệp .xlsx khi giải nén tổng cộng {size}, quá giới hạn "
                                      "{limit}").format(size=_size(total), limit=_size(MAX_XLSX_UNPACKED)))
            for part in parts:
                if part.file_size > _RATIO_FROM and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
                    raise _packed(name, _(
                        "phần «{part}» bên trong tệp .xlsx bị nén {ratio} lần (giải nén thành {size}), quá giới hạn "
                        "{limit} lần của bảng tính thật"
                    ).format(part=part.filename, ratio=number(part.file_size // max(part.compress_size, 1)),
                             size=_size(part.file_size), limit=number(MAX_XLSX_RATIO)))
            for part in parts:
                if part.filename.lower().endswith(_XML_PARTS):
                    with archive.open(part) as stream:
                        head = stream.read(_PROLOG_BYTES)
                    if _DTD.search(head.replace(b"\x00", b"")):  # (without the NULs of UTF-16)
                        raise _dtd(name, part.filename)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError, RuntimeError, NotImplementedError) as exc:
        raise _damaged(path, exc) from None  # (RuntimeError: encrypted; NotImplementedError: unknown packing)


def _directory_size(path: Path) -> int:
    """The size of the zip's table of contents, read as ZipFile reads it (with zipfile's own reader of the end
    records, private but the one ZipFile calls before it reads the table whole); 0 if Python drops it."""
    read_end, size_at = getattr(zipfile, "_EndRecData", None), getattr(zipfile, "_ECD_SIZE", None)
    if read_end is None or size_at is None:
        return 0
    with path.open("rb") as handle:
        end = read_end(handle)
    return int(end[size_at]) if end else 0


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    _check_workbook(path)
    import openpyxl  # ~100 ms: only when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles or extensions openpyxl does not know: not our concern
            book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)  # (links: unread)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError, SyntaxError,
            zlib.error) as exc:
        raise _damaged(path, exc) from None
    try:
        if not book.worksheets:
            raise TableFileError(_("Tệp «{name}» không có trang tính nào.").format(name=path.name))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # not trusted: A1:XFD1048576 pads every row to 16,384 cells, A1:C2 drops row 3 on

        def rows() -> Generator[tuple[int, list[Cell]], None, None]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                        if line > MAX_LINES:
                            raise _too_many_lines(path.name)
                        if len(values) > MAX_COLUMNS:
                            raise _too_wide(path.name, line, len(values))
                        try:
                            cells = [_xlsx_cell(value) for value in values]
                        except _CellTooLong:
                            raise _cell_too_long(path.name, line) from None
                        yield line, cells
                except (SyntaxError, zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
                    raise _damaged(path, exc) from None  # a sheet cut short, or unpacking past what it declared

        reading = rows()
        try:
            yield reading
        finally:
            reading.close()  # the sheet's stream, now, even when the reading stopped half-way (a limit passed)
    finally:
        book.close()


def header_keys(columns: Sequence[Column], mapping: HeaderMapping | None = None) -> dict[str, str]:
    """Folded header → column key: the contract's headers, aliases and keys, then ``mapping``'s headers (which win:
    a source's own «Ngày nhận» may be our «Ngày tiếp nhận»; mapped to "" a header is not read at all)."""
    known = {}
    for column in columns:
        for text in (column.header, *column.aliases):
            known[header_key(text)] = column.key
        known[column.key] = column.key
    for header, key in (mapping or {}).items():
        known[header_key(header)] = key
    return known


def _find_header(
    name: str, rows: Iterator[tuple[int, list[Cell]]], columns: Sequence[Column],
    required: Sequence[Sequence[str]], mapping: HeaderMapping | None = None,
) -> tuple[list[str], dict[str, int], dict[str, str]]:
    """The header row (the first row naming a known column, among the first rows) and the columns' places."""
    known = header_keys(columns, mapping)
    seen = 0
    for _line, cells in rows:
        if _blank(cells):
            continue
        seen += 1
        texts = ["" if cell is None else str(cell).strip() for cell in cells]
        index: dict[str, int] = {}
        headers: dict[str, str] = {}
        duplicates: list[tuple[str, str, str]] = []  # (first header, second header, key)
        for position, text in enumerate(texts):
            key = known.get(header_key(text))
            if not key:
                continue
            if key in index:
                duplicates.append((headers[key], text, key))
                continue
            index[key], headers[key] = position, text
        if index:
            by_key = {column.key: column.header for column in columns}
            if duplicates:
                first, second, key = duplicates[0]
                if header_key(first) == header_key(second):
                    raise TableFileError(_("Tệp «{name}»: cột «{column}» có hai lần ở dòng tiêu đề.").format(
                        name=name, column=second))
                raise TableFileError(_(
                    "Tệp «{name}»: hai cột «{first}» và «{second}» cùng được đọc là «{column}». Hãy chỉ để một cột "
                    "được đọc là «{column}» (cột kia: «không đọc cột này»)."
                ).format(name=name, first=first, second=second, column=by_key.get(key, key)))
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
def open_table(
    path: Path, columns: Sequence[Column], required: Sequence[Sequence[str]] = (), *,
    mapping: HeaderMapping | None = None, progress: Progress = no_progress,
) -> Iterator[Table]:
    """Open a CSV file or the first sheet of an .xlsx, find its header row, and give its rows.

    Header cells are matched to ``columns`` by key or Vietnamese header, ignoring case and diacritics, and by
    ``mapping`` (another system's headers, ``header_keys``); unknown columns are ignored. ``progress`` hears of
    the rows read. Raises TableFileError for a file that cannot be read as such a table, or past one of the limits
    ``MAX_*`` (the file's size first, before anything is read).
    """
    with _raw_rows(path) as rows:
        texts, index, headers = _find_header(path.name, rows, columns, required, mapping)
        dated = frozenset(column.key for column in columns if column.dated)
        yield Table(path.name, texts, index, headers, rows, dated, progress, mapping)


@dataclass(frozen=True)
class Preview:
    """The top of a file to import, as the window shows it before the import: the header row as written, the
    column key each of its cells is read as ("" when none), the first rows after it as text, and every row of the
    top (``top``: where a saved mapping's header row is looked for)."""

    header: list[str]
    keys: list[str]
    rows: list[list[str]]
    found: bool  # a header row naming a known column was found (else the widest row is shown as the header)
    top: list[list[str]] = field(default_factory=list)


def preview_table(path: Path, columns: Sequence[Column], mapping: HeaderMapping | None = None, *,
                  count: int = 8) -> Preview:
    """The header and first ``count`` rows of ``path`` read as ``open_table`` would read it with ``mapping``. A file
    whose headers are all another system's still previews, for them to be mapped: its header is taken to be the
    first row nearly as wide as the widest (a title above it has one cell; a header may leave a cell blank). Each
    cell is cut to ``PREVIEW_CELL_CHARS`` before it is read (a small workbook whose thousands of cells all point to
    one long text must not become gigabytes), and blank rows are skipped as the import skips them, among the first
    ``PREVIEW_LINES`` lines. Raises TableFileError for a file that cannot be read at all."""
    known = header_keys(columns, mapping)
    with _raw_rows(path) as rows:
        filled = (cells for _line, cells in itertools.islice(rows, PREVIEW_LINES) if not _blank(cells))
        top = list(itertools.islice(filled, HEADER_SEARCH_ROWS + count))
    texts = [[cell_text(_cut(cell)) for cell in cells] for cells in top]
    head = texts[:HEADER_SEARCH_ROWS]
    start = next((place for place, cells in enumerate(head) if any(known.get(header_key(text)) for text in cells)),
                 None)
    found = start is not None
    if start is None:
        widths = [sum(1 for text in cells if text) for cells in head]
        widest = max(widths, default=0)
        start = next((place for place, width in enumerate(widths) if width >= HEADER_WIDTH_SHARE * widest), 0)
    header = texts[start] if texts else []
    while header and not header[-1]:
        header = header[:-1]
    keys = [known.get(header_key(text), "") if text else "" for text in header]
    body = [cells[:len(header)] + [""] * (len(header) - len(cells)) for cells in texts[start + 1:][:count]]
    return Preview(header, keys, body, found, head)


def _cut(cell: Cell) -> Cell:
    return cell[:PREVIEW_CELL_CHARS] + "…" if isinstance(cell, str) and len(cell) > PREVIEW_CELL_CHARS else cell


@contextmanager
def _raw_rows(path: Path) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    """(line, cells) of every row of a CSV file or of an .xlsx's first sheet, after the checks of the whole file."""
    name = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            size = os.fstat(handle.fileno()).st_size
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
    if size > MAX_FILE_BYTES:
        raise TableFileError(_(
            "Tệp «{name}» nặng {size}, quá giới hạn {limit} của một tệp nhập. Hãy chia tệp thành nhiều tệp nhỏ "
            "hơn (ví dụ mỗi tệp một quý hoặc một năm) rồi nhập lần lượt. Chưa ghi dữ liệu nào."
        ).format(name=name, size=_size(size), limit=_size(MAX_FILE_BYTES)))
    workbook = head.startswith(_XLSX_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm")
    with (_xlsx_rows(path) if workbook else _csv_rows(path, head)) as rows:
        yield rows


# -- writing -------------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """A text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a ``'``; so
    does one whose apostrophes come before such a sign (``'=1``), which ``unneutralise`` would otherwise take
    for ours: every text comes back from a file as it went in."""
    return "'" + text if _FORMULA_LIKE.match(text) else text


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


def _cannot_write(path: Path, exc: OSError) -> TableFileError:
    return TableFileError(_(
        "Không ghi được tệp «{path}»: {reason}. Tệp chưa được tạo (tệp cùng tên có từ trước, nếu có, vẫn giữ "
        "nguyên). Hãy giải phóng dung lượng ổ đĩa hoặc chọn nơi lưu khác rồi thử lại."
    ).format(path=path, reason=file_reason(exc)))


@contextmanager
def _write_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it at the end, or disappears on error; ``path`` is first
    checked not to be the database, a file beside it, a backup or another database (``files.check_output``)."""
    check_output(path)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except FileNotFoundError:
        raise TableFileError(_("Không có thư mục «{folder}».").format(folder=path.parent)) from None
    except OSError as exc:
        raise TableFileError(_("Không ghi được vào thư mục «{folder}»: {detail}.").format(
            folder=path.parent, detail=file_reason(exc))) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with _write_errors(path):
            os.replace(temporary, path)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


@contextmanager
def write_table(path: Path, header: Sequence[str], *, sheet: str = "Dữ liệu") -> Iterator[Append]:
    """Write a table row by row (a function is given to call with each row) to a .csv or .xlsx file.

    CSV: UTF-8 with BOM, comma-separated, CRLF (what Excel reads without asking). XLSX: one sheet, bold
    header frozen, dates as real dates shown ``dd/mm/yyyy hh:mm``. Formula-like texts are neutralised in
    both. The file appears only when complete (written beside it, then renamed); one that cannot be written
    (the disk is full, no permission) is a TableFileError naming it, and leaves nothing behind.
    """
    kind = table_format(path)
    with _replacing(path) as temporary:
        rows = _csv_writer(temporary, header) if kind == "csv" else _xlsx_writer(temporary, header, sheet)
        with _write_errors(path):
            write = next(rows)

        def append(cells: Sequence[Cell]) -> None:
            try:
                write(cells)
            except OSError as exc:
                raise _cannot_write(path, exc) from exc

        try:
            yield append
            with _write_errors(path):
                next(rows, None)  # the end: the file flushed and closed, the workbook saved
        finally:
            with suppress(OSError):
                rows.close()  # after an error: the file closed, the workbook's temporary file deleted


def _csv_writer(target: Path, header: Sequence[str]) -> Generator[Append, None, None]:
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([_csv_text(text) for text in header])
        yield lambda cells: writer.writerow([_csv_text(cell) for cell in cells])


def _stream_error(exc: Exception) -> OSError:
    """lxml's failed write (``IO_EFBIG``, ``IO_ENOSPC``...) as the OSError it reports."""
    code = getattr(errno, str(exc).removeprefix("IO_"), None)
    return OSError(code, os.strerror(code)) if isinstance(code, int) else OSError(str(exc))


@contextmanager
def _stream_errors(kinds: tuple[type[Exception], ...]) -> Iterator[None]:
    try:
        yield
    except kinds as exc:
        raise _stream_error(exc) from exc


def _discard(sheet: Any) -> None:
    """After a failed write: close the sheet's half-written stream and delete its temporary file now (openpyxl
    would keep the file until the program ends, and print the stream's error when it is collected)."""
    writer = getattr(sheet, "_writer", None)  # openpyxl's streaming writer of a write-only sheet
    for stream in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
        if stream is not None:
            with suppress(Exception):
                stream.close()
    if writer is not None:
        with suppress(Exception):
            writer.cleanup()


def _xlsx_writer(target: Path, header: Sequence[str], title: str) -> Generator[Append, None, None]:
    import openpyxl  # ~100 ms: only when a workbook is written
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    try:  # what openpyxl's streaming writer raises when a write fails (without lxml: OSError itself)
        from lxml.etree import SerialisationError
        stream_errors: tuple[type[Exception], ...] = (SerialisationError,)
    except ImportError:
        stream_errors = ()

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
        try:
            sheet.append(row)
        except stream_errors as exc:
            raise _stream_error(exc) from exc

    try:
        with _stream_errors(stream_errors):
            sheet.append(heading)
        yield append
        with _stream_errors(stream_errors):
            book.save(target)
    except BaseException:
        _discard(sheet)
        raise


def _xlsx_text(text: str) -> str:
    return neutralise(_ILLEGAL_XML.sub("", text))


# -- reading cells and reporting bad rows (shared by every import) ---------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One reason a row cannot be imported."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Dòng {line}, cột «{column}»: {message}.").format(
                line=self.line, column=self.column, message=self.message)
        return _("Dòng {line}: {message}.").format(line=self.line, message=self.message)


def write_problems(path: Path, problems: Sequence[RowProblem]) -> None:
    """The list of bad rows as a table (line, column, reason) at ``path`` (.csv or .xlsx), written whole or not at
    all: what the window's import saves from its list of errors."""
    with write_table(path, [_("Dòng"), _("Cột"), REASON_HEADER], sheet=_("Dòng lỗi")) as append:
        for problem in problems:
            append([str(problem.line), problem.column or "", problem.message])


_QUOTED = re.compile(r"«[^»]*»")
LINES_NAMED = 5  # the lines a summary names for each cause


def summarise(problems: Sequence[RowProblem]) -> list[str]:
    """The problems by cause, in the order of their first line: a cause met once as its own line; one met on many
    lines once, with how many and the first lines («không tìm thấy thủ tục «…»» on 100,000 rows is one line
    here, not 100,000). Two problems share a cause when they differ only in the values they quote."""
    groups: dict[tuple[str | None, str], list[RowProblem]] = {}
    for problem in problems:
        groups.setdefault((problem.column, _QUOTED.sub("«…»", problem.message)), []).append(problem)
    lines = []
    for (column, cause), found in groups.items():
        if len(found) == 1:
            lines.append(str(found[0]))
            continue
        named = ", ".join(str(problem.line) for problem in found[:LINES_NAMED]) + (", …" if len(found) > LINES_NAMED
                                                                                   else "")
        where = _("cột «{column}»: ").format(column=column) if column else ""
        lines.append(_("{n} dòng, {where}{cause} (dòng {lines}).").format(
            n=f"{len(found):,}".replace(",", "."), where=where, cause=cause, lines=named))
    return lines


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote; ``problems`` are the rows left out (with ``skip_invalid``)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: tuple[RowProblem, ...] = ()
    rejects: Path | None = None
    fields_created: int = 0


class ImportRejected(ValidationError):
    """Nothing was written: ``bad_rows`` rows are wrong, every reason in ``problems`` (by line)."""

    def __init__(self, problems: Sequence[RowProblem], bad_rows: int, rejects: Path | None) -> None:
        super().__init__({f"{problem.line}.{number}": str(problem) for number, problem in enumerate(problems)})
        self.problems = tuple(problems)
        self.bad_rows = bad_rows
        self.rejects = rejects


class Problems:
    """The bad rows of a file, each with its reasons."""

    def __init__(self, table: Table, columns: Sequence[Column]) -> None:
        self.table = table
        self.columns = columns
        self.reasons: dict[int, list[RowProblem]] = {}
        self._first_lines: dict[tuple[str, str], int] = {}

    def earlier(self, line: int, key: str, value: str) -> int | None:
        """The earlier line whose column ``key`` holds ``value`` too (a duplicate key), else None."""
        first = self._first_lines.setdefault((key, value), line)
        return first if first != line else None

    def add(self, line: int, key: str | None, message: str) -> None:
        column = self.table.header(key, self.columns) if key else None
        self.reasons.setdefault(line, []).append(RowProblem(line, column, message))

    def __contains__(self, line: int) -> bool:
        return line in self.reasons

    def __len__(self) -> int:
        return len(self.reasons)

    def all(self) -> list[RowProblem]:
        return [problem for line in sorted(self.reasons) for problem in self.reasons[line]]

    def finish(self, path: Path, required: Sequence[Sequence[str]], *, skip_invalid: bool,
               rejects: Path | None) -> None:
        """Write the rejects file when asked (the bad rows as they are in ``path``, plus «Lý do»); raise
        ImportRejected when a bad row forbids any write."""
        if rejects is not None:
            self._write_rejects(path, required, rejects)
        if self.reasons and not skip_invalid:
            raise ImportRejected(self.all(), len(self.reasons), rejects)

    def _write_rejects(self, path: Path, required: Sequence[Sequence[str]], rejects: Path) -> None:
        width = len(self.table.header_cells)
        with open_table(path, self.columns, required, mapping=self.table.mapping) as again, \
                write_table(rejects, [*self.table.header_cells, REASON_HEADER], sheet=_("Dòng lỗi")) as append:
            for line, cells in again.rows():
                if line in self.reasons:
                    row = [*cells[:width], *([None] * (width - len(cells)))]
                    append([*row, " ".join(str(problem) for problem in self.reasons[line])])


def cell_text(cell: Cell) -> str:
    """The cell as clean text (NFC, no control characters, single spaces)."""
    if cell is None or cell == "":
        return ""
    if isinstance(cell, str) and cell.isascii() and cell.isprintable():
        return " ".join(cell.split())
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y %H:%M")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return clean(_CONTROL.sub(" ", cell))


def shown(cell: Cell) -> str:
    """The cell as quoted in a message (cut when long)."""
    text = cell_text(cell)
    return text if len(text) <= 40 else text[:37] + "…"


def read_day(cell: Cell) -> date | None:
    """A day from a cell (a time, if any, is dropped); None when empty; raises ValueError with the row's
    message (``ngày không hợp lệ «…» …``, or one after ``LATEST_YEAR``)."""
    if not cell_text(cell):
        return None
    try:
        day = parse_moment(cell).at.date()
    except ValueError:
        raise ValueError(_("ngày không hợp lệ «{value}» (ghi dd/mm/yyyy hoặc yyyy-mm-dd)").format(
            value=shown(cell))) from None
    if day.year > LATEST_YEAR:
        raise ValueError(too_late(cell))
    return day


def too_late(cell: Cell) -> str:
    return _("ngày «{value}» sau năm {year}").format(value=shown(cell), year=LATEST_YEAR)


def phrase(sentence: str) -> str:
    """A service's message as a row problem's phrase: ``Ngày … ở tương lai.`` → ``ngày … ở tương lai``."""
    text = sentence.rstrip().rstrip(".")
    return text[:1].lower() + text[1:]


@dataclass(slots=True)
class When:
    """A moment read from a cell; ``timed`` False when only a day was given."""

    at: datetime
    timed: bool

    def before(self, other: When) -> bool:
        """Strictly earlier (by day when either has no time)."""
        if self.timed and other.timed:
            return self.at < other.at
        return self.at.date() < other.at.date()


def parse_moment(cell: Cell) -> When:
    """``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM`` or ISO 8601 (or a spreadsheet date); raises ValueError."""
    if isinstance(cell, datetime):
        moment = cell.astimezone().replace(tzinfo=None) if cell.tzinfo else cell
        moment = moment.replace(second=0, microsecond=0)
        return When(moment, bool(moment.hour or moment.minute))
    if isinstance(cell, date):
        return When(datetime(cell.year, cell.month, cell.day), False)
    text = (cell or "").strip()
    if (len(text) == 16 and text[2] == "/" and text[5] == "/" and text[10] == " " and text[13] == ":"
            and (text[:2] + text[3:5] + text[6:10] + text[11:13] + text[14:]).isdigit() and text.isascii()):
        try:  # the export's own form, dd/mm/yyyy HH:MM, without the regular expression
            return When(datetime(int(text[6:10]), int(text[3:5]), int(text[:2]), int(text[11:13]),
                                 int(text[14:])), True)
        except ValueError:
            pass  # the general path below says what is wrong, or reads what int() could not
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        if match[4] is None:
            return When(datetime(year, month, day), False)
        return When(datetime(year, month, day, int(match[4]), int(match[5])), True)
    if len(text) < 10 or not text[:4].isdigit():
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo:
        moment = moment.astimezone().replace(tzinfo=None)
    return When(moment.replace(second=0, microsecond=0), len(text) > 10)
