"""AuditService: reading the audit trail (who changed what, when, from what to what) and checking its chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cchc_desktop.domain.records import RECORD_KINDS, AuditAction, AuditEntry
from cchc_desktop.i18n import _
from cchc_desktop.text import clean
from db import audit
from db.handle import Database
from db.queries import audit as queries

PAGE = 200


@dataclass(frozen=True)
class AuditFilter:
    """What the viewer (or ``cchc audit``) narrows the trail to; empty fields do not narrow."""

    kind: str = ""  # a table name of RECORD_KINDS
    record: str = ""  # a record id, or a dossier code when kind is "dossier" or empty
    actor: str = ""  # part of the name the entry was written under
    first: date | None = None
    last: date | None = None
    action: AuditAction | None = None


def _entry(row: tuple) -> AuditEntry:
    entry_id, at, _user_id, actor, action, table, record_id, before, after, prev_hash, digest = row
    return AuditEntry(id=entry_id, at=datetime.fromisoformat(at), actor=actor, action=AuditAction(action),
                      table_name=table, record_id=record_id, before=before, after=after, prev_hash=prev_hash,
                      hash=digest)


class AuditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _conditions(self, wanted: AuditFilter) -> tuple[list[str], list[object]]:
        where: list[str] = []
        params: list[object] = []
        kind, record = wanted.kind, clean(wanted.record)
        if record:
            if record.isdecimal():
                record_id: int | None = int(record)
            else:  # a dossier code
                record_id, kind = queries.dossier_id(self.db, record.upper()), "dossier"
            where.append("record_id IS ?")
            params.append(record_id if record_id is not None else -1)
        if kind:
            where.append("table_name = ?")
            params.append(kind)
        if clean(wanted.actor):
            where.append("actor LIKE ?")
            params.append(f"%{clean(wanted.actor)}%")
        if wanted.first:
            where.append("at >= ?")
            params.append(wanted.first.isoformat())
        if wanted.last:
            where.append("at < ?")
            params.append((wanted.last + timedelta(days=1)).isoformat())
        if wanted.action:
            where.append("action = ?")
            params.append(str(wanted.action))
        return where, params

    def page(self, wanted: AuditFilter = AuditFilter(), *, before_id: int | None = None,
             limit: int = PAGE) -> list[AuditEntry]:
        """Newest first; pass the last id of a page as ``before_id`` for the next one."""
        where, params = self._conditions(wanted)
        return [_entry(row) for row in queries.entries(self.db, where=where, params=params, before_id=before_id,
                                                       limit=limit)]

    def kinds(self) -> dict[str, str]:
        """Record kinds present in the trail, by table name, with their Vietnamese names."""
        return {name: _(RECORD_KINDS.get(name, name)) for name in queries.table_names(self.db)}

    def broken_links(self) -> list[int]:
        """Entries whose hash chain is broken (an edit behind the program's back); empty when intact."""
        return list(audit.broken_links(self.db.conn))


def record_label(entry: AuditEntry) -> str:
    """``Hồ sơ #12``, ``Cài đặt unit.name``: which record an entry is about."""
    if not entry.table_name:
        return ""
    kind = _(RECORD_KINDS.get(entry.table_name, entry.table_name))
    if entry.record_id is not None:
        return f"{kind} #{entry.record_id}"
    key = next((after for name, _before, after in entry.changes if name == "key"), None)
    return f"{kind} {key}" if key else kind
