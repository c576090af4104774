"""The dossier forms of the one-stop desk (Thông tư 01/2018/TT-VPCP), as PDFs: DTO in, file out.

- Mẫu 01 :class:`ReceiptForm` → :func:`receipt_pdf`: GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ, with a QR
  code of the dossier code, one page per copy ("Liên 1: Lưu", "Liên 2: Giao người nộp") and a
  "BẢN THAY THẾ" marking when it replaces a voided receipt;
- Mẫu 02 :class:`SupplementRequestForm` → :func:`supplement_request_pdf`: PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ;
- Mẫu 03 :class:`RefusalForm` → :func:`refusal_pdf`: PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ;
- Mẫu 04 :class:`ApologyForm` → :func:`apology_pdf`: PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ.

The desk forms (01–03) carry the desk under the unit in the header ("UBND XÃ HOẰNG HỢP" /
"BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"); the apology is the unit's own letter, signed by its head.
Every builder returns the PDF bytes and writes them to ``target`` when one is given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from cchc_desktop.domain.catalogue import TimeLimitUnit, time_limit_text
from cchc_desktop.domain.dossiers import DossierDocument
from cchc_desktop.domain.papers import Proxy
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.formatting import long_date, place_date, time_and_date
from cchc_desktop.i18n import _
from cchc_desktop.reports.fonts import FAMILY
from cchc_desktop.reports.official import (
    BODY_SIZE,
    FRAME_WIDTH,
    Letterhead,
    NewSection,
    Signature,
    build_pdf,
    capitalise,
    closing,
    esc,
    grid_table,
    short_issuer,
    signature_row,
    styles,
    title_block,
    unit_letterhead,
    unit_signature,
)
from cchc_desktop.reports.official import header as official_header

DESK = "Bộ phận Tiếp nhận và Trả kết quả"
"""The default name of the desk (since 2025 also "Trung tâm Phục vụ hành chính công")."""

BLANK = "………………"
"""Printed for a field left empty, to be filled in by hand."""

QR_SIZE = 24 * mm
PdfTarget = str | os.PathLike[str] | None


@dataclass(frozen=True)
class Applicant:
    """The person filing; ``salutation`` is how the letters address them ("Ông", "Bà" or "Ông/Bà")."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    salutation: str = "Ông/Bà"
    id_number: str = ""  # số định danh cá nhân/tổ chức (the 2025 forms print it)


@dataclass(frozen=True)
class ReceiptForm:
    """Mẫu 01. ``version`` > 1 marks a replacement of a voided receipt (``void_reason`` says why)."""

    code: str
    applicant: Applicant
    procedure: str
    received_at: datetime
    due_at: datetime
    time_limit: int
    time_limit_unit: TimeLimitUnit = TimeLimitUnit.WORKING_DAYS
    documents: tuple[DossierDocument, ...] = ()
    sets: int = 1
    result_place: str = ""  # empty: the desk of the unit
    ledger_book: str = ""
    ledger_line: str = ""
    received_by: str = ""  # the desk officer's name
    number: str = ""
    desk: str = DESK
    version: int = 1
    void_reason: str = ""
    proxy: Proxy | None = None  # the authorised person filing for the applicant (2025 set)
    qr_value: str = ""  # what the QR code holds: the province's lookup address of the dossier; empty: the code

    @property
    def replaces(self) -> bool:
        return self.version > 1


@dataclass(frozen=True)
class SupplementRequestForm:
    """Mẫu 02: what the applicant must complete, why, and whom to ask."""

    applicant: Applicant
    procedure: str
    issued_at: datetime
    requirements: tuple[str, ...]
    reason: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    guide_name: str = ""  # the officer who signs
    code: str = ""  # when the dossier was already received
    number: str = ""
    desk: str = DESK


@dataclass(frozen=True)
class RefusalForm:
    """Mẫu 03: the specific reasons the desk refuses to receive the filing."""

    applicant: Applicant
    procedure: str
    issued_at: datetime
    reasons: tuple[str, ...]
    officer_name: str = ""
    number: str = ""
    desk: str = DESK
    code: str = ""  # «Mã hồ sơ (nếu có)» (2025 set)


@dataclass(frozen=True)
class ApologyForm:
    """Mẫu 04: the dossier is late; the reason, the apology and the new appointment.

    ``signer`` defaults to the unit's signer (settings); ``recipients`` precede "Lưu: VT."."""

    code: str
    applicant: Applicant
    procedure: str
    received_at: datetime
    old_due_at: datetime
    new_due_at: datetime
    reason: str
    issued_on: date
    signer: Signature | None = None
    recipients: tuple[str, ...] = field(default_factory=lambda: ("Như trên",))
    number: str = ""


# --- shared pieces ---------------------------------------------------------------------------------


def field_value(text: str) -> str:
    return esc(text) if text and text.strip() else BLANK


def form_line(label: str, value: str, *, bold: bool = False) -> Paragraph:
    shown = f"<b>{field_value(value)}</b>" if bold and value.strip() else field_value(value)
    return Paragraph(f"{esc(label)} {shown}", styles().line)


def contact_line(applicant: Applicant) -> Paragraph:
    gap = "&nbsp;" * 8
    return Paragraph(f"{esc(_('Số điện thoại:'))} {field_value(applicant.phone)}{gap}"
                     f"{esc(_('E-mail:'))} {field_value(applicant.email)}", styles().line)


def desk_header(unit: UnitSettings, desk: str, number: str, on: date) -> Flowable:
    """UBND XÃ … (regular) over the desk (bold); without a desk name, the unit's own header."""
    where = place_date(unit.place, on) if unit.place else capitalise(long_date(on))
    if not desk.strip():
        return official_header(unit_letterhead(unit, number=number, place_date=where))
    parent = (short_issuer(unit.name),) if unit.name else ()
    return official_header(Letterhead(issuer=(desk.upper(),), parent=parent, number=number, place_date=where))


def desk_of(unit: UnitSettings, desk: str) -> str:
    """``Bộ phận Tiếp nhận và Trả kết quả UBND xã Hoằng Hợp``."""
    return " ".join(part for part in (desk.strip() or DESK, unit.name) if part)


def qr_code(value: str, size: float = QR_SIZE) -> Drawing:
    """A QR code of ``value`` as a ``size``-square drawing (error correction M)."""
    widget = QrCodeWidget(value, barLevel="M", barBorder=2)
    widget.barWidth = widget.barHeight = size
    drawing = Drawing(size, size, initialFontName=FAMILY)
    drawing.add(widget)
    return drawing


def render(story: list[Flowable], target: PdfTarget, *, title: str, unit: UnitSettings, subject: str) -> bytes:
    return build_pdf(story, target, title=title, author=unit.name, subject=subject)


# --- Mẫu 01 ----------------------------------------------------------------------------------------


def documents_table(documents: Sequence[DossierDocument]) -> Flowable:
    st = styles()
    rows: list[list[object]] = [[
        Paragraph(esc(_("TT")), st.cell_header),
        Paragraph(esc(_("Tên giấy tờ")), st.cell_header),
        Paragraph(esc(_("Bản chính/bản sao")), st.cell_header),
        Paragraph(esc(_("Số lượng")), st.cell_header),
    ]]
    for index, document in enumerate(documents, start=1):
        rows.append([
            Paragraph(str(index), st.cell_centred),
            Paragraph(esc(document.name), st.cell),
            Paragraph(esc(document.kind.label), st.cell_centred),
            Paragraph(f"{document.count:02d}", st.cell_centred),
        ])
    if not documents:
        rows.append(["", Paragraph(BLANK, st.cell), "", ""])
    return grid_table(rows, [11 * mm, FRAME_WIDTH - 11 * mm - 42 * mm - 20 * mm, 42 * mm, 20 * mm])


def receipt_marks(form: ReceiptForm, copy_label: str) -> Flowable:
    """The dossier code, the copy and the replacement marking, centred, with the QR code on the right."""
    st = styles()
    middle: list[Flowable] = [Paragraph(f"{esc(_('Mã hồ sơ:'))} <b>{esc(form.code)}</b>", st.centred)]
    if copy_label:
        middle.append(Paragraph(f"({esc(copy_label)})", st.note))
    if form.replaces:
        middle.append(Spacer(0, 3))
        middle.append(Paragraph(f"<b>{esc(_('BẢN THAY THẾ'))}</b> ({esc(_('lần in thứ {n}').format(n=form.version))})",
                                st.centred))
        replaced = _("Thay cho giấy tiếp nhận đã hủy")
        if form.void_reason.strip():
            replaced += _("; lý do: {reason}").format(reason=form.void_reason.strip())
        middle.append(Paragraph(esc(replaced), st.note))
    side = QR_SIZE + 2 * mm
    table = Table([["", middle, qr_code(form.qr_value or form.code)]], colWidths=[side, FRAME_WIDTH - 2 * side, side])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FAMILY, BODY_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (2, 0), (2, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def receipt_story(form: ReceiptForm, unit: UnitSettings, copy_label: str = "") -> list[Flowable]:
    """One copy of Mẫu 01."""
    st = styles()
    desk = desk_of(unit, form.desk)
    story: list[Flowable] = [
        NewSection(),
        desk_header(unit, form.desk, form.number, form.received_at.date()),
        *title_block(_("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), space_after=2),
        receipt_marks(form, copy_label),
        Spacer(0, 6),
        Paragraph(esc(desk), st.line),
        form_line(_("Tiếp nhận hồ sơ của:"), form.applicant.name, bold=True),
        form_line(_("Địa chỉ:"), form.applicant.address),
        contact_line(form.applicant),
        form_line(_("Nội dung yêu cầu giải quyết:"), form.procedure, bold=True),
        Paragraph(esc(_("1. Thành phần hồ sơ nộp gồm:")), st.line),
        documents_table(form.documents),
        Spacer(0, 4),
        form_line(_("2. Số lượng hồ sơ:"), _("{sets:02d} bộ").format(sets=form.sets)),
        form_line(_("3. Thời gian giải quyết hồ sơ theo quy định là:"),
              time_limit_text(form.time_limit, form.time_limit_unit)),
        form_line(_("4. Thời gian nhận hồ sơ:"), time_and_date(form.received_at)),
        form_line(_("5. Thời gian trả kết quả giải quyết hồ sơ:"), time_and_date(form.due_at), bold=True),
        form_line(_("6. Đăng ký nhận kết quả tại:"), form.result_place or desk),
        Paragraph(f"{esc(_('Vào Sổ theo dõi hồ sơ, Quyển số:'))} {field_value(form.ledger_book)}, "
                  f"{esc(_('Số thứ tự:'))} {field_value(form.ledger_line)}", st.line),
        signature_row(
            Signature(_("NGƯỜI NỘP HỒ SƠ"), name=form.applicant.name, note=_("(Ký và ghi rõ họ tên)")),
            Signature(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), name=form.received_by, note=_("(Ký và ghi rõ họ tên)")),
        ),
    ]
    return story


def receipt_pdf(form: ReceiptForm, unit: UnitSettings, target: PdfTarget = None, *,
                two_copies: bool = True) -> bytes:
    """Mẫu 01 as a PDF; with ``two_copies``, one page for the file and one for the applicant."""
    if two_copies:
        copies = [_("Liên 1: Lưu"), _("Liên 2: Giao người nộp")]
        story: list[Flowable] = []
        for index, label in enumerate(copies):
            if index:
                story.append(PageBreak())
            story += receipt_story(form, unit, label)
    else:
        story = receipt_story(form, unit)
    return render(story, target, title=_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả {code}").format(code=form.code),
                   unit=unit, subject=_("Mẫu 01"))


# --- Mẫu 02 ----------------------------------------------------------------------------------------


def numbered(items: Sequence[str], *, dash: bool = False) -> list[Flowable]:
    st = styles()
    cleaned = [item for item in items if item.strip()] or [""]
    return [Paragraph(f"{'-' if dash else f'{n}.'} {field_value(item)}", st.item) for n, item in enumerate(cleaned, 1)]


def supplement_request_story(form: SupplementRequestForm, unit: UnitSettings) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [
        desk_header(unit, form.desk, form.number, form.issued_at.date()),
        *title_block(_("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"), space_after=4),
    ]
    if form.code:
        story.append(Paragraph(f"{esc(_('Mã hồ sơ:'))} <b>{esc(form.code)}</b>", st.centred))
    story += [
        Spacer(0, 6),
        form_line(_("Hồ sơ của:"), form.applicant.name, bold=True),
        form_line(_("Nội dung yêu cầu giải quyết:"), form.procedure, bold=True),
        form_line(_("Địa chỉ:"), form.applicant.address),
        contact_line(form.applicant),
        Paragraph(esc(_("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:")), st.line),
        *numbered(form.requirements),
        form_line(_("Lý do:"), form.reason),
        Paragraph(esc(_(
            "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, {salutation} liên hệ với {name}, "
            "số điện thoại {phone} để được hướng dẫn./."
        ).format(salutation=form.applicant.salutation, name=form.contact_name.strip() or BLANK,
                 phone=form.contact_phone.strip() or BLANK)), st.body),
        closing(Signature(_("NGƯỜI HƯỚNG DẪN"), name=form.guide_name, note=_("(Ký và ghi rõ họ tên)"))),
    ]
    return story


def supplement_request_pdf(form: SupplementRequestForm, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """Mẫu 02 as a PDF."""
    return render(supplement_request_story(form, unit), target, unit=unit, subject=_("Mẫu 02"),
                   title=_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"))


# --- Mẫu 03 ----------------------------------------------------------------------------------------


def refusal_story(form: RefusalForm, unit: UnitSettings) -> list[Flowable]:
    st = styles()
    desk = desk_of(unit, form.desk)
    return [
        desk_header(unit, form.desk, form.number, form.issued_at.date()),
        *title_block(_("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")),
        Paragraph(esc(desk), st.line),
        form_line(_("Tiếp nhận hồ sơ của:"), form.applicant.name, bold=True),
        form_line(_("Địa chỉ:"), form.applicant.address),
        contact_line(form.applicant),
        form_line(_("Nội dung yêu cầu giải quyết:"), form.procedure, bold=True),
        Paragraph(esc(_(
            "Sau khi nghiên cứu, đối chiếu với các quy định hiện hành, {desk} từ chối tiếp nhận, "
            "giải quyết hồ sơ này với lý do cụ thể như sau:"
        ).format(desk=(form.desk.strip() or DESK).lower().capitalize())), st.body),
        *numbered(form.reasons, dash=True),
        Paragraph(esc(_("Xin thông báo cho {salutation} được biết và thực hiện./.").format(
            salutation=form.applicant.salutation)), st.body),
        closing(Signature(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), name=form.officer_name, note=_("(Ký và ghi rõ họ tên)"))),
    ]


def refusal_pdf(form: RefusalForm, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """Mẫu 03 as a PDF."""
    return render(refusal_story(form, unit), target, unit=unit, subject=_("Mẫu 03"),
                   title=_("Phiếu từ chối tiếp nhận giải quyết hồ sơ"))


# --- Mẫu 04 ----------------------------------------------------------------------------------------


def apology_story(form: ApologyForm, unit: UnitSettings) -> list[Flowable]:
    st = styles()
    who = unit.name or _("Cơ quan giải quyết")
    you = form.applicant.salutation
    where = place_date(unit.place, form.issued_on) if unit.place else capitalise(long_date(form.issued_on))

    def body(text: str) -> Paragraph:
        return Paragraph(text, st.body)

    return [
        official_header(unit_letterhead(unit, number=form.number, place_date=where)),
        *title_block(_("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"), space_after=4),
        Paragraph(f"{esc(_('Kính gửi:'))} {esc(you)} <b>{esc(form.applicant.name)}</b>", st.centred),
        Spacer(0, 8),
        body(esc(_("{date}, {unit} tiếp nhận giải quyết hồ sơ của {you} về: {procedure}.").format(
            date=capitalise(long_date(form.received_at.date())), unit=who, you=you, procedure=form.procedure))
             + f" {esc(_('Mã hồ sơ:'))} <b>{esc(form.code)}</b>."),
        body(esc(_("Thời hạn trả kết quả giải quyết hồ sơ ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả: "))
             + f"<b>{esc(time_and_date(form.old_due_at))}</b>."),
        body(esc(_("Tuy nhiên đến nay, {unit} chưa trả kết quả giải quyết hồ sơ cho {you} đúng thời hạn "
                   "ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.").format(unit=who, you=you))),
        body(f"{esc(_('Lý do:'))} {field_value(form.reason)}"),
        body(esc(_("Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của {you}. "
                   "{unit} xin nhận lỗi và xin lỗi {you}.").format(unit=who, you=you))),
        body(esc(_("{unit} xin hẹn lại ngày trả kết quả là: ").format(unit=who))
             + f"<b>{esc(time_and_date(form.new_due_at))}</b>."),
        body(esc(_("Rất mong nhận được sự cảm thông của {you}./.").format(you=you))),
        closing(form.signer or unit_signature(unit), recipients=form.recipients),
    ]


def apology_pdf(form: ApologyForm, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """Mẫu 04 as a PDF."""
    return render(apology_story(form, unit), target, unit=unit, subject=_("Mẫu 04"),
                   title=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả {code}").format(code=form.code))
