"""Search scanned pages and box details."""

from __future__ import annotations

from paperless_ig.cli.common import open_db
from paperless_ig.cli.registry import arguments, command, emit


@arguments
def _search_args(p):
    p.add_argument("query", nargs="+", help="words, or a barcode")
    p.add_argument("--limit", type=int, default=20)


@command("search", help="search scanned pages and box details")
@_search_args
def search_run(args):
    from paperless_ig.services import search

    hits = search.search(open_db(args), " ".join(args.query), args.limit)
    lines = [f"{h.barcode or '(no box)':<12} {('p' + str(h.page)) if h.page else h.kind:<5} {h.snippet}"
             for h in hits]
    emit(args, [h.as_json() for h in hits], "\n".join(lines) or "nothing found")
