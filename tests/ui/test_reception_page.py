"""The reception form as a desk officer uses it: type a procedure, pick it, type the applicant, Enter, F9."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.dossiers import EventKind
from cchc_desktop.domain.users import Role
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.reception import ReceptionService
from tests.ui.keyboard import type_text
from ui import desktop
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.reception_page import ReceptionPage

NOW = datetime(2024, 6, 4, 9, 30)
pytestmark = pytest.mark.backends


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow, context: AppContext) -> ReceptionPage:
    load_reference_catalogue(context.db)
    shown = window.show_page("reception")
    assert isinstance(shown, ReceptionPage)
    context.clock = lambda: NOW
    return shown


def pick_procedure(qtbot: QtBot, page: ReceptionPage, typed: str) -> None:
    type_text(qtbot, page.procedure_edit, typed)
    assert page.completions.stringList(), typed
    qtbot.keyClick(page.procedure_edit, Qt.Key.Key_Return)


@pytest.mark.parametrize("typed", ["khai sinh kết hợp", "Khai Sinh ket hop", "khái sinh kết hợp", "1.000689"])
def test_a_procedure_is_found_however_it_is_typed(qtbot: QtBot, page: ReceptionPage, typed: str) -> None:
    pick_procedure(qtbot, page, typed)
    assert page.procedure is not None and page.procedure.code == "1.000689"
    assert page.procedure_edit.text().startswith("1.000689 — ")


def test_the_code_and_appointment_show_before_saving(qtbot: QtBot, page: ReceptionPage) -> None:
    pick_procedure(qtbot, page, "1.000689")
    text = page.preview_label.text()
    assert "000.21.31.H56-240604-0001" in text
    assert "07/06/2024 11:30" in text
    assert "3 ngày làm việc" in text


def test_enter_saves_and_f9_prints_the_receipt(qtbot: QtBot, page: ReceptionPage, context: AppContext,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    pick_procedure(qtbot, page, "khai sinh kết hợp")
    type_text(qtbot, page.inputs["applicant_name"], "Nguyễn Văn Ấn")
    type_text(qtbot, page.inputs["phone"], "0912 345 678")
    type_text(qtbot, page.inputs["address"], "Thôn 3, xã Hoằng Hợp")
    with qtbot.waitSignal(page.registered) as saved:
        qtbot.keyClick(page.inputs["address"], Qt.Key.Key_Return)
    code = saved.args[0]
    assert code == "000.21.31.H56-240604-0001"
    view = ReceptionService(context.db).get(code)
    assert view.dossier.applicant_name == "Nguyễn Văn Ấn"
    assert view.dossier.phone == "0912345678"
    assert page.inputs["applicant_name"].text() == ""  # ready for the next citizen
    assert "Đã lưu hồ sơ 000.21.31.H56-240604-0001" in page.status.text()

    qtbot.keyClick(page, Qt.Key.Key_F9)
    assert len(opened) == 1 and opened[0].exists()
    text = " ".join((p.extract_text() or "") for p in PdfReader(opened[0]).pages)
    assert "Nguyễn Văn Ấn" in " ".join(text.split()) and code in text


def test_a_missing_name_is_marked_and_nothing_is_saved(qtbot: QtBot, page: ReceptionPage,
                                                       context: AppContext) -> None:
    pick_procedure(qtbot, page, "1.000689")
    type_text(qtbot, page.inputs["applicant_id"], "12345")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["applicant_name"].isVisible()
    assert page.errors["applicant_name"].text() == "Họ tên người nộp không được để trống."
    assert page.errors["applicant_id"].isVisible()
    assert "9 hoặc 12 chữ số" in page.errors["applicant_id"].text()
    assert context.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
    assert not page.print_button.isEnabled()


def test_an_unknown_procedure_is_refused(qtbot: QtBot, page: ReceptionPage, context: AppContext) -> None:
    type_text(qtbot, page.procedure_edit, "9.999999")
    type_text(qtbot, page.inputs["applicant_name"], "Trần Thị Bình")
    qtbot.keyClick(page.inputs["applicant_name"], Qt.Key.Key_Return)
    assert page.errors["procedure_code"].isVisible()
    assert "9.999999" in page.errors["procedure_code"].text()
    assert context.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0


def test_a_proxy_and_the_way_of_taking_the_result_reach_the_2025_receipt(
    qtbot: QtBot, page: ReceptionPage, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In 2026 the receipt is Mẫu 01 of Thông tư 03/2025: the officer ticks «nộp thay» (Space), types the
    authorised person, chooses «by post» with the keyboard, saves with Enter and prints with F9."""
    later = datetime(2026, 3, 10, 9, 30)
    context.clock = lambda: later
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    pick_procedure(qtbot, page, "1.000689")
    type_text(qtbot, page.inputs["applicant_name"], "Đặng Thị Hồng")
    type_text(qtbot, page.inputs["applicant_id"], "038199001234")
    page.delivery.setFocus()
    qtbot.keyClick(page.delivery, Qt.Key.Key_Down)  # desk → post
    assert page.delivery.currentData() == "post"
    assert not page.proxy_box.isVisibleTo(page)
    page.by_proxy.setFocus()
    qtbot.keyClick(page.by_proxy, Qt.Key.Key_Space)
    assert page.proxy_box.isVisibleTo(page) and page.proxy_inputs["name"].hasFocus()
    type_text(qtbot, page.proxy_inputs["name"], "Lê Văn Toàn")
    type_text(qtbot, page.proxy_inputs["id_number"], "03809000777")  # 11 digits: refused
    qtbot.keyClick(page.proxy_inputs["id_number"], Qt.Key.Key_Return)
    assert page.errors["proxy_id_number"].isVisible()
    assert page.errors["proxy_id_number"].text().startswith("Người được ủy quyền:")
    assert context.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
    type_text(qtbot, page.proxy_inputs["id_number"], "7")
    type_text(qtbot, page.proxy_inputs["paper"], "Giấy ủy quyền ngày 02/03/2026")
    with qtbot.waitSignal(page.registered) as saved:
        qtbot.keyClick(page.proxy_inputs["paper"], Qt.Key.Key_Return)
    view = ReceptionService(context.db).get(saved.args[0])
    assert view.form_set == "TT03/2025" and view.dossier.result_delivery is not None
    assert view.dossier.result_delivery.value == "post"
    assert view.dossier.proxy is not None and view.dossier.proxy.id_number == "038090007777"
    assert not page.by_proxy.isChecked() and page.proxy_inputs["name"].text() == ""  # ready for the next
    qtbot.keyClick(page, Qt.Key.Key_F9)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(opened[0]).pages)
    for expected in ("Số: 01/TN-TTPVHCC", "Người được ủy quyền nộp hồ sơ: Lê Văn Toàn", "038090007777",
                     "Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích", "Quyển số: 01/2026, Số thứ tự: 1"):
        assert expected in text, expected


def test_the_signed_in_officer_is_recorded_on_the_dossier_its_steps_and_the_receipt(
    qtbot: QtBot, page: ReceptionPage, context: AppContext, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 17, item 2: who acted is recorded. A desk officer signed in at the window registers a dossier with
    the keyboard and prints its receipt; the dossier, each step of its life up to the return, and the receipt's
    «NGƯỜI TIẾP NHẬN HỒ SƠ» name her — the services were built before she signed in and read the session when
    they write."""
    context.accounts.create("huong", "Nguyễn Thị Hương", Role.DESK, "mat-khau-an-toan")
    context.sign_in("huong", "mat-khau-an-toan")
    officer = context.db.execute("SELECT id FROM \"user\" WHERE username = 'huong'").fetchone()[0]
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    pick_procedure(qtbot, page, "1.004873")
    type_text(qtbot, page.inputs["applicant_name"], "Trần Văn Bình")
    with qtbot.waitSignal(page.registered) as saved:
        qtbot.keyClick(page.inputs["applicant_name"], Qt.Key.Key_Return)
    code = saved.args[0]
    qtbot.keyClick(page, Qt.Key.Key_F9)
    text = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(opened[0]).pages).split())
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Nguyễn Thị Hương" in text

    desk = context.reception  # the office's, built before the sign-in: the dossier page's
    for event in (EventKind.TRANSFERRED, EventKind.RESULT_READY, EventKind.RETURNED):
        desk.transition(code, event)
    row = context.db.execute("SELECT id, received_by, status FROM dossier WHERE code = ?", [code]).fetchone()
    assert row[1:] == (officer, "returned")
    steps = context.db.execute("SELECT kind, user_id FROM dossier_event WHERE dossier_id = ? ORDER BY id",
                               [row[0]]).fetchall()
    assert [kind for kind, _user in steps] == ["received", "printed", "transferred", "result_ready", "returned"]
    assert {user for _kind, user in steps} == {officer}
    assert desk.get(code).received_by_name == "Nguyễn Thị Hương"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_server_gone_away_keeps_the_form_and_saves_on_retry(qtbot: QtBot, page: ReceptionPage, context: AppContext,
                                                             postgres_cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    """The centre's server stops answering while a desk officer saves: said in Vietnamese with what to check,
    nothing saved, every field kept; once the server is back, Enter again saves it."""
    import psycopg

    from ui import messages

    said: list[str] = []
    monkeypatch.setattr(messages, "error", lambda _parent, text: said.append(text))
    name = context.db.execute("SELECT current_database()").fetchone()[0]
    pick_procedure(qtbot, page, "khai sinh kết hợp")
    type_text(qtbot, page.inputs["applicant_name"], "Nguyễn Văn Ấn")
    type_text(qtbot, page.inputs["phone"], "0912 345 678")
    with psycopg.connect(postgres_cluster.conninfo(), autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false".encode())  # the server goes away
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        try:
            qtbot.keyClick(page.inputs["phone"], Qt.Key.Key_Return)
            assert len(said) == 1 and "máy chủ PostgreSQL" in said[0] and "Traceback" not in said[0]
            assert "Chưa lưu, những gì đã nhập vẫn giữ nguyên" in page.status.text()
            assert page.inputs["applicant_name"].text() == "Nguyễn Văn Ấn"
            assert page.inputs["phone"].text() == "0912 345 678"
        finally:
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true".encode())  # back
    with qtbot.waitSignal(page.registered) as saved:
        qtbot.keyClick(page.inputs["phone"], Qt.Key.Key_Return)
    assert saved.args[0] == "000.21.31.H56-240604-0001"  # no number lost to the failed try
    assert ReceptionService(context.db).get(saved.args[0]).dossier.applicant_name == "Nguyễn Văn Ấn"
