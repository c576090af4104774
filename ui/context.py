"""What every page is given: the open database, its path and the services on it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from cchc_desktop.services.settings import SettingsService


@dataclass
class AppContext:
    db: Database
    db_path: Path
    settings: SettingsService

    @classmethod
    def on(cls, db: Database, db_path: Path) -> AppContext:
        return cls(db=db, db_path=db_path, settings=SettingsService(db))
