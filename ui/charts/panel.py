"""One chart of the dashboard: a title, the pyqtgraph plot of a ``Chart``, a legend, an empty-state hint,
a click on a bar or a point that says which category and series it was, and «Lưu ảnh» to a PNG.

Numbers and percentages on the axes are formatted the Vietnamese way (``1.648``, ``99%``).
"""

from __future__ import annotations

import math
import textwrap
from html import escape
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from cchc_desktop import formatting
from cchc_desktop.domain.charts import Chart, Mark, Scale
from cchc_desktop.files import write_atomically
from cchc_desktop.i18n import _

BAR_WIDTH = 0.6
EDGE_RIM = 0.04  # of the value axis, below 0 and above its top tick
PANEL_HEIGHT = 330
LABEL_CHARS = 34  # a category label's line on a horizontal chart


def value_text(value: float, chart: Chart) -> str:
    """A value as its chart shows it: «96%», «4,21» on the survey marks' scale, «1.648» for a count."""
    if chart.percent:
        return formatting.percent(value, decimals=0)
    if chart.fixed_scale is not None:
        return formatting.number(value, decimals=2)
    return formatting.number(value, decimals=0)


def category_label(text: str) -> str:
    """A category's label on its axis, whole, on two lines at most (a third is cut with «…»)."""
    lines = textwrap.wrap(text, LABEL_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL_CHARS, placeholder="…")]
    return "\n".join(lines)


class ChartPanel(QFrame):
    """``clicked(category_index, series_key)`` when a bar segment or a line's point is clicked."""

    clicked = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedHeight(PANEL_HEIGHT)
        self.chart: Chart | None = None
        self.drawn: dict[str, tuple[float | None, ...]] = {}  # what was drawn, by series key (tests read it)
        self.scale: Scale | None = None  # the value axis drawn
        self.value_labels: list[str] = []  # the values written at the bars' ends
        self.title = QLabel()
        self.title.setObjectName("chartTitle")
        self.save_button = QPushButton(_("Lưu ảnh…"))
        self.save_button.setObjectName("saveChart")
        self.save_button.setToolTip(_("Lưu biểu đồ thành tệp ảnh PNG"))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.save_button)
        self.legend = QLabel()
        self.legend.setObjectName("chartLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("chartNote")
        self.note.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setObjectName("chartHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.stack = QStackedWidget(self)  # parented at once: a plot shown without a parent is a window of its own
        # No context menu: built without it, not built then switched off (its widgets: ~2.5 ms of each chart).
        self.plot = pg.PlotWidget(self.stack, background="w", enableMenu=False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)

    # -- drawing -----------------------------------------------------------------------------------------

    def show_chart(self, chart: Chart) -> None:
        self.chart = chart
        self.title.setText(chart.title)
        self.note.setText(chart.note)
        self.note.setVisible(bool(chart.note))
        self.drawn = {series.key: series.values for series in chart.series}
        self.save_button.setEnabled(not chart.empty)
        if chart.empty:
            self.scale, self.value_labels = None, []
            self.legend.setText("")
            self.hint.setText(chart.empty_hint or _("Chưa có số liệu trong kỳ này."))
            self.stack.setCurrentWidget(self.hint)
            return
        self.stack.setCurrentWidget(self.plot)
        self._draw(chart)

    def _draw(self, chart: Chart) -> None:
        """The chart on a value axis of its own scale (``Chart.scale``: from 0, whole ticks for counts, 0–100% with
        headroom for rates), set again at every draw, with the value of each bar at its end."""
        item = self.plot.getPlotItem()
        item.clear()
        value_side, category_side = ("bottom", "left") if chart.horizontal else ("left", "bottom")
        scale = chart.scale
        self.scale = scale
        values = item.getAxis(value_side)
        values.setTicks([[(tick, value_text(tick, chart)) for tick in scale.ticks], []])
        ticks = [(index, category_label(label) if chart.horizontal else label)
                 for index, label in enumerate(chart.categories)]
        categories = item.getAxis(category_side)
        categories.setTicks([ticks, []])
        if chart.horizontal:
            metrics = QFontMetrics(categories.font())
            widest = max(metrics.horizontalAdvance(line) for _index, label in ticks for line in label.split("\n"))
            categories.setWidth(min(260, widest + 16))
        item.showGrid(x=chart.horizontal, y=not chart.horizontal, alpha=0.25)
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color:{series.colour}">{"┅" if series.dashed else "■"}</span>&nbsp;{escape(series.name)}'
            for series in chart.series) if len(chart.series) > 1 else "")
        positions = list(range(len(chart.categories)))
        base = [0.0] * len(positions)
        for series in chart.series:
            points = [math.nan if value is None else float(value) for value in series.values]
            if series.mark is Mark.BAR:
                heights = [0.0 if math.isnan(value) else value for value in points]
                if chart.horizontal:
                    bars = pg.BarGraphItem(x0=base, y=positions, height=BAR_WIDTH, width=heights,
                                           brush=series.colour, pen=pg.mkPen("w"))
                else:
                    bars = pg.BarGraphItem(x=positions, y0=base, height=heights, width=BAR_WIDTH,
                                           brush=series.colour, pen=pg.mkPen("w"))
                item.addItem(bars)
                base = [low + height for low, height in zip(base, heights, strict=True)]
            else:
                pen = pg.mkPen(series.colour, width=2,
                               style=Qt.PenStyle.DashLine if series.dashed else Qt.PenStyle.SolidLine)
                item.plot(positions, points, pen=pen, symbol=None if series.dashed else "o", symbolSize=6,
                          symbolBrush=series.colour, symbolPen=series.colour, connect="finite")
        self.value_labels = []
        for index, total in enumerate(chart.bar_totals()):
            if not total:
                continue
            text = value_text(total, chart)
            label = pg.TextItem(text, color="#222222", anchor=(0, 0.5) if chart.horizontal else (0.5, 1))
            label.setPos(*((total, index) if chart.horizontal else (index, total)))
            item.addItem(label)
            self.value_labels.append(text)
        box = item.getViewBox()
        box.disableAutoRange()
        # A rim around 0 and the top tick, so that their labels are drawn whole (pyqtgraph leaves out a label that
        # would cross the plot's edge).
        rim = scale.ceiling * EDGE_RIM
        values_span = (-rim, scale.ceiling + rim)
        if chart.horizontal:
            box.invertY(True)
            box.setRange(xRange=values_span, yRange=(-0.6, len(positions) - 0.4), padding=0)
        else:
            box.invertY(False)
            box.setRange(xRange=(-0.6, len(positions) - 0.4), yRange=values_span, padding=0)

    # -- clicks ------------------------------------------------------------------------------------------

    def hit(self, x: float, y: float) -> tuple[int, str] | None:
        """The (category, series) under the chart coordinates ``(x, y)``, or None."""
        chart = self.chart
        if chart is None or chart.empty:
            return None
        along, across = (y, x) if chart.horizontal else (x, y)
        index = round(along)
        if not 0 <= index < len(chart.categories) or abs(along - index) > BAR_WIDTH / 2 + 0.1:
            return None
        low = 0.0
        for series in chart.series:
            value = series.values[index]
            if series.mark is Mark.BAR and value:
                if low <= across <= low + value:
                    return index, series.key
                low += value
        lines = [series for series in chart.series if series.mark is Mark.LINE and series.values[index] is not None]
        if lines:
            nearest = min(lines, key=lambda series: abs((series.values[index] or 0) - across))
            return index, nearest.key
        return None

    def point_of(self, index: int, series_key: str) -> QPointF:
        """Where on the plot widget the middle of a bar segment (or a line's point) is drawn."""
        assert self.chart is not None
        low = 0.0
        middle = 0.0
        for series in self.chart.series:
            value = series.values[index] or 0.0
            if series.key == series_key:
                middle = low + value / 2 if series.mark is Mark.BAR else value
                break
            if series.mark is Mark.BAR:
                low += value
        x, y = (middle, index) if self.chart.horizontal else (index, middle)
        scene = self.plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
        return self.plot.mapFromScene(scene)

    def _scene_clicked(self, event) -> None:
        point = self.plot.getPlotItem().getViewBox().mapSceneToView(event.scenePos())
        found = self.hit(point.x(), point.y())
        if found is not None:
            self.clicked.emit(*found)

    # -- export ------------------------------------------------------------------------------------------

    def save_png(self, path: Path) -> Path:
        """The panel as drawn (title, plot, legend) into a PNG file, written whole beside it and renamed
        (``files.write_atomically``, which refuses the database and its copies)."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not self.grab().save(buffer, "PNG"):
            raise OSError(_("Không ghi được tệp ảnh {path}.").format(path=path))
        buffer.close()
        write_atomically(path, bytes(data.data()))
        return path

