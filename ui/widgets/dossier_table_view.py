"""The one table view every list of dossiers uses (register, today's queues)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.models.dossier_table import DossierTableModel

COLUMN_WIDTHS = (200, 180, 260, 150, 125, 125, 120, 100, 110)


def dossier_table_view(model: DossierTableModel, *, name: str) -> QTableView:
    view = QTableView()
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
    for column, width in enumerate(COLUMN_WIDTHS):
        view.setColumnWidth(column, width)
    return view
