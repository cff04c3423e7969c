"""The embedded database while the app is open: other programs open and close the file.

On POSIX, closing any descriptor of a file drops every lock the process holds on it. If
the app ever opened its live database outside SQLite (a header read, a copy), the next
program to close its own connection would take itself for the last, checkpoint and delete
the write-ahead log the app still writes to: the app's saves would go into a deleted file,
unseen by anyone else and lost on a crash. These tests open the real window, let other
programs come and go, save from the window, and ask a separate process what it sees.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from paperless_ig.app import open_window
from paperless_ig.services import boxes, deposits, locations, schedule, teams
from paperless_ig.store import integrity
from paperless_ig.store.database import Database
from paperless_ig.ui import tasks
from tests.conftest import ADMIN

pytestmark = [pytest.mark.gui, pytest.mark.slow]
WAIT = 30_000
SHELVES = ("M-001-1-01", "M-001-1-02")


@pytest.fixture
def stocked_file(sqlite_template, tmp_path, today) -> tuple[Path, list[str], list[str]]:
    """A database file with two unshelved boxes and two shelves; nothing has it open."""
    path = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(str(path))
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H"))
    shelves = [locations.add_location(db, ADMIN, code, capacity=10).barcode for code in SHELVES]
    codes = deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Invoices", today)] * 2)).barcodes
    db.dispose()
    return path, codes, shelves


def _deleted_side_files(path: Path) -> list[str]:
    """The -wal/-shm files this process holds that have been deleted under it."""
    folder = Path("/proc/self/fd")
    held = []
    for fd in folder.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(path)) and target.endswith("(deleted)"):
            held.append(target)
    return held


def _others_open_and_close(cli, path: Path, barcode: str) -> None:
    """What happens beside an open app: the CLI, the sqlite3 shell and a script read the file."""
    cli("box", "show", barcode, "--db", str(path), check=True)
    if shutil.which("sqlite3"):
        subprocess.run(["sqlite3", str(path), "select count(*) from boxes"], check=True,
                       capture_output=True, timeout=60)
    script = f"import sqlite3; c = sqlite3.connect({str(path)!r}); c.execute('select 1'); c.close()"
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def _location_seen_by_another_process(path: Path, barcode: str) -> str | None:
    script = (f"import sqlite3; c = sqlite3.connect({str(path)!r}); "
              "r = c.execute('select l.code from boxes b left join locations l on l.id = b.location_id "
              f"where b.barcode = ?', ({barcode!r},)).fetchone(); print(r[0] if r[0] else '')")
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True,
                         timeout=60).stdout.strip()
    return out or None


def _open(qtbot, path: Path):
    opened = open_window(str(path), ADMIN)
    assert not isinstance(opened, int), f"the window was refused ({opened})"
    window, db = opened
    errors: list[str] = []
    window.show_error = errors.append
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    assert tasks.wait_for_tasks()  # the start-up integrity check, off the GUI thread, is done
    return window, db, errors


def _shelve(qtbot, window, shelf: str, barcode: str) -> None:
    window.show_page("desk")
    desk = window.page("desk")
    panel = desk.scan_panel
    for code in (shelf, barcode):
        with qtbot.waitSignal(panel.scanned, timeout=WAIT) as blocker:
            qtbot.keyClicks(panel.field, code)
            qtbot.keyClick(panel.field, "\r")
        assert blocker.args[0].ok, blocker.args[0].message


def test_a_save_in_the_window_is_seen_at_once_after_other_programs_opened_the_file(
        qtbot, cli, stocked_file):
    """GIVEN the app's window open on its SQLite file, its start-up check done
    WHEN the CLI, the sqlite3 shell and a script open and close the file, and the desk then
    shelves a box THEN another process sees the box on its shelf at once, and the app holds
    no deleted write-ahead log."""
    path, codes, shelves = stocked_file
    window, db, errors = _open(qtbot, path)
    try:
        _others_open_and_close(cli, path, codes[0])
        _shelve(qtbot, window, shelves[0], codes[0])
        assert _location_seen_by_another_process(path, codes[0]) == SHELVES[0]
        _others_open_and_close(cli, path, codes[1])
        _shelve(qtbot, window, shelves[1], codes[1])
        assert _location_seen_by_another_process(path, codes[1]) == SHELVES[1]
        assert _deleted_side_files(path) == []
        assert errors == []
    finally:
        window.close()
        assert tasks.wait_for_tasks()
        db.dispose()


def test_two_windows_and_the_command_line_see_each_others_saves(qtbot, cli, stocked_file):
    """GIVEN a desk and a scanning station's windows on one PC's SQLite file
    WHEN each saves, with the CLI reading between THEN each save is seen by the other and the CLI."""
    path, codes, shelves = stocked_file
    first, first_db, first_errors = _open(qtbot, path)
    second, second_db, second_errors = _open(qtbot, path)
    try:
        _shelve(qtbot, first, shelves[0], codes[0])
        _others_open_and_close(cli, path, codes[0])
        assert boxes.show(second_db, codes[0]).location == SHELVES[0]
        _shelve(qtbot, second, shelves[1], codes[1])
        _others_open_and_close(cli, path, codes[1])
        assert boxes.show(first_db, codes[1]).location == SHELVES[1]
        shown = cli("box", "show", codes[1], "--json", "--db", str(path), check=True).stdout
        assert SHELVES[1] in shown
        assert _deleted_side_files(path) == []
        assert first_errors == second_errors == []
    finally:
        for window in (first, second):
            window.close()
        assert tasks.wait_for_tasks()
        first_db.dispose()
        second_db.dispose()


APP = """
import sys, time
from PySide6.QtWidgets import QApplication
from paperless_ig.services import boxes
from paperless_ig.ui import tasks
from paperless_ig.app import open_window

app = QApplication(sys.argv)
window, db = open_window(sys.argv[1], sys.argv[2])
tasks.wait_for_tasks()
print("ready", flush=True)
for line in sys.stdin:
    code, shelf = line.split()
    boxes.move(db, sys.argv[2], code, shelf)
    print("saved", flush=True)
"""


def test_a_killed_app_loses_no_save_another_program_has_read(cli, stocked_file, tmp_path):
    """GIVEN the app (its window and start-up check) in its own process, and other programs
    opening the file WHEN the app saves, another process reads the save, and the app is
    killed with SIGKILL THEN the save is in the file, and the database is whole."""
    path, codes, _shelves = stocked_file
    script = tmp_path / "app.py"
    script.write_text(APP)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen([sys.executable, str(script), str(path), ADMIN], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[1]) as app:
        try:
            assert app.stdout.readline().strip() == "ready"  # the window and its start-up check
            _others_open_and_close(cli, path, codes[0])
            app.stdin.write(f"{codes[0]} {SHELVES[0]}\n")
            app.stdin.flush()
            assert app.stdout.readline().strip() == "saved"
            assert _location_seen_by_another_process(path, codes[0]) == SHELVES[0]
            _others_open_and_close(cli, path, codes[1])
        finally:
            app.send_signal(signal.SIGKILL)
            app.wait(timeout=60)
    with sqlite3.connect(path) as connection:  # the app is gone: a plain reader may open it
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _location_seen_by_another_process(path, codes[0]) == SHELVES[0]
    reopened = Database(str(path))
    assert integrity.check(reopened, full=True) == []
    reopened.dispose()
