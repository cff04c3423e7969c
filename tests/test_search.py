"""Search: page text ranked with snippets, and box details first."""

from __future__ import annotations

from datetime import date

import pytest

from paperless_ig.domain.errors import BadInput
from paperless_ig.services import audit, deposits, schedule, search, teams
from paperless_ig.services.scanning import index_text
from paperless_ig.store.models import Box, BoxFile, ScanBatch, ScanPage
from tests.conftest import ADMIN

PAGES = [
    "Minutes of the highways committee on the resurfacing of the A38 bypass",
    "Invoice from Shire Paving for resurfacing works, paid in March",
    "Letter about school transport appeals and the admissions timetable",
    "Notes of a meeting on library opening hours",
]


@pytest.fixture
def searchable(db):
    return _fill(db)


def _fill(db):
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("O", "D", "HWY", "Highways", "I"))
    codes = deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
        "HWY", "HTR-01-01", [deposits.BoxSpec("Resurfacing contract files", date(2020, 1, 1)),
                             deposits.BoxSpec("School transport appeals", date(2020, 1, 1))])).barcodes
    with db.write() as session:
        boxes = {b.barcode: b for b in session.query(Box).all()}
        session.add(BoxFile(box_id=boxes[codes[1]].id, reference="APP/2020/0042", title="Appeal bundle"))
        batch = ScanBatch(operator=ADMIN, created_at=audit.utcnow(), status="done")
        session.add(batch)
        session.flush()
        for number, content in enumerate(PAGES):
            box = boxes[codes[0] if number < 2 else codes[1]]
            page = ScanPage(batch_id=batch.id, source_file=f"/scans/{number}.png", source_page=0,
                            position=number, box_id=box.id, page_no=number % 2 + 1, text=content,
                            confidence=95.0, status="done")
            session.add(page)
            session.flush()
            index_text(session, page.id, content)
    db.codes = codes
    return db


def test_page_text_is_found_ranked_with_a_highlighted_snippet(searchable):
    hits = [h for h in search.search(searchable, "resurfacing") if h.kind == "page"]
    assert {(h.barcode, h.page) for h in hits} == {(searchable.codes[0], 1), (searchable.codes[0], 2)}
    assert all("[resurfacing]" in h.snippet.lower() for h in hits)
    assert hits[0].score >= hits[-1].score


def test_every_word_must_match_and_stems_match(searchable):
    hits = [h for h in search.search(searchable, "appeal transport") if h.kind == "page"]
    assert [(h.barcode, h.page) for h in hits] == [(searchable.codes[1], 1)]  # "appeals" stems to "appeal"


def test_barcode_title_and_file_reference_come_first(searchable):
    first = search.search(searchable, searchable.codes[1].lower())[0]
    assert (first.barcode, first.kind) == (searchable.codes[1], "box")
    by_reference = search.search(searchable, "APP/2020/0042")
    assert by_reference[0].kind == "file" and by_reference[0].barcode == searchable.codes[1]


def test_odd_input_is_not_a_syntax_error(searchable):
    assert search.search(searchable, 'resurfacing" OR (NEAR') is not None
    with pytest.raises(BadInput):
        search.search(searchable, "  ?! ")


def test_a_word_on_very_many_pages_is_ranked_among_its_newest_matches(sqlite_db, monkeypatch):
    """The limit is SQLite's (FTS5 ranking); PostgreSQL ranks every match."""
    searchable = _fill(sqlite_db)
    monkeypatch.setattr(search, "RANK_ALL_LIMIT", 1)
    hits = [h for h in search.search(searchable, "resurfacing") if h.kind == "page"]
    assert [(h.barcode, h.page) for h in hits] == [(searchable.codes[0], 2)]  # the newer page


def test_box_titles_are_found_by_word_and_follow_changes(searchable):
    from sqlalchemy import update

    hits = [h for h in search.search(searchable, "resurfacing contract") if h.kind == "box"]
    assert [h.barcode for h in hits] == [searchable.codes[0]]
    with searchable.write() as session:
        session.execute(update(Box).where(Box.barcode == searchable.codes[0])
                        .values(title="Bridge inspection reports"))
    assert not [h for h in search.search(searchable, "resurfacing contract") if h.kind == "box"]
    assert [h.barcode for h in search.search(searchable, "bridge inspection")
            if h.kind == "box"] == [searchable.codes[0]]
