"""How long the depositing trends take, against a bare GROUP BY of the same boxes.

Times ``trends.team_trends`` (every team, directorate and the store, with
forecasts, holdings over time, capacity and the disposals due) on a
database, and beside it a bare ``GROUP BY team, month`` over the same
window of boxes run with Python's sqlite3 on the same file: the least any
trend report must do. The ratio says what the rest of the report costs.
Each is run ``--repeat`` times after one warm-up; the best time is printed.

    python bench/trends.py [--db /tmp/big/big.sqlite3] [--months 24] [--as-of 2026-11-26]
"""

from __future__ import annotations

import argparse
import sqlite3
from datetime import date
from pathlib import Path

from common import best_of
from sqlalchemy.engine import make_url

from paperless_ig.services import trends
from paperless_ig.store.database import Database

BIG = Path("/tmp/big/big.sqlite3")

BARE = ("SELECT team_id, strftime('%Y-%m', received_on) AS month, COUNT(*), SUM(width_mm) "
        "FROM boxes WHERE received_on >= ? AND received_on <= ? GROUP BY team_id, month")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(BIG) if BIG.exists() else None,
                        help="database URL or SQLite file (default: /tmp/big/big.sqlite3 if it exists)")
    parser.add_argument("--months", type=int, default=trends.MIN_MONTHS)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="default: the newest box's received date")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.db:
        parser.error("give --db (no /tmp/big/big.sqlite3 here)")
    db = Database(args.db)
    with db.engine.connect() as connection:
        boxes, newest = connection.exec_driver_sql(
            "SELECT COUNT(*), MAX(received_on) FROM boxes").one()
    as_of = args.as_of or (newest if isinstance(newest, date) else date.fromisoformat(str(newest)))
    print(f"{db.describe()}: {boxes:,} boxes; trends over {args.months} months to {as_of}")

    report = trends.team_trends(db, as_of, args.months)
    app = best_of(lambda: trends.team_trends(db, as_of, args.months), args.repeat)
    print(f"team_trends: {app:.3f} s ({len(report.teams)} teams, {len(report.directorates)} "
          f"directorates, {report.store.last_12:,} boxes in the last 12 months)")
    if not db.is_sqlite:
        print("bare baseline: only on SQLite files")
        return
    start = report.months[0].isoformat()
    connection = sqlite3.connect(f"file:{make_url(db.url).database}?mode=ro", uri=True)
    try:
        rows = connection.execute(BARE, (start, as_of.isoformat())).fetchall()
        bare = best_of(lambda: connection.execute(BARE, (start, as_of.isoformat())).fetchall(), args.repeat)
    finally:
        connection.close()
    print(f"bare sqlite3 GROUP BY team, month ({len(rows):,} rows): {bare:.3f} s")
    print(f"ratio team_trends/bare: {app / bare:.1f}x")
    db.dispose()


if __name__ == "__main__":
    main()
