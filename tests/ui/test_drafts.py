"""No lost typing: a dossier or a survey form being typed is kept as a draft a moment after the typing pauses,
and a window started after a crash (a fresh connection on the same file, the first window never closed)
offers it back inline; «Khôi phục» fills the form, «Bỏ» forgets it, saving the form discards it. A draft of
one account is never offered to another."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.users import Role, User
from cchc_desktop.services import sessions
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.drafts import Draft, DraftService
from cchc_desktop.services.reception import ReceptionService
from cchc_desktop.services.sessions import Session, SessionMode
from db.connection import open_db
from db.errors import StorageError, StorageProblem
from tests.ui.keyboard import replace_text, type_text
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.reception_page import ReceptionPage
from ui.pages.surveys_page import SurveysPage
from ui.widgets.form_draft import DRAFT_DELAY_MS

NOW = datetime(2024, 6, 4, 9, 30)
FAST_MS = 50
Reopen = Callable[[], AppContext]


@pytest.fixture
def reopen(context: AppContext) -> Iterator[Reopen]:
    """The program started again after a crash: a new connection on the same file (closed after the test)."""
    opened: list[AppContext] = []

    def start() -> AppContext:
        opened.append(AppContext(open_db(context.db_path), context.db_path))
        return opened[-1]

    yield start
    for again in opened:
        again.db.close()


def draft_of(context: AppContext, form: str) -> Draft | None:
    return DraftService(context.db).load(form)


def reception_on(qtbot: QtBot, context: AppContext, *, fast: bool = True) -> ReceptionPage:
    """The reception page of a new main window on ``context``, as after a start."""
    context.clock = lambda: NOW
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # the keys of a typist go to the window started last
        window.show()
        window.activateWindow()
    page = window.show_page("reception")
    assert isinstance(page, ReceptionPage)
    if fast:
        page.draft.timer.setInterval(FAST_MS)
    return page


def type_dossier(qtbot: QtBot, page: ReceptionPage) -> None:
    type_text(qtbot, page.procedure_edit, "khai sinh kết hợp")
    qtbot.keyClick(page.procedure_edit, Qt.Key.Key_Return)  # the first suggestion
    type_text(qtbot, page.inputs["applicant_name"], "Nguyễn Thị Ưng")
    type_text(qtbot, page.inputs["applicant_id"], "038190001234")
    type_text(qtbot, page.inputs["phone"], "0912 345 678")
    type_text(qtbot, page.inputs["address"], "Thôn 3, xã Hoằng Hợp")
    page.channel.setFocus()
    qtbot.keyClick(page.channel, Qt.Key.Key_Down)  # the next channel, chosen with the keyboard
    type_text(qtbot, page.documents, "Tờ khai đăng ký khai sinh")
    qtbot.keyClick(page.documents, Qt.Key.Key_Return)
    type_text(qtbot, page.documents, "Giấy chứng sinh")


def wait_for_draft(qtbot: QtBot, context: AppContext, form: str, key: str, value: object) -> None:
    qtbot.waitUntil(lambda: (draft := draft_of(context, form)) is not None and draft.data.get(key) == value,
                    timeout=5000)


@pytest.fixture
def catalogue(context: AppContext) -> AppContext:
    load_reference_catalogue(context.db)
    return context


def test_a_dossier_typed_before_a_crash_is_offered_back_and_saving_it_discards_the_draft(
        qtbot: QtBot, catalogue: AppContext, reopen: Reopen) -> None:
    page = reception_on(qtbot, catalogue, fast=False)
    assert page.draft.timer.interval() == DRAFT_DELAY_MS
    assert not page.draft.banner.isVisible()
    type_dossier(qtbot, page)
    channel = page.channel.currentData()
    assert channel != "direct"
    assert draft_of(catalogue, "reception") is None  # the typing has not paused for a second yet
    wait_for_draft(qtbot, catalogue, "reception", "documents", "Tờ khai đăng ký khai sinh\nGiấy chứng sinh")

    # The power is cut: the first window is never closed; the program starts again on the same file.
    again = reopen()
    page = reception_on(qtbot, again)
    banner = page.draft.banner
    assert banner.isVisible()
    assert banner.label.text() == "Có bản nháp chưa lưu lúc 09:30 04/06/2024 —"
    assert page.inputs["applicant_name"].text() == ""  # nothing filled before the officer says so
    qtbot.mouseClick(banner.restore_button, Qt.MouseButton.LeftButton)

    assert not banner.isVisible()
    assert page.procedure is not None and page.procedure.code == "1.000689"
    assert page.procedure_edit.text().startswith("1.000689 — ")
    assert page.inputs["applicant_name"].text() == "Nguyễn Thị Ưng"
    assert page.inputs["applicant_id"].text() == "038190001234"
    assert page.inputs["phone"].text() == "0912 345 678"
    assert page.inputs["address"].text() == "Thôn 3, xã Hoằng Hợp"
    assert page.channel.currentData() == channel
    assert page.documents.toPlainText() == "Tờ khai đăng ký khai sinh\nGiấy chứng sinh"
    assert "000.21.31.H56-240604-0001" in page.preview_label.text()
    assert draft_of(again, "reception") is not None  # kept until the dossier is saved

    with qtbot.waitSignal(page.registered) as saved:
        qtbot.keyClick(page.inputs["address"], Qt.Key.Key_Return)
    view = ReceptionService(again.db).get(saved.args[0])
    assert view.dossier.applicant_name == "Nguyễn Thị Ưng" and view.dossier.channel.value == channel
    assert [document.name for document in view.dossier.documents] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert draft_of(again, "reception") is None
    assert draft_of(catalogue, "reception") is None  # gone from the file, not only from this connection
    assert not page.draft.banner.isVisible()


def test_bo_forgets_the_draft(qtbot: QtBot, catalogue: AppContext, reopen: Reopen) -> None:
    page = reception_on(qtbot, catalogue)
    type_text(qtbot, page.inputs["applicant_name"], "Trần Văn Bình")
    wait_for_draft(qtbot, catalogue, "reception", "applicant_name", "Trần Văn Bình")

    page = reception_on(qtbot, reopen())
    assert page.draft.banner.isVisible()
    qtbot.mouseClick(page.draft.banner.discard_button, Qt.MouseButton.LeftButton)
    assert not page.draft.banner.isVisible()
    assert page.inputs["applicant_name"].text() == ""
    assert draft_of(catalogue, "reception") is None
    assert not reception_on(qtbot, reopen()).draft.banner.isVisible()


def test_closing_the_window_or_leaving_the_page_keeps_what_was_just_typed(
        qtbot: QtBot, catalogue: AppContext) -> None:
    page = reception_on(qtbot, catalogue, fast=False)
    window = page.window()
    type_text(qtbot, page.inputs["applicant_name"], "Lê Thị Cúc")
    assert page.draft.timer.isActive() and draft_of(catalogue, "reception") is None
    assert isinstance(window, MainWindow)
    window.show_page("surveys")  # the reception page is hidden before the pause
    assert draft_of(catalogue, "reception").data["applicant_name"] == "Lê Thị Cúc"

    window.show_page("reception")
    type_text(qtbot, page.inputs["phone"], "0987654321")
    window.close()
    assert draft_of(catalogue, "reception").data["phone"] == "0987654321"


def test_a_form_emptied_by_hand_keeps_no_draft(qtbot: QtBot, catalogue: AppContext) -> None:
    page = reception_on(qtbot, catalogue)
    type_text(qtbot, page.inputs["address"], "Thôn 5")
    wait_for_draft(qtbot, catalogue, "reception", "address", "Thôn 5")
    replace_text(qtbot, page.inputs["address"], "")
    qtbot.waitUntil(lambda: draft_of(catalogue, "reception") is None, timeout=5000)


def test_typing_a_new_dossier_instead_replaces_the_draft_offered(
        qtbot: QtBot, catalogue: AppContext, reopen: Reopen) -> None:
    page = reception_on(qtbot, catalogue)
    type_text(qtbot, page.inputs["applicant_name"], "Người cũ")
    wait_for_draft(qtbot, catalogue, "reception", "applicant_name", "Người cũ")

    page = reception_on(qtbot, reopen())
    assert page.draft.banner.isVisible()
    type_text(qtbot, page.inputs["applicant_name"], "Người mới")
    wait_for_draft(qtbot, catalogue, "reception", "applicant_name", "Người mới")
    assert not page.draft.banner.isVisible()


def test_a_draft_is_offered_only_to_the_account_that_typed_it(
        qtbot: QtBot, catalogue: AppContext, reopen: Reopen) -> None:
    accounts = AccountService(catalogue.db)
    hương = accounts.create("motcua", "Nguyễn Thị Hương", Role.DESK, "mat-khau-dai-1")
    hùng = accounts.create("motcua2", "Lê Văn Hùng", Role.DESK, "mat-khau-dai-2")

    def signed_in(user: User) -> AppContext:
        again = reopen()
        sessions.begin(again.db, Session(user=user, mode=SessionMode.LOGIN))
        return again

    page = reception_on(qtbot, signed_in(hương))
    type_text(qtbot, page.inputs["applicant_name"], "Phạm Thị Dung")
    wait_for_draft(qtbot, signed_in(hương), "reception", "applicant_name", "Phạm Thị Dung")

    assert not reception_on(qtbot, signed_in(hùng)).draft.banner.isVisible()
    assert not reception_on(qtbot, reopen()).draft.banner.isVisible()  # nor without an account
    page = reception_on(qtbot, signed_in(hương))
    assert page.draft.banner.isVisible()
    qtbot.mouseClick(page.draft.banner.restore_button, Qt.MouseButton.LeftButton)
    assert page.inputs["applicant_name"].text() == "Phạm Thị Dung"


# -- the survey form --------------------------------------------------------------------------------------------


def surveys_on(qtbot: QtBot, context: AppContext) -> SurveysPage:
    context.clock = lambda: NOW
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # the keys of a typist go to the window started last
        window.show()
        window.activateWindow()
    page = window.show_page("surveys")
    assert isinstance(page, SurveysPage)
    page.draft.timer.setInterval(FAST_MS)
    page.taken_on.set_day(NOW.date())
    return page


def key_digits(qtbot: QtBot, digits: str) -> None:
    for digit in digits:
        qtbot.keyClick(QApplication.focusWidget(), digit)


def test_a_survey_form_keyed_before_a_crash_is_offered_back(
        qtbot: QtBot, context: AppContext, reopen: Reopen) -> None:
    page = surveys_on(qtbot, context)
    page.method.setFocus()
    qtbot.keyClick(page.method, Qt.Key.Key_Down)
    method = page.method.currentData()
    page.overall.setFocus()
    key_digits(qtbot, "4" + "5" * 3)
    type_text(qtbot, page.comment, "Cán bộ nhiệt tình")
    wait_for_draft(qtbot, context, "survey", "comment", "Cán bộ nhiệt tình")
    codes = [criterion.code for criterion in page.criteria]
    assert draft_of(context, "survey").data == {
        "taken_on": "2024-06-04", "method": method, "dossier_code": "", "comment": "Cán bộ nhiệt tình",
        "scores": {"overall": 4, codes[0]: 5, codes[1]: 5, codes[2]: 5}}

    again = reopen()
    page = surveys_on(qtbot, again)
    assert page.draft.banner.isVisible()
    assert page.draft.banner.label.text() == "Có bản nháp chưa lưu lúc 09:30 04/06/2024 —"
    assert page.overall.text() == ""
    qtbot.mouseClick(page.draft.banner.restore_button, Qt.MouseButton.LeftButton)
    assert page.overall.text() == "4"
    assert [page.boxes[code].text() for code in codes[:4]] == ["5", "5", "5", ""]
    assert page.comment.text() == "Cán bộ nhiệt tình" and page.method.currentData() == method

    qtbot.keyClick(page.comment, Qt.Key.Key_Return)
    assert again.db.execute("SELECT overall, method, comment FROM survey").fetchall() == [
        (4, method, "Cán bộ nhiệt tình")]
    assert draft_of(again, "survey") is None


def test_bo_forgets_a_survey_draft(qtbot: QtBot, context: AppContext, reopen: Reopen) -> None:
    page = surveys_on(qtbot, context)
    page.overall.setFocus()
    key_digits(qtbot, "3")
    wait_for_draft(qtbot, context, "survey", "scores", {"overall": 3})

    page = surveys_on(qtbot, reopen())
    qtbot.mouseClick(page.draft.banner.discard_button, Qt.MouseButton.LeftButton)
    assert not page.draft.banner.isVisible() and page.overall.text() == ""
    assert draft_of(context, "survey") is None


def test_a_file_that_cannot_be_written_does_not_stop_the_typing(
        qtbot: QtBot, catalogue: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    page = reception_on(qtbot, catalogue)
    tried: list[str] = []

    def full(form: str, data: object) -> None:
        tried.append(form)
        raise StorageError(StorageProblem.DISK_FULL, catalogue.db_path)

    monkeypatch.setattr(page.draft.service, "save", full)
    type_text(qtbot, page.inputs["applicant_name"], "Đỗ Văn Tùng")
    qtbot.waitUntil(lambda: tried == ["reception"], timeout=5000)
    assert page.draft.dirty  # tried again at the next change or when the page is hidden
    monkeypatch.undo()
    type_text(qtbot, page.inputs["applicant_name"], " Anh")
    wait_for_draft(qtbot, catalogue, "reception", "applicant_name", "Đỗ Văn Tùng Anh")
