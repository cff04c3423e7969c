"""Tesseract, driven as a command: the command line is built by pure functions
(tested without Tesseract) and run in one small function.

One call per page produces the text, the word confidences (TSV) and a
one-page PDF with a text layer together, so a page is read once.
``OMP_THREAD_LIMIT=1``: one page per process per core is several times
faster than Tesseract's own threading on a small machine.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from paperless_ig.domain.errors import PaperlessError

TIMEOUT_S = 300


class TesseractMissing(PaperlessError):
    """Tesseract is not installed (or not on PATH)."""


def executable() -> str:
    found = os.environ.get("PAPERLESS_IG_TESSERACT") or shutil.which("tesseract")
    if not found:
        raise TesseractMissing("Tesseract is not installed: on Debian or Ubuntu run "
                               "'apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd'")
    return found


def environment() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def ocr_command(image: Path, outbase: Path, lang: str = "eng", psm: int = 3,
                outputs: tuple[str, ...] = ("txt", "tsv", "pdf"), dpi: int | None = 300) -> list[str]:
    """tesseract IMAGE OUTBASE -l LANG --psm N [--dpi D] txt tsv pdf"""
    command = [executable(), str(image), str(outbase), "-l", lang, "--psm", str(psm)]
    if dpi:
        command += ["--dpi", str(dpi)]
    return command + list(outputs)


def osd_command(image: Path) -> list[str]:
    return [executable(), str(image), "-", "--psm", "0", "-l", "osd"]


def run(command: list[str]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, env=environment(),
                            timeout=TIMEOUT_S, check=False,
                            # no console window flashing up per page on Windows
                            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise RuntimeError(f"tesseract failed: {detail[-1] if detail else result.returncode}")
    return result


@dataclass(frozen=True)
class Words:
    count: int
    mean_confidence: float | None


def parse_tsv(text: str) -> Words:
    """Mean confidence of the recognised words (level 5 rows with a confidence)."""
    confidences = []
    for row in csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            if int(row.get("level") or 0) != 5 or not (row.get("text") or "").strip():
                continue
            confidence = float(row.get("conf") or -1)
        except ValueError:
            continue
        if confidence >= 0:
            confidences.append(confidence)
    if not confidences:
        return Words(0, None)
    return Words(len(confidences), round(sum(confidences) / len(confidences), 1))


_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def parse_osd(text: str) -> tuple[int, float]:
    """(degrees to turn the page clockwise to make it upright, confidence)."""
    rotate = _ROTATE.search(text)
    confidence = _CONFIDENCE.search(text)
    return (int(rotate.group(1)) if rotate else 0,
            float(confidence.group(1)) if confidence else 0.0)


@dataclass(frozen=True)
class OcrOutput:
    text: str
    words: Words
    pdf: Path


def ocr(image: Path, outbase: Path, lang: str = "eng") -> OcrOutput:
    run(ocr_command(image, outbase, lang))
    text = outbase.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
    words = parse_tsv(outbase.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace"))
    outbase.with_suffix(".txt").unlink(missing_ok=True)
    outbase.with_suffix(".tsv").unlink(missing_ok=True)
    return OcrOutput(text, words, outbase.with_suffix(".pdf"))


def orientation(image: Path) -> tuple[int, float]:
    try:
        return parse_osd(run(osd_command(image)).stdout)
    except RuntimeError:  # too little text to tell
        return 0, 0.0
