"""The desk's ticks on a procedure's document checklist: one checkable line a document, Space ticks the current
one, Tab leaves the list (it is no focus trap)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from cchc_desktop.domain.dossiers import DossierDocument
from cchc_desktop.i18n import _

VISIBLE_ROWS = 6  # more documents than this scroll


def document_label(document: DossierDocument) -> str:
    """«Giấy chứng sinh — Bản chính», «Ảnh 4x6 — Bản chính × 2»."""
    count = f" × {document.count}" if document.count != 1 else ""
    return f"{document.name} — {_(document.kind.label)}{count}"


class DocumentChecklist(QListWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.documents: tuple[DossierDocument, ...] = ()
        self.setTabKeyNavigation(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setToolTip(_("Phím cách: đánh dấu giấy tờ người nộp đã nộp; mũi tên lên, xuống: chuyển dòng"))
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def set_documents(self, documents: Sequence[DossierDocument]) -> None:
        """Show ``documents``, none ticked; the list hides itself when there are none."""
        self.blockSignals(True)
        self.clear()
        self.documents = tuple(documents)
        row_height = self.fontMetrics().lineSpacing() + 10  # room for the diacritics above and below
        for document in self.documents:
            item = QListWidgetItem(document_label(document))
            item.setSizeHint(QSize(0, row_height))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        if self.documents:
            self.setCurrentRow(0)
        self.blockSignals(False)
        rows = min(len(self.documents), VISIBLE_ROWS)
        self.setFixedHeight(max(rows, 1) * row_height + 2 * self.frameWidth() + 4)
        self.setVisible(bool(self.documents))

    def ticked_rows(self) -> list[int]:
        return [row for row in range(self.count()) if self.item(row).checkState() == Qt.CheckState.Checked]

    def ticked(self) -> tuple[DossierDocument, ...]:
        return tuple(self.documents[row] for row in self.ticked_rows())

    def set_ticked(self, rows: Iterable[int]) -> None:
        wanted = set(rows)
        for row in range(self.count()):
            self.item(row).setCheckState(Qt.CheckState.Checked if row in wanted else Qt.CheckState.Unchecked)
        if self.count():
            self.setCurrentRow(0)
