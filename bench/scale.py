"""The whole app at a million boxes and a million pages, each figure beside its bare baseline.

    QT_QPA_PLATFORM=offscreen python bench/scale.py [--db FILE] [--boxes 1000000] [--pages 1000000]

Builds (or reuses, with ``--db``) one SQLite database holding ``--boxes``
boxes made by the app itself (``paperless-ig demo --boxes N``) and
``--pages`` pages of generated text written straight into ``scan_pages``
and the FTS5 table ``page_search`` with sqlite3, as bench/search.py does:
a 40,000-word vocabulary with a Zipf-like spread, 80 words a page, and
here every page filed in a real box (20 pages a box, boxes still held), so
search results carry barcodes. A database given with ``--db`` that already
has boxes is not given more; one that already has pages is not given more.

Then, on that one file in this one run, it times what a user waits for,
each beside a baseline that does the least the same job could do:

- app start to main window: a new process importing the main window,
  opening the database, checking its migrations, asking whoami, building
  the window with every page and showing it, until the first headline
  counts arrive (``MainWindow.overview_changed``); baseline: a new process
  showing a bare ``QMainWindow``. Both include Python's own start.
- store view first rows: ``StorePage`` until ``loaded``; baseline: the
  same COUNT and first-page SELECT (captured from the app's engine) in
  plain sqlite3.
- desk scan to box shown: ``ScanRun().handle`` for random barcodes, and
  the desk's ``ScanPanel.scan`` until ``scanned``; baseline: a bare
  SELECT of the box by barcode.
- due queue: ``paperless-ig disposal due --json``, the whole command;
  baseline: the bare indexed count of bench/disposal_due.py.
- trends: ``trends.team_trends``; baseline: the bare GROUP BY of bench/trends.py.
- position statement: ``position.write_statement``; baseline: the bare
  GROUP BY of bench/position_statement.py.
- search: ``search.search`` for a rare, a middling and a common word;
  baseline: a bare FTS5 MATCH ranked by bm25.

Quick figures are medians of ``--runs`` runs after a warm-up (the file is
in the page cache for both sides); the trends and position statement are
the best of ``--repeat`` after a warm-up. A final table prints
``what | app | baseline | target | ok``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from common import bare_due_count, best_of

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

LOGIN = "bench"  # the demo is loaded by this login, so it is the database's admin
VOCABULARY = 40_000
WORDS_PER_PAGE = 80
PAGES_PER_BOX = 20
CHUNK = 20_000
TIMEOUT_MS = 300_000
SYLLABLES = ["ka", "lo", "mi", "ren", "sto", "pa", "gel", "un", "tor", "vis", "ab", "ex",
             "dor", "fen", "hul", "ist", "jo", "ment", "ner", "os", "quil", "rit", "sem", "ul"]

_started = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - _started:7.1f} s] {message}", flush=True)


# -- building the database --------------------------------------------------------------

def vocabulary(size: int, rng: random.Random) -> list[str]:
    """bench/search.py's vocabulary: the same seed gives the same words."""
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def query_words() -> dict[str, str]:
    words = vocabulary(VOCABULARY, random.Random(1))
    return {"rare word": words[-7], "middling word": words[400], "common word": words[3]}


def contents(path: Path) -> tuple[int, int]:
    """How many boxes and pages the file holds (0, 0 for a new or empty file)."""
    if not path.exists():
        return 0, 0
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        boxes = connection.execute("SELECT count(*) FROM boxes").fetchone()[0] if "boxes" in tables else 0
        pages = (connection.execute("SELECT count(*) FROM scan_pages").fetchone()[0]
                 if "scan_pages" in tables else 0)
    finally:
        connection.close()
    return boxes, pages


def load_boxes(path: Path, boxes: int) -> float:
    say(f"loading {boxes:,} boxes with `paperless-ig demo` ...")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "paperless_ig", "demo", "--boxes", str(boxes), "--seed", "1",
                    "--db", str(path), "--user", LOGIN], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def load_pages(path: Path, pages: int) -> float:
    """Pages of generated text, ``PAGES_PER_BOX`` to a box, in boxes still held."""
    say(f"writing {pages:,} pages of text into scan_pages and page_search ...")
    start = time.perf_counter()
    rng = random.Random(1)
    words = vocabulary(VOCABULARY, rng)
    # Cumulative weights worked out once: choices() would otherwise sum 40,000 weights per page.
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    held = [row[0] for row in connection.execute(
        "SELECT id FROM boxes WHERE status NOT IN ('destroyed', 'transferred') ORDER BY id")]
    wanted = -(-pages // PAGES_PER_BOX)
    if len(held) < wanted:
        held = [row[0] for row in connection.execute("SELECT id FROM boxes ORDER BY id")]
    box_ids = sorted(random.Random(2).sample(held, min(wanted, len(held))))
    first_page = (connection.execute("SELECT coalesce(max(id), 0) FROM scan_pages").fetchone()[0]) + 1
    with connection:
        batch = connection.execute(
            "INSERT INTO scan_batches (operator, created_at, status, source) "
            "VALUES (?, '2026-01-01 00:00:00', 'done', 'bench/scale.py')", (LOGIN,)).lastrowid
    page_id = first_page
    rows = []
    for number in range(pages):
        # A box's pages are consecutive, as a scan batch files them; few boxes get more pages each.
        run, page_in_run = divmod(number, PAGES_PER_BOX)
        box_id = box_ids[run % len(box_ids)]
        page_no = run // len(box_ids) * PAGES_PER_BOX + page_in_run + 1
        text = " ".join(rng.choices(words, cum_weights=cumulative, k=WORDS_PER_PAGE))
        rows.append((page_id, batch, f"/scans/{box_id}.pdf", page_no, page_id, box_id, page_no, text))
        page_id += 1
        if len(rows) == CHUNK or number == pages - 1:
            with connection:
                connection.executemany(
                    "INSERT INTO scan_pages (id, batch_id, source_file, source_page, position, box_id, "
                    "page_no, text, confidence, status, rotation, blank, cover_sheet, manual_box) "
                    "VALUES (?,?,?,?,?,?,?,?,90.0,'done',0,0,0,0)", rows)
            rows = []
            if (number + 1) % 200_000 == 0:
                say(f"  {number + 1:,} pages written")
    say("  indexing them (FTS5 rebuild) ...")
    with connection:
        connection.execute("INSERT INTO page_search(page_search) VALUES ('rebuild')")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return time.perf_counter() - start


# -- timing helpers -----------------------------------------------------------------------

@dataclass
class Row:
    what: str
    app: float  # seconds
    baseline: float | None
    target: float | None = None


def median_of(run: Callable[[], object], runs: int) -> float:
    run()  # warm-up: the page cache and the connection, alike for both sides
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def wait_for(signal, start: Callable[[], object], what: str):
    """Call ``start`` and run the event loop until ``signal`` fires; returns its arguments."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    got: list[tuple] = []

    def arrived(*args) -> None:
        got.append(args)
        loop.quit()

    signal.connect(arrived)
    try:
        start()
        if not got:
            QTimer.singleShot(TIMEOUT_MS, loop.quit)
            loop.exec()
    finally:
        signal.disconnect(arrived)
    if not got:
        raise SystemExit(f"{what}: nothing within {TIMEOUT_MS / 1000:.0f} s")
    return got[0]


# -- app start to main window --------------------------------------------------------------

def after_first_paint(window, then: Callable[[], None]):
    """Call ``then`` once the window's first paint (its children's too) is over."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, _watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, then)  # after the rest of this paint and its flush
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)
    return watcher


def startup_child(kind: str, path: str) -> None:
    """Run in a new process: show the window, print "shown", then (app) "counts" when they come."""
    if kind == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv)
        window = QMainWindow()
        window.resize(1280, 720)
        after_first_paint(window, lambda: (print("shown", flush=True), app.quit()))
        window.show()
        app.exec()
        os._exit(0)

    # As paperless_ig.ui.main_window.run() does, up to app.exec().
    from PySide6.QtWidgets import QApplication

    from paperless_ig.services import users
    from paperless_ig.store import migrate
    from paperless_ig.store.database import APP_NAME, Database
    from paperless_ig.ui.main_window import MainWindow
    from paperless_ig.ui.pages import install_pages

    app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    db = Database(path)
    if migrate.needs_upgrade(db):
        migrate.upgrade(db)
    user = users.whoami(db, LOGIN)
    window = MainWindow(db, LOGIN, user=user)
    install_pages(window)

    # The counts may come back before the event loop first turns: quit once both are done.
    seen: set[str] = set()

    def mark(what: str) -> None:
        if what not in seen:
            seen.add(what)
            print(what, flush=True)
        if seen == {"shown", "counts"}:
            app.quit()

    window.overview_changed.connect(lambda _overview: mark("counts"))
    after_first_paint(window, lambda: mark("shown"))
    window.show()
    app.exec()
    os._exit(0)  # the measurement is over; pages still loading need not be waited for


def time_startup(kind: str, path: Path) -> dict[str, float]:
    """Seconds from launching a new Python process to each line it prints."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--startup-child", kind, "--db", str(path)],
                             stdout=subprocess.PIPE, text=True)
    marks: dict[str, float] = {}
    assert child.stdout is not None
    for line in child.stdout:
        marks.setdefault(line.split()[0], time.perf_counter() - start)
    if child.wait() != 0 or "shown" not in marks or (kind == "app" and "counts" not in marks):
        raise SystemExit(f"the {kind} start-up process failed (exit {child.returncode})")
    return marks


def bench_startup(path: Path, runs: int) -> list[Row]:
    time_startup("bare", path)  # warm-up: Python, Qt and our modules in the page cache
    time_startup("app", path)
    bare, shown, counts, both = [], [], [], []
    for _ in range(runs):
        bare.append(time_startup("bare", path)["shown"])
        marks = time_startup("app", path)
        shown.append(marks["shown"])
        counts.append(marks["counts"])
        both.append(max(marks["shown"], marks["counts"]))
    say(f"start-up: bare QMainWindow shown {seconds(statistics.median(bare))}; app window shown "
        f"{seconds(statistics.median(shown))}, first counts {seconds(statistics.median(counts))} "
        f"(medians of {runs})")
    return [Row("app start to main window with counts", statistics.median(both),
                statistics.median(bare))]


# -- store view ------------------------------------------------------------------------------

def time_store_page(path: Path) -> tuple[float, list[tuple[str, tuple]]]:
    from sqlalchemy import event

    from paperless_ig.store.database import Database
    from paperless_ig.ui import tasks
    from paperless_ig.ui.store_view import StorePage

    db = Database(str(path))
    statements: list[tuple[str, tuple]] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def _capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, tuple(parameters or ())))

    start = time.perf_counter()
    page = StorePage(db, LOGIN)
    page.resize(1366, 768)
    wait_for(page.loaded, page.show, "the Store page")
    elapsed = time.perf_counter() - start
    page.close()
    tasks.wait_for_tasks()
    page.deleteLater()
    db.dispose()
    return elapsed, statements


def first_rows_sql(statements: list[tuple[str, tuple]]) -> list[tuple[str, tuple]]:
    """The COUNT of boxes and the first page's SELECT among what the engine ran."""
    count = [s for s in statements if s[0].lstrip().startswith("SELECT count(boxes.id)")]
    first_page = [s for s in statements
                  if "FROM boxes JOIN teams" in s[0] and "LIMIT" in s[0] and "count(" not in s[0]]
    if not count or not first_page:
        say("  (could not pick the count and first page out of the store's SQL: replaying all of it)")
        return [s for s in statements if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
    return [count[0], first_page[0]]


def bench_store(path: Path, runs: int) -> list[Row]:
    cold, statements = time_store_page(path)
    replay = first_rows_sql(statements)

    def bare() -> None:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        for statement, parameters in replay:
            connection.execute(statement, parameters).fetchall()
        connection.close()

    bare()
    app_times, bare_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - start)
        app_times.append(time_store_page(path)[0])
    say(f"store view: first page {seconds(cold)} (first in this process), then median "
        f"{seconds(statistics.median(app_times))} (max {seconds(max(app_times))}); bare "
        f"{seconds(statistics.median(bare_times))}")
    return [Row("store view first rows", statistics.median(app_times), statistics.median(bare_times), 1.0)]


# -- desk scan -------------------------------------------------------------------------------

def sample_barcodes(path: Path, count: int) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        top = connection.execute("SELECT max(id) FROM boxes").fetchone()[0]
        ids = random.Random(3).sample(range(1, top + 1), min(count * 2, top))
        found = [row[0] for row in connection.execute(
            f"SELECT barcode FROM boxes WHERE id IN ({','.join(map(str, ids))})")]
    finally:
        connection.close()
    random.Random(4).shuffle(found)
    return found[:count]


def bench_scan(path: Path, scans: int) -> list[Row]:
    from paperless_ig.services.desk_scan import ScanRun
    from paperless_ig.store.database import Database
    from paperless_ig.ui import tasks
    from paperless_ig.ui.desk import ScanPanel

    barcodes = sample_barcodes(path, scans)
    db = Database(str(path))
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def timed_each(run: Callable[[str], object]) -> float:
        run(barcodes[-1])  # warm-up
        times = []
        for barcode in barcodes:
            start = time.perf_counter()
            run(barcode)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    def service(barcode: str) -> None:
        outcome = ScanRun().handle(db, LOGIN, barcode)
        if not outcome.ok or outcome.box is None or outcome.box.barcode != barcode:
            raise SystemExit(f"desk scan of {barcode} failed: {outcome.message}")

    panel = ScanPanel(db, LOGIN)
    panel.resize(1100, 700)
    panel.show()

    def through_ui(barcode: str) -> None:
        (outcome,) = wait_for(panel.scanned, lambda: panel.scan(barcode), f"the desk scan of {barcode}")
        if not outcome.ok or outcome.box is None or outcome.box.barcode != barcode:
            raise SystemExit(f"desk scan of {barcode} failed: {outcome.message}")

    def bare(barcode: str) -> None:
        if connection.execute("SELECT * FROM boxes WHERE barcode = ?", (barcode,)).fetchone() is None:
            raise SystemExit(f"no box {barcode}")

    bare_s = timed_each(bare)
    service_s = timed_each(service)
    ui_s = timed_each(through_ui)
    panel.close()
    tasks.wait_for_tasks()
    panel.deleteLater()
    connection.close()
    db.dispose()
    say(f"desk scan ({len(barcodes)} random barcodes, medians): ScanRun.handle {seconds(service_s)}, "
        f"ScanPanel.scan to `scanned` (with the box's history) {seconds(ui_s)}, bare {seconds(bare_s)}")
    return [Row("desk scan to box shown (ScanRun.handle)", service_s, bare_s, 0.1),
            Row("desk scan to box shown (desk ScanPanel)", ui_s, bare_s, 0.1)]


# -- due queue -------------------------------------------------------------------------------

def bench_due(path: Path, as_of: date, runs: int) -> list[Row]:
    command = [sys.executable, "-m", "paperless_ig", "disposal", "due", "--json", "--as-of",
               as_of.isoformat(), "--db", str(path), "--user", LOGIN]
    output: list[str] = []

    def app() -> None:
        output[:] = [subprocess.run(command, capture_output=True, text=True, check=True).stdout]

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    counted: list[int] = []
    bare_s = median_of(lambda: counted.append(bare_due_count(connection, as_of)), runs)
    connection.close()
    app_s = median_of(app, runs)
    listed = len(json.loads(output[0]))
    if listed != counted[-1]:
        say(f"  note: the command listed {listed:,} boxes, the bare count says {counted[-1]:,}")
    say(f"due queue on {as_of}: {listed:,} boxes, {len(output[0]) / 1e6:.0f} MB of JSON; whole command "
        f"{seconds(app_s)}, bare count {seconds(bare_s)}")
    return [Row("due queue (disposal due --json)", app_s, bare_s, 2.0)]


# -- trends and position statement -------------------------------------------------------------

TRENDS_BARE = ("SELECT team_id, strftime('%Y-%m', received_on) AS month, COUNT(*), SUM(width_mm) "
               "FROM boxes WHERE received_on >= ? AND received_on <= ? GROUP BY team_id, month")
POSITION_BARE = "SELECT team_id, COUNT(*), SUM(width_mm) FROM boxes GROUP BY team_id"


def bench_trends(path: Path, as_of: date, repeat: int) -> list[Row]:
    from paperless_ig.services import trends
    from paperless_ig.store.database import Database

    db = Database(str(path))
    report = trends.team_trends(db, as_of)
    app_s = best_of(lambda: trends.team_trends(db, as_of), repeat)
    db.dispose()
    window = (report.months[0].isoformat(), as_of.isoformat())
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    bare_s = best_of(lambda: connection.execute(TRENDS_BARE, window).fetchall(), repeat)
    connection.close()
    say(f"trends to {as_of}: team_trends {seconds(app_s)} ({len(report.teams)} teams), bare GROUP BY "
        f"team, month {seconds(bare_s)}")
    return [Row("trends (team_trends)", app_s, bare_s)]


def bench_position(path: Path, as_of: date, repeat: int, folder: Path) -> list[Row]:
    from paperless_ig.services import position
    from paperless_ig.store.database import Database

    db = Database(str(path))
    out = folder / "position-statement.xlsx"
    steps: list[tuple[float, str]] = []
    start = time.perf_counter()
    figures = position.write_statement(db, out, as_of,
                                       lambda _d, _t, message: steps.append((time.perf_counter() - start,
                                                                             message)))
    first = time.perf_counter() - start
    slow = [f"{message} {until - at:.1f} s" for (at, message), (until, _next) in itertools.pairwise(steps)
            if until - at >= 1]
    times = [first]  # the first run is the warm-up; it counts only when it is the only one
    for _ in range(repeat):
        start = time.perf_counter()
        position.write_statement(db, out, as_of)
        times.append(time.perf_counter() - start)
    app_s = min(times[1:] or times)
    db.dispose()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    bare_s = best_of(lambda: connection.execute(POSITION_BARE).fetchall(), max(repeat, 2))
    connection.close()
    say(f"position statement on {as_of}: write_statement {seconds(app_s)} (first run {seconds(first)}, "
        f"{out.stat().st_size / 1024:,.0f} KiB, {figures['boxes_held']:,} boxes held); bare GROUP BY "
        f"team {seconds(bare_s)}" + (f"; slowest steps: {', '.join(slow)}" if slow else ""))
    return [Row("position statement (write_statement)", app_s, bare_s, 60.0)]


# -- search ----------------------------------------------------------------------------------

def bench_search(path: Path, runs: int) -> list[Row]:
    from paperless_ig.services import search
    from paperless_ig.store.database import Database

    db = Database(str(path))
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = []
    for label, word in query_words().items():
        match = search.fts5_query(word)
        hits = search.search(db, word)
        app_s = median_of(lambda w=word: search.search(db, w), runs)
        pages_only = median_of(lambda w=word: search.search(db, w, metadata=False), runs)
        bare_s = median_of(lambda m=match: connection.execute(
            "SELECT rowid, bm25(page_search) FROM page_search WHERE page_search MATCH ? "
            "ORDER BY rank LIMIT 20", (m,)).fetchall(), runs)
        pages = connection.execute("SELECT count(*) FROM page_search WHERE page_search MATCH ?",
                                   (match,)).fetchone()[0]
        with_barcode = sum(1 for hit in hits if hit.kind == "page" and hit.barcode)
        say(f"search {label} {word!r} (on {pages:,} pages): search() {seconds(app_s)}, pages only "
            f"{seconds(pages_only)}, bare FTS5 {seconds(bare_s)}; {len(hits)} hits, "
            f"{with_barcode} page hits with a barcode")
        rows.append(Row(f"search, {label} ({pages:,} pages)", app_s, bare_s, 0.5))
    connection.close()
    db.dispose()
    return rows


# -- the run ---------------------------------------------------------------------------------

def newest_received(path: Path) -> date:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        newest = connection.execute("SELECT max(received_on) FROM boxes").fetchone()[0]
    finally:
        connection.close()
    return date.fromisoformat(str(newest)[:10])


def print_table(rows: list[Row]) -> None:
    cells = [("what", "app", "baseline", "target", "ok")]
    for row in rows:
        ok = "—" if row.target is None else ("yes" if row.app < row.target else "NO")
        target = "—" if row.target is None else f"< {seconds(row.target)}"
        cells.append((row.what, seconds(row.app), seconds(row.baseline), target, ok))
    widths = [max(len(cell[i]) for cell in cells) for i in range(5)]
    for number, cell in enumerate(cells):
        print("| " + " | ".join(text.ljust(width) if i == 0 else text.rjust(width)
                                for i, (text, width) in enumerate(zip(cell, widths, strict=True))) + " |")
        if number == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="build here, or reuse this file if it has boxes and pages")
    parser.add_argument("--boxes", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="runs of each quick figure (median)")
    parser.add_argument("--scans", type=int, default=50, help="random barcodes scanned at the desk")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of trends and the position statement (best)")
    parser.add_argument("--startup-child", choices=("app", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.startup_child:
        startup_child(args.startup_child, str(args.db))
        return

    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_kind, _context, message: str) -> None:
        # The offscreen platform says this for every top-level widget shown; nothing is wrong.
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory(prefix="paperless-scale-") as temporary:
        folder = Path(temporary)
        path = (args.db or folder / "scale.sqlite3").expanduser().resolve()
        boxes, pages = contents(path)
        if boxes == 0:
            if pages:
                raise SystemExit(f"{path} has pages but no boxes: give a new file or one with boxes")
            say(f"boxes loaded in {load_boxes(path, args.boxes):.0f} s")
        if pages == 0 and args.pages:
            say(f"pages written and indexed in {load_pages(path, args.pages):.0f} s")
        boxes, pages = contents(path)
        as_of = newest_received(path)
        say(f"database {path}: {boxes:,} boxes, {pages:,} pages, {path.stat().st_size / 1e9:.2f} GB; "
            f"as of {as_of}")
        rows = bench_startup(path, args.runs)
        rows += bench_store(path, args.runs)
        rows += bench_scan(path, args.scans)
        rows += bench_due(path, as_of, args.runs)
        rows += bench_trends(path, as_of, args.repeat)
        rows += bench_position(path, as_of, args.repeat, folder)
        if pages:
            rows += bench_search(path, args.runs)
        app.processEvents()
    print()
    print(f"{boxes:,} boxes, {pages:,} pages; whole run {time.perf_counter() - _started:.0f} s")
    print_table(rows)


if __name__ == "__main__":
    main()
