"""How fast `paperless-ig demo --boxes N` fills a database, against a bare baseline.

Prints boxes per second for the real command (a subprocess, as a user runs
it) and for a bare baseline on the same machine in the same run: the same
number of box-shaped rows inserted with plain sqlite3 ``executemany`` into
the same migrated schema. The ratio says what the app's realism (deposits,
locations, holds, loans, disposal history, audit chain) costs.

    python bench/demo_load.py [--boxes 1000000] [--db URL]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from paperless_ig.store import migrate
from paperless_ig.store.database import Database


def time_demo(url: str, boxes: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "paperless_ig", "demo", "--boxes", str(boxes),
                    "--seed", "1", "--db", url, "--user", "bench"], check=True)
    return time.perf_counter() - start


def time_baseline(path: Path, boxes: int) -> float:
    db = Database(str(path))
    migrate.upgrade(db)
    db.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    with connection:
        connection.execute("INSERT INTO organisations (id, name, short_name) VALUES (1, 'o', 'o')")
        connection.execute("INSERT INTO directorates (id, organisation_id, name) VALUES (1, 1, 'd')")
        connection.execute("INSERT INTO teams (id, code, name, directorate_id, iao, data_owner, active)"
                           " VALUES (1, 't', 't', 1, '', '', 1)")
        connection.execute("INSERT INTO retention_classes (id, code, function, activity, "
                           "\"transaction\", trigger, period_months, action, authority, "
                           "paper_may_go_when_digitised, active) "
                           "VALUES (1, 'c', 'f', 'a', 't', 'closure', 72, 'destroy', '', 0, 1)")
        today = date.today().isoformat()
        rows = ((i, f"BX{i:07d}X", 0, 1, 1, f"Financial records {i}", today, today, today, today,
                 today, "official", 143, 10.0, "in_store", 1, today) for i in range(1, boxes + 1))
        connection.executemany(
            "INSERT INTO boxes (id, barcode, legacy, team_id, class_id, title, date_from, date_to,"
            " trigger_date, disposal_date, received_on, security, width_mm, weight_kg, status,"
            " version, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=1_000_000)
    parser.add_argument("--db", help="run the app's load against this URL instead of a temp SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        app = time_demo(url, args.boxes)
        bare = time_baseline(Path(folder) / "bare.sqlite3", args.boxes)
    print(f"demo --boxes {args.boxes}: {app:.1f} s, {args.boxes / app:,.0f} boxes/s")
    print(f"bare sqlite3 executemany of {args.boxes} box rows: {bare:.1f} s, "
          f"{args.boxes / bare:,.0f} boxes/s")
    print(f"ratio app/bare time: {app / bare:.1f}x")


if __name__ == "__main__":
    main()
