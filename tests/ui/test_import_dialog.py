"""Tệp › Nhập dữ liệu… (issue 19), used as the reform officer would: Ctrl+I, the file's path typed, the columns of
a province system's export mapped once on the preview and remembered, the next export of that system read the same
way without asking; the bad rows listed and saved as a file; a 100,000-row import running off the window's thread
and «Hủy» leaving nothing written."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from tests.ui.jobs import cancel_when_shown
from tests.ui.keyboard import replace_text, type_text
from tests.unit.test_import_mappings import PROVINCE_HEADER, PROVINCE_MAPPING, province_export
from ui.dialogs.import_dialog import ImportDialog
from ui.main_window import MainWindow


def open_dialog(qtbot: QtBot, window: MainWindow) -> ImportDialog:
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def choose(qtbot: QtBot, dialog: ImportDialog, path: Path) -> None:
    replace_text(qtbot, dialog.path, str(path))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)


def map_columns(dialog: ImportDialog, mapping: dict[str, str]) -> None:
    assert dialog.preview is not None
    for position, header in enumerate(dialog.preview.header):
        combo = dialog.column_choice(position)
        combo.setCurrentIndex(combo.findData(mapping[header]))


def codes(window: MainWindow, prefix: str) -> int:
    return window.context.db.execute("SELECT count(*) FROM dossier WHERE code LIKE ?", [f"{prefix}%"]).fetchone()[0]


def test_a_province_export_is_mapped_once_then_read_again_without_asking(qtbot: QtBot, demo_window: MainWindow,
                                                                          tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, demo_window)
    assert dialog.kind.currentText() == "Hồ sơ thủ tục hành chính"
    choose(qtbot, dialog, province_export(tmp_path / "tinh-thang5.xlsx", 3))
    assert dialog.status.text().startswith("Tiêu đề cột của tệp khác với mẫu")
    assert "Còn thiếu cột bắt buộc: «Chủ hồ sơ», «Ngày tiếp nhận», «Mã thủ tục hoặc Tên thủ tục»" in \
        dialog.status.text()
    assert [dialog.table.horizontalHeaderItem(n).text() for n in range(8)] == PROVINCE_HEADER
    assert dialog.table.item(1, 3).text() == "Lê Thị Hoa 0"

    map_columns(dialog, PROVINCE_MAPPING)
    assert dialog.remember.isChecked() and "Còn thiếu" not in dialog.status.text()
    replace_text(qtbot, dialog.mapping_name, "Hệ thống một cửa tỉnh")
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Đã nhập 3 hồ sơ (0 bỏ qua vì trùng)."
    assert codes(demo_window, "TINH-") == 3
    saved = demo_window.context.mappings.saved(dialog.chosen_kind())
    assert [mapping.name for mapping in saved] == ["Hệ thống một cửa tỉnh"]

    # Next month's export of the same system, its columns in another order: read without asking.
    moved = [*PROVINCE_HEADER[4:], *PROVINCE_HEADER[:4]]
    next_month = province_export(tmp_path / "tinh-thang6.xlsx", 5, header=moved)
    book = openpyxl.load_workbook(next_month)
    for row in book.active.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("TINH-"):
                cell.value = cell.value.replace("TINH-", "TINH6-")
    book.save(next_month)
    choose(qtbot, dialog, next_month)
    assert dialog.status.text() == "Đọc các cột theo cách ghép cột đã lưu «Hệ thống một cửa tỉnh»."
    assert not dialog.remember.isChecked()
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Đã nhập 5 hồ sơ (0 bỏ qua vì trùng)."
    assert codes(demo_window, "TINH6-") == 5
    assert len(demo_window.context.mappings.saved(dialog.chosen_kind())) == 1


def test_bad_rows_are_listed_nothing_written_and_the_list_saved(qtbot: QtBot, demo_window: MainWindow,
                                                                 tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "hoso.csv"
    source.write_text("Mã hồ sơ,Mã thủ tục,Chủ hồ sơ,Ngày tiếp nhận\n"
                      "LOI-1,1.004873,Trần Văn Bình,03/06/2024 08:15\n"
                      "LOI-2,1.004873,,03/06/2024 08:20\n"
                      "LOI-3,9.999999,Phạm Thị Cúc,31/02/2024 08:30\n", encoding="utf-8")
    dialog = open_dialog(qtbot, demo_window)
    choose(qtbot, dialog, source)
    assert dialog.status.text() == "Đã nhận ra 4 cột."
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text().startswith("Không ghi dữ liệu nào: có 2 dòng lỗi")
    assert codes(demo_window, "LOI-") == 0
    assert dialog.errors.isVisible() and dialog.errors.rowCount() >= 2
    assert [dialog.errors.item(0, column).text() for column in range(2)] == ["3", "Chủ hồ sơ"]

    target = tmp_path / "loi.xlsx"
    monkeypatch.setattr("ui.messages.choose_save_file", lambda *args: target)
    written: list[Path] = []
    monkeypatch.setattr("ui.messages.file_written", lambda parent, title, text, path: written.append(path))
    qtbot.mouseClick(dialog.save_errors, Qt.MouseButton.LeftButton)
    assert written == [target]
    sheet = openpyxl.load_workbook(target).active
    assert [cell.value for cell in sheet[1]] == ["Dòng", "Cột", "Lý do"]
    assert sheet.max_row == dialog.errors.rowCount() + 1

    qtbot.mouseClick(dialog.skip_invalid, Qt.MouseButton.LeftButton)  # only the good rows, this time
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Đã nhập 1 hồ sơ (0 bỏ qua vì trùng). Bỏ qua 2 dòng lỗi (danh sách bên dưới)."
    assert codes(demo_window, "LOI-") == 1


def test_a_100000_row_import_runs_off_the_window_and_cancel_writes_nothing(
        qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    """The worker, once it has staged 20,000 rows, waits until the window has shown that report (a window whose
    event loop did not turn would never show it: the test would fail at the wait), «Hủy» is pressed in the window,
    and the worker stops at its next report: the staged rows discarded, no dossier written. A timer of the window
    ticked all along."""
    from tests.unit.test_staged_import import many

    source = many(tmp_path / "lon.csv", 100_000, codes=True)
    db = demo_window.context.db
    before = db.execute("SELECT count(*) FROM dossier").fetchone()[0]
    dialog = open_dialog(qtbot, demo_window)
    type_text(qtbot, dialog.path, str(source))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    assert dialog.run_button.isEnabled()

    cancelling = cancel_when_shown(monkeypatch, at=lambda done, total: bool(total) and done >= 20_000)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    try:
        assert dialog.run() is None
    finally:
        timer.stop()
    assert cancelling.shown.is_set() and set(cancelling.threads) == {"cchc-job"}
    assert cancelling.labels == ["Đang nhập hồ sơ thủ tục hành chính từ lon.csv…"]
    assert ticks, "the window's timer never fired while the import ran"
    assert dialog.status.text() == "Đã hủy nhập: chưa ghi dữ liệu nào."
    assert db.execute("SELECT count(*) FROM dossier").fetchone()[0] == before
    assert db.execute("SELECT count(*) FROM import_batch").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM import_chunk").fetchone()[0] == 0
    assert dialog.run_button.isEnabled()


def test_the_chair_cannot_import(qtbot: QtBot, demo_path: Path, qapp) -> None:
    from cchc_desktop.office import open_office
    from tests.conftest import DEMO_PASSWORD
    from ui.app import configure_application

    configure_application(qapp)
    office = open_office(demo_path, user="chutich", password=lambda: DEMO_PASSWORD)
    try:
        window = MainWindow(office)
        qtbot.addWidget(window)
        assert not window.import_action.isEnabled()
        dialog = ImportDialog(office, window)
        assert "không có quyền nhập dữ liệu" in dialog.status.text()
        from cchc_desktop.services.sessions import PermissionDenied

        with pytest.raises(PermissionDenied, match="không có quyền"):
            office.mappings.save(dialog.chosen_kind(), "x", {"a": "code"}, {"code": "Mã hồ sơ"}, ["a"])
    finally:
        office.close()


def test_a_file_of_many_bad_rows_lists_the_first_thousand_and_saves_them_all(
        qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "sai.csv"
    source.write_text("Mã hồ sơ,Mã thủ tục,Chủ hồ sơ,Ngày tiếp nhận\n" + "".join(
        f"SAI-{n},1.004873,,03/06/2024 08:15\n" for n in range(3_000)), encoding="utf-8")
    dialog = open_dialog(qtbot, demo_window)
    choose(qtbot, dialog, source)
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text().endswith("Bảng chỉ hiện 1.000 lỗi đầu; «Lưu danh sách lỗi» ghi đủ 3.000 lỗi.")
    assert dialog.errors.rowCount() == 1_000 and len(dialog.problems) == 3_000
    target = tmp_path / "loi.csv"
    monkeypatch.setattr("ui.messages.choose_save_file", lambda *args: target)
    monkeypatch.setattr("ui.messages.file_written", lambda *args: None)
    qtbot.mouseClick(dialog.save_errors, Qt.MouseButton.LeftButton)
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == 3_001
    assert codes(demo_window, "SAI-") == 0


def test_a_path_typed_anew_is_previewed_before_it_can_be_imported(qtbot: QtBot, demo_window: MainWindow,
                                                                   tmp_path: Path) -> None:
    """File A previewed, then B's path typed without Enter: «Nhập» waits (it would have read B with A's columns)."""
    dialog = open_dialog(qtbot, demo_window)
    choose(qtbot, dialog, province_export(tmp_path / "a.xlsx", 2))
    assert dialog.run_button.isEnabled()
    type_text(qtbot, dialog.path, "x")
    assert not dialog.run_button.isEnabled() and dialog.preview is None
    assert dialog.status.text() == "Nhấn Enter để xem trước tệp."


def test_a_wide_export_is_mapped_by_the_columns_it_reads(qtbot: QtBot, demo_window: MainWindow,
                                                         tmp_path: Path) -> None:
    """A province export of 300 columns, four of them ours: the mapping keeps the columns read (and none left unread
    that would be read by their own name), so it saves; the next file of that header is read without asking."""
    header = [f"Trường {n}" for n in range(296)] + ["Số biên nhận", "Người nộp hồ sơ", "Ngày nhận HS", "Mã TTHC"]
    source = tmp_path / "rong.csv"
    source.write_text(",".join(header) + "\n" + ",".join(["x"] * 296 + ["RONG-1", "Lê Văn Tám", "01/05/2024 08:00",
                                                                      "1.004873"]) + "\n", encoding="utf-8")
    dialog = open_dialog(qtbot, demo_window)
    choose(qtbot, dialog, source)
    map_columns(dialog, {**dict.fromkeys(header, ""), "Số biên nhận": "code", "Người nộp hồ sơ": "applicant_name",
                         "Ngày nhận HS": "received_at", "Mã TTHC": "procedure_code"})
    assert dialog.mapping() == {"Số biên nhận": "code", "Người nộp hồ sơ": "applicant_name",
                                "Ngày nhận HS": "received_at", "Mã TTHC": "procedure_code"}
    replace_text(qtbot, dialog.mapping_name, "Tỉnh, bản rộng")
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Đã nhập 1 hồ sơ (0 bỏ qua vì trùng)."
    choose(qtbot, dialog, source)
    assert dialog.status.text() == "Đọc các cột theo cách ghép cột đã lưu «Tỉnh, bản rộng»."
