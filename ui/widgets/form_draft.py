"""No lost typing: a form's fields kept as a draft while they are typed, offered back when the form opens again.

``FormDraft`` watches a form: a second after the last change it saves what the form holds through
DraftService (in its own transaction, so a crash or a power cut a moment later loses nothing), and again when
the page is hidden (another page chosen, the window closed) with changes not yet saved. When the form opens
and a draft is waiting, its ``banner`` says so inline, with «Khôi phục» (fill the fields back) and «Bỏ»
(forget it). The page discards the draft once the form is saved or cleared.

The page gives two functions: ``collect`` (the fields as JSON-ready values, None when nothing worth keeping
is typed) and ``restore`` (fill the fields from such values). Saving a draft never interrupts the typist:
a database that cannot be written now is logged, and the next change tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from cchc_desktop import formatting
from cchc_desktop.errors import StorageError
from cchc_desktop.i18n import _
from cchc_desktop.services.drafts import Draft, DraftService

log = logging.getLogger("cchc.ui")

DRAFT_DELAY_MS = 1000

Collect = Callable[[], dict[str, Any] | None]
Restore = Callable[[Mapping[str, Any]], None]


class DraftBanner(QFrame):
    """«Có bản nháp chưa lưu lúc 09:30 04/06/2024 — Khôi phục / Bỏ», above the form, hidden until offered."""

    restore_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftBanner")
        self.setProperty("role", "draftBanner")
        self.label = QLabel()
        self.label.setObjectName("draftBannerText")
        self.label.setWordWrap(True)
        self.restore_button = QPushButton(_("Khôi phục"))
        self.restore_button.setObjectName("restoreDraft")
        self.discard_button = QPushButton(_("Bỏ"))
        self.discard_button.setObjectName("discardDraft")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.restore_button)
        row.addWidget(self.discard_button)
        self.restore_button.clicked.connect(self.restore_clicked)
        self.discard_button.clicked.connect(self.discard_clicked)
        self.hide()

    def offer(self, saved_at: datetime) -> None:
        self.label.setText(_("Có bản nháp chưa lưu lúc {time} {day} —").format(
            time=f"{saved_at:%H:%M}", day=formatting.short_date(saved_at)))
        self.setVisible(True)

    def offered(self) -> bool:
        """True while a draft is offered (the banner is meant to be seen, even on a page not yet shown)."""
        return not self.isHidden()


class FormDraft(QObject):
    """The draft of one form of ``page``: saved a moment after the typing stops, offered back, discarded."""

    def __init__(self, page: QWidget, service: DraftService, form: str, *, collect: Collect, restore: Restore,
                 delay_ms: int = DRAFT_DELAY_MS) -> None:
        super().__init__(page)
        self.service = service
        self.form = form
        self.collect = collect
        self.restore_fields = restore
        self.dirty = False
        self._quiet = False
        self.banner = DraftBanner()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.save)
        self.banner.restore_clicked.connect(self.restore)
        self.banner.discard_clicked.connect(self.reject)
        page.installEventFilter(self)

    # -- watching the form ---------------------------------------------------------------------------------

    def changed(self, *_args: object) -> None:
        """Connect the form's edit signals here: the draft is saved when the typing has paused."""
        if self._quiet:
            return
        self.dirty = True
        self.timer.start()

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Changes made by the program inside the block (filling the form back) are not typing."""
        self._quiet, before = True, self._quiet
        try:
            yield
        finally:
            self._quiet = before

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Before the page's own hideEvent, which stops its timers: what was typed since the last save is kept.
        if event.type() == QEvent.Type.Hide:
            self.flush()
        return super().eventFilter(watched, event)

    def flush(self) -> None:
        """Save now if something typed is not yet in the draft."""
        if self.dirty:
            self.save()

    def save(self) -> Draft | None:
        """Keep what the form holds; a blank form keeps no draft (unless one is still offered)."""
        self.timer.stop()
        data = self.collect()
        try:
            if data is not None:
                saved = self.service.save(self.form, data)
            elif not self.banner.offered():
                self.service.discard(self.form)
                saved = None
            else:
                saved = None
        except StorageError as exc:  # disk full, file locked: the typing goes on, the next change tries again
            log.warning("the draft of the %s form was not saved: %s", self.form, exc)
            return None
        self.dirty = False
        if saved is not None:
            self.banner.hide()  # the draft offered is replaced by what is being typed now
        return saved

    # -- the offer -----------------------------------------------------------------------------------------

    def offer(self) -> Draft | None:
        """Show the banner when the signed-in account has a draft of this form waiting."""
        try:
            draft = self.service.load(self.form)
        except StorageError as exc:
            log.warning("the draft of the %s form could not be read: %s", self.form, exc)
            return None
        if draft is not None:
            self.banner.offer(draft.saved_at)
        return draft

    def restore(self) -> bool:
        """«Khôi phục»: fill the form back from the draft (which stays until the form is saved)."""
        try:
            draft = self.service.load(self.form)
        except StorageError as exc:
            log.warning("the draft of the %s form could not be read: %s", self.form, exc)
            return False
        self.banner.hide()
        if draft is None:
            return False
        with self.quietly():
            self.restore_fields(draft.data)
        self.timer.stop()
        self.dirty = False
        return True

    def reject(self) -> None:
        """«Bỏ»: forget the draft offered; what was typed since, if anything, is still saved when it pauses."""
        self.banner.hide()
        self._discard_stored()

    def discard(self) -> None:
        """The form was saved or cleared: nothing is pending and no draft remains."""
        self.timer.stop()
        self.dirty = False
        self.banner.hide()
        self._discard_stored()

    def _discard_stored(self) -> None:
        try:
            self.service.discard(self.form)
        except StorageError as exc:
            log.warning("the draft of the %s form was not discarded: %s", self.form, exc)
