"""Opening, migrating and checking the database file (``cchc migrate``, ``cchc check``, the window)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _
from db import audit, keys
from db.connection import SchemaState, integrity_problems, open_db, schema_state, storage_errors
from db.errors import StorageError, StorageProblem
from db.handle import Database
from db.migrations import known_names
from db.queries import maintenance

if TYPE_CHECKING:
    from db.pg.migrations import SchemaState as PgSchemaState

Progress = Callable[[str, int, int], None]

log = logging.getLogger("cchc.services")


@dataclass(frozen=True)
class CheckReport:
    path: Path | str  # the file, or the server's database as messages name it
    schema: SchemaState
    known: int
    problems: tuple[str, ...]
    counts: dict[str, int]
    notes: tuple[str, ...] = ()  # what is worth knowing but proves nothing wrong now

    @property
    def ok(self) -> bool:
        return not self.problems and not self.schema.pending


COUNTED_TABLES = ("dossier", "attachment", "survey", "inspection", "plan_task", "procedure", "user", "audit_log")


def open_database(path: Path | str) -> Database:
    """Open and migrate the database (creating it when missing); a server's database is opened as a desk."""
    return open_db(path)


def migration_status(path: Path) -> SchemaState:
    db = open_db(path, migrate=False, create=False)
    try:
        return schema_state(db)
    finally:
        db.close()


def migrate(path: Path) -> tuple[SchemaState, SchemaState]:
    """Apply pending migrations; returns the state before and after."""
    before = migration_status(path)
    db = open_db(path, create=False)
    try:
        return before, schema_state(db)
    finally:
        db.close()


def migrate_postgresql(url: str, *, apply: bool = True, desks: Sequence[str] = ()) -> tuple[PgSchemaState,
                                                                                           PgSchemaState]:
    """Issue 22: the PostgreSQL database ``url`` names, migrated by its owner (StorageError NOT_OWNER for any other
    role, PASSWORD_IN_URL, UNREACHABLE, REFUSED...: db/pg/connect.py); the state before and after. The desks' rights
    on what the migrations add are granted in the same transactions; ``desks`` (existing roles) are then given a
    desk's rights (db/pg/roles.py; a role that could change the schema is refused: CchcError). psycopg is loaded
    here, not before."""
    from db.pg import connect as pg_connect
    from db.pg import migrations as pgm
    from db.pg import roles

    with pg_connect.connect(url, role="owner", autocommit=True) as conn:
        before = pgm.schema_state(conn)
        if apply:
            pgm.migrate(conn, key=keys.current())
        for desk in desks:
            try:
                roles.grant_desk(conn, desk)
            except ValueError as exc:  # (said in Vietnamese by grant_desk: no such role, or one too mighty)
                raise CchcError(str(exc)) from exc
        return before, pgm.schema_state(conn)


@dataclass(frozen=True)
class MoveReport:
    """A move's proof: the rows of each table in the file and on the server (equal, or the move was undone)."""

    target: str  # the server's database as messages name it, without a password
    counts: dict[str, int]


def move_to_postgresql(db: Database, path: Path, url: str, *, progress: Progress | None = None) -> MoveReport:
    """Copy the database file ``path`` (open as ``db``, whose session needs the settings' right) into the empty
    PostgreSQL database ``url`` names, all or nothing (db/pg/move.py), as the server's owner: StorageError as
    db/pg/connect.py says them, OUTDATED when the server's schema is not this program's, NOT_EMPTY when it holds
    records. The file is read as one snapshot and left unchanged. The scans kept beside the file go with it, into
    the server's database (their count is the proof's ``attachment_content``); a scan missing or altered there stops
    the move (CchcError naming it) before anything is kept."""
    from cchc_desktop.domain.users import Permission
    from cchc_desktop.services import sessions
    from cchc_desktop.services.attachments import AttachmentStore, store_folder, verified_contents
    from db.connection import open_reader
    from db.pg import audit as server_audit
    from db.pg import connect as pg_connect
    from db.pg import migrations as pgm
    from db.pg import move
    from db.queries.attachments import stored_count

    session = sessions.require(db, Permission.SETTINGS)
    reader = open_reader(path)
    try:
        with pg_connect.connect(url, role="owner", autocommit=True) as target:
            pgm.require_current(target)
            where = pgm.where(target)
            reader.conn.execute("BEGIN")  # one snapshot of the file for the whole copy
            with storage_errors(path), target.transaction():
                moved = move.copy(reader.conn, target, where, progress=progress)
                if "attachment" in reader.table_names():
                    scans = stored_count(reader)
                    moved.counts[move.CONTENTS] = move.copy_contents(
                        target, where, verified_contents(reader, AttachmentStore(store_folder(path))), scans,
                        progress=progress)
                server_audit.log_entry(target, "other", after={
                    "chuyển từ tệp": path.name, "số dòng": moved.counts,
                    "thay nhật ký nâng cấp của máy chủ": list(moved.upgrades)},
                    actor=session.actor, user_id=session.user_id, key=keys.current())
    finally:
        reader.close()
    log.info("moved %s to %s: %s", path, where, moved.counts)
    return MoveReport(where, moved.counts)


def backup_server(db: Database, url: str, folder: Path, *, now: datetime) -> Path:
    """A ``pg_dump`` of the server's database ``url`` (open as ``db``, whose session needs the settings' right) into
    ``folder``, checked before it takes its name, and written into the trail (the dump holds every citizen's data).
    The server's own nightly dumps are its administrator's (docs/postgresql.md)."""
    from cchc_desktop.domain.users import Permission
    from cchc_desktop.services import sessions
    from db.errors import writing
    from db.pg import dump

    sessions.require(db, Permission.SETTINGS)
    name = str(db.execute("SELECT current_database()").fetchone()[0])
    target = dump.dump(url, Path(folder) / f"cchc-{name}-thu-cong-{now.strftime('%Y%m%d-%H%M%S')}.dump",
                       str(getattr(db, "where", name)))
    with writing(db):
        audit.log_entry(db, "export", after={"sao lưu": str(target), "loại": "pg_dump"})
    log.info("dumped the server's database to %s", target)
    return target


def restore_server(url: str, source: Path) -> str:
    """The dump ``source`` restored into the server's database ``url``, as its owner: the dump is checked first
    (CORRUPT), the database must hold no table (NOT_EMPTY: a new or emptied one), and the restore is one
    transaction, its objects the owner's; the desks' rights are then given with ``migrate_postgresql(desks=)``.
    The database as messages name it."""
    from db.pg import connect as pg_connect
    from db.pg import dump
    from db.pg import migrations as pgm

    with pg_connect.connect(url, role="owner", autocommit=True) as conn:
        where = pgm.where(conn)
        holding = sorted(pgm._tables(conn))
    if holding:
        raise StorageError(StorageProblem.NOT_EMPTY, where, ", ".join(holding[:5]))
    dump.restore(url, source, where)
    log.info("restored %s into %s", source, where)
    return where


def _audit_problems(db: Database) -> tuple[list[str], list[str]]:
    """(problems, notes) of the audit trail: its hash chain, signed with the key kept outside the file, and
    the triggers and guards that write and protect it, as this program makes them."""
    if "audit_log" not in db.table_names():
        return [], []
    problems, notes = [], []
    on_file = db.dialect == "sqlite"
    chain = audit.check_chain(db)
    if chain.broken:
        shown = ", ".join(str(entry) for entry in chain.broken[:10]) + (" …" if len(chain.broken) > 10 else "")
        problems.append(_("nhật ký thay đổi bị sửa ngoài chương trình: chuỗi mã băm đứt tại {n} mục (số {ids}), "
                          "từ mục ghi lúc {at}").format(n=len(chain.broken), ids=shown, at=chain.first_broken_at))
    if chain.unverifiable:
        notes.append(_("{n} mục nhật ký được ký bằng khóa không có trên máy này ({keys}): cơ sở dữ liệu được mang "
                       "từ máy khác; các mục đó không kiểm chứng được ở đây").format(
            n=chain.unverifiable, keys=", ".join(chain.unverifiable_keys)))
    if not on_file or audit.trigger_version(db.conn) == audit.TRIGGER_VERSION:  # (an older file: the next opening)
        found = audit.described(_trigger_problems(db))
        if found:
            problems.append(_("trình kích hoạt của nhật ký bị thay đổi ngoài chương trình: {found}").format(
                found=triggers_text(found)))
    for entry_id, at, repaired in audit.repairs(db.conn) if on_file else ():
        notes.append(_("lúc {at} (mục nhật ký số {id}), khi mở tệp, chương trình đã phát hiện trình kích hoạt bị "
                       "thay đổi ngoài chương trình và đặt lại: {found}").format(
            at=at, id=entry_id, found=triggers_text(repaired)))
    if not on_file or not schema_state(db).pending:  # (the bulk marks of an older file come with its upgrade)
        problems.extend(_replayed(problem) for problem in audit.replay_problems(db))
    return problems, notes


def _trigger_problems(db: Database) -> list[audit.TriggerProblem]:
    if db.dialect == "sqlite":
        return audit.trigger_problems(db.conn)
    from db.pg import audit as server_audit

    return server_audit.trigger_problems(db.pg)  # type: ignore[attr-defined]


def repaired_at_open(db: Database) -> dict[str, list[str]]:
    """What the opening of ``db`` found changed outside the program and put back (empty: nothing)."""
    return audit.found_at_open.get(db, {})


def triggers_text(found: dict[str, list[str]]) -> str:
    """«thiếu audit_dossier_update; bị sửa audit_log_no_delete» from an entry's data (``audit.described``)."""
    kinds = {"thiếu": _("thiếu"), "bị sửa": _("bị sửa"), "lạ": _("lạ (không do chương trình tạo)")}
    return "; ".join(f"{kinds.get(kind, kind)} {', '.join(names)}" for kind, names in found.items())


def _replayed(problem: audit.ReplayProblem) -> str:
    since = "" if problem.last_entry is None else _(" (mục nhật ký cuối của bản ghi: số {id}, lúc {at})").format(
        id=problem.last_entry[0], at=problem.last_entry[1])
    if problem.what == "added":
        return _("bản ghi {table} số {id} không có trong nhật ký: được thêm ngoài chương trình").format(
            table=problem.table, id=problem.record_id)
    if problem.what == "range":
        return _("các bản ghi {table} số {first}–{last} bị sửa, thêm hoặc xóa ngoài chương trình: không còn khớp với "
                 "mã băm của chúng trong nhật ký{since}").format(table=problem.table, first=problem.record_id,
                                                                 last=problem.last_record_id, since=since)
    if problem.what == "removed":
        return _("bản ghi {table} số {id} bị xóa ngoài chương trình{since}").format(
            table=problem.table, id=problem.record_id, since=since)
    fields = "; ".join(_("{field} là «{now}», nhật ký ghi «{logged}»").format(field=name, now=now, logged=logged)
                       for name, now, logged in problem.fields[:5])
    return _("bản ghi {table} số {id} bị sửa ngoài chương trình: {fields}{since}").format(
        table=problem.table, id=problem.record_id, fields=fields, since=since)


def check_server(url: str, anchor_files: Iterable[Path] = ()) -> CheckReport:
    """``check`` of a PostgreSQL server's database, as a desk reads it: its schema's version, its counts, its
    audit trail (the signed chain, the triggers and guards, every audited record replayed, its anchors: those this
    desk keeps in its data folder and ``anchor_files``) and the scans it holds (each one there, its bytes
    unchanged). A check that finds nothing wrong seals the trail on this desk. The integrity of the server's files
    is the server's (its backups, pg_dump's own checks): not read here."""
    from cchc_desktop.services import anchoring
    from cchc_desktop.services.attachments import ServerStore, stored_problems
    from db.pg import migrations as pgm

    db = open_db(url)
    try:
        problems, notes = _audit_problems(db)
        problems.extend(anchoring.problems(db, url, anchor_files))
        problems.extend(stored_problems(db, ServerStore(db)))
        state = pgm.schema_state(db.pg)  # type: ignore[attr-defined]
        counts = maintenance.table_counts(db, COUNTED_TABLES)
        where = str(getattr(db, "where", "PostgreSQL"))
        if not problems:
            anchoring.seal(db, url, by=_("kiểm tra"))
    finally:
        db.close()
    log.info("checked %s: %d problems", where, len(problems))
    return CheckReport(path=where, schema=state, known=len(pgm.MIGRATIONS), problems=tuple(problems),  # type: ignore[arg-type]
                       counts=counts, notes=tuple(notes))


def check(path: Path, anchor_files: Iterable[Path] = ()) -> CheckReport:
    """Integrity, foreign keys, schema version, the attached files (each one there, its bytes unchanged) and the
    audit trail (its signed hash chain, its triggers and guards, its records replayed, its anchors outside the
    file: those of the backup folder and ``anchor_files``), without changing the file. A check that finds nothing
    wrong seals the trail."""
    from cchc_desktop.services import anchoring  # (only a check needs these: the window starts without them)
    from cchc_desktop.services.attachments import AttachmentStore, store_folder, stored_problems

    db = open_db(path, migrate=False, create=False)
    try:
        with storage_errors(path):
            found, notes = _audit_problems(db)
            if "audit_log" in db.table_names():
                found.extend(anchoring.problems(db, path, anchor_files))
            if "attachment" in db.table_names():
                found.extend(stored_problems(db, AttachmentStore(store_folder(path))))
            problems = tuple(integrity_problems(db)) + tuple(found)
            state = schema_state(db)
            counts = maintenance.table_counts(db, COUNTED_TABLES)
            if not problems and "audit_log" in db.table_names():
                anchoring.seal(db, path, by=_("kiểm tra"))
    finally:
        db.close()
    log.info("checked %s: %d problems", path, len(problems))
    return CheckReport(path=path, schema=state, known=len(known_names()), problems=problems, counts=counts,
                       notes=tuple(notes))
