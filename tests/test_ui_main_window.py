"""The main window shell: status bar, welcome state, navigation, welcome actions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from paperless_ig import app
from paperless_ig.services import users
from paperless_ig.services.overview import overview
from paperless_ig.ui import tasks
from paperless_ig.ui.main_window import JOB_KEYS, MainWindow
from tests.conftest import ADMIN

pytestmark = pytest.mark.gui
TIMEOUT = 60_000  # generous: a loaded CI machine is slow, a pass is still fast


@pytest.fixture
def window(qtbot, sqlite_db):
    win = MainWindow(sqlite_db, ADMIN)
    errors: list[str] = []
    win.show_error = errors.append  # no real modal dialogs in tests
    win.errors = errors
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    # Workers must be done before the database is disposed and the window deleted.
    assert tasks.wait_for_tasks()


def wait_for_welcome(qtbot, win) -> None:
    qtbot.waitUntil(lambda: win.current_page_key() == "welcome", timeout=TIMEOUT)


def test_window_shows_database_user_and_welcome(qtbot, window, sqlite_db):
    """GIVEN an empty database WHEN the window opens
    THEN the status bar names the database and alice as administrator, and the welcome page shows."""
    wait_for_welcome(qtbot, window)
    qtbot.waitUntil(lambda: "administrator" in window.user_label.text(), timeout=TIMEOUT)

    assert window.windowTitle() == "paperless-ig"
    assert window.user_label.text() == "alice — administrator"
    assert window.db_label.toolTip() == sqlite_db.describe()
    shown = [w.text() for w in window.statusBar().findChildren(QLabel)]
    assert window.db_label.text() in shown
    assert window.counts_label.text() == "0 boxes · 0 teams · 0 classes"
    assert window.nav.count() == len(JOB_KEYS) + 1  # and "Get started"
    assert not window.welcome_item.isHidden()
    minimum = window.minimumSize()
    assert minimum.width() <= 1366 and minimum.height() <= 700
    assert window.errors == []


def test_demo_action_fills_counts_and_leaves_welcome(qtbot, window):
    """GIVEN the welcome page WHEN demo data with 300 boxes is loaded
    THEN the status bar counts 300 boxes and the window moves on to the Desk."""
    wait_for_welcome(qtbot, window)

    task = window.welcome.load_demo(300)

    assert task is not None
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("300 boxes"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.current_page_key() == "desk", timeout=TIMEOUT)
    assert "Demo council loaded: 300 boxes" in window.statusBar().currentMessage()
    assert not window.welcome.busy
    assert window.errors == []
    assert not window.page("desk").first_step.isVisible()
    assert window.welcome_item.isHidden()
    assert not window.demo_action.isEnabled()  # demo data only goes into an empty database
    assert window.import_action.isEnabled()


def test_cancelled_demo_keeps_no_boxes(qtbot, window, sqlite_db):
    """GIVEN the welcome page WHEN a demo load is cancelled at once
    THEN the status bar says so, no error shows, and no box or team was kept."""
    wait_for_welcome(qtbot, window)

    task = window.welcome.load_demo(300)
    task.cancel()

    qtbot.waitUntil(lambda: not window.welcome.busy, timeout=TIMEOUT)
    assert "Cancelled" in window.statusBar().currentMessage()
    assert window.errors == []
    assert tasks.wait_for_tasks()
    counts = overview(sqlite_db)
    assert (counts.boxes, counts.teams) == (0, 0)
    assert window.current_page_key() == "welcome"


def test_ctrl_2_shows_the_store(qtbot, window):
    """GIVEN the window WHEN Ctrl+2 is pressed THEN the Store page is current."""
    wait_for_welcome(qtbot, window)
    window.activateWindow()
    qtbot.waitActive(window)

    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)

    assert window.current_page_key() == "store"
    assert window.nav.currentItem().text() == "Store"
    store = window.page("store")
    # An empty database: the page says what to do first.
    assert store.first_step.isVisible()
    assert store.start_button.isVisible()


def test_bad_schedule_names_the_row_and_changes_nothing(qtbot, window, sqlite_db, tmp_path):
    """GIVEN a schedule whose row 3 has the period 'six yrs' WHEN it is imported
    THEN the error names row 3, and the database still has no classes."""
    wait_for_welcome(qtbot, window)
    bad = tmp_path / "schedule.csv"
    bad.write_text(
        "code,function,activity,transaction,trigger,period,action,authority\n"
        "FIN-01,Finance,Payables,Paid invoices,end_of_financial_year,6 years,destroy,LA 1980\n"
        "HR-01,People,Personnel,Personnel files,closure,six yrs,destroy_confidential,Business\n",
        encoding="utf-8")

    window.welcome.import_schedule(bad)

    qtbot.waitUntil(lambda: len(window.errors) == 1, timeout=TIMEOUT)
    assert "row 3" in window.errors[0]
    assert "six yrs" in window.errors[0]
    qtbot.waitUntil(lambda: not window.welcome.busy, timeout=TIMEOUT)
    assert tasks.wait_for_tasks()
    assert overview(sqlite_db).classes == 0
    assert window.current_page_key() == "welcome"


def test_set_page_replaces_a_placeholder(qtbot, window):
    """GIVEN the Store placeholder WHEN a screen registers as 'store' THEN Ctrl+2's page is it."""
    wait_for_welcome(qtbot, window)
    screen = QLabel("the real store screen")

    window.set_page("store", screen)
    window.show_page("store")

    assert window.stack.currentWidget() is screen
    assert window.current_page_key() == "store"
    with pytest.raises(KeyError):
        window.set_page("nowhere", QLabel())


def test_run_refuses_an_unregistered_login(qtbot, sqlite_db, monkeypatch):
    """GIVEN a database whose first user is alice WHEN mallory starts the app
    THEN a critical message names mallory and how to add her, and run() returns 2."""
    users.whoami(sqlite_db, ADMIN)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))

    code = app.run(sqlite_db.url, "mallory")

    assert code == 2
    assert len(shown) == 1
    assert "mallory" in shown[0] and "user add mallory" in shown[0]


def test_help_opens_the_log_folder_where_background_failures_are_written(qtbot, window):
    """GIVEN a background task that fails with a bug WHEN Help ▸ Open log folder is chosen
    THEN the folder shown holds the log file, and the file has the failure's traceback."""
    from paperless_ig import logs

    logs.configure()
    opened: list = []
    window.open_folder = opened.append

    def broken(_progress):
        raise RuntimeError("a bug in a background task")

    failures: list[BaseException] = []
    tasks.run_task(window, broken, on_failure=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=TIMEOUT)
    window.log_action.trigger()
    assert opened == [logs.log_folder()]
    text = (opened[0] / logs.FILE_NAME).read_text(encoding="utf-8")
    assert "a background task failed" in text and "RuntimeError: a bug in a background task" in text
