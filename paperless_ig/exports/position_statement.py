"""The audit-of-paper position statement as an Excel workbook.

A pure writer: it takes a :class:`Statement` (plain values, defined here with
the words made of them) and writes one ``.xlsx``; nothing here touches the
database. ``services.position`` gathers the figures.

Sheets, in the order a committee reads them:

- **Summary**: the headline figures, "What this shows" in a few sentences,
  a chart of the boxes each directorate holds and one of the store's
  monthly deposits with the forecast, and the months behind that chart.
- **Directorates**, **Teams**: holdings, deposits of the last 12 months
  against the 12 before, the forecast, flags and the forward plan.
- **Disposal backlog**: what is due for disposal, by directorate and by how
  long it has been due, with a chart; **Overdue boxes**: the oldest boxes
  of the due queue one by one (the first hundred print; the rest are for
  working on screen).
- **Digitisation**: scan batches, pages and boxes by month.
- **Forward plan**: each team's owner, action, status and its effect.

The whole workbook is written in openpyxl's write-only mode (rows stream to
the file; a workbook is either write-only or not, so every sheet is), with
each cell's style set as it is written, and column widths and row heights
worked out beforehand from the values. Every sheet prints on A4 one page
wide (the wide tables landscape, the Summary, the backlog and digitisation
portrait), with the protective marking OFFICIAL at the head and foot of
every page. Charts are anchored to cells at both corners, so they keep to
the columns they belong to in Excel and in LibreOffice alike.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from paperless_ig import __version__
from paperless_ig.domain.progress import ProgressFn, no_progress
from paperless_ig.domain.trends import FLAG_GROWING, FLAG_NEW
from paperless_ig.exports.certificates import DATE_FORMAT, MARKING

SHEETS = ("Summary", "Directorates", "Teams", "Disposal backlog", "Overdue boxes", "Digitisation",
          "Forward plan")
OVERDUE_PRINTED = 100  # rows of the overdue list on paper; the workbook has them all
ROWS_PER_PAGE = 34  # about as many one-line rows as an A4 landscape page holds

FORMATS = {
    "int": "#,##0",
    "metres": "#,##0.0",
    "decimal": "#,##0.0",
    "years": "0.0",
    "change": "+0.0%;-0.0%;0.0%",
    "signed": "+#,##0;-#,##0;0",
    "percent": "0%",
    "date": DATE_FORMAT,
    "month": "mmm yyyy",
}
NUMERIC = frozenset(FORMATS) - {"date", "month"}
INK = "1A1A1A"
GREY = "5C5C5C"
# Every font is named: a cell style without a name falls back to the reader's own default,
# a serif in LibreOffice, and the sheet would mix two typefaces.
FACE = "Calibri"
PLAIN = Font(name=FACE, size=11)
HEAD_FONT = Font(name=FACE, size=11, bold=True, color=INK)
TITLE_FONT = Font(name=FACE, size=16, bold=True, color=INK)
SECTION_FONT = Font(name=FACE, size=12, bold=True, color=INK)
NOTE_FONT = Font(name=FACE, size=11, italic=True, color=GREY)
BOLD = Font(name=FACE, size=11, bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DCE3EA")
TOTAL_FILL = PatternFill("solid", fgColor="F0F2F5")
HEAD_BORDER = Border(bottom=Side(style="thin", color=GREY))
TOTAL_BORDER = Border(top=Side(style="thin", color=GREY))
# Chart colours: a dark blue, a mid grey-blue, and an amber for the forecast.
BLUE, GREY_BLUE, AMBER = "1F4E79", "8EA9C1", "C55A11"


# A forward plan item's status when the team was taken off the plan.
DROPPED = "dropped"


# -- the data it writes ----------------------------------------------------------------------------
@dataclass(frozen=True)
class OrganisationRow:
    organisation: str
    boxes_held: int
    metres_held: float
    last_12: int
    prior_12: int


@dataclass(frozen=True)
class DirectorateRow:
    directorate: str
    organisation: str
    teams: int
    boxes_held: int
    metres_held: float
    last_12: int
    prior_12: int
    change: float | None  # (last_12 - prior_12) / prior_12; None when prior_12 is 0
    forecast_12: float
    overdue_boxes: int
    overdue_metres: float
    overdue_by_age: tuple[int, ...]  # boxes per band of ``Statement.age_bands``, same order
    under_hold_boxes: int
    digitised_boxes: int


@dataclass(frozen=True)
class TeamRow:
    team: str
    name: str
    directorate: str
    organisation: str
    boxes_held: int
    metres_held: float
    last_12: int
    prior_12: int
    change: float | None
    forecast_12: float
    flags: tuple[str, ...]
    plan_status: str | None  # the team's forward plan item's status; None when not on the plan
    overdue_boxes: int
    under_hold_boxes: int


@dataclass(frozen=True)
class AgeBand:
    label: str
    boxes: int
    metres: float


@dataclass(frozen=True)
class StoreMonth:
    """Deposits to the whole store in one month, or the forecast for it."""

    month: date  # its first day
    deposited: int | None  # None for a forecast month
    forecast: float | None  # None for a month that has happened


@dataclass(frozen=True)
class DigitisationMonth:
    month: date
    batches: int
    pages: int
    boxes: int


@dataclass(frozen=True)
class OverdueBox:
    """One box of the due queue, as the Overdue boxes sheet lists it."""

    barcode: str
    team: str
    directorate: str
    class_code: str
    action: str  # a retention action code: destroy_confidential, destroy, review, transfer_to_archives
    disposal_date: date | None
    days_overdue: int
    batch_id: int | None  # the open disposal batch it is in, if any


@dataclass(frozen=True)
class PlanRow:
    """A team's forward plan item and the effect of its action, as the Forward plan sheet lists it."""

    team: str
    team_name: str
    directorate: str
    added_on: date
    source: str
    owner: str
    action: str
    status: str
    action_on: date | None
    notes: str
    before_per_month: float | None  # boxes a month before and after the action (None: no months yet)
    after_per_month: float | None
    verdict: str | None  # None: the item has no action date, so no effect is measured


@dataclass(frozen=True)
class Statement:
    """Everything the position statement shows, as plain values."""

    as_of: date
    made_at: datetime
    last_12_from: date
    last_12_to: date
    prior_12_from: date
    prior_12_to: date
    organisations: tuple[OrganisationRow, ...]
    boxes_held: int
    metres_held: float
    deposited_last_12: int
    deposited_prior_12: int
    deposited_metres_last_12: float
    deposited_since: int  # boxes received after last_12_to, up to as_of
    forecast_next_12: float
    destroyed_last_12: int
    destroyed_metres_last_12: float
    transferred_last_12: int
    overdue_boxes: int
    overdue_metres: float
    oldest_overdue: date | None
    under_hold_boxes: int
    under_hold_metres: float
    under_hold_past_date: int  # of those, boxes whose disposal date has passed
    scan_batches: int
    pages_digitised: int
    boxes_digitised: int
    pages_awaiting_review: int
    capacity_places: int
    capacity_metres: float
    free_places: int
    years_to_full: float | None  # None: never at this rate, or no shelf places recorded
    years_to_full_with_due: float | None
    store_months: tuple[StoreMonth, ...]
    directorates: tuple[DirectorateRow, ...]  # most boxes held first
    teams: tuple[TeamRow, ...]  # most deposited in the last 12 months first
    age_bands: tuple[AgeBand, ...]
    overdue_list: tuple[OverdueBox, ...]  # the oldest of the due queue (the service caps it)
    digitisation_months: tuple[DigitisationMonth, ...]
    plan: tuple[PlanRow, ...]

    @property
    def change(self) -> float | None:
        """Deposits of the last 12 months against the 12 before, as a fraction."""
        if not self.deposited_prior_12:
            return None
        return (self.deposited_last_12 - self.deposited_prior_12) / self.deposited_prior_12

    @property
    def net_last_12(self) -> int:
        """How many more boxes came in than left in the last 12 months."""
        return self.deposited_last_12 - self.destroyed_last_12 - self.transferred_last_12

    @property
    def overdue_listed_all(self) -> bool:
        return len(self.overdue_list) >= self.overdue_boxes

    def teams_flagged(self, flag: str) -> list[TeamRow]:
        return [t for t in self.teams if flag in t.flags]

    def summary_json(self) -> dict:
        def rounded(value: float | None, digits: int = 1) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "as_of": self.as_of.isoformat(),
            "last_12": {"from": self.last_12_from.isoformat(), "to": self.last_12_to.isoformat()},
            "prior_12": {"from": self.prior_12_from.isoformat(), "to": self.prior_12_to.isoformat()},
            "boxes_held": self.boxes_held, "metres_held": rounded(self.metres_held, 2),
            "by_organisation": [{"organisation": o.organisation, "boxes_held": o.boxes_held,
                                 "metres_held": rounded(o.metres_held, 2), "last_12": o.last_12,
                                 "prior_12": o.prior_12} for o in self.organisations],
            "deposited_last_12": self.deposited_last_12, "deposited_prior_12": self.deposited_prior_12,
            "change": rounded(self.change, 4), "deposited_since": self.deposited_since,
            "forecast_next_12": rounded(self.forecast_next_12),
            "destroyed_last_12": self.destroyed_last_12,
            "destroyed_metres_last_12": rounded(self.destroyed_metres_last_12, 2),
            "transferred_last_12": self.transferred_last_12,
            "overdue_boxes": self.overdue_boxes, "overdue_metres": rounded(self.overdue_metres, 2),
            "oldest_overdue": self.oldest_overdue.isoformat() if self.oldest_overdue else None,
            "under_hold_boxes": self.under_hold_boxes,
            "under_hold_metres": rounded(self.under_hold_metres, 2),
            "under_hold_past_date": self.under_hold_past_date,
            "scan_batches": self.scan_batches, "pages_digitised": self.pages_digitised,
            "boxes_digitised": self.boxes_digitised, "pages_awaiting_review": self.pages_awaiting_review,
            "capacity_places": self.capacity_places, "free_places": self.free_places,
            "years_to_full": rounded(self.years_to_full),
            "years_to_full_with_due": rounded(self.years_to_full_with_due),
        }


# -- words -----------------------------------------------------------------------------------------
def long_day(value: date) -> str:
    """"26 November 2026": how a committee paper writes a date."""
    return f"{value.day} {value:%B %Y}"


def _months_between(start: date, end: date) -> str:
    return f"{start:%B %Y} to {end:%B %Y}"


def _boxes(count: int) -> str:
    return f"{count:,} box" if count == 1 else f"{count:,} boxes"


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def what_this_shows(s: Statement) -> list[str]:
    """The statement in a few plain sentences, generated from its figures."""
    points = []
    orgs = " and ".join(o.organisation for o in s.organisations if o.boxes_held) or "the council"
    points.append(f"On {long_day(s.as_of)} the store held {_boxes(s.boxes_held)} of paper records "
                  f"({s.metres_held:,.1f} linear metres of shelf) for {orgs}.")
    deposits = (f"In the 12 months {_months_between(s.last_12_from, s.last_12_to)} teams deposited "
                f"{_boxes(s.deposited_last_12)}")
    if s.change is None:
        deposits += " (none in the 12 months before)."
    elif abs(s.change) < 0.005:
        deposits += ", the same as in the 12 months before."
    else:
        deposits += (f", {abs(s.change):.0%} {'more' if s.change > 0 else 'fewer'} than the "
                     f"{s.deposited_prior_12:,} of the 12 months before.")
    deposits += f" {_boxes(s.destroyed_last_12)} {_were(s.destroyed_last_12)} destroyed"
    if s.transferred_last_12:
        deposits += f" and {s.transferred_last_12:,} transferred to the archives"
    if s.net_last_12 > 0:
        deposits += f", so the store grew by {_boxes(s.net_last_12)}."
    elif s.net_last_12 < 0:
        deposits += f", so the store shrank by {_boxes(-s.net_last_12)}."
    else:
        deposits += ", so the store stayed the same size."
    points.append(deposits)
    if s.overdue_boxes:
        share = s.overdue_boxes / s.boxes_held if s.boxes_held else 0
        points.append(f"{_boxes(s.overdue_boxes)} ({s.overdue_metres:,.1f} m, {share:.0%} of the store) "
                      f"{_are(s.overdue_boxes)} due for disposal and could go once their owners approve"
                      + (f"; the oldest has been due since {long_day(s.oldest_overdue)}."
                         if s.oldest_overdue and s.oldest_overdue <= s.as_of else "."))
    else:
        points.append("No box is due for disposal.")
    if s.under_hold_boxes:
        points.append(f"{_boxes(s.under_hold_boxes)} ({s.under_hold_metres:,.1f} m) "
                      f"{_are(s.under_hold_boxes)} kept under legal holds, {s.under_hold_past_date:,} "
                      f"of them past their disposal date.")
    if s.capacity_places:
        if s.years_to_full is None:
            points.append(f"The store has {s.free_places:,} free box places; at the last 12 months' "
                          "rate it is not filling up.")
        else:
            with_due = (f", or {s.years_to_full_with_due:.1f} years if the boxes due for disposal go"
                        if s.years_to_full_with_due is not None and s.overdue_boxes else "")
            points.append(f"At the last 12 months' rate the store is full in {s.years_to_full:.1f} "
                          f"years{with_due}.")
    if s.directorates and s.deposited_last_12:
        top = max(s.directorates, key=lambda d: (d.last_12, d.boxes_held))
        points.append(f"{top.directorate} deposited the most: {_boxes(top.last_12)}, "
                      f"{top.last_12 / s.deposited_last_12:.0%} of the last 12 months' deposits.")
    growing = s.teams_flagged(FLAG_GROWING)
    new = s.teams_flagged(FLAG_NEW)
    if growing or new:
        watched = [t for t in (*growing, *new) if t.plan_status and t.plan_status != DROPPED]
        parts = []
        if growing:
            parts.append(f"{len(growing)} team{'s are' if len(growing) != 1 else ' is'} depositing more")
        if new:
            parts.append(f"{len(new)} {'are new depositors' if len(new) != 1 else 'is a new depositor'}")
        everyone = len(growing) + len(new)
        if not watched:
            on_plan = f"{'none of them is' if everyone > 1 else 'it is not'} on the forward plan yet"
        elif len(watched) == everyone:
            on_plan = "all of them are on the forward plan" if everyone > 1 else "it is on the forward plan"
        else:
            on_plan = f"{len(watched)} of them {_are(len(watched))} on the forward plan"
        points.append(f"{' and '.join(parts)}; {on_plan}.")
    if s.pages_digitised:
        points.append(f"{s.pages_digitised:,} pages have been digitised, completing "
                      f"{_boxes(s.boxes_digitised)}"
                      + (f"; {s.pages_awaiting_review:,} pages await checking."
                         if s.pages_awaiting_review else "."))
    else:
        points.append("No paper has been digitised yet.")
    return points


# -- writing rows --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    heading: str
    width: float
    kind: str = "text"  # text, wrap, or a key of FORMATS


class _Sheet:
    """A write-only sheet that knows which row it is on."""

    def __init__(self, workbook: Workbook, title: str, print_title: str, widths: Sequence[float],
                 portrait: bool = False) -> None:
        self.ws = workbook.create_sheet(title)
        self.row = 0
        self._styles: dict[tuple, Any] = {}
        self.widths = list(widths)
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        _print_setup(self.ws, print_title, portrait)

    def cell(self, value: Any, kind: str = "text", font: Font | None = None,
             fill: PatternFill | None = None, border: Border | None = None, first: bool = False,
             align: str | None = None) -> WriteOnlyCell:
        """A styled cell. ``first``: the first column (text in the others is indented a little,
        so it does not run into the number to its left). ``align``: left or right, to override."""
        cell = WriteOnlyCell(self.ws, value=value)
        formatted = kind in FORMATS and value is not None and not isinstance(value, str)
        key = (kind if formatted else "wrap" if kind == "wrap" else "text", id(font), id(fill),
               id(border), first, align)
        style = self._styles.get(key)
        if style is not None:  # the same style again: copy its indexes, not look each one up
            cell._style = copy(style)
            return cell
        if formatted:
            cell.number_format = FORMATS[kind]
        # Indenting needs an explicit alignment: "general" ignores it.
        horizontal = align or ("right" if formatted and kind != "month" else "left")
        cell.alignment = Alignment(vertical="top", wrap_text=kind == "wrap", horizontal=horizontal,
                                   indent=0 if first or formatted or horizontal == "right" else 1)
        cell.font = font or PLAIN
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        self._styles[key] = copy(cell._style)
        return cell

    def append(self, cells: Sequence[Any], height: float | None = None) -> int:
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(list(cells))
        return self.row

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self.append([])

    def title(self, text: str, font: Font = TITLE_FONT, height: float | None = 22) -> int:
        return self.append([self.cell(text, font=font, first=True)], height)

    def note(self, text: str, columns: int, chars: float | None = None, font: Font = NOTE_FONT) -> int:
        """A line of explanation merged across ``columns`` columns, tall enough for its text."""
        row = self.append([self.cell(text, "wrap", font=font, first=True)],
                          _height(text, chars or sum(self.widths[:columns])))
        if columns > 1:
            self.ws.merged_cells.add(f"A{row}:{get_column_letter(columns)}{row}")
        return row

    def header(self, columns: Sequence[Col], offset: int = 0) -> int:
        cells = [None] * offset + [self.cell(c.heading, "wrap", HEAD_FONT, HEAD_FILL, HEAD_BORDER,
                                             first=i == 0, align="right" if c.kind in NUMERIC else None)
                                   for i, c in enumerate(columns)]
        lines = max(_lines(c.heading, c.width, bold=True) for c in columns)
        return self.append(cells, 15 * lines + 3 if lines > 1 else None)

    def values(self, columns: Sequence[Col], values: Sequence[Any], total: bool = False,
               offset: int = 0) -> int:
        style = {"font": BOLD, "fill": TOTAL_FILL, "border": TOTAL_BORDER} if total else {}
        cells = [None] * offset + [self.cell(v, c.kind, first=i == 0,
                                             align="right" if c.kind in NUMERIC else None, **style)
                                   for i, (c, v) in enumerate(zip(columns, values, strict=True))]
        lines = max((_lines(str(v), c.width) for c, v in zip(columns, values, strict=True)
                     if c.kind == "wrap" and v), default=1)
        return self.append(cells, 15 * lines + 2 if lines > 1 else None)


def _print_setup(ws, print_title: str, portrait: bool = False) -> None:
    """A4 landscape, one page wide, OFFICIAL at the head and foot (as the certificates' workbooks)."""
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = print_title.replace("&", "&&")
    ws.oddHeader.left.size = 9
    ws.oddHeader.center.text = MARKING
    ws.oddHeader.center.font = "Calibri,Bold"
    ws.oddFooter.center.text = MARKING
    ws.oddFooter.center.font = "Calibri,Bold"
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 9


# Text is measured in units of column width (the width of a '0'). Capitals and digits take
# about 1.15 of them, other letters and spaces about 0.87, bold a tenth more: so measured, in
# LibreOffice (which, lacking Calibri, draws a wider face than Excel) and so with room to
# spare in Excel. A cell loses PADDING units to its indent and margins.
WIDE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789mwMW@%")
PADDING = 2.5


def _measure(text: str, bold: bool = False) -> float:
    units = sum(1.15 if c in WIDE else 0.87 for c in text)
    return units * 1.1 if bold else units


def _fit(columns: Sequence[Col], rows: Sequence[Sequence[Any]]) -> list[Col]:
    """The text columns narrowed to what their longest value needs (the width given is the most).

    Then a row wraps only where its text really is long, and every other row
    keeps one line: an estimate that wraps too soon leaves gaps in the table.
    """
    fitted = []
    for index, column in enumerate(columns):
        if column.kind not in ("text", "wrap"):
            fitted.append(column)
            continue
        need = max((_measure(str(row[index])) for row in rows if row[index] is not None), default=0)
        heading = max((_measure(word, bold=True) for word in column.heading.split()), default=0)
        width = max(need, heading, 4) + PADDING
        fitted.append(replace(column, width=min(column.width, round(width + 0.5))))
    return fitted


def _lines(text: str, width: float, bold: bool = False) -> int:
    """Roughly how many lines ``text`` wraps to in a column ``width`` units wide.

    Erring long: a row a little too tall looks fine, one too short hides text.
    """
    room = max(width - PADDING, 1.0)
    space = _measure(" ", bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        length = 0.0
        lines += 1
        for word in paragraph.split():
            size = _measure(word, bold)
            if length and length + space + size > room:
                lines += 1
                length = size
            else:
                length += (space if length else 0.0) + size
    return max(lines, 1)


def _height(text: str, width: float, line: float = 15.0) -> float:
    return line * _lines(text, width) + 3


def _place(sheet: _Sheet, chart, first_col: int, first_row: int, last_col: int, rows: int) -> None:
    """Put ``chart`` over columns ``first_col`` to ``last_col`` (1-based) and ``rows`` rows.

    Anchored to the cells at both corners, so the chart is exactly as wide as
    those columns in any program: LibreOffice draws the same widths wider
    than Excel when Excel's font is missing, and a chart sized in cm ends up
    narrower or wider than the table above it.
    """
    anchor = TwoCellAnchor()
    anchor._from = AnchorMarker(col=first_col - 1, row=first_row - 1, colOff=0, rowOff=0)
    anchor.to = AnchorMarker(col=last_col, row=first_row - 1 + rows, colOff=0, rowOff=0)
    chart.anchor = anchor
    sheet.ws.add_chart(chart)


def _month(value: date) -> str:
    return f"{value:%b %Y}"


def _period(statement: Statement) -> str:
    return f"{_month(statement.last_12_from)} to {_month(statement.last_12_to)}"


def _years(value: float | None) -> float | str:
    return "never, at this rate" if value is None else value


def _change(value: float | None, last_12: int) -> float | str:
    if value is None:
        return "new" if last_12 else "–"
    return value


# -- charts -------------------------------------------------------------------------------------------
def _style_axes(chart, number_format: str = "#,##0") -> None:
    # openpyxl 3.1 writes <c:delete val="1"/> unless told, and Excel then hides the axes.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.number_format = number_format
    chart.y_axis.majorGridlines = chart.y_axis.majorGridlines  # keep the default gridlines
    chart.legend.position = "b"


def _colour(series, colour: str, line: bool = False) -> None:
    if line:
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.smooth = False
    else:
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour


def _chart_title(chart, text: str, size: int = 12) -> None:
    """A chart title in ``size`` points (openpyxl's plain string title comes out at 18)."""
    properties = CharacterProperties(sz=size * 100, b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=properties),
                          r=[RegularTextRun(rPr=properties, t=text)])
    chart.title = Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _bar_chart(title: str, horizontal: bool) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    _chart_title(chart, title)
    chart.style = 10
    chart.gapWidth = 60
    _style_axes(chart)
    if horizontal:
        # Bars read top-down in the table's order (biggest first); the value axis stays at the bottom.
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    return chart


# -- the sheets ---------------------------------------------------------------------------------------
def _summary(wb: Workbook, s: Statement, print_title: str, directorates_rows: int) -> None:
    """Page one: the figures and what they show; page two: the charts; page three: the months."""
    sheet = _Sheet(wb, "Summary", print_title, (46, 15, 15, 40), portrait=True)
    ws = sheet.ws
    span = len(sheet.widths)
    organisations = " and ".join(o.organisation for o in s.organisations) or "No organisation recorded"
    sheet.title("Audit of paper: position statement")
    sheet.note(f"{organisations}: the position on {long_day(s.as_of)}", span, font=SECTION_FONT)
    sheet.note(f"The last 12 months are the complete months {_period(s)}; the 12 before are "
               f"{_month(s.prior_12_from)} to {_month(s.prior_12_to)}. Linear metres are the length of "
               f"shelf the boxes take (about 7 boxes to a metre). Made by paperless-ig {__version__} on "
               f"{s.made_at:%d/%m/%Y at %H:%M}.", span)
    sheet.blank()
    sheet.title("What this shows", SECTION_FONT, 18)
    for point in what_this_shows(s):
        sheet.note(f"•  {point}", span, font=PLAIN)
    sheet.blank()

    columns = [Col("Figure", 46), Col("Value", 15, "int"), Col("Linear metres", 15, "metres"),
               Col("Note", 40, "wrap")]
    sheet.header(columns)

    def figure(label: str, value: Any, metres: float | None = None, note: str = "",
               kind: str = "int", bold: bool = False) -> None:
        font = BOLD if bold else None
        value_kind = "text" if isinstance(value, str) else kind
        sheet.append([sheet.cell(label, font=font, first=True),
                      sheet.cell(value, value_kind, font=font, align="right"),
                      sheet.cell(metres, "metres", font=font), sheet.cell(note or None, "wrap")],
                     _height(note, columns[3].width) if _lines(note, columns[3].width) > 1 else None)

    figure("Boxes held in the store", s.boxes_held, s.metres_held, bold=True)
    for org in s.organisations:
        share = org.boxes_held / s.boxes_held if s.boxes_held else 0
        figure(f"    {org.organisation}", org.boxes_held, org.metres_held, f"{share:.0%} of the boxes held")
    change = s.change
    figure("Deposited in the last 12 months", s.deposited_last_12, s.deposited_metres_last_12,
           _period(s), bold=True)
    figure("Deposited in the 12 months before", s.deposited_prior_12,
           note=f"{_month(s.prior_12_from)} to {_month(s.prior_12_to)}")
    figure("Change in deposits", _change(change, s.deposited_last_12), kind="change",
           note="none in the 12 months before" if change is None else "")
    if s.deposited_since:
        figure(f"Deposited since {s.last_12_to:%d/%m/%Y}", s.deposited_since,
               note="the month in progress: not in the comparison")
    figure("Deposits forecast for the next 12 months", round(s.forecast_next_12),
           note="seasonal forecast from the last two years")
    figure("Destroyed in the last 12 months", s.destroyed_last_12, s.destroyed_metres_last_12, bold=True)
    if s.transferred_last_12:
        figure("Transferred to the archives in the last 12 months", s.transferred_last_12)
    figure("Net change in boxes held, last 12 months", s.net_last_12, kind="signed",
           note="deposited less destroyed and transferred")
    figure("Due for disposal (overdue)", s.overdue_boxes, s.overdue_metres,
           "past their disposal date, not under a legal hold and not out on loan", bold=True)
    figure("Oldest disposal date passed", s.oldest_overdue or "none", kind="date")
    figure("Under legal hold", s.under_hold_boxes, s.under_hold_metres,
           f"{s.under_hold_past_date:,} of them past their disposal date", bold=True)
    figure("Pages digitised", s.pages_digitised, bold=True,
           note=f"in {s.scan_batches:,} scan batch{'es' if s.scan_batches != 1 else ''}")
    figure("Boxes digitised", s.boxes_digitised)
    figure("Pages awaiting checking", s.pages_awaiting_review,
           note="read poorly, blank, or not yet filed in a box")
    if s.capacity_places:
        figure("Shelf places (boxes)", s.capacity_places, s.capacity_metres, bold=True)
        figure("Free shelf places", s.free_places, s.free_places * s.capacity_metres / s.capacity_places)
        figure("Years until the store is full", _years(s.years_to_full), kind="years",
               note="at the last 12 months' net rate")
        figure("… if the boxes due for disposal go", _years(s.years_to_full_with_due), kind="years")
    else:
        figure("Years until the store is full", "not known", note="no shelf places are recorded")

    # The charts make the second printed page and the months behind the line chart the third.
    ws.row_breaks.append(Break(id=sheet.row))
    sheet.blank()
    chart_row = sheet.row + 1
    rows_per_chart = 17  # about 9 cm
    sheet.blank(2 * rows_per_chart + 1)
    ws.row_breaks.append(Break(id=sheet.row))
    month_columns = [Col("Month", 46, "month"), Col("Boxes deposited", 15, "int"),
                     Col("Forecast", 15, "int")]
    sheet.title("Boxes deposited in the store each month", SECTION_FONT, 18)
    header_row = sheet.header(month_columns)
    last_actual = max((i for i, m in enumerate(s.store_months) if m.deposited is not None), default=None)
    for index, month in enumerate(s.store_months):
        # The forecast line starts from the last month that happened, so the two lines join.
        forecast = round(month.forecast) if month.forecast is not None else (
            month.deposited if index == last_actual else None)
        sheet.values(month_columns, [month.month, month.deposited, forecast])
    last_row = sheet.row

    if directorates_rows:
        held = _bar_chart("Boxes held, by directorate", True)
        # The Directorates sheet is written after this one: refer to it by name.
        held.add_data(Reference(range_string=f"Directorates!$D$1:$D${directorates_rows + 1}"),
                      titles_from_data=True)
        held.set_categories(Reference(range_string=f"Directorates!$A$2:$A${directorates_rows + 1}"))
        _colour(held.series[0], BLUE)
        held.legend = None
        _place(sheet, held, 1, chart_row, span, rows_per_chart)

    line = LineChart()
    _chart_title(line, "Boxes deposited each month, and the forecast for the next 12")
    line.style = 12
    _style_axes(line)
    line.add_data(Reference(ws, min_col=2, max_col=3, min_row=header_row, max_row=last_row),
                  titles_from_data=True)
    line.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    line.x_axis.number_format = "mmm yy"
    line.x_axis.tickLblSkip = 3
    _colour(line.series[0], BLUE, line=True)
    _colour(line.series[1], AMBER, line=True)
    line.series[1].graphicalProperties.line.dashStyle = "dash"
    _place(sheet, line, 1, chart_row + rows_per_chart + 1, span, rows_per_chart)


DIRECTORATE_COLUMNS = [
    Col("Directorate", 36, "wrap"), Col("Organisation", 36, "wrap"), Col("Teams", 8, "int"),
    Col("Boxes held", 12, "int"), Col("Linear metres held", 12, "metres"),
    Col("Deposited last 12 months", 12, "int"), Col("Deposited 12 months before", 12, "int"),
    Col("Change", 9, "change"), Col("Forecast next 12 months", 12, "int"),
    Col("Due for disposal (boxes)", 12, "int"), Col("Due for disposal (metres)", 12, "metres"),
    Col("Under legal hold", 11, "int"), Col("Boxes digitised", 11, "int"),
]


def _directorates(wb: Workbook, s: Statement, print_title: str) -> None:
    rows = [[d.directorate, d.organisation, d.teams, d.boxes_held, d.metres_held, d.last_12, d.prior_12,
             _change(d.change, d.last_12), round(d.forecast_12), d.overdue_boxes, d.overdue_metres,
             d.under_hold_boxes, d.digitised_boxes] for d in s.directorates]
    columns = _fit(DIRECTORATE_COLUMNS, rows)
    sheet = _Sheet(wb, "Directorates", print_title, [c.width for c in columns])
    sheet.ws.freeze_panes = "B2"
    sheet.ws.print_title_rows = "1:1"
    sheet.header(columns)
    for values in rows:
        sheet.values(columns, values)
    rows = s.directorates
    last, prior = sum(d.last_12 for d in rows), sum(d.prior_12 for d in rows)
    sheet.values(columns, ["Total", "", sum(d.teams for d in rows), sum(d.boxes_held for d in rows),
                           sum(d.metres_held for d in rows), last, prior,
                           _change((last - prior) / prior if prior else None, last),
                           round(sum(d.forecast_12 for d in rows)),
                           sum(d.overdue_boxes for d in rows), sum(d.overdue_metres for d in rows),
                           sum(d.under_hold_boxes for d in rows), sum(d.digitised_boxes for d in rows)],
                 total=True)
    if not rows:
        return
    sheet.blank()
    chart = _bar_chart("Boxes deposited: the last 12 months against the 12 before", True)
    chart.add_data(Reference(sheet.ws, min_col=6, max_col=7, min_row=1, max_row=len(rows) + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=2, max_row=len(rows) + 1))
    _colour(chart.series[0], BLUE)
    _colour(chart.series[1], GREY_BLUE)
    _place(sheet, chart, 1, sheet.row + 1, 9, max(12, 2 * len(rows) + 5))


TEAM_COLUMNS = [
    Col("Team", 10), Col("Team name", 40, "wrap"), Col("Directorate", 36, "wrap"),
    Col("Boxes held", 11, "int"), Col("Linear metres held", 11, "metres"),
    Col("Deposited last 12 months", 12, "int"), Col("Deposited 12 months before", 12, "int"),
    Col("Change", 9, "change"), Col("Forecast next 12 months", 12, "int"),
    Col("Trend flags", 28, "wrap"), Col("On the forward plan", 12),
    Col("Due for disposal", 11, "int"), Col("Under legal hold", 11, "int"),
]


def _team_values(t: TeamRow) -> list[Any]:
    return [t.team, t.name, t.directorate, t.boxes_held, t.metres_held, t.last_12, t.prior_12,
            _change(t.change, t.last_12), round(t.forecast_12), ", ".join(t.flags) or None,
            t.plan_status or "no", t.overdue_boxes, t.under_hold_boxes]


def _teams(wb: Workbook, s: Statement, print_title: str) -> None:
    rows = [_team_values(team) for team in s.teams]
    columns = _fit(TEAM_COLUMNS, rows)
    sheet = _Sheet(wb, "Teams", print_title, [c.width for c in columns])
    sheet.ws.freeze_panes = "C2"
    sheet.ws.print_title_rows = "1:1"
    sheet.header(columns)
    for values in rows:
        sheet.values(columns, values)
    sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.row, 2)}"


def _backlog(wb: Workbook, s: Statement, print_title: str) -> None:
    bands = [b.label for b in s.age_bands]
    columns = [Col("Directorate", 34), Col("Boxes due", 12, "int"), Col("Linear metres", 12, "metres"),
               *[Col(f"Due {label}" if label[0].isdigit() or label.startswith(("under", "over"))
                     else label.capitalize(), 12, "int") for label in bands]]
    widths = [c.width for c in columns]
    sheet = _Sheet(wb, "Disposal backlog", print_title, widths, portrait=True)
    sheet.title("Disposal backlog")
    oldest = f"; the oldest has been due since {s.oldest_overdue:%d/%m/%Y}" if s.oldest_overdue else ""
    sheet.note(f"On {s.as_of:%d/%m/%Y}, {s.overdue_boxes:,} boxes ({s.overdue_metres:,.1f} linear metres) "
               f"are due for disposal: past their disposal date, not under a legal hold and not out on "
               f"loan{oldest}. {s.destroyed_last_12:,} boxes were destroyed in the last 12 months "
               f"({_period(s)}). The oldest {min(len(s.overdue_list), s.overdue_boxes):,} are listed "
               f"one by one on the sheet Overdue boxes.", len(columns))
    sheet.blank()
    sheet.title("By directorate, and how long the boxes have been due", SECTION_FONT, 18)
    sheet.header(columns)
    due_rows = [d for d in s.directorates if d.overdue_boxes]
    for d in due_rows:
        sheet.values(columns, [d.directorate, d.overdue_boxes, d.overdue_metres, *d.overdue_by_age])
    sheet.values(columns, ["Total", s.overdue_boxes, s.overdue_metres, *[b.boxes for b in s.age_bands]],
                 total=True)
    sheet.blank()
    sheet.title("By how long the boxes have been due", SECTION_FONT, 18)
    band_columns = [Col("Time since the disposal date", 34), Col("Boxes due", 12, "int"),
                    Col("Linear metres", 12, "metres"), Col("Share", 12, "percent")]
    first = sheet.header(band_columns)
    for band in s.age_bands:
        sheet.values(band_columns, [band.label.capitalize(), band.boxes, band.metres,
                                    band.boxes / s.overdue_boxes if s.overdue_boxes else None])
    last = sheet.row
    sheet.values(band_columns, ["Total", s.overdue_boxes, s.overdue_metres, 1 if s.overdue_boxes else None],
                 total=True)
    sheet.blank()
    chart = _bar_chart("Boxes due for disposal, by time since their disposal date", False)
    chart.add_data(Reference(sheet.ws, min_col=2, min_row=first, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first + 1, max_row=last))
    _colour(chart.series[0], BLUE)
    chart.legend = None
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.dataLabels.showSerName = chart.dataLabels.showCatName = False
    chart.dataLabels.showLegendKey = chart.dataLabels.showPercent = False
    chart.dataLabels.numFmt = "#,##0"
    _place(sheet, chart, 1, sheet.row + 1, len(columns), 15)


OVERDUE_COLUMNS = [
    Col("No.", 7, "int"), Col("Barcode", 16), Col("Team", 10), Col("Directorate", 36, "wrap"),
    Col("Retention class", 16), Col("Action at the end", 26), Col("Disposal date", 12, "date"),
    Col("Years overdue", 10, "years"), Col("In a disposal batch", 12),
]
ACTIONS = {"destroy_confidential": "destroy confidentially", "destroy": "destroy", "review": "review",
           "transfer_to_archives": "transfer to archives"}


def _overdue(wb: Workbook, s: Statement, print_title: str) -> None:
    rows = [[number, box.barcode, box.team, box.directorate, box.class_code,
             ACTIONS.get(box.action, box.action), box.disposal_date,
             round(box.days_overdue / 365.25, 1) if box.disposal_date else None,
             f"batch {box.batch_id}" if box.batch_id else "no"]
            for number, box in enumerate(s.overdue_list, start=1)]
    columns = _fit(OVERDUE_COLUMNS, rows)
    listed = len(s.overdue_list)
    printed = min(listed, OVERDUE_PRINTED)
    note = f"the {printed:,} oldest printed" + (f" of {listed:,} listed" if listed > printed else "")
    if s.overdue_boxes > listed:
        note += f"; {s.overdue_boxes:,} due in all"
    sheet = _Sheet(wb, "Overdue boxes", print_title, [c.width for c in columns])
    sheet.ws.oddHeader.right.text = note
    sheet.ws.oddHeader.right.size = 9
    sheet.ws.freeze_panes = "C2"
    sheet.ws.print_title_rows = "1:1"
    sheet.header(columns)
    for values in rows:
        sheet.values(columns, values)
    end = get_column_letter(len(columns))
    if listed:
        sheet.ws.auto_filter.ref = f"A1:{end}{listed + 1}"
    if s.overdue_boxes > listed:
        sheet.note(f"… and {s.overdue_boxes - listed:,} more boxes due for disposal, newer than these. "
                   "The whole due queue is in the app's Disposal screen and in "
                   "'paperless-ig disposal due'.", 6)
    elif not listed:
        sheet.note("No box is due for disposal.", 6)
    sheet.ws.print_area = f"A1:{end}{printed + 1 if listed else sheet.row}"
    # A whole number of pages: left to itself, the hundredth row can spill onto a page of its own.
    sheet.ws.page_setup.fitToHeight = max(1, -(-printed // ROWS_PER_PAGE))


def _digitisation(wb: Workbook, s: Statement, print_title: str) -> None:
    columns = [Col("Month", 30, "month"), Col("Scan batches", 14, "int"), Col("Pages digitised", 14, "int"),
               Col("Boxes digitised", 14, "int")]
    sheet = _Sheet(wb, "Digitisation", print_title, [c.width for c in columns] + [40], portrait=True)
    sheet.title("Digitisation")
    figures = [Col("Figure", 30), Col("Value", 14, "int")]
    sheet.header(figures)
    for label, value in (("Scan batches", s.scan_batches), ("Pages digitised", s.pages_digitised),
                         ("Boxes digitised", s.boxes_digitised),
                         ("Pages awaiting checking", s.pages_awaiting_review)):
        sheet.values(figures, [label, value])
    sheet.note("Pages digitised are the pages in the searchable PDFs filed with boxes; a box is "
               "digitised once all its pages read well or were checked. Pages awaiting checking read "
               "poorly, are blank, or are not yet filed in a box.", 5)
    sheet.blank()
    if not s.digitisation_months:
        sheet.append([sheet.cell("No scanning has been recorded yet.", font=BOLD)])
        return
    sheet.title("By month", SECTION_FONT, 18)
    sheet.header(columns)
    for month in s.digitisation_months:
        sheet.values(columns, [month.month, month.batches, month.pages, month.boxes])
    first, last = sheet.row - len(s.digitisation_months), sheet.row
    sheet.values(columns, ["Total", sum(m.batches for m in s.digitisation_months),
                           sum(m.pages for m in s.digitisation_months),
                           sum(m.boxes for m in s.digitisation_months)], total=True)
    sheet.blank()
    chart = _bar_chart("Pages digitised each month", False)
    chart.add_data(Reference(sheet.ws, min_col=3, min_row=first, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first + 1, max_row=last))
    chart.x_axis.number_format = "mmm yy"
    _colour(chart.series[0], BLUE)
    chart.legend = None
    _place(sheet, chart, 1, sheet.row + 1, len(columns) + 1, 15)


PLAN_COLUMNS = [
    Col("Team", 10), Col("Team name", 30, "wrap"), Col("Directorate", 30, "wrap"),
    Col("On the plan since", 12, "date"), Col("Why", 42, "wrap"), Col("Owner", 22, "wrap"),
    Col("Action", 24, "wrap"), Col("Status", 13), Col("Action from", 12, "date"),
    Col("Boxes a month before", 12, "decimal"), Col("Boxes a month after", 12, "decimal"),
    Col("Effect", 14, "wrap"),
]


def _plan(wb: Workbook, s: Statement, print_title: str) -> None:
    rows = []
    for item in s.plan:
        rows.append([
            item.team, item.team_name, item.directorate, item.added_on, item.notes or item.source,
            item.owner or "not yet given", item.action or "not yet agreed", item.status, item.action_on,
            item.before_per_month, item.after_per_month,
            item.verdict if item.verdict is not None else "no action date"])
    columns = _fit(PLAN_COLUMNS, rows)
    sheet = _Sheet(wb, "Forward plan", print_title, [c.width for c in columns])
    sheet.ws.freeze_panes = "C2"
    sheet.ws.print_title_rows = "1:1"
    sheet.header(columns)
    for values in rows:
        sheet.values(columns, values)
    if s.plan:
        sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{sheet.row}"
    else:
        sheet.note("No team is on the forward plan yet: 'paperless-ig plan propose' adds the teams "
                   "the trends flag and those referred at the desk.", 6)


# -- the workbook -----------------------------------------------------------------------------------
def write_workbook(statement: Statement, out: Path, progress: ProgressFn | None = None) -> Path:
    """Write the statement to ``out`` (an .xlsx), reporting each sheet as it is written."""
    report = progress or no_progress
    total = len(SHEETS) + 1
    title = f"Audit of paper: position statement at {statement.as_of:%d/%m/%Y}"
    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.creator = f"paperless-ig {__version__}"
    wb.properties.subject = MARKING
    wb.properties.keywords = "position statement; audit of paper; records management"
    wb.properties.description = (f"Paper records held, deposited, due for disposal, under legal hold "
                                 f"and digitised, on {statement.as_of.isoformat()}. Protective marking: "
                                 f"{MARKING}.")
    short = f"Position statement {statement.as_of:%d/%m/%Y}"
    months = f"last 12 months: {_period(statement)}"
    writers: list[tuple[str, Callable[[], None]]] = [
        ("Summary", lambda: _summary(wb, statement, f"{short}: summary", len(statement.directorates))),
        ("Directorates", lambda: _directorates(wb, statement, f"{short}: directorates ({months})")),
        ("Teams", lambda: _teams(wb, statement, f"{short}: teams ({months})")),
        ("Disposal backlog", lambda: _backlog(wb, statement, f"{short}: disposal backlog")),
        ("Overdue boxes", lambda: _overdue(wb, statement, f"{short}: overdue boxes")),
        ("Digitisation", lambda: _digitisation(wb, statement, f"{short}: digitisation")),
        ("Forward plan", lambda: _plan(wb, statement, f"{short}: forward plan")),
    ]
    assert tuple(name for name, _ in writers) == SHEETS
    try:
        for done, (name, write) in enumerate(writers):
            report(done, total, f"Writing the sheet {name}")
            write()
        report(len(SHEETS), total, "Saving the workbook")
        wb.save(out)
    except BaseException:  # a Cancel from the progress callback, or a failure
        _discard(wb)
        raise
    report(total, total, "Workbook saved")
    return out


def _discard(wb: Workbook) -> None:
    """Close the sheets of an unfinished write-only workbook and remove their temporary files.

    Left alone, a half-written sheet's row writer is closed by the garbage
    collector in a state that raises ("Exception ignored in ..._write_rows"),
    and its temporary file stays until the program ends.
    """
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):  # already broken: removing its file is what is left
            if not ws.closed:
                ws.close()
        with contextlib.suppress(OSError, ValueError):
            writer.cleanup()
