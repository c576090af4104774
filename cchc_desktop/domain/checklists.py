"""The documents of a dossier (thành phần hồ sơ), one a line: a procedure's checklist in the catalogue, the
desk's extra documents, and the national catalogue's «Thành phần hồ sơ» cell all read and write the same way.

A line names the document and, after it, what kind and how many: «Tờ khai đăng ký khai sinh (bản chính)»,
«Ảnh 4x6 (bản chính, 2 bản)», or as the national catalogue writes it, «Giấy chứng sinh - Bản chính: 1, Bản sao: 0».
A line that says no kind takes one from its first words («Tờ khai…», «Đơn…» are originals, «Bản sao…» a copy) and
otherwise the caller's default. A heading («Hồ sơ gồm:») and the number of sets («Số lượng hồ sơ: 01 bộ») are
not documents and are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cchc_desktop.domain.dossiers import DocumentKind, DossierDocument
from cchc_desktop.i18n import _
from cchc_desktop.text import clean

MAX_DOCUMENTS = 30
MAX_NAME = 300
MAX_COUNT = 99

# The folded spellings (no diacritics, lower case) of the kinds, the longest first.
_KINDS = (
    ("ban sao co chung thuc", DocumentKind.CERTIFIED_COPY),
    ("ban sao chung thuc", DocumentKind.CERTIFIED_COPY),
    ("ban chinh", DocumentKind.ORIGINAL),
    ("ban sao", DocumentKind.COPY),
)
_KIND = "|".join(r"\s+".join(words.split()) for words, _kind in _KINDS)
# One piece of a marker: a kind (with the catalogue's «: N»), a count («2 bản», «số lượng: 02»), a separator.
_TOKEN = re.compile(
    rf"(?P<lead_count>\d{{1,3}})\s*(?P<lead_kind>{_KIND})"
    rf"|(?P<kind>{_KIND})(?:\s*:\s*(?P<kind_count>\d{{1,3}})(?:\s*ban\b)?)?"
    r"|(?:so\s+luong\s*:?\s*)?(?P<count>\d{1,3})\s*(?:ban|bo)\b"
    r"|so\s+luong\s*:?\s*(?P<bare_count>\d{1,3})"
    r"|(?P<sep>[\s,;:/\-–—]+|hoac\b|va\b)"
)
_BULLET = re.compile(r"^(?:[-+•*–—·]+|\(?\d{1,2}[.)]|\(?[a-zđ][.)])\s+", re.IGNORECASE)
# Papers the citizen fills in and signs are handed in as originals.
_FORMS = ("to khai", "don ", "phieu ", "ban khai", "van ban de nghi", "giay de nghi", "van ban cam ket",
          "giay uy quyen", "van ban uy quyen")
_NOT_DOCUMENTS = ("so luong ho so", "so bo ho so")


class ChecklistError(ValueError):
    """A line of a list of documents that cannot be read; ``line`` counts from 1 (0: the whole list)."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line, self.problem = line, problem

    def sentence(self) -> str:
        """The problem as a field's message: «Dòng 2: Số lượng phải từ 1 đến 99.»"""
        where = _("Dòng {n}: ").format(n=self.line) if self.line else ""
        return f"{where}{self.problem[:1].upper()}{self.problem[1:]}."


def _folded(text: str) -> str:
    """``text`` without diacritics, lower case, one character for each of ``text``'s (positions line up)."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0]
        out.append("d" if char in "đĐ" else base.lower()[:1] or base)
    return "".join(out)


def _marker(folded: str) -> tuple[DocumentKind | None, int | None] | None:
    """The kind and count a marker text says, or None when it is not wholly a marker."""
    kind: DocumentKind | None = None
    count: int | None = None
    first_kind: DocumentKind | None = None
    said_anything = False
    position = 0
    while position < len(folded):
        match = _TOKEN.match(folded, position)
        if match is None or match.end() == position:
            return None
        position = match.end()
        if match["kind"] or match["lead_kind"]:
            said_anything = True
            spoken = " ".join((match["kind"] or match["lead_kind"]).split())
            named = next(k for words, k in _KINDS if words == spoken)
            first_kind = first_kind or named
            given = match["kind_count"] or match["lead_count"]
            if given is not None:
                amount = int(given)
                if amount and kind is None:
                    kind, count = named, amount
        elif match["count"] or match["bare_count"]:
            said_anything = True
            count = int(match["count"] or match["bare_count"])
    if not said_anything:
        return None
    return kind or first_kind, count


def _kind_of_name(folded_name: str, default: DocumentKind) -> DocumentKind:
    for words, kind in _KINDS:
        if folded_name.startswith(words):
            return kind
    if folded_name.startswith(_FORMS):
        return DocumentKind.ORIGINAL
    return default


def read_line(text: str, default: DocumentKind = DocumentKind.COPY) -> DossierDocument | None:
    """One line as a document; None for an empty line, a heading or the number of sets. ChecklistError(0, …)
    for a line that names no document or says a count out of range."""
    line = _BULLET.sub("", clean(text)).strip()
    folded = _folded(line)
    if not line or line.endswith(":") or folded.startswith(_NOT_DOCUMENTS):
        return None
    name, said = line, None
    if line.endswith(")") and "(" in line:  # «Tên (bản chính, 2 bản)»
        start = line.rindex("(")
        said = _marker(folded[start + 1:-1])
        if said is not None:
            name = line[:start]
    if said is None:  # «Tên - Bản chính: 1, Bản sao: 0», «Tên: 02 bản chính»
        for match in re.finditer(r"\s[-–—]\s|[:;,]\s", folded):
            said = _marker(folded[match.end():])
            if said is not None:
                name = line[:match.start()]
                break
    name = name.strip().rstrip(",;:-–— ").strip()
    kind, count = said if said is not None else (None, None)
    return check_document(DossierDocument(
        name=name, kind=kind or _kind_of_name(_folded(name), default), count=1 if count is None else count))


def check_document(document: DossierDocument) -> DossierDocument:
    """``document`` with its name cleaned; ChecklistError(0, …) for an empty or too long name, a count out of
    range or a kind that is not one."""
    name = clean(document.name)
    if not name:
        raise ChecklistError(0, _("tên giấy tờ không được để trống"))
    if len(name) > MAX_NAME:
        raise ChecklistError(0, _("tên giấy tờ quá dài (tối đa {n} ký tự)").format(n=MAX_NAME))
    if isinstance(document.count, bool) or not isinstance(document.count, int) or not 1 <= document.count <= MAX_COUNT:
        raise ChecklistError(0, _("số lượng phải từ 1 đến {n}").format(n=MAX_COUNT))
    try:
        kind = DocumentKind(document.kind)
    except ValueError:
        raise ChecklistError(0, _("loại bản (bản chính, bản sao…) không hợp lệ")) from None
    return DossierDocument(name=name, kind=kind, count=document.count)


def _at_most(documents: list[DossierDocument]) -> tuple[DossierDocument, ...]:
    if len(documents) > MAX_DOCUMENTS:
        raise ChecklistError(0, _("quá nhiều giấy tờ (tối đa {n})").format(n=MAX_DOCUMENTS))
    return tuple(documents)


def check_documents(documents: Iterable[DossierDocument]) -> tuple[DossierDocument, ...]:
    """Every document checked (``check_document``), at most ``MAX_DOCUMENTS``; ChecklistError names the first bad
    one by its place (from 1)."""
    checked = []
    for number, document in enumerate(documents, start=1):
        try:
            checked.append(check_document(document))
        except ChecklistError as exc:
            raise ChecklistError(number, exc.problem) from None
    return _at_most(checked)


def read_documents(text: str, default: DocumentKind = DocumentKind.COPY) -> tuple[DossierDocument, ...]:
    """Every document of a list written one a line (see the module); ChecklistError names the first bad line."""
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            document = read_line(line, default)
        except ChecklistError as exc:
            raise ChecklistError(number, exc.problem) from None
        if document is not None:
            documents.append(document)
    return _at_most(documents)


def document_line(document: DossierDocument) -> str:
    """The line ``read_line`` reads back to ``document``: «Ảnh 4x6 (bản chính, 2 bản)»."""
    said = document.kind.label.lower() + (f", {document.count} bản" if document.count != 1 else "")
    return f"{document.name} ({said})"


def document_rows(documents: Iterable[DossierDocument]) -> list[tuple[str, str, int]]:
    """(name, kind, count) of each document, as a checklist's rows are stored."""
    return [(document.name, document.kind.value, document.count) for document in documents]


def documents_text(documents: Iterable[DossierDocument]) -> str:
    return "\n".join(document_line(document) for document in documents)
