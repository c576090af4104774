"""Tổng quan as the chair uses it: the charts receive the figures, a click on a bar lists the records
behind it, the period selector redraws everything, a chart saves as PNG, an empty database shows hints."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from cchc_desktop.services.record_lists import Records
from ui import messages
from ui.context import AppContext
from ui.dialogs.records_dialog import RecordsDialog
from ui.main_window import MainWindow
from ui.pages.overview_page import OverviewPage

# On a SQLite file and on a PostgreSQL server's database (issue 22: a few window tests on the server).
pytestmark = pytest.mark.backends

TODAY = datetime(2026, 11, 23, 9, 0)


def dashboard_page(qtbot: QtBot, window: MainWindow, context: AppContext, key: str | None = None) -> OverviewPage:
    page = window.show_page("dashboard")
    assert isinstance(page, OverviewPage)
    context.clock = lambda: TODAY
    if key:
        page.select(key)
    else:
        page.refresh()
    qtbot.waitUntil(lambda: page.settled() and len(page.panels) == len(page.dashboard.charts))
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
    qtbot.waitUntil(page.settled)
    assert page.panels["dossiers"].chart.categories == ("T4", "T5", "T6")
    assert page.cutoff.text() == ("Quý II năm 2024: số liệu tính đến hết ngày 30/06/2024. "
                                  "So sánh với kỳ trước: Quý I năm 2024.")
    page.picker.year.setValue(2023)  # the same quarter of another year
    qtbot.waitUntil(page.settled)
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


def drawn_axis(panel) -> tuple[tuple[float, float], list[tuple[float, str]]]:
    """The value axis as drawn: (its range, its ticks with their labels)."""
    item = panel.plot.getPlotItem()
    horizontal = panel.chart.horizontal
    span = item.getViewBox().viewRange()[0 if horizontal else 1]
    return (span[0], span[1]), list(item.getAxis("bottom" if horizontal else "left")._tickLevels[0])


def check_axes(page: OverviewPage) -> None:
    """Each chart's value axis from its plotted data: from 0, over the highest stacked bar or point; a count's
    ticks whole numbers at an even step; a rate's 0%–100% with room above; each bar's total written at its end."""
    for key, panel in page.panels.items():
        chart = panel.chart
        assert chart is page.dashboard.chart(key)
        if chart.empty:
            assert panel.scale is None and panel.stack.currentWidget() is panel.hint
            continue
        (low, high), ticks = drawn_axis(panel)
        values = [tick for tick, _label in ticks]
        totals = [sum(s.values[i] or 0 for s in chart.series if s.mark.value == "bar")
                  for i in range(len(chart.categories))]
        points = [v for s in chart.series if s.mark.value == "line" for v in s.values if v is not None]
        assert -0.05 * high < low <= 0 and values[0] == 0 and values[-1] <= high, key  # 0 in sight, labelled
        assert high > max([*totals, *points]), key
        if chart.percent:
            assert [label for _tick, label in ticks] == ["0%", "20%", "40%", "60%", "80%", "100%"], key
            assert high > 1.0, key  # 100% is not the plot's edge
        else:
            steps = {round(b - a, 9) for a, b in pairwise(values)}
            assert len(steps) == 1 and all(tick == int(tick) for tick in values), (key, values)
            assert len(values) <= 7, key
        if any(totals):
            shown = [total for total in totals if total]
            assert len(panel.value_labels) == len(shown), key


def test_the_axes_follow_the_data_at_every_period(qtbot: QtBot, demo_window: MainWindow,
                                                 demo_context: AppContext) -> None:
    """Issue 20: year → half → year, an empty year, a year with one survey form: every chart's axis is set again
    from what it plots (the plan charts kept a 0–1 scale after a switch; the dossiers' bars started near 300)."""
    from cchc_desktop.services.surveys import SurveyEntry

    demo_context.surveys.record(SurveyEntry(taken_on=datetime(2022, 5, 9).date(), overall=5, answers={"1.1": 5}))
    page = dashboard_page(qtbot, demo_window, demo_context, "2024")
    check_axes(page)
    for key in ("2024-H1", "2024", "2030", "2022", "2024"):
        page.select(key)
        qtbot.waitUntil(page.settled)
        assert page.dashboard.period.key == key
        check_axes(page)
        if key == "2022":  # one form: 100%, and on what
            assert page.cards["satisfaction"].value.text() == "100,0%"
            assert page.cards["satisfaction"].base.text() == "1/1 phiếu"
            (low, high), _ticks = drawn_axis(page.panels["satisfaction"])
            assert low <= 0 and round(high, 3) == round(1.1 * 1.04, 3)
        if key == "2030":
            assert all(panel.scale is None for panel in page.panels.values())
    on_time = page.cards["on_time"].base.text()
    figures = page.dashboard.headlines[1]
    assert on_time == figures.base and on_time.endswith(" hồ sơ đã giải quyết") and "/" in on_time
    criteria = page.panels["criteria"]
    assert criteria.scale is not None and criteria.scale.ticks == (0.0, 1.0, 2.0, 3.0, 4.0, 5.0)
    assert all("," in label for label in criteria.value_labels)  # each mark written: «4,21»


def test_the_chair_is_not_sent_to_make_a_plan_and_two_charts_open_above_the_fold(
        qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext) -> None:
    from cchc_desktop.domain.users import Role

    demo_context.accounts.create("ct", "Lê Văn Chủ", Role.CHAIR, "matkhau-123")
    demo_context.accounts.sign_in("ct", "matkhau-123")
    demo_window.resize(1366, 768)
    page = dashboard_page(qtbot, demo_window, demo_context, "2030")
    assert page.panels["plan_areas"].hint.text() == "Chưa có kế hoạch CCHC năm 2030."
    page.select("2024")
    qtbot.waitUntil(page.settled)
    first = [page.grid.itemAtPosition(0, column).widget() for column in range(2)]
    assert first == [page.panels["plan_progress"], page.panels["dossier_rates"]]
    demo_window.resize(1024, 768)
    qtbot.waitUntil(lambda: page.grid.itemAtPosition(0, 1) is None)  # one a row: nothing clipped at 1024
    assert page.grid.itemAtPosition(1, 0).widget() is page.panels["dossier_rates"]


def test_ctrl_p_prints_the_periods_summary(qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import desktop

    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", lambda path: opened.append(Path(path)))
    page = dashboard_page(qtbot, demo_window, demo_context, "2024-H1")
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1 and opened[0].name == "tom-tat-2024-H1.pdf"
    from pypdf import PdfReader

    reader = PdfReader(opened[0])
    assert len(reader.pages) == 1 and "6 THÁNG ĐẦU NĂM 2024" in reader.pages[0].extract_text()


def test_the_window_is_free_while_a_period_is_counted(qtbot: QtBot, demo_window: MainWindow,
                                                     demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 20: the counting runs off the window's thread, through a read-only connection of its own: while it
    is held back the window still handles events and the old figures stay; an answer for a period asked for
    earlier is dropped for the one asked for last. Driven by the counting's own progress, no clock."""
    import threading

    from cchc_desktop.services.dashboard import DashboardService

    page = dashboard_page(qtbot, demo_window, demo_context, "2024")
    started, release = threading.Event(), threading.Event()
    counting = DashboardService.build
    threads: list[str] = []

    def held(service: DashboardService, period: object) -> object:
        threads.append(threading.current_thread().name)
        assert service.db is not demo_context.db  # never the window's connection
        started.set()
        assert release.wait(60)
        return counting(service, period)

    monkeypatch.setattr(DashboardService, "build", held)
    page.select("2024-Q1")
    assert started.wait(60)
    assert not page.settled() and page.dashboard.period.key == "2024"  # the old figures, the window free
    assert page.cutoff.text() == "Quý I năm 2024: đang tính số liệu…"
    qtbot.wait(1)  # the window's event loop turns while the count is held
    page.select("2024-Q3")  # asked for before the first answer came
    release.set()
    qtbot.waitUntil(page.settled)
    assert page.dashboard.period.key == "2024-Q3"
    assert threads and all(name.startswith("cchc-dashboard") for name in threads)
    assert threading.current_thread().name not in threads


def test_figures_that_come_before_the_charts_library_do_not_stop_the_window(
        qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 20: the figures of a period with few dossiers arrive before the charts library (pyqtgraph, ~0.3 s)
    has loaded on its thread. The charts wait for it with the window's event loop turning, not on the window's
    thread (a start on the current year waited up to 135 ms there); once it has loaded they are drawn. Driven by
    the loading's own progress: a stand-in for the loading thread is held until the test lets it go (a watchdog
    lets it go after 30 s, so that a window stuck waiting fails the test rather than hanging it)."""
    import threading

    from ui.pages import overview_page

    page = dashboard_page(qtbot, demo_window, demo_context, "2024")
    release = threading.Event()
    loading = threading.Thread(target=lambda: release.wait(60), name="cchc-charts-import", daemon=True)
    loading.start()
    watchdog = threading.Timer(30, release.set)
    watchdog.start()
    monkeypatch.setattr(overview_page, "_charts_thread", loading)
    try:
        page.select("2024-Q1")
        qtbot.waitUntil(lambda: page.dashboard.period.key == "2024-Q1")  # the figures are in, the charts not
        turned: list[int] = []
        for turn in range(3):  # the event loop keeps turning meanwhile
            QTimer.singleShot(0, lambda turn=turn: turned.append(turn))
            qtbot.waitUntil(lambda turn=turn: turn in turned)
        assert not release.is_set(), "the window waited for the charts library"
        assert page.charts_pending and not page.settled()
        assert all(page.drawn[chart.key].key == chart.key for chart in page.dashboard.charts)
        assert not any(page.drawn[chart.key] is chart for chart in page.dashboard.charts)  # still 2024's
    finally:
        release.set()
        watchdog.cancel()
    loading.join()
    qtbot.waitUntil(page.settled)
    assert all(page.drawn[chart.key] is chart for chart in page.dashboard.charts)


def test_a_reader_cannot_write(demo_context: AppContext) -> None:
    import sqlite3

    reader = demo_context.reader()
    assert reader is demo_context.reader() and reader is not demo_context.db
    with pytest.raises(sqlite3.OperationalError):
        reader.execute("UPDATE setting SET value = 'x'")
    assert reader.execute("SELECT count(*) FROM dossier").fetchone() == demo_context.db.execute(
        "SELECT count(*) FROM dossier").fetchone()
