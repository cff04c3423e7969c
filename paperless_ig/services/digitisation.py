"""The scanning operator's review: pages that read badly, blank pages, and pages
with no box, each shown beside its text to re-read turned, file by hand, or accept.

Every change re-assembles the batch (cover-sheet split, box PDFs, checksums),
so the searchable PDFs always match what the review decided.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import case, func, select

from paperless_ig.domain.errors import BadInput, NotFound
from paperless_ig.domain.roles import SCANNING_WORK
from paperless_ig.domain.states import PageStatus
from paperless_ig.ocr import analyse, sources, tesseract
from paperless_ig.ocr.worker import turn, write_for_tesseract
from paperless_ig.services import audit, scanning, users
from paperless_ig.services.scan_queries import needs_review
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, ScanBatch, ScanOutput, ScanPage


@dataclass(frozen=True)
class ReviewItem:
    page_id: int
    batch_id: int
    file: str
    page: int  # 1-based, within the file
    status: str
    confidence: float | None
    box: str | None
    reason: str
    text: str

    @property
    def label(self) -> str:
        return f"{Path(self.file).name} p{self.page}"


def _reason(status: str, confidence: float | None, box: str | None) -> str:
    if status == PageStatus.BLANK:
        return "blank page: check nothing is on it"
    if status == PageStatus.LOW:
        return f"read poorly ({confidence or 0:.0f}% confidence)"
    if box is None:
        return "no cover sheet before it: choose its box"
    return status


def review_queue(db: Database, batch_id: int | None = None, limit: int = 500) -> list[ReviewItem]:
    """Pages that need a person: read poorly, blank, or in no box."""
    query = (select(ScanPage, Box.barcode).outerjoin(Box, Box.id == ScanPage.box_id)
             .where(needs_review())
             .order_by(ScanPage.batch_id, ScanPage.position).limit(limit))
    if batch_id is not None:
        query = query.where(ScanPage.batch_id == batch_id)
    with db.read() as session:
        rows = session.execute(query).all()
    return [ReviewItem(p.id, p.batch_id, p.source_file, p.source_page + 1, p.status, p.confidence,
                       barcode, _reason(p.status, p.confidence, barcode), p.text or "")
            for p, barcode in rows]


def _page(session, page_id: int) -> ScanPage:
    page = session.get(ScanPage, page_id)
    if page is None:
        raise NotFound(f"scanned page {page_id} does not exist")
    return page


def page_image_path(db: Database, page_id: int) -> str | None:
    """The page's one-page PDF (or None for a blank or failed page), for the review pane."""
    with db.read() as session:
        return _page(session, page_id).pdf_path


def page_source(db: Database, page_id: int) -> sources.PageRef:
    with db.read() as session:
        page = _page(session, page_id)
        kind = "pdf" if page.source_file.lower().endswith(".pdf") else "image"
        return sources.PageRef(page.source_file, page.source_page, kind)


def rerun(db: Database, actor: str, page_id: int, rotate: int, lang: str = "eng") -> ReviewItem:
    """Read a page again turned by ``rotate`` degrees clockwise (the slow part outside any transaction)."""
    if rotate not in (0, 90, 180, 270):
        raise BadInput("turn a page by 0, 90, 180 or 270 degrees")
    with db.write() as session:
        users.require(session, actor, SCANNING_WORK, "re-read scanned pages")
        page = _page(session, page_id)
        ref = sources.PageRef(page.source_file, page.source_page,
                              "pdf" if page.source_file.lower().endswith(".pdf") else "image")
        batch_id, old_text, pdf_out = page.batch_id, page.text, page.pdf_path
    image = sources.load(ref)
    if rotate:
        image = turn(image, rotate)
    skew = analyse.estimate_skew(analyse.small_grey(image))
    if abs(skew) >= 0.1:
        image = analyse.deskew(image, skew)
    target = Path(pdf_out) if pdf_out else (scanning.documents_dir() / "pages" / f"batch-{batch_id}"
                                            / f"page-{page_id}.pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pig-rerun-") as work:
        output = tesseract.ocr(write_for_tesseract(image, Path(work)), Path(work) / "out", lang)
        Path(output.pdf).replace(target)
    with db.write() as session:
        page = _page(session, page_id)
        well = (output.words.mean_confidence or 0) >= scanning.LOW_CONFIDENCE
        status = PageStatus.DONE if well else PageStatus.LOW
        before = {"status": page.status, "confidence": page.confidence, "rotation": page.rotation}
        page.text, page.confidence, page.rotation = output.text, output.words.mean_confidence, rotate
        page.skew_degrees, page.status, page.pdf_path, page.blank = skew, status, str(target), False
        scanning.index_text(session, page_id, output.text, old_text)
        audit.record(session, actor, "scan.reread", "scan_page", page_id, before,
                     {"status": status, "confidence": page.confidence, "rotation": rotate})
    scanning.assemble(db, actor, batch_id)
    return page_item(db, page_id)


def page_item(db: Database, page_id: int) -> ReviewItem:
    """One page as the review pane shows it."""
    with db.read() as session:
        page = _page(session, page_id)
        barcode = session.get(Box, page.box_id).barcode if page.box_id else None
        return ReviewItem(page.id, page.batch_id, page.source_file, page.source_page + 1, page.status,
                          page.confidence, barcode, _reason(page.status, page.confidence, barcode),
                          page.text or "")


def reassign(db: Database, actor: str, page_id: int, barcode: str) -> ReviewItem:
    """File a page in a box by hand; later cover-sheet splits leave it there."""
    with db.write() as session:
        users.require(session, actor, SCANNING_WORK, "file scanned pages")
        page = _page(session, page_id)
        box = session.execute(select(Box).where(Box.barcode == barcode.strip().upper())).scalar_one_or_none()
        if box is None:
            raise NotFound(f"box {barcode} is not known here")
        before = {"box": session.get(Box, page.box_id).barcode if page.box_id else None}
        page.box_id, page.manual_box = box.id, True
        if page.status == PageStatus.BLANK:
            page.status = PageStatus.ACCEPTED
        audit.record(session, actor, "scan.reassign", "scan_page", page_id, before, {"box": box.barcode})
        batch_id = page.batch_id
    scanning.assemble(db, actor, batch_id)
    return page_item(db, page_id)


def accept(db: Database, actor: str, page_id: int) -> ReviewItem:
    """The operator has looked: the page stays as read (a blank page stays out of the PDF)."""
    with db.write() as session:
        users.require(session, actor, SCANNING_WORK, "accept scanned pages")
        page = _page(session, page_id)
        if page.box_id is None and page.status != PageStatus.BLANK:
            raise BadInput("choose the page's box before accepting it")
        before = {"status": page.status}
        if page.status == PageStatus.LOW:
            page.status = PageStatus.ACCEPTED
        page.reviewed_by, page.reviewed_at = actor, audit.utcnow()
        audit.record(session, actor, "scan.accept", "scan_page", page_id, before, {"status": page.status})
        batch_id = page.batch_id
    scanning.assemble(db, actor, batch_id)
    return page_item(db, page_id)


@dataclass(frozen=True)
class BatchSummary:
    batch_id: int
    operator: str
    created_at: object
    status: str
    pages: int
    to_review: int


def list_batches(db: Database, limit: int = 100) -> list[BatchSummary]:
    """Recent batches with their page and to-review counts, counted in one query."""
    to_review = func.sum(case((needs_review(), 1), else_=0))
    with db.read() as session:
        rows = session.execute(
            select(ScanBatch, func.count(ScanPage.id), to_review)
            .outerjoin(ScanPage, ScanPage.batch_id == ScanBatch.id)
            .group_by(ScanBatch.id).order_by(ScanBatch.id.desc()).limit(limit)).all()
        return [BatchSummary(batch.id, batch.operator, batch.created_at, batch.status, pages,
                             int(waiting or 0))
                for batch, pages, waiting in rows]


def outputs_for_box(db: Database, barcode: str) -> list[dict]:
    with db.read() as session:
        rows = session.execute(select(ScanOutput).join(Box, Box.id == ScanOutput.box_id)
                               .where(Box.barcode == barcode).order_by(ScanOutput.id)).scalars()
        return [{"batch_id": o.batch_id, "pdf": o.path, "sha256": o.sha256, "pages": o.pages}
                for o in rows]


