"""Logging: one named logger per subsystem (cchc.db, cchc.services, cchc.reports, cchc.ui, cchc.cli),
a rotating log file in the data folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from cchc_desktop.paths import log_dir

LOG_FILE = "cchc.log"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def setup_logging(level: str = "INFO", *, folder: Path | None = None) -> Path | None:
    """Send the ``cchc`` loggers to a rotating file; returns its path (None when it cannot be written)."""
    root = logging.getLogger("cchc")
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    folder = folder or log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
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
