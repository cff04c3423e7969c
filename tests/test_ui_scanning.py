"""The scanning screen and the search panel as an operator uses them, on real Tesseract."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from paperless_ig.services import deposits, digitisation, scanning, schedule, teams
from paperless_ig.services.scanning import FINISHED, PageDone
from paperless_ig.store.models import ScanPage
from paperless_ig.ui import tasks
from paperless_ig.ui.scanning import ScanningPage, progress_text, summary_html, time_left_text
from paperless_ig.ui.search_panel import HTML_ROLE, SearchPanel, marked_text_html, snippet_html
from tests import samples
from tests.conftest import ADMIN

pytestmark = pytest.mark.gui
WAIT = 30_000
OCR_WAIT = 240_000  # about a second a page, on a loaded two-core machine
LINES = 8


@pytest.fixture
def boxes_db(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERLESS_IG_DOCUMENTS", str(tmp_path / "documents"))
    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("O", "D", "FIN-AP", "Accounts Payable", "I"))
    sqlite_db.codes = deposits.log_deposit(sqlite_db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Paid invoices", date(2019, 6, 5))] * 2)).barcodes
    yield sqlite_db
    tasks.wait_for_tasks()


@pytest.fixture
def screen(qtbot, boxes_db):
    page = ScanningPage(boxes_db, ADMIN, workers=2)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    with qtbot.waitSignal(page.review_loaded, timeout=WAIT):
        page.show()
    yield page
    page.cancel()
    tasks.wait_for_tasks()


def _scans(folder: Path, pages: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, start=1):
        samples.save(page, folder / f"scan{number:03d}.png")
    return folder


def _act(qtbot, screen, action):
    """Do a review action; wait for its outcome and the queue that follows it."""
    outcomes = []

    def record(item) -> None:
        outcomes.append(item)

    screen.review_changed.connect(record)
    try:
        with qtbot.waitSignals([screen.review_changed, screen.review_loaded], order="strict",
                               timeout=OCR_WAIT):
            action()
    finally:
        screen.review_changed.disconnect(record)
    return outcomes[0]


def _finished_pages(db) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(ScanPage)
                               .where(ScanPage.status.in_(FINISHED))).scalar_one()


def test_a_batch_streams_in_is_summed_up_and_its_pages_are_reviewed(qtbot, qtmodeltester, screen,
                                                                     tmp_path):
    db, (first, _second) = screen.db, screen.db.codes
    folder = _scans(tmp_path / "scans", [samples.text_page(4, LINES),  # before any cover sheet
                                         samples.cover_page(first), samples.text_page(1, LINES),
                                         samples.text_page(2, LINES, skew_degrees=1.0),
                                         samples.text_page(3, LINES), samples.blank_page()])
    arrivals: list[int] = []
    screen.pages_arrived.connect(arrivals.append)
    # WHEN the operator starts the batch
    with qtbot.waitSignal(screen.batch_finished, timeout=OCR_WAIT) as finished:
        screen.start_batch([folder])
    report = finished.args[0]
    # THEN every page streamed into the grid, in scan order, with its status
    model = screen.grid_model
    assert arrivals and arrivals[-1] == model.rowCount() == 6
    assert [Path(e.done.file).name for e in model.entries] == [f"scan{n:03d}.png" for n in range(1, 7)]
    assert Counter(e.done.status for e in model.entries) == Counter(
        {"cover": 1, "done": 4, "blank": 1})
    qtmodeltester.check(model)
    # ... each with a thumbnail; the cover sheet names its box, the page before it has none
    qtbot.waitUntil(lambda: model.pictured() == 6, timeout=WAIT)
    assert all(e.image is not None and e.image.width() <= 104 for e in model.entries)
    assert model.entries[1].cover == first and model.entries[1].caption == f"→ {first}"
    assert model.entries[0].unfiled and model.entries[0].caption.endswith("· no box")
    assert [e.box for e in model.entries[2:]] == [first] * 4
    # ... and the summary shows the box, its pages and its PDF
    assert report["boxes"][first]["pages"] == 3 and report["blank"] == 1 and report["unassigned"] == 1
    assert screen.box_table.rowCount() == 1
    assert screen.box_table.item(0, 0).text() == first
    assert screen.box_table.item(0, 1).text() == "3"
    assert screen.box_table.item(0, 2).text() == report["boxes"][first]["pdf"]
    assert Path(report["boxes"][first]["pdf"]).exists()
    summary = screen.summary.text()
    assert "3 pages filed in 1 box" in summary and "1 blank page" in summary
    assert "1 page with no box" in summary
    assert screen.progress_label.text().startswith("Finished: 6 pages")
    # WHEN the operator opens the review queue of the batch
    qtbot.waitUntil(lambda: screen.review_button.text() == "Review 2 pages →", timeout=WAIT)
    screen.review_button.click()
    assert screen.tabs.currentWidget() is screen.review_tab
    qtbot.waitUntil(lambda: screen.review_model.rowCount() == 2
                    and screen.review_batch.currentData() == report["batch_id"], timeout=WAIT)
    qtmodeltester.check(screen.review_model)
    items = {item.status: item for item in screen.review_model.items}
    blank, unfiled = items["blank"], items["done"]
    assert unfiled.box is None
    # THEN the blank page shows its picture (the scan itself: a blank page has no PDF) and no text
    with qtbot.waitSignal(screen.page_shown, timeout=WAIT,
                          check_params_cb=lambda page_id: page_id == blank.page_id):
        assert screen.select_review_page(blank.page_id)
    assert screen.review_image.image is not None
    assert "blank" in screen.review_reason.text().lower()
    # WHEN it is accepted
    assert _act(qtbot, screen, screen.accept_button.click).page_id == blank.page_id
    assert screen.review_model.rowCount() == 1
    assert "accepted" in screen.review_message.text()
    # WHEN the page with no box is re-read turned, then filed by scanning its box's barcode
    with qtbot.waitSignal(screen.page_shown, timeout=WAIT,
                          check_params_cb=lambda page_id: page_id == unfiled.page_id):
        assert screen.select_review_page(unfiled.page_id)
    assert not screen.accept_button.isEnabled()  # it needs a box first
    reread = _act(qtbot, screen, screen.turn_buttons[180].click)
    assert reread.page_id == unfiled.page_id and reread.box is None
    assert screen.current_review_item().page_id == unfiled.page_id

    def scan_barcode():
        qtbot.keyClicks(screen.reassign_field, f" {first.lower()} ")
        qtbot.keyClick(screen.reassign_field, "\r")

    assert _act(qtbot, screen, scan_barcode).box == first
    # (read upside down it may read poorly and stay in the queue: the operator accepts it)
    if screen.review_model.rowCount():
        assert screen.current_review_item().box == first
        _act(qtbot, screen, screen.accept_button.click)
    # THEN the queue is empty, on the screen and in the database
    assert screen.review_model.rowCount() == 0
    assert digitisation.review_queue(db) == []
    assert digitisation.outputs_for_box(db, first)[-1]["pages"] == 4
    qtbot.waitUntil(lambda: screen.batch_table.rowCount() == 1
                    and screen.batch_table.item(0, 5).text() == "—", timeout=WAIT)


def test_cancel_keeps_the_pages_read_and_start_carries_on(qtbot, screen, tmp_path):
    db, (first, _second) = screen.db, screen.db.codes
    folder = _scans(tmp_path / "scans", [samples.cover_page(first)]
                    + [samples.text_page(10 + n, LINES) for n in range(7)])
    # GIVEN a batch of 8 pages, cancelled as soon as the first page arrives
    screen.pages_arrived.connect(lambda _count: screen.cancel())
    with qtbot.waitSignal(screen.batch_cancelled, timeout=OCR_WAIT):
        screen.start_batch([folder])
    screen.pages_arrived.disconnect()
    shown = screen.grid_model.rowCount()
    finished = _finished_pages(db)
    # THEN fewer pages finished than exist, and each finished page was shown
    assert 1 <= shown == finished < 8
    assert "Cancelled" in screen.progress_label.text()
    assert screen.start_button.isEnabled() and not screen.cancel_button.isEnabled()
    # WHEN the operator starts the same folder again
    with qtbot.waitSignal(screen.batch_finished, timeout=OCR_WAIT) as done:
        screen.start()
    report = done.args[0]
    # THEN the batch carries on: only the pages left are read, and every page is there once
    assert report["resumed"] is True
    assert report["pages"] == 8 and report["pages_read"] == 8 - finished
    assert screen.grid_model.rowCount() == 8 - finished
    assert report["boxes"][first]["pages"] == 7
    with db.read() as session:
        assert session.execute(select(func.count()).select_from(ScanPage)).scalar_one() == 8
    assert _finished_pages(db) == 8
    assert "carried on from an earlier run" in screen.summary.text()


def test_search_finds_a_page_with_its_match_in_bold_and_opens_it(qtbot, qtmodeltester, boxes_db,
                                                                  tmp_path):
    first = boxes_db.codes[0]
    wanted = samples.text_page(21, LINES)
    folder = _scans(tmp_path / "scans", [samples.cover_page(first), samples.text_page(20, LINES), wanted])
    scanning.run_batch(boxes_db, ADMIN, [folder], workers=2)
    word = max(wanted.text.split(), key=len).lower()
    panel = SearchPanel(boxes_db, ADMIN)
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.show()
    # WHEN a word on the page is searched for
    with qtbot.waitSignal(panel.results_ready, timeout=WAIT) as ready:
        panel.search(word)
    hits = ready.args[0]
    # THEN a page hit for the box comes back, its match in bold
    pages = [row for row, hit in enumerate(hits) if hit.kind == "page" and hit.barcode == first]
    assert pages, hits
    qtmodeltester.check(panel.model)
    html_text = panel.model.index(pages[0]).data(HTML_ROLE)
    assert f"<b>{word}</b>" in html_text.lower()
    assert first in html_text
    # WHEN it is opened
    with qtbot.waitSignal(panel.opened, timeout=WAIT):
        panel.open_row(pages[0])
    # THEN the page's text and its picture are shown
    assert word in panel.page_text.toPlainText().lower()
    assert panel.page_image.image is not None
    assert panel.open_pdf_button.isEnabled()
    # AND a box barcode finds the box, which opens on its card
    with qtbot.waitSignal(panel.results_ready, timeout=WAIT) as ready:
        panel.search(first)
    assert ready.args[0][0].kind == "box"
    with qtbot.waitSignal(panel.opened, timeout=WAIT):
        panel.open_row(0)
    assert panel.card.barcode == first
    assert "Searchable PDFs" in panel.outputs.text()


def test_words_for_people():
    assert snippet_html("a <b> & [Invoice] … [paid]") == "a &lt;b&gt; &amp; <b>Invoice</b> … <b>paid</b>"
    assert progress_text(12, 40, 12, 6.1) == "page 12 of 40 · 118 pages a minute · about 15 s left"
    assert progress_text(0, 40, 0, 0.5) == "page 0 of 40 · working out the speed…"
    assert progress_text(40, 40, 40, 20) == "page 40 of 40 · 120 pages a minute"
    assert time_left_text(3.25) == "about 3.2 min left"
    assert time_left_text(125) == "about 2 h 5 min left"
    marked = marked_text_html("Paid invoices <2019>\nnothing else", ["invoice"])
    assert "<b>invoices</b>" in marked and "&lt;2019&gt;" in marked and "name='first'" in marked
    report = {"batch_id": 4, "pages": 6, "pages_read": 2, "seconds": 3.0, "pages_per_minute": 40.0,
              "resumed": True, "boxes": {"BX1": {"pages": 4, "pdf": "/x.pdf", "sha256": "0"}},
              "unassigned": 1, "low_confidence": 0, "blank": 0,
              "failed": [{"file": "/scans/bad.png", "reason": "not an image, or a damaged one"}]}
    text = summary_html(report)
    assert "Batch 4: 6 pages" in text and "4 pages filed in 1 box" in text
    assert "1 page with no box" in text and "bad.png: not an image" in text
    assert "carried on from an earlier run (4 pages already read)" in text


def test_page_feed_hands_pages_over_in_batches(qtbot):
    import threading

    from paperless_ig.ui.scanning import PageFeed

    feed = PageFeed()
    batches: list[list] = []
    feed.pages.connect(batches.append)
    pages = [PageDone(n, "/s/a.png", 1, "done", 90.0, 0, 0.0, 10, None, None) for n in range(30)]
    worker = threading.Thread(target=lambda: [feed.push(p) for p in pages])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: sum(len(b) for b in batches) == 30, timeout=WAIT)
    assert len(batches) < 5  # not one hand-over per page


def test_the_grid_marks_pages_with_no_box_as_the_pipeline_will_file_them(qtmodeltester):
    from paperless_ig.ui.scanning import PageGridModel

    def page(page_id: int, number: int, status: str) -> PageDone:
        return PageDone(page_id, f"/s/scan{number}.png", 1, status, 95.0, 0, 0.0, 40, None, None)

    model = PageGridModel()
    # GIVEN pages arriving out of order: scan1 (text), scan2 (cover), scan3 and scan10 (text)
    model.add([page(3, 3, "done"), page(10, 10, "done")])
    assert [e.unfiled for e in model.entries] == [True, True]  # no cover sheet seen yet
    model.add([page(2, 2, "cover"), page(1, 1, "done")])
    # THEN they sit in scan order (scan10 after scan3), and only scan1 has no box
    assert [e.done.page_id for e in model.entries] == [1, 2, 3, 10]
    assert [e.unfiled for e in model.entries] == [True, False, False, False]
    assert model.entries[0].caption == "95% · no box"
    # WHEN the cover sheet's barcode is read back with its thumbnail
    model.set_thumbnail(2, None, "BX0000001H")
    assert [e.box for e in model.entries] == [None, None, "BX0000001H", "BX0000001H"]
    assert model.entries[1].caption == "→ BX0000001H"
    # AND a resumed run (earlier pages unseen) guesses nothing
    model.stop_inferring()
    assert not any(e.unfiled for e in model.entries)
    qtmodeltester.check(model)
