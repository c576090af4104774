"""What a chart shows, independent of how it is drawn (pyqtgraph in the window, a PNG exported from it):
categories along one axis and named series of values; None is a gap (a rate over nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Mark(StrEnum):
    BAR = "bar"  # stacked with the other bars of the chart
    LINE = "line"


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

    @property
    def empty(self) -> bool:
        return not self.categories or all(
            value in (None, 0) for series in self.series for value in series.values)

    def series_named(self, key: str) -> Series:
        return next(series for series in self.series if series.key == key)
