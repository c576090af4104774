"""The chair's one-page summary of the dashboard (Tổng quan) as PDF: the headline figures with their bases and
their change, the months of the period, the plan by reform area, the lowest-rated survey criteria and the
discipline findings. Built from the ``Dashboard`` data alone: aggregates, nothing personal.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from cchc_desktop import formatting
from cchc_desktop.domain.charts import Chart
from cchc_desktop.domain.dashboard import Dashboard
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.i18n import _
from cchc_desktop.reports.fonts import FAMILY, face
from cchc_desktop.reports.official import FRAME_WIDTH, build_pdf, esc, styles, title_block

SIZE = 9.5  # small enough for a year of months and the seven reform areas on one page


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], *, first_left: bool = True) -> Table:
    st = styles()
    cell = st.cell.clone("summary_cell", fontSize=SIZE, leading=SIZE * 1.2)
    right = st.cell.clone("summary_number", fontSize=SIZE, leading=SIZE * 1.2, alignment=2)
    header = st.cell_header.clone("summary_header", fontSize=SIZE, leading=SIZE * 1.2)
    body = [[Paragraph(esc(text), header) for text in rows[0]]]
    for row in rows[1:]:
        body.append([Paragraph(esc(text), cell if column == 0 and first_left else right)
                     for column, text in enumerate(row)])
    table = Table(body, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FAMILY, SIZE),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def _heading(text: str) -> Paragraph:
    st = styles()
    return Paragraph(esc(text), st.line.clone("summary_heading", fontName=face(bold=True), fontSize=SIZE + 1.5,
                                             leading=(SIZE + 1.5) * 1.2, spaceBefore=4, spaceAfter=2))


def _text(text: str) -> Paragraph:
    return Paragraph(esc(text), styles().line.clone("summary_text", fontSize=SIZE + 0.5, leading=(SIZE + 0.5) * 1.25))


def _rate(value: float | None) -> str:
    return formatting.percent(value) if value is not None else "—"


def _count(value: float | None) -> str:
    return formatting.number(value) if value is not None else "—"


def _months(dashboard: Dashboard) -> list[list[str]]:
    received, rates, satisfaction = (dashboard.chart(key) for key in ("dossiers", "dossier_rates", "satisfaction"))
    rows = [[_("Tháng"), _("Hồ sơ tiếp nhận"), _("Tỷ lệ nộp trực tuyến"), _("Tỷ lệ đúng hạn"), _("Tỷ lệ hài lòng")]]
    totals = received.bar_totals()
    on_time, online = rates.series_named("on_time").values, rates.series_named("online").values
    satisfied = satisfaction.series_named("rate").values
    for index, key in enumerate(received.category_keys):
        month = date.fromisoformat(key + "-01")
        rows.append([f"{month:%m/%Y}", _count(totals[index] if totals else 0), _rate(online[index]),
                     _rate(on_time[index]), _rate(satisfied[index])])
    return rows


def _areas(chart: Chart) -> list[list[str]]:
    rows = [[_("Lĩnh vực cải cách"), *(series.name for series in chart.series)]]
    for index, name in enumerate(chart.categories):
        rows.append([name, *(_count(series.values[index]) for series in chart.series)])
    return rows


def summary_pdf(dashboard: Dashboard, unit: UnitSettings, *, printed_on: date,
                target: str | os.PathLike[str] | None = None) -> bytes:
    """The summary of ``dashboard`` for ``unit`` as a one-page PDF (written to ``target`` when given)."""
    st = styles()
    story: list[Flowable] = [
        Paragraph(esc((unit.name or _("Chưa khai báo đơn vị")).upper()), st.header_bold),
        *title_block(_("TÓM TẮT TÌNH HÌNH CẢI CÁCH HÀNH CHÍNH"), dashboard.period.label.upper(),
                     space_before=4, space_after=2),
        Paragraph(esc(_("Số liệu tính đến hết ngày {cutoff}{compared}; in ngày {today}.").format(
            cutoff=formatting.short_date(dashboard.cutoff), today=formatting.short_date(printed_on),
            compared=_(", so sánh với {previous}").format(previous=dashboard.previous.label.lower())
            if dashboard.previous else "")), st.note),
        Spacer(0, 4),
        _heading(_("1. Các chỉ tiêu chính")),
        _table([[_("Chỉ tiêu"), _("Kết quả"), _("Trên cơ sở"), _("So với kỳ trước")],
                *([h.label, h.value, h.base or "—", h.change or "—"] for h in dashboard.headlines)],
               [62 * mm, 26 * mm, 52 * mm, FRAME_WIDTH - 140 * mm]),
    ]
    if not dashboard.chart("dossiers").empty or not dashboard.chart("satisfaction").empty:
        story += [_heading(_("2. Hồ sơ và mức độ hài lòng theo tháng")),
                  _table(_months(dashboard), [26 * mm, *([(FRAME_WIDTH - 26 * mm) / 4] * 4)])]
    areas = dashboard.chart("plan_areas")
    story.append(_heading(_("3. Tiến độ kế hoạch CCHC theo lĩnh vực")))
    if areas.empty:
        story.append(_text(areas.empty_hint))
    else:
        story.append(_table(_areas(areas), [FRAME_WIDTH - 3 * 30 * mm, *([30 * mm] * 3)]))
    criteria = dashboard.chart("criteria")
    story.append(_heading(_("4. Tiêu chí khảo sát có điểm thấp nhất (thang 1–5)")))
    if criteria.empty:
        story.append(_text(criteria.empty_hint))
    else:
        marks = criteria.series[0].values
        story.append(_table([[_("Tiêu chí"), _("Điểm trung bình")],
                             *([name, formatting.number(marks[index], decimals=2)]
                               for index, name in enumerate(criteria.categories[:3]))],
                            [FRAME_WIDTH - 34 * mm, 34 * mm]))
    findings = dashboard.chart("findings")
    story.append(_heading(_("5. Kiểm tra kỷ luật, kỷ cương hành chính")))
    story.append(_text(findings.empty_hint if findings.empty else "; ".join(
        f"{series.name}: {_count(series.values[0])}" for series in findings.series) + "."))
    return build_pdf(story, target, title=_("Tóm tắt tình hình CCHC — {period}").format(
        period=dashboard.period.label), author=unit.name, footer=_("Số liệu tổng hợp, không có thông tin cá nhân."))
