"""The periodic report (báo cáo công tác cải cách hành chính) as a PDF in the official layout of Nghị định
30/2020 (:mod:`.official`): DTO in (:class:`~cchc_desktop.domain.report.ReportDocument`), PDF out.

The paper: the unit and the national motto side by side, "Số: …/BC-UBND" and the italic place-date line; the
title "BÁO CÁO" and the subject in bold over a short rule; the sections (I. …, 1. …, 1.1. …) with their text,
justified with a first-line indent; Nơi nhận and the signature block. Then the appendix (Phụ lục) on new pages:
its title, "(Kèm theo Báo cáo số … ngày … của …)", the cut-off date, for a consolidation the units added up,
and the statistics table (Số TT, Chỉ tiêu thống kê, Kết quả thống kê: Đơn vị tính, Số liệu) with its two header
rows repeated on every page.

The appendix is portrait, like the seed's Phụ lục 01b: four columns fit the 165 mm between the margins, and the
report and its appendix are printed, signed and stamped as one stack of A4 portrait sheets. Page numbers are
centred in the top margin from the second page; the appendix, as Nghị định 30 wants of an appendix, is numbered
on its own (its second page is 2).

A draft (``document.draft``) carries «DỰ THẢO» boxed at the right of the top margin of every page, across from
the page number, and in the PDF's title.

The report's texts that the Word and Excel files print as well (the number, the date line, the section
headings, the appendix title, a value as printed, the draft's mark) are defined here once and imported by
:mod:`.periodic_docx` and :mod:`.periodic_xlsx`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from cchc_desktop.domain.report import AppendixRow, NarrativeSection, ReportDocument, value_text
from cchc_desktop.domain.signatures import authority_lines
from cchc_desktop.formatting import long_date, short_date
from cchc_desktop.i18n import _
from cchc_desktop.reports.official import (
    FRAME_WIDTH,
    Letterhead,
    NewSection,
    Signature,
    balanced_paragraph,
    build_pdf,
    closing,
    document_number,
    esc,
    grid_table,
    header,
    issuer_lines,
    place_date_line,
    short_issuer,
    styles,
    text_blocks,
    title_block,
)

PdfTarget = str | os.PathLike[str] | None

SYMBOL = "BC-UBND"
"""The symbol of a report of the People's Committee (Nghị định 30: BC = báo cáo)."""

INDENT_PER_LEVEL = 5 * mm  # a breakdown line ("Tiếp nhận trực tiếp") under its row
APPENDIX_WIDTHS = (20 * mm, FRAME_WIDTH - 20 * mm - 32 * mm - 24 * mm, 32 * mm, 24 * mm)  # "Trong đó" fits

_NUMBERED = re.compile(r"^\s*(?:[IVXLCDM]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/]\s*\S", re.IGNORECASE)


# --- the report's texts, shared by every format -------------------------------------------------------


def report_number(document: ReportDocument) -> str:
    """``45/BC-UBND``; an empty number leaves room for the clerk (``        /BC-UBND``)."""
    return document_number(document.number, SYMBOL)


def report_place_date(document: ReportDocument) -> str:
    """``Hoằng Hợp, ngày 04 tháng 6 năm 2024``."""
    return place_date_line(document.unit.place, document.issued_on)


def report_signature(document: ReportDocument) -> Signature:
    unit = document.unit
    return Signature(title=unit.signer_title, name=unit.signer_name,
                     authority="\n".join(authority_lines(unit.signer_title, unit.signer_authority)))


def section_heading(section: NarrativeSection) -> tuple[str, int]:
    """The heading as printed and its level: 1 for ``I``, 2 for ``II.2``, 3 for ``II.2.1``.

    The title gets its number from the key (``II.2`` → ``2. Cải cách thủ tục hành chính``) unless it is
    already numbered; a first-level title is printed in capitals (``I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC``).
    """
    parts = [part for part in section.key.strip().split(".") if part]
    level = max(1, len(parts))
    title = " ".join(section.title.split())
    if title and parts and not _NUMBERED.match(title):
        label = parts[0] if level == 1 else ".".join(parts[1:])
        title = f"{label}. {title}"
    return (title.upper() if level == 1 else title), level


APPENDIX_LABEL = "PHỤ LỤC"
DRAFT_MARK = "DỰ THẢO"


def appendix_title(document: ReportDocument) -> str:
    """The bold title of the appendix, under ``PHỤ LỤC``."""
    if document.unit.name:
        return _("THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH CỦA {unit} {period}").format(
            unit=short_issuer(document.unit.name), period=document.period.label.upper())
    return _("THỐNG KÊ SỐ LIỆU VỀ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH {period}").format(
        period=document.period.label.upper())


def appendix_notes(document: ReportDocument) -> tuple[str, ...]:
    """The italic lines under the appendix title: which report it goes with, the cut-off, the units added up."""
    notes = [
        _("(Kèm theo Báo cáo số {number} {date} của {unit})").format(
            number=report_number(document), date=long_date(document.issued_on), unit=document.unit.name)
        if document.unit.name else _("(Kèm theo Báo cáo số {number} {date})").format(
            number=report_number(document), date=long_date(document.issued_on)),
        _("Số liệu tính đến hết ngày {cutoff}").format(cutoff=short_date(document.cutoff)),
    ]
    if line := communes_line(document):
        notes.append(line)
    return tuple(notes)


def communes_line(document: ReportDocument) -> str:
    """For a consolidation: ``Tổng hợp số liệu của 3 đơn vị: UBND xã A, UBND xã B, UBND xã C.``; else empty."""
    if not document.communes:
        return ""
    return _("Tổng hợp số liệu của {n} đơn vị: {names}.").format(
        n=len(document.communes), names=", ".join(document.communes))


APPENDIX_GROUP = "Kết quả thống kê"
APPENDIX_HEADERS = ("Số TT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu")


def kept_together(rows: Sequence[AppendixRow], *, most: int = 8) -> list[tuple[int, int]]:
    """Runs of appendix rows (first and last index) that a page break must not separate: headings with the row
    after them, a row with its breakdown lines ("Trong đó: …"); at most ``most`` rows each."""
    runs: list[tuple[int, int]] = []
    start = 0
    while start < len(rows):
        end = start
        while end + 1 < len(rows) and rows[end].heading and end - start + 1 < most:
            end += 1
        while end + 1 < len(rows) and not rows[end + 1].heading and rows[end + 1].level > 0 \
                and end - start + 1 < most:
            end += 1
        if end > start:
            runs.append((start, end))
        start = end + 1
    return runs


# --- the PDF ----------------------------------------------------------------------------------------


def _body(text: str) -> list[Flowable]:
    st = styles()
    return [Paragraph(esc(block), st.body) for block in text_blocks(text)]


def _section(section: NarrativeSection) -> list[Flowable]:
    title, level = section_heading(section)
    story: list[Flowable] = []
    if title:
        markup = f"<i>{esc(title)}</i>" if level >= 3 else esc(title)
        story.append(Paragraph(markup, styles().heading))
    return story + _body(section.text)


def _appendix_table(rows: Sequence[AppendixRow]) -> Flowable:
    st = styles()
    number_header, name_header, unit_header, value_header = (_(text) for text in APPENDIX_HEADERS)
    table_rows: list[list[object]] = [
        [Paragraph(esc(number_header), st.cell_header), Paragraph(esc(name_header), st.cell_header),
         Paragraph(esc(_(APPENDIX_GROUP)), st.cell_header), ""],
        ["", "", Paragraph(esc(unit_header), st.cell_header), Paragraph(esc(value_header), st.cell_header)],
    ]
    spans: list[tuple[object, ...]] = [
        ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (2, 0), (3, 0)),
    ]
    for index, row in enumerate(rows, start=len(table_rows)):
        if row.heading:
            table_rows.append([Paragraph(f"<b>{esc(row.number)}</b>", st.cell_centred),
                               Paragraph(f"<b>{esc(row.name)}</b>", st.cell), "", ""])
            spans.append(("SPAN", (1, index), (3, index)))
            continue
        name_style = st.cell
        if row.level > 0:
            name_style = st.cell.clone(f"cell_level{row.level}", leftIndent=INDENT_PER_LEVEL * row.level)
        table_rows.append([
            Paragraph(esc(row.number), st.cell_centred),
            Paragraph(esc(row.name), name_style),
            Paragraph(esc(row.unit), st.cell_centred),
            Paragraph(esc(value_text(row)), st.cell_centred),
        ])
    head = 2
    spans += [("NOSPLIT", (0, head + first), (-1, head + last)) for first, last in kept_together(rows)]
    table = grid_table(table_rows, APPENDIX_WIDTHS, header_rows=head)
    table.setStyle(spans)
    return table


def appendix_story(document: ReportDocument) -> list[Flowable]:
    """The appendix from a new page on, numbered on its own."""
    st = styles()
    story: list[Flowable] = [PageBreak(), NewSection(),
                             *title_block(_(APPENDIX_LABEL), appendix_title(document), space_before=0, space_after=2)]
    story += [balanced_paragraph(line, st.note) for line in appendix_notes(document)]
    story += [Spacer(0, 8), _appendix_table(document.appendix)]
    return story


def report_story(document: ReportDocument) -> list[Flowable]:
    """The report's flowables: header, title, sections, Nơi nhận and signature, then the appendix."""
    letterhead = Letterhead(issuer=issuer_lines(document.unit.name), number=report_number(document),
                            place_date=report_place_date(document))
    story: list[Flowable] = [
        header(letterhead),
        *title_block((document.title or _("BÁO CÁO")).upper(), *([document.subject] if document.subject else []),
                     space_before=14, rule=True),
    ]
    for section in document.sections:
        story += _section(section)
    story.append(closing(report_signature(document), recipients=document.recipients))
    if document.appendix:
        story += appendix_story(document)
    return story


def anchor_line(anchor: Mapping[str, object] | None) -> str:
    """The foot line of the report's pages: where the commune's audit trail stood when it was exported (an
    anchor outside the database, which ``cchc check`` can be given), empty without one."""
    if not anchor:
        return ""
    return _("Nhật ký thay đổi đến mục số {id} — mã …{head} — cơ sở dữ liệu {database}").format(
        id=anchor["last_id"], head=str(anchor["head"])[-16:], database=str(anchor["database_id"])[:8])


def draft_mark(document: ReportDocument) -> str:
    """``DỰ THẢO`` on every page of a draft (PDF: boxed in the top margin; Word: in each section's headers; Excel:
    the sheet's first row and its printed header); empty for a report as sent."""
    return _(DRAFT_MARK) if document.draft else ""


def report_pdf(document: ReportDocument, target: PdfTarget = None) -> bytes:
    """The report as a PDF; returns the bytes and, given ``target``, writes them there (atomically)."""
    title = " ".join(part for part in ((document.title or _("BÁO CÁO")).capitalize(), document.subject) if part)
    if document.draft:
        title = f"{_(DRAFT_MARK)}: {title}"
    return build_pdf(report_story(document), target, title=title, author=document.unit.name,
                     subject=document.period.label, footer=anchor_line(document.audit), mark=draft_mark(document))
