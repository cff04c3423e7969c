"""A box's searchable PDF from its pages' one-page PDFs, with its SHA-256.

Plain files in, a file and its checksum out: which pages belong to which
box, and where the box's PDF is kept, are the scanning service's to decide.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfWriter


def merge_pages(page_pdfs: Iterable[str | Path], out: Path) -> str:
    """Merge ``page_pdfs`` in order into ``out`` (written whole or not at all); its SHA-256."""
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    for page_pdf in page_pdfs:
        writer.append(page_pdf)
    partial = out.with_suffix(".pdf.part")
    with partial.open("wb") as handle:
        writer.write(handle)
    partial.replace(out)
    return hashlib.sha256(out.read_bytes()).hexdigest()
