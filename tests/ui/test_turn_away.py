"""A filing not received at the desk, as the officer does it: F8 on the reception form, the reasons typed,
«Ghi sổ và in Mẫu 02»; then the list of such filings and a reprint."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.dossiers import DeskRefusalKind
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.desk_refusals import DeskRefusalService, TurnedAway
from tests.ui.keyboard import type_text
from ui import desktop
from ui.context import AppContext
from ui.dialogs.turn_away_dialog import TurnAwayDialog, TurnedAwayListDialog
from ui.main_window import MainWindow
from ui.pages.reception_page import ReceptionPage

NOW = datetime(2024, 6, 4, 9, 30)


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow, context: AppContext) -> ReceptionPage:
    load_reference_catalogue(context.db)
    shown = window.show_page("reception")
    assert isinstance(shown, ReceptionPage)
    shown.refusals = DeskRefusalService(context.db, clock=lambda: NOW)
    return shown


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def test_f8_turns_an_incomplete_filing_away_with_mau_02(qtbot: QtBot, page: ReceptionPage, context: AppContext,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    seen: list[TurnAwayDialog] = []

    def fill_and_save(parent, service, start):
        dialog = TurnAwayDialog(service, start, parent)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        assert dialog.ok_button.text() == "Ghi sổ và in Mẫu 02"
        type_text(qtbot, dialog.reasons, "Thiếu giấy chứng sinh")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.recorded

    monkeypatch.setattr(TurnAwayDialog, "ask", fill_and_save)
    type_text(qtbot, page.procedure_edit, "1.001193")
    qtbot.keyClick(page.procedure_edit, Qt.Key.Key_Return)
    type_text(qtbot, page.inputs["applicant_name"], "Đặng Thị Ưng")
    type_text(qtbot, page.inputs["phone"], "0912345678")
    qtbot.keyClick(page, Qt.Key.Key_F8)

    assert seen and seen[0].applicant.text() == "Đặng Thị Ưng" and seen[0].procedure.text() == "1.001193"
    assert len(opened) == 1
    text = pdf_text(opened[0])
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Thiếu giấy chứng sinh" in text
    assert "0912345678" in text  # printed on the paper handed over
    assert "không cấp mã hồ sơ" in page.status.text()
    assert page.inputs["applicant_name"].text() == ""
    assert context.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
    stored = DeskRefusalService(context.db).between(first=date(2024, 6, 4), last=date(2024, 6, 4))
    assert [(r.applicant_name, r.reasons) for r in stored] == [("Đặng Thị Ưng", ("Thiếu giấy chứng sinh",))]


def test_the_dialog_stays_open_and_names_what_is_missing(qtbot: QtBot, page: ReceptionPage,
                                                         context: AppContext) -> None:
    dialog = TurnAwayDialog(page.refusals, TurnedAway(kind=DeskRefusalKind.INCOMPLETE, applicant_name="",
                                                     reasons=()))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.recorded is None and dialog.isVisible()
    assert dialog.errors["applicant_name"].text() == "Chưa nhập họ tên người nộp."
    assert dialog.errors["reasons"].text() == "Chưa ghi nội dung cần bổ sung, hoàn thiện."
    assert dialog.errors["procedure_code"].text() == "Chưa chọn thủ tục cần hướng dẫn bổ sung."
    # a refusal to receive needs no procedure
    dialog.kind.setCurrentIndex(dialog.kind.findData(DeskRefusalKind.NOT_ACCEPTED.value))
    assert dialog.ok_button.text() == "Ghi sổ và in Mẫu 03"
    type_text(qtbot, dialog.applicant, "Nguyễn Văn Ấn")
    type_text(qtbot, dialog.reasons, "Thuộc thẩm quyền của UBND huyện")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.recorded is not None and dialog.recorded.refusal.form == "03"
    assert context.db.execute("SELECT count(*) FROM desk_refusal").fetchone()[0] == 1


def test_the_list_shows_the_days_notes_and_prints_one_again(qtbot: QtBot, page: ReceptionPage,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("Lê Văn Tám", "Phạm Thị Hoa"):
        page.refusals.record(TurnedAway(kind=DeskRefusalKind.NOT_ACCEPTED, applicant_name=name,
                                        reasons=("Không thuộc thẩm quyền",)))
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    dialog = TurnedAwayListDialog(page.refusals, date(2024, 6, 1), date(2024, 6, 30))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(1, 1).text() == "Phạm Thị Hoa"
    assert dialog.table.item(0, 3).text() == "Mẫu 03"
    assert dialog.count.text() == "2 hồ sơ không tiếp nhận"
    dialog.table.selectRow(1)
    qtbot.mouseClick(dialog.reprint_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and "Phạm Thị Hoa" in pdf_text(opened[0])
    dialog.first.setDate(date(2024, 7, 1))
    dialog.last.setDate(date(2024, 7, 31))
    assert dialog.table.rowCount() == 0 and not dialog.reprint_button.isEnabled()
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons.button(QDialogButtonBox.StandardButton.Close).text() == "Đóng"
