"""The narrative of the periodic report (sections I–V of seeds 000 and 002), pre-written from the figures in
the seeds' plain style: "Tổng số hồ sơ đã tiếp nhận: 494 hồ sơ. Trong đó: tiếp nhận trực tiếp 45 hồ sơ; …".

Pure functions: figures in, sections out; no I/O. Every number is formatted by :mod:`cchc_desktop.formatting`;
counts from 1 to 9 take a leading zero as official papers write them ("04 hồ sơ"). A rate over nothing is
left out with a sentence saying there was nothing to count, never "0%". What no record can tell (propaganda,
feedback handling, the assessment, the next period's tasks, requests) is a short instruction in square
brackets for the officer to replace: "[Nêu kiến nghị, đề xuất với cấp trên …]".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from cchc_desktop import formatting
from cchc_desktop.domain.figures import Figures
from cchc_desktop.domain.periods import ROMAN, Period
from cchc_desktop.domain.plans import DirectiveDocument, Plan
from cchc_desktop.domain.records import ReportKind
from cchc_desktop.domain.report import NarrativeSection, Value
from cchc_desktop.domain.surveys import SurveyMethod
from cchc_desktop.i18n import _
from cchc_desktop.text import fold

SECTION_KEYS = ("I", "I.1", "I.2", "I.3", "I.4", "I.5", "II", "II.1", "II.2", "II.3", "II.4", "II.5", "II.6",
                "III", "III.1", "III.2", "IV", "V")


@dataclass(frozen=True)
class NarrativeInput:
    """What the sentences are made of: the period's figures, the typed-in appendix values, and the facts of the
    plan and the directive documents of the period (number, date, title: no personal data)."""

    figures: Figures
    unit_name: str
    parent: str = ""
    manual: Mapping[str, Value] = field(default_factory=dict)
    plan: Plan | None = None
    documents: Sequence[DirectiveDocument] = ()


def count(value: int | float | None) -> str:
    """``4`` → ``04``; ``494`` → ``494``; ``1648`` → ``1.648``; ``0`` → ``0``."""
    if value is None:
        return formatting.NO_VALUE
    if isinstance(value, int) and 1 <= value <= 9:
        return f"0{value}"
    return formatting.number(value)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def subject(period: Period) -> str:
    """``Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024``."""
    return _("Kết quả thực hiện công tác cải cách hành chính {period}").format(period=lower_first(period.label))


def next_period_name(period: Period) -> str:
    """What section IV looks ahead to: ``6 tháng cuối năm 2024`` after the first half, ``kỳ tới`` after a range."""
    first = period.date_from
    year = first.year
    if period.kind is ReportKind.HALF_YEAR:
        return _("6 tháng cuối năm {year}").format(year=year) if first.month == 1 else _("năm {year}").format(
            year=year + 1)
    if period.kind is ReportKind.QUARTER:
        quarter = (first.month - 1) // 3 + 1
        if quarter == 4:
            return _("năm {year}").format(year=year + 1)
        return _("quý {roman} năm {year}").format(roman=ROMAN[quarter], year=year)
    if period.kind is ReportKind.NINE_MONTHS:
        return _("quý IV năm {year}").format(year=year)
    if period.kind is ReportKind.YEAR:
        return _("năm {year}").format(year=year + 1)
    if period.kind is ReportKind.MONTH:
        following = date(year + 1, 1, 1) if first.month == 12 else date(year, first.month + 1, 1)
        return _("tháng {month} năm {year}").format(month=following.month, year=following.year)
    return _("kỳ tới")


def _placeholder(text: str) -> str:
    return f"[{text}]"


def _join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


# -- I. Công tác chỉ đạo, điều hành ------------------------------------------------------------------------------


def _document_line(document: DirectiveDocument) -> str:
    """``Kế hoạch số 03/KH-UBND ngày 05/01/2024 về tự kiểm tra …`` (a title that repeats the kind loses it)."""
    title = document.title.strip().rstrip(".")
    kind = document.kind.label
    if fold(title).startswith(fold(kind) + " "):
        title = title[len(kind) + 1:].lstrip()
    title = lower_first(title)
    if not title.startswith(("về ", "ban hành ")):
        title = _("về {title}").format(title=title)
    return _("{kind} số {number} ngày {day} {title}").format(
        kind=document.kind.label, number=document.number, day=formatting.short_date(document.issued_on), title=title)


def _plan_and_documents(data: NarrativeInput) -> str:
    plan, figures = data.figures.plan, data.figures
    lines = []
    if data.plan is not None and plan.tasks:
        title = data.plan.title or _("Kế hoạch cải cách hành chính năm {year}").format(year=plan.year)
        if data.plan.decision_number and data.plan.decision_date:
            title += " " + _("(Quyết định số {number} ngày {day})").format(
                number=data.plan.decision_number, day=formatting.short_date(data.plan.decision_date))
        lines.append(_("{unit} đã ban hành {plan}, xác định {n} nhiệm vụ trọng tâm của công tác cải cách hành "
                       "chính năm {year}.").format(unit=data.unit_name, plan=title, n=count(plan.tasks),
                                                   year=plan.year))
    else:
        lines.append(_placeholder(_("Nêu số, ngày ban hành Kế hoạch cải cách hành chính năm {year} và các nhiệm vụ "
                                    "trọng tâm.").format(year=plan.year)))
    if figures.plan.directives:
        listed = "; ".join(_document_line(document) for document in data.documents)
        sentence = _("Trong kỳ đã ban hành {n} văn bản chỉ đạo, điều hành công tác cải cách hành chính").format(
            n=count(figures.plan.directives))
        lines.append(sentence + (": " + listed + "." if listed else "."))
    else:
        lines.append(_placeholder(_("Nêu các văn bản chỉ đạo, điều hành cải cách hành chính đã ban hành trong kỳ.")))
    return _join(*lines)


def _inspections(data: NarrativeInput) -> str:
    i = data.figures.inspections
    if not i.inspections:
        return _("Trong kỳ chưa tiến hành cuộc kiểm tra cải cách hành chính, kỷ luật, kỷ cương hành chính nào.") \
            + " " + _placeholder(_("Nêu kế hoạch kiểm tra, tự kiểm tra của đơn vị."))
    text = _("Trong kỳ đã tiến hành {n} cuộc kiểm tra đối với {s} bộ phận, công chức chuyên môn").format(
        n=count(i.inspections), s=count(i.subjects))
    if not i.findings:
        return text + "; " + _("qua kiểm tra không phát hiện vấn đề phải khắc phục.")
    text += "; " + _("phát hiện {f} vấn đề, đã xử lý xong {r} vấn đề.").format(
        f=count(i.findings), r=count(i.findings_resolved))
    still_open = i.findings - i.findings_resolved
    if still_open:
        text += " " + _("Còn {n} vấn đề đang khắc phục").format(n=count(still_open))
        if i.findings_overdue:
            text += " " + _("(trong đó {n} vấn đề đã quá thời hạn khắc phục)").format(n=count(i.findings_overdue))
        text += "."
    return text


def _plan_results(data: NarrativeInput) -> str:
    plan = data.figures.plan
    if not plan.tasks:
        return _placeholder(_("Nêu kết quả thực hiện các nhiệm vụ của Kế hoạch cải cách hành chính năm {year}.")
                            .format(year=plan.year))
    remaining = plan.tasks - plan.done
    unfinished = _("Số nhiệm vụ chưa hoàn thành: {n} nhiệm vụ").format(n=count(remaining))
    if plan.overdue:
        unfinished += " " + _("(trong đó {n} nhiệm vụ đã quá thời hạn)").format(n=count(plan.overdue))
    lines = [
        _("Số nhiệm vụ được giao trong năm: {n} nhiệm vụ.").format(n=count(plan.tasks)),
        _("Số nhiệm vụ đã hoàn thành: {n} nhiệm vụ.").format(n=count(plan.done)),
        unfinished + ".",
    ]
    if plan.higher_level:
        lines.append(_("Nhiệm vụ cấp trên giao: {n} nhiệm vụ; đã hoàn thành đúng hạn {a} nhiệm vụ, hoàn thành nhưng "
                       "quá hạn {b} nhiệm vụ.").format(n=count(plan.higher_level), a=count(plan.higher_done_on_time),
                                                      b=count(plan.higher_done_late)))
    return _join(*lines)


# -- II.2 Cải cách thủ tục hành chính ----------------------------------------------------------------------------


def _catalogue(data: NarrativeInput) -> str:
    c = data.figures.catalogue
    if not c.in_force:
        return _placeholder(_("Nêu số thủ tục hành chính thuộc thẩm quyền giải quyết đang áp dụng."))
    return _("Tổng số TTHC đang áp dụng: {n} thủ tục; trong đó số TTHC thực hiện theo cơ chế một cửa: {one} thủ "
             "tục, liên thông cùng cấp: {same} thủ tục, liên thông giữa các cấp chính quyền: {cross} thủ tục.").format(
        n=count(c.in_force), one=count(c.one_stop), same=count(c.same_level), cross=count(c.cross_level))


def _received(data: NarrativeInput) -> str:
    d, rates = data.figures.dossiers, data.figures.rates
    carried = _("Kỳ trước chuyển qua: {n} hồ sơ.").format(n=count(d.carried_over))
    if not d.received.total:
        return _("Trong kỳ chưa tiếp nhận hồ sơ nào.") + " " + carried
    text = _("Tổng số hồ sơ đã tiếp nhận: {n} hồ sơ. Trong đó: tiếp nhận trực tiếp {direct} hồ sơ; qua dịch vụ bưu "
             "chính công ích {postal} hồ sơ; trực tuyến một phần {partial} hồ sơ; trực tuyến toàn trình {full} hồ sơ."
             ).format(n=count(d.received.total), direct=count(d.received.direct), postal=count(d.received.postal),
                      partial=count(d.received.online_partial), full=count(d.received.online_full))
    text += " " + carried
    text += " " + _("Tỷ lệ hồ sơ nộp trực tuyến đạt {online}; tỷ lệ hồ sơ trực tuyến toàn trình đạt {full}.").format(
        online=formatting.percent(rates.online), full=formatting.percent(rates.full_online))
    if d.online_base is not None and d.online_base != d.received.total:  # the base of Quyết định 766/QĐ-TTg
        text = text[:-1] + " " + _("(trên {n} hồ sơ của các thủ tục có cung cấp dịch vụ công trực tuyến).").format(
            n=count(d.online_base))
    text += " " + _("Số hồ sơ được số hóa: {n} hồ sơ, đạt {rate} số hồ sơ tiếp nhận.").format(
        n=count(d.digitized), rate=formatting.percent(rates.digitized))
    return text


def _resolved(data: NarrativeInput) -> str:
    d, rates = data.figures.dossiers, data.figures.rates
    if d.refused:
        text = _("Số hồ sơ đã giải quyết: {n} hồ sơ, trong đó có kết quả {granted} hồ sơ (trước hạn {early} hồ sơ, "
                 "đúng hạn {on_time} hồ sơ, quá hạn {late} hồ sơ) và từ chối giải quyết {refused} hồ sơ; tỷ lệ giải "
                 "quyết đúng hạn đạt {rate} số hồ sơ có kết quả.").format(
            n=count(d.resolved.total), granted=count(d.granted), early=count(d.early), on_time=count(d.on_time),
            late=count(d.late), refused=count(d.refused), rate=formatting.percent(rates.on_time))
    elif d.resolved.total:
        text = _("Số hồ sơ đã giải quyết: {n} hồ sơ (trước hạn {early} hồ sơ, đúng hạn {on_time} hồ sơ, quá hạn "
                 "{late} hồ sơ); tỷ lệ giải quyết đúng hạn đạt {rate}.").format(
            n=count(d.resolved.total), early=count(d.early), on_time=count(d.on_time), late=count(d.late),
            rate=formatting.percent(rates.on_time))
    else:
        text = _("Trong kỳ chưa có hồ sơ được giải quyết.")
    if d.in_progress:
        # three parts that never overlap: a dossier waiting for the citizen's supplement has its clock stopped
        text += " " + _("Hồ sơ đang giải quyết: {n} hồ sơ (chưa đến hạn {due} hồ sơ, quá hạn {overdue} hồ sơ, chờ "
                        "bổ sung {waiting} hồ sơ — tạm dừng tính thời hạn giải quyết).").format(
            n=count(d.in_progress), due=count(d.not_yet_due), overdue=count(d.overdue),
            waiting=count(d.waiting_supplement))
    else:
        text += " " + _("Hồ sơ đang giải quyết: 0 hồ sơ.")
    text += " " + _("Hồ sơ trả lại/xin rút: {n} hồ sơ.").format(n=count(d.withdrawn))
    return text


def _apologies(data: NarrativeInput) -> str:
    d = data.figures.dossiers
    if d.apologies:
        return _("Đã công khai xin lỗi tổ chức, cá nhân đối với hồ sơ giải quyết quá hạn: {n} thư xin lỗi.").format(
            n=count(d.apologies))
    if d.late:
        return _placeholder(_("{n} hồ sơ giải quyết quá hạn: nêu việc công khai xin lỗi tổ chức, cá nhân.").format(
            n=count(d.late)))
    if d.resolved.total:
        return _("Trong kỳ không có hồ sơ giải quyết quá hạn phải xin lỗi tổ chức, cá nhân.")
    return ""


def _surveys(data: NarrativeInput) -> str:
    s = data.figures.surveys
    if not s.responses:
        return _("Trong kỳ chưa có phiếu khảo sát sự hài lòng của người dân, tổ chức.")
    methods = ", ".join(
        f"{lower_first(method.label)} {count(n)}"
        for method, n in ((SurveyMethod.PAPER, s.paper), (SurveyMethod.ONLINE, s.online), (SurveyMethod.KIOSK, s.kiosk))
        if n
    )
    return _("Khảo sát sự hài lòng của người dân, tổ chức: {n} phiếu ({methods}); số phiếu hài lòng: {satisfied} "
             "phiếu, tỷ lệ hài lòng đạt {rate}.").format(n=count(s.responses), methods=methods,
                                                          satisfied=count(s.satisfied),
                                                          rate=formatting.percent(s.rate))


def _procedures(data: NarrativeInput) -> str:
    return _join(
        _catalogue(data), _received(data), _resolved(data), _apologies(data), _surveys(data),
        _placeholder(_("Nêu kết quả tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành "
                       "chính.")),
    )


# -- II.1, II.3 – II.6: what the typed-in rows say ----------------------------------------------------------------


def _typed(data: NarrativeInput, parts: Sequence[tuple[str, str]]) -> list[str]:
    """Each template of ``parts`` (key, template with ``{n}``) whose row was typed in, with its value."""
    return [template.format(n=count(data.manual[key])) for key, template in parts if data.manual.get(key) is not None]


def _sentence(parts: Sequence[str]) -> str:
    """``["a: 1", "b: 2"]`` → ``A: 1; b: 2.``"""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _institutions(data: NarrativeInput) -> str:
    parts = _typed(data, (
        ("2.1", _("số văn bản quy phạm pháp luật đã ban hành, tham mưu ban hành: {n} văn bản")),
        ("2.2", _("đã kiểm tra theo thẩm quyền: {n} văn bản")),
        ("2.3", _("đã rà soát: {n} văn bản")),
        ("2.4", _("đã kiến nghị xử lý sau kiểm tra, rà soát: {n} văn bản")),
        ("2.5", _("đã xử lý xong: {n} văn bản")),
    ))
    if not parts:
        return _placeholder(_("Nêu kết quả xây dựng, kiểm tra, rà soát văn bản quy phạm pháp luật; tuyên truyền, "
                              "phổ biến, giáo dục pháp luật."))
    return _sentence(parts)


def _organisation(data: NarrativeInput) -> str:
    parts = _typed(data, (
        ("4.1.1", _("tổng số biên chế được giao trong năm: {n} người")),
        ("4.1.2", _("có mặt tại thời điểm báo cáo: {n} người")),
        ("4.1.3", _("đã tinh giản trong kỳ: {n} người")),
    ))
    if not parts:
        return _placeholder(_("Nêu kết quả rà soát chức năng, nhiệm vụ, tổ chức bộ máy; quản lý, sử dụng biên chế."))
    return _sentence(parts)


def _yes_no(data: NarrativeInput, key: str, yes: str, no: str) -> str:
    value = data.manual.get(key)
    if value is None:
        return ""
    return yes if value else no


def _civil_service(data: NarrativeInput) -> str:
    i = data.figures.inspections
    share = i.unit_share
    lines = [
        _yes_no(data, "5.4.1", _("Đã xây dựng kế hoạch tự kiểm tra kỷ luật, kỷ cương hành chính."),
                _("Chưa xây dựng kế hoạch tự kiểm tra kỷ luật, kỷ cương hành chính.")),
        _("Tỷ lệ đơn vị được kiểm tra kỷ luật, kỷ cương hành chính: {rate}.").format(
            rate=formatting.percent(share / 100)) if share is not None else "",
        _("Số lãnh đạo cấp xã bị kỷ luật: {leaders} người; số công chức cấp xã bị kỷ luật: {officials} người.").format(
            leaders=count(i.leaders_disciplined), officials=count(i.officials_disciplined)),
        _placeholder(_("Nêu kết quả bố trí công chức theo vị trí việc làm, tuyển dụng, đào tạo, bồi dưỡng; chấp "
                       "hành kỷ luật, kỷ cương hành chính, văn hóa công sở.")),
    ]
    return _join(*lines)


def _public_finance(data: NarrativeInput) -> str:
    return _join(
        _yes_no(data, "6.1", _("Đơn vị đã xây dựng, ban hành Quy chế chi tiêu nội bộ."),
                _("Đơn vị chưa xây dựng Quy chế chi tiêu nội bộ.")),
        _yes_no(data, "6.2", _("Đơn vị đã ban hành, thực hiện Quy chế quản lý, sử dụng tài sản công."),
                _("Đơn vị chưa ban hành Quy chế quản lý, sử dụng tài sản công.")),
        _placeholder(_("Nêu kết quả thực hiện các quy định về quản lý tài chính, ngân sách, tài sản công; cơ chế tự "
                       "chủ, tự chịu trách nhiệm.")),
    )


def _e_government(data: NarrativeInput) -> str:
    c = data.figures.catalogue
    lines = []
    if c.in_force:
        lines.append(_("Số TTHC cung cấp dịch vụ công trực tuyến một phần: {partial} thủ tục; trực tuyến toàn trình: "
                       "{full} thủ tục.").format(partial=count(c.online_partial), full=count(c.online_full)))
    sent = data.manual.get("7.2.3")
    if sent is not None:
        sentence = _("Tổng số văn bản đi: {n} văn bản").format(n=count(sent))
        electronic = data.manual.get("7.2.3.dien_tu")
        if electronic is not None:
            sentence += "; " + _("tỷ lệ văn bản gửi hoàn toàn dưới dạng điện tử: {rate}").format(
                rate=formatting.percent(electronic / 100))
        lines.append(sentence + ".")
    lines.append(_yes_no(data, "7.6", _("Đơn vị duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO "
                                        "9001:2015."),
                         _("Đơn vị chưa áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015.")))
    lines.append(_placeholder(_("Nêu kết quả ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của cơ "
                                "quan.")))
    return _join(*lines)


# -- III – V -----------------------------------------------------------------------------------------------------


def _shortcomings(data: NarrativeInput) -> str:
    d, plan, i = data.figures.dossiers, data.figures.plan, data.figures.inspections
    facts = [
        template.format(n=count(n)) for n, template in (
            (d.late, _("{n} hồ sơ giải quyết quá hạn")),
            (d.overdue, _("{n} hồ sơ đang quá hạn giải quyết")),
            (plan.overdue, _("{n} nhiệm vụ của kế hoạch đã quá thời hạn mà chưa hoàn thành")),
            (i.findings_overdue, _("{n} vấn đề phát hiện qua kiểm tra chưa khắc phục đúng hạn")),
        ) if n
    ]
    text = _("Nêu tồn tại, hạn chế và nguyên nhân.")
    if facts:
        text += " " + _("Số liệu cần lưu ý: {facts}.").format(facts="; ".join(facts))
    return _placeholder(text)


def _direction_ahead(data: NarrativeInput) -> str:
    plan = data.figures.plan
    remaining = plan.tasks - plan.done
    lines = []
    if remaining and data.figures.counted_to < date(plan.year, 12, 31):
        lines.append(_("Tiếp tục thực hiện {n} nhiệm vụ còn lại của Kế hoạch cải cách hành chính năm {year}.").format(
            n=count(remaining), year=plan.year))
    lines.append(_placeholder(_("Nêu phương hướng, nhiệm vụ trọng tâm {ahead}.").format(
        ahead=next_period_name(data.figures.period))))
    return _join(*lines)


def _requests(data: NarrativeInput) -> str:
    period = data.figures.period
    closing = _("Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính {period} của {unit}").format(
        period=lower_first(period.label), unit=data.unit_name)
    closing += (", " + _("báo cáo {parent} tổng hợp").format(parent=data.parent) if data.parent else "") + "./."
    return _join(_placeholder(_("Nêu kiến nghị, đề xuất với cấp trên; nếu không có, ghi «Không có».")), closing)


def sections(data: NarrativeInput) -> tuple[NarrativeSection, ...]:
    """Sections I–V (with their numbered parts), keyed ``I``, ``I.1`` … ``V``, in the order printed."""
    figures = data.figures
    counted = _("(Số liệu tính từ ngày {first} đến ngày {last}.)").format(
        first=formatting.short_date(figures.period.date_from), last=formatting.short_date(figures.counted_to))
    ahead = next_period_name(figures.period).upper()
    return tuple(NarrativeSection(key, title, text) for key, title, text in (
        ("I", _("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"), ""),
        ("I.1", _("1. Về kế hoạch, văn bản chỉ đạo, điều hành cải cách hành chính"), _plan_and_documents(data)),
        ("I.2", _("2. Công tác kiểm tra cải cách hành chính, kỷ luật, kỷ cương hành chính"), _inspections(data)),
        ("I.3", _("3. Công tác thông tin, tuyên truyền cải cách hành chính"),
         _placeholder(_("Nêu kết quả thông tin, tuyên truyền cải cách hành chính: số tin, bài, chuyên mục trên đài "
                        "truyền thanh, trang thông tin điện tử; lồng ghép trong các hội nghị."))),
        ("I.4", _("4. Kết quả thực hiện các nhiệm vụ theo Kế hoạch cải cách hành chính"), _plan_results(data)),
        ("I.5", _("5. Mô hình, sáng kiến, giải pháp mới trong cải cách hành chính"),
         _placeholder(_("Nêu mô hình, sáng kiến, giải pháp mới (nếu có)."))),
        ("II", _("II. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"), counted),
        ("II.1", _("1. Cải cách thể chế"), _institutions(data)),
        ("II.2", _("2. Cải cách thủ tục hành chính"), _procedures(data)),
        ("II.3", _("3. Cải cách tổ chức bộ máy hành chính"), _organisation(data)),
        ("II.4", _("4. Cải cách chế độ công vụ"), _civil_service(data)),
        ("II.5", _("5. Cải cách tài chính công"), _public_finance(data)),
        ("II.6", _("6. Xây dựng và phát triển chính quyền điện tử, chính quyền số"), _e_government(data)),
        ("III", _("III. ĐÁNH GIÁ CHUNG"), ""),
        ("III.1", _("1. Mặt tích cực"), _placeholder(_("Nêu những kết quả nổi bật trong kỳ."))),
        ("III.2", _("2. Tồn tại, hạn chế và nguyên nhân"), _shortcomings(data)),
        ("IV", _("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM {ahead}").format(ahead=ahead), _direction_ahead(data)),
        ("V", _("V. KIẾN NGHỊ, ĐỀ XUẤT"), _requests(data)),
    ))
