"""The tracking papers of the one-stop desk, DTO in, PDF out: the control sheet (Phiếu kiểm soát quá trình giải
quyết hồ sơ: Mẫu 05 of the 2018 set, Mẫu 06 of the 2025 set) and the ledger (Sổ theo dõi hồ sơ, landscape: Mẫu 06
of 2018 over a period, Mẫu 07 of 2025 one book per field), and the desk's morning work list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.formatting import date_time, place_date, time_and_date
from cchc_desktop.i18n import _
from cchc_desktop.reports.fonts import FAMILY, register_fonts
from cchc_desktop.reports.forms import BLANK, desk_header
from cchc_desktop.reports.official import (
    NewSection,
    build_pdf,
    esc,
    grid_table,
    header,
    styles,
    title_block,
    unit_letterhead,
)

LEDGER_ROWS_PER_TABLE = 400  # long ledgers are laid out table by table: reportlab splits each in pages


@dataclass(frozen=True)
class ControlStep:
    """One hand-over of the dossier: which side gives it and which takes it (with the person of each side, where
    known: the officer who recorded the step, the citizen), when, and how it stood against the deadline."""

    handed_by: str
    received_by: str
    at: datetime
    result: str = ""  # Trước hạn / Đúng hạn / Quá hạn, where it applies
    note: str = ""
    giver: str = ""
    taker: str = ""


@dataclass(frozen=True)
class ControlSheet:
    code: str
    applicant: str
    procedure: str
    received_at: datetime
    due_at: datetime
    handling_unit: str
    steps: tuple[ControlStep, ...]
    number: str = ""  # «15/PKS-TTPVHCC» (2025)
    co_handling: str = ""  # «Cơ quan phối hợp giải quyết hồ sơ» (2025), blank for the pen when unknown


@dataclass(frozen=True)
class LedgerRow:
    number: int | None  # the line (2018: the row of the printout; 2025: the line in its book, None before the books)
    code: str
    procedure: str
    sets: int
    applicant: str
    address_phone: str
    handling_unit: str
    received_at: datetime
    due_at: datetime
    transferred_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    note: str = ""
    delivery: str = ""  # «Phương thức nhận kết quả» (2025)


@dataclass(frozen=True)
class LedgerBook:
    """One book of the 2025 ledger: a field's dossiers of a year (``number`` None: the dossiers of the field
    received before the program kept books)."""

    field: str
    year: int
    number: int | None
    paper_number: str  # «03/STD-TTPVHCC»
    rows: tuple[LedgerRow, ...]


def _cell_style(size: float = 9) -> ParagraphStyle:
    return ParagraphStyle("cell", fontName=FAMILY, fontSize=size, leading=size * 1.2)


def _cells(values: Iterable[object], style: ParagraphStyle) -> list[Paragraph]:
    return [Paragraph(esc(value), style) for value in values]


def _when(value: datetime | None) -> str:
    return date_time(value) if value else ""


def _party(side: str, person: str) -> str:
    return f"{side} ({person})" if person else side


def control_sheet_pdf(sheet: ControlSheet, unit: UnitSettings, target: str | None = None) -> bytes:
    """Mẫu 05 of the 2018 set: the control sheet of one dossier's processing."""
    register_fonts()  # paragraphs need the family before the document is built
    st = styles()
    cell = _cell_style(11)
    rows: list[list[object]] = [[Paragraph(f"<b>{esc(text)}</b>", cell) for text in (
        _("Tên cơ quan, bộ phận"), _("Thời gian giao, nhận hồ sơ"), _("Kết quả giải quyết hồ sơ"), _("Ghi chú"))]]
    for step in sheet.steps:
        rows.append([
            Paragraph(f"{esc(_('1. Giao:'))} {esc(_party(step.handed_by, step.giver))}<br/>{esc(_('2. Nhận:'))} "
                      f"{esc(_party(step.received_by, step.taker))}", cell),
            Paragraph(esc(time_and_date(step.at)), cell),
            Paragraph(esc(step.result), cell),
            Paragraph(esc(step.note), cell),
        ])
    story: list[Flowable] = [
        header(unit_letterhead(unit, place_date=place_date(unit.place, sheet.received_at.date()) if unit.place
                               else "")),
        *title_block(_("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"), space_after=4),
        Paragraph(f"{esc(_('Mã hồ sơ:'))} <b>{esc(sheet.code)}</b>", st.line),
        Paragraph(f"{esc(_('Người nộp hồ sơ:'))} {esc(sheet.applicant)}", st.line),
        Paragraph(f"{esc(_('Thủ tục:'))} {esc(sheet.procedure)}", st.line),
        Paragraph(f"{esc(_('Cơ quan (bộ phận) giải quyết hồ sơ:'))} {esc(sheet.handling_unit)}", st.line),
        Paragraph(f"{esc(_('Thời gian tiếp nhận:'))} {esc(time_and_date(sheet.received_at))}; "
                  f"{esc(_('hẹn trả:'))} {esc(time_and_date(sheet.due_at))}", st.line),
        Spacer(0, 6),
        grid_table(rows, [62 * mm, 45 * mm, 30 * mm, 28 * mm]),
    ]
    return build_pdf(story, target, title=_("Phiếu kiểm soát quá trình giải quyết hồ sơ {code}").format(
        code=sheet.code), author=unit.name, subject=_("Mẫu 05"))


LEDGER_HEADERS = (
    "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số bộ", "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức",
    "Ghi chú",
)
LEDGER_WIDTHS_MM = (10, 29, 40, 10, 24, 26, 16, 17, 17, 17, 17, 17, 12)  # 252 mm: A4 landscape less margins


def ledger_pdf(rows: Sequence[LedgerRow], unit: UnitSettings, *, first: date, last: date,
               target: str | None = None) -> bytes:
    """Mẫu 06: the tracking ledger of the dossiers received from ``first`` to ``last`` (landscape)."""
    register_fonts()
    cell = _cell_style(8.5)
    head = _cell_style(8.5)
    widths = [w * mm for w in LEDGER_WIDTHS_MM]
    header_row = [Paragraph(f"<b>{esc(_(text))}</b>", head) for text in LEDGER_HEADERS]
    story: list[Flowable] = [
        Paragraph(f"<b>{esc(unit.name.upper())}</b>", styles().line),
        *title_block(_("SỔ THEO DÕI HỒ SƠ"), _("Từ ngày {first} đến ngày {last}").format(
            first=first.strftime("%d/%m/%Y"), last=last.strftime("%d/%m/%Y")), space_after=6),
    ]
    if not rows:
        story.append(Paragraph(esc(_("Không có hồ sơ nào trong khoảng thời gian này.")), styles().line))
    for start in range(0, len(rows), LEDGER_ROWS_PER_TABLE):
        chunk = rows[start:start + LEDGER_ROWS_PER_TABLE]
        table_rows: list[list[object]] = [header_row]
        for row in chunk:
            table_rows.append(_cells((
                row.number, row.code, row.procedure, row.sets, row.applicant, row.address_phone, row.handling_unit,
                _when(row.received_at), _when(row.due_at), _when(row.transferred_at), _when(row.result_at),
                _when(row.returned_at), row.note), cell))
        story.append(grid_table(table_rows, widths))
    return build_pdf(story, target, title=_("Sổ theo dõi hồ sơ"), author=unit.name, subject=_("Mẫu 06"),
                     landscape=True)


# --- the 2025 set: Mẫu 06 and Mẫu 07 -----------------------------------------------------------------------


def control_sheet_2025_pdf(sheet: ControlSheet, unit: UnitSettings, target: str | None = None) -> bytes:
    """Mẫu 06 of the 2025 set: the desk's header and number, the co-handling body, and each hand-over as
    «1. Giao: … 2. Nhận: …» with its time, its result against the appointment and the two signature cells."""
    register_fonts()
    st = styles()
    cell = _cell_style(11)
    bold = [Paragraph(f"<b>{esc(text)}</b>", cell) for text in (
        _("Tên đơn vị"), _("Thời gian giao nhận hồ sơ"), _("Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)"),
        _("Ghi chú"))]
    rows: list[list[object]] = [bold]
    spans = []
    for step in sheet.steps:
        rows.append([
            Paragraph(f"<b>{esc(_('1. Giao:'))}</b> {esc(step.handed_by)}<br/><b>{esc(_('2. Nhận:'))}</b> "
                      f"{esc(step.received_by)}", cell),
            Paragraph(esc(time_and_date(step.at)), cell),
            Paragraph(esc(step.result), cell),
            Paragraph(esc(step.note), cell),
        ])
        rows.append([
            Paragraph(f"<b>{esc(_('Người giao'))}</b><br/><br/>{esc(step.giver)}", _centred(cell)),
            Paragraph(f"<b>{esc(_('Người nhận'))}</b><br/><br/>{esc(step.taker)}", _centred(cell)), "", ""])
        spans.append(len(rows) - 1)
    table = grid_table(rows, [55 * mm, 42 * mm, 40 * mm, 28 * mm])
    table.setStyle([("SPAN", (2, row), (3, row)) for row in spans])
    story: list[Flowable] = [
        desk_header(unit, unit.desk, sheet.number, sheet.received_at.date()),
        *title_block(_("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"), space_after=4),
        Paragraph(f"{esc(_('Mã số hồ sơ:'))} <b>{esc(sheet.code)}</b>", st.line),
        Paragraph(f"{esc(_('Người nộp hồ sơ:'))} {esc(sheet.applicant)}", st.line),
        Paragraph(f"{esc(_('Thủ tục:'))} {esc(sheet.procedure)}", st.line),
        Paragraph(f"{esc(_('Cơ quan (bộ phận) giải quyết hồ sơ:'))} {esc(sheet.handling_unit)}", st.line),
        Paragraph(f"{esc(_('Cơ quan phối hợp giải quyết hồ sơ:'))} {esc(sheet.co_handling) or BLANK}", st.line),
        Paragraph(f"{esc(_('Ngày nhận:'))} {esc(time_and_date(sheet.received_at))}", st.line),
        Paragraph(f"{esc(_('Hẹn trả kết quả vào'))} {esc(time_and_date(sheet.due_at))}", st.line),
        Spacer(0, 6),
        table,
        Spacer(0, 6),
        Paragraph(f"<i>{esc(_('Ghi chú:'))}</i> " + esc(_("Kết quả giải quyết hồ sơ do bên nhận ghi khi nhận bàn "
                                                          "giao hồ sơ.")), st.line),
    ]
    return build_pdf(story, target, title=_("Phiếu kiểm soát quá trình giải quyết hồ sơ {code}").format(
        code=sheet.code), author=unit.name, subject=_("Mẫu 06 (Thông tư 03/2025/TT-VPCP)"))


def _centred(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_centred", parent=style, alignment=TA_CENTER)


LEDGER_2025_HEADERS = (
    "STT", "Mã hồ sơ", "Tên TTHC", "Tên tổ chức, cá nhân", "Địa chỉ/SĐT", "Cơ quan chủ trì giải quyết",
)
LEDGER_2025_RETURN = ("Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả", "Phương thức nhận kết quả", "Ký nhận")
LEDGER_2025_WIDTHS_MM = (11, 30, 44, 28, 31, 22, 17, 17, 17, 18, 17)  # 252 mm


def ledger_2025_pdf(books: Sequence[LedgerBook], unit: UnitSettings, *, first: date, last: date,
                    target: str | None = None) -> bytes:
    """Mẫu 07 of the 2025 set: each field's book of the period on its own pages, its lines in order, with how
    the result is taken and a cell for the citizen to sign when taking it (landscape)."""
    register_fonts()
    st = styles()
    cell, head = _cell_style(8.5), _centred(_cell_style(8.5))
    widths = [w * mm for w in LEDGER_2025_WIDTHS_MM]
    top = [Paragraph(f"<b>{esc(_(text))}</b>", head) for text in LEDGER_2025_HEADERS]
    top += [Paragraph(f"<b>{esc(_('Nhận và trả kết quả'))}</b>", head), "", "", "", ""]
    second: list[object] = [""] * len(LEDGER_2025_HEADERS)
    second += [Paragraph(f"<b>{esc(_(text))}</b>", head) for text in LEDGER_2025_RETURN]
    period = _("Từ ngày {first} đến ngày {last}").format(first=first.strftime("%d/%m/%Y"),
                                                         last=last.strftime("%d/%m/%Y"))
    story: list[Flowable] = []
    if not books:
        story += [desk_header(unit, unit.desk, "", last), *title_block(_("SỔ THEO DÕI HỒ SƠ"), period),
                  Paragraph(esc(_("Không có hồ sơ nào trong khoảng thời gian này.")), st.line)]
    for index, book in enumerate(books):
        if index:
            story.append(PageBreak())
        which = (_("Lĩnh vực: {field} — Quyển số {number:02d}/{year}").format(
            field=book.field, number=book.number, year=book.year) if book.number is not None
            else _("Lĩnh vực: {field} — hồ sơ tiếp nhận trước khi lập sổ").format(field=book.field))
        story += [NewSection(), desk_header(unit, unit.desk, book.paper_number, last),
                  *title_block(_("SỔ THEO DÕI HỒ SƠ"), which, period, space_after=6)]
        for start in range(0, len(book.rows), LEDGER_ROWS_PER_TABLE):
            rows: list[list[object]] = [top, second]
            for row in book.rows[start:start + LEDGER_ROWS_PER_TABLE]:
                rows.append(_cells((
                    row.number if row.number is not None else "–", row.code, row.procedure, row.applicant,
                    row.address_phone, row.handling_unit, _when(row.received_at), _when(row.due_at),
                    _when(row.returned_at), row.delivery, ""), cell))
            table = grid_table(rows, widths, header_rows=2)
            table.setStyle([("SPAN", (column, 0), (column, 1)) for column in range(len(LEDGER_2025_HEADERS))]
                           + [("SPAN", (len(LEDGER_2025_HEADERS), 0), (-1, 0))])
            story.append(table)
        story.append(Spacer(0, 4))
        story.append(Paragraph(f"<i>{esc(_('Ghi chú:'))}</i> {esc(_('Sổ theo dõi hồ sơ được lập theo từng lĩnh vực.'))}"
                               + (f" {esc(_('STT «–»: hồ sơ tiếp nhận trước khi chương trình lập sổ.'))}"
                                  if book.number is None else ""), _cell_style(9)))
    return build_pdf(story, target, title=_("Sổ theo dõi hồ sơ"), author=unit.name,
                     subject=_("Mẫu 07 (Thông tư 03/2025/TT-VPCP)"), landscape=True)


@dataclass(frozen=True)
class QueueLine:
    code: str
    applicant: str
    procedure: str
    due_at: datetime
    status: str


@dataclass(frozen=True)
class QueueSection:
    title: str
    lines: tuple[QueueLine, ...]
    total: int  # may exceed len(lines) when the list was cut


def work_list_pdf(sections: Sequence[QueueSection], unit: UnitSettings, *, day: date,
                  target: str | None = None) -> bytes:
    """The morning list of the desk (Việc hôm nay): one table per queue."""
    register_fonts()
    st = styles()
    cell = _cell_style(10)
    story: list[Flowable] = [
        Paragraph(f"<b>{esc(unit.name.upper())}</b>", st.line),
        *title_block(_("DANH SÁCH VIỆC CẦN LÀM"), place_date(unit.place, day) if unit.place else
                     day.strftime("%d/%m/%Y"), space_after=6),
    ]
    widths = [10 * mm, 42 * mm, 35 * mm, 45 * mm, 33 * mm]
    for section in sections:
        story.append(Paragraph(f"<b>{esc(section.title)} ({section.total})</b>", st.line))
        if not section.lines:
            story.append(Paragraph(esc(_("Không có hồ sơ.")), st.line))
            continue
        rows: list[list[object]] = [[Paragraph(f"<b>{esc(_(h))}</b>", cell) for h in (
            "STT", "Mã hồ sơ", "Người nộp", "Thủ tục", "Hẹn trả")]]
        rows += [_cells((number, line.code, line.applicant, line.procedure, _when(line.due_at)), cell)
                 for number, line in enumerate(section.lines, start=1)]
        story.append(grid_table(rows, widths))
        if section.total > len(section.lines):
            story.append(Paragraph(esc(_("… và {n} hồ sơ khác (xem trên máy).")).format(
                n=section.total - len(section.lines)), st.line))
        story.append(Spacer(0, 6))
    return build_pdf(story, target, title=_("Danh sách việc cần làm"), author=unit.name, subject=_("Việc hôm nay"))
