"""PaperStore: the PDF of every paper the window printed (receipts, letters, ledgers, lists), kept in ``phieu/``
of the data folder for the days the admin set (``UnitSettings.papers_keep_days``, 90 by default), then removed.

Those files hold citizens' names, ID numbers and phones: the folder and the files are the owner's only (0700,
0600), and each removal is written into the audit trail (how many files, which ones, older than what).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cchc_desktop.paths import data_dir
from cchc_desktop.services.settings import SettingsService
from db import audit
from db.errors import writing
from db.handle import Database

log = logging.getLogger("cchc.services")

FOLDER = "phieu"


def papers_folder() -> Path:
    """``phieu/`` in the data folder, made private (0700) when missing."""
    folder = data_dir() / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class Tidied:
    removed: tuple[str, ...]
    keep_days: int


class PaperStore:
    def __init__(self, db: Database, folder: Path | None = None, *,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.db = db
        self.folder = folder
        self.clock = clock

    def tidy(self) -> Tidied:
        """Remove the papers older than the days set; one audit entry names them. Files that are not papers
        (another name, a folder) and papers still within the days stay."""
        keep_days = SettingsService(self.db).load().papers_keep_days
        folder = self.folder or papers_folder()
        limit = (self.clock() - timedelta(days=keep_days)).timestamp()
        removed = []
        for path in sorted(folder.glob("*.pdf")) if folder.is_dir() else ():
            try:
                info = path.lstat()
                if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
                    path.unlink()
                    removed.append(path.name)
                elif stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
                    os.chmod(path, 0o600)  # a paper written 0644 by an earlier version
            except OSError as exc:  # in use, gone meanwhile: the next start tries again
                log.warning("could not tidy %s: %s", path, exc)
        if removed:
            with writing(self.db):
                audit.log_entry(self.db, "other", after={
                    "xóa phiếu đã in": len(removed), "cũ hơn (ngày)": keep_days, "thư mục": str(folder),
                    "tệp": removed[:200]})
            log.info("removed %d papers older than %d days from %s", len(removed), keep_days, folder)
        return Tidied(tuple(removed), keep_days)
