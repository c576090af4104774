"""How long work reports its progress and is stopped: a ``Progress`` callback called now and then with what is
being done and how far (``done`` of ``total``, 0 when unknown), which may raise ``Cancelled`` to stop the work —
the work then leaves nothing half written (its transaction rolled back, its file never renamed into place)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TextIO

from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _

Progress = Callable[[str, int, int], None]


class Cancelled(CchcError):
    """The person stopped the work before it ended; nothing of it was written."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Đã hủy, chưa ghi dữ liệu nào."))


def no_progress(_stage: str, _done: int, _total: int) -> None:
    """The progress of work nobody watches."""


class TerminalLine:
    """A ``Progress`` that keeps one line of a terminal up to date («Đang đọc tệp: 12.000 dòng»), at most every
    ``every`` seconds, and wipes it at the end; on a stream that is not a terminal (a pipe, a file, a scheduled
    job's log) it writes nothing."""

    def __init__(self, stream: TextIO, *, every: float = 0.2, names: Mapping[str, str] | None = None) -> None:
        """``names``: what to show for a work's stage keys («dossiers» → «Đang ghi hồ sơ»)."""
        self.stream = stream
        self.names = names or {}
        self.live = stream.isatty()
        self.every = every
        self._last = 0.0
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self._last < self.every:
            return
        self._last = now
        percent = f" ({100 * done // total}%)" if total else ""
        self.stream.write(f"\r\x1b[K{self.names.get(stage, stage)}{percent}")
        self.stream.flush()
        self._shown = True

    def __enter__(self) -> TerminalLine:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
