"""«Hủy» pressed in the window while long work runs (issue 19), driven by the work's own progress: the worker waits
at a report until the window has shown it (a window whose event loop did not turn would never show it: the test
fails at the wait instead of passing by luck), then «Hủy» is clicked in the progress dialog, and the worker stops at
its next report."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QPushButton

from ui.widgets.background import Job

Trigger = Callable[[int, int], bool]  # (done, total) of a report shown: is this the one to cancel at?


@dataclass
class Cancelling:
    shown: threading.Event = field(default_factory=threading.Event)
    threads: list[str] = field(default_factory=list)  # the threads the work reported from
    labels: list[str] = field(default_factory=list)  # the dialog's text when «Hủy» was pressed
    while_shown: Callable[[Job], None] | None = None  # checks made on the window's thread at that moment


def cancel_when_shown(monkeypatch: pytest.MonkeyPatch, at: Trigger = lambda done, total: True) -> Cancelling:
    """Make the next job press its own «Hủy» once the window shows a report ``at`` picks; the worker waits there."""
    state = Cancelling()
    showing, telling = Job._show, Job.progress

    def show_then_cancel(job: Job, done: int, total: int) -> None:
        showing(job, done, total)
        assert threading.current_thread() is threading.main_thread()  # the window's thread draws it
        if not state.shown.is_set() and at(done, total):
            if state.while_shown is not None:
                state.while_shown(job)
            button = job.dialog.findChild(QPushButton)
            assert button is not None and button.text() == "Hủy"
            state.labels.append(job.dialog.labelText())
            button.click()
            state.shown.set()

    def tell_and_wait(job: Job, stage: str, done: int, total: int) -> None:
        state.threads.append(threading.current_thread().name)
        telling(job, stage, done, total)
        if at(done, total):
            assert state.shown.wait(120), "the window never showed the progress: its event loop did not turn"

    monkeypatch.setattr(Job, "_show", show_then_cancel)
    monkeypatch.setattr(Job, "progress", tell_and_wait)
    return state
