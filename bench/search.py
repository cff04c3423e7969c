"""Full-text search over a million pages: how long a query takes, beside a bare FTS5 query.

    python bench/search.py [--pages 1000000] [--db FILE]

Fills a SQLite database (migrated by the app) with ``--pages`` pages of
generated text over a 40,000-word vocabulary with a Zipf-like spread (a few
words on most pages, most words on few), indexes them with the app's FTS5
table, then times ``search()`` for rare, middling and common words and a
two-word query, each beside the bare FTS5 MATCH on the same file, and
prints median milliseconds and the ratio. Target: well under a second.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from paperless_ig.services import search
from paperless_ig.store import migrate
from paperless_ig.store.database import Database

SYLLABLES = ["ka", "lo", "mi", "ren", "sto", "pa", "gel", "un", "tor", "vis", "ab", "ex",
             "dor", "fen", "hul", "ist", "jo", "ment", "ner", "os", "quil", "rit", "sem", "ul"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def fill(path: Path, pages: int) -> list[str]:
    db = Database(str(path))
    migrate.upgrade(db)
    db.dispose()
    rng = random.Random(1)
    words = vocabulary(40_000, rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        connection.execute("INSERT INTO scan_batches (id, operator, created_at, status, source) "
                           "VALUES (1, 'bench', '2026-01-01 00:00:00', 'done', '')")
    chunk = 20_000
    for start in range(0, pages, chunk):
        rows = []
        for page_id in range(start + 1, min(start + chunk, pages) + 1):
            text = " ".join(rng.choices(words, weights, k=80))
            rows.append((page_id, 1, f"/scans/{page_id}.png", 0, page_id, text, 90.0, "done"))
        with connection:
            connection.executemany(
                "INSERT INTO scan_pages (id, batch_id, source_file, source_page, position, text, "
                "confidence, status, rotation, blank, cover_sheet, manual_box) "
                "VALUES (?,?,?,?,?,?,?,?,0,0,0,0)", rows)
    with connection:
        connection.execute("INSERT INTO page_search(page_search) VALUES ('rebuild')")
    connection.close()
    return words


def timed(function, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None, help="reuse (or create) this database file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "search.sqlite3"
        if not path.exists():
            started = time.perf_counter()
            fill(path, args.pages)
            print(f"filled and indexed {args.pages:,} pages in {time.perf_counter() - started:.0f} s")
        words = vocabulary(40_000, random.Random(1))
        db = Database(str(path))
        bare = sqlite3.connect(path)
        queries = {"rare word": words[-7], "middling word": words[400], "common word": words[3],
                   "two words": f"{words[3]} {words[900]}"}
        print(f"{'query':<15} {'app ms':>8} {'bare ms':>8} {'ratio':>6}  hits")
        for label, query in queries.items():
            app = timed(lambda q=query: search.search(db, q, metadata=False))
            raw = timed(lambda q=query: bare.execute(
                "SELECT rowid, bm25(page_search) FROM page_search WHERE page_search MATCH ? "
                "ORDER BY rank LIMIT 20", (search.fts5_query(q),)).fetchall())
            hits = bare.execute("SELECT count(*) FROM page_search WHERE page_search MATCH ?",
                                (search.fts5_query(query),)).fetchone()[0]
            print(f"{label:<15} {app:8.1f} {raw:8.1f} {app / raw:6.2f}  {hits:,}")
        db.dispose()
        bare.close()


if __name__ == "__main__":
    main()
