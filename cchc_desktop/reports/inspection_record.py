"""The inspection record (BIÊN BẢN KIỂM TRA việc chấp hành kỷ luật, kỷ cương hành chính) as a PDF, in the
official layout of :mod:`.official`: the unit's header, the title, time and place, the basis, the team, the
subject, the checklist as a table, the findings with their remedy, the conclusion, and the signatures of the
subject's representative and the team leader. DTO in (the domain's ``Inspection``), PDF out.

No record number is printed: the application keeps no register of record numbers. A field left empty prints
as a dotted line, to be filled in by hand.
"""

from __future__ import annotations

import os
import re

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from cchc_desktop.domain.inspections import Inspection, InspectionKind, SubjectKind
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.formatting import long_date, place_date, short_date
from cchc_desktop.i18n import _
from cchc_desktop.reports.official import (
    FRAME_WIDTH,
    Signature,
    build_pdf,
    capitalise,
    esc,
    grid_table,
    header,
    signature_row,
    styles,
    title_block,
    unit_letterhead,
)
from cchc_desktop.text import fold

BLANK = "………………"
PdfTarget = str | os.PathLike[str] | None

_MEMBER_SEPARATORS = re.compile(r"[\n;]+")
_NAME_END = re.compile(r"\s+[-–—]\s+|\s*[,(]")
_ACTION = {
    InspectionKind.PLANNED: "kiểm tra theo kế hoạch",
    InspectionKind.UNANNOUNCED: "kiểm tra đột xuất",
    InspectionKind.SELF: "tự kiểm tra",
}


def team(inspectors: str) -> list[str]:
    """The members of the inspecting team: one per line or separated by «;»."""
    return [member.strip() for member in _MEMBER_SEPARATORS.split(inspectors) if member.strip()]


def person_name(member: str) -> str:
    """``Lê Văn Minh - Phó Chủ tịch UBND xã (Trưởng đoàn)`` → ``Lê Văn Minh``."""
    return _NAME_END.split(member, maxsplit=1)[0].strip()


def team_leader(inspectors: str) -> str:
    """The name of the member marked «Trưởng đoàn», else of the first member; empty without members."""
    members = team(inspectors)
    marked = [member for member in members if "truong doan" in fold(member)]
    chosen = marked or members
    return person_name(chosen[0]) if chosen else ""


def _value(text: str) -> str:
    return esc(text) if text.strip() else BLANK


def _heading(text: str) -> Paragraph:
    return Paragraph(f"<b>{esc(text)}</b>", styles().line)


def _checks_table(inspection: Inspection) -> Flowable:
    st = styles()
    rows: list[list[object]] = [[Paragraph(esc(text), st.cell_header) for text in (
        _("TT"), _("Nội dung kiểm tra"), _("Kết quả"), _("Ghi chú"))]]
    for number, check in enumerate(inspection.checks, start=1):
        rows.append([
            Paragraph(str(number), st.cell_centred), Paragraph(esc(check.criterion_text), st.cell),
            Paragraph(esc(check.result.label), st.cell_centred), Paragraph(esc(check.note), st.cell),
        ])
    return grid_table(rows, [10 * mm, FRAME_WIDTH - 10 * mm - 28 * mm - 37 * mm, 28 * mm, 37 * mm])


def _findings_table(inspection: Inspection) -> Flowable:
    st = styles()
    rows: list[list[object]] = [[Paragraph(esc(text), st.cell_header) for text in (
        _("TT"), _("Vấn đề phát hiện"), _("Thời hạn khắc phục"), _("Trách nhiệm khắc phục"), _("Hình thức xử lý"))]]
    for number, finding in enumerate(inspection.findings, start=1):
        deadline = esc(short_date(finding.remedy_deadline))
        if finding.remedied_on is not None:
            remedied = _("Đã khắc phục ngày {day}").format(day=short_date(finding.remedied_on))
            deadline = f"{deadline}<br/><i>{esc(remedied)}</i>" if deadline else f"<i>{esc(remedied)}</i>"
        measure = finding.measure.label if finding.measure else ""
        if measure and finding.official_name:
            measure += f" ({finding.official_name})"
        rows.append([
            Paragraph(str(number), st.cell_centred), Paragraph(esc(finding.description), st.cell),
            Paragraph(deadline, st.cell_centred), Paragraph(esc(finding.responsible), st.cell),
            Paragraph(esc(measure), st.cell),
        ])
    return grid_table(rows, [10 * mm, FRAME_WIDTH - 10 * mm - 30 * mm - 35 * mm - 33 * mm, 30 * mm, 35 * mm,
                             33 * mm])


def _subject_signature(inspection: Inspection) -> Signature:
    note = _("(Ký, ghi rõ họ tên)")
    if inspection.subject_kind is SubjectKind.OFFICIAL:
        return Signature(_("NGƯỜI ĐƯỢC KIỂM TRA"), name=person_name(inspection.subject), note=note)
    return Signature(_("ĐƠN VỊ ĐƯỢC KIỂM TRA"), note=_("(Đại diện ký, ghi rõ họ tên)"))


def inspection_record_story(inspection: Inspection, unit: UnitSettings) -> list[Flowable]:
    """The record's flowables."""
    st = styles()
    day = inspection.inspected_on
    where = place_date(unit.place, day) if unit.place else capitalise(long_date(day))
    members = team(inspection.inspectors)
    story: list[Flowable] = [
        header(unit_letterhead(unit, place_date=where)),
        *title_block(_("BIÊN BẢN KIỂM TRA"), _("Việc chấp hành kỷ luật, kỷ cương hành chính")),
    ]
    if inspection.basis.strip():
        story.append(Paragraph(esc(_("Căn cứ {basis};").format(basis=inspection.basis.strip().rstrip(";."))),
                               st.body))
    story += [
        Paragraph(esc(_("Hôm nay, {day}, tại ").format(day=long_date(day))) + _value(inspection.place) + esc(_(
            ", Đoàn kiểm tra tiến hành {action} việc chấp hành kỷ luật, kỷ cương hành chính đối với {subject}."
        ).format(action=_(_ACTION[inspection.kind]), subject=inspection.subject)), st.body),
        _heading(_("I. THÀNH PHẦN")),
        Paragraph(esc(_("1. Đoàn kiểm tra:")), st.line),
        *[Paragraph(f"- {esc(member)}", st.item) for member in members],
    ]
    if not members:
        story.append(Paragraph(f"- {BLANK}", st.item))
    story += [
        Paragraph(esc(_("2. Đối tượng được kiểm tra ({kind}):").format(kind=inspection.subject_kind.label.lower()))
                  + f" <b>{esc(inspection.subject)}</b>", st.line),
        Paragraph(esc(_("Hình thức kiểm tra: {kind}.").format(kind=inspection.kind.label)), st.line),
        _heading(_("II. NỘI DUNG KIỂM TRA")),
    ]
    if inspection.checks:
        story += [_checks_table(inspection), Spacer(0, 4)]
    else:
        story.append(Paragraph(esc(_("Không ghi kết quả theo danh mục tiêu chí kiểm tra.")), st.body))
    story.append(_heading(_("III. NHỮNG VẤN ĐỀ PHÁT HIỆN")))
    if inspection.findings:
        story += [_findings_table(inspection), Spacer(0, 4)]
    else:
        story.append(Paragraph(esc(_("Không phát hiện vi phạm.")), st.body))
    story += [
        _heading(_("IV. KẾT LUẬN VÀ KIẾN NGHỊ")),
        Paragraph(_value(inspection.conclusion), st.body),
        signature_row(  # the signatures never stand alone on a page
            _subject_signature(inspection),
            Signature(_("TRƯỞNG ĐOÀN KIỂM TRA"), name=team_leader(inspection.inspectors),
                      note=_("(Ký, ghi rõ họ tên)")),
            lead=[Paragraph(esc(_(
                "Biên bản được lập thành 02 bản có giá trị như nhau, Đoàn kiểm tra giữ 01 bản, đối tượng được kiểm "
                "tra giữ 01 bản; đã được đọc lại cho những người có mặt cùng nghe, thống nhất và ký tên./.")),
                st.body)],
        ),
    ]
    return story


def inspection_record_pdf(inspection: Inspection, unit: UnitSettings, target: PdfTarget = None) -> bytes:
    """The record as a PDF (written to ``target`` when given)."""
    return build_pdf(inspection_record_story(inspection, unit), target, author=unit.name,
                     subject=_("Biên bản kiểm tra kỷ luật, kỷ cương hành chính"),
                     title=_("Biên bản kiểm tra {subject} ngày {day}").format(
                         subject=inspection.subject, day=short_date(inspection.inspected_on)))
