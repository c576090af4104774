"""How long a window's event loop went without turning: the gaps of a 10 ms timer beyond its interval (the
window's longest wait, a figure of ``benchmarks.dashboard_window`` and ``benchmarks.window_jobs``)."""

from __future__ import annotations

import time

TICK_MS = 10


class LoopGaps:
    """A timer of the event loop that keeps each gap between two of its ticks, less its interval (ms)."""

    def __init__(self, tick_ms: int = TICK_MS) -> None:
        from PySide6.QtCore import QTimer

        self.tick_ms = tick_ms
        self.gaps: list[float] = []
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000 - self.tick_ms)
        self.last = now

    def restart(self) -> None:
        """Forget the gaps so far; the next one counts from now (the timer keeps running, or starts)."""
        self.gaps.clear()
        self.last = time.perf_counter()
        if not self.timer.isActive():
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def largest(self) -> float:
        return max(self.gaps, default=0.0)
