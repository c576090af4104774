"""Logging: one named logger per subsystem (cchc.db, cchc.services, cchc.reports, cchc.ui, cchc.cli),
a rotating log file in the data folder."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from cchc_desktop.paths import log_dir

LOG_FILE = "cchc.log"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log names accounts, files and dossier codes: readable by its owner only (0600), each file rotated in
    included."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
        os.chmod(self.baseFilename, 0o600)  # a file made by an earlier version
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def setup_logging(level: str = "INFO", *, folder: Path | None = None) -> Path | None:
    """Send the ``cchc`` loggers to a rotating file; returns its path (None when it cannot be written)."""
    root = logging.getLogger("cchc")
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    folder = folder or log_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = PrivateRotatingFileHandler(folder / LOG_FILE, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        root.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return folder / LOG_FILE


def log_tail(lines: int = 40) -> str:
    """The last lines of the log file, for the crash dialog."""
    path = log_dir() / LOG_FILE
    try:
        return "".join(path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)[-lines:])
    except OSError:
        return ""
