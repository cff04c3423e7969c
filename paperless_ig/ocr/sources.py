"""Where pages come from: folders and files of TIFF (multi-page too), JPEG, PNG and PDF.

Listing pages is cheap (a TIFF's frame count, a PDF's page count from
pdfinfo); loading one page reads only that page, never a whole PDF. Bad
input is refused page by page with a reason a person understands, while
the rest of the batch goes on.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = (".tif", ".tiff", ".jpg", ".jpeg", ".png")
PDF_SUFFIX = ".pdf"
DPI = 300
# A 600 dpi A3 page is about 35 megapixels; anything far beyond is an attack or a mistake.
MAX_PIXELS = 120_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
POPPLER_TIMEOUT_S = 120  # a PDF built to keep poppler busy is a failed page, not a stuck batch
_PAGE_SIZE = re.compile(r"^([\d.]+) x ([\d.]+) pts")


class PageError(Exception):
    """This page (or file) cannot be read; the message says why."""


@dataclass(frozen=True)
class PageRef:
    file: str  # absolute path
    index: int  # 0-based page within the file
    kind: str  # "image" or "pdf"


@dataclass(frozen=True)
class Failed:
    file: str
    reason: str


def _natural_key(path: Path) -> list:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def expand(paths: list[str | Path]) -> tuple[list[Path], list[Failed]]:
    """Files to read, in scan order (folders sorted naturally: page2 before page10)."""
    files, failed = [], []
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            inside = sorted((p for p in path.iterdir()
                             if p.is_file() and p.suffix.lower() in (*IMAGE_SUFFIXES, PDF_SUFFIX)),
                            key=_natural_key)
            if not inside:
                failed.append(Failed(str(path), "the folder holds no TIFF, JPEG, PNG or PDF files"))
            files.extend(inside)
        elif path.is_file():
            if path.suffix.lower() in (*IMAGE_SUFFIXES, PDF_SUFFIX):
                files.append(path)
            else:
                failed.append(Failed(str(path), f"not a scan: {path.suffix or 'no extension'} files "
                                                "are not read (TIFF, JPEG, PNG or PDF)"))
        else:
            failed.append(Failed(str(path), "no such file or folder"))
    return files, failed


def _pdf_info(path: str, page: int | None = None) -> dict:
    from pdf2image import pdfinfo_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFPopplerTimeoutError

    try:
        return pdfinfo_from_path(path, timeout=POPPLER_TIMEOUT_S, first_page=page, last_page=page)
    except PDFPageCountError as exc:
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise PageError("the PDF is password-protected") from None
        raise PageError("not a readable PDF (damaged or not a PDF at all)") from None
    except PDFPopplerTimeoutError:
        raise PageError(f"the PDF could not be read within {POPPLER_TIMEOUT_S} s") from None


def _pdf_pages(path: Path) -> int:
    return int(_pdf_info(str(path)).get("Pages", 0))


def _check_pdf_page_size(ref: PageRef) -> None:
    """Refuse a page too big to render before poppler tries (it fails silently, with one pixel)."""
    try:
        info = _pdf_info(ref.file, ref.index + 1)
    except PageError as exc:
        if "password" in str(exc):
            raise
        raise PageError(f"page {ref.index + 1} of the PDF cannot be read (the file is damaged, "
                        "or shorter than it was)") from None
    size = info.get(f"Page {ref.index + 1:4d} size") or info.get("Page size") or ""
    match = _PAGE_SIZE.match(size)
    if match:
        width, height = (float(v) / 72 * DPI for v in match.groups())
        if width * height > MAX_PIXELS:
            raise PageError(f"page {ref.index + 1} of the PDF is {size.split(' pts')[0]} points, "
                            f"too large to be a scan (over {MAX_PIXELS:,} pixels at {DPI} dpi)")


def _image_pages(path: Path) -> int:
    try:
        with warnings.catch_warnings():
            _quiet_pillow()
            with Image.open(path) as image:
                return getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PageError(f"the image is too large to be a scan (over {MAX_PIXELS:,} pixels): "
                        "refused as a possible decompression bomb") from None
    except UnidentifiedImageError:
        raise PageError("not an image, or a damaged one") from None
    except OSError as exc:
        raise PageError(f"cannot read the image ({exc})") from None
    except Exception as exc:  # a damaged file trips Pillow in many ways (TypeError, KeyError...)
        raise PageError(f"the image is damaged and cannot be read ({exc.__class__.__name__})") from None


def list_pages(paths: list[str | Path]) -> tuple[list[PageRef], list[Failed]]:
    files, failed = expand(paths)
    pages = []
    for path in files:
        kind = "pdf" if path.suffix.lower() == PDF_SUFFIX else "image"
        try:
            count = _pdf_pages(path) if kind == "pdf" else _image_pages(path)
        except PageError as exc:
            failed.append(Failed(str(path), str(exc)))
            continue
        if count == 0:
            failed.append(Failed(str(path), "the file has no pages"))
        pages.extend(PageRef(str(path), i, kind) for i in range(count))
    return pages, failed


def load(ref: PageRef) -> Image.Image:
    """One page as a PIL image (grey or colour as scanned), fully read."""
    if ref.kind == "pdf":
        from pdf2image import convert_from_path

        _check_pdf_page_size(ref)
        try:
            images = convert_from_path(ref.file, dpi=DPI, first_page=ref.index + 1,
                                       last_page=ref.index + 1, timeout=POPPLER_TIMEOUT_S)
        except Exception as exc:  # poppler's many ways of failing; its last word is the telling one
            said = [line.strip() for line in str(exc).splitlines() if line.strip()]
            raise PageError(f"page {ref.index + 1} of the PDF cannot be rendered "
                            f"({said[-1] if said else exc.__class__.__name__})") from None
        if not images:
            raise PageError(f"page {ref.index + 1} of the PDF is empty")
        return images[0]
    image = None
    try:
        with warnings.catch_warnings():
            _quiet_pillow()
            image = Image.open(ref.file)
            frames = getattr(image, "n_frames", 1)
            if ref.index:
                image.seek(ref.index)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _close(image)
        raise PageError("refused as a possible decompression bomb (too many pixels)") from None
    except Exception as exc:  # a damaged file trips Pillow in many ways (TypeError, KeyError...)
        _close(image)  # or the file stays open (and locked, on Windows) until collected
        raise PageError(f"the image is damaged and cannot be read ({exc.__class__.__name__})") from None
    if frames > 1 or image.mode not in ("L", "RGB", "1"):
        # A page of a multi-page file keeps the file open for seeking, and so would the
        # original of a converted page, until collected: keep the pixels, close the file.
        page = image.copy() if image.mode in ("L", "RGB", "1") else image.convert("RGB")
        image.close()
        image = page
    image.info["frames"] = frames  # the copy forgets; the worker must not hand Tesseract all pages
    return image


def _quiet_pillow() -> None:
    """Inside ``catch_warnings``: a bomb is an error; Pillow's grumbles about damaged metadata
    ("Corrupt EXIF data") are not ours to show, since whether the pixels decode is what counts."""
    warnings.simplefilter("ignore", UserWarning)
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def _close(image: Image.Image | None) -> None:
    if image is not None:
        image.close()
