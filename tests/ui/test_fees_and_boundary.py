"""Fees and boundary-free filings in the window (issue 21, parts 2 and 3): the reception form's «Phí, lệ phí» row and
«Thường trú tại xã/phường khác» typed into and saved with the real button, the dossier page's «Phí, lệ phí…» and
«Chuyển đơn vị khác…», the register's filter, the catalogue's fee. Each is read back from the database."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.fees import FeeMethod, FeePayment
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.reception import NewDossier
from tests.ui.keyboard import replace_text, type_text
from ui.context import AppContext
from ui.dialogs.dossier_dialog import DossierDialog, FeeDialog, TransferDialog
from ui.main_window import MainWindow
from ui.pages.catalogue_page import CataloguePage
from ui.pages.reception_page import ReceptionPage
from ui.pages.register_page import BOUNDARY_FREE, TRANSFERRED, RegisterPage

NOW = datetime(2024, 6, 4, 9, 30)
COPY = "2.000635"  # «8.000 đồng/bản»


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow, context: AppContext) -> ReceptionPage:
    load_reference_catalogue(context.db)
    context.clock = lambda: NOW
    shown = window.show_page("reception")
    assert isinstance(shown, ReceptionPage)
    return shown


def pick(qtbot: QtBot, page: ReceptionPage, code: str) -> None:
    type_text(qtbot, page.procedure_edit, code)
    qtbot.keyClick(page.procedure_edit, Qt.Key.Key_Return)
    assert page.procedure is not None and page.procedure.code == code


def stored(context: AppContext, code: str) -> tuple[object, ...]:
    return context.db.execute(
        "SELECT fee_paid, fee_receipt, fee_method, fee_exempt_reason, home_commune FROM dossier WHERE code = ?",
        [code]).fetchone()


def test_the_form_offers_the_catalogues_fee_and_saves_what_was_typed(qtbot: QtBot, page: ReceptionPage,
                                                                    context: AppContext) -> None:
    pick(qtbot, page, COPY)
    fees = page.fees
    assert (fees.chosen(), fees.amount.text()) == (FeeMethod.DESK, "8.000")  # offered from the catalogue
    assert not fees.reason.isVisibleTo(page)  # the reason only for an exemption
    type_text(qtbot, page.inputs["applicant_name"], "Nguyễn Văn Ấn")
    type_text(qtbot, page.home_commune, "xã Hoằng Đạo")
    replace_text(qtbot, fees.amount, "16000")
    type_text(qtbot, fees.receipt, "0001234")
    with qtbot.waitSignal(page.registered) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    code = saved.args[0]
    assert stored(context, code) == (16_000, "0001234", "desk", None, "xã Hoằng Đạo")
    # ready for the next citizen of the same procedure: the fee offered again, nothing else kept
    assert (fees.chosen(), fees.amount.text(), fees.receipt.text(), page.home_commune.text()) == (
        FeeMethod.DESK, "8.000", "", "")
    assert page.communes.stringList() == ["xã Hoằng Đạo"]  # offered as the next one is typed
    context.reception.register(NewDossier(COPY, "Lê Thị Bình", home_commune="phường Đông Hải"))  # another desk
    page.refresh()
    page.inputs["applicant_name"].setFocus()
    page.home_commune.setFocus()  # read again when the field gets the cursor
    assert sorted(page.communes.stringList()) == ["phường Đông Hải", "xã Hoằng Đạo"]


def test_an_exemption_asks_its_reason_and_a_wrong_amount_is_marked(qtbot: QtBot, page: ReceptionPage,
                                                                   context: AppContext) -> None:
    pick(qtbot, page, COPY)
    fees = page.fees
    type_text(qtbot, page.inputs["applicant_name"], "Lê Thị Bình")
    fees.method.setFocus()
    fees.method.setCurrentIndex(fees.method.findData(FeeMethod.EXEMPT.value))
    assert fees.reason.isVisibleTo(page)
    replace_text(qtbot, fees.amount, "")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)  # no reason: refused, beside the field
    assert page.errors["fee_exempt_reason"].isVisible()
    assert page.errors["fee_exempt_reason"].text() == "Cần ghi lý do miễn, giảm phí, lệ phí."
    assert context.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
    type_text(qtbot, fees.reason, "Hộ nghèo")
    replace_text(qtbot, fees.amount, "năm nghìn")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["fee_amount"].text() == "Số tiền «năm nghìn» không hợp lệ: ghi số đồng, ví dụ 50.000."
    assert context.db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
    replace_text(qtbot, fees.amount, "")
    with qtbot.waitSignal(page.registered) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert stored(context, saved.args[0]) == (0, None, "exempt", "Hộ nghèo", None)


def test_a_free_procedure_offers_no_fee_and_a_charge_is_noted(qtbot: QtBot, page: ReceptionPage,
                                                              context: AppContext) -> None:
    pick(qtbot, page, "1.001193")  # khai sinh: «Miễn lệ phí»
    fees = page.fees
    assert fees.chosen() is None and not fees.amount.isEnabled()
    type_text(qtbot, page.inputs["applicant_name"], "Trần Văn Cường")
    fees.method.setCurrentIndex(fees.method.findData(FeeMethod.DESK.value))
    type_text(qtbot, fees.amount, "5000")
    with qtbot.waitSignal(page.registered):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "Lưu ý: Danh mục ghi thủ tục này không thu phí, lệ phí" in page.status.text()


def test_the_dossier_page_records_a_fee_and_a_transfer_to_another_unit(
        qtbot: QtBot, window: MainWindow, context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    load_reference_catalogue(context.db)
    context.clock = lambda: NOW
    code = context.reception.register(NewDossier("1.012783", "Nguyễn Văn Ấn", home_commune="xã Hoằng Đạo")).code
    dialog = DossierDialog(context.reception, context.printing, code, window, attachments=context.attachments)
    qtbot.addWidget(dialog)
    assert "xã Hoằng Đạo (hồ sơ không phụ thuộc địa giới)" in dialog.summary.text()
    # each Alt+letter of the page once: the steps', the two new buttons' and the scanned files' tab's
    from PySide6.QtWidgets import QAbstractButton, QLabel

    texts = [widget.text() for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel)]
    letters = [text[text.index("&") + 1].lower() for text in texts if "&" in text.replace("&&", "")]
    assert len(letters) == len(set(letters)) and {"u", "p"} <= set(letters), letters

    def fill_and_save(fee_dialog: FeeDialog) -> None:
        fees = fee_dialog.fields
        fees.method.setCurrentIndex(fees.method.findData(FeeMethod.ONLINE.value))
        type_text(qtbot, fees.amount, "150.000")
        type_text(qtbot, fees.receipt, "TT-0042")
        qtbot.keyClick(fees.receipt, Qt.Key.Key_Return)  # Enter records it

    def ask(parent, reception, view):  # the real dialog, typed into as the officer does
        fee_dialog = FeeDialog(reception, view, parent)
        qtbot.addWidget(fee_dialog)
        assert fee_dialog.fields.chosen() is None  # «Theo quy định của HĐND tỉnh»: nothing offered
        fill_and_save(fee_dialog)
        return fee_dialog.recorded

    monkeypatch.setattr(FeeDialog, "ask", classmethod(lambda cls, *args: ask(*args)))
    assert dialog.record_fee()
    assert context.db.execute("SELECT fee_paid, fee_receipt, fee_method FROM dossier WHERE code = ?",
                              [code]).fetchone() == (150_000, "TT-0042", "online")
    assert "150.000 đồng, thanh toán trực tuyến, biên lai số TT-0042" in dialog.summary.text()

    offered: list[str] = []
    monkeypatch.setattr(TransferDialog, "ask", classmethod(lambda cls, parent, suggested: (
        offered.append(suggested), suggested)[1]))
    assert dialog.transfer_out_button.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.transfer_out_button, Qt.MouseButton.LeftButton)
    assert offered == ["UBND xã Hoằng Đạo"]  # the applicant's commune is offered
    assert context.db.execute("SELECT status, transferred_to FROM dossier WHERE code = ?", [code]).fetchone() == (
        "in_progress", "UBND xã Hoằng Đạo")
    assert not dialog.transfer_out_button.isVisibleTo(dialog)
    assert dialog.timeline.item(dialog.timeline.rowCount() - 1, 3).text() == "Chuyển UBND xã Hoằng Đạo giải quyết"


def test_a_wrong_fee_keeps_the_dialog_open_with_the_reason(qtbot: QtBot, window: MainWindow,
                                                           context: AppContext) -> None:
    load_reference_catalogue(context.db)
    context.clock = lambda: NOW
    code = context.reception.register(NewDossier(COPY, "Nguyễn Văn Ấn")).code
    fee_dialog = FeeDialog(context.reception, context.reception.get(code), window)
    qtbot.addWidget(fee_dialog)
    assert (fee_dialog.fields.chosen(), fee_dialog.fields.amount.text()) == (FeeMethod.DESK, "8.000")
    fee_dialog.fields.set_method(FeeMethod.EXEMPT)
    fee_dialog.save()
    assert fee_dialog.recorded is None and fee_dialog.errors["fee_exempt_reason"].isVisibleTo(fee_dialog)
    assert context.reception.get(code).dossier.fee_payment is None


def test_the_register_filter_shows_exactly_the_boundary_free_dossiers(qtbot: QtBot,
                                                                      demo_window: MainWindow) -> None:
    page = demo_window.show_page("register")
    assert isinstance(page, RegisterPage)
    db = demo_window.context.db
    for choice, column in ((BOUNDARY_FREE, "home_commune"), (TRANSFERRED, "transferred_to")):
        expected = {row[0] for row in db.execute(f"SELECT id FROM dossier WHERE {column} IS NOT NULL")}
        assert expected
        page.boundary.setCurrentIndex(page.boundary.findData(choice))
        while page.model.canFetchMore(page.model.index(-1, -1)):
            page.model.fetchMore(page.model.index(-1, -1))
        shown = {page.model.row_at(row).id for row in range(page.model.rowCount())}
        assert shown == expected
        wanted = f"{len(expected)} hồ sơ"
        qtbot.waitUntil(lambda wanted=wanted: page.count.text() == wanted)
    page.boundary.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.count.text() == "300 hồ sơ")


def test_the_catalogue_page_sets_a_procedures_fee(qtbot: QtBot, window: MainWindow, context: AppContext) -> None:
    load_reference_catalogue(context.db)
    page = window.show_page("catalogue")
    assert isinstance(page, CataloguePage)
    page.refresh()
    codes = [page.procedures.item(row, 0).text() for row in range(page.procedures.rowCount())]
    row = codes.index("1.012783")
    page.procedures.setCurrentCell(row, 1)
    assert page.fee_amount.text() == "" and page.procedures.item(row, 8).text() == "Theo quy định của HĐND tỉnh"
    type_text(qtbot, page.fee_amount, "abc")
    qtbot.keyClick(page.fee_amount, Qt.Key.Key_Return)
    assert page.fee_message.text().startswith("Chưa lưu: «abc» không phải là số đồng")
    replace_text(qtbot, page.fee_amount, "120000")
    page.online_payment.setChecked(True)
    qtbot.mouseClick(page.save_fee_button, Qt.MouseButton.LeftButton)
    assert page.fee_message.text() == "Đã lưu phí, lệ phí của thủ tục 1.012783: 120.000 đồng."
    assert context.db.execute("SELECT fee_amount, online_payment FROM procedure WHERE code = '1.012783'"
                              ).fetchone() == (120_000, 1)
    assert (page.procedures.item(row, 8).text(), page.procedures.item(row, 9).text()) == ("120.000 đồng", "Có")
    assert page.fee_amount.text() == "120.000"


def test_a_recorded_fee_is_read_back_into_the_fields(qtbot: QtBot, window: MainWindow) -> None:
    from ui.widgets.fee_fields import FeeFields
    from ui.widgets.field_errors import FieldErrors

    fields = FeeFields(FieldErrors())
    qtbot.addWidget(fields)
    payment = FeePayment(FeeMethod.EXEMPT, 4000, "12", "Hộ cận nghèo")
    fields.fill(payment)
    assert fields.payment() == payment
    fields.restore(fields.data())
    assert fields.payment() == payment
    fields.fill(None)
    assert fields.payment() is None and not fields.receipt.isEnabled()
