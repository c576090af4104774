"""Printing a form: through Qt's print dialog where a printer exists (here a PDF-file printer stands in
for the office printer), and into the PDF viewer where none does."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlite_utils import Database

from cchc_desktop.domain.papers import PaperKind
from cchc_desktop.reports import raster
from cchc_desktop.services.printing import PrintingService
from ui import desktop, paper
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.register_page import RegisterPage

NOW = datetime(2024, 12, 31, 16, 0)


def file_printer(target: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    return printer


def first_code(db: Database) -> str:
    return db.execute("SELECT code FROM dossier ORDER BY id LIMIT 1").fetchone()[0]


def receipt(db: Database, target: Path) -> Path:
    PrintingService(db, clock=lambda: NOW).print_paper(first_code(db), PaperKind.RECEIPT, target)
    return target


def ink(page: raster.PageRaster) -> int:
    """Dark pixels on the page: a blank sheet has none."""
    return sum(1 for value in page.pixels if value < 128)


def test_a_form_is_rasterised_page_by_page_with_ink_on_it(demo_context: AppContext, tmp_path: Path) -> None:
    pdf = receipt(demo_context.db, tmp_path / "mau01.pdf")
    pages = list(raster.rasterise(pdf, dpi=50))
    assert len(pages) == raster.page_count(pdf) == len(PdfReader(pdf).pages)
    a4_width = round(595.3 / 72 * 50)
    assert all(abs(page.width - a4_width) <= 1 and not page.landscape for page in pages)
    assert all(ink(page) > 1000 for page in pages)


def test_the_pages_go_to_the_printer_in_their_own_orientation(demo_context: AppContext, tmp_path: Path) -> None:
    ledger = tmp_path / "so.pdf"
    PrintingService(demo_context.db).ledger(first=date(2024, 1, 1), last=date(2024, 3, 31), target=ledger)
    pages = raster.page_count(ledger)
    assert pages >= 2

    out = tmp_path / "printed.pdf"
    assert paper.print_pdf(file_printer(out), ledger) == pages
    printed = PdfReader(out).pages
    assert len(printed) == pages
    box = printed[0].mediabox
    assert float(box.width) > float(box.height)  # Mẫu 06 is landscape, and so is the sheet


def test_the_page_range_chosen_in_the_dialog_is_respected(demo_context: AppContext, tmp_path: Path) -> None:
    ledger = tmp_path / "so.pdf"
    PrintingService(demo_context.db).ledger(first=date(2024, 1, 1), last=date(2024, 12, 31), target=ledger)
    assert raster.page_count(ledger) >= 3
    printer = file_printer(tmp_path / "printed.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert paper.print_pdf(printer, ledger) == 2
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 2


def test_with_a_printer_the_ledger_goes_through_the_print_dialog(
        qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, int]] = []
    out = tmp_path / "printed.pdf"

    def ask(parent, *, title: str, pages: int) -> QPrinter:
        asked.append((title, pages))
        return file_printer(out)

    opened: list[Path] = []
    monkeypatch.setattr(paper, "printer_names", lambda: ["Canon LBP2900"])
    monkeypatch.setattr(paper, "ask_printer", ask)
    monkeypatch.setattr(desktop, "open_file", opened.append)
    page = demo_window.show_page("register")
    assert isinstance(page, RegisterPage)
    monkeypatch.setattr("ui.pages.register_page.PeriodDialog.ask",
                        lambda *args: (date(2024, 1, 1), date(2024, 1, 31)))
    qtbot.mouseClick(page.ledger_button, Qt.MouseButton.LeftButton)
    assert opened == []  # printed, not shown
    assert asked and asked[0][0] == "Sổ theo dõi hồ sơ"
    assert len(PdfReader(out).pages) == asked[0][1]


def test_a_cancelled_print_dialog_prints_nothing(demo_context: AppContext, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(paper, "printer_names", lambda: ["Canon LBP2900"])
    monkeypatch.setattr(paper, "ask_printer", lambda parent, **kwargs: None)
    monkeypatch.setattr(desktop, "open_file", opened.append)
    pdf = receipt(demo_context.db, tmp_path / "mau01.pdf")
    assert paper.deliver(None, pdf, title="Giấy tiếp nhận") == "cancelled"
    assert opened == []


def test_without_a_printer_the_pdf_opens_in_the_viewer(demo_context: AppContext, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_file", opened.append)
    pdf = receipt(demo_context.db, tmp_path / "mau01.pdf")
    assert paper.deliver(None, pdf, title="Giấy tiếp nhận") == "opened"
    assert opened == [pdf]

