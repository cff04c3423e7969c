"""How soon the Store page shows its first rows, against the bare SQL behind them.

Prints, for the same SQLite file in the same run:

(a) app: from creating ``StorePage`` (offscreen, shown at 1366x768) until the
    model has both its row count and its first page of rows (``counted`` and
    ``page_loaded(0)``, announced together as ``StorePage.loaded``);
(b) bare: the same COUNT and first-page SELECT, captured from the app's own
    engine as it ran them, replayed with plain ``sqlite3`` on a new connection.

A first page load learns the exact SQL and is reported on its own as the
cold start (nothing of the file read yet by this process); then runs
alternate bare, app, bare, app... so both see the same page cache, and their
medians and ratio are printed. The ratio says what the page costs on
top of the database: the engine, the worker thread, the Qt model and widgets.

    QT_QPA_PLATFORM=offscreen python bench/store_view.py [--db FILE] [--boxes 1000000] [--runs 5]

Without ``--db`` a temporary database is filled with ``paperless-ig demo
--boxes N`` first (some minutes for a million boxes). The file given is
only read.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import event

from paperless_ig.store.database import Database
from paperless_ig.ui import tasks
from paperless_ig.ui.store_view import StorePage

TIMEOUT_MS = 120_000


def build_demo(path: Path, boxes: int) -> None:
    print(f"building a demo database of {boxes:,} boxes in {path} ...", flush=True)
    subprocess.run([sys.executable, "-m", "paperless_ig", "demo", "--boxes", str(boxes), "--seed", "1",
                    "--db", str(path), "--user", "bench"], check=True, stdout=subprocess.DEVNULL)


def time_page(path: Path) -> tuple[float, list[tuple[str, tuple]]]:
    """Milliseconds from a new StorePage to its first rows, and the SQL its engine ran."""
    db = Database(str(path))
    statements: list[tuple[str, tuple]] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def _capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, tuple(parameters or ())))

    loop = QEventLoop()
    arrived: list[int] = []
    start = time.perf_counter()
    page = StorePage(db, "bench")
    page.loaded.connect(lambda total: (arrived.append(total), loop.quit()))
    page.resize(1366, 768)
    page.show()
    if not arrived:
        QTimer.singleShot(TIMEOUT_MS, loop.quit)
        loop.exec()
    elapsed = (time.perf_counter() - start) * 1000
    if not arrived:
        raise SystemExit(f"the page showed no rows within {TIMEOUT_MS / 1000:.0f} s")
    rows = sum(page.model.is_loaded(row) for row in range(min(page.model.total, page.model.page_size)))
    if rows != min(page.model.total, page.model.page_size):
        raise SystemExit("the first page of rows was not in the model when it said so")
    page.close()
    tasks.wait_for_tasks()
    page.deleteLater()
    db.dispose()
    return elapsed, statements


def first_rows_sql(statements: list[tuple[str, tuple]]) -> tuple[tuple[str, tuple], tuple[str, tuple]]:
    """The COUNT of boxes and the first page's SELECT among what the engine ran."""
    count = next(s for s in statements if s[0].lstrip().startswith("SELECT count(boxes.id)"))
    first_page = next(s for s in statements
                      if "FROM boxes JOIN teams" in s[0] and "LIMIT" in s[0] and "count(" not in s[0])
    return count, first_page


def time_bare(path: Path, count: tuple[str, tuple], first_page: tuple[str, tuple]) -> tuple[float, int]:
    start = time.perf_counter()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    total = connection.execute(*count).fetchone()[0]
    rows = connection.execute(*first_page).fetchall()
    elapsed = (time.perf_counter() - start) * 1000
    connection.close()
    if not rows and total:
        raise SystemExit("the bare first-page query returned nothing")
    return elapsed, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a SQLite file to read (default: build a demo one)")
    parser.add_argument("--boxes", type=int, default=1_000_000, help="boxes in the demo built without --db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path = args.db
        if path is None:
            path = Path(folder) / "store.sqlite3"
            build_demo(path, args.boxes)
        path = path.expanduser().resolve()
        if not path.exists():
            raise SystemExit(f"{path} does not exist")
        cold, statements = time_page(path)
        count, first_page = first_rows_sql(statements)
        app_ms, bare_ms, total = [], [], 0
        for _run in range(args.runs):
            elapsed, total = time_bare(path, count, first_page)
            bare_ms.append(elapsed)
            app_ms.append(time_page(path)[0])
        app.processEvents()
    app_median, bare_median = statistics.median(app_ms), statistics.median(bare_ms)
    print(f"database: {path} ({total:,} boxes), {args.runs} runs each")
    print(f"(a) StorePage created -> count and first page of rows in the model: "
          f"median {app_median:.0f} ms (min {min(app_ms):.0f}, max {max(app_ms):.0f}); "
          f"cold start {cold:.0f} ms")
    print(f"(b) bare sqlite3 COUNT + first-page SELECT: "
          f"median {bare_median:.0f} ms (min {min(bare_ms):.0f}, max {max(bare_ms):.0f})")
    print(f"ratio app/bare (medians): {app_median / bare_median:.1f}x")


if __name__ == "__main__":
    main()
