"""The records behind a figure (a clicked bar of the dashboard): a read-only list."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.i18n import _
from cchc_desktop.services.record_lists import Records
from ui.widgets.buttons import translate


class RecordsDialog(QDialog):
    def __init__(self, records: Records, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(records.title)
        self.resize(960, 520)
        count = _("{n} bản ghi").format(n=formatting.number(len(records.rows)))
        if records.truncated:
            count = _("{n} bản ghi đầu tiên; xem đủ trong Sổ theo dõi hồ sơ").format(
                n=formatting.number(len(records.rows)))
        self.summary = QLabel(f"<b>{records.title}</b> — {count}")
        self.table = QTableWidget(len(records.rows), len(records.columns))
        self.table.setTabKeyNavigation(False)
        self.table.setObjectName("records")
        self.table.setHorizontalHeaderLabels(list(records.columns))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, values in enumerate(records.rows):
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        close = translate(QDialogButtonBox(QDialogButtonBox.StandardButton.Close))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)

    @classmethod
    def show_records(cls, parent: QWidget | None, records: Records) -> None:
        """Show the list until closed. Tests replace this."""
        cls(records, parent).exec()
