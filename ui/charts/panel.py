"""One chart of the dashboard: a title, the pyqtgraph plot of a ``Chart``, a legend, an empty-state hint,
a click on a bar or a point that says which category and series it was, and «Lưu ảnh» to a PNG.

Numbers and percentages on the axes are formatted the Vietnamese way (``1.648``, ``99%``).
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from cchc_desktop import formatting
from cchc_desktop.domain.charts import Chart, Mark
from cchc_desktop.files import write_atomically
from cchc_desktop.i18n import _

BAR_WIDTH = 0.6
PANEL_HEIGHT = 330
LABEL_CHARS = 42  # a category label longer than this is cut with "…" (the whole text is in the tooltip)


class ValueAxis(pg.AxisItem):
    """Ticks as Vietnamese numbers, or as percentages of fractions."""

    def __init__(self, orientation: str, *, percent: bool) -> None:
        super().__init__(orientation)
        self.percent = percent

    def tickStrings(self, values, scale, spacing):
        if self.percent:
            return [formatting.percent(value, decimals=0) for value in values]
        whole = spacing >= 1
        return [formatting.number(value, decimals=0 if whole else 1) for value in values]


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


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
        self.plot = pg.PlotWidget(self.stack, background="w")
        self.plot.setMenuEnabled(False)
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
            self.legend.setText("")
            self.hint.setText(chart.empty_hint or _("Chưa có số liệu trong kỳ này."))
            self.stack.setCurrentWidget(self.hint)
            return
        self.stack.setCurrentWidget(self.plot)
        self._draw(chart)

    def _draw(self, chart: Chart) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        value_side, category_side = ("bottom", "left") if chart.horizontal else ("left", "bottom")
        item.setAxisItems({value_side: ValueAxis(value_side, percent=chart.percent)})
        ticks = [(index, _short(label)) for index, label in enumerate(chart.categories)]
        categories = item.getAxis(category_side)
        categories.setTicks([ticks])
        if chart.horizontal:
            metrics = QFontMetrics(categories.font())
            categories.setWidth(min(320, max(metrics.horizontalAdvance(label) for _index, label in ticks) + 16))
        item.getAxis(value_side).setTicks(None)
        item.showGrid(x=chart.horizontal, y=not chart.horizontal, alpha=0.25)
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color:{series.colour}">{"┅" if series.dashed else "■"}</span>&nbsp;{escape(series.name)}'
            for series in chart.series) if len(chart.series) > 1 else "")
        positions = list(range(len(chart.categories)))
        base = [0.0] * len(positions)
        top = 0.0
        for series in chart.series:
            values = [math.nan if value is None else float(value) for value in series.values]
            if series.mark is Mark.BAR:
                heights = [0.0 if math.isnan(value) else value for value in values]
                if chart.horizontal:
                    bars = pg.BarGraphItem(x0=base, y=positions, height=BAR_WIDTH, width=heights,
                                           brush=series.colour, pen=pg.mkPen("w"))
                else:
                    bars = pg.BarGraphItem(x=positions, y0=base, height=heights, width=BAR_WIDTH,
                                           brush=series.colour, pen=pg.mkPen("w"))
                item.addItem(bars)
                base = [low + height for low, height in zip(base, heights, strict=True)]
                top = max([top, *base])
            else:
                pen = pg.mkPen(series.colour, width=2,
                               style=Qt.PenStyle.DashLine if series.dashed else Qt.PenStyle.SolidLine)
                item.plot(positions, values, pen=pen, symbol=None if series.dashed else "o", symbolSize=6,
                          symbolBrush=series.colour, symbolPen=series.colour, connect="finite")
                top = max([top, *(value for value in values if not math.isnan(value))])
        ceiling = 1.0 if chart.percent else max(top * 1.15, 1.0)
        if chart.horizontal:
            item.setXRange(0, ceiling, padding=0)
            item.setYRange(-0.6, len(positions) - 0.4, padding=0)
            item.getViewBox().invertY(True)
        else:
            item.getViewBox().invertY(False)
            item.setYRange(0, ceiling, padding=0)
            item.setXRange(-0.6, len(positions) - 0.4, padding=0)

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

