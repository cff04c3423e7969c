"""Full-text and metadata search: scanned pages, box titles, file lists, barcodes.

Page text is searched with SQLite FTS5 (bm25 ranking, porter stemming) or
PostgreSQL full-text search (ts_rank over an expression GIN index), each
with a highlighted snippet; box metadata matches come first, as a person
typing a barcode or a title wants that box. The user's words are quoted
before they reach FTS5, so no input is a syntax error. A word found on more
than ``RANK_ALL_LIMIT`` pages is ranked among its newest matches only, which
keeps a search for "council" on a million pages well under a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select, text

from paperless_ig.domain.barcodes import clean_scanned
from paperless_ig.domain.errors import BadInput
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, BoxFile

_WORD = re.compile(r"[\w']+", re.UNICODE)
MARK_OPEN, MARK_CLOSE = "[", "]"


@dataclass(frozen=True)
class Hit:
    barcode: str | None
    page: int | None  # page number within the box's PDF; None for a metadata match
    snippet: str
    score: float
    kind: str  # "page", "box" or "file"
    page_id: int | None = None

    def as_json(self) -> dict:
        return {"barcode": self.barcode, "page": self.page, "snippet": self.snippet,
                "score": round(self.score, 4), "kind": self.kind, "page_id": self.page_id}


def words(query: str) -> list[str]:
    return [w for w in _WORD.findall(query) if w.strip("'")]


def fts5_query(query: str) -> str:
    """Every word must appear; each is quoted, so punctuation never breaks the query."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words(query))


# Ranking every match of a word on most pages costs seconds at a million pages
# (bm25 per match); past this many matches only the newest are ranked.
RANK_ALL_LIMIT = 10_000


def _pages_sqlite(session, query: str, limit: int) -> list[Hit]:
    match = fts5_query(query)
    params = {"q": match, "n": limit, "open": MARK_OPEN, "close": MARK_CLOSE, "floor": 0}
    matches = session.execute(text("SELECT count(*) FROM page_search WHERE page_search MATCH :q"),
                              {"q": match}).scalar_one()
    if matches > RANK_ALL_LIMIT:
        params["floor"] = session.execute(text(
            "SELECT min(rowid) FROM (SELECT rowid FROM page_search WHERE page_search MATCH :q "
            "ORDER BY rowid DESC LIMIT :keep)"), {"q": match, "keep": RANK_ALL_LIMIT}).scalar_one()
    rows = session.execute(text(
        "SELECT p.id, b.barcode, p.page_no, "
        "snippet(page_search, 0, :open, :close, '…', 12) AS snip, bm25(page_search) AS rank "
        "FROM page_search JOIN scan_pages p ON p.id = page_search.rowid "
        "LEFT JOIN boxes b ON b.id = p.box_id "
        "WHERE page_search MATCH :q AND page_search.rowid >= :floor ORDER BY rank LIMIT :n"),
        params).all()
    return [Hit(barcode, page, " ".join(snip.split()), -rank, "page", page_id)
            for page_id, barcode, page, snip, rank in rows]


def _pages_postgres(session, query: str, limit: int) -> list[Hit]:
    rows = session.execute(text(
        "WITH q AS (SELECT plainto_tsquery('english', :q) AS query), "
        "top AS (SELECT p.id, p.box_id, p.page_no, p.text, "
        "        ts_rank(to_tsvector('english', p.text), q.query) AS rank "
        "        FROM scan_pages p, q WHERE to_tsvector('english', p.text) @@ q.query "
        "        ORDER BY rank DESC LIMIT :n) "
        "SELECT top.id, b.barcode, top.page_no, "
        "ts_headline('english', top.text, q.query, "
        "  'StartSel=[, StopSel=], MaxWords=18, MinWords=6, ShortWord=2') AS snip, top.rank "
        "FROM top CROSS JOIN q LEFT JOIN boxes b ON b.id = top.box_id ORDER BY top.rank DESC"),
        {"q": query, "n": limit}).all()
    return [Hit(barcode, page, " ".join(snip.split()), float(rank), "page", page_id)
            for page_id, barcode, page, snip, rank in rows]


def _metadata(session, query: str, limit: int) -> list[Hit]:
    hits: list[Hit] = []
    code = clean_scanned(query).upper()
    exact = session.execute(select(Box.barcode, Box.title).where(
        or_(Box.barcode == code, Box.barcode == clean_scanned(query)))).first()
    if exact:
        hits.append(Hit(exact[0], None, exact[1], 100.0, "box"))
    terms = words(query)
    if terms:
        for barcode, title in _titles(session, query, limit):
            if not exact or barcode != exact[0]:
                hits.append(Hit(barcode, None, title, 10.0, "box"))
        file_match = [or_(func.lower(BoxFile.title).like(f"%{t.lower()}%"),
                          func.lower(BoxFile.reference).like(f"%{t.lower()}%")) for t in terms]
        for barcode, reference, title in session.execute(
                select(Box.barcode, BoxFile.reference, BoxFile.title)
                .join(Box, Box.id == BoxFile.box_id).where(*file_match).limit(limit)):
            hits.append(Hit(barcode, None, f"{reference} {title}".strip(), 5.0, "file"))
    return hits[:limit]


def _titles(session, query: str, limit: int):
    """Boxes whose title has every word, from the title index (a million boxes in milliseconds)."""
    if session.get_bind().dialect.name == "sqlite":
        return session.execute(text(
            "SELECT b.barcode, b.title FROM box_search JOIN boxes b ON b.id = box_search.rowid "
            "WHERE box_search MATCH :q ORDER BY rank LIMIT :n"),
            {"q": fts5_query(query), "n": limit}).all()
    return session.execute(text(
        "SELECT barcode, title FROM boxes "
        "WHERE to_tsvector('english', title) @@ plainto_tsquery('english', :q) LIMIT :n"),
        {"q": query, "n": limit}).all()


def search(db: Database, query: str, limit: int = 20, metadata: bool = True) -> list[Hit]:
    if not words(query):
        raise BadInput("type at least one word or a barcode to search for")
    with db.read() as session:
        found = _metadata(session, query, limit) if metadata else []
        pages = (_pages_sqlite if db.is_sqlite else _pages_postgres)(session, query, limit)
    return (found + pages)[:limit]
