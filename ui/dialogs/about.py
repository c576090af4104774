"""Giới thiệu: version, unit and the database path (from the Designer form ``about.ui``)."""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget

from cchc_desktop import __version__
from cchc_desktop.i18n import _
from ui.context import AppContext
from ui.designer import load_form
from ui.widgets.buttons import translate


def build(context: AppContext, parent: QWidget | None = None) -> QDialog:
    dialog = load_form("about", parent)
    assert isinstance(dialog, QDialog)
    values = {
        "version": __version__,
        "unit": context.settings.load().name or _("(chưa khai báo)"),
        "database": context.where,
        "schema": str(context.schema_version()),
        "runtime": f"Qt {PySide6.__version__} / Python {sys.version.split()[0]}",
    }
    for name, text in values.items():
        label = dialog.findChild(QLabel, name)
        label.setText(text)
    buttons = translate(dialog.findChild(QDialogButtonBox, "buttons"))
    buttons.rejected.connect(dialog.reject)
    return dialog


def show(context: AppContext, parent: QWidget | None = None) -> None:
    build(context, parent).exec()
