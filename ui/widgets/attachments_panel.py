"""A dossier's scanned files (issue 21): which paper each is of, its size and date; files chosen from disk or
dropped on the panel are attached to the paper chosen in «Đính kèm vào» (Alt+V; «Thêm tệp…» Alt+H: the letters
the dossier page's steps leave free); Enter or a double click opens one with the system's viewer, Delete or
«Bỏ đính kèm» (Alt+B) removes it. Every action is one call of AttachmentService."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.attachments import Attachment
from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.attachments import AttachmentService
from ui import desktop, messages
from ui.widgets.buttons import enter_clicks

SCAN_FILTER = "Bản quét (*.pdf *.jpg *.jpeg *.png);;Tất cả các tệp (*)"


class AttachmentsPanel(QWidget):
    """The files of the dossier ``code``; ``changed`` after each attach or removal."""

    changed = Signal()

    def __init__(self, service: AttachmentService, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentsPanel")
        self.service = service
        self.code = code
        self.shown: list[Attachment] = []
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        top = QHBoxLayout()
        label = QLabel(_("Đính kèm &vào"))
        self.target = QComboBox()
        self.target.setObjectName("attachTarget")
        label.setBuddy(self.target)
        top.addWidget(label)
        top.addWidget(self.target, 1)
        self.choose = QPushButton(_("T&hêm tệp…"))
        self.choose.setObjectName("chooseScan")
        self.choose.clicked.connect(self.choose_files)
        top.addWidget(self.choose)
        layout.addLayout(top)
        hint = QLabel(_("Kéo thả tệp PDF, JPEG, PNG vào đây để đính kèm. Thành phần có tệp là đã số hóa."))
        hint.setObjectName("attachHint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("attachments")
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels([_("Thuộc"), _("Tệp"), _("Dung lượng"), _("Đính kèm lúc"), _("Người")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((260, 260, 90, 120)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.open_button = QPushButton(_("&Mở tệp"))
        self.open_button.setObjectName("openScan")
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        self.remove_button = QPushButton(_("&Bỏ đính kèm"))
        self.remove_button.setObjectName("removeScan")
        self.remove_button.clicked.connect(self.remove_current)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.remove_current)
        self.status = QLabel()
        self.status.setObjectName("digitisedStatus")
        actions.addWidget(self.status, 1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.remove_button)
        layout.addLayout(actions)
        for button in (self.choose, self.open_button, self.remove_button):
            button.setAutoDefault(False)
        enter_clicks(self.choose, self.open_button, self.remove_button)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.target.currentData()
        self.target.clear()
        for number, document in enumerate(self.service.documents(self.code), start=1):
            self.target.addItem(_("Thành phần {n}: {name}").format(n=number, name=document["name"]), number)
        self.target.addItem(_("Kết quả giải quyết"), 0)
        if chosen is not None and (index := self.target.findData(chosen)) >= 0:
            self.target.setCurrentIndex(index)
        described = self.service.described(self.code)
        self.shown = [attachment for attachment, _of, _by in described]
        self.table.setRowCount(len(described))
        for row, (attachment, of, by) in enumerate(described):
            for column, text in enumerate((of, attachment.name, formatting.file_size(attachment.size),
                                           formatting.date_time(attachment.added_at), by)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        documents = self.target.count() - 1
        covered = {a.document for a in self.shown if a.document is not None}
        result = any(a.is_result for a in self.shown)
        papers = _("Đã số hóa {done}/{total} thành phần").format(done=len(covered), total=documents) if documents \
            else _("Hồ sơ không ghi thành phần")
        self.status.setText(_("{papers}; kết quả: {result}").format(
            papers=papers, result=_("đã số hóa") if result else _("chưa")))
        self.open_button.setEnabled(bool(self.shown))
        self.remove_button.setEnabled(bool(self.shown))

    def attach(self, paths: list[Path]) -> int:
        """Attach each file to the paper chosen; a refusal is said (the others are still attached). How many were."""
        number = self.target.currentData()
        done, refused = 0, []
        for path in paths:
            try:
                self.service.attach(self.code, path, document=number or None)
                done += 1
            except CchcError as exc:
                refused.append(user_message(exc))
        self.refresh()
        if done:
            self.changed.emit()
        if refused:
            messages.error(self, "\n".join(refused))
        return done

    def choose_files(self) -> None:
        paths = messages.choose_files(self, _("Chọn bản quét để đính kèm"), _(SCAN_FILTER))
        if paths:
            self.attach(paths)

    def open_row(self, row: int) -> None:
        if not 0 <= row < len(self.shown):
            return
        try:
            desktop.open_file(self.service.path(self.shown[row]))
        except CchcError as exc:
            messages.error(self, user_message(exc))

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.shown):
            return
        attachment = self.shown[row]
        if not messages.confirm(self, _("Bỏ đính kèm"), _("Bỏ tệp «{name}» khỏi hồ sơ {code}?").format(
                name=attachment.name, code=self.code)):
            return
        try:
            self.service.detach(attachment.id)
        except CchcError as exc:
            messages.error(self, user_message(exc))
            return
        self.refresh()
        self.changed.emit()

    # -- dropped files -----------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach(paths)

