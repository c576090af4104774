"""How long work reports its progress and is stopped: a ``Progress`` callback called now and then with what is
being done and how far (``done`` of ``total``, 0 when unknown), which may raise ``Cancelled`` to stop the work —
the work then leaves nothing half written (its transaction rolled back, its file never renamed into place)."""

from __future__ import annotations

from collections.abc import Callable

from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _

Progress = Callable[[str, int, int], None]


class Cancelled(CchcError):
    """The person stopped the work before it ended; nothing of it was written."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Đã hủy, chưa ghi dữ liệu nào."))


def no_progress(_stage: str, _done: int, _total: int) -> None:
    """The progress of work nobody watches."""
