"""The audit trail as a table: newest first, one page of entries at a time from AuditService (keyset paging on
the entry number), never the whole log; entries the integrity check found broken are shown in red."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from cchc_desktop import formatting
from cchc_desktop.domain.records import AuditAction, AuditEntry
from cchc_desktop.i18n import _
from cchc_desktop.services.audit_trail import PAGE, AuditFilter, AuditService, record_label

Index = QModelIndex | QPersistentModelIndex
RAW_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("Số", "Thời điểm", "Người thực hiện", "Việc", "Bản ghi", "Nội dung thay đổi")
SUMMARY_CHARS = 240
BROKEN = QColor("#b3261e")


def value_text(value: object) -> str:
    """A field's value as stored: text as is, numbers and nested values as JSON, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def summary(entry: AuditEntry, *, limit: int = SUMMARY_CHARS) -> str:
    """One line: ``phone: 0912345678 → 0987654321; note: …`` for a change, ``field: value; …`` otherwise."""
    parts = []
    for name, before, after in entry.changes:
        if entry.action is AuditAction.UPDATE:
            parts.append(f"{name}: {value_text(before)} → {value_text(after)}")
        else:
            first, second = (before, after) if entry.action is AuditAction.DELETE else (after, before)
            shown = first if first is not None else second
            if shown not in (None, ""):
                parts.append(f"{name}: {value_text(shown)}")
    text = "; ".join(parts).replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


class AuditTableModel(QAbstractTableModel):
    """Lazy: ``rowCount`` grows by ``page_size`` entries through ``fetchMore`` (the view asks as it scrolls)."""

    def __init__(self, service: AuditService, *, page_size: int = PAGE, parent=None) -> None:
        super().__init__(parent)
        self.service = service
        self.page_size = page_size
        self.filter = AuditFilter()
        self._entries: list[AuditEntry] = []
        self._summaries: list[str] = []
        self._more = False
        self.broken: set[int] = set()

    # What is shown --------------------------------------------------------------------------------------

    def _load(self, before_id: int | None) -> list[AuditEntry]:
        """The next page; one entry more is asked for, to know whether another page follows."""
        entries = self.service.page(self.filter, before_id=before_id, limit=self.page_size + 1)
        self._more = len(entries) > self.page_size
        return entries[:self.page_size]

    def set_filter(self, wanted: AuditFilter) -> None:
        """Show the newest page of entries matching ``wanted``."""
        self.beginResetModel()
        self.filter = wanted
        self._entries = self._load(None)
        self._summaries = [summary(entry) for entry in self._entries]
        self.endResetModel()

    def set_broken(self, ids: Iterable[int]) -> None:
        self.broken = set(ids)
        if self._entries:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._entries) - 1, len(COLUMNS) - 1))

    def entry_at(self, row: int) -> AuditEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def has_more(self) -> bool:
        return self._more

    # QAbstractTableModel --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == RAW_ROLE:
            return entry
        if role == Qt.ItemDataRole.ForegroundRole and entry.id in self.broken:
            return QBrush(BROKEN)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return summary(entry, limit=2000) or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return str(entry.id)
        if column == 1:
            return formatting.date_time(entry.at, seconds=True)
        if column == 2:
            return entry.actor
        if column == 3:
            return entry.action.label
        if column == 4:
            return record_label(entry)
        if column == 5:
            return self._summaries[index.row()]
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or not self._more or not self._entries:
            return
        entries = self._load(self._entries[-1].id)
        if not entries:
            return
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self._entries.extend(entries)
        self._summaries.extend(summary(entry) for entry in entries)
        self.endInsertRows()
