"""Scanned-looking pages with known text, for tests, benchmarks and demonstrations.

A page is drawn at 300 dpi on A4 in DejaVu Sans (Debian's fonts-dejavu-core)
with ordinary English prose, and can be skewed, rotated, speckled with
noise, or left blank. The text drawn is returned, so a test can measure how
well the pipeline reads it back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

DPI = 300
A4 = (2480, 3508)
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/TTF/DejaVuSans.ttf", "C:/Windows/Fonts/arial.ttf")
WORDS = """
the council has agreed that all records of the service will be kept in the store until the
retention period ends and a review is made by the manager of the team who owns them each file
holds letters reports minutes invoices contracts notes and forms about the work of the office
during the year when the budget was set and the plans for the new building were approved by the
committee after a long meeting with members of the public who asked questions about the roads
schools libraries parks housing and the care of older people in the county staff recorded each
decision with the date and the name of the officer responsible for the action that followed
""".split()  # noqa: SIM905 - prose reads better than a list


def font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def prose(rng: random.Random, lines: int, words_per_line: int = 9) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(words_per_line)).capitalize()
            for _ in range(lines)]


@dataclass(frozen=True)
class SamplePage:
    image: Image.Image
    text: str  # what was drawn, line by line


def text_page(seed: int = 0, lines: int = 30, skew_degrees: float = 0.0, rotate: int = 0,
              noise: float = 0.0, size: int = 42) -> SamplePage:
    """A page of prose; ``rotate`` turns the whole page (90, 180, 270) as a scanner might."""
    rng = random.Random(seed)
    text_lines = prose(rng, lines)
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    face = font(size)
    y = 250
    for line in text_lines:
        draw.text((220, y), line, font=face, fill=0)
        y += int(size * 2.0)
    if noise:
        pixels = page.load()
        count = int(A4[0] * A4[1] * noise)
        for _ in range(count):
            pixels[rng.randrange(A4[0]), rng.randrange(A4[1])] = rng.choice((0, 255))
    if skew_degrees:
        page = page.rotate(skew_degrees, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if rotate:
        page = page.rotate(rotate, expand=True, fillcolor=255)
    return SamplePage(page, "\n".join(text_lines))


def blank_page(seed: int = 0, specks: int = 40) -> SamplePage:
    """A blank sheet with a little scanner dust."""
    rng = random.Random(seed)
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    for _ in range(specks):
        x, y = rng.randrange(A4[0]), rng.randrange(A4[1])
        draw.point((x, y), fill=rng.randrange(0, 120))
    return SamplePage(page, "")


def cover_page(barcode: str, team: str = "TEAM", title: str = "Box contents") -> SamplePage:
    """The app's own cover sheet for ``barcode``, rasterised as a scanner would see it."""
    import tempfile

    from pdf2image import convert_from_path

    from paperless_ig.exports.labels import CoverData, write_cover_sheets

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "cover.pdf"
        write_cover_sheets([CoverData(barcode, team, title)], pdf)
        image = convert_from_path(str(pdf), dpi=DPI, grayscale=True)[0]
    return SamplePage(image, "")


def save(page: SamplePage, path: Path) -> Path:
    """Save as the file's extension says (PNG, TIFF, JPEG), at 300 dpi."""
    options = {"dpi": (DPI, DPI)}
    if path.suffix.lower() in (".jpg", ".jpeg"):
        options["quality"] = 85
    if path.suffix.lower() in (".tif", ".tiff"):
        options["compression"] = "tiff_lzw"
    page.image.save(path, **options)
    return path
