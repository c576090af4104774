"""Tổng quan: the chair's dashboard. A period selector drives headline figures (with the change from the
period before) and the charts of plan progress, dossiers, satisfaction and discipline findings; a click on a
bar lists the records behind it; each chart saves as PNG.

The headlines draw at once; the charts library (pyqtgraph) is imported when the charts are first drawn,
just after the page shows, so the window does not wait for it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.charts import Chart
from cchc_desktop.domain.dashboard import Dashboard
from cchc_desktop.domain.periods import Period
from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.paths import data_dir
from cchc_desktop.services.papers import papers_folder
from ui import messages, paper
from ui.context import AppContext
from ui.dialogs.records_dialog import RecordsDialog
from ui.pages.base import Page
from ui.widgets.latest_count import LatestCount, say_failed
from ui.widgets.period_picker import PeriodPicker

if TYPE_CHECKING:
    from ui.charts.panel import ChartPanel

log = logging.getLogger("cchc.ui")
CHART_COLUMNS = 2
ONE_COLUMN_BELOW = 980  # the page's width under which the charts go one a row (a 1024-pixel screen)


class HeadlineCard(QFrame):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"headline_{key}")
        self.setProperty("role", "headline")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.value = QLabel()
        self.value.setObjectName("headlineValue")
        self.base = QLabel()
        self.base.setObjectName("headlineBase")
        self.base.setWordWrap(True)
        self.change = QLabel()
        self.change.setObjectName("headlineChange")
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 4, 10, 4)
        column.setSpacing(1)
        for widget in (self.label, self.value, self.base, self.change):
            column.addWidget(widget)


# The dashboards are counted here, one at a time, each through the thread's own read-only connection: the
# window stays responsive while a year of a large register is counted (issue 20).
_loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-dashboard")


LIBRARY_WAIT_MS = 15
_charts_loading = threading.Lock()
_charts_thread: threading.Thread | None = None


def _load_charts_library() -> None:
    """Import the charts library (pyqtgraph, numpy: ~0.3 s) on a thread of its own while the figures are counted,
    not on the window's thread when they arrive. Its import creates no Qt object."""
    global _charts_thread

    def load() -> None:
        with contextlib.suppress(Exception):  # a failure shows where the charts are drawn, on the window's thread
            import ui.charts.panel  # noqa: F401

    with _charts_loading:
        if _charts_thread is None:
            _charts_thread = threading.Thread(target=load, name="cchc-charts-import", daemon=True)
            _charts_thread.start()


def _charts_library_ready() -> bool:
    """True once that import has ended (or none was started): the window's thread may import the module then
    without waiting."""
    with _charts_loading:
        thread = _charts_thread
    return thread is None or not thread.is_alive()


def _charts_library_loaded() -> None:
    """Wait for that import to end before the window's thread imports the module itself: the same module imported
    by two threads at once can hand one of them the module half run (in the bundle: «cannot import name
    'ChartPanel' from 'ui.charts.panel'», and a dashboard without charts)."""
    with _charts_loading:
        thread = _charts_thread
    if thread is not None:
        thread.join()


class OverviewPage(Page):
    name = "dashboard"
    title = "Tổng quan"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.dashboard
        self.dashboard: Dashboard | None = None
        self.panels: dict[str, ChartPanel] = {}
        self.drawn: dict[str, Chart] = {}  # what each panel shows now
        self.charts_pending = False
        self.counting = LatestCount(_loader, self.loaded, self.not_counted, self)
        _load_charts_library()

        top = QHBoxLayout()
        self.unit = QLabel()
        self.unit.setObjectName("pageSubtitle")
        self.picker = PeriodPicker(self.service.default_period(), name="dashboard")
        self.cutoff = QLabel()
        self.cutoff.setObjectName("dashboardCutoff")
        self.print_button = QPushButton(_("In tóm tắt (Ctrl+P)"))
        self.print_button.setObjectName("printSummary")
        self.print_button.setToolTip(_("Một trang tóm tắt các chỉ tiêu của kỳ cho lãnh đạo (PDF, số liệu tổng hợp)"))
        self.print_button.clicked.connect(self.print_summary)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_summary)
        top.addWidget(self.unit, 1)
        top.addWidget(self.picker)
        top.addWidget(self.print_button)
        self.layout_.addLayout(top)
        self.layout_.addWidget(self.cutoff)

        self.cards: dict[str, HeadlineCard] = {}
        cards = QHBoxLayout()
        for key in ("plan", "on_time", "online", "satisfaction", "overdue"):
            self.cards[key] = HeadlineCard(key)
            cards.addWidget(self.cards[key], 1)
        self.layout_.addLayout(cards)

        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("dashboardCharts")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.grid_holder)
        self.layout_.addWidget(scroll, 1)

        self.picker.changed.connect(lambda _key: self.refresh())
        self.chart_timer = QTimer(self)
        self.chart_timer.setSingleShot(True)
        self.chart_timer.setInterval(0)
        self.chart_timer.timeout.connect(self.draw_charts)
        # The figures can arrive before the charts library has loaded (a period with few dossiers counts in a few
        # milliseconds, the library takes ~0.3 s): the charts then look again a little later, the window turning
        # meanwhile, rather than the window's thread waiting for the import (up to 135 ms measured at a start on
        # the current year).
        self.library_wait = QTimer(self)
        self.library_wait.setSingleShot(True)
        self.library_wait.setInterval(LIBRARY_WAIT_MS)
        self.library_wait.timeout.connect(self.draw_charts)
        self.refresh()

    def current_period(self) -> Period:
        return self.picker.current()

    def select(self, key: str) -> None:
        """Show the period ``key`` (``2024``, ``2024-Q2``, ``2024-05``…)."""
        self.picker.select(key)

    def refresh(self) -> None:
        """Count the chosen period off the window's thread (``loaded`` shows it); the window stays usable."""
        self.unit.setText(self.context.settings.load().name or _("Chưa khai báo đơn vị (xem trang Cài đặt)"))
        period = self.current_period()
        office = self.context
        self.cutoff.setText(_("{label}: đang tính số liệu…").format(label=period.label))
        self.counting.start(lambda: office.dashboard_here().build(period))

    def not_counted(self, exc: Exception) -> None:
        say_failed(self, self.cutoff, exc, _("Không tính được số liệu của kỳ này; chi tiết trong tệp nhật ký."),
                   "dashboard")

    def loaded(self, result: object) -> None:
        assert isinstance(result, Dashboard)
        self.dashboard = dashboard = result
        compared = (_(" So sánh với kỳ trước: {previous}.").format(previous=dashboard.previous.label)
                    if dashboard.previous else "")
        self.cutoff.setText(_("{label}: số liệu tính đến hết ngày {cutoff}.{compared}").format(
            label=dashboard.period.label, cutoff=formatting.short_date(dashboard.cutoff), compared=compared))
        for headline in dashboard.headlines:
            card = self.cards[headline.key]
            card.label.setText(headline.label)
            card.value.setText(headline.value)
            card.base.setText(headline.base)
            card.base.setVisible(bool(headline.base))
            card.change.setText(headline.change)
            card.change.setProperty("trend", {True: "good", False: "bad", None: ""}[headline.improved])
            card.change.style().unpolish(card.change)
            card.change.style().polish(card.change)
        self.charts_pending = True
        if self.isVisible():
            self.chart_timer.start()

    def finish(self) -> None:
        self.counting.finish()

    def showEvent(self, event: QShowEvent) -> None:
        """Charts wait until the page is on screen (a hidden page stops its timers)."""
        super().showEvent(event)
        if self.charts_pending:
            self.chart_timer.start()

    def settled(self) -> bool:
        return not self.counting.loading and not self.charts_pending

    def panel_for(self, key: str) -> ChartPanel:
        _charts_library_loaded()  # pyqtgraph: imported on a thread of its own meanwhile
        from ui.charts.panel import ChartPanel

        panel = self.panels.get(key)
        if panel is None:
            panel = ChartPanel()
            panel.setObjectName(f"chart_{key}")
            panel.clicked.connect(lambda index, series, key=key: self.open_records(key, index, series))
            panel.save_button.clicked.connect(lambda _checked=False, key=key: self.save_chart(key))
            self.panels[key] = panel
            self.lay_out_charts()
        return panel

    def draw_charts(self) -> None:
        """Draw the next chart of the current dashboard, then let the window breathe and come back for the one
        after: the window never waits for all seven at once."""
        if self.dashboard is None:
            return
        if not _charts_library_ready():
            self.library_wait.start()
            return
        waiting = [chart for chart in self.dashboard.charts if self.drawn.get(chart.key) is not chart]
        if not waiting:
            self.charts_pending = False
            return
        chart = waiting[0]
        self.panel_for(chart.key).show_chart(chart)
        self.drawn[chart.key] = chart
        if len(waiting) == 1:
            self.charts_pending = False
        else:
            self.chart_timer.start()

    def columns(self) -> int:
        return 1 if self.width() < ONE_COLUMN_BELOW else CHART_COLUMNS

    def lay_out_charts(self) -> None:
        """The panels in the dashboard's order, two a row, or one a row on a narrow page (nothing clipped)."""
        columns = self.columns()
        for number, panel in enumerate(self.panels.values()):
            self.grid.removeWidget(panel)
            self.grid.addWidget(panel, number // columns, number % columns)
        for column in range(CHART_COLUMNS):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        placed = {self.grid.getItemPosition(self.grid.indexOf(panel))[1] for panel in self.panels.values()}
        if self.panels and (max(placed) + 1) != self.columns():
            self.lay_out_charts()

    def print_summary(self) -> Path | None:
        """The period's one-page summary (DashboardService.summary) printed, or opened where there is no printer."""
        period = self.current_period()
        path = papers_folder() / f"tom-tat-{period.key}.pdf"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.service.summary(period, path)
            paper.deliver(self, path, title=_("Tóm tắt tình hình CCHC — {period}").format(period=period.label))
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        return path

    def open_records(self, chart_key: str, index: int, series_key: str) -> None:
        if self.dashboard is None:
            return
        records = self.service.records(self.dashboard, chart_key, index, series_key)
        if records is not None:
            RecordsDialog.show_records(self, records)

    def save_chart(self, chart_key: str) -> None:
        panel = self.panels.get(chart_key)
        if panel is None or self.dashboard is None:
            return
        suggested = data_dir() / "bieu-do" / f"{chart_key}-{self.dashboard.period.key}.png"
        target = messages.choose_save_file(self, _("Lưu biểu đồ"), suggested, _("Ảnh PNG (*.png)"))
        if target is None:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            panel.save_png(target)
        except (OSError, CchcError) as exc:
            messages.error(self, user_message(exc))
