"""The main window: six jobs in a list on the left, the chosen job's page on the right.

Pages are registered by key (``window.set_page("desk", widget)``), so each
later screen replaces its placeholder without touching this module. A page
that has a ``set_overview(overview)`` method is told the headline counts
whenever they are refreshed. Every database call goes through ``run_task``;
only ``run()`` asks the database for the user before the window shows.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QWidget,
)

from paperless_ig import __version__, logs
from paperless_ig.domain.roles import RECORDS_WORK
from paperless_ig.services import overview as overview_service
from paperless_ig.services import users
from paperless_ig.services.overview import Overview
from paperless_ig.services.users import UserInfo
from paperless_ig.store.database import APP_NAME, Database
from paperless_ig.ui import tasks, theme
from paperless_ig.ui.welcome import JobPage, WelcomePage, describe_error

SP = QStyle.StandardPixmap
MESSAGE_MS = 15000
NAV_WIDTH = 190
DB_LABEL_WIDTH = 320


@dataclass(frozen=True)
class Job:
    key: str
    title: str
    icon: QStyle.StandardPixmap
    purpose: str


JOBS = (
    Job("desk", "Desk", SP.SP_DirOpenIcon,
        "Log deposits, print labels, and scan boxes onto shelves or out on loan."),
    Job("store", "Store", SP.SP_DriveHDIcon,
        "Find any box by barcode, team or retention class, and see what sits on every shelf."),
    Job("scanning", "Scanning", SP.SP_FileDialogContentsView,
        "Turn scanned pages into searchable PDFs filed with the right boxes, and check the "
        "pages that read badly."),
    Job("disposal", "Disposal", SP.SP_TrashIcon,
        "Review boxes past their retention date, apply legal holds, get the Information Asset "
        "Owner's approval and record destruction with a certificate."),
    Job("trends", "Trends", SP.SP_FileDialogDetailedView,
        "See which teams still deposit paper and whose deposits grow, to plan what to "
        "digitise next."),
    Job("admin", "Admin", SP.SP_FileDialogInfoView,
        "Manage users and their roles, teams, the retention schedule, shelf locations and "
        "backups."),
)
JOB_KEYS = tuple(job.key for job in JOBS)
WELCOME = "welcome"


def user_text(user: UserInfo) -> str:
    who = user.login if user.name in ("", user.login) else f"{user.name} ({user.login})"
    return f"{who} — {user.role_label}"


def counts_text(overview: Overview) -> str:
    return " · ".join((theme.plural(overview.boxes, "box", "boxes"),
                       theme.plural(overview.teams, "team"),
                       theme.plural(overview.classes, "class", "classes")))


class MainWindow(QMainWindow):
    """The desktop shell. ``user`` may be given when the caller already asked whoami."""

    overview_changed = Signal(object)  # Overview

    def __init__(self, db: Database, login: str, user: UserInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.login = db, login
        self.user: UserInfo | None = None
        self.overview: Overview | None = None
        self.pages: dict[str, QWidget] = {}
        self._refresh_seq = 0
        self._closed = False
        self._placed = False  # the first counts decide between welcome and Desk

        self.setWindowTitle(APP_NAME)
        self.setObjectName("main-window")
        self.setStyleSheet(theme.STYLE_SHEET)
        # Fits a 1366 x 768 laptop screen with its task bar and title bar.
        self.setMinimumSize(960, 600)
        self.resize(1280, 720)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName("Jobs")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setFont(theme.scaled_font(self.nav, 1.1))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()

        self.loading = QWidget()
        theme.centred_column(self.loading).addWidget(
            theme.paragraph("Opening the database…", larger=True, muted=True))
        self.stack.addWidget(self.loading)
        self.welcome = WelcomePage(db, login)
        self.welcome.succeeded.connect(self._welcome_succeeded)
        self.welcome.failed.connect(self._welcome_failed)
        self.welcome.cancelled.connect(self._welcome_cancelled)
        self.welcome.busy_changed.connect(self._busy_changed)
        self.stack.addWidget(self.welcome)

        style = self.style()
        # "Get started" leads the list only while the database is empty, so a keyboard
        # user can always get back to the welcome page.
        self.welcome_item = self._nav_item(style.standardIcon(SP.SP_ArrowForward), "Get started",
                                           WELCOME, "Import a retention schedule or load demo data")
        self.welcome_item.setHidden(True)
        for number, job in enumerate(JOBS, start=1):
            self._nav_item(style.standardIcon(job.icon), job.title, job.key,
                           f"{job.title} (Ctrl+{number})")
            page = JobPage(job.key, job.title, job.purpose)
            page.get_started.connect(self.show_welcome)
            self.set_page(job.key, page)
        self.nav.currentItemChanged.connect(self._nav_item_changed)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.stack.setCurrentWidget(self.loading)

        self._build_status_bar()
        self._build_menus()

        if user is not None:
            self._user_arrived(user)
        else:
            tasks.run_task(self, lambda _p: users.whoami(db, login), self._user_arrived,
                           self._user_failed, quick=True)
        self.refresh()

    # -- building ------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.counts_label = QLabel("counting…")
        self.counts_label.setAccessibleName("Headline counts")
        self.db_label = QLabel()
        self.db_label.setAccessibleName("Database")
        description = self.db.describe()
        self.db_label.setText(self.db_label.fontMetrics().elidedText(
            description, Qt.TextElideMode.ElideMiddle, DB_LABEL_WIDTH))
        self.db_label.setToolTip(description)
        self.user_label = QLabel(f"{self.login} — …")
        self.user_label.setAccessibleName("Signed in as")
        for label in (self.counts_label, self.db_label, self.user_label):
            bar.addPermanentWidget(label)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = QAction("&Import retention schedule…", self)
        self.import_action.setStatusTip("Import the council's retention schedule from .xlsx or .csv")
        self.import_action.triggered.connect(self.welcome.choose_schedule)
        self.demo_action = QAction("Load &demo data…", self)
        self.demo_action.setStatusTip("Fill this empty database with a made-up council")
        self.demo_action.triggered.connect(self.welcome.ask_demo)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.demo_action)
        self._extra_file_actions = file_menu.addSeparator()
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.file_menu = file_menu

        go_menu = self.menuBar().addMenu("&Go")
        for number, job in enumerate(JOBS, start=1):
            action = QAction(job.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, key=job.key: self.show_page(key))
            go_menu.addAction(action)
        go_menu.addSeparator()
        refresh_action = QAction("&Refresh counts", self)
        refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh_action.triggered.connect(self.refresh)
        go_menu.addAction(refresh_action)

        help_menu = self.menuBar().addMenu("&Help")
        self.log_action = QAction("Open &log folder", self)
        self.log_action.setStatusTip("The folder of paperless-ig's log file, to send to IT with a "
                                     "problem")
        self.log_action.triggered.connect(self.open_log_folder)
        help_menu.addAction(self.log_action)
        about_action = QAction("&About paperless-ig", self)
        about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_action.triggered.connect(self.about)
        help_menu.addAction(about_action)

    def add_file_action(self, action: QAction) -> None:
        """A screen's own entry in the File menu (above Quit)."""
        self.file_menu.insertAction(self._extra_file_actions, action)

    # -- pages ---------------------------------------------------------------------
    def set_page(self, key: str, widget: QWidget) -> None:
        """Put ``widget`` in the place of job ``key`` (one of JOB_KEYS)."""
        if key not in JOB_KEYS:
            raise KeyError(f"no job called {key!r}; the jobs are {', '.join(JOB_KEYS)}")
        old = self.pages.get(key)
        if old is widget:
            return
        if old is None:
            self.stack.addWidget(widget)
        else:
            was_current = self.stack.currentWidget() is old
            self.stack.insertWidget(self.stack.indexOf(old), widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            if was_current:
                self.stack.setCurrentWidget(widget)
        self.pages[key] = widget
        if self.overview is not None and hasattr(widget, "set_overview"):
            widget.set_overview(self.overview)

    def page(self, key: str) -> QWidget:
        return self.pages[key]

    def _nav_item(self, icon, title: str, key: str, tip: str) -> QListWidgetItem:
        item = QListWidgetItem(icon, title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setToolTip(tip)
        item.setSizeHint(QSize(NAV_WIDTH - 16, 44))
        self.nav.addItem(item)
        return item

    def _item_for(self, key: str) -> QListWidgetItem:
        row = 0 if key == WELCOME else JOB_KEYS.index(key) + 1
        return self.nav.item(row)

    @Slot(str)
    def show_page(self, key: str) -> None:
        """Show job ``key``, or ``"welcome"``."""
        if key == WELCOME:
            self.welcome_item.setHidden(False)
        self.nav.setCurrentItem(self._item_for(key))
        self.stack.setCurrentWidget(self.welcome if key == WELCOME else self.pages[key])

    @Slot()
    def show_welcome(self) -> None:
        self.show_page(WELCOME)

    def current_page_key(self) -> str:
        """``welcome``, ``loading`` or a job key."""
        current = self.stack.currentWidget()
        if current is self.welcome:
            return "welcome"
        if current is self.loading:
            return "loading"
        return next(key for key, page in self.pages.items() if page is current)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _nav_item_changed(self, item: QListWidgetItem | None, _previous) -> None:
        if item is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        self.stack.setCurrentWidget(self.welcome if key == WELCOME else self.pages[key])

    # -- counts and user ------------------------------------------------------------
    @Slot()
    def refresh(self, then_show: str | None = None) -> None:
        """Fetch the headline counts off the GUI thread; optionally then show a page."""
        self._refresh_seq += 1
        seq, db = self._refresh_seq, self.db
        self._run(lambda _p: overview_service.overview(db),
                  lambda result: self._overview_arrived(seq, result, then_show))

    def _overview_arrived(self, seq: int, overview: Overview, then_show: str | None) -> None:
        if seq != self._refresh_seq:
            return  # a newer refresh is on its way
        self.overview = overview
        self.counts_label.setText(counts_text(overview))
        self.counts_label.setToolTip(
            f"{theme.plural(overview.boxes_in_store, 'box', 'boxes')} in the store or out on "
            f"loan; {theme.plural(overview.locations, 'shelf position')}")
        self.welcome.set_overview(overview)
        for page in self.pages.values():
            if hasattr(page, "set_overview"):
                page.set_overview(overview)
        self._update_actions()
        self.overview_changed.emit(overview)
        first = not self._placed
        self._placed = True
        if then_show:
            self.show_page(then_show)
        elif first and overview.empty:
            self.show_welcome()
        elif self.stack.currentWidget() is self.loading:
            self.show_page(JOB_KEYS[0])
        if not overview.empty and self.stack.currentWidget() is not self.welcome:
            self.welcome_item.setHidden(True)

    def _user_arrived(self, user: UserInfo) -> None:
        if self._closed:
            return
        self.user = user
        self.user_label.setText(user_text(user))
        self.user_label.setToolTip(f"Signed in as {user.login}: {user.role_label}")
        self.welcome.set_user(user)
        self._update_actions()

    def _user_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.user_label.setText(f"{self.login} — not registered")
        self.show_error(describe_error(exc))

    # -- outcomes of the welcome actions ----------------------------------------------
    @Slot(str)
    def _welcome_succeeded(self, message: str) -> None:
        if self._closed:
            return
        self.statusBar().showMessage(message, MESSAGE_MS)
        # From the welcome page the work starts at the Desk; from a menu, stay put.
        on_welcome = self.stack.currentWidget() is self.welcome
        self.refresh(then_show=JOB_KEYS[0] if on_welcome else None)

    @Slot(str)
    def _welcome_failed(self, message: str) -> None:
        if self._closed:
            return
        self.refresh()  # a failed import changes nothing, but a demo may have added a schedule
        self.show_error(message)

    @Slot(str)
    def _welcome_cancelled(self, message: str) -> None:
        if self._closed:
            return
        self.statusBar().showMessage(message, MESSAGE_MS)
        self.refresh()

    @Slot(bool)
    def _busy_changed(self, _busy: bool) -> None:
        if not self._closed:
            self._update_actions()

    def _update_actions(self) -> None:
        """The set-up actions: not while one runs, not for roles that may not use them."""
        may = not self.welcome.busy and (self.user is None or self.user.role in RECORDS_WORK)
        self.import_action.setEnabled(may)
        # Demo data goes only into a database without boxes; say so rather than fail later.
        self.demo_action.setEnabled(may and (self.overview is None or self.overview.boxes == 0))

    # -- messages (tests replace these on the instance) -----------------------------------
    def show_error(self, message: str) -> None:
        # A list of bad rows goes under its headline, in a box wide enough to read it.
        headline, _gap, details = message.partition("\n\n")
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, headline,
                          QMessageBox.StandardButton.Ok, self)
        if details:
            box.setInformativeText(details)
            box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel "
                              "{ min-width: 560px; }")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()
        box.deleteLater()

    @Slot()
    def open_log_folder(self) -> None:
        self.open_folder(logs.log_folder())

    def open_folder(self, folder: Path) -> None:
        """Show ``folder`` in the desktop's file manager (tests replace this)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot()
    def about(self) -> None:
        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>The council's paper records store, from deposit to disposal: log and challenge "
            "deposits, digitise what can be scanned, and dispose of what is due, with "
            "evidence.</p>"
            f"<p>Database: {html.escape(self.db.describe())}</p>")

    # -- plumbing ---------------------------------------------------------------------
    def _run(self, job: Callable[[Any], Any], on_success: Callable[[Any], None]) -> tasks.Task:
        """A quick look-up whose result is dropped once the window has closed."""

        def succeeded(result: Any) -> None:
            if not self._closed:
                on_success(result)

        def failed(exc: BaseException) -> None:
            if not self._closed:
                self.show_error(describe_error(exc))

        return tasks.run_task(self, job, succeeded, failed, quick=True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.welcome.task is not None:
            self.welcome.task.cancel()
        tasks.wait_for_tasks()
        self._closed = True
        super().closeEvent(event)
