"""Column mappings of imports (issue 19): another system's headers (a province system's Excel export with its own
«Ngày nhận», «Người nộp») read as the columns of our contracts (DESIGN.md §4). A mapping is saved under a name for a
kind of import and recognised again by its file's header row (``signature``): mapped once, used again without
asking, in the window or with ``cchc import … --mapping TÊN``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cchc_desktop.domain.choices import Choice
from cchc_desktop.i18n import _
from cchc_desktop.text import clean, fold

MAX_NAME = 100
MAX_HEADERS = 200


class ImportKind(Choice):
    """What a file to import holds (``cchc import LOẠI``)."""

    DOSSIERS = "dossiers", "Hồ sơ thủ tục hành chính"
    PROCEDURES = "procedures", "Danh mục thủ tục hành chính"
    TASKS = "tasks", "Nhiệm vụ kế hoạch CCHC"
    SURVEYS = "surveys", "Phiếu khảo sát hài lòng"
    INSPECTIONS = "inspections", "Cuộc kiểm tra kỷ luật, kỷ cương"


@dataclass(frozen=True)
class ColumnMapping:
    """``headers``: a source header as written → the column key it is read as ("" for a column not read)."""

    kind: ImportKind
    name: str
    headers: dict[str, str] = field(default_factory=dict)
    signature: str = ""


def signature(header: Iterable[str]) -> str:
    """How a source's header row is recognised: its non-empty cells folded (case, diacritics, spaces), sorted — the
    same export with its columns moved is the same source."""
    return "|".join(sorted({fold(text) for text in header if text and text.strip()}))


def check_mapping(name: str, headers: Mapping[str, str], keys: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The mapping's name and headers cleaned, or ValueError with the Vietnamese sentence of what is wrong:
    no name, a key the import does not know (``keys``: key → its header), two headers read as one column."""
    name = clean(name)
    if not name:
        raise ValueError(_("Hãy đặt tên cho cách ghép cột (ví dụ: «Xuất từ hệ thống một cửa tỉnh»)."))
    if len(name) > MAX_NAME:
        raise ValueError(_("Tên cách ghép cột dài quá {n} ký tự.").format(n=MAX_NAME))
    if len(headers) > MAX_HEADERS:
        raise ValueError(_("Cách ghép cột có quá {n} cột.").format(n=MAX_HEADERS))
    cleaned: dict[str, str] = {}
    taken: dict[str, str] = {}
    folded: dict[str, str] = {}
    for header, key in headers.items():
        header = clean(header)
        if not header:
            continue
        same = folded.setdefault(fold(header), header)
        if same != header:
            raise ValueError(_("Hai cột «{first}» và «{second}» có cùng tiêu đề (chỉ khác chữ hoa, dấu): hãy đổi tên "
                               "một cột trong tệp rồi ghép lại.").format(first=same, second=header))
        if key and key not in keys:
            raise ValueError(_("Cột «{header}» được ghép với «{key}», không phải một cột của loại dữ liệu này.").format(
                header=header, key=key))
        if key and key in taken:
            raise ValueError(_("Hai cột «{first}» và «{second}» cùng được ghép với «{column}»: mỗi cột chỉ ghép "
                               "một lần.").format(first=taken[key], second=header, column=keys[key]))
        if key:
            taken[key] = header
        cleaned[header] = key
    if not taken:
        raise ValueError(_("Cách ghép cột chưa ghép cột nào."))
    return name, cleaned
