"""Typing into real widgets. ``qtbot.keyClicks`` aborts the process on non-ASCII text with the PyPI Qt
build, so Vietnamese goes in the way an input method (Unikey, ibus) delivers it: a committed string."""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` at the cursor of ``widget``: ASCII as key clicks, the rest as committed IME text."""
    widget.setFocus()
    run = ""
    for char in text:
        if char.isascii() == run.isascii() or not run:
            run += char
            continue
        _send(qtbot, widget, run)
        run = char
    if run:
        _send(qtbot, widget, run)


def _send(qtbot: QtBot, widget: QWidget, run: str) -> None:
    if run.isascii():
        qtbot.keyClicks(widget, run)
        return
    event = QInputMethodEvent("", [])
    event.setCommitString(run)
    QApplication.sendEvent(widget, event)


def replace_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select everything in the field, then type ``text`` over it."""
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, "\b")  # Backspace
    type_text(qtbot, widget, text)
