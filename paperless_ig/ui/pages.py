"""The real screens for the main window's jobs; jobs not built yet keep their placeholder."""

from __future__ import annotations

from PySide6.QtGui import QAction

from paperless_ig.domain import clock
from paperless_ig.ui.main_window import MainWindow


def install_pages(window: MainWindow) -> None:
    from paperless_ig.ui.desk import DeskPage
    from paperless_ig.ui.disposal_view import DisposalPage
    from paperless_ig.ui.scanning import ScanningPage
    from paperless_ig.ui.store_view import StorePage
    from paperless_ig.ui.trends_view import TrendsPage

    window.set_page("desk", DeskPage(window.db, window.login))
    window.set_page("store", StorePage(window.db, window.login))
    disposal_page = DisposalPage(window.db, window.login)
    disposal_page.changed.connect(window.refresh)
    window.set_page("disposal", disposal_page)
    window.set_page("scanning", ScanningPage(window.db, window.login))
    window.set_page("trends", TrendsPage(window.db, window.login))
    register = QAction("Import box &register…", window)
    register.setStatusTip("Bring in an existing spreadsheet register of boxes, keeping its barcodes")
    register.triggered.connect(lambda: open_register_import(window))
    window.add_file_action(register)
    statement = QAction("Export &position statement…", window)
    statement.setStatusTip("The audit-of-paper workbook for the council (Excel)")
    statement.triggered.connect(lambda: export_position_statement(window))
    window.add_file_action(statement)


def open_register_import(window: MainWindow) -> None:
    from paperless_ig.ui.register_import import RegisterImportDialog

    dialog = RegisterImportDialog(window.db, window.login, window)
    dialog.finished_import.connect(lambda _result: window.refresh())
    dialog.exec()
    dialog.deleteLater()


def export_position_statement(window: MainWindow, path: str | None = None):
    """Ask where to save the workbook, then write it off the GUI thread with a progress bar."""

    from PySide6.QtWidgets import QFileDialog

    from paperless_ig.services import position
    from paperless_ig.ui.tasks import run_task

    if path is None:
        suggested = f"position-statement-{clock.today():%Y-%m-%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(window, "Export position statement", suggested,
                                              "Excel workbook (*.xlsx)")
        if not path:
            return None
    db = window.db
    return run_task(window, lambda progress: position.write_statement(db, path, progress=progress),
                    on_success=lambda _figures: window.statusBar().showMessage(
                        f"Position statement saved to {path}", 15000),
                    progress_title="Writing the position statement")
