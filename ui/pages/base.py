"""What every page of the main window has: a name (for ``--page``), a title and a refresh hook."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop.i18n import _
from ui.context import AppContext

_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


class Page(QWidget):
    name = ""
    title = ""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.was_shown = False  # (set at the first show: until then no timer of the page can be waiting)
        self.setObjectName(f"page_{self.name}")
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(_(self.title))
        heading.setObjectName("pageTitle")
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(heading)

    def showEvent(self, event: QShowEvent) -> None:
        self.was_shown = True
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        """A hidden page has no pending debounce: a late timer must not run against a closed database. (Hidden
        before it ever showed, as the window lays out the page it opens on, it has none: the search through every
        child, ~4 ms on the register, is not made then.)"""
        if self.was_shown:
            for timer in self.findChildren(QTimer):
                timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Called when the page is shown; pages re-read what they display."""

    def first_field(self) -> QWidget | None:
        """Where the keyboard starts when the page is opened (Ctrl+number, a click, Enter in the list): the
        first input of the page in tab order, unless a page says otherwise."""
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if self.isAncestorOf(widget) and widget.isVisibleTo(self) and widget.isEnabled() \
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus and isinstance(widget, _INPUTS):
                return widget
            widget = widget.nextInFocusChain()
        return None

    def focus_first(self) -> None:
        field = self.first_field()
        if field is not None:
            field.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def settled(self) -> bool:
        """True when nothing the page deferred (drawing after it showed) is still to come."""
        return True

    def finish(self) -> None:
        """Wait for what the page started off the window's thread (the window is closing); nothing by default."""
