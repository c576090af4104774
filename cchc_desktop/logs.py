"""Logging: one named logger per subsystem (cchc.db, cchc.services, cchc.reports, cchc.ui, cchc.cli),
a rotating log file in the data folder."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cchc_desktop.paths import log_dir

LOG_FILE = "cchc.log"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


MAX_BYTES, BACKUPS = 1_000_000, 3  # the file is rotated at 1 MB, three older files kept (cchc.log.1 … .3)


def _private_open(path: str) -> int:
    """The log names accounts, files and dossier codes: readable by its owner only (0600), a file made by an
    earlier version included."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
    os.chmod(path, 0o600)
    return fd


class PrivateLog(logging.Handler):
    """The rotating log file (the standard library's ``RotatingFileHandler``, each file 0600), built at the first
    record: ``logging.handlers`` (sockets, pickle, queues: ~6 ms) is then imported, not at every start of the
    window. The file is created (0600) at once, so that a folder that cannot be written is known then."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = str(path)
        os.close(_private_open(self.path))
        self.target: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:  # (called under the handler's lock)
        if self.target is None:
            try:
                self.target = _rotating(self.path)
            except Exception:  # (a file that cannot be opened now: said as logging says it, never raised at the caller)
                self.handleError(record)
                return
            self.target.setFormatter(self.formatter)
        self.target.emit(record)

    def close(self) -> None:
        self.acquire()
        try:
            if self.target is not None:
                self.target.close()
                self.target = None
        finally:
            self.release()
        super().close()


def _rotating(path: str) -> logging.Handler:
    import logging.handlers

    class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
        def _open(self):  # (the standard library's own method, unannotated there)
            return open(_private_open(self.baseFilename), self.mode, encoding=self.encoding, errors=self.errors)

    return PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")


def setup_logging(level: str = "INFO", *, folder: Path | None = None) -> Path | None:
    """Send the ``cchc`` loggers to a rotating file; returns its path (None when it cannot be written)."""
    root = logging.getLogger("cchc")
    root.setLevel(level.upper())
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    folder = folder or log_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = PrivateLog(folder / LOG_FILE)
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
