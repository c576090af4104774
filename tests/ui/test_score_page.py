"""«Chỉ số 766» as the chair uses it: the figures shown are the service's, the period selector recounts, and
Enter on a suggestion lists the records behind it."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.periods import parse_period
from cchc_desktop.services.record_lists import Records
from cchc_desktop.services.score766 import Score766Service, change_line, coverage_line, headline, points_text
from ui.context import AppContext
from ui.dialogs.records_dialog import RecordsDialog
from ui.main_window import MainWindow
from ui.pages.score_page import ScorePage

TODAY = datetime(2026, 11, 23, 9, 0)


def score_page(qtbot: QtBot, window: MainWindow, context: AppContext, key: str) -> ScorePage:
    context.clock = lambda: TODAY
    page = window.show_page("score")
    assert isinstance(page, ScorePage)
    qtbot.waitUntil(page.settled)
    page.select(key)
    qtbot.waitUntil(lambda: page.settled() and page.view is not None and page.view.period.key == key)
    return page


def test_the_page_shows_the_service_figures_and_lists_the_records_of_a_suggestion(
        qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    page = score_page(qtbot, demo_window, demo_context, "2024")
    expected = Score766Service(demo_context.db, clock=lambda: TODAY).build(parse_period("2024"))
    assert page.total.text() == headline(expected) and "/" in page.total.text()
    assert page.coverage.text() == coverage_line(expected)
    assert page.change.text() == change_line(expected)
    assert page.findChild(QLabel, "pageTitle").text() == "Chỉ số 766"

    tree = page.tree
    assert tree.topLevelItemCount() == 6
    for row, group in enumerate(expected.score.groups):
        item = tree.topLevelItem(row)
        assert item.text(0) == f"{row + 1}. {group.definition.name}"
        assert item.text(3).startswith(points_text(group.points))
        assert item.childCount() == len(group.indicators)
        for child_row, indicator in enumerate(group.indicators):
            child = item.child(child_row)
            assert child.text(2) == indicator.base
            assert child.text(3).startswith(points_text(indicator.points))
    progress = tree.topLevelItem(1).child(0)
    measured = expected.measures["on_time"]
    assert progress.text(2) == f"{measured.part:,}/{measured.whole:,} hồ sơ".replace(",", ".")
    assert tree.topLevelItem(0).child(0).text(1) == "—"  # not in the commune's records: «—», not 0%

    texts = [page.suggestions.item(row).text() for row in range(page.suggestions.count())]
    assert texts == [f"{rank}. {s.text}" for rank, s in enumerate(expected.suggestions, start=1)]
    assert texts and "Lưu ý: Cách quy đổi tỷ lệ ra điểm chưa được công bố chính thức" in page.note.text()

    shown: list[Records] = []
    monkeypatch.setattr(RecordsDialog, "show_records", lambda parent, records: shown.append(records))
    first = expected.suggestions[0]
    page.suggestions.setFocus()
    page.suggestions.setCurrentRow(0)
    qtbot.keyClick(page.suggestions, Qt.Key.Key_Return)
    assert len(shown) == 1
    assert shown[0] == page.service.records(expected, first.key)
    assert len(shown[0].rows) == min(first.count, 1000) and shown[0].rows


def test_the_period_selector_recounts(qtbot: QtBot, demo_window: MainWindow, demo_context: AppContext) -> None:
    page = score_page(qtbot, demo_window, demo_context, "2024")
    year_total = page.total.text()
    page.picker.period.setCurrentIndex(page.picker.period.findData("2024-Q2"))
    qtbot.waitUntil(lambda: page.settled() and page.view.period.key == "2024-Q2")
    expected = Score766Service(demo_context.db, clock=lambda: TODAY).build(parse_period("2024-Q2"))
    assert page.cutoff.text() == ("Quý II năm 2024: số liệu tính đến hết ngày 30/06/2024. "
                                  "So sánh với kỳ trước: Quý I năm 2024.")
    assert page.total.text() == headline(expected) and page.change.text() == change_line(expected)
    assert page.view.measures == expected.measures
    assert year_total  # both periods were shown


def test_an_empty_database_shows_dashes_not_errors(qtbot: QtBot, window: MainWindow, context: AppContext) -> None:
    page = score_page(qtbot, window, context, "2026")
    assert page.total.text() == "—"
    assert page.coverage.text() == "Chưa tính được chỉ tiêu nào: chưa có hồ sơ, phiếu khảo sát trong kỳ."
    assert page.suggestions.count() == 0 and page.empty.isVisibleTo(page)
    assert all(page.tree.topLevelItem(row).text(3) == "—" for row in range(page.tree.topLevelItemCount()))
