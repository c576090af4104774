"""A dossier's page: the steps offered are those its state allows; each click moves it and the timeline grows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.dossiers import DossierStatus, EventKind
from cchc_desktop.domain.papers import PaperKind
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from ui import desktop, messages
from ui.context import AppContext
from ui.dialogs import dossier_dialog
from ui.dialogs.dossier_dialog import DossierDialog


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 6, 4, 9, 30)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def dialog(qtbot: QtBot, context: AppContext, clock: Clock) -> DossierDialog:
    load_reference_catalogue(context.db)
    reception = ReceptionService(context.db, clock=clock)
    code = reception.register(NewDossier(procedure_code="1.000689", applicant_name="Đặng Thị Hồng",
                                         applicant_id="038199001234", phone="0912345678")).code
    shown = DossierDialog(reception, PrintingService(context.db, clock=clock), code)
    qtbot.addWidget(shown)
    shown.show()
    return shown


@pytest.fixture(autouse=True)
def _who_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    """«Trả kết quả» asks who collected the result: the applicant, in person (a test below types it)."""
    monkeypatch.setattr(dossier_dialog.ReturnDialog, "ask", classmethod(
        lambda cls, parent, applicant: f"Người nhận: {applicant} (Người nộp nhận trực tiếp)"))


def visible_steps(dialog: DossierDialog) -> set[EventKind]:
    return {event for event, button in dialog.step_buttons.items() if button.isVisible()}


def test_the_page_shows_full_numbers_and_only_allowed_steps(dialog: DossierDialog) -> None:
    text = dialog.summary.text()
    assert "038199001234" in text and "0912345678" in text  # in full on the dossier's own page
    assert "Đã tiếp nhận" in text
    assert visible_steps(dialog) == {EventKind.TRANSFERRED, EventKind.WITHDRAWN}
    assert dialog.timeline.rowCount() == 1
    assert dialog.timeline.item(0, 1).text() == "Tiếp nhận hồ sơ"


def test_the_whole_life_by_clicks(qtbot: QtBot, dialog: DossierDialog, clock: Clock,
                                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers = iter([("Bản sao Giấy chứng nhận kết hôn", None, "")])
    monkeypatch.setattr(dossier_dialog.ReasonDialog, "ask", classmethod(lambda cls, *a, **k: next(answers)))
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    for event, at in [
        (EventKind.TRANSFERRED, datetime(2024, 6, 4, 10, 0)),
        (EventKind.SUPPLEMENT_REQUESTED, datetime(2024, 6, 4, 14, 0)),
    ]:
        clock.now = at
        qtbot.mouseClick(dialog.step_buttons[event], Qt.MouseButton.LeftButton)
    assert dialog.view.status is DossierStatus.WAITING_SUPPLEMENT
    assert visible_steps(dialog) == {EventKind.SUPPLEMENT_RECEIVED, EventKind.WITHDRAWN}  # not late: no apology
    assert dialog.print_buttons[PaperKind.SUPPLEMENT].isVisible()
    qtbot.mouseClick(dialog.print_buttons[PaperKind.SUPPLEMENT], Qt.MouseButton.LeftButton)
    assert opened and opened[0].name.endswith("-mau02.pdf")
    assert dialog.print_buttons[PaperKind.SUPPLEMENT].text() == "In Phiếu yêu cầu bổ sung (Mẫu 02)"
    for event, at in [
        (EventKind.SUPPLEMENT_RECEIVED, datetime(2024, 6, 5, 8, 0)),
        (EventKind.RESULT_READY, datetime(2024, 6, 6, 9, 0)),
        (EventKind.RETURNED, datetime(2024, 6, 6, 15, 0)),
    ]:
        clock.now = at
        qtbot.mouseClick(dialog.step_buttons[event], Qt.MouseButton.LeftButton)
    assert dialog.view.status is DossierStatus.RETURNED
    assert visible_steps(dialog) == set()
    steps = [dialog.timeline.item(row, 1).text() for row in range(dialog.timeline.rowCount())]
    assert steps == ["Tiếp nhận hồ sơ", "Chuyển xử lý", "Yêu cầu bổ sung", "In phiếu", "Nhận hồ sơ bổ sung",
                     "Có kết quả", "Trả kết quả"]
    assert "Trước hạn" in dialog.summary.text() or "Đúng hạn" in dialog.summary.text()


def test_a_refused_step_shows_the_reason_and_changes_nothing(
    qtbot: QtBot, dialog: DossierDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, details="": shown.append(text))
    monkeypatch.setattr(dossier_dialog.ReasonDialog, "ask", classmethod(lambda cls, *a, **k: ("   ", None, "")))
    qtbot.mouseClick(dialog.step_buttons[EventKind.WITHDRAWN], Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and "lý do" in shown[0].lower()
    assert dialog.view.status is DossierStatus.RECEIVED
    assert dialog.timeline.rowCount() == 1


def test_cancelling_the_reason_does_nothing(qtbot: QtBot, dialog: DossierDialog,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dossier_dialog.ReasonDialog, "ask", classmethod(lambda cls, *a, **k: None))
    assert dialog.step(EventKind.WITHDRAWN) is False
    assert dialog.view.status is DossierStatus.RECEIVED


def test_the_register_opens_a_dossier(qtbot: QtBot, demo_window, monkeypatch: pytest.MonkeyPatch) -> None:
    page = demo_window.show_page("register")
    code = page.model.row_at(0).code
    dialog = page.dossier_dialog(code)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == f"Hồ sơ {code}"
    assert dialog.timeline.rowCount() >= 1


def test_an_apology_is_offered_only_when_late_or_nearly(
    qtbot: QtBot, dialog: DossierDialog, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not dialog.step_buttons[EventKind.APOLOGISED].isVisible()  # due Friday 07/06, now Tuesday
    clock.now = datetime(2024, 6, 7, 8, 0)
    dialog.show_view()
    assert dialog.step_buttons[EventKind.APOLOGISED].isVisible()
    monkeypatch.setattr(dossier_dialog.ReasonDialog, "ask", classmethod(
        lambda cls, *a, **k: ("Chờ xác minh của Công an xã", datetime(2024, 6, 11, 10, 0), "")))
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    qtbot.mouseClick(dialog.step_buttons[EventKind.APOLOGISED], Qt.MouseButton.LeftButton)
    assert "hẹn lại 11/06/2024 10:00" in dialog.summary.text()
    assert not dialog.step_buttons[EventKind.APOLOGISED].isVisible()  # once only
    qtbot.mouseClick(dialog.print_buttons[PaperKind.APOLOGY], Qt.MouseButton.LeftButton)
    assert opened and opened[0].name.endswith("-mau04.pdf")


def test_a_returned_dossier_invites_the_citizen_to_the_kiosk(qtbot: QtBot, context: AppContext,
                                                             clock: Clock) -> None:
    load_reference_catalogue(context.db)
    reception = ReceptionService(context.db, clock=clock)
    code = reception.register(NewDossier(procedure_code="1.000689", applicant_name="Đặng Thị Hồng")).code
    invited: list[str] = []
    shown = DossierDialog(reception, PrintingService(context.db, clock=clock), code, survey=invited.append)
    qtbot.addWidget(shown)
    shown.show()
    assert not shown.survey_button.isVisible()  # not before the result is handed over
    for event, at in [(EventKind.TRANSFERRED, datetime(2024, 6, 4, 10, 0)),
                      (EventKind.RESULT_READY, datetime(2024, 6, 5, 9, 0)),
                      (EventKind.RETURNED, datetime(2024, 6, 5, 15, 0))]:
        clock.now = at
        qtbot.mouseClick(shown.step_buttons[event], Qt.MouseButton.LeftButton)
    assert shown.survey_button.isVisible()
    qtbot.mouseClick(shown.survey_button, Qt.MouseButton.LeftButton)
    assert invited == [code]


# -- a dossier of the 2025 set (Thông tư 03/2025) ---------------------------------------------------------


@pytest.fixture
def dialog_2026(qtbot: QtBot, context: AppContext, clock: Clock) -> DossierDialog:
    load_reference_catalogue(context.db)
    clock.now = datetime(2026, 3, 10, 9, 30)  # a Tuesday; 1.000689 is due in 3 working days, Friday 13/03
    reception = ReceptionService(context.db, clock=clock)
    code = reception.register(NewDossier(procedure_code="1.000689", applicant_name="Lê Thị Thu",
                                         applicant_id="038199001234")).code
    shown = DossierDialog(reception, PrintingService(context.db, clock=clock), code)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_a_withdrawal_offers_the_stop_notice_and_prints_it(qtbot: QtBot, dialog_2026: DossierDialog,
                                                             clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = dialog_2026
    assert dialog.view.form_set == "TT03/2025"
    assert dialog.print_buttons[PaperKind.RECEIPT].text() == "In Giấy tiếp nhận (Mẫu 01)"
    assert not dialog.print_buttons[PaperKind.STOP].isVisible()
    assert dialog.print_buttons[PaperKind.CONTROL].text() == "In Phiếu kiểm soát (Mẫu 06)"  # 05 in the 2018 set
    monkeypatch.setattr(dossier_dialog.ReasonDialog, "ask", classmethod(
        lambda cls, *a, **k: ("Người nộp xin rút để bổ sung giấy tờ", None, "")))
    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text: asked.append(text) or True)
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    clock.now = datetime(2026, 3, 11, 8, 15)
    qtbot.mouseClick(dialog.step_buttons[EventKind.WITHDRAWN], Qt.MouseButton.LeftButton)
    assert dialog.view.status is DossierStatus.WITHDRAWN
    assert asked and "Mẫu 05" in asked[0]
    assert [path.name for path in opened] == [f"{dialog.code}-mau05.pdf"]
    assert dialog.print_buttons[PaperKind.STOP].isVisible()
    assert dialog.print_buttons[PaperKind.STOP].text() == "In Thông báo dừng giải quyết (Mẫu 05)"


def test_a_late_apology_asks_why_and_names_the_rule(qtbot: QtBot, dialog_2026: DossierDialog, clock: Clock,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = dialog_2026
    asked: list[dict] = []

    def ask(cls, parent, title, **kw):
        asked.append(kw)
        return ("Chờ ý kiến của cơ quan phối hợp", datetime(2026, 3, 17, 10, 0), "")

    monkeypatch.setattr(dossier_dialog.ReasonDialog, "ask", classmethod(ask))
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text, details="": shown.append(text))
    assert dialog.step_buttons[EventKind.APOLOGISED].isVisible()  # 2025 set: offered from the start
    clock.now = datetime(2026, 3, 13, 8, 0)  # the appointment's day: less than a working day is left
    dialog.show_view()
    qtbot.mouseClick(dialog.step_buttons[EventKind.APOLOGISED], Qt.MouseButton.LeftButton)
    assert "01 ngày làm việc" in asked[0]["late_rule"]
    assert shown and "Thông tư 03/2025" in shown[0] and "lý do lập muộn" in shown[0]  # no reason for lateness
    assert not dialog.view.apologies
    monkeypatch.setattr(dossier_dialog.ReasonDialog, "ask", classmethod(
        lambda cls, *a, **k: ("Chờ ý kiến của cơ quan phối hợp", datetime(2026, 3, 17, 10, 0),
                              "Cơ quan phối hợp trả lời muộn")))
    qtbot.mouseClick(dialog.step_buttons[EventKind.APOLOGISED], Qt.MouseButton.LeftButton)
    assert len(dialog.view.apologies) == 1
    assert dialog.view.events[-1].data["late_reason"] == "Cơ quan phối hợp trả lời muộn"


def test_the_late_reason_field_is_in_the_real_dialog(qtbot: QtBot) -> None:
    shown = dossier_dialog.ReasonDialog("Xin lỗi, hẹn lại ngày trả", with_date=datetime(2026, 3, 13, 17, 0),
                                        late_rule="Đã quá hạn lập phiếu xin lỗi")
    qtbot.addWidget(shown)
    assert shown.late is not None and shown.findChild(type(shown.late), "lateReason") is shown.late
    plain = dossier_dialog.ReasonDialog("Rút hồ sơ")
    qtbot.addWidget(plain)
    assert plain.late is None and plain.when is None


def test_the_steps_at_the_keyboard_and_the_return_asks_who_collected(
        qtbot: QtBot, dialog: DossierDialog, context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18: Enter pressed again in the dialog runs no step (no default button); each step has an Alt+letter;
    after a step the keyboard is on the timeline, not on a button; «Trả kết quả» asks who collected the result
    and how — cancelled, nothing changes; answered, the timeline says it."""
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.view.status is DossierStatus.RECEIVED and dialog.isVisible()
    letters = [button.text().split("&")[1][0].lower() for button in dialog.step_buttons.values()]
    assert all("&" in button.text() for button in dialog.step_buttons.values())
    assert len(set(letters)) == len(letters)  # one letter each
    dialog.activateWindow()
    qtbot.keyClick(dialog.step_buttons[EventKind.TRANSFERRED], Qt.Key.Key_Return)  # Enter on the tabbed-to step
    assert dialog.view.status is DossierStatus.IN_PROGRESS
    assert dialog.focusWidget() is dialog.timeline
    dialog.step(EventKind.RESULT_READY)
    monkeypatch.setattr(dossier_dialog.ReturnDialog, "ask", classmethod(lambda cls, parent, applicant: None))
    assert not dialog.step(EventKind.RETURNED)  # cancelled
    assert dialog.view.status is DossierStatus.RESULT_READY
    monkeypatch.setattr(dossier_dialog.ReturnDialog, "ask", classmethod(
        lambda cls, parent, applicant: "Người nhận: Lê Văn Ba (Người được ủy quyền nhận thay)"))
    assert dialog.step(EventKind.RETURNED)
    last = dialog.timeline.rowCount() - 1
    assert dialog.timeline.item(last, 1).text() == "Trả kết quả"
    assert dialog.timeline.item(last, 3).text() == "Người nhận: Lê Văn Ba (Người được ủy quyền nhận thay)"


def test_the_return_dialog_is_filled_with_the_applicant_and_refuses_no_name(qtbot: QtBot) -> None:
    asked = dossier_dialog.ReturnDialog("Đặng Thị Hồng")
    qtbot.addWidget(asked)
    assert asked.who.text() == "Đặng Thị Hồng" and asked.way.count() == 4
    assert asked.way.currentText() == "Người nộp nhận trực tiếp"


def test_the_last_step_is_undone_with_ctrl_z_for_ten_minutes(qtbot: QtBot, dialog: DossierDialog, clock: Clock,
                                                          context: AppContext) -> None:
    """Issue 18: after «Trả kết quả» the page offers to undo it until ten minutes after it was written; Ctrl+Z
    puts the dossier back (the step stays in the timeline, greyed and marked), and the offer goes with the step."""
    assert not dialog.undo_button.isVisible()  # nothing after the receipt
    for event in (EventKind.TRANSFERRED, EventKind.RESULT_READY, EventKind.RETURNED):
        clock.now = clock.now.replace(minute=clock.now.minute + 5)
        qtbot.mouseClick(dialog.step_buttons[event], Qt.MouseButton.LeftButton)
    assert dialog.view.status is DossierStatus.RETURNED
    assert dialog.undo_button.isVisible()
    assert dialog.undo_button.text() == "Hoàn tác «Trả kết quả» (Ctrl+Z, đến 09:55)"
    dialog.timeline.setFocus()
    qtbot.keyClick(dialog.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.status is DossierStatus.RESULT_READY
    row = context.db.execute("SELECT status, returned_at FROM dossier WHERE code = ?", [dialog.code]).fetchone()
    assert tuple(row) == ("result_ready", None)
    labels = [dialog.timeline.item(r, 1).text() for r in range(dialog.timeline.rowCount())]
    assert labels[-2:] == ["Trả kết quả (đã hoàn tác)", "Hoàn tác"]
    assert dialog.undo_button.isVisible()  # «Có kết quả» was written five minutes ago: it can go too
    assert visible_steps(dialog) >= {EventKind.RETURNED}
    clock.now = clock.now.replace(minute=clock.now.minute + 11)
    dialog.show_view()
    assert not dialog.undo_button.isVisible()


def test_an_undo_refused_is_said_and_changes_nothing(qtbot: QtBot, dialog: DossierDialog, clock: Clock,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text: said.append(text))
    qtbot.mouseClick(dialog.step_buttons[EventKind.TRANSFERRED], Qt.MouseButton.LeftButton)
    clock.now = clock.now.replace(hour=10)  # half an hour later, the page still open
    assert dialog.undo() is False
    assert said == ["Đã quá 10 phút kể từ khi ghi bước «Chuyển xử lý»: không hoàn tác được nữa."]
    assert dialog.view.status is DossierStatus.IN_PROGRESS
