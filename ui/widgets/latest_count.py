"""A page's figures counted off the window's thread (the dashboard, the 766 score): one count at a time on the
page's own executor, the latest asked for shown and an older answer dropped, a failure said on the page."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from cchc_desktop.errors import CchcError, user_message
from ui import messages

log = logging.getLogger("cchc.ui")


class LatestCount(QObject):
    """``start(work)`` runs ``work`` on ``executor``; on the window's thread ``shown(result)`` gets what the latest
    count returned, ``failed(exc)`` what it raised. ``loading`` while the latest has not arrived."""

    done = Signal(int, object)  # (the count's number, its result or exception), from the counting thread

    def __init__(self, executor: Executor, shown: Callable[[object], None], failed: Callable[[Exception], None],
                 parent: QObject) -> None:
        super().__init__(parent)
        self.executor = executor
        self.shown = shown
        self.failed = failed
        self.asked = 0  # the number of the last count asked for: an older answer is dropped
        self.loading = False
        self.pending: Future[None] | None = None
        self.done.connect(self._arrived)

    def start(self, work: Callable[[], object]) -> None:
        self.asked += 1
        number = self.asked
        self.loading = True

        def count() -> None:
            result: object
            try:
                result = work()
            except Exception as exc:  # shown by the window, not lost in a thread
                result = exc
            with contextlib.suppress(RuntimeError):  # the page is gone (the window closed meanwhile)
                self.done.emit(number, result)

        self.pending = self.executor.submit(count)

    def _arrived(self, number: int, result: object) -> None:
        if number != self.asked:  # another period was asked for meanwhile
            return
        self.loading = False
        if isinstance(result, Exception):
            self.failed(result)
        else:
            self.shown(result)

    def finish(self) -> None:
        """Wait for the count under way (a test, the window closing)."""
        if self.pending is not None:
            with contextlib.suppress(Exception):
                self.pending.result(timeout=60)


def say_failed(page: QWidget, label: QLabel, exc: Exception, fallback: str, what: str) -> None:
    """A count that failed: said on ``label`` and, while ``page`` is shown, in a message box (a page left or a
    window closed meanwhile gets no box over another); a fault that is not the user's is logged as ``what``."""
    text = user_message(exc) if isinstance(exc, CchcError) else fallback
    label.setText(text)
    if page.isVisible():
        messages.error(page, text)
    if not isinstance(exc, CchcError):
        log.error("%s not counted", what, exc_info=exc)
