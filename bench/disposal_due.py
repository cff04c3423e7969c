"""The due queue at scale: `paperless-ig disposal due --json` beside a bare indexed SQL count.

    python bench/disposal_due.py [--db FILE] [--boxes 1000000]

Without --db a demo database of --boxes boxes is made first. The baseline
is the same question asked of SQLite directly: how many boxes are due and
not held, counted over the (status, disposal_date) index with the holds
written in by hand, as the app does. Both run on the same file in the same
run; the script prints each time and the ratio.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from common import bare_due_count


def bare_count(path: Path, as_of: date) -> tuple[int, float]:
    connection = sqlite3.connect(path)
    start = time.perf_counter()
    count = bare_due_count(connection, as_of)
    elapsed = time.perf_counter() - start
    connection.close()
    return count, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--boxes", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "due.sqlite3"
        if args.db is None:
            subprocess.run([sys.executable, "-m", "paperless_ig", "demo", "--boxes", str(args.boxes),
                            "--db", str(path), "--user", "bench"], check=True)
        as_of = date.today()
        bare_count(path, as_of)  # warm the file cache for both sides alike
        count, bare = bare_count(path, as_of)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "paperless_ig", "disposal", "due", "--json",
                                 "--as-of", as_of.isoformat(), "--db", str(path), "--user", "bench"],
                                capture_output=True, text=True, check=True)
        app = time.perf_counter() - start
        rows = json.loads(result.stdout)
    assert len(rows) == count, (len(rows), count)
    print(f"due boxes: {count:,}")
    print(f"bare indexed SQL count: {bare * 1000:.0f} ms")
    print(f"paperless-ig disposal due --json (whole process, {len(result.stdout) / 1e6:.0f} MB "
          f"of JSON): {app * 1000:.0f} ms")
    print(f"ratio: {app / bare:.1f}x")


if __name__ == "__main__":
    main()
