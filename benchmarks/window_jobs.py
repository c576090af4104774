"""``python -m benchmarks.window_jobs DB [ROWS]``: the window's long jobs of issue 19 on a real window (offscreen):
an import of ROWS dossier rows (100,000 by default) through Tệp › Nhập dữ liệu…, then the register's «Xuất Excel» of
every dossier, each timed, with the longest the window's event loop went without turning meanwhile (a 10 ms timer's
largest gap). DB is copied first (it is not changed). Prints one JSON line; ``benchmarks`` runs it as a child
process.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")



def _rows(path: Path, count: int) -> Path:
    """``count`` valid dossier rows with codes of their own, in our CSV contract."""
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã hồ sơ", "Mã thủ tục", "Chủ hồ sơ", "Số điện thoại", "Ngày tiếp nhận", "Trạng thái"])
        for n in range(count):
            writer.writerow([f"NHAP-{n:07d}", "1.004873", f"Nguyễn Văn {n}", "0912345678",
                             f"{1 + n % 28:02d}/05/2024 08:{n % 60:02d}", "Đã tiếp nhận"])
    return path


def _rows_written(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(1 for _row in book.worksheets[0].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QInputDialog

    from benchmarks.loop_gaps import LoopGaps
    from cchc_desktop.office import open_office
    from cchc_desktop.services.demo_data import DEMO_PASSWORD
    from ui import messages
    from ui.app import configure_application, release
    from ui.dialogs.import_dialog import ImportDialog
    from ui.main_window import MainWindow

    source, count = Path(argv[0]), int(argv[1]) if len(argv) > 1 else 100_000
    work = Path(tempfile.mkdtemp(prefix="cchc-jobs-"))
    try:
        path = work / "cchc.sqlite3"
        shutil.copyfile(source, path)
        rows = _rows(work / "nhap.csv", count)
        app = QApplication([])
        configure_application(app)
        office = open_office(path, user="quantri", password=DEMO_PASSWORD)
        loop = LoopGaps()
        window = MainWindow(office, start="register", remember=False)
        window.resize(1366, 768)
        window.show()
        app.processEvents()

        def job(action: object) -> tuple[float, float]:
            loop.restart()
            began = time.perf_counter()
            action()  # type: ignore[operator]
            spent = (time.perf_counter() - began) * 1000
            loop.stop()
            return spent, loop.largest()

        dialog = ImportDialog(office, window)
        dialog.path.setText(str(rows))
        dialog.load()
        import_ms, import_gap = job(dialog.run)
        imported = office.db.execute("SELECT count(*) FROM dossier WHERE code LIKE 'NHAP-%'").fetchone()[0]
        dialog.close()

        target = work / "danh-sach.xlsx"
        QInputDialog.getText = staticmethod(lambda *args, **kwargs: ("Đo thời gian xuất", True))  # type: ignore
        messages.choose_save_file = lambda *args: target  # type: ignore[assignment]
        messages.file_written = lambda *args: None  # type: ignore[assignment]
        page = window.current_page()
        page.search.setText("NHAP-")  # type: ignore[attr-defined]
        page.apply_filter()  # type: ignore[attr-defined]
        export_ms, export_gap = job(page.export_list)  # type: ignore[attr-defined]
        exported = _rows_written(target)
        release(window)
        office.close()
        print(json.dumps({"rows": count, "imported": imported, "import_ms": import_ms, "import_blocked_ms": import_gap,
                          "exported": exported, "export_bytes": target.stat().st_size, "export_ms": export_ms,
                          "export_blocked_ms": export_gap}))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
