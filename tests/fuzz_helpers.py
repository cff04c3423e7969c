"""Strategies, file builders and a hang guard for the bad-input tests (tests/test_fuzz.py).

Everything here makes input on purpose: cells and files a council might send
by mistake (or on purpose), and damaged copies of real scans. Nothing here
knows what the code under test should answer; that is the tests' job.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import signal
import struct
import zipfile
import zlib
from datetime import date, datetime, time
from pathlib import Path

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from PIL import Image, ImageDraw

# -- a hang guard ---------------------------------------------------------------


class Hang(BaseException):
    """Raised by ``time_limit``; a BaseException so no ``except Exception`` under test hides it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Fail the example if the block takes longer than ``seconds`` (main thread only).

    Hypothesis's deadline only judges an example once it has finished; this
    stops one that would never finish, so a hang is a failure, not a stuck run.
    """

    def expire(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def tally(label: str) -> None:
    """Count an outcome for ``--hypothesis-show-statistics`` (a no-op outside a property)."""
    if currently_in_test_context():
        event(label)


# -- text and cells -------------------------------------------------------------

# Real argv and real files never hold NUL; every other character is fair game.
# (Hypothesis leaves out lone surrogates by default.)
ANY_CHAR = st.characters(exclude_characters="\x00")
# What a keyboard-wedge scanner or a copy-and-paste adds around a code.
SCANNER_NOISE = st.sampled_from([
    "\r", "\n", "\t", " ", "\x1d", "\x1e", "\x04", "\ufeff", "\u200b", "\u200d", "\u00a0",
    "\u3000", "\x7f", "\u2028", "\u0085", "\x00",
])
HUGE = st.sampled_from([201, 401, 5_000, 40_000]).map(lambda n: "W" * n)
WEIRD_TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=30),
    st.sampled_from(["", " ", "\t", "=1+1", "=SUM(A1:A2)", "#REF!", "None", "null", "NaN", "-0",
                     "\u202eevil", "'", '"', '""', ",", ";", "\\", "../../etc/passwd", "é", "𝔘",
                     "0x1F", "1e308", "9" * 40]),
)


def cells(*plausible) -> st.SearchStrategy:
    """A cell: mostly one of ``plausible``, else anything a spreadsheet could hold."""
    return st.one_of(
        st.sampled_from(plausible) if plausible else st.nothing(),
        WEIRD_TEXT,
        st.none(),
        st.integers(-(2**63), 2**63),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.dates(),
        st.datetimes(min_value=datetime(1900, 1, 1)),
        st.times(),
        HUGE,
    )


def xlsx_safe(value):
    """A value openpyxl will write (it refuses some control characters, as Excel does)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)  # Excel keeps 15 significant digits; openpyxl writes them anyway
    return value


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def write_table(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    """``rows`` (heading first) as CSV or xlsx, by the suffix of ``path``."""
    if path.suffix == ".csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows([[csv_text(v) for v in row] for row in rows])
        path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
        return path
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([xlsx_safe(v) for v in row])
    workbook.save(path)
    return path


def retag_dimension(path: Path, ref: str) -> None:
    """Rewrite the size a worksheet claims (its ``<dimension ref=...>``), leaving its cells alone."""
    with zipfile.ZipFile(path) as original:
        parts = [(info.filename, original.read(info.filename)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w") as rewritten:
        for name, data in parts:
            if name.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % ref.encode(), data)
            rewritten.writestr(name, data)


# -- damaging bytes -------------------------------------------------------------


@st.composite
def damaged(draw, original: bytes, keep: int = 0) -> bytes:
    """``original`` cut short, with bytes flipped, spliced in or zeroed.

    ``keep`` leading bytes (a file's magic number) are left alone, so the
    damage reaches the decoder instead of stopping at "not an image".
    """
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["cut", "flip", "splice", "zero", "repeat"]))
        at = draw(st.integers(min(keep, len(data)), max(len(data), keep)))
        if how == "cut":
            del data[at:]
        elif how == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif how == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif how == "zero":
            length = draw(st.integers(1, 64))
            data[at:at + length] = bytes(len(data[at:at + length]))
        elif how == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 256))]
    return bytes(data)


# -- real pages, small ----------------------------------------------------------


def page_image(size=(96, 72), mode: str = "L") -> Image.Image:
    """A small page with some ink on it (so it is neither blank nor a cover sheet)."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for y in range(8, size[1] - 8, 12):
        draw.line((8, y, size[0] - 8, y), fill=0, width=2)
    return image.convert(mode)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def multi_page_tiff(pages: int = 2) -> bytes:
    frames = [page_image() for _ in range(pages)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, mode: int = 0, depth: int = 8) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with one tiny data chunk."""
    header = struct.pack(">IIBBBBB", width, height, depth, mode, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _png_chunk(b"IEND", b""))


def tiff_claiming(width: int, height: int) -> bytes:
    """A little-endian TIFF whose tags claim ``width`` x ``height`` 8-bit grey pixels."""
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, 8 + 2 + 12 * 9 + 4), (277, 3, 1, 1),
               (278, 4, 1, height), (279, 4, 1, 16)]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHI", tag, kind, count)
        ifd += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x80" * 16


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG with its frame header rewritten to claim ``width`` x ``height``."""
    data = bytearray(encode(page_image(), "JPEG"))
    at = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, at + 5, height, width)
    return bytes(data)


def pdf_with_page(width: float, height: float, count: int | None = None, content: bytes = b"") -> bytes:
    """A one-page PDF of ``width`` x ``height`` points, written by hand (correct xref).

    ``count`` lets the page tree claim more pages than it holds.
    """
    stream = content or b"0 0 0 rg 2 2 4 4 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % (count or 1),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Contents 4 0 R >>"
        % (f"{width:g}".encode(), f"{height:g}".encode()),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
