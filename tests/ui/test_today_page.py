"""The Today page shows one tab per queue, titled with its count, each listing its dossiers."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QTableView

from ui.main_window import MainWindow
from ui.pages.today_page import TodayPage


def test_queues_with_counts(demo_window: MainWindow) -> None:
    page = demo_window.show_page("today")
    assert isinstance(page, TodayPage)
    page.context.clock = lambda: datetime(2024, 12, 27, 10, 0)
    page.refresh()
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert [t.split(" (")[0] for t in titles] == [
        "Quá hạn", "Đến hạn hôm nay", "Đến hạn trong 2 ngày làm việc tới", "Chờ bổ sung", "Đã có kết quả, chưa trả"]
    assert page.date_label.text() == "Ngày 27 tháng 12 năm 2024"
    for index, queue in enumerate(page.service.queues()):
        assert titles[index].endswith(f"({queue.count})")
        view = page.tabs.widget(index)
        assert isinstance(view, QTableView)
        assert view.model().rowCount() == min(queue.count, 200)
    assert sum(q.count for q in page.service.queues()) > 0


def test_the_morning_list_prints_every_queue(qtbot, demo_window: MainWindow, monkeypatch) -> None:
    from pathlib import Path

    from pypdf import PdfReader
    from PySide6.QtCore import Qt

    from ui import desktop

    page = demo_window.show_page("today")
    assert isinstance(page, TodayPage)
    page.context.clock = lambda: datetime(2024, 12, 27, 10, 0)
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].name == "viec-hom-nay-20241227.pdf"
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(opened[0]).pages)
    assert "DANH SÁCH VIỆC CẦN LÀM" in text
    for queue in page.service.queues():
        assert f"{queue.title} ({queue.count})" in text
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # the README's Ctrl+P: the same list
    assert len(opened) == 2 and opened[1] == opened[0]
