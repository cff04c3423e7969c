"""Draw the app's icon: a records box with a barcode label, on a rounded tile.

Writes ``resources/icons/paperless-ig.png`` (256 x 256) and ``paperless-ig.ico``
(16 to 256 pixels, for the Windows bundle). Drawn at four times the size and
scaled down, so the edges are smooth without an anti-aliasing pass.

    python packaging/make_icon.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
SCALE = 4
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]

TILE = (21, 94, 117)  # deep teal: the app's accent, calm on a task bar
BOX = (236, 222, 196)  # manila card
BOX_SHADE = (205, 186, 152)
INK = (33, 37, 41)
LABEL = (255, 255, 255)
# A fixed bar pattern (widths in units), so the icon is the same on every build.
BARS = [2, 1, 1, 2, 3, 1, 1, 1, 2, 2, 1, 3, 1, 1, 2, 1, 1, 2, 3, 1, 2]


def draw(size: int = SIZE) -> Image.Image:
    big = size * SCALE
    u = big / 256  # drawing units: the layout below is on a 256 grid
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    pen.rounded_rectangle((8 * u, 8 * u, 248 * u, 248 * u), radius=48 * u, fill=TILE)

    # The box: a lid that overhangs a little, then the body with a hand hole.
    pen.rounded_rectangle((44 * u, 70 * u, 212 * u, 104 * u), radius=8 * u, fill=BOX,
                          outline=INK, width=round(5 * u))
    pen.rounded_rectangle((54 * u, 100 * u, 202 * u, 214 * u), radius=8 * u, fill=BOX,
                          outline=INK, width=round(5 * u))
    pen.rectangle((59 * u, 105 * u, 197 * u, 112 * u), fill=BOX_SHADE)  # the lid's shadow
    pen.rounded_rectangle((108 * u, 80 * u, 148 * u, 92 * u), radius=6 * u, fill=INK)

    # The label, with its barcode.
    left, top, right, bottom = 76 * u, 130 * u, 180 * u, 196 * u
    pen.rounded_rectangle((left, top, right, bottom), radius=5 * u, fill=LABEL,
                          outline=INK, width=round(3 * u))
    unit = (right - left - 16 * u) / sum(BARS)
    x = left + 8 * u
    for index, width in enumerate(BARS):
        if index % 2 == 0:
            pen.rectangle((x, top + 10 * u, x + width * unit - 1, bottom - 10 * u), fill=INK)
        x += width * unit
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "resources" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    icon = draw()
    icon.save(out / "paperless-ig.png", optimize=True)
    icon.save(out / "paperless-ig.ico", sizes=ICO_SIZES)
    print(f"icon written to {out / 'paperless-ig.png'} and {out / 'paperless-ig.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
