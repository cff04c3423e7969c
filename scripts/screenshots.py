"""Screenshots of the windows at 1366x768, for people to look at before a release.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py OUT_DIR [--boxes N]

Builds a demo database in a temporary folder, opens each screen as a user
would find it, and saves ``OUT_DIR/<screen>.png``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from paperless_ig.services import demo
from paperless_ig.store import migrate
from paperless_ig.store.database import Database
from paperless_ig.ui import tasks

USER = "shots"


def settle(ms: int = 800) -> None:
    """Let queued task results arrive and the widgets repaint."""
    tasks.wait_for_tasks()
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    tasks.wait_for_tasks()
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, QDeadlineTimer(200))


def shoot(widget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(path)


def desk(db: Database, out: Path) -> None:
    from paperless_ig.services import boxes as box_service
    from paperless_ig.ui.desk import DeskPage

    page = DeskPage(db, USER)
    page.resize(1366, 768)
    page.show()
    settle()
    some = box_service.overdue_loans(db)[:1]
    if some:
        page.scan_panel.scan(some[0].barcode)
    page.scan_panel.scan("BX0000001A")
    shoot(page, out / "desk-scan.png")
    page.new_deposit()
    form = page.deposit_form
    form.select("RES-03", "HR-02-01")
    form.count.setValue(3)
    form.set_box(0, "Payroll reports 2020/21", "01/04/2020", "31/03/2021", "31/03/2021", "12")
    form.set_box(1, "Payroll reports 2021/22 Mr Smith", "01/04/2021", "31/03/2022", "31/03/2022", "18")
    settle(1200)
    shoot(page, out / "desk-deposit.png")


def window(db: Database, out: Path) -> None:
    """The main window at 1366x768 on each job that has its own screen."""
    from paperless_ig.services import locations
    from paperless_ig.services.desk_scan import Mode
    from paperless_ig.ui.main_window import MainWindow
    from paperless_ig.ui.pages import install_pages

    win = MainWindow(db, USER)
    install_pages(win)
    win.resize(1366, 768)
    win.show()
    settle(1500)
    win.show_page("store")
    settle(1500)
    shoot(win, out / "window-store.png")
    for key in ("disposal", "trends", "scanning"):
        win.show_page(key)
        settle(2500)
        shoot(win, out / f"window-{key}.png")
    win.show_page("desk")
    desk_page = win.page("desk")
    panel = desk_page.scan_panel
    panel.set_mode(Mode.STOCKTAKE)
    from paperless_ig.services import store_query

    newest = store_query.page(db, store_query.BoxFilter(status="in_store"), limit=1)[0]
    shelf = next(loc for loc in locations.list_locations(db, limit=100_000) if loc.code == newest.location)
    on_shelf = store_query.page(db, store_query.BoxFilter(location=shelf.code), "barcode", False)
    panel.scan(shelf.barcode)
    for row in on_shelf[:-1]:
        panel.scan(row.barcode)
    panel.scan("BX0000001A")
    settle(1500)
    shoot(win, out / "window-stocktake.png")
    win.close()


SCREENS = {"desk": desk, "window": window}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--boxes", type=int, default=5000)
    parser.add_argument("--only", nargs="*", default=list(SCREENS))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        db = Database(str(Path(folder) / "shots.sqlite3"))
        migrate.upgrade(db)
        demo.load_demo(db, USER, args.boxes, seed=1)
        for name in args.only:
            SCREENS[name](db, args.out)
        tasks.wait_for_tasks()
        db.dispose()
    app.quit()


if __name__ == "__main__":
    main()
