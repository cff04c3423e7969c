"""A scan batch from files to searchable PDFs filed with their boxes.

The steps: list the pages (bad files are reported and skipped), record them
in the batch (or find the batch already begun on the same files, so a
killed run resumes), read the pending pages in worker processes (one per
core), write each finished page in its own short transaction (so a crash
loses nothing finished and the database is never held for the slow part),
then split the pages by cover sheet, merge each box's pages into one PDF
with its SHA-256, and index the text for search.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select, text, update

from paperless_ig.domain import clock
from paperless_ig.domain.errors import BadInput
from paperless_ig.domain.progress import Cancelled, ProgressFn, no_progress
from paperless_ig.domain.roles import SCANNING_WORK
from paperless_ig.domain.states import FINISHED_PAGE, BoxStatus, PageStatus, ScanBatchStatus
from paperless_ig.ocr import sources
from paperless_ig.ocr.assemble import merge_pages
from paperless_ig.ocr.worker import PageResult, PageTask, default_workers, process_all
from paperless_ig.services import audit, users
from paperless_ig.store.database import Database, data_dir
from paperless_ig.store.models import Box, ScanBatch, ScanOutput, ScanPage

LOW_CONFIDENCE = 75.0
FINISHED = FINISHED_PAGE


def documents_dir() -> Path:
    """Where searchable PDFs live (a shared folder when several stations share PostgreSQL)."""
    folder = Path(os.environ.get("PAPERLESS_IG_DOCUMENTS") or data_dir() / "documents")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class BatchReport:
    batch_id: int
    pages: int
    boxes: dict[str, dict] = field(default_factory=dict)
    unassigned: int = 0
    low_confidence: int = 0
    blank: int = 0
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    pages_read: int = 0  # pages OCR'd in this run (a resumed run reads fewer)
    resumed: bool = False

    @property
    def pages_per_minute(self) -> float:
        return round(self.pages_read / self.seconds * 60, 1) if self.seconds else 0.0

    def as_json(self) -> dict:
        return {"batch_id": self.batch_id, "pages": self.pages, "boxes": self.boxes,
                "unassigned": self.unassigned, "low_confidence": self.low_confidence,
                "blank": self.blank, "failed": self.failed, "seconds": round(self.seconds, 2),
                "pages_per_minute": self.pages_per_minute, "pages_read": self.pages_read,
                "resumed": self.resumed}


def source_key(refs: list[sources.PageRef]) -> str:
    digest = hashlib.sha256()
    for ref in refs:
        digest.update(f"{ref.file}\x1f{ref.index}\x1e".encode())
    return digest.hexdigest()


def _box_id(session, barcode: str | None) -> int | None:
    if not barcode:
        return None
    found = session.execute(select(Box.id).where(Box.barcode == barcode)).scalar_one_or_none()
    if found is None:
        raise BadInput(f"box {barcode} is not known here")
    return found


def _open_batch(db: Database, actor: str, refs, failed, box: str | None) -> tuple[int, bool]:
    key = source_key(refs)
    with db.write() as session:
        users.require(session, actor, SCANNING_WORK, "run OCR on scan batches")
        default_box = _box_id(session, box)
        existing = session.execute(
            select(ScanBatch).where(ScanBatch.source_key == key).order_by(ScanBatch.id.desc())
        ).scalars().first()
        if existing is not None:
            existing.status = ScanBatchStatus.RUNNING
            if default_box:
                existing.default_box_id = default_box
            return existing.id, True
        batch = ScanBatch(operator=actor, created_at=audit.utcnow(), status=ScanBatchStatus.RUNNING,
                          source="\n".join(sorted({r.file for r in refs})), source_key=key,
                          default_box_id=default_box)
        session.add(batch)
        session.flush()
        session.execute(insert(ScanPage), [
            {"batch_id": batch.id, "source_file": ref.file, "source_page": ref.index,
             "position": position, "status": PageStatus.PENDING, "text": ""}
            for position, ref in enumerate(refs)])
        audit.record(session, actor, "scan.start", "scan_batch", batch.id, None,
                     {"pages": len(refs), "files": len({r.file for r in refs}),
                      "refused": [f.__dict__ for f in failed]})
        return batch.id, False


def _pending(db: Database, batch_id: int) -> list[tuple[int, sources.PageRef]]:
    with db.read() as session:
        rows = session.execute(
            select(ScanPage.id, ScanPage.source_file, ScanPage.source_page)
            .where(ScanPage.batch_id == batch_id, ScanPage.status.not_in(FINISHED))
            .order_by(ScanPage.position)).all()
    return [(page_id, sources.PageRef(file, index, "pdf" if file.lower().endswith(".pdf") else "image"))
            for page_id, file, index in rows]


def index_text(session, page_id: int, text_value: str, old_text: str | None = None) -> None:
    """Keep SQLite's FTS5 table in step (PostgreSQL indexes the column itself)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    if old_text:
        session.execute(text("INSERT INTO page_search(page_search, rowid, text) "
                             "VALUES ('delete', :id, :old)"), {"id": page_id, "old": old_text})
    if text_value:
        session.execute(text("INSERT INTO page_search(rowid, text) VALUES (:id, :text)"),
                        {"id": page_id, "text": text_value})


def _store(db: Database, result: PageResult) -> str:
    status = result.status
    if status == PageStatus.DONE and (result.confidence or 0) < LOW_CONFIDENCE:
        status = PageStatus.LOW
    with db.write() as session:
        session.execute(update(ScanPage).where(ScanPage.id == result.page_id).values(
            status=status, text=result.text, confidence=result.confidence,
            rotation=result.rotation, skew_degrees=result.skew, blank=result.status == PageStatus.BLANK,
            cover_sheet=result.status == PageStatus.COVER, cover_barcode=result.cover_barcode,
            pdf_path=result.pdf, error=result.error))
        index_text(session, result.page_id, result.text)
    return status


@dataclass(frozen=True)
class PageDone:
    """What the scanning screen shows as each page finishes (plain data: crosses threads)."""

    page_id: int
    file: str
    page: int  # 1-based within the file
    status: str
    confidence: float | None
    rotation: int
    skew: float
    words: int
    pdf: str | None
    error: str | None
    cover_barcode: str | None = None


def run_batch(db: Database, actor: str, paths: list[str | Path], box: str | None = None,
              workers: int | None = None, progress: ProgressFn | None = None,
              lang: str = "eng", on_page=None) -> BatchReport:
    """OCR the pages under ``paths``; resumable, page by page.

    ``on_page(PageDone)`` is called (on the caller's thread) after each page is saved.
    """
    started = time.monotonic()
    report_progress = progress or no_progress
    refs, failed = sources.list_pages(paths)
    if not refs and failed:
        raise BadInput("; ".join(f"{Path(f.file).name}: {f.reason}" for f in failed))
    if not refs:
        raise BadInput("no pages to read")
    batch_id, resumed = _open_batch(db, actor, refs, failed, box)
    pending = _pending(db, batch_id)
    folder = documents_dir() / "pages" / f"batch-{batch_id}"
    tasks = [PageTask(page_id, ref, str(folder / f"page-{page_id}.pdf"), lang) for page_id, ref in pending]
    refs_by_id = dict(pending)
    total, done = len(refs), len(refs) - len(tasks)
    report_progress(done, total, "reading pages")
    try:
        read = sum(1 for _ in _store_each(db, tasks, workers, total, done, started, report_progress,
                                          refs_by_id, on_page))
    except BaseException:
        _set_status(db, batch_id, "stopped")  # finished pages are kept; the same files resume it
        raise
    report = assemble(db, actor, batch_id)
    report.failed = [{"file": f.file, "reason": f.reason} for f in failed] + report.failed
    report.seconds = time.monotonic() - started
    report.pages_read, report.resumed = read, resumed
    return report


def _set_status(db: Database, batch_id: int, status: str) -> None:
    with db.write() as session:
        session.execute(update(ScanBatch).where(ScanBatch.id == batch_id).values(status=status))


def _store_each(db, tasks, workers, total, done, started, report_progress, refs_by_id, on_page):
    """Save each page as it finishes; yields once per page read."""
    read = 0
    for result in process_all(tasks, workers or default_workers()):
        status = _store(db, result)
        done, read = done + 1, read + 1
        if on_page is not None:
            ref = refs_by_id[result.page_id]
            on_page(PageDone(result.page_id, ref.file, ref.index + 1, status, result.confidence,
                             result.rotation, result.skew, result.words, result.pdf, result.error,
                             result.cover_barcode))
        rate = read / max(time.monotonic() - started, 1e-6) * 60
        left = (total - done) / rate if rate else 0
        report_progress(done, total, f"page {done} of {total}: {rate:.0f} pages a minute, "
                                     f"about {left:.0f} min left")
        yield result


def assemble(db: Database, actor: str, batch_id: int) -> BatchReport:
    """Assign pages to boxes by cover sheet, merge each box's PDF, and record the outputs."""
    with db.write() as session:
        batch = session.get(ScanBatch, batch_id)
        pages = session.execute(select(ScanPage).where(ScanPage.batch_id == batch_id)
                                .order_by(ScanPage.position)).scalars().all()
        report = BatchReport(batch_id, len(pages))
        current = batch.default_box_id
        numbers: dict[int, int] = {}
        by_box: dict[int, list[ScanPage]] = {}
        for page in pages:
            if page.status == PageStatus.COVER:
                found = session.execute(
                    select(Box.id).where(Box.barcode == page.cover_barcode)).scalar_one_or_none()
                if found is None:
                    page.status = PageStatus.FAILED
                    page.error = f"cover sheet for unknown box {page.cover_barcode}"
                current = found
                continue
            if page.status == PageStatus.FAILED:
                report.failed.append({"file": page.source_file, "page": page.source_page + 1,
                                      "reason": page.error})
                continue
            if page.status == PageStatus.BLANK:
                report.blank += 1
                if not page.manual_box:
                    page.box_id = current
                continue
            if page.status == PageStatus.LOW:
                report.low_confidence += 1
            if page.status not in (PageStatus.DONE, PageStatus.LOW, PageStatus.ACCEPTED):
                continue
            if not page.manual_box:
                page.box_id = current
            if page.box_id is None:
                report.unassigned += 1
                page.page_no = None
                continue
            numbers[page.box_id] = numbers.get(page.box_id, 0) + 1
            page.page_no = numbers[page.box_id]
            by_box.setdefault(page.box_id, []).append(page)
        for box_id, box_pages in by_box.items():
            barcode = session.get(Box, box_id).barcode
            report.boxes[barcode] = _merge(session, actor, batch_id, box_id, barcode, box_pages)
            _mark_digitised(session, actor, box_id)
        batch.status, batch.finished_at = ScanBatchStatus.DONE, audit.utcnow()
        audit.record(session, actor, "scan.finish", "scan_batch", batch_id, None, {
            "pages": len(pages), "boxes": {b: v["pages"] for b, v in report.boxes.items()},
            "unassigned": report.unassigned, "low_confidence": report.low_confidence})
    return report


NEEDS_REVIEW = (PageStatus.LOW, PageStatus.PENDING)


def _mark_digitised(session, actor: str, box_id: int) -> None:
    """A box whose scanned pages all read well (or were accepted) is digitised."""
    waiting = session.execute(select(ScanPage.id).where(
        ScanPage.box_id == box_id, ScanPage.status.in_(NEEDS_REVIEW)).limit(1)).first()
    box = session.get(Box, box_id)
    on_hand = (BoxStatus.IN_STORE, BoxStatus.OUT_ON_LOAN)
    if waiting or box.digitised_on is not None or box.status not in on_hand:
        return
    box.digitised_on = clock.today()
    if box.status == BoxStatus.IN_STORE:
        box.status = BoxStatus.DIGITISED
    box.updated_at = audit.utcnow()
    audit.record(session, actor, "box.digitised", "box", box.barcode, {"digitised_on": None},
                 {"digitised_on": box.digitised_on, "status": box.status})


def _merge(session, actor: str, batch_id: int, box_id: int, barcode: str, pages) -> dict:
    out = documents_dir() / "boxes" / barcode / f"{barcode}-batch-{batch_id}.pdf"
    digest = merge_pages((page.pdf_path for page in pages), out)
    session.execute(delete(ScanOutput).where(ScanOutput.batch_id == batch_id, ScanOutput.box_id == box_id))
    session.add(ScanOutput(batch_id=batch_id, box_id=box_id, path=str(out), sha256=digest,
                           pages=len(pages), created_at=audit.utcnow()))
    audit.record(session, actor, "scan.output", "box", barcode, None,
                 {"batch": batch_id, "pdf": str(out), "sha256": digest, "pages": len(pages)})
    return {"pages": len(pages), "pdf": str(out), "sha256": digest}


__all__ = ["BatchReport", "Cancelled", "assemble", "documents_dir", "run_batch"]
