"""Cài đặt › Sao lưu: where copies of the database go, a copy made now, the copies there, and a restore from one
of them (BackupService). Only an account with the right «Cài đặt đơn vị, sao lưu, khôi phục» may act.

A restore replaces the file's content through SQLite's backup API under the write lock, so it runs while this
window keeps its own (idle) connection, which then reads the restored data. What the window holds besides (the
signed-in account, which may not exist in the copy, the pages' figures) is not: after a restore the window
closes and the user opens the program again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cchc_desktop import formatting
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import CchcError, StorageError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.progress import Cancelled, Progress
from cchc_desktop.services.attachments import missing_note
from cchc_desktop.services.backups import Backup, BackupKind, BrokenAuditChain, Restored
from ui import messages
from ui.context import AppContext
from ui.widgets.background import run_with_progress
from ui.widgets.buttons import named_button
from ui.widgets.rights import gate
from ui.widgets.tables import fill, read_only_table

KINDS = {
    BackupKind.AUTOMATIC: "Tự động (hằng ngày)",
    BackupKind.MANUAL: "Sao lưu thủ công",
    BackupKind.BEFORE_RESTORE: "Trước khi khôi phục",
    BackupKind.BEFORE_MIGRATION: "Trước khi nâng cấp",
}
COLUMNS = ("Thời điểm", "Loại", "Dung lượng", "Tệp")


def _size(backup: Backup) -> str:
    try:
        return formatting.file_size(backup.path.stat().st_size)
    except OSError:
        return formatting.file_size(None)


class BackupsTab(QWidget):
    restored = Signal(object)  # Restored: the window must be reopened

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = context.backups
        self.backups: list[Backup] = []
        self.folder_path: Path | None = None  # as last read by refresh()

        self.folder = QLabel()
        self.folder.setObjectName("backupFolder")
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setWordWrap(True)
        self.choose_button = named_button(_("Chọn thư mục…"), "chooseBackupFolder")
        self.backup_button = named_button(_("Sao lưu ngay"), "backupNow")
        self.restore_button = named_button(_("Khôi phục từ bản này…"), "restoreBackup")
        self.restore_button.setToolTip(_("Thay dữ liệu hiện tại bằng bản sao lưu đang chọn (dữ liệu hiện tại được "
                                         "sao lưu lại trước)."))
        note = QLabel(_("Mỗi ngày chương trình tự sao lưu một lần khi mở, giữ 7 bản hằng ngày, 4 bản hằng tuần và "
                        "12 bản hằng tháng; các bản sao lưu thủ công không bao giờ bị xóa tự động. Nên chọn thư mục "
                        "trên ổ USB hoặc ổ mạng để giữ dữ liệu khi máy hỏng."))
        note.setWordWrap(True)
        self.table = read_only_table(COLUMNS, "backups", stretch=3)
        self.message = QLabel()
        self.message.setObjectName("backupMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(_("Thư mục sao lưu:")))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(folder_row)
        layout.addWidget(note)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

        self.choose_button.clicked.connect(self.choose_folder)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore)
        self.table.itemSelectionChanged.connect(self.enable_buttons)

    # -- showing -----------------------------------------------------------------------------------------

    def refresh(self, select: Backup | None = None) -> None:
        """Re-read the folder and its copies (the settings page calls this when shown); ``select`` one."""
        try:
            self.folder_path = self.service.folder()
            self.backups = self.service.backups(self.folder_path)
        except (CchcError, StorageError) as exc:
            self.folder_path = None
            self.folder.setText("")
            self.backups = []
            self.message.setText(user_message(exc))
        else:
            self.folder.setText(str(self.folder_path))
        fill(self.table, [(formatting.date_time(b.at, seconds=True), _(KINDS[b.kind]), _size(b), b.path.name)
                          for b in self.backups])
        rows = [row for row, backup in enumerate(self.backups) if select is not None and backup.path == select.path]
        if self.backups:
            self.table.selectRow(rows[0] if rows else 0)
        self.enable_buttons()

    def enable_buttons(self) -> None:
        allowed = gate(self.context.session, Permission.SETTINGS, self.choose_button, self.backup_button,
                       self.restore_button)
        self.restore_button.setEnabled(allowed and self.current() is not None)

    def current(self) -> Backup | None:
        row = self.table.currentRow()
        return self.backups[row] if 0 <= row < len(self.backups) and self.table.selectedItems() else None

    # -- actions -----------------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        chosen = messages.choose_folder(self, _("Chọn thư mục sao lưu"), self.folder_path)
        if chosen is None:
            return
        try:
            folder = self.service.set_folder(chosen)
        except (CchcError, StorageError) as exc:
            messages.error(self, user_message(exc))
            return
        self.refresh()
        self.message.setText(_("Từ nay các bản sao lưu được ghi vào {folder}.").format(folder=folder))

    def backup_now(self) -> Backup | None:
        """A copy now, made off the window's thread (a large register takes a while) with its progress and «Hủy»
        (no copy, no entry then), through a connection of that thread under this account."""
        office = self.context

        def copy(progress: Progress) -> Backup:
            with office.companion() as other:
                return other.backups.backup(progress=progress)

        self.backup_button.setEnabled(False)
        try:
            made = run_with_progress(self, _("Sao lưu"), _("Đang sao lưu dữ liệu…"), copy)
        except Cancelled:
            self.message.setText(_("Đã hủy sao lưu: không có bản sao nào được ghi."))
            return None
        except (CchcError, StorageError) as exc:
            messages.error(self, user_message(exc))
            return None
        finally:
            self.enable_buttons()
        self.refresh(select=made)
        self.message.setText(" ".join(filter(None, (_("Đã sao lưu vào {path}.").format(path=made.path),
                                                    missing_note(made.missing_files)))))
        return made

    def restore(self) -> None:
        backup = self.current()
        if backup is None:
            return
        question = _(
            "Thay toàn bộ dữ liệu hiện tại bằng bản sao lưu lúc {at} ({kind})?\n\n"
            "Trước khi thay, cơ sở dữ liệu hiện tại được sao lưu lại (loại «Trước khi khôi phục») để có thể "
            "quay lại. Sau khi khôi phục, chương trình phải khởi động lại: cửa sổ sẽ đóng, hãy mở lại chương trình."
        ).format(at=formatting.date_time(backup.at, seconds=True), kind=_(KINDS[backup.kind]).lower())
        if not messages.confirm(self, _("Khôi phục dữ liệu"), question):
            return
        done = self._restore(backup.path, accept_broken_chain=False)
        if done is None:
            return
        messages.info(self, _("Khôi phục dữ liệu"), _(
            "Đã khôi phục dữ liệu từ bản sao lưu lúc {at}. Dữ liệu trước khi khôi phục được lưu tại {previous}.\n\n"
            "Chương trình sẽ đóng lại bây giờ; hãy mở lại chương trình để làm việc tiếp trên dữ liệu đã khôi phục."
        ).format(at=formatting.date_time(backup.at, seconds=True), previous=done.previous)
            + ("\n\n" + missing_note(done.missing_files) if done.missing_files else ""))
        self.restored.emit(done)
        self.window().close()

    def _restore(self, source: Path, *, accept_broken_chain: bool) -> Restored | None:
        """The restore under the window's session; a copy whose audit trail was changed outside the program is
        restored only when the admin, told so, accepts it (the acceptance goes into the trail)."""
        office = self.context

        def restore(progress: Progress) -> Restored:
            with office.companion() as other:
                return other.backups.restore(source, accept_broken_chain=accept_broken_chain, progress=progress)

        try:
            return run_with_progress(self, _("Khôi phục dữ liệu"), _("Đang khôi phục dữ liệu từ {name}…").format(
                name=source.name), restore)
        except Cancelled:
            self.message.setText(_("Đã hủy khôi phục: dữ liệu vẫn như trước."))
        except BrokenAuditChain as exc:
            if not accept_broken_chain and messages.confirm(
                    self, _("Nhật ký của bản sao lưu bị sửa"),
                    str(exc) + "\n\n" + _("Vẫn khôi phục bản sao này (việc chấp nhận được ghi vào nhật ký)?")):
                return self._restore(source, accept_broken_chain=True)
        except (CchcError, StorageError) as exc:
            messages.error(self, user_message(exc))
        self.refresh()
        return None
