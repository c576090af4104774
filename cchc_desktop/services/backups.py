"""BackupService: consistent copies of the database (SQLite's online backup API, so the window may stay open)
into the folder the admin chose (a USB stick, a network share) or ``backups/`` beside the file; one automatic
copy a day at start-up, rotated (7 daily, 4 weekly, 12 monthly); copies on demand; restore from a copy after
checking it, with the current database copied first.

Copies are named ``<tên>-<loại>-<yyyymmdd-HHMMSS>.sqlite3`` (loại: ``tu-dong``, ``thu-cong``, ``truoc-khoi-phuc``;
``truoc-nang-cap`` is made by ``open_db`` before a migration) and are readable by the owner only.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from cchc_desktop.domain.backups import to_remove
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import CchcError, StorageProblem, file_reason, user_message
from cchc_desktop.formatting import percent
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services import anchoring, sessions
from cchc_desktop.services.attachments import BACKUP_STORE, AttachmentStore, copy_store_files, store_folder
from db import anchors, audit, live
from db.connection import (
    BACKUP_FOLDER_SETTING,
    PARTIAL_SUFFIX,
    backup_folder,
    copy_database,
    integrity_problems,
    open_db,
    open_read_only,
    remove_stale_partials,
)
from db.errors import StorageError, classify, from_environment, writing
from db.handle import Database
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
    missing_files: tuple[str, ...] = ()  # attached files the database refers to that could not be copied


@dataclass(frozen=True)
class Restored:
    source: Path
    previous: Path  # the copy of the database as it was before the restore
    broken_links: tuple[int, ...] = ()  # the copy's broken audit entries, restored because accepted
    missing_files: tuple[str, ...] = ()  # attached files the copy refers to, found neither beside it nor here


def _pattern(stem: str) -> re.Pattern[str]:
    kinds = "|".join(kind.value for kind in BackupKind)
    return re.compile(rf"{re.escape(stem)}-({kinds})-(\d{{8}}-\d{{6}})\.sqlite3")


RESTORE_STEPS = 5  # read the copy, check it, bring its attached files, copy the current database, put it in place


class BackupService:
    """Copies of the database at ``db_path``. ``session`` is the connection of whoever asks (the window's, the
    command line's, with its signed-in session): its right «Cài đặt đơn vị, sao lưu, khôi phục» is checked for
    every copy made by hand, every change of folder and every restore, and the entries name it. Without one, the
    service acts for the program itself (the automatic copy of the day, a maintenance script)."""

    def __init__(self, db_path: Path, *, session: Database | None = None,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.db_path = Path(db_path)
        self.session = session
        self.clock = clock

    def _require(self) -> None:
        if self.session is not None:
            sessions.require(self.session, Permission.SETTINGS)

    @contextmanager
    def _entries(self) -> Iterator[Database]:
        """The connection the entries are written through: the session's, else one of the program's own."""
        if self.session is not None:
            yield self.session
            return
        db = open_db(self.db_path, migrate=False, create=False)
        try:
            yield db
        finally:
            db.close()

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
        self._require()
        path = Path(folder).expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".cchc-thu-ghi"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise CchcError(_("Không ghi được vào thư mục sao lưu {path}: {reason}.").format(
                path=path, reason=exc.strerror or exc)) from exc
        with self._entries() as db, writing(db):
            settings_queries.write_many(db, {BACKUP_FOLDER_SETTING: str(path.resolve())})
        live.remember_backup_folder(path)
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

    def backup(self, *, kind: BackupKind = BackupKind.MANUAL, folder: Path | None = None,
               progress: Progress = no_progress) -> Backup:
        """A consistent copy now (the database may be open elsewhere), written into the audit trail (the copy
        holds every citizen's data); then the automatic ones rotated. ``progress`` hears of the pages copied;
        ``Cancelled`` from it leaves no copy and no entry."""
        if kind is not BackupKind.AUTOMATIC:
            self._require()
        now = self.clock().replace(microsecond=0)
        target_folder = Path(folder) if folder is not None else self.folder()
        target = target_folder / f"{self.db_path.stem}-{kind.value}-{now.strftime(STAMP)}.sqlite3"
        db = open_db(self.db_path, migrate=False, create=False)
        try:
            copy_database(db.conn, target, lambda done, total: progress(  # never a half copy under a backup's name
                _("Đang sao lưu: {percent}").format(percent=percent(done / total if total else 1.0)), done, total))
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
        try:
            missing = self._copy_files(target, target_folder / BACKUP_STORE, progress)
        except BaseException:
            target.unlink(missing_ok=True)  # «Hủy» among the files: no copy (the files copied harm nothing)
            raise
        log.info("backed up %s to %s", self.db_path, target)
        self._manifest(target, kind)
        with self._entries() as db:
            with writing(db):
                audit.log_entry(db, "export", after={"sao lưu": str(target), "loại": kind.value})
            anchoring.seal(db, self.db_path, by=_("sao lưu"))
        if folder is None:
            self.rotate()
        return Backup(target, kind, now, missing_files=tuple(missing))

    def _copy_files(self, database: Path, target: Path, progress: Progress) -> list[str]:
        """The attached files ``database`` refers to, from the store beside the database into ``target``."""
        conn = open_read_only(database)
        try:
            try:
                return copy_store_files(Database(conn), AttachmentStore(store_folder(self.db_path)),
                                        AttachmentStore(target), progress)
            except OSError as exc:
                raise CchcError(_("Không chép được tệp đính kèm vào {path}: {reason}.").format(
                    path=target, reason=file_reason(exc))) from exc
        finally:
            conn.close()

    def _manifest(self, copy: Path, kind: BackupKind) -> None:
        """The manifest beside the copy: where its audit trail stands (an anchor outside the database) and its
        SHA-256. A copy without one is still a copy: a failure is logged."""
        try:
            conn = open_read_only(copy)
            try:
                anchor = anchors.current(conn, source=copy.name)
            finally:
                conn.close()
            anchors.write_manifest(copy, anchor, kind=kind.value)
        except (OSError, sqlite3.Error, StorageError) as exc:
            log.warning("no manifest for the copy %s: %s", copy, exc)

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
            anchors.manifest_path(path).unlink(missing_ok=True)
        return paths

    # -- restore -------------------------------------------------------------------------------------------

    def restore(self, source: Path | str, *, accept_broken_chain: bool = False,
                progress: Progress = no_progress) -> Restored:
        """Replace the database by the copy ``source`` after checking it; the current database is copied first.

        The source is only read (opened read-only, immutable when it has no WAL: write-protected media work, and
        its bytes never change). It is copied into a staging file beside the database, where it is checked
        (integrity, ours, not too new, its audit chain whole), brought to this program's page size and schema,
        and given the restore's audit entry: the source, its chain head, the copy taken before and the chain
        head it replaces, under the session's name. Then one backup step puts the staging file in place of the
        database's content, so a kill leaves the old database or the restored one with its entry.

        A copy whose audit chain is broken is refused (BrokenAuditChain) unless ``accept_broken_chain``, which
        the entry records. Nothing changes on a refusal. ``progress`` hears of each step; ``Cancelled`` from it
        stops the restore before the database is touched (the copy taken before it may then remain, as a copy).
        """
        self._require()
        source = Path(source)
        if live.opened_here(source) or _same_file(source, self.db_path):
            raise CchcError(_("Tệp {path} chính là cơ sở dữ liệu đang dùng.").format(path=source))
        remove_stale_partials(self.db_path.parent)
        staging = self.db_path.with_name(f".{self.db_path.name}.khoi-phuc.{os.getpid()}{PARTIAL_SUFFIX}")
        try:
            progress(_("Đang đọc bản sao lưu"), 0, RESTORE_STEPS)
            self._stage(source, staging)
            progress(_("Đang kiểm tra bản sao lưu"), 1, RESTORE_STEPS)
            checked = self._check_staged(source, staging, accept_broken_chain=accept_broken_chain)
            progress(_("Đang chép tệp đính kèm của bản sao lưu"), 2, RESTORE_STEPS)
            missing = self._bring_files(staging, (source.parent / BACKUP_STORE, store_folder(source)))
            progress(_("Đang sao lưu dữ liệu hiện tại"), 3, RESTORE_STEPS)
            previous = self.backup(kind=BackupKind.BEFORE_RESTORE, progress=progress)  # («Hủy» counts in it too)
            progress(_("Đang thay dữ liệu"), 4, RESTORE_STEPS)  # the last moment «Hủy» counts: then all or nothing
            actor = sessions.actor(self.session) if self.session is not None else None
            self._put_in_place(source, staging, checked, previous.path, actor)
        finally:
            for path in (staging, *(staging.with_name(staging.name + side) for side in live.SIDE_FILES)):
                path.unlink(missing_ok=True)
        with self._entries() as db:
            anchoring.seal(db, self.db_path, by=_("khôi phục"))
        log.info("restored %s from %s (previous copy %s)", self.db_path, source, previous.path)
        if missing:
            log.warning("restored %s without %d attached files", self.db_path, len(missing))
        return Restored(source=source, previous=previous.path, broken_links=checked.broken,
                        missing_files=tuple(missing))

    def _bring_files(self, staging: Path, stores: tuple[Path, ...]) -> list[str]:
        """Before the copy is put in place: the files it refers to, into the store beside the database, from the
        stores beside the copy (the backup folder's, or the store of a database copied with its folder); those
        the store holds intact stay. Files only add: the database in use loses none it refers to."""
        staged = open_db(staging, migrate=False, create=False)
        try:
            if "attachment" not in staged.table_names():
                return []
            here = AttachmentStore(store_folder(self.db_path))
            missing: list[str] = []
            try:
                for folder in stores:
                    missing = copy_store_files(staged, AttachmentStore(folder), here)
                    if not missing:
                        break
            except OSError as exc:
                raise CchcError(_("Không khôi phục được: không chép được tệp đính kèm ({reason}). Cơ sở dữ liệu vẫn "
                                  "như trước.").format(reason=file_reason(exc))) from exc
            return missing
        finally:
            staged.close()

    def _stage(self, source: Path, staging: Path) -> None:
        """Copy ``source`` (read-only) into ``staging``, in rollback-journal mode at the database's page size."""
        try:
            original = open_read_only(source)
        except StorageError as exc:
            raise CchcError(_source_problem(source, exc)) from exc
        try:
            out = sqlite3.connect(staging)
            try:
                os.chmod(staging, 0o600)
                original.backup(out)
                out.execute("PRAGMA journal_mode = DELETE")
                wanted = self._page_size()
                if out.execute("PRAGMA page_size").fetchone()[0] != wanted:
                    out.execute(f"PRAGMA page_size = {int(wanted)}")
                    out.execute("VACUUM")  # a WAL database cannot take pages of another size
            finally:
                out.close()
        except sqlite3.Error as exc:
            if from_environment(exc) and classify(exc, staging).problem in (StorageProblem.DISK_FULL,
                                                                            StorageProblem.IO):
                raise CchcError(_("Không khôi phục được: không ghi được bản tạm bên cạnh cơ sở dữ liệu ({reason})."
                                  " Cơ sở dữ liệu vẫn như trước.").format(reason=exc)) from exc
            raise CchcError(_source_problem(source, classify(exc, source))) from exc
        finally:
            original.close()

    def _page_size(self) -> int:
        db = open_db(self.db_path, migrate=False, create=False)
        try:
            return int(db.execute("PRAGMA page_size").fetchone()[0])
        finally:
            db.close()

    def _check_staged(self, source: Path, staging: Path, *, accept_broken_chain: bool) -> _Checked:
        try:
            candidate = open_db(staging, migrate=False, create=False)  # refuses what is not ours or too new
        except StorageError as exc:
            raise CchcError(_source_problem(source, StorageError(exc.problem, source, exc.detail))) from exc
        try:
            problems = integrity_problems(candidate)
            if problems:
                raise CchcError(_("Bản sao lưu {path} bị hỏng, không khôi phục: {problem}.").format(
                    path=source, problem=problems[0]))
            broken = tuple(audit.broken_links(candidate.conn))
            if broken and not accept_broken_chain:
                raise BrokenAuditChain(source, broken)
            return _Checked(head=audit.chain_head(candidate.conn), broken=broken)
        finally:
            candidate.close()

    def _put_in_place(self, source: Path, staging: Path, checked: _Checked, previous: Path,
                      actor: audit.AuditActor | None) -> None:
        current = open_db(self.db_path, migrate=False, create=False)
        try:
            replaced = audit.chain_head(current.conn)
            # The staging file at this program's schema (no copy of it first: it is a copy) with the entry.
            staged = open_db(staging, create=False, copy_before_migrating=False)
            try:
                entry_actor = actor or audit.actor_of(current)
                if entry_actor.user_id is not None and not staged.execute(
                        "SELECT 1 FROM \"user\" WHERE id = ?", [entry_actor.user_id]).fetchone():
                    entry_actor = audit.AuditActor(entry_actor.name, None)  # no such account in the copy
                after: dict[str, object] = {
                    "khôi phục từ bản sao": str(source.absolute()),
                    "nhật ký của bản sao": {"số mục": checked.head[0], "mã băm cuối": checked.head[1]},
                    "bản sao trước khi khôi phục": str(previous),
                    "nhật ký được thay thế": {"số mục": replaced[0], "mã băm cuối": replaced[1]},
                }
                if checked.broken:
                    after["chấp nhận chuỗi nhật ký bị đứt tại các mục"] = list(checked.broken[:100])
                with writing(staged):
                    audit.log_entry(staged, "other", after=after, actor=entry_actor)
                staged.conn.backup(current.conn)  # page by page under the write lock: all or nothing
            finally:
                staged.close()
        except sqlite3.Error as exc:
            raise CchcError(
                _("Không khôi phục được: {reason}. Cơ sở dữ liệu vẫn như trước; bản sao trước khi khôi phục: "
                  "{previous}.").format(reason=exc, previous=previous)) from exc
        except StorageError as exc:
            raise CchcError(
                _("Không khôi phục được: {reason} Cơ sở dữ liệu vẫn như trước; bản sao trước khi khôi phục: "
                  "{previous}.").format(reason=user_message(exc), previous=previous)) from exc
        finally:
            current.close()


@dataclass(frozen=True)
class _Checked:
    head: tuple[int, str]  # the copy's audit entries and last hash, as found
    broken: tuple[int, ...]  # the entries where its chain breaks (accepted by the caller)


class BrokenAuditChain(CchcError):
    """The copy's audit trail was changed outside the program; restoring it needs an explicit acceptance."""

    def __init__(self, source: Path, broken: tuple[int, ...]) -> None:
        shown = ", ".join(str(entry) for entry in broken[:10]) + (" …" if len(broken) > 10 else "")
        super().__init__(_(
            "Nhật ký thay đổi của bản sao lưu {path} bị sửa ngoài chương trình (chuỗi mã băm đứt tại {n} mục: "
            "{ids}). Không khôi phục. Nếu vẫn muốn dùng bản này, hãy khôi phục lại với tùy chọn chấp nhận chuỗi "
            "bị đứt (--accept-broken-chain); việc này được ghi vào nhật ký."
        ).format(path=source, n=len(broken), ids=shown))
        self.source = source
        self.broken = broken


def _same_file(first: Path, second: Path) -> bool:
    found = live.identity(first)
    return found is not None and found == live.identity(second)


def _source_problem(source: Path, exc: StorageError) -> str:
    """Why a copy cannot be restored from, said of the copy (not of the database in use)."""
    reasons = {
        StorageProblem.NOT_FOUND: _("Không tìm thấy bản sao lưu {path}."),
        StorageProblem.EMPTY_FILE: _("Bản sao lưu {path} rỗng (0 byte), không khôi phục."),
        StorageProblem.NOT_SQLITE: _("Tệp {path} không phải là bản sao lưu cơ sở dữ liệu (không phải SQLite)."),
        StorageProblem.NOT_OURS: _("Tệp {path} là cơ sở dữ liệu SQLite nhưng không phải của CCHC Desktop."),
        StorageProblem.TOO_NEW: _("Bản sao lưu {path} do phiên bản CCHC Desktop mới hơn tạo ra; hãy cập nhật "
                                  "phần mềm trước."),
        StorageProblem.CORRUPT: _("Bản sao lưu {path} bị hỏng hoặc chưa ghi xong, không khôi phục ({detail})."),
    }
    template = reasons.get(exc.problem, _("Không đọc được bản sao lưu {path} ({detail})."))
    return template.format(path=source, detail=exc.detail)
