"""Loading Qt Designer forms (``ui/forms/*.ui``) at run time; nothing generated is committed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

FORMS_DIR = Path(__file__).with_name("forms")


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    """The widget tree of ``forms/<name>.ui``; children are found with ``findChild``."""
    file = QFile(str(FORMS_DIR / f"{name}.ui"))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(file.fileName())
    try:
        widget = QUiLoader().load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise RuntimeError(f"cannot load form {name}")
    return widget
