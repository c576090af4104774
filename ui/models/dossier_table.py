"""The register's table model: one page at a time from RegisterService, sorting and filtering in SQL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cchc_desktop.i18n import _
from cchc_desktop.services.register import (
    LIST_COLUMNS as COLUMNS,
)
from cchc_desktop.services.register import (
    PAGE_SIZE,
    RegisterFilter,
    RegisterRow,
    RegisterService,
    SortKey,
    display,
)

Index = QModelIndex | QPersistentModelIndex
RAW_ROLE = Qt.ItemDataRole.UserRole
DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole
# The roles this model answers. Qt asks each painted cell for seven roles and each row number for six, twice a
# start (drawn, then grabbed): the others are refused before any work (thousands of calls in a start).
ANSWERED_ROLES = frozenset({DISPLAY_ROLE, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                            Qt.ItemDataRole.DecorationRole, RAW_ROLE})

SORTABLE = {"code": SortKey.CODE, "applicant": SortKey.APPLICANT, "received_at": SortKey.RECEIVED_AT,
            "due_at": SortKey.DUE_AT}
LATE = QColor("#b91c1c")  # the red of a dossier past its appointment (a chip beside its status, its date)


class DossierTableModel(QAbstractTableModel):
    """Lazy: ``rowCount`` grows a page at a time through ``fetchMore``; never all rows at once."""

    def __init__(self, service: RegisterService, *, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self.service = service
        self.page_size = page_size
        self.filter = RegisterFilter()
        self._rows: list[RegisterRow] = []
        self._more = False
        self.set_filter(self.filter)

    # What is shown --------------------------------------------------------------------------------------

    def set_filter(self, wanted: RegisterFilter) -> None:
        """Show the first page for ``wanted`` (sort order kept from ``wanted``)."""
        self.beginResetModel()
        self.filter = wanted
        page = self.service.page(wanted, limit=self.page_size)
        self._rows = list(page.rows)
        self._more = page.more
        self.endResetModel()

    def row_at(self, row: int) -> RegisterRow:
        return self._rows[row]

    # QAbstractTableModel --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if role not in ANSWERED_ROLES:
            return None
        number = index.row()
        if not index.isValid() or not 0 <= number < len(self._rows):
            return None
        row = self._rows[number]
        key = COLUMNS[index.column()][0]
        if role == DISPLAY_ROLE:
            return display(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and key == "procedure":
            return f"{row.procedure_code} — {row.procedure_name}"
        if row.overdue_days is not None and key in ("status", "due_at"):
            if role == Qt.ItemDataRole.ForegroundRole:
                return LATE
            if role == Qt.ItemDataRole.DecorationRole and key == "status":
                return LATE  # a small red square before the status
        if role == RAW_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE) -> Any:
        if role != DISPLAY_ROLE:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section][1])
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or not self._more or not self._rows:
            return
        page = self.service.page(self.filter, after=self._rows[-1].cursor, limit=self.page_size)
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._more = page.more
            self.endInsertRows()
        else:
            self._more = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the columns that have an index; other columns keep the current order."""
        key = SORTABLE.get(COLUMNS[column][0]) if 0 <= column < len(COLUMNS) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.filter.sort, self.filter.descending):
            self.set_filter(replace(self.filter, sort=key, descending=descending))
