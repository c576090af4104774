"""Long work on a thread of its own while the window shows its progress and offers «Hủy» (issue 19): the
window's event loop keeps turning (it repaints, it answers), and «Hủy» stops the work at its next progress
report, which leaves nothing half written (``cchc_desktop.progress``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from cchc_desktop.i18n import _
from cchc_desktop.progress import Cancelled, Progress

T = TypeVar("T")
SHOW_AFTER_MS = 400  # quick work shows no dialog at all
# At each progress report (every 250 rows of an import, ~4 ms of work) the worker sleeps this long: while an
# import's rows grew in memory, the window's thread could not get the interpreter lock back for half a second at
# a time on the 2-core test machine, whatever the switch interval; a report's short sleep gives it the lock. The
# window's longest wait during a 100,000-row import: 1,250 ms before, 53–60 ms with it, for ~8% more import time
# (``benchmarks.window_jobs``).
YIELD_S = 0.001


class _Bridge(QObject):
    """Carries the worker's reports to the window's thread: a QObject of that thread, so that its slot runs
    there, queued (a plain Python callable would be called on the worker's thread, touching widgets there)."""

    progressed = Signal(int, int)
    finished = Signal()

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.progressed.connect(self.show)

    @Slot(int, int)
    def show(self, done: int, total: int) -> None:
        self.job._show(done, total)


class Job:
    """One piece of long work and its dialog; ``reports`` counts the progress reports the window received while
    the work ran (each one is a turn of its event loop: a test reads it)."""

    def __init__(self, parent: QWidget | None, title: str, label: str) -> None:
        self.dialog = QProgressDialog(label, _("Hủy"), 0, 0, parent)
        self.dialog.setObjectName("jobProgress")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.cancel = threading.Event()
        self.dialog.canceled.connect(self.cancel.set)
        self.bridge = _Bridge(self)
        self.reports = 0

    def _show(self, done: int, total: int) -> None:
        self.reports += 1
        if self.dialog.maximum() != total:
            self.dialog.setMaximum(total)
        self.dialog.setValue(min(done, total) if total else 0)

    def progress(self, _stage: str, done: int, total: int) -> None:
        """The work's ``Progress``: on the worker's thread; raises ``Cancelled`` once «Hủy» was pressed."""
        if self.cancel.is_set():
            raise Cancelled()
        self.bridge.progressed.emit(done, total)
        time.sleep(YIELD_S)  # the interpreter lock handed to the window's thread, which may be waiting for it

    def run(self, work: Callable[[Progress], T]) -> T:
        """``work(progress)`` on a thread of its own; the window's events meanwhile. Its result, or its error
        (``Cancelled`` after «Hủy») raised here, on the window's thread."""
        outcome: dict[str, Any] = {}

        def body() -> None:
            try:
                outcome["value"] = work(self.progress)
            except BaseException as exc:  # handed to the window's thread, raised there
                outcome["error"] = exc
            finally:
                self.bridge.finished.emit()

        loop = QEventLoop()
        self.bridge.finished.connect(loop.quit)
        worker = threading.Thread(target=body, name="cchc-job", daemon=True)
        worker.start()
        loop.exec()
        worker.join()
        self.dialog.close()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]


def run_with_progress(parent: QWidget | None, title: str, label: str, work: Callable[[Progress], T]) -> T:
    """``Job(parent, title, label).run(work)``."""
    return Job(parent, title, label).run(work)
