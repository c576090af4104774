"""Scanned files of dossiers (issue 21): the store beside the database and the service that attaches them.

The store is the folder ``<tên>-tep-dinh-kem`` beside the database file ``<tên>.sqlite3``: copying the database's
folder carries it. A file is kept once under its SHA-256 (``domain.attachments.store_name``), written beside and
renamed into place, readable by its owner only (scans of papers hold personal data). A file in the store never
changes: one whose bytes no longer match its name was altered on disk, which ``problems`` names (``cchc check``).
Backups keep their own store, ``tep-dinh-kem`` in the backup folder, shared by the copies there; a restore takes
from it whatever file the restored database refers to and the store beside the database lacks or holds altered.

On a PostgreSQL server (issue 22) the desks of a centre share no folder: the bytes are kept in the server's database
(``ServerStore``: ``attachment_content``, written in the transaction that records the attachment), which pg_dump
backs up with the register, and each machine copies a file it opens, checked, into a cache of its own.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from cchc_desktop.domain.attachments import MAX_ATTACHMENT_BYTES, Attachment, Media, media_of, store_name
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import CchcError, NotFoundError, ValidationError, file_reason
from cchc_desktop.formatting import file_size
from cchc_desktop.i18n import _
from cchc_desktop.paths import data_dir
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.text import clean
from db.errors import writing
from db.handle import Database
from db.queries import attachments as queries
from db.queries import dossiers as dossier_queries

log = logging.getLogger("cchc.services")

PRIVATE = 0o600
CHUNK = 1024 * 1024
BACKUP_STORE = "tep-dinh-kem"  # the store of the copies, inside the backup folder


def store_folder(db_path: Path) -> Path:
    """The store of the database ``db_path``: ``<tên>-tep-dinh-kem`` beside it."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}-tep-dinh-kem")


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    media: Media


class Store(ABC):
    """Where the scans' bytes are kept, each once under its SHA-256: the folder beside a database file
    (``AttachmentStore``) or the server's database (``ServerStore``). What a file must be to be kept (its size, its
    kind read from its content) is checked here, once for both."""

    in_transaction = False  # whether ``put`` writes in the database's transaction (the record's), or before it

    def put(self, source: Path) -> Stored:
        """Keep the bytes of ``source`` (once: bytes already kept are not written again) after checking that it is
        a PDF, JPEG or PNG (by its content) of at most ``MAX_ATTACHMENT_BYTES``; CchcError in Vietnamese otherwise,
        and nothing is kept."""
        source = Path(source)
        try:
            if not source.is_file():
                raise CchcError(_("Không tìm thấy tệp «{path}» (hoặc đó là một thư mục).").format(path=source))
            size = source.stat().st_size
            if size == 0:
                raise CchcError(_("Tệp «{path}» rỗng (0 byte).").format(path=source))
            if size > MAX_ATTACHMENT_BYTES:
                raise CchcError(_("Tệp «{path}» lớn {size}, quá giới hạn {limit} của một tệp đính kèm.").format(
                    path=source, size=file_size(size), limit=file_size(MAX_ATTACHMENT_BYTES)))
            with source.open("rb") as handle:
                media = media_of(handle.read(16))
                if media is None:
                    raise CchcError(_("Tệp «{path}» không phải PDF, JPEG hay PNG; chỉ đính kèm được bản quét ở ba "
                                      "dạng này.").format(path=source))
                handle.seek(0)
                return self._write(handle, media)
        except OSError as exc:
            raise CchcError(_("Không đọc được tệp «{path}»: {reason}.").format(
                path=source, reason=file_reason(exc))) from exc

    @abstractmethod
    def _write(self, handle: BinaryIO, media: Media, *, expected: str | None = None) -> Stored:
        """Keep the bytes ``handle`` reads (of the kind ``media``; ``expected``: the hash they must have)."""

    @abstractmethod
    def state(self, sha256: str, media: Media | str) -> str:
        """«ok», «missing» or «altered» (its bytes no longer hash to its name)."""

    def intact(self, sha256: str, media: Media | str) -> bool:
        return self.state(sha256, media) == "ok"

    @abstractmethod
    def path(self, sha256: str, media: Media | str) -> Path:
        """A file of this machine holding the bytes, for the system's viewer."""

    @abstractmethod
    def lost(self) -> str:
        """How a file the store lacks is said («… không còn trong thư mục tệp đính kèm»)."""

    @abstractmethod
    def problem(self, state: str, who: str, sha256: str, media: Media | str) -> str:
        """What ``cchc check`` says of a file ``state`` «missing» or «altered», attached as ``who``."""


def _copy_hashing(handle: BinaryIO, out: BinaryIO) -> tuple[str, int]:
    """Copy ``handle`` into ``out`` in chunks; its SHA-256 and size. CchcError past ``MAX_ATTACHMENT_BYTES`` (a file
    that grows while read)."""
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        size += len(chunk)
        if size > MAX_ATTACHMENT_BYTES:
            raise CchcError(_("Tệp quá giới hạn {limit} của một tệp đính kèm.").format(
                limit=file_size(MAX_ATTACHMENT_BYTES)))
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest(), size


class AttachmentStore(Store):
    """The content-addressed folder of scanned files."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, sha256: str, media: Media | str) -> Path:
        return self.folder / store_name(sha256, Media(media))

    def _write(self, handle: BinaryIO, media: Media, *, expected: str | None = None) -> Stored:
        """Stream ``handle`` into a temporary file of the store, hashing it, then rename it to its name."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{secrets.token_hex(8)}.tmp"
        try:
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                                   PRIVATE), "wb") as out:
                sha256, size = _copy_hashing(handle, out)
                out.flush()
                os.fsync(out.fileno())
            if expected is not None and sha256 != expected:
                raise CchcError(_("Tệp nguồn không còn khớp với mã băm của nó."))
            target = self.path(sha256, media)
            target.parent.mkdir(parents=True, exist_ok=True)
            if self.intact(sha256, media):
                tmp.unlink()
            else:
                os.replace(tmp, target)
            return Stored(sha256, size, media)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def state(self, sha256: str, media: Media | str) -> str:
        path = self.path(sha256, media)
        try:
            with path.open("rb") as handle:
                digest = hashlib.sha256()
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return "missing"
        except OSError:
            return "altered"
        return "ok" if digest.hexdigest() == sha256 else "altered"

    def lost(self) -> str:
        return _("không còn trong thư mục tệp đính kèm")

    def problem(self, state: str, who: str, sha256: str, media: Media | str) -> str:
        template = _("tệp đính kèm {who} bị mất khỏi thư mục {folder} (tệp {file})") if state == "missing" else \
            _("tệp đính kèm {who} bị thay đổi ngoài chương trình: nội dung không còn khớp với mã băm (tệp {file})")
        return template.format(who=who, folder=self.folder, file=self.path(sha256, media))

    def take_from(self, other: AttachmentStore, sha256: str, media: Media | str) -> bool:
        """Copy one file from ``other`` unless this store holds it intact; False when ``other`` lacks it intact."""
        if self.intact(sha256, media):
            return True
        source = other.path(sha256, media)
        try:
            with source.open("rb") as handle:
                self._write(handle, Media(media), expected=sha256)
        except (OSError, CchcError) as exc:
            log.warning("no intact %s in %s: %s", sha256, other.folder, exc)
            return False
        return True


CACHE_DAYS = 1  # how long this machine keeps a copy of a server's scan it opened


def cache_folder() -> Path:
    """Where this machine keeps the scans of a server it opened (``<data folder>/tep-dinh-kem-may-chu``, readable
    by its account only): the system's viewer opens a file."""
    return data_dir() / "tep-dinh-kem-may-chu"


class ServerStore(Store):
    """The scans' bytes in the server's database (``attachment_content``, PostgreSQL migration 20), seen by every
    desk: written inside the caller's transaction, hashed again by the server to check them, and copied, checked,
    into this machine's cache to be opened."""

    in_transaction = True

    def __init__(self, db: Database, cache: Path | None = None) -> None:
        self.db = db
        self.cache = AttachmentStore(cache_folder() if cache is None else cache)
        self.prune_cache()

    def prune_cache(self, *, older_than_s: float = CACHE_DAYS * 86400) -> int:
        """Remove this machine's copies opened more than ``CACHE_DAYS`` ago (scans hold personal data; the server
        keeps the bytes, and the next opening copies them again); how many were removed. One that cannot be
        removed (open in a viewer on Windows) is left for the next time."""
        limit, removed = time.time() - older_than_s, 0
        try:
            entries = list(self.cache.folder.rglob("*"))  # (a folder per two first letters of the hash)
        except OSError:  # (no cache yet)
            return 0
        for entry in entries:
            try:
                if entry.is_file() and entry.stat().st_mtime < limit:
                    entry.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def _write(self, handle: BinaryIO, media: Media, *, expected: str | None = None) -> Stored:
        buffer = io.BytesIO()
        sha256, size = _copy_hashing(handle, buffer)
        if expected is not None and sha256 != expected:
            raise CchcError(_("Tệp nguồn không còn khớp với mã băm của nó."))
        queries.insert_content(self.db, sha256, media.value, buffer.getvalue())
        return Stored(sha256, size, media)

    def state(self, sha256: str, media: Media | str) -> str:
        intact = queries.content_state(self.db, sha256)
        return "missing" if intact is None else "ok" if intact else "altered"

    def path(self, sha256: str, media: Media | str) -> Path:
        """The bytes written into this machine's cache (once; again when the cached copy was altered), checked
        against their hash first: CchcError when the server lacks them or they no longer match it."""
        if not self.cache.intact(sha256, media):
            data = queries.content(self.db, sha256)
            if data is None:
                raise CchcError(_("Không có tệp đính kèm {sha} trong cơ sở dữ liệu trên máy chủ.").format(
                    sha=sha256[:12]))
            try:
                self.cache._write(io.BytesIO(data), Media(media), expected=sha256)
            except OSError as exc:
                raise CchcError(_("Không ghi được bản sao của tệp vào thư mục {folder}: {reason}.").format(
                    folder=self.cache.folder, reason=file_reason(exc))) from exc
        return self.cache.path(sha256, media)

    def lost(self) -> str:
        return _("không còn trong cơ sở dữ liệu trên máy chủ")

    def problem(self, state: str, who: str, sha256: str, media: Media | str) -> str:
        template = _("tệp đính kèm {who} bị mất khỏi cơ sở dữ liệu trên máy chủ (mã băm {sha})") \
            if state == "missing" else _("tệp đính kèm {who} bị thay đổi ngoài chương trình: nội dung trên máy chủ "
                                         "không còn khớp với mã băm (mã băm {sha})")
        return template.format(who=who, sha=sha256)


def store_for(db: Database, location: Path | str | None) -> Store:
    """The store of the database ``db``: the server's own table on PostgreSQL, else the folder beside its file
    ``location``."""
    if getattr(db, "dialect", "sqlite") == "postgresql":  # (a bare sqlite_utils handle has none: a file's)
        return ServerStore(db)
    if location is None:
        raise ValueError("a database file's scans are kept beside it: its path is needed")
    return AttachmentStore(store_folder(Path(location)))


def stored_problems(db: Database, store: Store, limit: int = 50) -> list[str]:
    """What is wrong with the files ``db`` refers to in ``store``: each one missing or altered, with the dossiers
    and names it was attached under (the first ``limit``, then how many more)."""
    found: list[str] = []
    more = 0
    for sha256, media in queries.stored_files(db):
        state = store.state(sha256, media)
        if state == "ok":
            continue
        if len(found) >= limit:
            more += 1
            continue
        found.append(store.problem(state, _who(db, sha256), sha256, media))
    if more:
        found.append(_("… và {n} tệp đính kèm khác bị mất hoặc bị thay đổi").format(n=more))
    return found


def _who(db: Database, sha256: str) -> str:
    """«to-khai.pdf» của hồ sơ … for the first few records of a file."""
    return "; ".join(_("«{name}» của hồ sơ {code}").format(name=row["name"], code=row["code"])
                     for row in queries.referring(db, sha256))


def verified_contents(db: Database, store: AttachmentStore) -> Iterator[tuple[str, str, bytes]]:
    """Each file ``db`` refers to as (sha256, media, bytes), read whole from ``store`` and checked against its hash
    (``cchc move`` carries them to a server): CchcError naming the first one missing or altered."""
    for sha256, media in queries.stored_files(db):
        try:
            data = store.path(sha256, media).read_bytes()
        except FileNotFoundError:
            state = "missing"
        except OSError:
            state = "altered"
        else:
            state = "ok" if hashlib.sha256(data).hexdigest() == sha256 else "altered"
        if state != "ok":
            raise CchcError(_("Chưa chuyển được vì {problem}. Máy chủ chưa bị thay đổi: hãy khôi phục tệp từ bản sao "
                              "lưu («cchc check» liệt kê các tệp bị ảnh hưởng) rồi chuyển lại.").format(
                problem=store.problem(state, _who(db, sha256), sha256, media)))
        yield sha256, str(media), data


def missing_note(missing: tuple[str, ...] | list[str]) -> str:
    """What a backup or a restore says of the attached files it found nowhere intact (empty: none)."""
    if not missing:
        return ""
    return _("Lưu ý: {n} tệp đính kèm không tìm thấy nguyên vẹn để chép (tệp {first}…); «cchc check» (Cài đặt › "
             "Kiểm tra) liệt kê các hồ sơ có tệp đó.").format(n=len(missing), first=missing[0][:12])


class AttachmentService(ActsForSession):
    """Attach scanned files to a dossier's documents or result; list, find and remove them."""

    def __init__(self, db: Database, location: Path | str | None, *, clock: Callable[[], datetime] = datetime.now,
                 user_id: int | None = None) -> None:
        """``location``: the database's file (its scans are kept beside it); on a server, whatever (they are kept
        in its database)."""
        self.db = db
        self.store = store_for(db, location)
        self.clock = clock
        self.user_id = user_id

    def _dossier(self, code: str) -> dict[str, Any]:
        from cchc_desktop.services.reception import dossier_row  # (not at import: the window's start needs none)

        return dossier_row(self.db, code)

    def documents(self, code: str) -> list[dict[str, Any]]:
        """The dossier's documents, numbered from 1 as ``--document N`` counts them."""
        return dossier_queries.documents(self.db, int(self._dossier(code)["id"]))

    def of_dossier(self, code: str) -> list[Attachment]:
        return [_attachment(row) for row in queries.of_dossier(self.db, int(self._dossier(code)["id"]))]

    def described(self, code: str) -> list[tuple[Attachment, str, str]]:
        """Each file with what it is of («Tờ khai…», «Kết quả») and who attached it."""
        rows = queries.of_dossier(self.db, int(self._dossier(code)["id"]))
        return [(_attachment(row), row["document_name"] or _("Kết quả giải quyết"), row["added_by_name"] or "")
                for row in rows]

    def path(self, attachment: Attachment) -> Path:
        """Where the file is, to open it with the system's viewer; CchcError when it is missing or altered."""
        state = self.store.state(attachment.sha256, attachment.media)
        if state != "ok":
            raise CchcError(_("Tệp «{name}» {what}; hãy khôi phục từ bản sao lưu («cchc check» cho biết các tệp "
                              "bị ảnh hưởng).").format(name=attachment.name, what=self.store.lost(
                                  ) if state == "missing" else _("đã bị thay đổi ngoài chương trình")))
        return self.store.path(attachment.sha256, attachment.media)

    @requires(Permission.DOSSIERS)
    def attach(self, code: str, source: Path | str, *, document: int | None = None) -> Attachment:
        """Attach the file ``source`` to the dossier's ``document``-th document (from 1), or to its result when
        ``document`` is None (once it has one: resolved, granted or refused). The same file on the same paper twice
        is refused; nothing is written then."""
        dossier = self._dossier(code)
        dossier_id = int(dossier["id"])
        document_id = None
        if document is not None:
            documents = dossier_queries.documents(self.db, dossier_id)
            if not 1 <= document <= len(documents):
                raise ValidationError({"document": _(
                    "Hồ sơ {code} có {n} thành phần; không có thành phần số {number}.").format(
                    code=dossier["code"], n=len(documents), number=document) if documents else _(
                    "Hồ sơ {code} chưa có danh sách thành phần hồ sơ; chỉ đính kèm được kết quả.").format(
                    code=dossier["code"])})
            document_id = int(documents[document - 1]["id"])
        elif dossier["resolved_at"] is None:
            raise ValidationError({"document": _(
                "Hồ sơ {code} chưa có kết quả giải quyết: bản quét kết quả được đính kèm sau khi ghi nhận có kết quả "
                "(hoặc từ chối). Bản quét giấy tờ người nộp thì chọn thành phần hồ sơ.").format(code=dossier["code"])})
        source = Path(source)
        # A file's folder is written before the transaction (a file there that no record names harms nothing, and
        # SQLite's write lock is not held while up to 50 MB are copied and flushed); the server's table inside it,
        # so that the bytes are kept with their record or not at all.
        stored = None if self.store.in_transaction else self.store.put(source)
        with writing(self.db):
            if stored is None:
                stored = self.store.put(source)
            name = clean(source.name)[:255] or store_name(stored.sha256, stored.media)
            if queries.exists(self.db, dossier_id, document_id, stored.sha256):
                raise ValidationError({"file": _("Tệp «{name}» đã được đính kèm vào {what} của hồ sơ {code}.").format(
                    name=name, code=dossier["code"],
                    what=_("thành phần số {n}").format(n=document) if document else _("kết quả"))})
            attachment_id = queries.insert(self.db, {
                "dossier_id": dossier_id, "document": document_id, "sha256": stored.sha256, "size": stored.size,
                "media": stored.media.value, "name": name, "added_at": self.clock().strftime("%Y-%m-%dT%H:%M"),
                "added_by": self.user_id})
            queries.set_flags(self.db, dossier_id)
        log.info("attached %s (%s) to %s", stored.sha256[:12], stored.media, dossier["code"])
        found = queries.attachment(self.db, attachment_id)
        assert found is not None
        return _attachment(found)

    @requires(Permission.DOSSIERS)
    def detach(self, attachment_id: int) -> None:
        """Remove a file from its dossier (the bytes stay in the store: a backup or another record may need them)."""
        with writing(self.db):
            found = queries.attachment(self.db, attachment_id)
            if found is None:
                raise NotFoundError(_("Không tìm thấy tệp đính kèm số {id}.").format(id=attachment_id))
            queries.delete(self.db, attachment_id)
            queries.set_flags(self.db, int(found["dossier_id"]))

    def problems(self) -> list[str]:
        return stored_problems(self.db, self.store)


def _attachment(row: dict[str, Any]) -> Attachment:
    return Attachment(
        id=int(row["id"]), dossier_id=int(row["dossier_id"]),
        document=None if row["document"] is None else int(row["document"]),
        sha256=str(row["sha256"]), size=int(row["size"]), media=Media(str(row["media"])),
        name=str(row["name"]), added_at=datetime.fromisoformat(str(row["added_at"])),
        added_by=None if row["added_by"] is None else int(row["added_by"]))


def copy_store_files(db: Database, source: AttachmentStore, target: AttachmentStore,
                     progress: Progress = no_progress) -> list[str]:
    """Every file ``db`` refers to brought from ``source`` into ``target`` (a backup, a restore), those ``target``
    holds intact left as they are; the hashes that ``source`` lacks intact, whose copy could not be made.
    ``progress`` hears of each file (``Cancelled`` from it stops between two files)."""
    files = list(queries.stored_files(db))
    missing = []
    for done, (sha256, media) in enumerate(files, start=1):
        if not target.take_from(source, sha256, media):
            missing.append(sha256)
        progress(_("Đang chép tệp đính kèm: {done}/{total}").format(done=done, total=len(files)), done, len(files))
    return missing
