"""The dossier forms of Thông tư 03/2025/TT-VPCP (Nghị định 118/2025/NĐ-CP), as PDFs: DTO in, file out.

For dossiers received under the 2025 set (``dossier.form_set``); the 2018 set stays in :mod:`.forms`. Each paper
carries the desk under its parent unit in the header («UBND XÃ HOẰNG HỢP» over «TRUNG TÂM PHỤC VỤ HÀNH CHÍNH
CÔNG XÃ HOẰNG HỢP»), its «Số: …» from the desk's books (``domain.papers.paper_number``) and the place and date:

- Mẫu 01 :func:`receipt_pdf`: GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ, with số định danh, the authorised person,
  how the result is taken and the ledger's book and line; two copies;
- Mẫu 02: :func:`.forms.supplement_request_pdf` (the same paper in both sets, given the 2025 header and number);
- Mẫu 03 :func:`refusal_pdf`: PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ, the desk's refusal, signed by both sides;
- Mẫu 04 :func:`apology_pdf`: PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT, signed by the head of the unit;
- Mẫu 05 :func:`stop_notice_pdf`: THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ, when the citizen withdraws;
- :func:`refusal_notice_pdf`: the unit's own letter refusing a dossier after processing (no form of either set).

The control sheet (Mẫu 06) and the ledger (Mẫu 07) are in :mod:`.tracking`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from cchc_desktop.domain.papers import Proxy
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.formatting import long_date, place_date, time_and_date
from cchc_desktop.i18n import _
from cchc_desktop.reports.forms import (
    ApologyForm,
    Applicant,
    PdfTarget,
    ReceiptForm,
    RefusalForm,
    contact_line,
    desk_header,
    documents_table,
    field_value,
    form_line,
    numbered,
    receipt_marks,
    render,
    time_limit_text,
)
from cchc_desktop.reports.official import (
    NewSection,
    Signature,
    capitalise,
    closing,
    document_number,
    esc,
    header,
    signature_row,
    styles,
    title_block,
    unit_letterhead,
    unit_signature,
)

BY_HAND = _("(Ký và ghi rõ họ tên)")


@dataclass(frozen=True)
class StopNoticeForm:
    """Mẫu 05: processing stops at the citizen's request (the withdrawal), with its reason."""

    code: str
    applicant: Applicant
    procedure: str
    received_at: datetime
    stopped_at: datetime
    reason: str
    number: str = ""
    signer: Signature | None = None
    recipients: tuple[str, ...] = field(default_factory=lambda: ("Như trên",))


@dataclass(frozen=True)
class RefusalNoticeForm:
    """The unit's written refusal of a dossier after processing, with its reasons (its own letter, numbered by
    the unit's clerk: the number is left blank)."""

    code: str
    applicant: Applicant
    procedure: str
    received_at: datetime
    refused_at: datetime
    reasons: tuple[str, ...]
    signer: Signature | None = None
    recipients: tuple[str, ...] = field(default_factory=lambda: ("Như trên",))


def _applicant_lines(applicant: Applicant, label: str) -> list[Flowable]:
    """«<label> <b>name</b>», «Số định danh cá nhân/tổ chức: …», address, phone and e-mail."""
    return [
        form_line(label, applicant.name, bold=True),
        form_line(_("Số định danh cá nhân/tổ chức:"), applicant.id_number),
        form_line(_("Địa chỉ:"), applicant.address),
        contact_line(applicant),
    ]


def _proxy_lines(proxy: Proxy | None) -> list[Flowable]:
    """The authorised person's details, when someone files for the applicant."""
    if proxy is None:
        return []
    return [
        form_line(_("Người được ủy quyền nộp hồ sơ:"), proxy.name, bold=True),
        form_line(_("Số định danh cá nhân:"), proxy.id_number),
        form_line(_("Địa chỉ:"), proxy.address),
        contact_line(Applicant(name=proxy.name, phone=proxy.phone, email=proxy.email)),
        form_line(_("Giấy tờ ủy quyền:"), proxy.paper),
    ]


def _where(unit: UnitSettings, on: date) -> str:
    return place_date(unit.place, on) if unit.place else capitalise(long_date(on))


def _pdf(story: list[Flowable], target: PdfTarget, unit: UnitSettings, *, title: str, number: str) -> bytes:
    return render(story, target, title=title, unit=unit, subject=_("Mẫu {number} (Thông tư 03/2025/TT-VPCP)").format(
        number=number))


# --- Mẫu 01 ----------------------------------------------------------------------------------------


def receipt_story(form: ReceiptForm, unit: UnitSettings, copy_label: str = "") -> list[Flowable]:
    """One copy of Mẫu 01 (2025)."""
    st = styles()
    filer = form.proxy.name if form.proxy else form.applicant.name
    ledger = (f"{esc(_('Vào Sổ theo dõi hồ sơ, Quyển số:'))} {field_value(form.ledger_book)}, "
              f"{esc(_('Số thứ tự:'))} {field_value(form.ledger_line)}")
    return [
        NewSection(),
        desk_header(unit, form.desk, form.number, form.received_at.date()),
        *title_block(_("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), space_after=2),
        receipt_marks(form, copy_label),
        Spacer(0, 4),
        Paragraph(esc(form.desk), st.line),
        *_applicant_lines(form.applicant, _("Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức:")),
        *_proxy_lines(form.proxy),
        form_line(_("Nội dung yêu cầu giải quyết:"), form.procedure, bold=True),
        Paragraph(esc(_("Thành phần hồ sơ nộp gồm:")), st.line),
        documents_table(form.documents),
        Spacer(0, 4),
        form_line(_("Số lượng hồ sơ:"), _("{sets:02d} (bộ)").format(sets=form.sets)),
        form_line(_("Thời gian giải quyết hồ sơ theo quy định là:"),
                  time_limit_text(form.time_limit, form.time_limit_unit)),
        form_line(_("Thời gian nhận hồ sơ:"), time_and_date(form.received_at)),
        form_line(_("Thời gian trả kết quả giải quyết hồ sơ:"), time_and_date(form.due_at), bold=True),
        form_line(_("Đăng ký nhận kết quả tại:"), form.result_place),
        Paragraph(ledger, st.line),
        signature_row(
            Signature(_("NGƯỜI NỘP HỒ SƠ"), name=filer, note=BY_HAND),
            Signature(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), name=form.received_by, note=BY_HAND),
        ),
    ]


def receipt_pdf(form: ReceiptForm, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """Mẫu 01 (2025) as a PDF: one page for the desk's file, one for the citizen."""
    story: list[Flowable] = []
    for index, label in enumerate((_("Liên 1: Lưu"), _("Liên 2: Giao người nộp"))):
        if index:
            story.append(PageBreak())
        story += receipt_story(form, unit, label)
    return _pdf(story, target, unit, number="01",
                title=_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả {code}").format(code=form.code))


# --- Mẫu 03 ----------------------------------------------------------------------------------------


def refusal_pdf(form: RefusalForm, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """Mẫu 03 (2025): the desk does not receive the filing; signed by the one who filed and the officer."""
    st = styles()
    story: list[Flowable] = [
        desk_header(unit, unit.desk, form.number, form.issued_at.date()),
        *title_block(_("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")),
        Paragraph(esc(unit.desk), st.line),
        *_applicant_lines(form.applicant, _("Tiếp nhận hồ sơ của:")),
        form_line(_("Mã hồ sơ (nếu có):"), form.code),
        form_line(_("Nội dung yêu cầu giải quyết:"), form.procedure, bold=True),
        Paragraph(esc(_("Qua xem xét, {desk} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể "
                        "như sau:").format(desk=unit.desk)), st.body),
        *numbered(form.reasons, dash=True),
        Paragraph(esc(_("Xin thông báo cho {salutation} được biết và thực hiện./.").format(
            salutation=form.applicant.salutation)), st.body),
        signature_row(
            Signature(_("NGƯỜI NỘP HỒ SƠ"), name=form.applicant.name, note=BY_HAND),
            Signature(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), name=form.officer_name, note=BY_HAND),
        ),
    ]
    return _pdf(story, target, unit, number="03", title=_("Phiếu từ chối tiếp nhận giải quyết hồ sơ"))


# --- the letters of the unit: Mẫu 04, Mẫu 05, the refusal after processing ------------------------------


def _letter_start(unit: UnitSettings, number: str, on: date, title: str, applicant: Applicant) -> list[Flowable]:
    st = styles()
    return [
        desk_header(unit, unit.desk, number, on),
        *title_block(title, space_after=4),
        Paragraph(f"{esc(_('Kính gửi:'))} {esc(applicant.salutation)} <b>{esc(applicant.name)}</b>", st.centred),
        Spacer(0, 8),
    ]


def _procedure_in_sentence(procedure: str) -> str:
    """«Thủ tục đăng ký khai sinh (1.000689)» as it follows «thủ tục hành chính»: without its own «Thủ tục»."""
    head = "thủ tục "
    return procedure[len(head):] if procedure.lower().startswith(head) else procedure


def _sentence(text: str) -> str:
    """A reason typed without its full stop, given one."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


def _received(unit: UnitSettings, received_at: datetime, procedure: str, applicant: Applicant, code: str) -> str:
    """«Ngày 04 tháng 6 năm 2024, UBND xã … tiếp nhận giải quyết hồ sơ … của Ông/Bà …; số định danh: …; mã số
    hồ sơ: …» (markup)."""
    who = unit.name or _("cơ quan giải quyết")
    text = _("{date}, {unit} tiếp nhận giải quyết hồ sơ đề nghị giải quyết thủ tục hành chính {procedure} của "
             "{you} {name}").format(date=capitalise(long_date(received_at.date())), unit=who,
                                    procedure=_procedure_in_sentence(procedure),
                                    you=applicant.salutation, name=applicant.name)
    return (f"{esc(text)}; {esc(_('số định danh:'))} {field_value(applicant.id_number)}; "
            f"{esc(_('mã số hồ sơ:'))} <b>{esc(code)}</b>.")


def apology_pdf(form: ApologyForm, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """Mẫu 04 (2025), signed by the head of the unit (the settings' signer, Nghị định 30 authority)."""
    st = styles()
    who = unit.name or _("Cơ quan giải quyết")
    you = form.applicant.salutation

    def body(text: str) -> Paragraph:
        return Paragraph(text, st.body)

    story = [
        *_letter_start(unit, form.number, form.issued_on,
                       _("PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"), form.applicant),
        body(_received(unit, form.received_at, form.procedure, form.applicant, form.code)),
        body(esc(_("Thời gian hẹn trả kết quả giải quyết hồ sơ: ")) + f"<b>{esc(time_and_date(form.old_due_at))}</b>."),
        body(esc(_("Tuy nhiên đến nay, {unit} chưa trả kết quả giải quyết hồ sơ của {you} đúng thời hạn quy định "
                   "ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.").format(unit=who, you=you))),
        body(f"{esc(_('Lý do:'))} {field_value(form.reason)}"),
        body(esc(_("{unit} xin trân trọng gửi lời xin lỗi đến {you} vì sự chậm trễ trong quá trình giải quyết hồ sơ "
                   "có thể gây phiền hà, tốn kém về chi phí, công sức của {you}.").format(unit=who, you=you))),
        body(esc(_("{unit} xin lỗi {you} và sẽ trả kết quả giải quyết hồ sơ cho {you} vào ").format(unit=who, you=you))
             + f"<b>{esc(time_and_date(form.new_due_at))}</b>."),
        body(esc(_("Mong nhận được sự thông cảm của {you} vì sự chậm trễ này./.").format(you=you))),
        closing(form.signer or unit_signature(unit), recipients=form.recipients),
    ]
    return _pdf(story, target, unit, number="04",
                title=_("Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết {code}").format(code=form.code))


def stop_notice_pdf(form: StopNoticeForm, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """Mẫu 05: processing of the dossier stops at the citizen's request; signed by the head of the unit."""
    st = styles()
    you = form.applicant.salutation

    def body(text: str) -> Paragraph:
        return Paragraph(text, st.body)

    story = [
        *_letter_start(unit, form.number, form.stopped_at.date(), _("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
                       form.applicant),
        body(_received(unit, form.received_at, form.procedure, form.applicant, form.code)),
        body(esc(_("{date}, {you} đề nghị dừng giải quyết hồ sơ nêu trên.").format(
            date=capitalise(long_date(form.stopped_at.date())), you=you))
             + f" {esc(_('Lý do:'))} {field_value(_sentence(form.reason))}"),
        body(esc(_("{unit} thông báo dừng giải quyết hồ sơ từ {moment}. Hồ sơ đã nộp được trả lại cho {you} tại "
                   "{desk}.").format(unit=unit.name or _("Cơ quan giải quyết"), moment=time_and_date(form.stopped_at),
                                     you=you, desk=unit.desk))),
        body(esc(_("Xin thông báo để {you} được biết./.").format(you=you))),
        closing(form.signer or unit_signature(unit), recipients=form.recipients),
    ]
    return _pdf(story, target, unit, number="05",
                title=_("Thông báo dừng giải quyết hồ sơ {code}").format(code=form.code))


def refusal_notice_pdf(form: RefusalNoticeForm, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """The unit's letter refusing a dossier after processing, with its reasons (not Mẫu 03, which is the desk's
    refusal to receive): the unit's letterhead, a number left for its clerk, signed by its signer."""
    st = styles()
    you = form.applicant.salutation
    letterhead = unit_letterhead(unit, number=document_number("", "TB-UBND"),
                                 place_date=_where(unit, form.refused_at.date()))
    story: list[Flowable] = [
        header(letterhead),
        *title_block(_("THÔNG BÁO"), _("Về việc từ chối giải quyết hồ sơ"), rule=True, space_after=4),
        Paragraph(f"{esc(_('Kính gửi:'))} {esc(you)} <b>{esc(form.applicant.name)}</b>", st.centred),
        Spacer(0, 8),
        Paragraph(_received(unit, form.received_at, form.procedure, form.applicant, form.code), st.body),
        Paragraph(esc(_("Sau khi xem xét, {unit} từ chối giải quyết hồ sơ với lý do như sau:").format(
            unit=unit.name or _("cơ quan giải quyết"))), st.body),
        *numbered(form.reasons, dash=True),
        Paragraph(esc(_("{you} nhận lại hồ sơ tại {desk}. Xin thông báo để {you} được biết./.").format(
            you=you, desk=unit.desk)), st.body),
        closing(form.signer or unit_signature(unit), recipients=form.recipients),
    ]
    return render(story, target, unit=unit, subject=_("Văn bản từ chối giải quyết hồ sơ"),
                  title=_("Thông báo từ chối giải quyết hồ sơ {code}").format(code=form.code))
