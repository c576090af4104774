"""The periodic report as a Word file (.docx), for the final edits before the chair signs it: the same content
as :mod:`.periodic_pdf`, with python-docx. DTO in (:class:`~cchc_desktop.domain.report.ReportDocument`), file out.

Nghị định 30/2020 as Word knows it: A4 portrait, margins 20/20/30/15 mm, Times New Roman 13 pt (every script
slot of the font, so that Vietnamese letters never fall back to another face), language vi-VN; body paragraphs
justified with a 1 cm first-line indent and 6 pt after. The header and the closing are borderless two-column
tables (what officers themselves use, and what survives their edits); the rules under the unit, the motto
and the subject are bottom borders of small paragraphs, indented to their length. The page number is a PAGE
field centred in the page header, left out on the first page; a draft has «DỰ THẢO» in a box at the right of
every header (the first page's too) and before its title in the file's properties. The appendix is a section of
its own (new page, numbering restarted) with a "Table Grid" table whose two header rows repeat on every page.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from reportlab.pdfbase.pdfmetrics import stringWidth

from cchc_desktop.domain.report import ReportDocument, value_text
from cchc_desktop.files import write_atomically
from cchc_desktop.i18n import _
from cchc_desktop.reports.official import (
    BODY_SIZE,
    BOTTOM_MARGIN,
    FIRST_LINE_INDENT,
    FRAME_WIDTH,
    HEADER_SIZE,
    LEFT_COLUMN,
    LEFT_MARGIN,
    MOTTO_SIZE,
    PAGE_SIZE,
    PARAGRAPH_SPACE,
    RECIPIENTS_LABEL_SIZE,
    RECIPIENTS_SIZE,
    RIGHT_COLUMN,
    RIGHT_MARGIN,
    SIGNATURE_SPACE,
    TITLE_SIZE,
    TOP_MARGIN,
    balanced_lines,
    issuer_lines,
    recipient_lines,
    split_words,
    text_blocks,
)
from cchc_desktop.reports.periodic_pdf import (
    APPENDIX_GROUP,
    APPENDIX_HEADERS,
    APPENDIX_LABEL,
    APPENDIX_WIDTHS,
    INDENT_PER_LEVEL,
    appendix_notes,
    appendix_title,
    draft_mark,
    kept_together,
    report_number,
    report_place_date,
    report_signature,
    section_heading,
)

FONT = "Times New Roman"
CELL_SIZE = 12
HEADER_DISTANCE = 10  # mm from the page's top edge to the page number, inside the 20 mm margin

_PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
_TBLBORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                          "w:tblDescription", "w:tblPrChange")
_BDR_SUCCESSORS = ("w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                   "w:specVanish", "w:oMath")
_PGNUMTYPE_SUCCESSORS = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                         "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _length(points: float) -> Length:
    return Pt(round(points, 2))


def _plain(text: str) -> str:
    """The letters without their marks: the standard Times metrics (no font file needed) then measure them
    closely enough, as the marks of Vietnamese letters do not widen them."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D")


def _times(*, bold: bool, italic: bool) -> str:
    return {(False, False): "Times-Roman", (True, False): "Times-Bold", (False, True): "Times-Italic",
            (True, True): "Times-BoldItalic"}[(bold, italic)]


def _text_width(text: str, size: float, *, bold: bool = True) -> float:
    """Roughly the printed width of ``text`` in Times New Roman."""
    return stringWidth(_plain(text), _times(bold=bold, italic=False), size)


def _balanced(text: str, size: float, *, bold: bool = False, italic: bool = False) -> str:
    """A centred text that needs two lines, with a line break where the two come out even (as in the PDF)."""
    words = split_words(text)
    pieces = balanced_lines(" ".join(_plain(word) for word in words), _times(bold=bold, italic=italic), size,
                            FRAME_WIDTH)
    if len(pieces) < 2:
        return text
    first = len(split_words(pieces[0]))
    return " ".join(words[:first]) + "\n" + " ".join(words[first:])


# --- the document and its fonts -----------------------------------------------------------------------


def _set_fonts(element: Any) -> None:
    """Times New Roman in every script slot of an ``rPr`` (themes removed: they would win over it)."""
    fonts = element.get_or_add_rFonts()
    for key in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{key}"), None)
    for key in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{key}"), FONT)


def _new_document(document: ReportDocument) -> DocxDocument:
    word = Document()
    defaults = word.styles.element.find(qn("w:docDefaults"))
    if defaults is not None and (rpr := defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")) is not None:
        _set_fonts(rpr)
        language = rpr.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            rpr.append(language)
        language.set(qn("w:val"), "vi-VN")
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    section = word.sections[0]
    section.page_width, section.page_height = (_length(side) for side in PAGE_SIZE)
    section.top_margin, section.bottom_margin = _length(TOP_MARGIN), _length(BOTTOM_MARGIN)
    section.left_margin, section.right_margin = _length(LEFT_MARGIN), _length(RIGHT_MARGIN)
    section.header_distance = Pt(HEADER_DISTANCE * 72 / 25.4)
    section.different_first_page_header_footer = True
    mark = draft_mark(document)
    _page_number(section.header.paragraphs[0], mark=mark)
    if mark:  # the first page has no number, only the mark (the appendix's section inherits both headers)
        _mark(section.first_page_header.paragraphs[0], mark)

    properties = word.core_properties
    properties.title = " ".join(part for part in ((document.title or _("BÁO CÁO")).capitalize(), document.subject)
                                if part)
    if mark:
        properties.title = f"{mark}: {properties.title}"
    properties.subject = document.period.label
    properties.author = properties.last_modified_by = document.unit.name
    properties.comments = ""
    properties.keywords = ""
    properties.created = properties.modified = document.generated_at.replace(tzinfo=None)
    properties.revision = document.version
    return word


def _page_number(paragraph: Paragraph, *, mark: str = "") -> None:
    """A PAGE field, centred (the header of every page but the first of a section); with ``mark``, the mark at
    the right end of the same line (tab stops at the centre and the right margin: one line, as without it)."""
    if mark:
        stops = paragraph.paragraph_format.tab_stops
        inherited_stops = paragraph.style.paragraph_format.tab_stops if paragraph.style is not None else []
        for inherited in inherited_stops:  # the Header style's 82.55 and 165.1 mm
            stops.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(_length(FRAME_WIDTH / 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(_length(FRAME_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run().add_tab()
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text or ""
    if mark:
        paragraph.add_run().add_tab()
        _mark_run(paragraph, mark)


def _mark(paragraph: Paragraph, mark: str) -> None:
    """A header paragraph with only the mark, at the right margin."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _mark_run(paragraph, mark)


def _mark_run(paragraph: Paragraph, mark: str) -> None:
    """«DỰ THẢO» in bold, in a box (a run border), as in the PDF."""
    run = paragraph.add_run(mark)
    run.bold = True
    run.font.size = Pt(BODY_SIZE)
    border = OxmlElement("w:bdr")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "2"), ("color", "auto")):
        border.set(qn(f"w:{key}"), value)
    run._r.get_or_add_rPr().insert_element_before(border, *_BDR_SUCCESSORS)


# --- paragraphs ---------------------------------------------------------------------------------------


def _write(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
           align: Any = None) -> Paragraph:
    for index, line in enumerate(text.split("\n") if text else ()):
        run = paragraph.add_run()
        if index:
            run.add_break()
        run.add_text(line)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _add(container: Any, text: str = "", **kw: Any) -> Paragraph:
    """A new paragraph in the document or a cell (a cell's first, empty paragraph is used first)."""
    first = container.paragraphs[0] if isinstance(container, _Cell) and len(container.paragraphs) == 1 else None
    if first is not None and not first.runs and first._p.pPr is None:
        return _write(first, text, **kw)
    return _write(container.add_paragraph(), text, **kw)


def _body(container: Any, text: str, *, bold: bool = False, italic: bool = False, keep: bool = False) -> Paragraph:
    paragraph = _add(container, text, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = _length(FIRST_LINE_INDENT)
    fmt.space_after = Pt(PARAGRAPH_SPACE)
    fmt.keep_with_next = keep or None
    return paragraph


def _rule(container: Any, width: float, available: float) -> None:
    """A centred rule ``width`` long: the bottom border of a small empty paragraph indented to that length."""
    paragraph = _add(container)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = _length(max(0.0, (available - width) / 2))
    fmt.line_spacing = Pt(3)
    fmt.space_after = Pt(3)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_PBDR_SUCCESSORS)


# --- tables -------------------------------------------------------------------------------------------


def _table(word: DocxDocument, rows: int, widths: Iterable[float], *, style: str | None = None) -> Table:
    widths = list(widths)
    table = word.add_table(rows=rows, cols=len(widths))
    if style:
        table.style = word.styles[style]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = _length(width)
    for row in table.rows:
        _size_cells(row.cells, widths)
    return table


def _size_cells(cells: Iterable[_Cell], widths: Iterable[float]) -> None:
    for cell, width in zip(cells, widths, strict=True):
        cell.width = _length(width)


def _borderless(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *_TBLBORDERS_SUCCESSORS)


def _row_flags(row: Any, *, header: bool) -> None:
    """Rows never break across pages; header rows repeat on every page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


# --- the blocks ---------------------------------------------------------------------------------------


def _header(word: DocxDocument, document: ReportDocument) -> None:
    table = _table(word, 2, (LEFT_COLUMN, RIGHT_COLUMN))
    _borderless(table)
    (unit, nation), (number, date) = (row.cells for row in table.rows)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    issuer = issuer_lines(document.unit.name)
    for line in issuer:
        _add(unit, line, bold=True, size=HEADER_SIZE, align=centre)
    widest = max((_text_width(line, HEADER_SIZE) for line in issuer), default=0.0)
    _rule(unit, max(20 * 72 / 25.4, widest * 0.4), LEFT_COLUMN)
    motto = _("Độc lập - Tự do - Hạnh phúc")
    _add(nation, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=HEADER_SIZE, align=centre)
    _add(nation, motto, bold=True, size=MOTTO_SIZE, align=centre)
    _rule(nation, _text_width(motto, MOTTO_SIZE), RIGHT_COLUMN)
    _add(number, _("Số: {number}").format(number=report_number(document)), align=centre)
    _add(date, report_place_date(document), italic=True, align=centre)


def _title(word: DocxDocument, document: ReportDocument) -> None:
    centre = WD_ALIGN_PARAGRAPH.CENTER
    title = _add(word, (document.title or _("BÁO CÁO")).upper(), bold=True, size=TITLE_SIZE, align=centre)
    title.paragraph_format.space_before = Pt(14)
    if document.subject:
        _add(word, _balanced(document.subject, TITLE_SIZE, bold=True), bold=True, size=TITLE_SIZE, align=centre)
    _rule(word, FRAME_WIDTH / 3, FRAME_WIDTH)
    word.paragraphs[-1].paragraph_format.space_after = Pt(10)


def _sections(word: DocxDocument, document: ReportDocument) -> None:
    for section in document.sections:
        title, level = section_heading(section)
        if title:
            _body(word, title, bold=True, italic=level >= 3, keep=True)
        for block in text_blocks(section.text):
            _body(word, block)


def _closing(word: DocxDocument, document: ReportDocument) -> None:
    table = _table(word, 1, (LEFT_COLUMN, RIGHT_COLUMN))
    _borderless(table)
    _row_flags(table.rows[0], header=False)
    left, right = table.rows[0].cells
    label = _add(left, _("Nơi nhận:"), bold=True, italic=True, size=RECIPIENTS_LABEL_SIZE)
    label.paragraph_format.space_before = Pt(6)
    for line in recipient_lines(document.recipients):
        _add(left, line, size=RECIPIENTS_SIZE)
    signature = report_signature(document)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    first = None
    for line in (*signature.authority.splitlines(), signature.title):
        if line.strip():
            paragraph = _add(right, line.upper(), bold=True, align=centre)
            first = first or paragraph
    if first is not None:
        first.paragraph_format.space_before = Pt(6)
    if signature.name:
        name = _add(right, signature.name, bold=True, align=centre)
        name.paragraph_format.space_before = _length(SIGNATURE_SPACE)


def _appendix(word: DocxDocument, document: ReportDocument) -> None:
    section = word.add_section(WD_SECTION.NEW_PAGE)
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(numbering, *_PGNUMTYPE_SUCCESSORS)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _add(word, _(APPENDIX_LABEL), bold=True, size=TITLE_SIZE, align=centre)
    _add(word, appendix_title(document), bold=True, size=TITLE_SIZE, align=centre)
    for line in appendix_notes(document):
        _add(word, _balanced(line, BODY_SIZE, italic=True), italic=True, align=centre)
    word.paragraphs[-1].paragraph_format.space_after = Pt(8)

    table = _table(word, 2, APPENDIX_WIDTHS, style="Table Grid")
    top, second = table.rows
    number_header, name_header, unit_header, value_header = (_(text) for text in APPENDIX_HEADERS)
    merged = [top.cells[0].merge(second.cells[0]), top.cells[1].merge(second.cells[1]),
              top.cells[2].merge(top.cells[3])]
    for cell, text in zip([*merged, second.cells[2], second.cells[3]],
                          (number_header, name_header, _(APPENDIX_GROUP), unit_header, value_header), strict=True):
        _cell(cell, text, bold=True, align=centre)
    for row in (top, second):
        _row_flags(row, header=True)
    kept = {index for first, last in kept_together(document.appendix) for index in range(first, last)}
    for index, item in enumerate(document.appendix):
        row = table.add_row()
        _row_flags(row, header=False)
        cells = row.cells
        _size_cells(cells, APPENDIX_WIDTHS)
        written = [_cell(cells[0], item.number, bold=item.heading, align=centre)]
        if item.heading:
            written.append(_cell(cells[1].merge(cells[3]), item.name, bold=True))
        else:
            written += [_cell(cells[1], item.name), _cell(cells[2], item.unit, align=centre),
                        _cell(cells[3], value_text(item), align=centre)]
            if item.level > 0:
                written[1].paragraph_format.left_indent = _length(INDENT_PER_LEVEL * item.level)
        if index in kept:  # Word keeps a row whose paragraphs keep with the next on the page of the next row
            for paragraph in written:
                paragraph.paragraph_format.keep_with_next = True


def _cell(cell: _Cell, text: str, *, bold: bool = False, align: Any = None) -> Paragraph:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return _add(cell, text, bold=bold, size=CELL_SIZE, align=align)


def report_docx(document: ReportDocument, target: str | os.PathLike[str]) -> None:
    """Write the report as a .docx to ``target`` (atomically: the file appears only when complete)."""
    word = _new_document(document)
    _header(word, document)
    _title(word, document)
    _sections(word, document)
    _closing(word, document)
    if document.appendix:
        _appendix(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    write_atomically(Path(target), buffer.getvalue())
