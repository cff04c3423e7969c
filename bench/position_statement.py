"""How long the position statement takes, against a bare GROUP BY of the same boxes.

Times ``position.write_statement`` (every figure, and the workbook with its
seven sheets and charts) on a database, with the time of each step from
its progress reports, and beside it a bare ``GROUP BY team`` counting and
summing the widths of every box, run with Python's sqlite3 on the same
file: the statement's biggest aggregate at its least. The ratio says what
the rest of the statement costs. The statement is run ``--repeat`` times
after one warm-up; the best time is printed.

    python bench/position_statement.py [--db /tmp/big/big.sqlite3] [--as-of 2026-11-26] [--out F.xlsx]
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from common import best_of
from sqlalchemy.engine import make_url

from paperless_ig.services import position
from paperless_ig.store.database import Database

BIG = Path("/tmp/big/big.sqlite3")
BARE = "SELECT team_id, COUNT(*), SUM(width_mm) FROM boxes GROUP BY team_id"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(BIG) if BIG.exists() else None,
                        help="database URL or SQLite file (default: /tmp/big/big.sqlite3 if it exists)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="default: the newest box's received date")
    parser.add_argument("--out", default=None, help="keep the workbook here (default: a temporary file)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not args.db:
        parser.error("give --db (no /tmp/big/big.sqlite3 here)")
    db = Database(args.db)
    with db.engine.connect() as connection:
        boxes, newest = connection.exec_driver_sql(
            "SELECT COUNT(*), MAX(received_on) FROM boxes").one()
    as_of = args.as_of or (newest if isinstance(newest, date) else date.fromisoformat(str(newest)))
    print(f"{db.describe()}: {boxes:,} boxes; position statement on {as_of}")

    with tempfile.TemporaryDirectory() as folder:
        out = Path(args.out) if args.out else Path(folder) / "position-statement.xlsx"
        steps: list[tuple[float, str]] = []
        start = time.perf_counter()

        def record(_done: int, _total: int, message: str) -> None:
            steps.append((time.perf_counter() - start, message))

        figures = position.write_statement(db, out, as_of, record)
        first = time.perf_counter() - start
        print(f"first run (cold): {first:.3f} s; {out.stat().st_size / 1024:,.0f} KiB written")
        for (at, message), (until, _next) in itertools.pairwise(steps):
            if until - at >= 0.05:
                print(f"  {until - at:6.3f} s  {message}")
        app = best_of(lambda: position.write_statement(db, out, as_of), args.repeat)
        print(f"write_statement: {app:.3f} s ({figures['boxes_held']:,} boxes held, "
              f"{figures['sheets']['Teams']} teams, {figures['sheets']['Overdue boxes']:,} overdue "
              f"boxes listed)")
    if not db.is_sqlite:
        print("bare baseline: only on SQLite files")
        return
    connection = sqlite3.connect(f"file:{make_url(db.url).database}?mode=ro", uri=True)
    try:
        rows = connection.execute(BARE).fetchall()
        bare = best_of(lambda: connection.execute(BARE).fetchall(), args.repeat)
    finally:
        connection.close()
    print(f"bare sqlite3 GROUP BY team ({len(rows):,} rows): {bare:.3f} s")
    print(f"ratio write_statement/bare: {app / bare:.1f}x")
    db.dispose()


if __name__ == "__main__":
    main()
