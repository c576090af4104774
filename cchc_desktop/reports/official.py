"""Building blocks of every official paper (Nghị định 30/2020/NĐ-CP, Phụ lục I), with reportlab platypus.

A4 portrait, margins 20/20/30/15 mm (top/bottom/left/right), Times-metric serif (:mod:`.fonts`):

- :func:`header`: the unit on the left (capitals, bold, a short rule, "Số: …"), the national name and
  motto on the right (the motto ruled as long as itself), then the italic place-date line;
- :func:`title_block` (with the short rule under a report's subject), :func:`closing` (Nơi nhận + signature),
  :func:`signature_row` (two columns);
- :func:`document_number`, :func:`place_date_line`, :func:`text_blocks`: the number, the date line and the body
  text as every format of a paper (PDF, Word) prints them; :func:`balanced_lines`: a centred two-line text
  broken where its halves come out even (subjects, notes);
- :func:`build_pdf`: the document, page numbers centred in the top margin from the second page of each
  :class:`NewSection` (so two copies of a one-page form carry no number).

Everything is text in paragraphs and tables; only the rules and the page numbers are drawn on the canvas.
User text goes through :func:`esc` before it reaches paragraph markup.
"""

from __future__ import annotations

import functools
import io
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from cchc_desktop import APP_NAME
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.files import write_atomically
from cchc_desktop.formatting import long_date, place_date
from cchc_desktop.i18n import _
from cchc_desktop.reports.fonts import FAMILY, face, register_fonts

PAGE_SIZE = A4
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 20 * mm
LEFT_MARGIN = 30 * mm
RIGHT_MARGIN = 15 * mm
FRAME_WIDTH = PAGE_SIZE[0] - LEFT_MARGIN - RIGHT_MARGIN  # 165 mm
LEFT_COLUMN = 68 * mm  # the unit; "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (12 pt bold, 88 mm) fits the right one
RIGHT_COLUMN = FRAME_WIDTH - LEFT_COLUMN

BODY_SIZE = 13
HEADER_SIZE = 12  # the two capitalised header lines
MOTTO_SIZE = 13
TITLE_SIZE = 14
RECIPIENTS_LABEL_SIZE = 12
RECIPIENTS_SIZE = 11
FOOTER_SIZE = 8  # a line in the bottom margin (the audit trail's anchor on a report)
SIGNATURE_SPACE = 24 * mm  # room for the signature and the seal
RULE_WIDTH = 0.6
FIRST_LINE_INDENT = 10 * mm
PARAGRAPH_SPACE = 6  # pt after each body paragraph
NUMBER_BLANK = "\u00a0" * 8  # a number left for the clerk to write in: "Số:        /BC-UBND"

_SPACES = re.compile(r"[ \t\r\n]+")
_UNIT_NAME = re.compile(r"^\s*(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s+(.+?)\s*$", re.IGNORECASE)


def esc(text: object) -> str:
    """User text made safe for paragraph markup: NFC, ``& < >`` escaped, line breaks kept."""
    value = unicodedata.normalize("NFC", "" if text is None else str(text))
    return "<br/>".join(escape(line) for line in value.splitlines())


def capitalise(text: str) -> str:
    """First letter upper case, the rest untouched (``ngày 04 …`` → ``Ngày 04 …``)."""
    return text[:1].upper() + text[1:]


def document_number(number: str, symbol: str) -> str:
    """The number of a paper with its symbol: ``45`` → ``45/BC-UBND``; a full ``45/BC-UBND`` is kept; an empty
    number leaves room to write it in by hand (``        /BC-UBND``, non-breaking spaces)."""
    number = " ".join(unicodedata.normalize("NFC", number or "").split())
    if not number:
        return f"{NUMBER_BLANK}/{symbol}"
    return number if "/" in number else f"{number}/{symbol}"


def place_date_line(place: str, day: date) -> str:
    """``Hoằng Hợp, ngày 04 tháng 6 năm 2024``; without a place, ``Ngày 04 tháng 6 năm 2024``."""
    return place_date(place.strip(), day) if place.strip() else capitalise(long_date(day))


def text_blocks(text: str) -> list[str]:
    """Body text as its paragraphs: each line that is not blank is a paragraph of its own (an officer presses
    Enter to start one; "- Công tác tuyên truyền …" lines are paragraphs too). NFC, each line stripped."""
    return [line.strip() for line in unicodedata.normalize("NFC", text or "").splitlines() if line.strip()]


# --- the unit's name -------------------------------------------------------------------------------


def issuer_lines(unit_name: str) -> tuple[str, ...]:
    """``UBND xã Hoằng Hợp`` → ``("ỦY BAN NHÂN DÂN", "XÃ HOẰNG HỢP")``; another name → itself in capitals."""
    name = " ".join(unicodedata.normalize("NFC", unit_name).split())
    match = _UNIT_NAME.match(name)
    if match:
        return ("ỦY BAN NHÂN DÂN", match.group(1).upper())
    return (name.upper(),) if name else ()


def short_issuer(unit_name: str) -> str:
    """The unit as a parent body may be abbreviated (Nghị định 30): ``UBND XÃ HOẰNG HỢP``."""
    name = " ".join(unicodedata.normalize("NFC", unit_name).split())
    match = _UNIT_NAME.match(name)
    return f"UBND {match.group(1).upper()}" if match else name.upper()


def split_words(text: str) -> list[str]:
    """The words of a line, split at ordinary spaces only (a run of non-breaking spaces left for a number to be
    written in by hand stays inside its word)."""
    return [word for word in _SPACES.split(text) if word]


def balance(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` on one line if it fits ``width``, else split at the space that evens the two halves."""
    words = split_words(text)
    if stringWidth(text, font, size) <= width or len(words) < 2:
        return [text]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda s: max(stringWidth(s[0], font, size), stringWidth(s[1], font, size)))
    return [first, second]


def balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """A centred text that needs two lines, broken where the two come out even (not a full line over a word or
    two); a shorter or longer text as one piece, to wrap as usual."""
    if width < stringWidth(text, font, size) <= 1.9 * width:
        lines = balance(text, font, size, width)
        if all(stringWidth(line, font, size) <= width for line in lines):
            return lines
    return [text]


def balanced_paragraph(text: str, style: ParagraphStyle, width: float = FRAME_WIDTH) -> Paragraph:
    """:func:`balanced_lines` as a paragraph."""
    lines = balanced_lines(text, style.fontName, style.fontSize, width)
    return Paragraph("<br/>".join(esc(line) for line in lines), style)


# --- styles ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of an official paper."""

    body: ParagraphStyle  # justified, first-line indent 1 cm, 6 pt after
    heading: ParagraphStyle  # a numbered heading of the body (I., 1., 1.1.): bold, kept with what follows
    line: ParagraphStyle  # a form line: left aligned, no indent
    item: ParagraphStyle  # a numbered or dashed item with a hanging indent
    centred: ParagraphStyle
    header_caps: ParagraphStyle
    header_bold: ParagraphStyle
    motto: ParagraphStyle
    number: ParagraphStyle
    place_date: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    note: ParagraphStyle  # centred italic
    recipients_label: ParagraphStyle
    recipients: ParagraphStyle
    sign_bold: ParagraphStyle
    sign_note: ParagraphStyle
    cell: ParagraphStyle
    cell_centred: ParagraphStyle
    cell_header: ParagraphStyle


@functools.cache
def styles() -> Styles:
    """The styles, built once (registers the fonts)."""
    register_fonts()
    base = ParagraphStyle("official", fontName=FAMILY, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.2)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    centred = {"alignment": TA_CENTER}
    return Styles(
        body=style("body", alignment=TA_JUSTIFY, firstLineIndent=FIRST_LINE_INDENT, spaceAfter=PARAGRAPH_SPACE),
        heading=style("heading", fontName=face(bold=True), alignment=TA_JUSTIFY, firstLineIndent=FIRST_LINE_INDENT,
                      spaceBefore=2, spaceAfter=PARAGRAPH_SPACE, keepWithNext=1),
        line=style("line", alignment=TA_LEFT, spaceAfter=3),
        item=style("item", alignment=TA_JUSTIFY, leftIndent=6 * mm, firstLineIndent=-6 * mm, spaceAfter=3),
        centred=style("centred", **centred),
        header_caps=style("header_caps", fontSize=HEADER_SIZE, leading=HEADER_SIZE * 1.2, **centred),
        header_bold=style("header_bold", fontName=face(bold=True), fontSize=HEADER_SIZE,
                          leading=HEADER_SIZE * 1.2, **centred),
        motto=style("motto", fontName=face(bold=True), fontSize=MOTTO_SIZE, leading=MOTTO_SIZE * 1.2, **centred),
        number=style("number", **centred),
        place_date=style("place_date", fontName=face(italic=True), **centred),
        title=style("title", fontName=face(bold=True), fontSize=TITLE_SIZE, leading=TITLE_SIZE * 1.25, **centred),
        subtitle=style("subtitle", fontName=face(bold=True), fontSize=TITLE_SIZE, leading=TITLE_SIZE * 1.25,
                       **centred),
        note=style("note", fontName=face(italic=True), **centred),
        recipients_label=style("recipients_label", fontName=face(bold=True, italic=True),
                               fontSize=RECIPIENTS_LABEL_SIZE, leading=RECIPIENTS_LABEL_SIZE * 1.2),
        recipients=style("recipients", fontSize=RECIPIENTS_SIZE, leading=RECIPIENTS_SIZE * 1.15),
        sign_bold=style("sign_bold", fontName=face(bold=True), **centred),
        sign_note=style("sign_note", fontName=face(italic=True), **centred),
        cell=style("cell", fontSize=12, leading=14),
        cell_centred=style("cell_centred", fontSize=12, leading=14, **centred),
        cell_header=style("cell_header", fontName=face(bold=True), fontSize=12, leading=14, **centred),
    )


# --- flowables -------------------------------------------------------------------------------------


class Rule(Flowable):
    """A horizontal line of a given width (the header rules); centred by its table cell."""

    def __init__(self, width: float, *, space_before: float = 4, space_after: float = 4) -> None:
        super().__init__()
        self.rule_width = width
        self.space_before = space_before
        self.space_after = space_after

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = min(self.rule_width, available_width)
        return self.width, self.space_before + self.space_after

    def draw(self) -> None:
        self.canv.setLineWidth(RULE_WIDTH)
        self.canv.line(0, self.space_after, self.width, self.space_after)


class NewSection(Flowable):
    """Marks the start of a section (a copy of a form) for page numbering; takes no room."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


# --- blocks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """What the header shows. ``issuer``: bold capital lines; ``parent``: regular capital lines above
    them (the body the issuer belongs to); ``number``: after "Số: " (empty: no line); ``place_date``:
    the italic line under the motto (empty: none)."""

    issuer: tuple[str, ...]
    parent: tuple[str, ...] = ()
    number: str = ""
    place_date: str = ""


def header(letterhead: Letterhead) -> Table:
    """The two-column header of Nghị định 30/2020."""
    st = styles()
    bold = face(bold=True)
    left: list[Flowable] = [Paragraph(esc(line), st.header_caps) for line in letterhead.parent]
    issuer_widths = [0.0]
    for line in letterhead.issuer:
        for part in balance(line, bold, HEADER_SIZE, LEFT_COLUMN - 4):
            left.append(Paragraph(esc(part), st.header_bold))
            issuer_widths.append(stringWidth(part, bold, HEADER_SIZE))
    left.append(Rule(max(20 * mm, max(issuer_widths) * 0.4)))

    motto = _("Độc lập - Tự do - Hạnh phúc")
    right: list[Flowable] = [
        Paragraph(esc(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")), st.header_bold),
        Paragraph(esc(motto), st.motto),
        Rule(stringWidth(motto, bold, MOTTO_SIZE)),
    ]
    number = Paragraph(esc(_("Số: {number}").format(number=letterhead.number)), st.number) if letterhead.number else ""
    place_date = Paragraph(esc(letterhead.place_date), st.place_date) if letterhead.place_date else ""
    table = Table([[left, right], [number, place_date]], colWidths=[LEFT_COLUMN, RIGHT_COLUMN])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FAMILY, BODY_SIZE),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def unit_letterhead(unit: UnitSettings, *, number: str = "", place_date: str = "") -> Letterhead:
    """The header of a paper the People's Committee issues: ``ỦY BAN NHÂN DÂN`` / ``XÃ HOẰNG HỢP``."""
    return Letterhead(issuer=issuer_lines(unit.name), number=number, place_date=place_date)


def title_block(title: str, *subtitles: str, space_before: float = 8, space_after: float = 8,
                rule: bool = False) -> list[Flowable]:
    """The centred bold title in capitals and its subject lines (bold); with ``rule``, the short line under the
    subject that Nghị định 30 asks of a paper with a title (a third of the width)."""
    st = styles()
    block: list[Flowable] = [Spacer(0, space_before), Paragraph(esc(title), st.title)]
    block += [balanced_paragraph(line, st.subtitle) for line in subtitles]
    if rule:
        line = Rule(FRAME_WIDTH / 3, space_before=6, space_after=0)
        line.hAlign = "CENTER"
        block.append(line)
    block.append(Spacer(0, space_after))
    return block


@dataclass(frozen=True)
class Signature:
    """A signature block: ``authority`` ("KT. CHỦ TỊCH"), ``title`` ("PHÓ CHỦ TỊCH"), an optional italic
    ``note`` ("(Ký và ghi rõ họ tên)"), room to sign, then the ``name`` in bold."""

    title: str
    name: str = ""
    authority: str = ""
    note: str = ""


def unit_signature(unit: UnitSettings) -> Signature:
    """The unit's signer from its settings (e.g. ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH`` / the name: Nghị định 30)."""
    return Signature(title=unit.signer_title, name=unit.signer_name or unit.chair_name,
                     authority="\n".join(unit.authority))


def signature_block(signature: Signature) -> list[Flowable]:
    st = styles()
    block: list[Flowable] = []
    for line in signature.authority.splitlines():  # «TM. ỦY BAN NHÂN DÂN» over «KT. CHỦ TỊCH», where both
        block.append(Paragraph(esc(line.upper()), st.sign_bold))
    block.append(Paragraph(esc(signature.title.upper()), st.sign_bold))
    if signature.note:
        block.append(Paragraph(esc(signature.note), st.sign_note))
    block.append(Spacer(0, SIGNATURE_SPACE))
    if signature.name:
        block.append(Paragraph(esc(signature.name), st.sign_bold))
    return block


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """The recipients as printed: "- …;" each, the last always "- Lưu: VT."."""
    archive = _("Lưu: VT.")
    items = [r.strip().rstrip(";.").strip() for r in recipients if r.strip()]
    items = [r for r in items if r.rstrip(".") != archive.rstrip(".")]
    return [f"- {item};" for item in items] + [f"- {archive}"]


def recipients_block(recipients: Sequence[str]) -> list[Flowable]:
    """``Nơi nhận:`` and its items (:func:`recipient_lines`)."""
    st = styles()
    return [Paragraph(f"<b><i>{esc(_('Nơi nhận:'))}</i></b>", st.recipients_label),
            Paragraph("<br/>".join(esc(line) for line in recipient_lines(recipients)), st.recipients)]


def _layout_table(rows: list[list[Any]], widths: Sequence[float]) -> Table:
    table = Table(rows, colWidths=list(widths))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FAMILY, BODY_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def closing(signature: Signature, recipients: Sequence[str] | None = None) -> Flowable:
    """The foot of the paper: Nơi nhận on the left (omitted when ``recipients`` is None), the signature
    block on the right; kept on one page."""
    left: list[Flowable] | str = recipients_block(recipients) if recipients is not None else ""
    table = _layout_table([[left, signature_block(signature)]], [LEFT_COLUMN, RIGHT_COLUMN])
    return KeepTogether([Spacer(0, 6), table])


def signature_row(*signatures: Signature, lead: Sequence[Flowable] = ()) -> Flowable:
    """Signatures side by side in equal columns (e.g. NGƯỜI NỘP HỒ SƠ / NGƯỜI TIẾP NHẬN HỒ SƠ), kept on one page
    with the ``lead`` flowables before them (a KeepTogether inside another one would not fit on any page)."""
    width = FRAME_WIDTH / len(signatures)
    table = _layout_table([[signature_block(s) for s in signatures]], [width] * len(signatures))
    return KeepTogether([*lead, Spacer(0, 8), table])


def grid_table(rows: list[list[Any]], widths: Sequence[float], *, header_rows: int = 1) -> Table:
    """A ruled table whose header rows repeat on every page."""
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FAMILY, 12),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


# --- the document ----------------------------------------------------------------------------------


class OfficialDocTemplate(BaseDocTemplate):
    """A4 with the Nghị định 30 margins (one frame, no padding: the text starts exactly at the margins);
    numbers pages from the second page of each section. ``footer``: a small line at the foot of every page;
    ``mark``: a word in a box at the right of the top margin of every page («DỰ THẢO» on a draft), bold, black,
    clear of the text and of the page number, so that it survives a black-and-white printer and a photocopy."""

    MARK_SIZE = 13  # pt, bold: as large as the body text
    MARK_PADDING = 2 * mm  # between the word and its box
    MARK_BORDER = 1.2  # pt: twice the header rules

    def __init__(self, target: Any, *, landscape: bool = False, footer: str = "", mark: str = "", **kw: Any) -> None:
        self.footer = footer
        self.mark = mark
        size = (PAGE_SIZE[1], PAGE_SIZE[0]) if landscape else PAGE_SIZE
        super().__init__(
            target, pagesize=size, leftMargin=LEFT_MARGIN, rightMargin=RIGHT_MARGIN,
            topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN, creator=APP_NAME, invariant=True,
            initialFontName=FAMILY, initialFontSize=BODY_SIZE, **kw,
        )
        self.frame_width = size[0] - LEFT_MARGIN - RIGHT_MARGIN
        frame = Frame(LEFT_MARGIN, BOTTOM_MARGIN, self.frame_width, size[1] - TOP_MARGIN - BOTTOM_MARGIN,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], pagesize=size)])
        self.section_start = 1

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, NewSection):
            self.section_start = self.page

    def _draw_mark(self) -> None:
        canvas: Canvas = self.canv
        font = face(bold=True)
        width = stringWidth(self.mark, font, self.MARK_SIZE)
        right = LEFT_MARGIN + self.frame_width
        baseline = self.pagesize[1] - TOP_MARGIN / 2 - 4  # the page number's line, at the other end
        canvas.saveState()
        canvas.setFont(font, self.MARK_SIZE)
        canvas.drawRightString(right - self.MARK_PADDING, baseline, self.mark)
        canvas.setLineWidth(self.MARK_BORDER)
        size, pad = self.MARK_SIZE, self.MARK_PADDING  # the letters reach 0.2 em below the line, 0.95 em above
        canvas.rect(right - width - 2 * pad, baseline - 0.25 * size - pad / 2, width + 2 * pad, 1.2 * size + pad)
        canvas.restoreState()

    def afterPage(self) -> None:
        if self.mark:
            self._draw_mark()
        if self.footer:  # a line at the foot of every page, in the bottom margin (the audit trail's anchor)
            canvas: Canvas = self.canv
            canvas.saveState()
            canvas.setFont(face(), FOOTER_SIZE)
            canvas.drawString(LEFT_MARGIN, BOTTOM_MARGIN / 2, self.footer)
            canvas.restoreState()
        number = self.page - self.section_start + 1
        if number > 1:
            canvas = self.canv
            canvas.saveState()
            canvas.setFont(face(), BODY_SIZE)
            canvas.drawCentredString(LEFT_MARGIN + self.frame_width / 2, self.pagesize[1] - TOP_MARGIN / 2 - 4,
                                     str(number))
            canvas.restoreState()


def build_pdf(story: list[Flowable], target: str | os.PathLike[str] | None = None, *,
              title: str, author: str = "", subject: str = "", landscape: bool = False, footer: str = "",
              mark: str = "") -> bytes:
    """Lay ``story`` out; returns the PDF and, given a ``target`` path, also writes it there (atomically).
    ``footer`` and ``mark`` are drawn on every page (:class:`OfficialDocTemplate`)."""
    register_fonts()
    buffer = io.BytesIO()
    OfficialDocTemplate(buffer, title=title, author=author, subject=subject, landscape=landscape,
                        footer=footer, mark=mark).build(story)
    data = buffer.getvalue()
    if target is not None:
        write_atomically(Path(target), data)
    return data
