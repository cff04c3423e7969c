"""One page, start to finish, in a worker process: look, straighten, read.

Runs in its own process (one per core), so it must take and return plain
data only. Every failure becomes a result with a reason: one bad page never
stops the batch.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from paperless_ig.ocr import analyse, tesseract
from paperless_ig.ocr.sources import PageError, PageRef, load

MIN_SKEW = 0.1  # degrees: below this a page reads back in order as it is
RETRY_CONFIDENCE = 55.0  # below this (or with few words) check the page's orientation
MIN_WORDS = 8
# A page smaller than this (a 1-pixel "scan", a PDF page of 0.01 pt) is no page: the
# analysis crops margins and shrinks by 4, and would be left with nothing to look at.
MIN_SIDE = 16
# Tesseract reads these straight from the scanner's file when nothing needs changing.
DIRECT_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


@dataclass(frozen=True)
class PageTask:
    page_id: int
    ref: PageRef
    pdf_out: str  # where the one-page PDF goes
    lang: str = "eng"


@dataclass(frozen=True)
class PageResult:
    page_id: int
    status: str  # done, blank, cover, failed
    text: str = ""
    confidence: float | None = None
    words: int = 0
    rotation: int = 0
    skew: float = 0.0
    cover_barcode: str | None = None
    pdf: str | None = None
    error: str | None = None


def _single_frame(ref: PageRef, image: Image.Image) -> bool:
    frames = image.info.get("frames", getattr(image, "n_frames", 1))  # load() notes it
    return ref.kind == "image" and ref.index == 0 and frames == 1


def write_for_tesseract(image: Image.Image, folder: Path, name: str = "page") -> Path:
    """An uncompressed TIFF: a few milliseconds to write, and Tesseract reads it as fast as any."""
    if image.mode == "1":
        image = image.convert("L")
    path = folder / f"{name}.tif"
    # Say "raw": otherwise Pillow takes the scan's own compression from image.info, and a
    # Group 4 fax page, once turned or straightened into grey, cannot be written that way.
    image.save(path, dpi=(300, 300), compression="raw")
    return path


def _read(image: Image.Image, source: Path | None, folder: Path, lang: str) -> tesseract.OcrOutput:
    if source is not None:
        try:
            return tesseract.ocr(source, folder / "out", lang)
        except RuntimeError:  # Leptonica refuses some damaged files Pillow decodes: read the pixels
            pass
    return tesseract.ocr(write_for_tesseract(image, folder), folder / "out", lang)


def _better(first: tesseract.OcrOutput, second: tesseract.OcrOutput) -> bool:
    a, b = first.words, second.words
    return (b.mean_confidence or 0) * min(b.count, 200) > (a.mean_confidence or 0) * min(a.count, 200)


def turn(image: Image.Image, rotate: int) -> Image.Image:
    """Turn clockwise by ``rotate`` degrees (Tesseract's "Rotate:" answer)."""
    fill = 255 if image.mode in ("L", "1") else (255,) * len(image.getbands())
    return image.rotate(-rotate, expand=True, fillcolor=fill)


def _which_way_up(image: Image.Image, folder: Path) -> int:
    """Tesseract's orientation check, on a half-size copy: most of the answer, half the time."""
    half = analyse.small_grey(image, 2)
    path = folder / "osd.png"
    half.save(path, compress_level=1, dpi=(150, 150))
    rotate, confidence = tesseract.orientation(path)
    return rotate if confidence >= 1.0 else 0


def process(task: PageTask) -> PageResult:
    try:
        return _process(task)
    except PageError as exc:
        return PageResult(task.page_id, "failed", error=str(exc))
    except Exception as exc:  # a bug or a broken tool: say so, keep going
        last = traceback.format_exc().strip().splitlines()[-1]
        return PageResult(task.page_id, "failed", error=f"{exc.__class__.__name__}: {exc} ({last})")


def _orient(image: Image.Image, small: Image.Image, folder: Path) -> tuple[int, float]:
    """(degrees to turn the page clockwise before reading it, its skew once turned).

    Cheap looks first: the profile test spots text running up the page, and
    the ascender test tells the right way up from upside down. Tesseract's own
    orientation check runs only when those give no clear answer.
    """
    sideways = analyse.is_sideways(small)
    level = turn(small, 90) if sideways else small
    skew = analyse.estimate_skew(level)
    if abs(skew) >= MIN_SKEW:
        level = analyse.deskew(level, skew)
    flipped = analyse.upside_down(level)
    if flipped is None:
        return (_which_way_up(image, folder) if sideways else 0), skew
    # A half turn keeps a line's slope, so the skew found holds either way up.
    if sideways:
        return (270 if flipped else 90), skew
    return (180 if flipped else 0), skew


def _process(task: PageTask) -> PageResult:
    ref = task.ref
    image = load(ref)
    if min(image.size) < MIN_SIDE:
        raise PageError(f"the page is {image.width} x {image.height} pixels: too small to be a scan")
    small = analyse.small_grey(image)
    cover = analyse.cover_barcode(small)
    if cover:
        return PageResult(task.page_id, "cover", cover_barcode=cover)
    if analyse.is_blank(small):
        return PageResult(task.page_id, "blank")
    direct = None
    if _single_frame(ref, image) and Path(ref.file).suffix.lower() in DIRECT_SUFFIXES:
        direct = Path(ref.file)
    with tempfile.TemporaryDirectory(prefix="pig-ocr-") as work:
        folder = Path(work)
        rotation, skew = _orient(image, small, folder)
        if rotation:
            image, direct = turn(image, rotation), None
        upright = image
        if abs(skew) >= MIN_SKEW:
            image, direct = analyse.deskew(image, skew), None
        else:
            skew = 0.0
        output = _read(image, direct, folder, task.lang)
        words = output.words
        if words.count < MIN_WORDS or (words.mean_confidence or 0) < RETRY_CONFIDENCE:
            turned = _try_orientation(upright, folder, task.lang, output)
            if turned is not None:
                output, extra, skew = turned
                rotation = (rotation + extra) % 360
        Path(task.pdf_out).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(output.pdf), task.pdf_out)
    return PageResult(task.page_id, "done", output.text, output.words.mean_confidence,
                      output.words.count, rotation, skew, pdf=task.pdf_out)


def _try_orientation(image: Image.Image, folder: Path, lang: str, first: tesseract.OcrOutput):
    """A page that read badly may be upside down: check, and keep the better reading."""
    rotate = _which_way_up(image, folder)
    if rotate == 0:
        return None
    turned = turn(image, rotate)
    skew = analyse.estimate_skew(analyse.small_grey(turned))
    if abs(skew) >= MIN_SKEW:
        turned = analyse.deskew(turned, skew)
    retry = folder / "turned"
    retry.mkdir()
    second = _read(turned, None, retry, lang)
    if not _better(first, second):
        return None
    return second, rotate, skew if abs(skew) >= MIN_SKEW else 0.0


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def process_all(tasks: list[PageTask], workers: int) -> Iterable[PageResult]:
    """Results as pages finish, from ``workers`` processes; the pool dies with the generator."""
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield process(task)
        return
    context = multiprocessing.get_context("spawn")  # no forking a process that may hold Qt threads
    pool = context.Pool(processes=workers)
    try:
        yield from pool.imap_unordered(process, tasks, chunksize=1)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
