"""Nhật ký thay đổi on a demo database, as the admin reads it: who created an account, what a dossier went
through, filters typed in, the log loaded a page at a time, and an edit behind the program's back found."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.records import AuditAction
from cchc_desktop.domain.users import Role
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.audit_trail import AuditFilter, AuditService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from db import audit
from tests.tampering import tamper
from tests.ui.keyboard import replace_text, type_text
from ui import messages
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.audit_table import RAW_ROLE, AuditTableModel
from ui.pages.audit_page import AuditPage

PROCEDURE = "1.000689"
ADMIN = "quantri (Quản trị hệ thống)"


@pytest.fixture
def admin(demo_context: AppContext) -> AccountService:
    """The demo's admin signed in (demo accounts' password): changes are logged under that name."""
    accounts = AccountService(demo_context.db)
    accounts.sign_in("quantri", "demo1234")
    return accounts


def open_page(window: MainWindow) -> AuditPage:
    page = window.show_page("audit")
    assert isinstance(page, AuditPage)
    return page


def rows(page: AuditPage) -> list[list[str]]:
    model = page.model
    return [[model.index(row, column).data() for column in range(model.columnCount())]
            for row in range(model.rowCount())]


def entry(page: AuditPage, row: int):
    return page.model.index(row, 0).data(RAW_ROLE)


def choose(box, data: object) -> None:
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)


def register(context: AppContext, name: str) -> str:
    desk = ReceptionService(context.db, clock=lambda: datetime(2025, 3, 3, 9, 0))
    return desk.register(NewDossier(procedure_code=PROCEDURE, applicant_name=name, phone="0912345678")).code


def test_the_account_created_is_listed_first_with_who_did_it(qtbot: QtBot, admin: AccountService,
                                                             demo_window: MainWindow) -> None:
    admin.create("nguyenvana", "Nguyễn Văn Ấn", Role.DESK, "mat-khau-moi-1", title="Công chức Tư pháp - Hộ tịch")
    page = open_page(demo_window)
    assert page.findChild(object, "pageTitle").text() == "Nhật ký thay đổi"
    number, at, actor, action, record, changes = rows(page)[0]
    created = admin.user("nguyenvana")
    assert (actor, action, record) == (ADMIN, "Thêm", f"Tài khoản #{created.id}")
    assert datetime.strptime(at, "%d/%m/%Y %H:%M:%S").date() == datetime.now().date()
    assert int(number) == entry(page, 0).id
    assert "username: nguyenvana" in changes and "full_name: Nguyễn Văn Ấn" in changes
    assert "mat-khau-moi-1" not in changes  # a fingerprint of the hash, never the password
    assert rows(page)[1][3] == "Đăng nhập"

    # The newest entry is selected: its fields one per line.
    assert page.table.currentIndex().row() == 0
    fields = {page.changes.item(row, 0).text(): (page.changes.item(row, 1).text(), page.changes.item(row, 2).text())
              for row in range(page.changes.rowCount())}
    assert fields["full_name"] == ("", "Nguyễn Văn Ấn")
    assert fields["role"] == ("", "desk")
    assert [page.changes.horizontalHeaderItem(c).text() for c in range(3)] == ["Trường", "Trước", "Sau"]
    assert page.detail.text().startswith(f"Mục số {entry(page, 0).id} — ") and ADMIN in page.detail.text()

    # A change shows before and after, and a click on an older entry shows that one.
    admin.update("nguyenvana", role=Role.OFFICER)
    page.refresh()
    assert rows(page)[0][3] == "Sửa"
    assert "role: desk → officer" in rows(page)[0][5]
    older = page.model.index(1, 1)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(older).center())
    assert page.table.currentIndex().row() == 1
    assert entry(page, 1).action is AuditAction.INSERT
    assert page.changes.rowCount() == len(entry(page, 1).changes)


def test_filters_by_kind_record_actor_action_and_dates(qtbot: QtBot, admin: AccountService,
                                                      demo_context: AppContext, demo_window: MainWindow) -> None:
    first = register(demo_context, "Nguyễn Văn Bình")
    second = register(demo_context, "Trần Thị Chi")
    ReceptionService(demo_context.db).correct(first, changes={"phone": "0987654321"}, reason="Đọc nhầm số")
    admin.create("tuphap3", "Lê Văn Dũng", Role.DESK, "mat-khau-moi-2")
    page = open_page(demo_window)

    # The kinds present in the log, by their Vietnamese names.
    kinds = [page.kind.itemText(i) for i in range(page.kind.count())]
    assert kinds[0] == "Tất cả" and {"Hồ sơ", "Tài khoản"} <= set(kinds)
    choose(page.kind, "user")
    assert rows(page) and all(entry(page, row).table_name == "user" for row in range(page.model.rowCount()))
    choose(page.kind, "dossier")
    assert {row[4].split(" #")[0] for row in rows(page)} == {"Hồ sơ"}
    assert page.model.rowCount() == 3  # two registrations and a correction

    # A dossier code typed in (Enter applies at once; otherwise after a pause).
    choose(page.kind, "")
    type_text(qtbot, page.record, first.lower())
    qtbot.keyClick(page.record, Qt.Key.Key_Return)
    assert [row[3] for row in rows(page)] == ["Sửa", "Thêm"]
    assert "phone: 0912345678 → 0987654321" in rows(page)[0][5]
    replace_text(qtbot, page.record, second)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)  # the 300 ms debounce
    assert "Trần Thị Chi" in rows(page)[0][5]
    replace_text(qtbot, page.record, "HH-KHONG-CO")
    qtbot.keyClick(page.record, Qt.Key.Key_Return)
    assert page.model.rowCount() == 0
    assert page.message.text() == "Không có mục nhật ký nào khớp."
    page.record.clear()

    # Who did it, and what kind of entry.
    type_text(qtbot, page.actor, "quantri")
    qtbot.keyClick(page.actor, Qt.Key.Key_Return)
    assert rows(page) and {row[2] for row in rows(page)} == {ADMIN}
    choose(page.action, AuditAction.LOGIN.value)
    assert [row[3] for row in rows(page)] == ["Đăng nhập"]
    choose(page.action, None)
    page.actor.clear()

    # Dates: a day that does not exist is said, and the list stays; a range with no entry is empty.
    shown = page.model.rowCount()
    type_text(qtbot, page.first, "31/02/2025")
    qtbot.keyClick(page.first, Qt.Key.Key_Return)
    assert "Ngày «31/02/2025» không hợp lệ" in page.message.text()
    assert page.model.rowCount() == shown
    replace_text(qtbot, page.first, "01/01/2020")
    type_text(qtbot, page.last, "31/12/2020")
    qtbot.keyClick(page.last, Qt.Key.Key_Return)
    assert page.model.rowCount() == 0
    today = datetime.now().strftime("%d/%m/%Y")
    replace_text(qtbot, page.first, today)
    replace_text(qtbot, page.last, today)
    qtbot.keyClick(page.last, Qt.Key.Key_Return)
    day = datetime.now().date()
    assert page.model.rowCount() == len(AuditService(demo_context.db).page(AuditFilter(first=day, last=day))) >= 5


def test_the_model_passes_qt_model_tester(qtmodeltester, demo_context: AppContext) -> None:
    model = AuditTableModel(AuditService(demo_context.db), page_size=2)
    model.set_filter(AuditFilter())
    qtmodeltester.check(model)


def many_entries(context: AppContext, n: int) -> None:
    with context.db.atomic():
        for number in range(n):
            audit.log_entry(context.db, "other", table_name="setting", after={"lần": number})


def test_the_log_is_loaded_a_page_at_a_time(qtbot: QtBot, demo_context: AppContext, demo_window: MainWindow,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    many_entries(demo_context, 450)
    total = demo_context.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    asked: list[tuple[int | None, int]] = []
    page_of = AuditService.page

    def spy(self, *args, before_id=None, limit=200):
        asked.append((before_id, limit))
        return page_of(self, *args, before_id=before_id, limit=limit)

    monkeypatch.setattr(AuditService, "page", spy)
    page = open_page(demo_window)
    assert page.model.rowCount() == 200  # not the 450 entries
    assert asked == [(None, 201)]
    assert page.model.canFetchMore(QModelIndex())
    assert page.message.text() == "Đang hiện 200 mục mới nhất; cuộn xuống để xem các mục cũ hơn."

    # Scrolling to the end asks for the next page, after the last entry shown.
    last_shown = entry(page, 199).id
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == 400)
    assert asked[-1] == (last_shown, 201)
    page.model.fetchMore(QModelIndex())
    assert page.model.rowCount() == total
    assert not page.model.canFetchMore(QModelIndex())
    ids = [entry(page, row).id for row in range(total)]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == total  # newest first, none twice
    assert page.message.text() == f"{total} mục nhật ký."




def test_the_integrity_check_finds_an_edit_of_the_log(qtbot: QtBot, admin: AccountService, demo_context: AppContext,
                                                     demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("An", "Bình", "Chi"):
        register(demo_context, f"Nguyễn Văn {name}")
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "info", lambda parent, title, text: said.append(("info", text)))
    monkeypatch.setattr(messages, "error", lambda parent, text, details="": said.append(("error", text)))
    page = open_page(demo_window)
    assert page.check_button.text() == "Kiểm tra tính toàn vẹn"
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert said[-1][0] == "info" and "Nhật ký toàn vẹn" in said[-1][1]

    tamper(demo_context.db_path, "UPDATE audit_log SET actor = 'người khác' WHERE id = 4")
    page.refresh()
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    kind, text = said[-1]
    assert kind == "error"
    assert "đã bị sửa ngoài chương trình" in text and "mục số 4 (" in text
    assert page.message.text() == text
    row = next(row for row in range(page.model.rowCount()) if entry(page, row).id == 4)
    assert isinstance(page.model.index(row, 2).data(Qt.ItemDataRole.ForegroundRole), QBrush)
    assert page.model.index(row, 2).data() == "người khác"
    assert page.model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is None
