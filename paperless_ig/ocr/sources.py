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


def _pdf_pages(path: Path) -> int:
    from pdf2image import pdfinfo_from_path
    from pdf2image.exceptions import PDFPageCountError

    try:
        info = pdfinfo_from_path(str(path))
    except PDFPageCountError as exc:
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise PageError("the PDF is password-protected") from None
        raise PageError("not a readable PDF (damaged or not a PDF at all)") from None
    return int(info.get("Pages", 0))


def _image_pages(path: Path) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PageError(f"the image is too large to be a scan (over {MAX_PIXELS:,} pixels): "
                        "refused as a possible decompression bomb") from None
    except UnidentifiedImageError:
        raise PageError("not an image, or a damaged one") from None
    except OSError as exc:
        raise PageError(f"cannot read the image ({exc})") from None


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

        try:
            images = convert_from_path(ref.file, dpi=DPI, first_page=ref.index + 1,
                                       last_page=ref.index + 1)
        except Exception as exc:  # poppler's many ways of failing
            raise PageError(f"page {ref.index + 1} of the PDF cannot be rendered ({exc})") from None
        if not images:
            raise PageError(f"page {ref.index + 1} of the PDF is empty")
        return images[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(ref.file)
            if ref.index:
                image.seek(ref.index)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PageError("refused as a possible decompression bomb (too many pixels)") from None
    except (UnidentifiedImageError, OSError, EOFError, ValueError, SyntaxError) as exc:
        raise PageError(f"the image is damaged and cannot be read ({exc.__class__.__name__})") from None
    if image.mode not in ("L", "RGB", "1"):
        image = image.convert("RGB")
    return image
