"""``python -m benchmarks.dashboard_window DB [SWITCHES]``: the chair's dashboard in a real window (offscreen) on
a large database, timed from the window's own events: each period switch until its figures and charts are
drawn, and the longest the window's event loop went without turning (a 10 ms timer's largest gap) while the
dashboard counted and drew. Prints one JSON line; ``benchmarks`` runs it as a child process.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PERIODS = ("2024-H1", "2024", "2024-Q3", "2024")


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from benchmarks.loop_gaps import LoopGaps
    from cchc_desktop.office import open_office
    from cchc_desktop.services.demo_data import DEMO_PASSWORD
    from ui.app import configure_application, release
    from ui.main_window import MainWindow

    path, switches = argv[0], int(argv[1]) if len(argv) > 1 else 4
    app = QApplication([])
    configure_application(app)
    office = open_office(path, user="quantri", password=DEMO_PASSWORD)
    loop = LoopGaps()
    start = time.perf_counter()
    window = MainWindow(office, start="dashboard", remember=False)
    window.resize(1366, 768)
    window.show()
    loop.restart()
    page = window.current_page()

    def settle() -> None:
        while not page.settled():
            app.processEvents()
            time.sleep(0.001)
        for _round in range(3):
            app.processEvents()

    settle()
    first = (time.perf_counter() - start) * 1000
    start_blocked = loop.largest()
    switch_ms, switch_gaps = [], []
    for number in range(switches):
        loop.restart()
        began = time.perf_counter()
        page.select(PERIODS[number % len(PERIODS)])
        settle()
        switch_ms.append((time.perf_counter() - began) * 1000)
        switch_gaps.append(loop.largest())
    loop.stop()
    release(window)
    office.close()
    print(json.dumps({"start_ms": first, "start_blocked_ms": start_blocked,
                      "switch_ms": switch_ms, "switch_blocked_ms": switch_gaps}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
