"""Opening, migrating and checking the database file (``cchc migrate``, ``cchc check``, the window)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from cchc_desktop.i18n import _
from db import audit
from db.connection import SchemaState, integrity_problems, open_db, schema_state, storage_errors
from db.migrations import known_names
from db.queries import maintenance

log = logging.getLogger("cchc.services")


@dataclass(frozen=True)
class CheckReport:
    path: Path
    schema: SchemaState
    known: int
    problems: tuple[str, ...]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.schema.pending


COUNTED_TABLES = ("dossier", "survey", "inspection", "plan_task", "procedure", "user", "audit_log")


def open_database(path: Path) -> Database:
    """Open and migrate the database (creating it when missing)."""
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


def _audit_problems(db: Database) -> list[str]:
    """The audit entries whose hash chain is broken: edited, inserted or removed behind the program's back."""
    if "audit_log" not in db.table_names():
        return []
    broken = list(audit.broken_links(db.conn))
    if not broken:
        return []
    shown = ", ".join(str(entry) for entry in broken[:10]) + (" …" if len(broken) > 10 else "")
    return [_("nhật ký thay đổi bị sửa ngoài chương trình: chuỗi mã băm đứt tại {n} mục (số {ids})").format(
        n=len(broken), ids=shown)]


def check(path: Path) -> CheckReport:
    """Integrity, foreign keys, schema version and the audit trail's hash chain, without changing the file."""
    db = open_db(path, migrate=False, create=False)
    try:
        with storage_errors(path):
            problems = tuple(integrity_problems(db)) + tuple(_audit_problems(db))
            state = schema_state(db)
            counts = maintenance.table_counts(db, COUNTED_TABLES)
    finally:
        db.close()
    log.info("checked %s: %d problems", path, len(problems))
    return CheckReport(path=path, schema=state, known=len(known_names()), problems=problems, counts=counts)
