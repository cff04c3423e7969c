"""The documents of a disposal batch: the IAO's approval list and the certificate of destruction.

Pure writers: each takes a frozen dataclass of plain values (built by
``services.disposal_documents``) and writes one file; nothing here touches
the database.

- The approval list goes to one Information Asset Owner: the boxes of their
  teams in the batch, what is proposed for each, a blank column to write
  "Approve" or "Reject" in, and a signature block. As a PDF (A4 landscape,
  to be printed, signed and returned) and as a workbook (to be filled in and
  e-mailed back).
- The certificate of destruction is the evidence that ends a box's life:
  our certificate number, the contractor's, when and how, the totals, and
  every box of the batch in one of four sections (destroyed, transferred to
  the archives, pulled, kept for longer), so that every box is accounted for
  and no reader can take a pulled box for a destroyed one. As a PDF (A4
  portrait) and as a workbook of the same lists.

Neither document carries a box title: titles can name people. A box is
known by its barcode, team, retention class and the dates of its records.
Both carry the protective marking OFFICIAL at the head and foot of every
page, as the Government Security Classifications ask of documents about
official information.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from paperless_ig import __version__
from paperless_ig.domain.errors import BadInput
from paperless_ig.exports.labels import BOLD, FONT, fit_text

MARKING = "OFFICIAL"
MARGIN = 15 * mm
FURNITURE = 8 * mm  # from the paper's edge to the header and footer lines
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#5c5c5c")
RULE = colors.HexColor("#9a9a9a")
HEAD_FILL = colors.HexColor("#e3e7ec")
STRIPE = colors.HexColor("#f5f6f8")
CELL_PAD = 3.0
CELL_SIZE = 8.5
NOT_RECORDED = "not recorded"

DECISION_TEXT = {"destroy": "Destroy", "transfer": "Transfer to archives", "extend": "Extend"}
NO_DECISION = "Not yet decided"


# -- the data ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ApprovalRow:
    """One box on an approval list. No title: titles can hold personal data."""

    barcode: str
    team: str
    team_name: str
    class_code: str
    class_description: str
    authority: str
    date_from: date | None
    date_to: date | None
    disposal_date: date | None
    decision: str | None  # destroy, transfer, extend; None while the records manager decides
    extend_to: date | None = None
    reason: str | None = None

    @property
    def proposal(self) -> str:
        """The proposed decision in words: "Destroy", "Extend to 1 Jan 2030: audit"."""
        if self.decision == "extend":
            text = f"Extend to {day(self.extend_to)}" if self.extend_to else "Extend"
            return f"{text}: {self.reason}" if self.reason else text
        return DECISION_TEXT.get(self.decision or "", NO_DECISION)


@dataclass(frozen=True)
class ApprovalList:
    """What one Information Asset Owner is asked to approve in one batch."""

    batch_id: int
    iao: str
    iao_login: str | None
    organisation: str | None
    prepared_on: date
    prepared_by: str
    rows: tuple[ApprovalRow, ...]

    @property
    def teams(self) -> list[tuple[str, str]]:
        """The (code, name) of the teams whose boxes are listed, in code order."""
        return sorted({(r.team, r.team_name) for r in self.rows})

    def counts(self) -> str:
        """E.g. "4 boxes: 2 to destroy, 1 to transfer to archives, 1 to extend"."""
        parts = []
        for decision, words in (("destroy", "to destroy"), ("transfer", "to transfer to archives"),
                                ("extend", "to extend"), (None, "not yet decided")):
            count = sum(1 for r in self.rows if r.decision == decision)
            if count:
                parts.append(f"{count} {words}")
        return f"{plural(len(self.rows), 'box', 'boxes')}: {', '.join(parts)}" if parts else "no boxes"


@dataclass(frozen=True)
class CertificateRow:
    """One box on a certificate: barcode, team, class and record dates; never its title."""

    barcode: str
    team: str
    team_name: str
    class_code: str
    date_from: date | None
    date_to: date | None
    width_mm: int
    weight_kg: float | None = None
    reason: str | None = None  # why it was pulled, or why its retention was extended
    extend_to: date | None = None  # the new disposal date of a box kept for longer


@dataclass(frozen=True)
class Certificate:
    """A completed batch, as its certificate of destruction shows it."""

    number: str  # ours, e.g. PIG-00012
    batch_id: int
    organisation: str | None
    destroyed_on: date
    method: str
    contractor: str
    contractor_certificate_no: str
    witnesses: tuple[str, ...]
    weight_kg: float | None
    destroyed: tuple[CertificateRow, ...]
    transferred: tuple[CertificateRow, ...]
    pulled: tuple[CertificateRow, ...]
    extended: tuple[CertificateRow, ...]
    approved_by: tuple[str, ...]
    prepared_by: str
    issued_on: date

    @property
    def linear_metres(self) -> float:
        """Shelf length of the destroyed boxes."""
        return sum(r.width_mm for r in self.destroyed) / 1000

    def not_destroyed(self) -> str:
        """E.g. "4: 1 transferred, 2 pulled, 1 kept for longer", or "none"."""
        parts = [(len(rows), words) for rows, words in ((self.transferred, "transferred"),
                                                        (self.pulled, "pulled"),
                                                        (self.extended, "kept for longer")) if rows]
        if not parts:
            return "none"
        return f"{sum(n for n, _ in parts):,}: " + ", ".join(f"{n:,} {words}" for n, words in parts)


# -- words and numbers -----------------------------------------------------------------------
def day(value: date | None) -> str:
    """A date as people read it on paper, unambiguous anywhere: "1 Jun 2018"."""
    return f"{value.day} {value:%b %Y}" if value else NOT_RECORDED


def date_range(start: date | None, end: date | None) -> str:
    if start and end:
        return day(start) if start == end else f"{day(start)} – {day(end)}"
    if start:
        return f"from {day(start)}"
    if end:
        return f"to {day(end)}"
    return NOT_RECORDED


def plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def metres(value: float) -> str:
    return f"{value:,.2f} m"


def kilograms(value: float | None) -> str:
    return NOT_RECORDED if value is None else f"{value:,.1f} kg"


# -- fonts and styles -----------------------------------------------------------------------------
# Names on these documents (IAOs, witnesses, contractors) come from people:
# Helvetica, a PDF standard font, has only the Windows-1252 letters and draws
# a black box for Ł or the Welsh ŵ. So a TrueType font that has them is
# embedded when the machine has one: Liberation Sans or Arial (Helvetica's
# widths, so the layout is the same), else DejaVu Sans Condensed (about as
# wide); Helvetica otherwise.
FONT_CANDIDATES = (  # (regular, bold) file paths
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
     "/usr/share/fonts/liberation-sans/LiberationSans-Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSansCondensed.ttf", "/usr/share/fonts/TTF/DejaVuSansCondensed-Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)


@functools.cache
def fonts() -> tuple[str, str]:
    """The (regular, bold) font names to write with, registered with reportlab on first use."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            try:
                pdfmetrics.registerFont(TTFont("PIG-Sans", regular))
                pdfmetrics.registerFont(TTFont("PIG-Sans-Bold", bold))
            except Exception:  # an unreadable or unusual font file: try the next
                continue
            return "PIG-Sans", "PIG-Sans-Bold"
    return FONT, BOLD


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    font, bold = fonts()
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5, textColor=INK,
                          alignment=TA_LEFT)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=20, leading=24,
                                spaceAfter=1 * mm),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=15, textColor=GREY,
                                   spaceAfter=5 * mm),
        "heading": ParagraphStyle("heading", base, fontName=bold, fontSize=12, leading=15,
                                  spaceBefore=6 * mm, spaceAfter=2.5 * mm),
        "label": ParagraphStyle("label", base, fontSize=8.5, leading=11, textColor=GREY),
        "value": ParagraphStyle("value", base, fontName=bold, fontSize=9.5, leading=12),
        "cell": ParagraphStyle("cell", base, fontSize=CELL_SIZE, leading=10.5),
        "code": ParagraphStyle("code", base, fontSize=CELL_SIZE, leading=10.5, wordWrap="CJK"),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=CELL_SIZE, leading=10.5),
        "note": ParagraphStyle("note", base, fontSize=8.5, leading=11, textColor=GREY,
                               spaceBefore=1.5 * mm),
    }


def _style(name: str) -> ParagraphStyle:
    return _styles()[name]


# -- PDF furniture -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Furniture:
    """What every page carries: the marking, a running title and "Page n of N"."""

    pagesize: tuple[float, float]
    running_title: str
    footer_left: str

    def draw(self, canvas: Canvas, number: int, total: int) -> None:
        width, height = self.pagesize
        inner = width - 2 * MARGIN
        font, bold = fonts()
        canvas.saveState()
        canvas.setFillColor(INK)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top = height - FURNITURE
        canvas.setFont(bold, 10)
        canvas.drawCentredString(width / 2, top - 10, MARKING)
        third = inner / 3 - 4 * mm
        text, size = fit_text(self.running_title, font, 8, third, min_size=7)
        canvas.setFont(font, size)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, top - 10, text)
        canvas.line(MARGIN, top - 14, width - MARGIN, top - 14)

        bottom = FURNITURE
        canvas.line(MARGIN, bottom + 14, width - MARGIN, bottom + 14)
        text, size = fit_text(self.footer_left, font, 8, third, min_size=7)
        canvas.setFont(font, size)
        canvas.drawString(MARGIN, bottom + 4, text)
        canvas.drawRightString(width - MARGIN, bottom + 4, f"Page {number} of {total}")
        canvas.setFillColor(INK)
        canvas.setFont(bold, 10)
        canvas.drawCentredString(width / 2, bottom + 3, MARKING)
        canvas.restoreState()


class _PagedCanvas(Canvas):
    """Holds every page back until the end, so each footer can say "Page n of N"."""

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._held: list[dict] = []

    def showPage(self) -> None:  # reportlab's name for it
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._furniture.draw(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


def _build(out: Path, pagesize: tuple[float, float], title: str, furniture: Furniture,
           story: list[Flowable]) -> None:
    width, height = pagesize
    top_room = FURNITURE + 14 + 5 * mm  # below the header rule
    font, _bold = fonts()
    doc = BaseDocTemplate(str(out), pagesize=pagesize, title=title, author="paperless-ig",
                          initialFontName=font,
                          creator=f"paperless-ig {__version__}", subject=MARKING,
                          leftMargin=MARGIN, rightMargin=MARGIN, topMargin=top_room,
                          bottomMargin=top_room, pageCompression=1)
    frame = Frame(MARGIN, top_room, width - 2 * MARGIN, height - 2 * top_room, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame])])
    try:
        doc.build(story, canvasmaker=functools.partial(_PagedCanvas, furniture=furniture))
    except OSError as exc:
        raise BadInput(f"cannot write {out}: {exc.strerror or exc}") from None


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), _style(style))


def _cell(text: str, width: float, style: str = "cell") -> str | Paragraph:
    """Plain text when it fits its column on one line (fast); else a wrapping paragraph."""
    chosen = _style(style)
    if stringWidth(text, chosen.fontName, chosen.fontSize) <= width - 2 * CELL_PAD:
        return text
    return Paragraph(escape(text), chosen)


def _table_style(header_rows: int = 1) -> TableStyle:
    font, bold = fonts()
    return TableStyle([
        ("FONT", (0, 0), (-1, -1), font, CELL_SIZE, 10.5),
        ("FONT", (0, 0), (-1, header_rows - 1), bold, CELL_SIZE, 10.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_FILL),
        ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, STRIPE]),
        ("LINEBELOW", (0, 0), (-1, header_rows - 1), 0.8, GREY),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ])


def _box_table(headings: Sequence[str], widths: Sequence[float], rows: list[list[Any]],
               extra: Sequence[tuple] = ()) -> Table:
    """A table of boxes that splits across pages, repeating its heading row on each."""
    head = [_cell(h, w, "head") for h, w in zip(headings, widths, strict=True)]
    table = LongTable([head, *rows], colWidths=list(widths), repeatRows=1, splitByRow=1,
                      hAlign="LEFT")
    style = _table_style()
    for command in extra:
        style.add(*command)
    table.setStyle(style)
    return table


def _details(pairs: Sequence[tuple[str, str]], width: float, columns: int = 2) -> Table:
    """Label-over-value pairs in a grid, as on a form."""
    pad = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]
    cells: list[Any] = [Table([[_p(label, "label")], [_p(value, "value")]],
                              colWidths=[width / columns - 4 * mm], style=pad)
                        for label, value in pairs]
    cells += [""] * (-len(cells) % columns)
    rows = [cells[start:start + columns] for start in range(0, len(cells), columns)]
    grid = Table(rows, colWidths=[width / columns] * columns, hAlign="LEFT")
    grid.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
    ]))
    return grid


def _signature_block(width: float, who: str, lines: Sequence[str] = ("Signature", "Name", "Date")
                     ) -> Table:
    """Ruled lines to sign on, with their captions underneath, side by side."""
    gaps = 8 * mm
    widths = {"Signature": 0.45, "Name": 0.35, "Date": 0.20}
    cols = [(width - gaps * (len(lines) - 1)) * widths.get(line, 1 / len(lines)) for line in lines]
    row_space = [""] * (2 * len(lines) - 1)
    captions: list[Any] = []
    col_widths: list[float] = []
    for index, (line, col) in enumerate(zip(lines, cols, strict=True)):
        if index:
            captions.append("")
            col_widths.append(gaps)
        captions.append(_p(line, "label"))
        col_widths.append(col)
    table = Table([[_p(who, "value")] + [""] * (len(row_space) - 1), row_space, captions],
                  colWidths=col_widths, rowHeights=[None, 14 * mm, None], hAlign="LEFT")
    style = [("SPAN", (0, 0), (-1, 0)), ("LEFTPADDING", (0, 0), (-1, -1), 0),
             ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
    style += [("LINEBELOW", (i, 1), (i, 1), 0.6, INK) for i in range(0, len(col_widths), 2)]
    table.setStyle(TableStyle(style))
    return table


# -- the approval list ---------------------------------------------------------------------------
APPROVAL_PAGE = landscape(A4)
APPROVAL_COLUMNS = (  # heading, width in mm; the widths add up to the 267 mm between the margins
    ("Barcode", 25), ("Team", 19), ("Class", 19), ("Class description", 69),
    ("Records dated", 40), ("Disposal date", 23), ("Proposed decision", 38), ("Approve / Reject", 34),
)


def _approval_story(data: ApprovalList) -> list[Flowable]:
    width = APPROVAL_PAGE[0] - 2 * MARGIN
    story: list[Flowable] = [_p("Disposal approval list", "title")]
    story.append(_p(data.organisation or "Records store", "subtitle"))
    teams = "; ".join(f"{code} {name}" for code, name in data.teams) or "none"
    story.append(_details([
        ("Information Asset Owner", data.iao),
        ("Disposal batch", str(data.batch_id)),
        ("Prepared", f"{day(data.prepared_on)} by {data.prepared_by}"),
        ("Teams", teams),
        ("Boxes", data.counts()),
    ], width, columns=3))
    story.append(_p(
        "These boxes have reached the end of their retention period under the retention schedule "
        "and are proposed for the action shown. Please write Approve or Reject against each box; "
        "for a box you reject, give the reason. Then sign below and return this list to the "
        "Corporate Information Governance Team. A rejected box is not destroyed. Box titles are "
        "left out because they can name people; ask us if you need to see a box's contents list.",
        "body"))
    story.append(Spacer(0, 4 * mm))

    widths = [w * mm for _, w in APPROVAL_COLUMNS]
    rows = []
    for r in data.rows:
        description = escape(r.class_description or "")
        if r.authority:
            description += f"<br/><font size=7 color='#5c5c5c'>{escape(r.authority)}</font>"
        rows.append([
            _cell(r.barcode, widths[0], "code"),
            _cell(r.team, widths[1], "code"),
            _cell(r.class_code, widths[2], "code"),
            Paragraph(description, _style("cell")),
            _cell(date_range(r.date_from, r.date_to), widths[4]),
            _cell(day(r.disposal_date), widths[5]),
            _cell(r.proposal, widths[6]),
            "",
        ])
    if rows:
        # Room to write in: every row at least 9 mm tall, the answer column ruled off.
        story.append(_box_table([h for h, _ in APPROVAL_COLUMNS], widths, rows, extra=[
            ("TOPPADDING", (0, 1), (-1, -1), 4), ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
            ("LINEBEFORE", (7, 0), (7, -1), 0.6, GREY),
        ]))
    else:
        story.append(_p("No boxes of your teams are in this batch.", "body"))

    story.append(CondPageBreak(60 * mm))
    story.append(Spacer(0, 8 * mm))
    story.append(KeepTogether([
        _p("I have reviewed the boxes listed above and approve the proposed decision for each "
           "box marked Approve.", "body"),
        Spacer(0, 3 * mm),
        _signature_block(min(width, 200 * mm), f"Information Asset Owner: {data.iao}"),
    ]))
    return story


def _approval_title(data: ApprovalList) -> str:
    return f"Disposal approval list, batch {data.batch_id}, {data.iao}"


def write_approval_list_pdf(data: ApprovalList, out: Path) -> Path:
    """The approval list for one IAO as an A4 landscape PDF at ``out``."""
    out = Path(out)
    furniture = Furniture(APPROVAL_PAGE, f"Disposal batch {data.batch_id}: approval list for {data.iao}",
                          f"{data.iao}: prepared {day(data.prepared_on)}")
    _build(out, APPROVAL_PAGE, _approval_title(data), furniture, _approval_story(data))
    return out


# -- the certificate -----------------------------------------------------------------------------
CERTIFICATE_PAGE = A4
SECTION_DESTROYED = "1. Boxes destroyed"
SECTION_TRANSFERRED = "2. Boxes transferred to the archives (not destroyed)"
SECTION_PULLED = "3. Boxes pulled from the batch (not destroyed)"
SECTION_EXTENDED = "4. Boxes kept for longer (not destroyed)"


def _number_column(rows: list[list[Any]]) -> list[list[Any]]:
    return [[f"{i:,}", *row] for i, row in enumerate(rows, start=1)]


def _team(row: CertificateRow) -> str:
    return f"{row.team} {row.team_name}".strip()


def _section(title: str, count: int, note: str | None, table: Table | None) -> list[Flowable]:
    parts: list[Flowable] = [CondPageBreak(40 * mm), _p(f"{title}: {count:,}", "heading")]
    if note:
        parts.append(_p(note, "note"))
        parts.append(Spacer(0, 2 * mm))
    parts.append(table if table is not None else _p("None.", "body"))
    return parts


def _certificate_story(data: Certificate) -> list[Flowable]:
    width = CERTIFICATE_PAGE[0] - 2 * MARGIN
    organisation = data.organisation or "Records store"
    story: list[Flowable] = [_p("Certificate of destruction", "title"), _p(organisation, "subtitle")]
    story.append(_details([
        ("Certificate number", data.number),
        ("Contractor's certificate number", data.contractor_certificate_no),
        ("Disposal batch", str(data.batch_id)),
        ("Date of destruction", day(data.destroyed_on)),
        ("Method", data.method[:1].upper() + data.method[1:]),
        ("Contractor", data.contractor),
        ("Boxes destroyed", f"{len(data.destroyed):,}"),
        ("Linear metres destroyed", metres(data.linear_metres)),
        ("Weight", kilograms(data.weight_kg)),
        ("Boxes not destroyed", data.not_destroyed()),
        ("Witnesses", "; ".join(data.witnesses) or "none recorded"),
        ("Approved by (Information Asset Owners)", "; ".join(data.approved_by) or "none recorded"),
        ("Batch prepared by", data.prepared_by),
        ("Certificate issued", day(data.issued_on)),
    ], width, columns=2))
    story.append(Spacer(0, 2 * mm))
    not_destroyed = len(data.transferred) + len(data.pulled) + len(data.extended)
    statement = (
        f"I certify that the {plural(len(data.destroyed), 'box', 'boxes')} of records listed in "
        f"section 1 were destroyed by {data.method} on {day(data.destroyed_on)}, carried out by "
        f"{data.contractor} (their certificate {data.contractor_certificate_no}), in accordance "
        f"with the retention schedule, once their retention periods had ended and with the "
        f"approval of the Information Asset Owner of each box's team. No box under a legal hold "
        f"was destroyed: legal holds were checked again when the destruction was recorded, and a "
        f"box found under a hold was pulled from the batch.")
    if not_destroyed:
        statement += (f" The other {plural(not_destroyed, 'box', 'boxes')} of the batch, listed in "
                      f"sections 2 to 4, were not destroyed.")
    story.append(KeepTogether([
        _p("Statement", "heading"), _p(statement, "body"), Spacer(0, 6 * mm),
        _signature_block(width, "Records manager"),
    ]))

    widths = [12 * mm, 34 * mm, 24 * mm, 42 * mm, width - 112 * mm]
    headings = ["No.", "Barcode", "Class", "Records dated", "Team"]

    def listing(rows: Sequence[CertificateRow]) -> Table | None:
        if not rows:
            return None
        body = _number_column([[_cell(r.barcode, widths[1], "code"), _cell(r.class_code, widths[2], "code"),
                                _cell(date_range(r.date_from, r.date_to), widths[3]),
                                _cell(_team(r), widths[4])] for r in rows])
        return _box_table(headings, widths, body, extra=[("ALIGN", (0, 0), (0, -1), "RIGHT")])

    story += _section(SECTION_DESTROYED, len(data.destroyed),
                      f"{metres(data.linear_metres)} of shelf; weight {kilograms(data.weight_kg)}.",
                      listing(data.destroyed))
    story += _section(SECTION_TRANSFERRED, len(data.transferred),
                      "Transferred for permanent preservation; the records were not destroyed."
                      if data.transferred else None, listing(data.transferred))

    pulled_widths = [12 * mm, 34 * mm, 24 * mm, 40 * mm, width - 110 * mm]
    pulled = None
    if data.pulled:
        body = _number_column([[_cell(r.barcode, pulled_widths[1], "code"),
                                _cell(r.class_code, pulled_widths[2], "code"),
                                _cell(_team(r), pulled_widths[3]),
                                _cell(r.reason or "no reason recorded", pulled_widths[4])]
                               for r in data.pulled])
        pulled = _box_table(["No.", "Barcode", "Class", "Team", "Why it was pulled"], pulled_widths,
                            body, extra=[("ALIGN", (0, 0), (0, -1), "RIGHT")])
    story += _section(SECTION_PULLED, len(data.pulled),
                      "These boxes were NOT destroyed. They stay in the store until the reason is "
                      "resolved." if data.pulled else None, pulled)

    extended_widths = [12 * mm, 34 * mm, 24 * mm, 40 * mm, 26 * mm, width - 136 * mm]
    extended = None
    if data.extended:
        body = _number_column([[_cell(r.barcode, extended_widths[1], "code"),
                                _cell(r.class_code, extended_widths[2], "code"),
                                _cell(_team(r), extended_widths[3]),
                                _cell(day(r.extend_to), extended_widths[4]),
                                _cell(r.reason or "no reason recorded", extended_widths[5])]
                               for r in data.extended])
        extended = _box_table(["No.", "Barcode", "Class", "Team", "Kept until", "Reason"],
                              extended_widths, body, extra=[("ALIGN", (0, 0), (0, -1), "RIGHT")])
    story += _section(SECTION_EXTENDED, len(data.extended),
                      "Retention extended with the Information Asset Owner's approval; these boxes "
                      "were NOT destroyed." if data.extended else None, extended)
    return story


def write_certificate_pdf(data: Certificate, out: Path) -> Path:
    """The certificate of destruction as an A4 PDF at ``out``."""
    out = Path(out)
    furniture = Furniture(CERTIFICATE_PAGE, f"Certificate of destruction {data.number}",
                          f"Certificate {data.number}: disposal batch {data.batch_id}")
    _build(out, CERTIFICATE_PAGE, f"Certificate of destruction {data.number}", furniture,
           _certificate_story(data))
    return out


# -- workbooks ------------------------------------------------------------------------------
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], Any]
    width: float | None = None  # characters; None: from the content
    kind: str = "text"  # text, date, int, decimal


def _sheet(workbook, title: str, columns: Sequence[Column], items: Sequence[Any],
           print_title: str) -> Any:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    sheet = workbook.create_sheet(title)
    sheet.append([c.heading for c in columns])
    fill = PatternFill("solid", fgColor="E3E7EC")
    line = Border(bottom=Side(style="thin", color="5C5C5C"))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = line
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(c.heading) for c in columns]
    for item in items:
        values = [c.value(item) for c in columns]
        sheet.append(values)
        widths = [max(w, 11 if c.kind == "date" else len(f"{v:,}" if c.kind != "text" and v is not None
                                                          else str(v or "")))
                  for w, v, c in zip(widths, values, columns, strict=True)]
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(1, index).column_letter
        sheet.column_dimensions[letter].width = column.width or min(60, widths[index - 1] + 2)
        number_format = {"date": DATE_FORMAT, "int": "#,##0", "decimal": "#,##0.0"}.get(column.kind)
        for row in range(2, len(items) + 2):
            cell = sheet.cell(row, index)
            cell.alignment = Alignment(vertical="top", wrap_text=column.kind == "text")
            if number_format:
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    if items:
        sheet.auto_filter.ref = sheet.dimensions
    _print_setup(sheet, print_title)
    return sheet


def _print_setup(sheet, print_title: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = MARKING
    sheet.oddHeader.left.text = print_title.replace("&", "&&")
    sheet.oddFooter.center.text = MARKING
    sheet.oddFooter.right.text = "Page &P of &N"


def _details_sheet(workbook, title: str, pairs: Sequence[tuple[str, Any]], print_title: str) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(title)
    for label, value in pairs:
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 90
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        row[0].font = Font(bold=True)
        row[0].alignment = Alignment(vertical="top")
        row[1].alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")
        if isinstance(row[1].value, date):
            row[1].number_format = DATE_FORMAT
    sheet["A1"].font = Font(bold=True, size=14)
    _print_setup(sheet, print_title)
    sheet.print_title_rows = None


def _save_workbook(workbook, out: Path) -> Path:
    try:
        workbook.save(out)
    except OSError as exc:
        raise BadInput(f"cannot write {out}: {exc.strerror or exc}") from None
    return out


def _new_workbook(title: str):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    workbook.properties.creator = f"paperless-ig {__version__}"
    workbook.properties.subject = MARKING
    return workbook


APPROVE_REJECT = "Approve / Reject"


def write_approval_list_xlsx(data: ApprovalList, out: Path) -> Path:
    """The approval list for one IAO as a workbook: the boxes first, then the details.

    The heading is row 1 of the first sheet so the returned list can be read
    back as a plain table; "Approve / Reject" offers just those two words.
    """
    from openpyxl.worksheet.datavalidation import DataValidation

    out = Path(out)
    title = _approval_title(data)
    workbook = _new_workbook(title)
    columns = [
        Column("Barcode", lambda r: r.barcode),
        Column("Team", lambda r: r.team),
        Column("Team name", lambda r: r.team_name),
        Column("Class", lambda r: r.class_code),
        Column("Class description", lambda r: r.class_description, width=45),
        Column("Authority", lambda r: r.authority, width=30),
        Column("Records from", lambda r: r.date_from, kind="date"),
        Column("Records to", lambda r: r.date_to, kind="date"),
        Column("Disposal date", lambda r: r.disposal_date, kind="date"),
        Column("Proposed decision", lambda r: DECISION_TEXT.get(r.decision or "", NO_DECISION)),
        Column("Extend to", lambda r: r.extend_to, kind="date"),
        Column("Reason for extending", lambda r: r.reason if r.decision == "extend" else None,
               width=35),
        Column(APPROVE_REJECT, lambda r: None, width=18),
        Column("Reason if rejected", lambda r: None, width=40),
    ]
    sheet = _sheet(workbook, "Approval", columns, data.rows, title)
    if data.rows:
        answer = sheet.cell(1, len(columns) - 1).column_letter
        validation = DataValidation(type="list", formula1='"Approve,Reject"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=APPROVE_REJECT,
                                    error="Choose Approve or Reject")
        validation.add(f"{answer}2:{answer}{len(data.rows) + 1}")
        sheet.add_data_validation(validation)
    _details_sheet(workbook, "Details", [
        ("Disposal approval list", None),
        ("Organisation", data.organisation or ""),
        ("Disposal batch", data.batch_id),
        ("Information Asset Owner", data.iao),
        ("Teams", "; ".join(f"{code} {name}" for code, name in data.teams)),
        ("Boxes", data.counts()),
        ("Prepared on", data.prepared_on),
        ("Prepared by", data.prepared_by),
        ("How to answer", "Choose Approve or Reject for each box on the Approval sheet; give the "
                          "reason for each box you reject, and return the workbook to the Corporate "
                          "Information Governance Team. A rejected box is not destroyed."),
    ], title)
    return _save_workbook(workbook, out)


def _certificate_columns(extra: Sequence[Column] = ()) -> list[Column]:
    return [
        Column("No.", lambda r: r[0], width=7, kind="int"),
        Column("Barcode", lambda r: r[1].barcode),
        Column("Class", lambda r: r[1].class_code),
        Column("Records from", lambda r: r[1].date_from, kind="date"),
        Column("Records to", lambda r: r[1].date_to, kind="date"),
        Column("Team", lambda r: r[1].team),
        Column("Team name", lambda r: r[1].team_name),
        Column("Width (mm)", lambda r: r[1].width_mm, width=12, kind="int"),
        *extra,
    ]


def write_certificate_xlsx(data: Certificate, out: Path) -> Path:
    """The certificate's details and its box lists, one sheet per section."""
    out = Path(out)
    title = f"Certificate of destruction {data.number}"
    workbook = _new_workbook(title)
    _details_sheet(workbook, "Certificate", [
        ("Certificate of destruction", None),
        ("Organisation", data.organisation or ""),
        ("Certificate number", data.number),
        ("Contractor's certificate number", data.contractor_certificate_no),
        ("Disposal batch", data.batch_id),
        ("Date of destruction", data.destroyed_on),
        ("Method", data.method),
        ("Contractor", data.contractor),
        ("Witnesses", "; ".join(data.witnesses)),
        ("Boxes destroyed", len(data.destroyed)),
        ("Linear metres destroyed", round(data.linear_metres, 3)),
        ("Weight (kg)", data.weight_kg if data.weight_kg is not None else NOT_RECORDED),
        ("Boxes transferred to the archives", len(data.transferred)),
        ("Boxes pulled (not destroyed)", len(data.pulled)),
        ("Boxes kept for longer (not destroyed)", len(data.extended)),
        ("Approved by", "; ".join(data.approved_by)),
        ("Prepared on", data.issued_on),
        ("Prepared by", data.prepared_by),
    ], title)

    def numbered(rows: Sequence[CertificateRow]) -> list[tuple[int, CertificateRow]]:
        return list(enumerate(rows, start=1))

    weight = [Column("Weight (kg)", lambda r: r[1].weight_kg, width=12, kind="decimal")]
    _sheet(workbook, "Destroyed", _certificate_columns(weight), numbered(data.destroyed),
           f"{title}: destroyed")
    _sheet(workbook, "Transferred", _certificate_columns(), numbered(data.transferred),
           f"{title}: transferred to the archives")
    _sheet(workbook, "Pulled", _certificate_columns(
        [Column("Why it was pulled (not destroyed)", lambda r: r[1].reason, width=60)]),
        numbered(data.pulled), f"{title}: pulled, not destroyed")
    _sheet(workbook, "Extended", _certificate_columns(
        [Column("Kept until", lambda r: r[1].extend_to, kind="date"),
         Column("Reason", lambda r: r[1].reason, width=50)]),
        numbered(data.extended), f"{title}: kept for longer, not destroyed")
    return _save_workbook(workbook, out)
