"""Khảo sát hài lòng as the desk keys paper forms in: digits only, each moving on, Enter saving; the date
and method carried over; bad input named beside its field with nothing saved."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.surveys import SurveyMethod
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.surveys_page import SurveysPage

NOW = datetime(2024, 6, 4, 9, 30)


@pytest.fixture
def page(window: MainWindow, context: AppContext) -> SurveysPage:
    shown = window.show_page("surveys")
    assert isinstance(shown, SurveysPage)
    context.clock = lambda: NOW
    shown.taken_on.set_day(NOW.date())
    shown.build_form()
    return shown


def key_digits(qtbot: QtBot, digits: str) -> None:
    """Type digits where the focus is, as a typist does: each digit moves the focus on."""
    for digit in digits:
        qtbot.keyClick(QApplication.focusWidget(), digit)


def surveys(context: AppContext) -> list[tuple]:
    return context.db.execute(
        "SELECT taken_on, method, overall, dossier_id, comment FROM survey ORDER BY id").fetchall()


def test_a_paper_form_is_keyed_with_digits_and_enter(qtbot: QtBot, page: SurveysPage, context: AppContext) -> None:
    criteria = len(page.criteria)
    assert criteria == 22 and len(page.boxes) == 22
    page.method.setCurrentIndex(page.method.findData(SurveyMethod.PAPER.value))
    page.overall.setFocus()
    key_digits(qtbot, "4" + "5" * 10 + "3" * 12)
    assert QApplication.focusWidget() is page.comment  # the last digit moved on to the comment
    type_text(qtbot, page.comment, "Cán bộ nhiệt tình")
    qtbot.keyClick(page.comment, Qt.Key.Key_Return)

    assert surveys(context) == [("2024-06-04", "paper", 4, None, "Cán bộ nhiệt tình")]
    scores = [row[0] for row in context.db.execute("SELECT score FROM survey_answer ORDER BY criterion_id")]
    assert scores == [5] * 10 + [3] * 12
    assert page.status.text().startswith("Đã lưu phiếu số 1 ngày 04/06/2024")
    # ready for the next form: scores cleared, date and method kept, the focus on the first box
    assert page.overall.text() == "" and all(box.text() == "" for box in page.boxes.values())
    assert page.taken_on.day() == date(2024, 6, 4) and page.method.currentData() == "paper"
    assert QApplication.focusWidget() is page.overall
    key_digits(qtbot, "5")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # a form with only the overall rating
    assert [row[2] for row in surveys(context)] == [4, 5]
    assert page.recent.rowCount() == 2 and page.recent.item(0, 2).text() == "5"


def test_backspace_in_an_empty_box_goes_back(qtbot: QtBot, page: SurveysPage) -> None:
    page.overall.setFocus()
    key_digits(qtbot, "45")
    second = page.boxes[page.criteria[1].code]
    assert QApplication.focusWidget() is second
    qtbot.keyClick(second, Qt.Key.Key_Backspace)
    assert QApplication.focusWidget() is page.boxes[page.criteria[0].code]


def test_bad_input_is_named_and_nothing_saved(qtbot: QtBot, page: SurveysPage, context: AppContext) -> None:
    page.taken_on.setText("05/06/2024")  # tomorrow
    type_text(qtbot, page.dossier, "000.21.31.H56-999999-0001")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["taken_on"].text() == "Ngày khảo sát 05/06/2024 ở tương lai."
    assert page.errors["overall"].text().startswith("Hãy chọn mức độ hài lòng chung")
    assert "000.21.31.H56-999999-0001" in page.errors["dossier_code"].text()
    assert surveys(context) == []
    page.taken_on.setText("31/02/2024")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["taken_on"].text().startswith("Ngày «31/02/2024» không hợp lệ")
    assert surveys(context) == []


def test_the_dossier_code_is_offered_as_typed(qtbot: QtBot, demo_window: MainWindow,
                                              demo_context: AppContext) -> None:
    page = demo_window.show_page("surveys")
    assert isinstance(page, SurveysPage)
    code = demo_context.db.execute("SELECT code FROM dossier ORDER BY id DESC LIMIT 1").fetchone()[0]
    type_text(qtbot, page.dossier, code[:-2])
    assert code in page.completions.stringList()


def test_the_figures_of_a_period(qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext) -> None:
    from cchc_desktop.domain.periods import parse_period
    from cchc_desktop.services.statistics import StatisticsService

    page = demo_window.show_page("surveys")
    assert isinstance(page, SurveysPage)
    page.tabs.setCurrentIndex(1)
    page.figures.picker.select("2024-Q2")
    statistics = StatisticsService(demo_context.db).figures(period=parse_period("2024-Q2")).surveys
    assert page.figures.summary.text().startswith(f"Quý II năm 2024: {statistics.responses} phiếu")
    averages = [float(page.figures.criteria.item(row, 3).text().replace(",", "."))
                for row in range(page.figures.criteria.rowCount())]
    assert averages == sorted(averages) and len(averages) == 22  # the lowest-rated first
    assert page.figures.months.rowCount() == 3
    by_field = sum(int(page.figures.fields.item(row, 1).text()) for row in range(page.figures.fields.rowCount()))
    by_officer = sum(int(page.figures.officers.item(row, 1).text())
                     for row in range(page.figures.officers.rowCount()))
    assert by_field == by_officer == statistics.responses


def test_the_questionnaire_is_edited_and_the_form_follows(qtbot: QtBot, page: SurveysPage, context: AppContext,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs.criterion_dialog import CriterionDialog

    editor = page.questionnaire
    page.tabs.setCurrentIndex(2)
    assert editor.table.rowCount() == 22

    def add(parent, service, criterion=None):
        dialog = CriterionDialog(service, criterion)
        qtbot.addWidget(dialog)
        dialog.aspect.setValue(3)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no wording: refused
        assert dialog.saved is None and dialog.errors["text"].text()
        type_text(qtbot, dialog.text, "Công chức đeo thẻ khi làm việc")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.saved

    monkeypatch.setattr(CriterionDialog, "ask", add)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    added = editor.current()
    assert added is not None and added.code == "3.7" and added.text == "Công chức đeo thẻ khi làm việc"
    assert len(page.boxes) == 23 and "3.7" in page.boxes  # the entry form has its box

    editor.table.selectRow(0)
    first = editor.current()
    qtbot.mouseClick(editor.toggle_button, Qt.MouseButton.LeftButton)
    assert editor.table.item(0, 4).text() == "Không"
    assert first is not None and first.code not in page.boxes and len(page.boxes) == 22
