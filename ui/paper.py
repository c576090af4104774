"""Paper out of the window: a form's PDF goes to a printer through Qt's print dialog when the machine has a
printer, and to the system's PDF viewer when it has none (the viewer can still print or save it).

Tests replace ``printer_names`` and ``ask_printer`` (the modal dialog) and print onto a PDF-file printer.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPainter
from PySide6.QtWidgets import QDialog, QWidget

from cchc_desktop.i18n import _
from cchc_desktop.lazy import lazy_import
from ui import desktop

raster = lazy_import("cchc_desktop.reports.raster")
log = logging.getLogger("cchc.ui")

MAX_DPI = 300  # forms are text and rules: more only makes the print job heavier


def printer_names() -> list[str]:
    """The printers this machine knows (QtPrintSupport is loaded on the first print, not at start-up)."""
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames())


def ask_printer(parent: QWidget | None, *, title: str, pages: int):  # -> QPrinter | None
    """Qt's print dialog (printer, copies, pages); None when the officer cancels."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("In {title}").format(title=title))
    dialog.setMinMax(1, pages)
    dialog.setFromTo(1, pages)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def print_pdf(printer, path: Path) -> int:  # printer: QPrinter
    """Draw the PDF's pages (or the range chosen in the dialog) onto ``printer``; the number of pages sent.

    Each page fills the whole sheet (the PDF already has the official margins) in its own orientation, so
    the landscape ledger (Mẫu 06) prints landscape.
    """
    from PySide6.QtPrintSupport import QPrinter

    first, last = 1, None
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage(), printer.toPage()
    dpi = min(printer.resolution(), MAX_DPI)
    printer.setFullPage(True)
    painter = QPainter()
    sent = 0
    try:
        for page in raster.rasterise(path, dpi=dpi, first=first, last=last):
            orientation = QPageLayout.Orientation.Landscape if page.landscape else QPageLayout.Orientation.Portrait
            printer.setPageOrientation(orientation)
            if sent == 0:
                if not painter.begin(printer):
                    raise OSError(_("Không mở được máy in {name}.").format(name=printer.printerName()))
            elif not printer.newPage():
                raise OSError(_("Máy in {name} không nhận trang tiếp theo.").format(name=printer.printerName()))
            image = QImage(page.pixels, page.width, page.height, page.stride, QImage.Format.Format_Grayscale8)
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            painter.drawImage(QRectF(target), image)
            sent += 1
    finally:
        if painter.isActive():
            painter.end()
    log.info("printed %s: %d page(s) on %s", path.name, sent, printer.printerName() or printer.outputFileName())
    return sent


def deliver(parent: QWidget | None, path: Path, *, title: str) -> str:
    """Print ``path`` through the print dialog where a printer exists, else open it in the PDF viewer.

    Returns what happened: ``"printed"``, ``"cancelled"`` or ``"opened"``.
    """
    if not printer_names():
        desktop.open_file(path)
        return "opened"
    printer = ask_printer(parent, title=title, pages=raster.page_count(path))
    if printer is None:
        return "cancelled"
    print_pdf(printer, path)
    return "printed"
