"""The real screens for the main window's jobs; jobs not built yet keep their placeholder."""

from __future__ import annotations

from paperless_ig.ui.main_window import MainWindow


def install_pages(window: MainWindow) -> None:
    from paperless_ig.ui.desk import DeskPage
    from paperless_ig.ui.store_view import StorePage

    window.set_page("desk", DeskPage(window.db, window.login))
    window.set_page("store", StorePage(window.db, window.login))
