"""Code 128 symbols drawn straight onto a reportlab canvas.

python-barcode works out the symbol (character sets, check character, stop
pattern) as a string of modules, ``"1"`` for a dark module and ``"0"`` for a
light one; this module draws each run of dark modules as one filled
rectangle. Its SVG and image writers are not used: their SVG is in millimetre
units without a viewBox, which QtSvg draws wrongly, and an image would be
resampled by the PDF viewer or printer driver.

The module width is chosen to fill the box, snapped to whole dots of a
300 dpi printer (1/300 inch, also whole dots at 600 and 1200 dpi) so every
bar of the same width prints with the same width, and never below 0.3 mm,
the narrowest that 300 dpi scanners and zxing read reliably. A quiet zone of
10 modules is kept light on each side of the bars, inside the box given.
All lengths are in PDF points, reportlab's unit (``reportlab.lib.units.mm``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import barcode
from barcode.errors import BarcodeError
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from paperless_ig.domain.errors import BadInput

QUIET_MODULES = 10
MIN_MODULE = 0.3 * mm
PRINTER_DOT = inch / 300


def code128_pattern(code: str) -> str:
    """The modules of ``code`` as Code 128, without quiet zones: ``"1101001..."``."""
    if not code:
        raise BadInput("an empty barcode cannot be drawn")
    try:
        return barcode.get_barcode_class("code128")(code).build()[0]
    except BarcodeError as exc:
        raise BadInput(f"barcode {code!r} cannot be written as Code 128: {exc}") from None


def module_count(code: str, quiet: int = QUIET_MODULES) -> int:
    """How many modules wide ``code`` is as Code 128, counting both quiet zones."""
    return len(code128_pattern(code)) + 2 * quiet


def module_width(code: str, width: float, *, max_module: float | None = None) -> float:
    """The module width that fits ``code`` and its quiet zones into ``width`` points.

    Raises BadInput, naming the barcode and both widths, when even the
    0.3 mm minimum does not fit.
    """
    count = module_count(code)
    module = width / count
    if max_module is not None:
        module = min(module, max_module)
    if module < MIN_MODULE:
        raise BadInput(
            f"barcode {code!r} needs {count * MIN_MODULE / mm:.1f} mm at the 0.3 mm minimum "
            f"bar width, more than the {width / mm:.1f} mm there is room for"
        )
    return max(math.floor(module / PRINTER_DOT) * PRINTER_DOT, MIN_MODULE)


@dataclass(frozen=True)
class DrawnBarcode:
    """Where the bars went: the first bar's left edge, the bars' width, the module width."""

    bars_x: float
    bars_width: float
    module: float

    @property
    def centre_x(self) -> float:
        return self.bars_x + self.bars_width / 2


def draw_code128(
    canvas: Canvas,
    code: str,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    max_module: float | None = None,
) -> DrawnBarcode:
    """Draw ``code`` as Code 128 centred in the box at (x, y), bottom-left, of the size given.

    The quiet zones lie inside the box; the bars take its full height.
    ``max_module`` caps the module width for short codes in wide boxes.
    """
    pattern = code128_pattern(code)
    module = module_width(code, width, max_module=max_module)
    bars_width = len(pattern) * module
    bars_x = x + (width - bars_width) / 2
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    start = None
    for i, bit in enumerate(pattern + "0"):
        if bit == "1" and start is None:
            start = i
        elif bit == "0" and start is not None:
            canvas.rect(bars_x + start * module, y, (i - start) * module, height, stroke=0, fill=1)
            start = None
    canvas.restoreState()
    return DrawnBarcode(bars_x, bars_width, module)
