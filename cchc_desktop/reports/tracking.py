"""The tracking papers of the one-stop desk: Mẫu 05 (Phiếu kiểm soát quá trình giải quyết hồ sơ) and
Mẫu 06 (Sổ theo dõi hồ sơ, landscape). DTO in, PDF out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.formatting import date_time, place_date, time_and_date
from cchc_desktop.i18n import _
from cchc_desktop.reports.fonts import FAMILY, register_fonts
from cchc_desktop.reports.official import (
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
    """One hand-over of the dossier: who gives it, who takes it, when, and how it stood against the deadline."""

    handed_by: str
    received_by: str
    at: datetime
    result: str = ""  # Trước hạn / Đúng hạn / Trễ hạn, where it applies
    note: str = ""


@dataclass(frozen=True)
class ControlSheet:
    code: str
    applicant: str
    procedure: str
    received_at: datetime
    due_at: datetime
    handling_unit: str
    steps: tuple[ControlStep, ...]


@dataclass(frozen=True)
class LedgerRow:
    number: int
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


def _cell_style(size: float = 9) -> ParagraphStyle:
    return ParagraphStyle("cell", fontName=FAMILY, fontSize=size, leading=size * 1.2)


def _cells(values: Iterable[object], style: ParagraphStyle) -> list[Paragraph]:
    return [Paragraph(esc(value), style) for value in values]


def _when(value: datetime | None) -> str:
    return date_time(value) if value else ""


def control_sheet_pdf(sheet: ControlSheet, unit: UnitSettings, target: str | None = None) -> bytes:
    """Mẫu 05: the control sheet of one dossier's processing."""
    register_fonts()  # paragraphs need the family before the document is built
    st = styles()
    cell = _cell_style(11)
    rows: list[list[object]] = [[Paragraph(f"<b>{esc(text)}</b>", cell) for text in (
        _("Tên cơ quan, bộ phận"), _("Thời gian giao, nhận hồ sơ"), _("Kết quả giải quyết hồ sơ"), _("Ghi chú"))]]
    for step in sheet.steps:
        rows.append([
            Paragraph(f"{esc(_('1. Giao:'))} {esc(step.handed_by)}<br/>{esc(_('2. Nhận:'))} "
                      f"{esc(step.received_by)}", cell),
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
