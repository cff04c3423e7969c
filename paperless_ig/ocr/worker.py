"""One page, start to finish, in a worker process: look, straighten, read.

Runs in its own process (one per core), so it must take and return plain
data only. Every failure becomes a result with a reason: one bad page never
stops the batch.
"""

from __future__ import annotations

import shutil
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from paperless_ig.ocr import analyse, tesseract
from paperless_ig.ocr.sources import PageError, PageRef, load

MIN_SKEW = 0.1  # degrees: below this a page reads back in order as it is
RETRY_CONFIDENCE = 55.0  # below this (or with few words) check the page's orientation
MIN_WORDS = 8
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
    return ref.kind == "image" and ref.index == 0 and getattr(image, "n_frames", 1) == 1


def _write_for_tesseract(image: Image.Image, folder: Path) -> Path:
    """PNM: no compression to spend time on; Tesseract (Leptonica) reads it directly."""
    if image.mode == "1":
        image = image.convert("L")
    path = folder / ("page.pgm" if image.mode == "L" else "page.ppm")
    image.save(path)
    return path


def _read(image: Image.Image, source: Path | None, folder: Path, lang: str) -> tesseract.OcrOutput:
    path = source if source is not None else _write_for_tesseract(image, folder)
    return tesseract.ocr(path, folder / "out", lang)


def _better(first: tesseract.OcrOutput, second: tesseract.OcrOutput) -> bool:
    a, b = first.words, second.words
    return (b.mean_confidence or 0) * min(b.count, 200) > (a.mean_confidence or 0) * min(a.count, 200)


def process(task: PageTask) -> PageResult:
    try:
        return _process(task)
    except PageError as exc:
        return PageResult(task.page_id, "failed", error=str(exc))
    except Exception as exc:  # a bug or a broken tool: say so, keep going
        last = traceback.format_exc().strip().splitlines()[-1]
        return PageResult(task.page_id, "failed", error=f"{exc.__class__.__name__}: {exc} ({last})")


def _process(task: PageTask) -> PageResult:
    ref = task.ref
    image = load(ref)
    small = analyse.small_grey(image)
    cover = analyse.cover_barcode(small)
    if cover:
        return PageResult(task.page_id, "cover", cover_barcode=cover)
    if analyse.is_blank(small):
        return PageResult(task.page_id, "blank")
    skew = analyse.estimate_skew(small)
    original = image
    direct = None
    if _single_frame(ref, image) and Path(ref.file).suffix.lower() in DIRECT_SUFFIXES:
        direct = Path(ref.file)
    if abs(skew) >= MIN_SKEW:
        image, direct = analyse.deskew(image, skew), None
    with tempfile.TemporaryDirectory(prefix="pig-ocr-") as work:
        folder = Path(work)
        output, rotation = _read(image, direct, folder, task.lang), 0
        words = output.words
        if words.count < MIN_WORDS or (words.mean_confidence or 0) < RETRY_CONFIDENCE:
            turned = _try_orientation(original, skew, folder, task.lang, output)
            if turned is not None:
                output, rotation, skew = turned
        Path(task.pdf_out).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(output.pdf), task.pdf_out)
    return PageResult(task.page_id, "done", output.text, output.words.mean_confidence,
                      output.words.count, rotation, skew, pdf=task.pdf_out)


def _try_orientation(image: Image.Image, skew: float, folder: Path, lang: str,
                     first: tesseract.OcrOutput):
    """Ask Tesseract which way up the page is; re-read it turned if that reads better."""
    probe = _write_for_tesseract(image, folder)
    rotate, confidence = tesseract.orientation(probe)
    if rotate == 0 or confidence < 1.0:
        return None
    turned = image.rotate(-rotate, expand=True,
                          fillcolor=255 if image.mode == "L" else (255,) * len(image.getbands()))
    new_skew = analyse.estimate_skew(analyse.small_grey(turned))
    if abs(new_skew) >= MIN_SKEW:
        turned = analyse.deskew(turned, new_skew)
    retry_folder = folder / "turned"
    retry_folder.mkdir()
    second = _read(turned, None, retry_folder, lang)
    if not _better(first, second):
        return None
    return second, rotate, new_skew if abs(new_skew) >= MIN_SKEW else skew
