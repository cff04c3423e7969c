"""Cheap looks at a page before OCR: is it blank, is it a cover sheet, is it askew.

All three work on a quarter-size grey copy (about 620 x 877 pixels for A4
at 300 dpi), so together they cost a few tens of milliseconds, a small
fraction of Tesseract's second or so per page.
"""

from __future__ import annotations

import math

import numpy as np
import zxingcpp
from PIL import Image

from paperless_ig.domain.barcodes import BOX_PREFIX, clean_scanned, has_valid_check, looks_like_scheme

INK_LEVEL = 128
BLANK_INK_RATIO = 0.002  # under 0.2 % dark pixels: a blank sheet with dust
COARSE = np.arange(-6.0, 6.01, 0.5)
FINE_STEP = 0.05


def small_grey(image: Image.Image, factor: int = 4) -> Image.Image:
    grey = image if image.mode == "L" else image.convert("L")
    return grey.reduce(factor) if factor > 1 else grey


def ink(image: Image.Image) -> np.ndarray:
    return np.asarray(image) < INK_LEVEL


FAINT_INK = 24  # grey levels below the paper that count as ink when deciding "blank"


def is_blank(small: Image.Image) -> bool:
    """Almost nothing darker than the paper itself (faint text still counts as something)."""
    grey = np.asarray(small)
    height, width = grey.shape
    # Ignore a margin, where scanner edges and punch holes show.
    inner = grey[height // 20: -height // 20 or None, width // 20: -width // 20 or None]
    paper = float(np.percentile(inner, 90))
    return float((inner < paper - FAINT_INK).mean()) < BLANK_INK_RATIO


def cover_barcode(small: Image.Image) -> str | None:
    """The box barcode of one of our cover sheets, or None for an ordinary page."""
    for result in zxingcpp.read_barcodes(small, formats=zxingcpp.BarcodeFormat.Code128):
        code = clean_scanned(result.text).upper()
        if looks_like_scheme(code, BOX_PREFIX) and has_valid_check(code):
            return code
    return None


def _profile_score(ys: np.ndarray, xs: np.ndarray, angle: float, height: int) -> float:
    shift = np.round(xs * math.tan(math.radians(angle))).astype(np.int64)
    rows = ys + shift
    rows = rows[(rows >= 0) & (rows < height)]
    counts = np.bincount(rows, minlength=height).astype(np.float64)
    return float((counts * counts).sum())


def _best_shear(mask: np.ndarray, fine: bool = True, points: int = 60_000) -> tuple[float, float]:
    """(angle, energy) of the shear that makes the rows' ink histogram sharpest."""
    ys, xs = np.nonzero(mask)
    if len(ys) < 200:
        return 0.0, 0.0
    if len(ys) > points:  # plenty to decide on; keep it quick
        keep = np.random.default_rng(0).choice(len(ys), points, replace=False)
        ys, xs = ys[keep], xs[keep]
    height = mask.shape[0]
    pad = int(mask.shape[1] * math.tan(math.radians(7))) + 1
    ys = ys + pad
    size = height + 2 * pad
    angle = max(COARSE, key=lambda a: _profile_score(ys, xs, a, size))
    if fine:
        steps = np.arange(angle - 0.5, angle + 0.5 + 1e-9, FINE_STEP)
        angle = max(steps, key=lambda a: _profile_score(ys, xs, a, size))
    # Energy against that of ink spread evenly over the rows: comparable across shapes.
    energy = _profile_score(ys, xs, angle, size) * height / (len(ys) ** 2)
    return float(round(angle, 2)), energy


def estimate_skew(small: Image.Image) -> float:
    """The page's skew in degrees (positive: text rises to the right), by projection profiles.

    Text lines straighten into sharp peaks of the row histogram at the right
    shear; the angle whose histogram has the most energy wins.
    """
    return _best_shear(ink(small))[0]


SIDEWAYS_RATIO = 1.3


def is_sideways(small: Image.Image) -> bool:
    """True when the text runs up or down the page (a page scanned turned by 90 degrees).

    Lines of text make the row profile far sharper than the column profile;
    on a turned page it is the other way round. Upside-down pages look upright
    here; the OCR's confidence catches those.
    """
    mask = ink(small)
    rows = _best_shear(mask, fine=False, points=20_000)[1]
    columns = _best_shear(mask.T, fine=False, points=20_000)[1]
    return columns > rows * SIDEWAYS_RATIO


def deskew(image: Image.Image, degrees: float) -> Image.Image:
    """Turn the page by ``degrees`` back to level, filling the corners with white."""
    fill = 255 if image.mode == "L" else (255,) * len(image.getbands())
    # Bilinear: a third of bicubic's time, and Tesseract reads it just as well at 300 dpi.
    return image.rotate(-degrees, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=fill)


UPRIGHT_RATIO = 1.5


def _ascender_ratio(mask: np.ndarray) -> float | None:
    """Ink above the x-height band over ink below it, summed over text lines.

    Latin text has more ascenders and capitals (b d f h k l t, A-Z) above the
    x-height than descenders (g j p q y) below the baseline, so the ratio is
    well above 1 the right way up and well below 1 upside down.
    """
    profile = mask.sum(axis=1).astype(np.float64)
    if profile.max() == 0:
        return None
    inked = profile > profile.max() * 0.05
    above = below = 0.0
    y, height = 0, len(profile)
    while y < height:
        if not inked[y]:
            y += 1
            continue
        start = y
        while y < height and inked[y]:
            y += 1
        line = profile[start:y]
        if len(line) < 4:
            continue
        core = np.nonzero(line > line.max() * 0.5)[0]
        above += float(line[:core[0]].sum())
        below += float(line[core[-1] + 1:].sum())
    if above + below < 50:
        return None
    return above / max(below, 1.0)


def upside_down(small: Image.Image) -> bool | None:
    """True upside down, False upright, None when the page gives no clear answer.

    ``small`` is a level (deskewed) reduced grey copy of a page whose lines run across.
    """
    ratio = _ascender_ratio(ink(small))
    if ratio is None or 1 / UPRIGHT_RATIO < ratio < UPRIGHT_RATIO:
        return None
    return ratio < 1
