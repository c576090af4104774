"""What the chair's dashboard shows for a period, as data: the headline figures and the charts
(``services.dashboard`` counts them; the window draws them; ``reports.dashboard_summary`` prints them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cchc_desktop.domain.charts import Chart
from cchc_desktop.domain.periods import Period


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str
    change: str  # "▲ 2,1 điểm %" / "▼ 3" / "" when there is nothing to compare with
    improved: bool | None  # the change is good news (None: no change or nothing to compare)
    base: str = ""  # what a rate is of: «232/242 hồ sơ đã giải quyết»


@dataclass(frozen=True)
class Dashboard:
    period: Period
    cutoff: date
    previous: Period | None
    headlines: tuple[Headline, ...]
    charts: tuple[Chart, ...]

    def chart(self, key: str) -> Chart:
        return next(chart for chart in self.charts if chart.key == key)
