"""The narrative of the periodic report, pre-written from figures built here by hand (no database)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from cchc_desktop.domain.figures import (
    CatalogueFigures,
    ChannelCounts,
    DossierFigures,
    Figures,
    InspectionFigures,
    PlanFigures,
    SurveyFigures,
)
from cchc_desktop.domain.periods import cutoff_month, parse_period
from cchc_desktop.domain.plans import DirectiveDocument, DirectiveKind, Plan
from cchc_desktop.reports import narrative
from cchc_desktop.reports.narrative import NarrativeInput, count, next_period_name, sections, subject

H1 = parse_period("2024-H1")


def figures(*, period=H1, counted_to=date(2024, 6, 4), **parts: object) -> Figures:
    """Figures of nothing at all, with ``parts`` (dossiers=…, plan=…) replacing some."""
    empty = ChannelCounts()
    base = {
        "dossiers": DossierFigures(received=empty, carried_over=0, resolved=empty, in_time=empty, early=0, on_time=0,
                                   late=0, in_progress=0, overdue=0, waiting_supplement=0, withdrawn=0, apologies=0,
                                   digitized=0, in_time_land=0, in_time_construction=0),
        "plan": PlanFigures(year=period.date_to.year, tasks=0, done=0, in_progress=0, not_started=0, cancelled=0,
                            overdue=0, higher_level=0, higher_done_on_time=0, higher_done_late=0, directives=0,
                            projected_done=0),
        "surveys": SurveyFigures(responses=0, paper=0, online=0, kiosk=0, satisfied=0, method_code=None, criteria=()),
        "inspections": InspectionFigures(inspections=0, subjects=0, findings=0, findings_resolved=0, findings_overdue=0,
                                         units_inspected=0, units_known=0, leaders_disciplined=0,
                                         officials_disciplined=0),
        "catalogue": CatalogueFigures(in_force=0, one_stop=0, same_level=0, cross_level=0, online_partial=0,
                                      online_full=0),
    }
    base.update(parts)
    return Figures(period=period, counted_to=counted_to, cutoff=counted_to, **base)


# The seed's first half of 2024 (seed 002, section II.2), as far as its sentences agree with one another.
SEED_LIKE = figures(
    dossiers=DossierFigures(
        received=ChannelCounts(direct=45, postal=5, online_partial=269, online_full=175), carried_over=4,
        resolved=ChannelCounts(direct=45, postal=5, online_partial=271, online_full=177),
        in_time=ChannelCounts(direct=45, postal=5, online_partial=268, online_full=176),
        early=300, on_time=194, late=4, in_progress=0, overdue=0, waiting_supplement=0, withdrawn=1, apologies=4,
        digitized=20, in_time_land=0, in_time_construction=0),
    plan=PlanFigures(year=2024, tasks=38, done=21, in_progress=10, not_started=7, cancelled=0, overdue=2,
                     higher_level=0, higher_done_on_time=0, higher_done_late=0, directives=2, projected_done=38),
    surveys=SurveyFigures(responses=28, paper=28, online=0, kiosk=0, satisfied=25, method_code=1, criteria=()),
    inspections=InspectionFigures(inspections=6, subjects=6, findings=3, findings_resolved=1, findings_overdue=1,
                                  units_inspected=6, units_known=6, leaders_disciplined=0, officials_disciplined=1),
    catalogue=CatalogueFigures(in_force=207, one_stop=128, same_level=2, cross_level=79, online_partial=12,
                               online_full=28),
)
DOCUMENTS = (
    DirectiveDocument(1, "01/QĐ-UBND", date(2024, 1, 2), DirectiveKind.DECISION,
                      "Quyết định ban hành Kế hoạch cải cách hành chính năm 2024"),
    DirectiveDocument(2, "03/KH-UBND", date(2024, 1, 5), DirectiveKind.PLAN,
                      "tự kiểm tra cải cách hành chính năm 2024."),
)
PLAN = Plan(1, 2024, "01/QĐ-UBND", date(2024, 1, 2), "Kế hoạch cải cách hành chính năm 2024")


def text_of(data: NarrativeInput) -> dict[str, str]:
    return {section.key: section.text for section in sections(data)}


def test_counts_and_names() -> None:
    assert [count(n) for n in (0, 4, 9, 10, 494, 1648)] == ["0", "04", "09", "10", "494", "1.648"]
    assert count(None) == "—"
    assert subject(H1) == "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024"
    assert subject(parse_period("2024-Q2")) == "Kết quả thực hiện công tác cải cách hành chính quý II năm 2024"
    assert subject(cutoff_month(2024, 5, 20)) == (
        "Kết quả thực hiện công tác cải cách hành chính tháng 5 năm 2024 (từ 21/04 đến 20/05/2024)")
    ahead = {key: next_period_name(parse_period(key)) for key in (
        "2024-H1", "2024-H2", "2024-Q1", "2024-Q4", "2024-9M", "2024", "2024-12", "2024-03-01:2024-03-20")}
    assert ahead == {
        "2024-H1": "6 tháng cuối năm 2024", "2024-H2": "năm 2025", "2024-Q1": "quý II năm 2024",
        "2024-Q4": "năm 2025", "2024-9M": "quý IV năm 2024", "2024": "năm 2025", "2024-12": "tháng 1 năm 2025",
        "2024-03-01:2024-03-20": "kỳ tới",
    }


def test_the_seeds_sentences() -> None:
    texts = text_of(NarrativeInput(figures=SEED_LIKE, unit_name="UBND xã Hoằng Hợp", parent="UBND huyện Hoằng Hóa",
                                   plan=PLAN, documents=DOCUMENTS))
    procedures = texts["II.2"]
    assert ("Tổng số hồ sơ đã tiếp nhận: 494 hồ sơ. Trong đó: tiếp nhận trực tiếp 45 hồ sơ; qua dịch vụ bưu chính "
            "công ích 05 hồ sơ; trực tuyến một phần 269 hồ sơ; trực tuyến toàn trình 175 hồ sơ. Kỳ trước chuyển qua: "
            "04 hồ sơ. Tỷ lệ hồ sơ nộp trực tuyến đạt 89,9%; tỷ lệ hồ sơ trực tuyến toàn trình đạt 35,4%."
            ) in procedures
    assert ("Số hồ sơ đã giải quyết: 498 hồ sơ (trước hạn 300 hồ sơ, đúng hạn 194 hồ sơ, quá hạn 04 hồ sơ); tỷ lệ giải "
            "quyết đúng hạn đạt 99,2%. Hồ sơ đang giải quyết: 0 hồ sơ. Hồ sơ trả lại/xin rút: 01 hồ sơ.") in procedures
    assert "Số hồ sơ được số hóa: 20 hồ sơ, đạt 4,0% số hồ sơ tiếp nhận." in procedures
    assert "Đã công khai xin lỗi tổ chức, cá nhân đối với hồ sơ giải quyết quá hạn: 04 thư xin lỗi." in procedures
    assert ("Khảo sát sự hài lòng của người dân, tổ chức: 28 phiếu (phát phiếu 28); số phiếu hài lòng: 25 phiếu, tỷ lệ "
            "hài lòng đạt 89,3%.") in procedures
    assert procedures.startswith("Tổng số TTHC đang áp dụng: 207 thủ tục; trong đó số TTHC thực hiện theo cơ chế một "
                                 "cửa: 128 thủ tục, liên thông cùng cấp: 02 thủ tục, liên thông giữa các cấp chính "
                                 "quyền: 79 thủ tục.")
    assert texts["I.4"] == ("Số nhiệm vụ được giao trong năm: 38 nhiệm vụ.\nSố nhiệm vụ đã hoàn thành: 21 nhiệm vụ.\n"
                            "Số nhiệm vụ chưa hoàn thành: 17 nhiệm vụ (trong đó 02 nhiệm vụ đã quá thời hạn).")
    assert texts["I.1"] == (
        "UBND xã Hoằng Hợp đã ban hành Kế hoạch cải cách hành chính năm 2024 (Quyết định số 01/QĐ-UBND ngày "
        "02/01/2024), xác định 38 nhiệm vụ trọng tâm của công tác cải cách hành chính năm 2024.\n"
        "Trong kỳ đã ban hành 02 văn bản chỉ đạo, điều hành công tác cải cách hành chính: Quyết định số 01/QĐ-UBND "
        "ngày 02/01/2024 ban hành Kế hoạch cải cách hành chính năm 2024; Kế hoạch số 03/KH-UBND ngày 05/01/2024 về tự "
        "kiểm tra cải cách hành chính năm 2024.")
    assert texts["I.2"] == ("Trong kỳ đã tiến hành 06 cuộc kiểm tra đối với 06 bộ phận, công chức chuyên môn; "
                            "phát hiện 03 vấn đề, đã xử lý xong 01 vấn đề. Còn 02 vấn đề đang khắc phục (trong đó 01 "
                            "vấn đề đã quá thời hạn khắc phục).")
    assert "Tỷ lệ đơn vị được kiểm tra kỷ luật, kỷ cương hành chính: 100,0%." in texts["II.4"]
    assert "số công chức cấp xã bị kỷ luật: 01 người" in texts["II.4"]
    assert texts["II"] == "(Số liệu tính từ ngày 01/01/2024 đến ngày 04/06/2024.)"
    assert texts["III.2"] == ("[Nêu tồn tại, hạn chế và nguyên nhân. Số liệu cần lưu ý: 04 hồ sơ giải quyết quá "
                              "hạn; 02 nhiệm vụ của kế hoạch đã quá thời hạn mà chưa hoàn thành; 01 vấn đề phát hiện "
                              "qua kiểm tra chưa khắc phục đúng hạn.]")
    assert texts["IV"].startswith("Tiếp tục thực hiện 17 nhiệm vụ còn lại của Kế hoạch cải cách hành chính năm 2024.")
    assert texts["V"].endswith("Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm "
                               "2024 của UBND xã Hoằng Hợp, báo cáo UBND huyện Hoằng Hóa tổng hợp./.")


def test_sections_in_order_with_their_titles() -> None:
    written = sections(NarrativeInput(figures=SEED_LIKE, unit_name="UBND xã Hoằng Hợp"))
    assert tuple(section.key for section in written) == narrative.SECTION_KEYS
    titles = {section.key: section.title for section in written}
    assert titles["I"] == "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"
    assert titles["IV"] == "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2024"
    assert titles["V"] == "V. KIẾN NGHỊ, ĐỀ XUẤT"


def test_nothing_to_count_reads_as_nothing_never_zero_percent() -> None:
    texts = text_of(NarrativeInput(figures=figures(), unit_name="UBND xã Hoằng Hợp"))
    everything = "\n".join(texts.values())
    assert not re.search(r"\b0(,0)?\s?%", everything)
    assert "—" not in everything
    assert "Trong kỳ chưa tiếp nhận hồ sơ nào. Kỳ trước chuyển qua: 0 hồ sơ." in texts["II.2"]
    assert "Trong kỳ chưa có hồ sơ được giải quyết." in texts["II.2"]
    assert "Trong kỳ chưa có phiếu khảo sát sự hài lòng của người dân, tổ chức." in texts["II.2"]
    assert "Tỷ lệ đơn vị được kiểm tra" not in texts["II.4"]
    # what no record can tell is an instruction in brackets for the officer
    for key in ("I.1", "I.3", "I.4", "I.5", "II.1", "II.3", "II.5", "III.1", "III.2", "IV"):
        assert texts[key].startswith("[") or "\n[" in texts[key], key
    assert texts["V"].startswith("[Nêu kiến nghị, đề xuất với cấp trên")
    assert texts["III.2"] == "[Nêu tồn tại, hạn chế và nguyên nhân.]"


def test_resolved_late_without_an_apology_asks_for_one() -> None:
    d = dataclasses.replace(SEED_LIKE.dossiers, apologies=0)
    texts = text_of(NarrativeInput(figures=dataclasses.replace(SEED_LIKE, dossiers=d), unit_name="UBND xã A"))
    assert "[04 hồ sơ giải quyết quá hạn: nêu việc công khai xin lỗi tổ chức, cá nhân.]" in texts["II.2"]


def test_typed_in_rows_make_sentences() -> None:
    manual = {"2.1": 0, "2.3": 17, "4.1.1": 17, "4.1.2": 17, "4.1.3": 0, "5.4.1": 1, "6.1": 1, "6.2": 0,
              "7.2.3": 371, "7.2.3.dien_tu": 100, "7.6": 1}
    texts = text_of(NarrativeInput(figures=SEED_LIKE, unit_name="UBND xã Hoằng Hợp", manual=manual))
    assert texts["II.1"] == ("Số văn bản quy phạm pháp luật đã ban hành, tham mưu ban hành: 0 văn bản; đã rà soát: 17 "
                             "văn bản.")
    assert texts["II.3"] == ("Tổng số biên chế được giao trong năm: 17 người; có mặt tại thời điểm báo cáo: 17 người; "
                             "đã tinh giản trong kỳ: 0 người.")
    assert texts["II.4"].startswith("Đã xây dựng kế hoạch tự kiểm tra kỷ luật, kỷ cương hành chính.")
    assert texts["II.5"].startswith("Đơn vị đã xây dựng, ban hành Quy chế chi tiêu nội bộ.\nĐơn vị chưa ban hành "
                                    "Quy chế quản lý, sử dụng tài sản công.")
    assert ("Tổng số văn bản đi: 371 văn bản; tỷ lệ văn bản gửi hoàn toàn dưới dạng điện tử: 100,0%."
            in texts["II.6"])
    assert "Đơn vị duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015." in texts["II.6"]


@pytest.mark.parametrize(("counted_to", "expected"), [(date(2024, 6, 4), True), (date(2024, 12, 31), False)])
def test_the_remaining_tasks_are_carried_into_the_next_period(counted_to: date, expected: bool) -> None:
    year = parse_period("2024")
    data = NarrativeInput(figures=dataclasses.replace(SEED_LIKE, period=year, counted_to=counted_to),
                          unit_name="UBND xã A")
    assert ("Tiếp tục thực hiện 17 nhiệm vụ" in text_of(data)["IV"]) is expected
