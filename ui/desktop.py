"""Handing files to the desktop (the PDF viewer); tests replace ``open_file``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


def open_file(path: Path) -> None:
    """Open a file with the system's viewer."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
