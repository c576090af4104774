"""Read-only tables: small ones filled in place (a few hundred rows at most: a period's figures, a calendar
year, a catalogue), and the view over a list model (a plan's tasks, the audit trail), one row picked at a time."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem

from cchc_desktop.i18n import _


def read_only_table(headers: Sequence[str], name: str, *, stretch: int | None = None) -> QTableWidget:
    """``stretch``: the column that takes the spare width (the others fit their contents); default the last."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([_(header) for header in headers])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = table.horizontalHeader()
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setDefaultSectionSize(24)
    table.verticalHeader().hide()
    table.setTabKeyNavigation(False)  # Tab leaves a read-only table (it walked its cells, a trap for the keyboard)
    return table


# 1.648 · 2024 · 3,5 · 99,2% · — (no value); not a row number (3.3.1) nor a code
_NUMBER = re.compile(r"[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?\s?%?|—")


def fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Replace the table's rows; each cell's whole text is also its tooltip; a number (or «—») is right-aligned,
    so that its digits line up."""
    table.setRowCount(len(rows))
    for row, values in enumerate(rows):
        for column, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if _NUMBER.fullmatch(text):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)


def list_view(model: QAbstractItemModel, name: str, widths: Sequence[int]) -> QTableView:
    """A view over ``model``: whole rows, one at a time, never edited in place, no wrapping; ``widths`` of the
    first columns, the last takes the spare width."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    view.horizontalHeader().setStretchLastSection(True)
    return view
