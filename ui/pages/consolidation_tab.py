"""Tổng hợp từ các xã: at the higher level, the JSON reports of several communes added up — every count
summed, every rate recomputed from its parts — shown as a table of communes × key indicators, then exported
(JSON, Excel, PDF, Word). Every action is one ConsolidationService call."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.paths import data_dir
from ui import desktop, messages
from ui.context import AppContext
from ui.widgets.tables import fill, read_only_table

EXPORTS = (("xlsx", "Xuất Excel"), ("pdf", "Xuất PDF"), ("docx", "Xuất Word"), ("json", "Xuất JSON"))


class ConsolidationTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)

        self.context = context
        self.service = context.consolidation
        self.files: list[Path] = []
        self.result = None
        self.choose_button = QPushButton(_("Chọn báo cáo JSON của các xã…"))
        self.choose_button.setObjectName("chooseReports")
        self.summary = QLabel(_("Chọn các tệp báo cáo (.json) cùng kỳ, cùng ngày chốt số liệu của các xã."))
        self.summary.setObjectName("consolidationSummary")
        self.summary.setWordWrap(True)
        self.table = read_only_table(("Đơn vị",), "communeTable", stretch=0)
        self.notes = QLabel()
        self.notes.setObjectName("consolidationNotes")
        self.notes.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addStretch(1)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, label in EXPORTS:
            button = QPushButton(_(label))
            button.setObjectName(f"consolidated_{fmt}")
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)
        self.choose_button.clicked.connect(self.choose)

    def choose(self) -> None:
        files = messages.choose_files(self, _("Báo cáo của các xã"), _("Báo cáo JSON (*.json)"))
        if files:
            self.consolidate(files)

    def consolidate(self, files: list[Path]) -> None:
        """Add the files up; refused as a whole, with every reason, when one does not fit."""
        try:
            result = self.service.consolidate(files, settings=self.context.settings.load())
        except CchcError as exc:
            self.result = None
            messages.error(self, user_message(exc))
            for button in self.export_buttons.values():
                button.setEnabled(False)
            return
        self.files, self.result = list(files), result
        document, table = result.document, result.table
        self.summary.setText(_("{unit}: tổng hợp {n} đơn vị, {label}, số liệu tính đến hết ngày {cutoff}.").format(
            unit=document.unit.name, n=len(document.communes), label=document.period.label,
            cutoff=f"{document.cutoff:%d/%m/%Y}"))
        self.table.setColumnCount(len(table.header))
        self.table.setHorizontalHeaderLabels(list(table.header))
        fill(self.table, table.text_rows())
        self.notes.setText("\n".join(result.notes))
        for button in self.export_buttons.values():
            button.setEnabled(True)

    def export(self, fmt: str) -> Path | None:
        if self.result is None:
            return None
        suggested = data_dir() / "bao-cao" / f"tong-hop-{self.result.document.period.key}.{fmt}"
        target = messages.choose_save_file(self, _("Xuất bản tổng hợp"), suggested, f"*.{fmt}")
        if target is None:
            return None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.service.export(self.result, target)
        except (CchcError, OSError) as exc:
            messages.error(self, user_message(exc))
            return None
        desktop.open_file(target)
        return target
