"""The one table view every list of dossiers uses (register, today's queues)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.models.dossier_table import COLUMNS, DossierTableModel

# By column key (the order is the register's LIST_COLUMNS): the appointment has room for «— quá hạn N ngày».
COLUMN_WIDTHS = {"code": 200, "applicant": 180, "status": 140, "due_at": 260, "procedure": 260, "channel": 150,
                 "received_at": 125, "phone": 100, "applicant_id": 110}


class RowNumbers(QHeaderView):
    """The rows' numbers down the left of a list, as wide as its widest number: Qt measures the first and last
    hundred rows, each asking the model five times (three times in a window's start, 200 rows a page: ~2,800 calls
    into Python); the numbers' widths depend only on their digits, so the first and the last row tell it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)  # (as QTableView's own: a click on a number selects its row)
        self.setHighlightSections(True)

    def sizeHint(self) -> QSize:
        hint = QSize(0, 0)
        for section in (0, self.count() - 1) if self.count() else ():
            hint = hint.expandedTo(self.sectionSizeFromContents(section))
        return hint


def dossier_table_view(model: DossierTableModel, *, name: str, parent: QWidget | None = None) -> QTableView:
    """``parent``: the page the view goes into. Made there, it is styled once; made apart and then laid out, the
    application's style sheet styles it again and its headers measure every row again."""
    view = QTableView(parent)
    view.setVerticalHeader(RowNumbers(view))
    view.setTabKeyNavigation(False)  # Tab leaves the list: rows are walked with the arrows
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(24)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, (key, _header) in enumerate(COLUMNS):
        view.setColumnWidth(column, COLUMN_WIDTHS.get(key, 120))
    return view
