"""The reception form as a desk officer uses it: type a procedure, pick it, type the applicant, Enter, F9."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import ReceptionService
from tests.ui.keyboard import type_text
from ui import desktop
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.reception_page import ReceptionPage

NOW = datetime(2024, 6, 4, 9, 30)


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow, context: AppContext) -> ReceptionPage:
    load_reference_catalogue(context.db)
    shown = window.show_page("reception")
    assert isinstance(shown, ReceptionPage)
    shown.service = ReceptionService(context.db, clock=lambda: NOW)
    shown.printing = PrintingService(context.db, clock=lambda: NOW)
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
