"""What a chart shows, independent of how it is drawn (pyqtgraph in the window, a PNG exported from it):
categories along one axis and named series of values; None is a gap (a rate over nothing)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum


class Mark(StrEnum):
    BAR = "bar"  # stacked with the other bars of the chart
    LINE = "line"


@dataclass(frozen=True)
class Scale:
    """The value axis of a chart: from 0 to ``ceiling``, with a tick at each of ``ticks``."""

    ceiling: float
    ticks: tuple[float, ...]


HEADROOM = 1.1  # the highest value stays below the top of the plot, its label above it in sight
PERCENT_SCALE = Scale(1.0 * HEADROOM, (0.0, 0.2, 0.4, 0.6, 0.8, 1.0))  # rates: 0 to 100%, always


def value_scale(top: float, *, percent: bool = False, fixed: float | None = None) -> Scale:
    """The axis of values up to ``top``: a rate always 0–100% with headroom; a fixed scale (survey marks 1–5) its
    whole numbers; a count from 0 in whole steps of 1, 2 or 5 × 10ⁿ, at most six of them, never a fraction."""
    if percent:
        return PERCENT_SCALE
    if fixed is not None:
        return Scale(fixed * HEADROOM, tuple(float(mark) for mark in range(int(fixed) + 1)))
    wanted = max(top, 1.0) * HEADROOM
    magnitude = 10 ** max(0, math.floor(math.log10(wanted / 5))) if wanted >= 5 else 1
    step = next(magnitude * factor for factor in (1, 2, 5, 10) if magnitude * factor * 6 >= wanted)
    count = math.ceil(wanted / step)
    return Scale(float(step * count), tuple(float(step * n) for n in range(count + 1)))


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    values: tuple[float | None, ...]
    mark: Mark = Mark.BAR
    colour: str = "#1f5fa8"
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    """``percent``: the values are fractions (0–1) shown as percentages. ``horizontal``: bars lie along
    the x axis with the categories down the left (long labels such as survey criteria)."""

    key: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...] = ()
    percent: bool = False
    horizontal: bool = False
    empty_hint: str = ""
    note: str = ""
    category_keys: tuple[str, ...] = field(default=())  # what a click on a category means (e.g. "2024-05")
    fixed_scale: float | None = None  # the values' own maximum (survey marks: 5), else the axis follows them

    @property
    def empty(self) -> bool:
        return not self.categories or all(
            value in (None, 0) for series in self.series for value in series.values)

    def series_named(self, key: str) -> Series:
        return next(series for series in self.series if series.key == key)

    def bar_totals(self) -> tuple[float, ...]:
        """Per category, the height of its stacked bars (what the label at the bar's end says)."""
        bars = [series.values for series in self.series if series.mark is Mark.BAR]
        return tuple(sum(value or 0.0 for value in column) for column in zip(*bars, strict=True)) if bars else ()

    @property
    def scale(self) -> Scale:
        """The value axis for what is plotted: from 0, over the highest stacked bar or line point."""
        points = [value for series in self.series if series.mark is Mark.LINE
                  for value in series.values if value is not None]
        return value_scale(max([0.0, *self.bar_totals(), *points]), percent=self.percent, fixed=self.fixed_scale)
