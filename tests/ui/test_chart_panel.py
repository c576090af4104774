"""One chart panel: what it draws, where a click lands, its empty state, and that repainting it does not
corrupt the interpreter (PySide6 6.12.0 drained None's and True's reference counts on every axis repaint)."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.charts import Chart, Mark, Series
from ui.charts.panel import ChartPanel

MONTHS = ("T1", "T2", "T3")
STACKED = Chart("dossiers", "Hồ sơ tiếp nhận", MONTHS, (
    Series("direct", "Trực tiếp", (10.0, 20.0, 30.0)),
    Series("online", "Trực tuyến", (5.0, None, 15.0), colour="#2e9e6a"),
))


def panel(qtbot: QtBot, chart: Chart) -> ChartPanel:
    shown = ChartPanel()
    qtbot.addWidget(shown)
    shown.resize(520, 360)
    shown.show()
    qtbot.waitExposed(shown)
    shown.show_chart(chart)
    return shown


def test_a_click_names_the_bar_segment_under_it(qtbot: QtBot) -> None:
    shown = panel(qtbot, STACKED)
    assert "Trực tiếp" in shown.legend.text() and "Trực tuyến" in shown.legend.text()
    clicks: list[tuple[int, str]] = []
    shown.clicked.connect(lambda index, key: clicks.append((index, key)))
    for index, key in ((0, "direct"), (2, "online"), (1, "direct")):
        qtbot.mouseClick(shown.plot.viewport(), Qt.MouseButton.LeftButton, pos=shown.point_of(index, key))
    assert clicks == [(0, "direct"), (2, "online"), (1, "direct")]
    assert shown.hit(1.0, 25.0) is None  # above the bar of T2 (its second segment is a gap)


def test_horizontal_bars_and_lines_are_hit_too(qtbot: QtBot) -> None:
    lines = Chart("rates", "Tỷ lệ", MONTHS, (Series("on_time", "Đúng hạn", (0.9, 0.95, None), Mark.LINE),),
                  percent=True)
    shown = panel(qtbot, lines)
    assert shown.hit(1.0, 0.94) == (1, "on_time")
    assert shown.hit(2.0, 0.5) is None  # no value in T3
    across = Chart("areas", "Lĩnh vực", ("Cải cách thể chế", "Cải cách thủ tục hành chính"),
                   (Series("done", "Hoàn thành", (3.0, 6.0)),), horizontal=True)
    shown.show_chart(across)
    assert shown.hit(2.0, 0.0) == (0, "done") and shown.hit(5.0, 0.0) is None


def test_a_right_click_opens_no_menu_of_the_charts_library(qtbot: QtBot) -> None:
    """pyqtgraph's «Plot Options» and zoom menus are not the chair's: the plot is built without them."""
    shown = panel(qtbot, STACKED)
    item = shown.plot.getPlotItem()
    assert not item.menuEnabled() and item.getViewBox().menu is None
    qtbot.mouseClick(shown.plot.viewport(), Qt.MouseButton.RightButton, pos=shown.point_of(0, "direct"))
    assert item.getViewBox().menu is None


def test_an_empty_chart_shows_its_hint(qtbot: QtBot) -> None:
    shown = panel(qtbot, Chart("satisfaction", "Sự hài lòng", MONTHS, (Series("rate", "Hài lòng", (None,) * 3),),
                               empty_hint="Chưa có phiếu khảo sát trong kỳ."))
    assert shown.stack.currentWidget() is shown.hint
    assert shown.hint.text() == "Chưa có phiếu khảo sát trong kỳ."
    assert not shown.save_button.isEnabled() and shown.legend.text() == ""


def test_repainting_keeps_the_interpreter_sound(qtbot: QtBot) -> None:
    shown = panel(qtbot, STACKED)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _round in range(60):
        shown.show_chart(STACKED)
        shown.plot.viewport().repaint()
    after = sys.getrefcount(None), sys.getrefcount(True)
    # With PySide6 6.12.0 these fell by thousands here; ordinary churn moves them by a few dozen at most.
    assert after[0] > before[0] - 500 and after[1] > before[1] - 500
