"""PDF pages as pixels (pypdfium2), so that the window can send our PDFs to a printer through Qt's print
dialog (PySide6-Essentials has QtPrintSupport but no QtPdf renderer). Headless: bytes in, bytes out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

POINTS_PER_INCH = 72


@dataclass(frozen=True)
class PageRaster:
    """One page as 8-bit grey pixels, rows ``stride`` bytes apart; its size on paper in points."""

    width: int
    height: int
    stride: int
    pixels: bytes
    width_pt: float
    height_pt: float

    @property
    def landscape(self) -> bool:
        return self.width_pt > self.height_pt


def page_count(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def rasterise(path: Path, *, dpi: int, first: int = 1, last: int | None = None) -> Iterator[PageRaster]:
    """Pages ``first``…``last`` (1-based, inclusive; all by default) at ``dpi`` dots per inch, in grey as
    the printed forms are black on white; rendered one at a time so a long ledger never sits in memory."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        last = len(document) if last is None else min(last, len(document))
        for index in range(max(first, 1) - 1, last):
            page = document[index]
            width_pt, height_pt = page.get_size()
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True, optimize_mode="print")
            yield PageRaster(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer), width_pt, height_pt)
            bitmap.close()
            page.close()
    finally:
        document.close()
