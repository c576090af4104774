"""The one place that opens message boxes, with Vietnamese button texts (PySide6 ships no vi Qt catalogue).

Tests monkeypatch these functions instead of clicking through modal dialogs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from cchc_desktop.errors import user_message
from cchc_desktop.i18n import _
from ui.widgets.buttons import TEXTS


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
         buttons: QMessageBox.StandardButton, details: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, text, buttons, parent)
    for name, label in TEXTS.items():
        widget = box.button(getattr(QMessageBox.StandardButton, name))
        if widget is not None:
            widget.setText(_(label))
    if details:
        box.setDetailedText(details)
    return box


def error(parent: QWidget | None, text: str, *, details: str = "") -> None:
    _box(parent, QMessageBox.Icon.Critical, _("Lỗi"), text, QMessageBox.StandardButton.Close, details).exec()


def storage_error(parent: QWidget | None, exc: BaseException) -> None:
    """A database-file problem: what happened and what to do."""
    error(parent, user_message(exc))


def warning(parent: QWidget | None, title: str, text: str) -> None:
    _box(parent, QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Close).exec()


def info(parent: QWidget | None, title: str, text: str) -> None:
    _box(parent, QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok).exec()


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    box = _box(parent, QMessageBox.Icon.Question, title, text,
               QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def choose(parent: QWidget | None, title: str, text: str, *, accept: str, reject: str) -> bool:
    """A question answered by one of two buttons named for what they do («Xuất bản nháp» / «Quay lại»); True for
    ``accept``. ``reject`` is the default button, and Esc or closing the box answers it."""
    box = _box(parent, QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton)
    chosen = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(reject, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is chosen


def file_written(parent: QWidget | None, title: str, text: str, path: Path) -> None:
    """A file was written: say where, and open it or its folder if asked («Mở tệp», «Mở thư mục», «Đóng»)."""
    from ui import desktop

    box = _box(parent, QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton)
    open_file = box.addButton(_("Mở tệp"), QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton(_("Mở thư mục"), QMessageBox.ButtonRole.ActionRole)
    close = box.addButton(_("Đóng"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    box.exec()
    if box.clickedButton() is open_file:
        desktop.open_file(path)
    elif box.clickedButton() is open_folder:
        desktop.open_file(path.parent)


def crash(parent: QWidget | None, text: str, details: str) -> None:
    """A bug: say so plainly, with the log tail in the details."""
    error(parent, text, details=details)


def choose_file(parent: QWidget | None, title: str, filters: str, start: str = "") -> Path | None:
    """A file to read, picked in the system's dialog (opened in ``start``, a folder); None when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    name, _filter = QFileDialog.getOpenFileName(parent, title, start, filters)
    return Path(name) if name else None


def ask_year(parent: QWidget | None, title: str, text: str, value: int) -> int | None:
    """A year typed in a small dialog; None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(text)
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(2000, 2100)
    dialog.setIntValue(value)
    dialog.setOkButtonText(_("Đồng ý"))
    dialog.setCancelButtonText(_("Hủy"))
    return dialog.intValue() if dialog.exec() else None


def choose_save_file(parent: QWidget | None, title: str, suggested: Path, filters: str) -> Path | None:
    """Where to write a file, picked in the system's dialog (``suggested`` first); None when cancelled.

    A file that must not be written (the database, its side files, a backup, another SQLite file, a folder:
    ``files.check_output``) is refused with the reason and the dialog asked again."""
    from PySide6.QtWidgets import QFileDialog

    from cchc_desktop.files import OutputRefused, check_output

    while True:
        name, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        if not name:
            return None
        try:
            return check_output(Path(name))
        except OutputRefused as exc:
            error(parent, str(exc))
            suggested = Path(name).parent


def last_folder(key: str, default: Path | None = None) -> Path:
    """The folder a file of this kind (``key``) was last saved in or picked from, else ``default`` (home)."""
    from PySide6.QtCore import QSettings

    stored = str(QSettings().value(key, "") or "")
    return Path(stored) if stored else (default or Path.home())


def keep_folder(key: str, path: Path) -> None:
    """Remember ``path``'s folder for the next file of this kind (``last_folder``)."""
    from PySide6.QtCore import QSettings

    QSettings().setValue(key, str(path.parent))


def ask_pin(parent: QWidget | None, title: str, text: str) -> str | None:
    """A PIN typed hidden; None when cancelled."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(text)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setOkButtonText(_("Đồng ý"))
    dialog.setCancelButtonText(_("Hủy"))
    return dialog.textValue() if dialog.exec() else None


def choose_files(parent: QWidget | None, title: str, filters: str) -> list[Path]:
    """Files to read, picked in the system's dialog; empty when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    names, _filter = QFileDialog.getOpenFileNames(parent, title, "", filters)
    return [Path(name) for name in names]


def choose_folder(parent: QWidget | None, title: str, start: Path | None = None) -> Path | None:
    """A folder picked in the system's dialog (``start`` first); None when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    name = QFileDialog.getExistingDirectory(parent, title, str(start) if start else "")
    return Path(name) if name else None
