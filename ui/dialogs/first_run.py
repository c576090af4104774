"""The first start on a machine (issue 19): try the program on demo data, in a file of its own, or set up the
commune — its name and code, its desk and signer, the first administrator, the 2025 catalogue — in the real file.
The demo is never written into the commune's file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import APP_NAME
from cchc_desktop.errors import CchcError, StorageError, ValidationError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.setup import CommuneSetup, set_up_commune
from ui import messages
from ui.widgets.buttons import enter_clicks, ok_cancel
from ui.widgets.field_errors import FieldErrors

DEMO, SET_UP, SERVER = "demo", "set_up", "server"


class FirstRunDialog(QDialog):
    """«Dùng thử với dữ liệu mẫu» or «Thiết lập xã của tôi» (or close: nothing is created)."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle(APP_NAME)
        self.setMinimumWidth(520)
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(_("Chưa có dữ liệu của xã trên máy này ({path}). Bạn muốn:").format(path=path))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.demo_button = QPushButton(_("&Dùng thử với dữ liệu mẫu"))
        self.demo_button.setObjectName("tryDemo")
        self.demo_button.setToolTip(_("Một tệp riêng với dữ liệu giả của một xã mẫu; không đụng đến dữ liệu thật"))
        self.setup_button = QPushButton(_("&Thiết lập xã của tôi"))
        self.setup_button.setObjectName("setUp")
        self.setup_button.setToolTip(_("Tên đơn vị, mã định danh, người ký, tài khoản quản trị, danh mục thủ tục"))
        self.server_button = QPushButton(_("&Kết nối máy chủ của Trung tâm"))
        self.server_button.setObjectName("connectServer")
        self.server_button.setToolTip(_("Nhiều quầy cùng ghi một sổ trên máy chủ PostgreSQL mà quản trị viên đã cài "
                                        "(xem docs/postgresql.md)"))
        for button, value in ((self.setup_button, SET_UP), (self.demo_button, DEMO), (self.server_button, SERVER)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, value=value: self._choose(value))
            layout.addWidget(button)
        enter_clicks(self.demo_button, self.setup_button, self.server_button)
        self.setup_button.setFocus()

    def _choose(self, value: str) -> None:
        self.choice = value
        self.accept()

    @classmethod
    def ask(cls, path: Path) -> str | None:
        """DEMO, SET_UP, SERVER, or None when closed. Tests replace this."""
        dialog = cls(path)
        dialog.exec()
        return dialog.choice


@dataclass(frozen=True)
class SetUpCommune:
    """The commune set up, and its administrator (the window signs in as them)."""

    username: str
    password: str


class SetupDialog(QDialog):
    """The commune's few settings and its first administrator; nothing is created until all of it is right."""

    FIELDS = (
        ("name", "Tên đơn vị (*)", "UBND xã Hoằng Hợp"),
        ("code", "Mã định danh (*)", "000.21.31.H56"),
        ("province", "Tỉnh, thành phố", "Thanh Hóa"),
        ("desk_name", "Tên bộ phận một cửa", "Trung tâm Phục vụ hành chính công xã …"),
        ("signer_name", "Người ký giấy tờ", "Lê Văn Minh"),
        ("signer_title", "Chức danh người ký", "CHỦ TỊCH hoặc PHÓ CHỦ TỊCH"),
        ("username", "Tên đăng nhập quản trị (*)", "quantri"),
        ("full_name", "Họ tên người quản trị (*)", ""),
    )

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupCommune")
        self.setWindowTitle(_("Thiết lập xã"))
        self.path = path
        self.created: SetUpCommune | None = None
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.inputs: dict[str, QLineEdit] = {}
        for key, label, example in self.FIELDS:
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.setPlaceholderText(example)
            self.inputs[key] = edit
            self.errors.watch(key, edit)
            form.addRow(_(label), self.errors.wrap(key, edit))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Mật khẩu (*)"), self.errors.wrap("password", self.password))
        form.addRow(_("Nhập lại mật khẩu (*)"), self.errors.wrap("again", self.again))
        for key, edit in (("password", self.password), ("again", self.again)):
            self.errors.watch(key, edit)
        self.catalogue = QCheckBox(_("Nạp danh mục thủ tục cấp xã năm 2025 (57 thủ tục, sửa được sau)"))
        self.catalogue.setObjectName("loadCatalogue")
        self.catalogue.setChecked(True)
        form.addRow("", self.catalogue)
        layout.addLayout(form)
        self.problem = self.errors.add("path", QLabel())
        layout.addWidget(self.problem)
        row = QHBoxLayout()
        row.addStretch(1)
        buttons = ok_cancel(self)
        row.addWidget(buttons)
        layout.addLayout(row)

    def accept(self) -> None:
        """Create the commune's file, or show every wrong field and stay open."""
        values = {key: edit.text() for key, edit in self.inputs.items()}
        if self.password.text() != self.again.text():
            self.errors.show({"again": _("Hai lần nhập mật khẩu không giống nhau.")})
            return
        setup = CommuneSetup(
            name=values["name"], code=values["code"], province=values["province"], desk_name=values["desk_name"],
            signer_name=values["signer_name"], signer_title=values["signer_title"],
            admin_username=values["username"], admin_full_name=values["full_name"],
            admin_password=self.password.text(), load_catalogue=self.catalogue.isChecked())
        try:
            set_up_commune(self.path, setup)
        except ValidationError as exc:
            others = self.errors.show(exc.errors)
            if others:
                self.problem.setText(" ".join(others))
                self.problem.show()
            return
        except CchcError as exc:
            messages.error(self, user_message(exc))
            return
        self.created = SetUpCommune(username=values["username"].strip().lower(), password=self.password.text())
        super().accept()

    @classmethod
    def ask(cls, path: Path) -> SetUpCommune | None:
        """The commune set up at ``path``, or None when given up (no file then). Tests replace this."""
        dialog = cls(path)
        dialog.exec()
        return dialog.created


class ServerDialog(QDialog):
    """The address of the centre's server database, without a password (libpq's password file holds it): tried at
    once, kept for the next starts when it opens, else what to check is said and the address stays for a retry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectServerDialog")
        self.setWindowTitle(_("Kết nối máy chủ"))
        self.setMinimumWidth(560)
        self.url: str | None = None
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        intro = QLabel(_("Địa chỉ cơ sở dữ liệu trên máy chủ PostgreSQL của Trung tâm, do quản trị viên cung cấp, "
                         "không ghi mật khẩu: mật khẩu của tài khoản quầy để trong tệp mật khẩu của PostgreSQL trên "
                         "máy này (pgpass.conf)."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.address = QLineEdit()
        self.address.setObjectName("url")
        self.address.setPlaceholderText("postgresql://quay1@may-chu/cchc")
        self.errors.watch("url", self.address)
        form.addRow(_("Địa chỉ"), self.errors.wrap("url", self.address))
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(ok_cancel(self))
        layout.addLayout(row)

    def accept(self) -> None:
        """Connect; on success keep the address and close, else say why under the field and stay open."""
        from cchc_desktop.services.setup import connect_server

        try:
            connect_server(self.address.text())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            return
        except (CchcError, StorageError) as exc:
            self.errors.show({"url": user_message(exc)})
            return
        self.url = self.address.text().strip()
        super().accept()

    @classmethod
    def ask(cls) -> str | None:
        """The server's database chosen (and saved), or None when given up. Tests replace this."""
        dialog = cls()
        dialog.exec()
        return dialog.url
