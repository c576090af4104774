"""BackupService: consistent copies of the database (SQLite's online backup API, so the window may stay open)
into the folder the admin chose (a USB stick, a network share) or ``backups/`` beside the file; one automatic
copy a day at start-up, rotated (7 daily, 4 weekly, 12 monthly); copies on demand; restore from a copy after
checking it, with the current database copied first.

Copies are named ``<tên>-<loại>-<yyyymmdd-HHMMSS>.sqlite3`` (loại: ``tu-dong``, ``thu-cong``, ``truoc-khoi-phuc``;
``truoc-nang-cap`` is made by ``open_db`` before a migration) and are readable by the owner only.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from cchc_desktop.domain.backups import to_remove
from cchc_desktop.errors import CchcError, StorageProblem, file_reason
from cchc_desktop.i18n import _
from db.connection import (
    BACKUP_FOLDER_SETTING,
    backup_folder,
    copy_database,
    integrity_problems,
    open_db,
    schema_state,
)
from db.errors import classify, from_environment
from db.queries import settings as settings_queries

log = logging.getLogger("cchc.services")

STAMP = "%Y%m%d-%H%M%S"


class BackupKind(StrEnum):
    AUTOMATIC = "tu-dong"
    MANUAL = "thu-cong"
    BEFORE_RESTORE = "truoc-khoi-phuc"
    BEFORE_MIGRATION = "truoc-nang-cap"


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: BackupKind
    at: datetime


@dataclass(frozen=True)
class Restored:
    source: Path
    previous: Path  # the copy of the database as it was before the restore


def _pattern(stem: str) -> re.Pattern[str]:
    kinds = "|".join(kind.value for kind in BackupKind)
    return re.compile(rf"{re.escape(stem)}-({kinds})-(\d{{8}}-\d{{6}})\.sqlite3")


class BackupService:
    def __init__(self, db_path: Path, *, clock: Callable[[], datetime] = datetime.now) -> None:
        self.db_path = Path(db_path)
        self.clock = clock

    # -- where ---------------------------------------------------------------------------------------------

    def folder(self) -> Path:
        """The folder chosen by the admin (a setting), else ``backups/`` beside the database."""
        db = open_db(self.db_path, migrate=False, create=False)
        try:
            return backup_folder(self.db_path, db)
        finally:
            db.close()

    def set_folder(self, folder: Path | str) -> Path:
        """Choose where copies go; the folder must exist (or be creatable) and accept a file."""
        path = Path(folder).expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".cchc-thu-ghi"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise CchcError(_("Không ghi được vào thư mục sao lưu {path}: {reason}.").format(
                path=path, reason=exc.strerror or exc)) from exc
        db = open_db(self.db_path, migrate=False, create=False)
        try:
            with db.atomic():
                settings_queries.write_many(db, {BACKUP_FOLDER_SETTING: str(path.resolve())})
        finally:
            db.close()
        return path.resolve()

    def backups(self, folder: Path | None = None) -> list[Backup]:
        """The copies of this database in ``folder`` (default: the backup folder), newest first."""
        folder = Path(folder) if folder is not None else self.folder()
        pattern = _pattern(self.db_path.stem)
        found = []
        for path in folder.glob(f"{self.db_path.stem}-*.sqlite3") if folder.is_dir() else ():
            if match := pattern.fullmatch(path.name):
                found.append(Backup(path, BackupKind(match[1]), datetime.strptime(match[2], STAMP)))
        return sorted(found, key=lambda backup: backup.at, reverse=True)

    # -- copies --------------------------------------------------------------------------------------------

    def backup(self, *, kind: BackupKind = BackupKind.MANUAL, folder: Path | None = None) -> Backup:
        """A consistent copy now (the database may be open elsewhere); then the automatic ones rotated."""
        now = self.clock().replace(microsecond=0)
        target_folder = Path(folder) if folder is not None else self.folder()
        target = target_folder / f"{self.db_path.stem}-{kind.value}-{now.strftime(STAMP)}.sqlite3"
        db = open_db(self.db_path, migrate=False, create=False)
        try:
            copy_database(db.conn, target)  # never a half copy under a backup's name
        except OSError as exc:
            raise CchcError(_("Không sao lưu được vào {path}: {reason}.").format(
                path=target_folder, reason=file_reason(exc))) from exc
        except sqlite3.Error as exc:
            problem = classify(exc, target).problem if from_environment(exc) else None
            reason = _("ổ đĩa đã đầy hoặc không ghi được vào đó") if problem in (
                StorageProblem.DISK_FULL, StorageProblem.IO, StorageProblem.READ_ONLY) else str(exc)
            raise CchcError(_("Không sao lưu được vào {path}: {reason}.").format(path=target_folder, reason=reason)) \
                from exc
        finally:
            db.close()
        log.info("backed up %s to %s", self.db_path, target)
        if folder is None:
            self.rotate()
        return Backup(target, kind, now)

    def daily(self) -> Backup | None:
        """The automatic copy of the day, made at start-up unless one was made today already."""
        today = self.clock().date()
        if any(b.kind is BackupKind.AUTOMATIC and b.at.date() == today for b in self.backups()):
            return None
        return self.backup(kind=BackupKind.AUTOMATIC)

    def rotate(self) -> list[Path]:
        """Remove the automatic copies the rotation no longer keeps; the others are never removed."""
        automatic = [b for b in self.backups() if b.kind is BackupKind.AUTOMATIC]
        removed = set(to_remove([b.at for b in automatic]))
        paths = [b.path for b in automatic if b.at in removed]
        for path in paths:
            path.unlink(missing_ok=True)
        return paths

    # -- restore -------------------------------------------------------------------------------------------

    def restore(self, source: Path | str) -> Restored:
        """Replace the database by the copy ``source`` after checking it; the current database is copied first.

        A copy that is not one of our databases, is damaged, or was made by a newer version is refused and
        nothing changes. An older copy is brought up to the current schema after it is put back.
        """
        source = Path(source)
        if source.resolve() == self.db_path.resolve():
            raise CchcError(_("Tệp {path} chính là cơ sở dữ liệu đang dùng.").format(path=source))
        candidate = open_db(source, migrate=False, create=False)  # refuses what is not ours or too new
        try:
            problems = integrity_problems(candidate)
            if problems:
                raise CchcError(_("Bản sao lưu {path} bị hỏng, không khôi phục: {problem}.").format(
                    path=source, problem=problems[0]))
            state = schema_state(candidate)
            if state.unknown:
                raise CchcError(_("Bản sao lưu {path} do phiên bản mới hơn tạo ra.").format(path=source))
            previous = self.backup(kind=BackupKind.BEFORE_RESTORE)
            current = open_db(self.db_path, migrate=False, create=False)
            try:
                candidate.conn.backup(current.conn)  # page by page under the write lock: all or nothing
            except sqlite3.Error as exc:
                raise CchcError(
                    _("Không khôi phục được: {reason}. Cơ sở dữ liệu vẫn như trước; bản sao trước khi khôi phục: "
                      "{previous}.").format(reason=exc, previous=previous.path)) from exc
            finally:
                current.close()
        finally:
            candidate.close()
        open_db(self.db_path).close()  # an older copy: its pending migrations now
        log.info("restored %s from %s (previous copy %s)", self.db_path, source, previous.path)
        return Restored(source=source, previous=previous.path)
