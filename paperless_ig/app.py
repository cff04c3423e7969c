"""Start-up of the desktop app: open, check and migrate the database, then show the window.

The open-check-migrate steps are the command line's own (``store.opening``); the file's
header is checked before SQLite writes to it, and the full page-by-page check runs after
the window shows, off the GUI thread.
"""

from __future__ import annotations

import logging
import os
import sys

from paperless_ig import logs
from paperless_ig.domain.errors import PaperlessError

log = logging.getLogger(__name__)


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal", "vnc"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(db_url: str | None = None, login: str | None = None) -> int:
    if not has_display():
        print("paperless-ig: no display found (set DISPLAY, or run it under xvfb-run)",
              file=sys.stderr)
        return 2
    logs.configure()
    return run(db_url, login)


def open_window(db_url: str | None, login: str | None):
    """The main window on the checked, migrated database, shown: ``(window, db)``, or the exit
    code when the database or the login is refused (2: the user's to fix; 1: anything else)."""
    from PySide6.QtWidgets import QMessageBox

    from paperless_ig.services import users
    from paperless_ig.store import integrity
    from paperless_ig.store.database import APP_NAME
    from paperless_ig.store.opening import open_database
    from paperless_ig.ui import tasks
    from paperless_ig.ui.main_window import MainWindow
    from paperless_ig.ui.pages import install_pages

    login = login or users.current_login()
    db = None
    try:
        db = open_database(db_url)
        user = users.whoami(db, login)
    except integrity.DatabaseProblem as exc:  # damaged, foreign, newer, unreachable: nothing written
        QMessageBox.critical(None, APP_NAME, "\n\n".join(exc.problems))
        return 1
    except PaperlessError as exc:  # a bad URL, an unregistered or disabled login
        QMessageBox.critical(None, APP_NAME, str(exc))
        if db is not None:
            db.dispose()
        return 2
    except Exception as exc:
        log.exception("the database could not be opened")
        QMessageBox.critical(None, APP_NAME, f"The database could not be opened: {exc}")
        if db is not None:
            db.dispose()
        return 1
    window = MainWindow(db, login, user=user)
    install_pages(window)
    window.show()

    def damage_found(problems: list[str]) -> None:
        if problems:
            window.show_error("The database file is damaged: stop work and restore the latest backup."
                              "\n\n" + "\n\n".join(problems))

    tasks.run_task(window, lambda _progress: integrity.check(db), damage_found)
    return window, db


def run(db_url: str | None, login: str | None) -> int:
    """Start the desktop app; the exit code follows the command line's (2: refused)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from paperless_ig import __version__
    from paperless_ig.paths import resource
    from paperless_ig.store.database import APP_NAME
    from paperless_ig.ui import tasks

    os.environ.setdefault("LANG", "C.UTF-8")
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource("icons/paperless-ig.png"))))
    app.setDesktopFileName("paperless-ig")  # Wayland matches the window to paperless-ig.desktop
    opened = open_window(db_url, login)
    if isinstance(opened, int):
        return opened
    _window, db = opened
    try:
        return app.exec()
    finally:
        tasks.wait_for_tasks()
        db.dispose()
