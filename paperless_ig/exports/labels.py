"""Box labels on A4 label sheets, and the cover sheets scanned in front of a box's pages.

A label carries what the shelf needs and nothing personal: the barcode (bars
and text), the depositing team's code, where the box is shelved and the year
it is due for disposal. A box title can name a person, so it never goes on a
label; it goes on the cover sheet, which travels inside the box.

Sheet layouts are the common Avery A4 ones, measured in millimetres from the
top-left corner of the sheet as the maker's template gives them. Labels are
numbered from 1 across then down, so a half-used sheet can be fed again with
``start_position`` at its first unused label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from paperless_ig import __version__
from paperless_ig.domain.errors import BadInput
from paperless_ig.exports.barcode_draw import draw_code128, module_width

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
ELLIPSIS = "…"


@dataclass(frozen=True)
class LabelSheet:
    """One label sheet layout; lengths in millimetres, from the sheet's top-left corner."""

    name: str
    description: str
    columns: int
    rows: int
    label_width: float
    label_height: float
    top_margin: float
    left_margin: float
    column_pitch: float
    row_pitch: float
    page_width: float = 210.0
    page_height: float = 297.0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def label_origin(self, slot: int) -> tuple[float, float]:
        """The top-left corner (mm from the sheet's top-left) of label ``slot``, 0-based."""
        row, column = divmod(slot, self.columns)
        return (self.left_margin + column * self.column_pitch,
                self.top_margin + row * self.row_pitch)


SHEETS: dict[str, LabelSheet] = {
    sheet.name: sheet
    for sheet in (
        LabelSheet("L7163", "14 labels of 99.1 x 38.1 mm (2 x 7), as Avery L7163",
                   columns=2, rows=7, label_width=99.1, label_height=38.1,
                   top_margin=15.15, left_margin=4.65, column_pitch=101.6, row_pitch=38.1),
        LabelSheet("L7160", "21 labels of 63.5 x 38.1 mm (3 x 7), as Avery L7160",
                   columns=3, rows=7, label_width=63.5, label_height=38.1,
                   top_margin=15.15, left_margin=7.25, column_pitch=66.04, row_pitch=38.1),
    )
}
DEFAULT_SHEET = "L7163"

# Inside a label: kept clear of the edge, which laser printers place to
# about a millimetre and the die-cut corners round off.
EDGE = 2.5 * mm
BARCODE_EDGE = 1.5 * mm  # the quiet zone is light already, so the bars' box may come closer
MAX_LABEL_MODULE = 0.7 * mm  # wider bars outgrow a hand scanner's field of view
MIN_HEADING = 10.0  # the smallest team code that still reads along a shelf


@dataclass(frozen=True)
class LabelData:
    """What one box label shows. Deliberately no title: labels carry no personal data."""

    barcode: str
    team_code: str
    location: str | None
    disposal_year: int | None


@dataclass(frozen=True)
class CoverData:
    """What one box cover sheet shows."""

    barcode: str
    team: str
    title: str


def get_sheet(name: str) -> LabelSheet:
    """The sheet layout called ``name`` (case ignored); BadInput listing the known ones."""
    sheet = SHEETS.get(name.strip().upper())
    if sheet is None:
        raise BadInput(f"unknown label sheet {name!r}: known sheets are {', '.join(SHEETS)}")
    return sheet


def fit_text(text: str, font: str, size: float, max_width: float, min_size: float = 6) -> tuple[str, float]:
    """``text`` and a font size at which it fits ``max_width``: shrunk, then cut with an ellipsis."""
    width = stringWidth(text, font, size)
    if width <= max_width:
        return text, size
    size = max(min_size, size * max_width / width)
    if stringWidth(text, font, size) <= max_width:
        return text, size
    while text and stringWidth(text + ELLIPSIS, font, size) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS, size


def _draw_centred(canvas: Canvas, text: str, font: str, size: float, x: float, y: float,
                  max_width: float) -> None:
    text, size = fit_text(text, font, size, max_width)
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)


def disposal_text(year: int | None) -> str:
    return "Permanent" if year is None else f"Dispose {year}"


def _draw_label(canvas: Canvas, label: LabelData, x: float, y: float, width: float, height: float) -> None:
    """One label in the box at (x, y) bottom-left, in points.

    From the top: team code (left) and disposal year (right), large enough to
    read along a shelf; the bars; the barcode text; the location. A team code
    too long to share its line at a readable size takes the whole line, and
    the year moves down beside the location.
    """
    inner = width - 2 * EDGE
    right = x + width - EDGE
    gap = 3 * mm
    heading = 12.0
    heading_base = y + height - EDGE - heading * 0.72  # Helvetica's cap height is 0.72 em
    year = disposal_text(label.disposal_year)
    both = stringWidth(label.team_code, BOLD, heading) + stringWidth(year, BOLD, heading)
    shared = min(heading, heading * (inner - gap) / both)  # both shrunk together to share the line
    year_on_top = shared >= MIN_HEADING
    # Cut rather than shrunk unreadable: the barcode, not the code, is what finds the box.
    team, size = fit_text(label.team_code, BOLD, shared if year_on_top else heading, inner, min_size=8)
    canvas.setFont(BOLD, size)
    canvas.drawString(x + EDGE, heading_base, team)

    location = label.location or "not shelved"
    location_size = 8.5
    location_base = y + EDGE + location_size * 0.21  # room for descenders
    if year_on_top:
        canvas.setFont(BOLD, shared)
        canvas.drawRightString(right, heading_base, year)
        _draw_centred(canvas, location, FONT, location_size, x + width / 2, location_base, inner)
    else:
        canvas.setFont(BOLD, location_size + 1)
        canvas.drawRightString(right, location_base, year)
        year_width = stringWidth(year, BOLD, location_size + 1)
        text, size = fit_text(location, FONT, location_size, inner - year_width - gap)
        canvas.setFont(FONT, size)
        canvas.drawString(x + EDGE, location_base, text)

    code_size = 10.0
    code_base = location_base + location_size * 0.72 + 1.6 * mm + code_size * 0.21
    bars_bottom = code_base + code_size * 0.72 + 1.2 * mm
    bars_top = heading_base - heading * 0.21 - 1.6 * mm
    bars = draw_code128(canvas, label.barcode, x + BARCODE_EDGE, bars_bottom,
                        width - 2 * BARCODE_EDGE, bars_top - bars_bottom, max_module=MAX_LABEL_MODULE)
    _draw_centred(canvas, label.barcode, FONT, code_size, bars.centre_x, code_base, inner)


def _save(canvas: Canvas, out: Path) -> None:
    try:
        canvas.save()
    except OSError as exc:
        raise BadInput(f"cannot write {out}: {exc.strerror or exc}") from None


def _new_canvas(out: Path, title: str) -> Canvas:
    canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("paperless-ig")
    canvas.setCreator(f"paperless-ig {__version__}")
    return canvas


def write_labels(labels: Sequence[LabelData], out: Path, sheet: str = DEFAULT_SHEET,
                 start_position: int = 1) -> int:
    """Write ``labels`` onto A4 sheets of layout ``sheet`` as a PDF at ``out``; returns pages written.

    ``start_position`` (1-based, across then down) is the first unused label
    of the first sheet. Every barcode is checked to fit before anything is
    written, so a bad one leaves no half-made file.
    """
    layout = get_sheet(sheet)
    if not 1 <= start_position <= layout.per_sheet:
        raise BadInput(f"start position {start_position} is not on a {layout.name} sheet "
                       f"(labels 1 to {layout.per_sheet})")
    if not labels:
        raise BadInput("no labels to print")
    bars_width = layout.label_width * mm - 2 * BARCODE_EDGE
    for label in labels:
        try:
            module_width(label.barcode, bars_width)
        except BadInput as exc:
            raise BadInput(f"{exc} on a {layout.name} label; try a sheet with wider labels") from None

    canvas = _new_canvas(out, f"Box labels ({layout.name})")
    page_height = layout.page_height * mm
    slot = start_position - 1
    pages = 1
    for label in labels:
        if slot == layout.per_sheet:
            canvas.showPage()
            pages += 1
            slot = 0
        left, top = layout.label_origin(slot)
        _draw_label(canvas, label, left * mm, page_height - (top + layout.label_height) * mm,
                    layout.label_width * mm, layout.label_height * mm)
        slot += 1
    canvas.showPage()
    _save(canvas, out)
    return pages


COVER_MARGIN = 20 * mm
COVER_INSTRUCTION = "Put this sheet in front of the box's pages"


def _draw_cover(canvas: Canvas, cover: CoverData) -> None:
    page_width, page_height = A4
    inner = page_width - 2 * COVER_MARGIN
    centre = page_width / 2
    canvas.setFont(FONT, 11)
    canvas.drawCentredString(centre, page_height - COVER_MARGIN, "BOX COVER SHEET")

    # Bars of about 1.3 mm modules, 45 mm tall: generous for a 300 dpi scan
    # of a sheet fed a little skewed. The quiet zones stay inside the margins.
    bars_height = 45 * mm
    bars_bottom = page_height - COVER_MARGIN - 8 * mm - bars_height
    bars = draw_code128(canvas, cover.barcode, COVER_MARGIN, bars_bottom, inner, bars_height)

    code_size = 40.0
    code_base = bars_bottom - 5 * mm - code_size * 0.72
    _draw_centred(canvas, cover.barcode, BOLD, code_size, bars.centre_x, code_base, inner)

    y = code_base - 22 * mm
    _draw_centred(canvas, cover.team, BOLD, 20, centre, y, inner)
    y -= 14 * mm
    title_size = 16.0
    lines = simpleSplit(cover.title, FONT, title_size, inner) or [""]
    if len(lines) > 8:
        lines = [*lines[:7], fit_text(" ".join(lines[7:]), FONT, title_size, inner, title_size)[0]]
    canvas.setFont(FONT, title_size)
    for line in lines:
        canvas.drawCentredString(centre, y, line)
        y -= title_size * 1.3

    instruction_base = COVER_MARGIN + 10 * mm
    canvas.setLineWidth(0.8)
    canvas.line(COVER_MARGIN, instruction_base + 12 * mm, page_width - COVER_MARGIN,
                instruction_base + 12 * mm)
    _draw_centred(canvas, COVER_INSTRUCTION, BOLD, 18, centre, instruction_base, inner)


def write_cover_sheets(covers: Sequence[CoverData], out: Path) -> int:
    """Write one A4 cover sheet per box as a PDF at ``out``; returns pages written.

    Each sheet has the box barcode in large bars near the top, for the OCR
    pipeline to find with zxing when it separates a scan batch into boxes.
    """
    if not covers:
        raise BadInput("no cover sheets to print")
    inner = A4[0] - 2 * COVER_MARGIN
    for cover in covers:
        module_width(cover.barcode, inner)
    canvas = _new_canvas(out, "Box cover sheets")
    for cover in covers:
        _draw_cover(canvas, cover)
        canvas.showPage()
    _save(canvas, out)
    return len(covers)
