"""Handing files to the desktop (the PDF viewer); tests replace ``open_file``."""

from __future__ import annotations

from pathlib import PurePath

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


def file_url(path: PurePath) -> QUrl:
    r"""The ``file:`` URL of a local path, a Windows one too (``C:\…``, ``\\server\share\…``): Qt reads
    forward slashes on every system. Vietnamese letters and spaces are kept."""
    return QUrl.fromLocalFile(path.as_posix())


def open_file(path: PurePath) -> None:
    """Open a file, or a folder, with the system's viewer (Explorer, the default PDF reader…)."""
    QDesktopServices.openUrl(file_url(path))
