"""Tổng quan as the chair uses it: the charts receive the figures, a click on a bar lists the records
behind it, the period selector redraws everything, a chart saves as PNG, an empty database shows hints."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from cchc_desktop.services.record_lists import Records
from ui import messages
from ui.context import AppContext
from ui.dialogs.records_dialog import RecordsDialog
from ui.main_window import MainWindow
from ui.pages.overview_page import OverviewPage

TODAY = datetime(2026, 11, 23, 9, 0)


def dashboard_page(qtbot: QtBot, window: MainWindow, context: AppContext, key: str | None = None) -> OverviewPage:
    page = window.show_page("dashboard")
    assert isinstance(page, OverviewPage)
    context.clock = lambda: TODAY
    if key:
        page.select(key)
    else:
        page.refresh()
    qtbot.waitUntil(lambda: not page.charts_pending and len(page.panels) == len(page.dashboard.charts))
    return page


def test_the_charts_receive_the_figures_and_a_bar_lists_its_records(
        qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    page = dashboard_page(qtbot, demo_window, demo_context, "2024")
    assert page.cards["plan"].value.text() == page.dashboard.headlines[0].value
    panel = page.panels["dossiers"]
    chart = page.dashboard.chart("dossiers")
    assert panel.drawn == {series.key: series.values for series in chart.series}
    assert panel.title.text() == "Hồ sơ tiếp nhận theo tháng và hình thức nộp"

    shown: list[Records] = []
    monkeypatch.setattr(RecordsDialog, "show_records", lambda parent, records: shown.append(records))
    page.findChild(object, "dashboardCharts").ensureWidgetVisible(panel)
    qtbot.waitExposed(panel)
    qtbot.mouseClick(panel.plot.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.point_of(4, "online_full"))
    assert len(shown) == 1
    assert shown[0].title == "Hồ sơ tiếp nhận tháng 05/2024, trực tuyến toàn trình"
    assert len(shown[0].rows) == chart.series_named("online_full").values[4]


def test_the_period_selector_redraws_everything(qtbot: QtBot, demo_window: MainWindow,
                                                demo_context: AppContext) -> None:
    page = dashboard_page(qtbot, demo_window, demo_context, "2024")
    page.picker.period.setCurrentIndex(page.picker.period.findData("2024-Q2"))
    qtbot.waitUntil(lambda: not page.charts_pending)
    assert page.panels["dossiers"].chart.categories == ("T4", "T5", "T6")
    assert page.cutoff.text() == ("Quý II năm 2024: số liệu tính đến hết ngày 30/06/2024. "
                                  "So sánh với kỳ trước: Quý I năm 2024.")
    page.picker.year.setValue(2023)  # the same quarter of another year
    assert page.picker.key() == "2023-Q2" and page.dashboard.period.key == "2023-Q2"


def test_a_chart_is_saved_as_png(qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext,
                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = dashboard_page(qtbot, demo_window, demo_context, "2024")
    target = tmp_path / "bieu-do.png"
    monkeypatch.setattr(messages, "choose_save_file", lambda *args: target)
    qtbot.mouseClick(page.panels["plan_progress"].save_button, Qt.MouseButton.LeftButton)
    image = QImage(str(target))
    assert not image.isNull() and image.width() > 300 and image.height() > 200


def test_an_empty_database_shows_hints_not_errors(qtbot: QtBot, window: MainWindow, context: AppContext) -> None:
    page = dashboard_page(qtbot, window, context)
    for panel in page.panels.values():
        assert panel.stack.currentWidget() is panel.hint and panel.hint.text()
        assert not panel.save_button.isEnabled()
    assert page.panels["plan_areas"].hint.text().startswith("Chưa có kế hoạch CCHC năm 2026")
    assert page.cards["on_time"].value.text() == "—"
