"""Printing our PDFs (label sheets, certificates) through the system print dialog.

Qt cannot print a PDF directly without QtPdf, so the pages are rasterised
with poppler (pdf2image) off the GUI thread at the printer's resolution
(at most 600 dpi) and painted full-page, so labels land on the sheet where
the PDF puts them.
"""

from __future__ import annotations

from pathlib import Path

from pdf2image import convert_from_path
from PIL.ImageQt import ImageQt
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from paperless_ig.ui.tasks import run_task

MAX_DPI = 600


def print_pdf(parent: QWidget, pdf: str | Path, title: str = "Print") -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setDocName(Path(pdf).name)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return
    dpi = min(printer.resolution(), MAX_DPI)

    def rasterise(progress):
        pages = convert_from_path(str(pdf), dpi=dpi)
        progress(len(pages), len(pages), "sending pages to the printer")
        return pages

    run_task(parent, rasterise, on_success=lambda pages: paint_pages(printer, pages),
             progress_title="Preparing pages for the printer")


def paint_pages(printer: QPrinter, pages) -> None:
    painter = QPainter(printer)
    try:
        for number, page in enumerate(pages):
            if number:
                printer.newPage()
            image = QImage(ImageQt(page.convert("RGB")))
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
    finally:
        painter.end()
