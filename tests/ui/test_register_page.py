"""The register page on a demo database: lazy model, typed search, filters, SQL sorting."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.dossiers import DossierStatus
from cchc_desktop.services.register import RegisterFilter, RegisterService
from cchc_desktop.text import fold
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.dossier_table import RAW_ROLE, DossierTableModel
from ui.pages.register_page import RegisterPage
from ui.widgets.dossier_table_view import RowNumbers

# On a SQLite file and on a PostgreSQL server's database (issue 22: a few window tests on the server).
pytestmark = pytest.mark.backends


def test_the_model_passes_qt_model_tester(qtmodeltester, demo_context: AppContext) -> None:
    model = DossierTableModel(RegisterService(demo_context.db), page_size=40)
    qtmodeltester.check(model)


def test_the_model_loads_one_page_at_a_time(demo_context: AppContext) -> None:
    model = DossierTableModel(RegisterService(demo_context.db), page_size=50)
    assert model.rowCount() == 50
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 100
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 300
    assert len({model.row_at(i).id for i in range(300)}) == 300


def test_phone_and_id_numbers_are_masked_in_the_list(demo_context: AppContext) -> None:
    model = DossierTableModel(RegisterService(demo_context.db))
    for row in range(model.rowCount()):
        raw = model.index(row, 0).data(RAW_ROLE)
        if raw.phone:
            shown = model.index(row, 7).data()
            assert shown.endswith(raw.phone[-3:]) and raw.phone not in shown
            assert set(shown[:-3]) == {"•"}
            return
    raise AssertionError("the demo has phones")


def register(window: MainWindow) -> RegisterPage:
    page = window.show_page("register")
    assert isinstance(page, RegisterPage)
    return page


def test_the_count_is_made_off_the_windows_thread_and_the_list_does_not_wait_for_it(
        qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """The filter's count runs on the counting thread with its own connection: while it is held back the list
    is already filled and the label says «Đang đếm…»; then the number arrives."""
    page = register(demo_window)
    qtbot.waitUntil(page.settled)
    release, threads, connections = threading.Event(), [], []
    counted = RegisterService.count

    def held_count(service: RegisterService, wanted: RegisterFilter) -> int:
        threads.append(threading.current_thread())
        connections.append(service.db)
        assert release.wait(30)
        return counted(service, wanted)

    monkeypatch.setattr(RegisterService, "count", held_count)
    page.status.setCurrentIndex(page.status.findData(DossierStatus.RETURNED.value))
    qtbot.waitUntil(lambda: bool(threads))
    assert page.count.text() == "Đang đếm…" and not page.settled()
    assert page.model.rowCount() and all(page.model.row_at(row).status is DossierStatus.RETURNED
                                         for row in range(page.model.rowCount()))
    release.set()
    expected = counted(RegisterService(demo_window.context.db), page.model.filter)
    qtbot.waitUntil(lambda: page.count.text() == f"{expected} hồ sơ")
    assert threads[0] is not threading.main_thread() and connections[0] is not demo_window.context.db


def test_typing_a_name_without_diacritics_finds_it(qtbot: QtBot, demo_window: MainWindow) -> None:
    page = register(demo_window)
    assert page.model.rowCount() == 200
    qtbot.waitUntil(lambda: page.count.text() == "300 hồ sơ")
    target = page.model.row_at(17)
    type_text(qtbot, page.search, target.applicant_name.upper())
    qtbot.waitUntil(lambda: page.model.filter.text == page.search.text(), timeout=2000)
    found = [page.model.row_at(i) for i in range(page.model.rowCount())]
    assert target.id in [row.id for row in found]
    qtbot.waitUntil(lambda: page.count.text() == f"{len(found)} hồ sơ")


def test_the_row_numbers_are_as_wide_as_qt_measures_every_row(qtbot: QtBot, demo_window: MainWindow) -> None:
    """The row numbers' header measures only its first and last numbers; its width is the one Qt's own header
    measures from every row of the same model, in the same style and font: a page of 200 rows, a search down to
    a few (one digit), and all 300 fetched."""
    page = register(demo_window)
    numbers = page.table.verticalHeader()
    assert isinstance(numbers, RowNumbers)
    qts = QHeaderView(Qt.Orientation.Vertical, page.table)
    qts.setModel(page.model)

    def same() -> None:
        assert numbers.count() == qts.count() == page.model.rowCount()
        assert numbers.sizeHint() == qts.sizeHint()
        assert numbers.sizeHint().width() > 0

    same()
    wide = numbers.sizeHint().width()
    target = page.model.row_at(17)
    type_text(qtbot, page.search, target.code)
    qtbot.waitUntil(lambda: page.model.filter.text == page.search.text(), timeout=2000)
    assert 0 < page.model.rowCount() < 10
    same()
    assert numbers.sizeHint().width() < wide  # one digit: narrower than «200»
    page.search.clear()
    page.apply_filter()
    while page.model.canFetchMore(QModelIndex()):
        page.model.fetchMore(QModelIndex())
    assert page.model.rowCount() == 300
    same()


def test_a_page_left_before_its_search_ran_stops_the_timer(qtbot: QtBot, demo_window: MainWindow) -> None:
    """Letters typed in the search, then Ctrl+2 before the 300 ms wait ran out: the register's timer is stopped
    with the page hidden (a late timer must not read a database the window may have closed meanwhile); back on
    the register, the list is still the unfiltered one."""
    page = register(demo_window)
    type_text(qtbot, page.search, "nguyen")
    assert page.debounce.isActive()
    qtbot.keyClick(demo_window, "2", Qt.KeyboardModifier.ControlModifier)
    assert demo_window.current_page().name == "reception" and not page.isVisible()
    assert not page.debounce.isActive()
    qtbot.keyClick(demo_window, "3", Qt.KeyboardModifier.ControlModifier)
    assert page.model.filter.text == "" and page.model.rowCount() == 200


def test_typing_vietnamese_finds_the_same_as_plain_letters(qtbot: QtBot, demo_window: MainWindow) -> None:
    page = register(demo_window)
    type_text(qtbot, page.search, "Đặng")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    with_marks = {page.model.row_at(i).id for i in range(page.model.rowCount())}
    page.search.clear()
    type_text(qtbot, page.search, "dang")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    plain = {page.model.row_at(i).id for i in range(page.model.rowCount())}
    assert with_marks == plain and with_marks
    assert any("Đặng" in page.model.row_at(i).applicant_name for i in range(page.model.rowCount()))
    assert all(any(word.startswith("dang") for word in fold(page.model.row_at(i).applicant_name).split())
               for i in range(page.model.rowCount()))


def test_status_filter_and_header_sort(qtbot: QtBot, demo_window: MainWindow) -> None:
    page = register(demo_window)
    page.status.setCurrentIndex(page.status.findData(DossierStatus.WAITING_SUPPLEMENT.value))
    rows = [page.model.row_at(i) for i in range(page.model.rowCount())]
    assert rows and all(row.status is DossierStatus.WAITING_SUPPLEMENT for row in rows)
    page.status.setCurrentIndex(0)
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(0) + 5, 5))
    codes = [page.model.row_at(i).code for i in range(page.model.rowCount())]
    assert codes == sorted(codes) or codes == sorted(codes, reverse=True)
    assert page.model.filter.sort.value == "code"


def test_the_ledger_is_printed_for_the_chosen_dates(qtbot: QtBot, demo_window: MainWindow, monkeypatch) -> None:
    from datetime import date
    from pathlib import Path

    from pypdf import PdfReader

    from ui import desktop
    from ui.dialogs.period_dialog import PeriodDialog

    page = register(demo_window)
    monkeypatch.setattr(PeriodDialog, "ask", classmethod(lambda cls, *a: (date(2024, 3, 1), date(2024, 3, 31))))
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    qtbot.mouseClick(page.ledger_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].name == "so-theo-doi-20240301-20240331.pdf"
    text = " ".join((p.extract_text() or "") for p in PdfReader(opened[0]).pages)
    assert "Từ ngày 01/03/2024 đến ngày 31/03/2024" in " ".join(text.split())


def test_the_filtered_list_is_exported_to_excel(qtbot: QtBot, demo_window: MainWindow, monkeypatch,
                                                tmp_path) -> None:
    from pathlib import Path

    from openpyxl import load_workbook

    from ui import desktop

    page = register(demo_window)
    page.status.setCurrentIndex(page.status.findData(DossierStatus.WAITING_SUPPLEMENT.value))
    expected = [page.model.row_at(i) for i in range(page.model.rowCount())]
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    monkeypatch.setattr("ui.messages.error", lambda parent, text, details="": pytest.fail(text))
    from PySide6.QtWidgets import QInputDialog

    answers = iter([("", False), ("Cung cấp cho Công an xã theo Công văn 15/CAX", True),
                     ("Cung cấp cho Công an xã theo Công văn 15/CAX", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: next(answers))
    asked: list[Path] = []
    monkeypatch.setattr("ui.messages.choose_save_file", lambda parent, title, suggested, filters: (
        asked.append(suggested), tmp_path / "cho-bo-sung")[1])  # no extension typed: .xlsx is added
    monkeypatch.setattr("ui.messages.file_written", lambda parent, title, text, path: opened.append(path))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert opened == [] and asked == []  # no reason given: nothing asked, nothing exported
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert opened == [tmp_path / "cho-bo-sung.xlsx"] and opened[0].exists()
    assert asked[0].name.startswith("danh-sach-ho-so-")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)  # the next one is offered where this went
    assert asked[1].parent == tmp_path
    logged = demo_window.context.db.execute(
        "SELECT after FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert "Công văn 15/CAX" in logged and opened[0].name in logged
    book = load_workbook(opened[0], read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0][:4] == ("Mã hồ sơ", "Chủ hồ sơ", "Trạng thái", "Ngày hẹn trả")
    assert [r[0] for r in rows[1:]] == [row.code for row in expected]
    assert all(r[2] == "Chờ bổ sung" for r in rows[1:])
    phones = [r[7] for r in rows[1:] if r[7]]
    assert phones and all(p.startswith("•") for p in phones)  # personal numbers stay masked


def test_late_dossiers_are_red_and_the_appointment_column_still_sorts(qtbot: QtBot, demo_window: MainWindow,
                                                                     demo_context: AppContext) -> None:
    """Issue 18: status and appointment beside the name; a dossier past its appointment has a red chip before
    its status and its date in red; a click on «Ngày hẹn trả», now the fourth column, sorts by it in SQL."""
    from datetime import datetime

    from PySide6.QtGui import QColor

    from ui.models.dossier_table import COLUMNS, LATE

    demo_context.clock = lambda: datetime(2025, 1, 15, 9, 0)  # after the demo year: open dossiers are late
    page = register(demo_window)
    page.refresh()
    model = page.model
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert headers[:4] == ["Mã hồ sơ", "Chủ hồ sơ", "Trạng thái", "Ngày hẹn trả"]
    status, due = (next(i for i, (key, _h) in enumerate(COLUMNS) if key == name) for name in ("status", "due_at"))
    rows = [model.row_at(row) for row in range(model.rowCount())]
    late = [row for row, listed in enumerate(rows) if listed.overdue_days is not None]
    on_time = [row for row, listed in enumerate(rows) if listed.overdue_days is None]
    assert late and on_time
    index = model.index(late[0], status)
    assert model.data(index, Qt.ItemDataRole.DecorationRole) == LATE == QColor("#b91c1c")
    assert "quá hạn" in model.data(model.index(late[0], due), Qt.ItemDataRole.DisplayRole)
    assert model.data(model.index(on_time[0], status), Qt.ItemDataRole.DecorationRole) is None
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(due) + 5, header.height() // 2))
    assert model.filter.sort.value == "due_at"


def test_numbers_line_up_on_the_right_in_filled_tables(qtbot: QtBot) -> None:
    from ui.widgets.tables import fill, read_only_table

    table = read_only_table(("Chỉ tiêu", "Số liệu", "Số TT"), "figures")
    qtbot.addWidget(table)
    fill(table, [("Hồ sơ", "1.648", "3.3.1"), ("Tỷ lệ", "99,2%", "3.3.2"), ("Không có", "—", "x")])
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert all(table.item(row, 1).textAlignment() == right for row in range(3))
    assert table.item(0, 0).textAlignment() != right and table.item(0, 2).textAlignment() != right


def test_the_export_runs_off_the_window_and_cancel_writes_nothing(qtbot: QtBot, demo_window: MainWindow, monkeypatch,
                                                                  tmp_path) -> None:
    """Issue 19: the list is written on a thread of its own while the window shows its progress: the worker waits
    at its first report until the window has shown it (a window that did not turn would never show it: the test
    would hang), then «Hủy» is pressed there; the worker stops at its next report: no file, no audit entry."""
    import threading

    from PySide6.QtWidgets import QInputDialog

    from cchc_desktop.services import exports
    from tests.ui.jobs import cancel_when_shown

    page = register(demo_window)
    db = demo_window.context.db
    entries = db.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0]
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Đối chiếu với Công an xã", True))
    folder = tmp_path / "xuat"
    folder.mkdir()
    target = folder / "huy.csv"
    monkeypatch.setattr("ui.messages.choose_save_file", lambda *args: target)
    monkeypatch.setattr("ui.messages.error", lambda parent, text, details="": pytest.fail(text))
    monkeypatch.setattr("ui.messages.file_written", lambda *args: pytest.fail("written despite «Hủy»"))
    cancelling = cancel_when_shown(monkeypatch)
    cancelling.while_shown = lambda job: assert_off(page)  # one list at a time
    workers: list[str] = []
    writing = exports.write_list

    def recorded(db_, path, wanted, *, progress, **kwargs):
        workers.append(threading.current_thread().name)
        return writing(db_, path, wanted, progress=progress, **kwargs)

    monkeypatch.setattr(exports, "write_list", recorded)
    assert page.export_list() is None
    assert workers == ["cchc-job"] and cancelling.shown.is_set()
    assert not list(folder.iterdir())  # no file, no temporary file left
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0] == entries
    assert page.count.text() == "Đã hủy xuất danh sách: chưa ghi tệp nào."
    assert page.export_button.isEnabled()


def assert_off(page) -> None:
    assert not page.export_button.isEnabled()
