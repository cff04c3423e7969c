"""The Trends page: who still deposits paper, whose deposits grow, and the forward plan.

Two tabs. **Trends** shows, from one ``trends.team_trends`` report:

- a strip of store figures: boxes held, free shelf places, and the years
  until the store is full at the last year's net rate, with and without the
  boxes now due for disposal;
- a line chart of the chosen depositor's boxes per month over the 24-month
  window, carried on by its 12-month forecast (dashed, in another colour),
  with the date of its forward-plan action when it has one;
- a bar chart of each directorate's boxes in the last 12 months against the
  12 before;
- a sortable table of the flagged teams.

Clicking a directorate's bar (or choosing it in the Directorate picker)
drills down: the line chart shows that directorate and the table only its
teams. Choosing a row shows that team in the line chart. Each chart saves
as PNG.

**Forward plan** lists ``forward_plan.list_plan`` with each action's
effect; a records manager proposes the flagged teams and edits an item's
owner, action, status and date through a small form; everyone else sees it
read-only.

The report is worked out off the GUI thread on the bulk pool (it is one
GROUP BY over the boxes: under a second on a million), with the plan and
the signed-in user beside it. Everything the page shows comes from that one
report, so drilling down never asks the database again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QLocale,
    QMargins,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain.roles import RECORDS_WORK
from paperless_ig.services import forward_plan, trends, users
from paperless_ig.services.forward_plan import ACTIONS, STATUSES, PlanItem
from paperless_ig.services.trends import Figures, StoreTrend, TeamTrend, TrendReport
from paperless_ig.services.users import UserInfo
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.list_model import ListTableModel
from paperless_ig.ui.store_view import OptionalDateEdit
from paperless_ig.ui.tasks import error_text, run_task, while_alive

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Month labels every this many months, the first that fits the chart's width.
LABEL_STEPS = (1, 2, 3, 6, 12)
ACTUAL_COLOUR = QColor("#1f5fa8")  # deposits that happened: blue
FORECAST_COLOUR = QColor("#c65400")  # the forecast: orange, dashed (apart in colour-blind eyes too)
PRIOR_COLOUR = QColor("#a7b4c4")  # the 12 months before: a pale slate behind the blue
MARKER_COLOUR = QColor("#5f6b7a")
FADED_ALPHA = 70  # bars of other directorates while one is drilled into
MUTED_COLOUR = QColor("#6b7480")
GOOD_COLOUR = QColor("#2e7d32")
# Axis values are doubles: with localised numbers "%d" draws no labels at all, "%.0f" draws "12,000".
NUMBER_FORMAT = "%.0f"
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_DIRECTORATES = "All directorates"
CHARTS = ("line", "bar")
TRENDS_TAB, PLAN_TAB = 0, 1
LOADING_PAGE, CONTENT_PAGE, EMPTY_PAGE = 0, 1, 2
WRAP_AT = 18  # directorate names longer than this go on two lines, when they must
MAX_AXIS_SHARE = 0.4  # Qt Charts gives an axis at most this share of the chart's width


# -- words and numbers, pure ----------------------------------------------------------
def month_label(day: date) -> str:
    """"Jan 2025": spelt out here, so a machine's locale never changes it."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def month_span(first: date, last: date) -> str:
    return f"{month_label(first)} – {month_label(last)}"


def wrapped_name(name: str, limit: int = WRAP_AT) -> str:
    """A directorate's name for the bar chart's axis (rich text): a long one on two lines.

    Qt elides an axis label wider than its share of the chart, and "Early
    Help and Family Serv..." is no use to a committee; two short lines fit.
    """
    text = _escape(name)
    if len(name) <= limit or " " not in name:
        return text
    middle = len(name) / 2
    cut = min((i for i, c in enumerate(name) if c == " "), key=lambda i: abs(i - middle))
    return f"{_escape(name[:cut])}<br>{_escape(name[cut + 1:])}"


def label_step(months: int, plot_width: float, label_width: float) -> int:
    """Label every this many months, the smallest step whose labels do not touch."""
    for step in LABEL_STEPS:
        if math.ceil(months / step) * label_width <= plot_width:
            return step
    return LABEL_STEPS[-1]


def labelled(day: date, step: int) -> bool:
    """Whether ``day``'s month is labelled at ``step``: quarters and half-years start in January."""
    return (day.month - 1) % step == 0


def nice_axis(top: float, ticks: int = 5) -> tuple[float, float]:
    """(maximum, step) of a value axis from 0 that shows ``top``, in steps of 1, 2 or 5 × 10ⁿ."""
    if top <= 0:
        return 5.0, 1.0
    rough = top / ticks
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    step = max(step, 1.0)  # boxes come whole: no "0.5 boxes" gridline
    return step * math.ceil(top / step), step


def change_text(figures: Figures) -> str:
    if figures.change is None:
        return "new" if figures.last_12 else "—"
    return f"{figures.change:+.0%}"


def change_key(figures: Figures) -> float:
    """Sorts "new" (nothing the year before) above every rise, and "—" below every fall."""
    if figures.change is None:
        return math.inf if figures.last_12 else -math.inf
    return figures.change


def years_text(years: float | None, store: StoreTrend) -> str:
    if not store.capacity_places:
        return "no shelf places recorded"
    if years is None:  # the store took in no more than left it last year
        return "never, at this rate" if store.net_12 == 0 else "never: the store is shrinking"
    if years <= 0:
        return "full now"
    return f"{years:,.1f} years"



def effect_text(item: PlanItem) -> str:
    """The effect in a few words: the verdict, and boxes before → after the action."""
    effect = item.effect
    if effect is None:
        return "—"
    if effect.months:
        return f"{effect.verdict} ({effect.before:,} → {effect.after:,})"
    return effect.verdict


def effect_tip(item: PlanItem) -> str:
    """The effect in full, for the tooltip and the details line."""
    effect = item.effect
    if effect is None:
        return "no action date yet: give one when the agreed action takes effect"
    if not effect.months:
        return {
            "not yet": f"The action date ({theme.date_text(effect.action_on)}) has not come yet.",
            "too early": "Less than a month has passed since the action.",
        }.get(effect.verdict, effect.verdict)
    span = theme.plural(effect.months, "month")
    text = (f"{effect.verdict.capitalize()}: {effect.before:,} boxes in the {span} before "
            f"{theme.date_text(effect.action_on)}, {effect.after:,} in the {span} from it")
    if effect.year_before:
        text += f"; {effect.year_before:,} in the same months a year earlier"
    if effect.verdict == "too early":
        text += f" (a verdict needs {forward_plan.MIN_EFFECT_MONTHS} months)"
    return text + "."


def series_title(kind: str, report: TrendReport, key: str | None) -> str:
    """What the line chart shows, as its title says it."""
    if kind == "team":
        trend = report.team(key or "")
        return f"{trend.team} {trend.name} ({trend.directorate})"
    if kind == "directorate":
        return f"{key}: all its teams"
    return "The whole store: every team"


def summary_line(figures: Figures) -> str:
    change = change_text(figures)
    against = "" if change == "—" else (
        " (new: nothing the 12 months before)" if change == "new" else f" ({change} on the 12 before)")
    return (f"{theme.plural(figures.last_12, 'box', 'boxes')} in the last 12 months{against}; "
            f"forecast about {round(figures.forecast_12):,} in the next 12")


# -- models -------------------------------------------------------------------------------
TEAM_HEADINGS = ("Team", "Name", "Directorate", "Last 12", "Prior 12", "Change", "Forecast 12",
                 "Flags", "Forward plan")
TEAM_NUMBERS = (3, 4, 5, 6)
TEAM_TIPS = {
    3: "Boxes deposited in the last 12 complete months",
    4: "Boxes deposited in the 12 months before those",
    5: "Last 12 months against the 12 before",
    6: "Boxes forecast for the next 12 months (seasonal, with a damped trend)",
    8: "The team's status on the forward plan, if it is on it",
}


class TeamTrendsModel(ListTableModel):
    """Every team's trend (a few hundred rows at most), with its forward-plan status."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(TEAM_HEADINGS, parent)
        self.plan: dict[str, str] = {}  # team code -> plan status

    def set_teams(self, teams: Sequence[TeamTrend]) -> None:
        self.set_rows(teams)

    def set_plan(self, plan: dict[str, str]) -> None:
        self.plan = dict(plan)
        if self.rows:
            column = len(TEAM_HEADINGS) - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column))

    def team(self, row: int) -> TeamTrend | None:
        return self.row(row)

    def row_of(self, code: str) -> int:
        return self.row_where(lambda t: t.team == code)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal):
            return TEAM_TIPS.get(section)
        return super().headerData(section, orientation, role)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        trend = self.team(index.row()) if index.isValid() else None
        if trend is None or not 0 <= index.column() < len(TEAM_HEADINGS):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(trend, column)
        if role == SORT_ROLE:
            return self._key(trend, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in TEAM_NUMBERS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and trend.change is not None:
            if trend.change >= trends.GROWTH:
                return QBrush(theme.WARNING_COLOUR)  # more paper: the thing to act on
            if trend.change <= -trends.GROWTH:
                return QBrush(GOOD_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, 2, 7):
            return self._text(trend, column)
        return None

    def _text(self, trend: TeamTrend, column: int) -> str:
        if column == 0:
            return trend.team
        if column == 1:
            return trend.name
        if column == 2:
            return trend.directorate
        if column == 3:
            return f"{trend.last_12:,}"
        if column == 4:
            return f"{trend.prior_12:,}"
        if column == 5:
            return change_text(trend)
        if column == 6:
            return f"{round(trend.forecast_12):,}"
        if column == 7:
            return ", ".join(trend.flags)
        return self.plan.get(trend.team, "")

    def _key(self, trend: TeamTrend, column: int) -> Any:
        if column == 3:
            return float(trend.last_12)
        if column == 4:
            return float(trend.prior_12)
        if column == 5:
            return change_key(trend)
        if column == 6:
            return trend.forecast_12
        return self._text(trend, column).lower()


class TeamTrendsFilter(QSortFilterProxyModel):
    """The teams the table shows: flagged ones (unless asked for all), of one directorate or all."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.directorate: str | None = None
        self.flagged_only = True
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_filter(self, directorate: str | None, flagged_only: bool) -> None:
        if (directorate, flagged_only) == (self.directorate, self.flagged_only):
            return
        self.beginFilterChange()
        self.directorate, self.flagged_only = directorate, flagged_only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        trend = model.team(source_row) if isinstance(model, TeamTrendsModel) else None
        if trend is None:
            return False
        if self.flagged_only and not trend.flags:
            return False
        return self.directorate is None or trend.directorate == self.directorate

    def team(self, row: int) -> TeamTrend | None:
        source = self.mapToSource(self.index(row, 0))
        model = self.sourceModel()
        return model.team(source.row()) if source.isValid() and isinstance(model, TeamTrendsModel) \
            else None

    def codes(self) -> list[str]:
        return [t.team for row in range(self.rowCount()) if (t := self.team(row)) is not None]


PLAN_HEADINGS = ("Team", "Name", "Directorate", "Source", "Owner", "Action", "Status", "Action date",
                 "Effect", "Notes")


class PlanModel(ListTableModel):
    """The forward plan's items, one per team (the plan is a short list)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(PLAN_HEADINGS, parent)

    def set_items(self, items: Sequence[PlanItem]) -> None:
        self.set_rows(items)

    def item(self, row: int) -> PlanItem | None:
        return self.row(row)

    def row_of(self, code: str) -> int:
        return self.row_where(lambda i: i.team == code)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None or not 0 <= index.column() < len(PLAN_HEADINGS):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == SORT_ROLE:
            if column == 6:
                return f"{STATUSES.index(item.status) if item.status in STATUSES else 9}{item.team}"
            if column == 7:
                return item.action_on.isoformat() if item.action_on else ""
            return self._text(item, column).lower()
        if role == Qt.ItemDataRole.ToolTipRole and column == 8:
            return effect_tip(item)
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, 2, 9):
            return self._text(item, column) or None
        if role == Qt.ItemDataRole.ForegroundRole and column in (4, 5) and self._text(item, column) == "—":
            return QBrush(MUTED_COLOUR)
        if role == Qt.ItemDataRole.ForegroundRole and column == 8 and item.effect is not None:
            if item.effect.verdict == "fell":
                return QBrush(GOOD_COLOUR)
            if item.effect.verdict == "did not fall":
                return QBrush(theme.WARNING_COLOUR)
        return None

    @staticmethod
    def _text(item: PlanItem, column: int) -> str:
        if column == 0:
            return item.team
        if column == 1:
            return item.team_name
        if column == 2:
            return item.directorate
        if column == 3:
            return item.source
        if column == 4:
            return item.owner or "—"
        if column == 5:
            return item.action or "—"
        if column == 6:
            return item.status
        if column == 7:
            return theme.date_text(item.action_on)
        if column == 8:
            return effect_text(item)
        return item.notes


# -- charts -------------------------------------------------------------------------------
def _style_chart(chart: QChart, palette) -> None:
    """The desktop's colours (a dark theme stays dark), with a quiet frame."""
    chart.setBackgroundBrush(palette.base())
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(6, 6, 10, 6))
    chart.setTitleBrush(palette.text())
    chart.legend().setLabelBrush(palette.text())
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    # "12,345", not "12345": numbers as a UK reader writes them, whatever the machine's locale.
    chart.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    chart.setLocalizeNumbers(True)


def _style_axis(axis, palette) -> None:
    axis.setLabelsBrush(palette.text())
    axis.setTitleBrush(palette.text())
    grid = QColor(palette.mid().color())
    grid.setAlpha(110)
    axis.setGridLineColor(grid)
    axis.setLinePenColor(palette.mid().color())


class _TitledChartView(QChartView):
    def __init__(self, chart: QChart, name: str, parent: QWidget | None = None) -> None:
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(name)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumSize(300, 220)

    def set_title(self, title: str, detail: str = "") -> None:
        """The title goes inside the chart, so a saved PNG says what it shows."""
        text = f"<b>{_escape(title)}</b>"
        if detail:
            text += f"<br><span style='font-size:small'>{_escape(detail)}</span>"
        self.chart().setTitle(f"<center>{text}</center>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class ActionMark:
    """A forward-plan action to mark on a team's line: when, and what."""

    on: date
    text: str


class MonthlyChart(_TitledChartView):
    """Boxes per month over the window, carried on by the forecast.

    The x axis counts months from the first of the window (0, 1, ...) and a
    category axis puts month names on it, a label every 1, 2, 3, 6 or 12
    months, whichever is the first to fit the width; the labels are worked
    out again when the chart is resized.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        super().__init__(chart, "Boxes deposited a month, with the forecast", parent)
        palette = self.palette()
        _style_chart(chart, palette)
        self.actual = QLineSeries()
        self.actual.setName("Boxes deposited")
        self.actual.setPen(QPen(ACTUAL_COLOUR, 2.5))
        self.actual.setPointsVisible(True)
        self.actual.setMarkerSize(5)
        self.forecast = QLineSeries()
        self.forecast.setName("Forecast")
        pen = QPen(FORECAST_COLOUR, 2.5, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        self.forecast.setPen(pen)
        self.action = QLineSeries()
        self.action.setName("Forward-plan action")
        self.action.setPen(QPen(MARKER_COLOUR, 1.5, Qt.PenStyle.DotLine))
        for series in (self.actual, self.forecast):
            chart.addSeries(series)
        self.x_axis = QCategoryAxis()
        self.x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.y_axis = QValueAxis()
        self.y_axis.setTitleText("Boxes a month")
        self.y_axis.setLabelFormat(NUMBER_FORMAT)
        self.y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.y_axis.setTickAnchor(0)
        for axis, side in ((self.x_axis, Qt.AlignmentFlag.AlignBottom),
                           (self.y_axis, Qt.AlignmentFlag.AlignLeft)):
            _style_axis(axis, palette)
            chart.addAxis(axis, side)
            for series in (self.actual, self.forecast):
                series.attachAxis(axis)
        self.months: list[date] = []

    def show_figures(self, figures: Figures, months: Sequence[date], forecast_months: Sequence[date],
                     title: str, mark: ActionMark | None = None) -> None:
        self.months = [*months, *forecast_months]
        last = len(months) - 1
        self.actual.replace([QPointF(i, v) for i, v in enumerate(figures.boxes)])
        # The forecast starts from the last month that happened, so the two lines join.
        self.forecast.replace([QPointF(last, figures.boxes[-1])]
                              + [QPointF(last + h, v) for h, v in enumerate(figures.forecast, start=1)])
        top, step = nice_axis(max([*figures.boxes, *figures.forecast, 0]) * 1.05)
        self.y_axis.setRange(0, top)
        self.y_axis.setTickInterval(step)
        self.x_axis.setRange(0, len(self.months) - 1)
        position = _month_position(mark.on, months) if mark else None
        self._show_action(None if position is None or mark is None else (position, top, mark.text))
        self.set_title(title, summary_line(figures))
        self._label_months()

    def _show_action(self, where: tuple[float, float, str] | None) -> None:
        """A dotted upright line at the action's date; the series is in the chart only then,
        as a hidden legend marker would still take its room and push the legend aside."""
        chart = self.chart()
        shown = self.action in chart.series()
        if where is None:
            self.action.clear()
            if shown:
                chart.removeSeries(self.action)
            return
        position, top, text = where
        self.action.replace([QPointF(position, 0), QPointF(position, top)])
        self.action.setName(text)
        if not shown:
            chart.addSeries(self.action)
            self.action.attachAxis(self.x_axis)
            self.action.attachAxis(self.y_axis)

    def forecast_points(self) -> list[float]:
        """The 12 forecast values drawn (the forecast line's first point is the last actual month)."""
        return [p.y() for p in self.forecast.points()[1:]]

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._label_months()

    def _label_months(self) -> None:
        for label in list(self.x_axis.categoriesLabels()):
            self.x_axis.remove(label)
        if not self.months:
            return
        metrics = self.fontMetrics()
        label_width = metrics.horizontalAdvance("Sep 2026") + metrics.averageCharWidth() * 3
        plot_width = self.chart().plotArea().width() or (self.width() - 90)
        step = label_step(len(self.months), plot_width, label_width)
        self.x_axis.setStartValue(0)
        for position, day in enumerate(self.months):
            if labelled(day, step):
                self.x_axis.append(month_label(day), position)


def _month_position(day: date, months: Sequence[date]) -> float | None:
    """Where ``day`` falls on the month axis (month index plus the fraction of the month gone)."""
    if not months:
        return None
    index = (day.year - months[0].year) * 12 + day.month - months[0].month
    if not 0 <= index < len(months):
        return None
    return index + (day.day - 1) / 31


class DirectoratesChart(_TitledChartView):
    """Each directorate's boxes: the last 12 months against the 12 before, largest at the top."""

    directorate_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        super().__init__(chart, "Boxes deposited by directorate", parent)
        palette = self.palette()
        _style_chart(chart, palette)
        self.series = QHorizontalBarSeries()
        self.prior = QBarSet("12 months before")
        self.last = QBarSet("Last 12 months")
        for bar_set, colour in ((self.prior, PRIOR_COLOUR), (self.last, ACTUAL_COLOUR)):
            bar_set.setColor(colour)
            bar_set.setBorderColor(colour)
            faded = QColor(colour)
            faded.setAlpha(FADED_ALPHA)
            bar_set.setSelectedColor(faded)
            bar_set.setLabelColor(palette.text().color())
            self.series.append(bar_set)
        # Only the last 12 months carry their number: two numbers a directorate overlap on thin
        # bars, and the pale bar beside it shows the year before well enough.
        self.prior.setLabelColor(QColor(Qt.GlobalColor.transparent))
        self.series.setLabelsVisible(True)
        self.series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.series.setLabelsFormat("@value")
        self.series.setBarWidth(0.8)
        self.series.clicked.connect(self._clicked)
        chart.addSeries(self.series)
        self.names_axis = QBarCategoryAxis()
        self.names_axis.setGridLineVisible(False)
        self.value_axis = QValueAxis()
        self.value_axis.setTitleText("Boxes deposited")
        self.value_axis.setLabelFormat(NUMBER_FORMAT)
        self.value_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.value_axis.setTickAnchor(0)
        for axis, side in ((self.names_axis, Qt.AlignmentFlag.AlignLeft),
                           (self.value_axis, Qt.AlignmentFlag.AlignBottom)):
            _style_axis(axis, palette)
            chart.addAxis(axis, side)
            self.series.attachAxis(axis)
        self.names: list[str] = []  # top to bottom
        self._wrapped: bool | None = None  # names on two lines
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click a directorate's bars to see its teams")

    def show_report(self, report: TrendReport) -> None:
        directorates = list(report.directorates)
        self.names = [d.directorate for d in directorates]
        # A category axis on the left counts from the bottom: add them bottom first.
        bottom_up = list(reversed(directorates))
        self._wrapped = None
        self._label_names()
        for bar_set in (self.prior, self.last):
            bar_set.remove(0, bar_set.count())
        self.prior.append([float(d.prior_12) for d in bottom_up])
        self.last.append([float(d.last_12) for d in bottom_up])
        # Room at the end of the longest bar for its number.
        top, step = nice_axis(max([d.last_12 for d in directorates]
                                  + [d.prior_12 for d in directorates] + [0]) * 1.18)
        self.value_axis.setRange(0, top)
        self.value_axis.setTickInterval(step)
        # The legend names the two years by their months; the title says which is which.
        self.prior.setLabel(month_span(report.prior_12_from, report.months[-13]))
        self.last.setLabel(month_span(report.last_12_from, report.months[-1]))
        self.set_title("Boxes deposited by directorate",
                       f"The last 12 months ({month_span(report.last_12_from, report.months[-1])}) "
                       "against the 12 before")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._label_names()

    def _label_names(self) -> None:
        """The directorates' names on one line when they fit, else on two when those fit.

        Qt gives a left axis at most 40% of the chart's width and each name
        the height of its bars, and elides what is bigger.
        """
        if not self.names:
            return
        metrics = QFontMetrics(self.names_axis.labelsFont())
        widest = max(metrics.horizontalAdvance(name) for name in self.names)
        room = MAX_AXIS_SHARE * self.chart().size().width() - 3 * metrics.averageCharWidth()
        tall = self.chart().plotArea().height() / len(self.names) >= 2 * metrics.lineSpacing() + 4
        wrapped = widest > room and tall
        if wrapped == self._wrapped:
            return
        self._wrapped = wrapped
        self.names_axis.clear()
        self.names_axis.append([wrapped_name(name) if wrapped else _escape(name)
                                for name in reversed(self.names)])

    def highlight(self, name: str | None) -> None:
        """Fade every directorate but ``name`` (None: none faded)."""
        count = len(self.names)
        others = [] if name is None else [count - 1 - i for i, n in enumerate(self.names) if n != name]
        for bar_set in (self.prior, self.last):
            bar_set.deselectAllBars()
            if others:
                bar_set.selectBars(others)

    def value_of(self, name: str) -> tuple[int, int]:
        """(prior 12, last 12) drawn for directorate ``name``."""
        position = len(self.names) - 1 - self.names.index(name)
        return int(self.prior.at(position)), int(self.last.at(position))

    def _clicked(self, index: int, _bar_set: QBarSet) -> None:
        position = len(self.names) - 1 - index
        if 0 <= position < len(self.names):
            self.directorate_clicked.emit(self.names[position])


class StoreStrip(QFrame):
    """The store's figures as captioned tiles in a row, in two rows when the page is narrow."""

    TILES = (("held", "In store"), ("free", "Free shelf places"),
             ("net", "Net change, last 12 months"), ("full", "Years until full"),
             ("full_due", "…if the boxes due for disposal go"))
    SPACING = 24

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(12, 6, 12, 6)
        self.grid.setHorizontalSpacing(self.SPACING)
        self.grid.setVerticalSpacing(6)
        self.values: dict[str, QLabel] = {}
        self.tiles: list[QWidget] = []
        for key, caption in self.TILES:
            tile = QWidget()
            layout = QVBoxLayout(tile)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(0)
            name = QLabel(caption)
            name.setObjectName("muted")
            value = QLabel("—")
            value.setFont(theme.scaled_font(value, 1.15, bold=True))
            value.setAccessibleName(caption)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(name)
            layout.addWidget(value)
            self.tiles.append(tile)
            self.values[key] = value
        self.columns = 0
        self.reflow()

    def reflow(self) -> None:
        """As many tiles a row as fit the width (the values change, so do their widths)."""
        margins = self.grid.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        widths = [tile.sizeHint().width() for tile in self.tiles]
        columns = next((n for n in range(len(widths), 1, -1)
                        if all(sum(widths[i:i + n]) + self.SPACING * (n - 1) <= room
                               for i in range(0, len(widths), n))), 2)
        if columns == self.columns:
            return
        self.columns = columns
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, i // columns, i % columns)
        for column in range(len(self.tiles) + 1):
            self.grid.setColumnStretch(column, 1 if column == columns else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.reflow()


# -- the forward-plan form ----------------------------------------------------------------
class PlanItemForm(QDialog):
    """Owner, action, status, action date and notes of one team's plan item."""

    def __init__(self, item: PlanItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setWindowTitle(f"Forward plan: {item.team}")
        self.owner = QLineEdit(item.owner)
        self.owner.setPlaceholderText("Who in CIGT engages the team")
        self.action = QComboBox()
        if not item.action:
            self.action.addItem("not agreed yet", "")
        for action in ACTIONS:
            self.action.addItem(action, action)
        self.action.setCurrentIndex(max(self.action.findData(item.action), 0))
        self.status = QComboBox()
        for status in STATUSES:
            self.status.addItem(status, status)
        self.status.setCurrentIndex(max(self.status.findData(item.status), 0))
        self.action_on = OptionalDateEdit("Action date")
        self.action_on.setSpecialValueText("not set")
        self.action_on.set_value(item.action_on)
        self.action_on.setToolTip("The day the agreed action took effect; the plan compares the "
                                  "team's deposits before and after it")
        self.notes = QPlainTextEdit(item.notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 4 + 12)
        form = QFormLayout()
        form.addRow("Team:", QLabel(f"{item.team} {item.team_name} ({item.directorate})"))
        for text, field in (("&Owner:", self.owner), ("&Action:", self.action),
                            ("&Status:", self.status), ("Action &date:", self.action_on),
                            ("&Notes:", self.notes)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def changes(self) -> dict[str, Any]:
        """Only what the form changed, as ``forward_plan.update`` takes it."""
        item, wanted = self.item, {}
        owner = self.owner.text().strip()
        if owner != item.owner:
            wanted["owner"] = owner
        action = self.action.currentData()
        if action and action != item.action:
            wanted["action"] = action
        if self.status.currentData() != item.status:
            wanted["status"] = self.status.currentData()
        action_on = self.action_on.value()
        if action_on is not None and action_on != item.action_on:
            wanted["action_on"] = action_on
        notes = self.notes.toPlainText().strip()
        if notes != item.notes:
            wanted["notes"] = notes
        return wanted


# -- the page -----------------------------------------------------------------------------
class TrendsPage(theme.ReloadWhenShown, QWidget):
    loaded = Signal(object)  # TrendReport, once it and the plan are on the page
    plan_loaded = Signal(object)  # list[PlanItem], whenever the plan was read again
    action_done = Signal(str)  # the message shown for a finished plan action
    action_failed = Signal(str)
    shown_changed = Signal(str, str)  # what the line chart shows: ("store" | "directorate" | "team", key)

    def __init__(self, db: Database, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-trends")
        self.db, self.login = db, login
        self.report: TrendReport | None = None
        self.user: UserInfo | None = None
        self.plan: list[PlanItem] = []
        self.shown: tuple[str, str] = ("store", "")
        self.directorate: str | None = None
        self.plan_form: PlanItemForm | None = None
        self._loading = False
        self._again = False
        self._busy = False  # a plan action is running
        self._selecting = False  # the page itself is moving the table's selection

        self.states = QStackedWidget()
        self.states.addWidget(self._build_loading())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_trends_tab(), "&Trends")
        self.tabs.addTab(self._build_plan_tab(), "&Forward plan")
        self.states.addWidget(self.tabs)
        self.states.addWidget(self._build_empty())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(self._build_header())
        layout.addWidget(self.states, 1)

    # -- building ---------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        self.title = QLabel("Depositing trends")
        self.title.setFont(theme.scaled_font(self.title, 1.3, bold=True))
        self.period = QLabel("")
        self.period.setObjectName("muted")
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Work the trends out again from the database")
        self.refresh_button.clicked.connect(self.reload)
        row = QHBoxLayout()
        row.addWidget(self.title)
        row.addSpacing(8)
        row.addWidget(self.period)
        row.addWidget(self.status)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        return row

    def _build_loading(self) -> QWidget:
        page = QWidget()
        self.loading_label = theme.paragraph("Working out the trends…", larger=True, muted=True)
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        theme.centred_column(page).addWidget(self.loading_label)
        return page

    def _build_empty(self) -> QWidget:
        page = QWidget()
        column = theme.centred_column(page)
        self.empty_heading = theme.heading("No deposits to show yet", level=2)
        self.empty_text = theme.paragraph(
            "Trends appear once boxes have been deposited: log deposits at the Desk, or import "
            "the existing box register with their received dates.")
        column.addWidget(self.empty_heading)
        column.addWidget(self.empty_text)
        return page

    def _build_store_strip(self) -> StoreStrip:
        strip = StoreStrip()
        self.store_values = strip.values
        return strip

    def _build_trends_tab(self) -> QWidget:
        tab = QWidget()
        self.store_strip = self._build_store_strip()

        self.line_chart = MonthlyChart()
        self.bar_chart = DirectoratesChart()
        self.bar_chart.directorate_clicked.connect(self.select_directorate)
        self.save_buttons = {}
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.setChildrenCollapsible(False)
        for which, view, text in (("line", self.line_chart, "Save line chart as PNG…"),
                                  ("bar", self.bar_chart, "Save bar chart as PNG…")):
            button = QPushButton(text)
            button.setObjectName("link")
            button.setToolTip("Save the chart as it looks now, as a picture for a report")
            button.clicked.connect(lambda _checked=False, w=which: self.ask_save_chart(w))
            self.save_buttons[which] = button
            panel = QWidget()
            layout = QVBoxLayout(panel)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(0)
            layout.addWidget(view, 1)
            buttons = QHBoxLayout()
            buttons.addStretch(1)
            buttons.addWidget(button)
            layout.addLayout(buttons)
            charts.addWidget(panel)
        charts.setStretchFactor(0, 11)
        charts.setStretchFactor(1, 9)
        charts.setSizes([600, 500])
        self.whole_store_button = QPushButton("Show &all directorates")
        self.whole_store_button.setObjectName("link")
        self.whole_store_button.setToolTip("Back to every directorate's teams and the whole store's "
                                           "deposits")
        self.whole_store_button.clicked.connect(lambda: self.select_directorate(None))
        self.directorate_box = QComboBox()
        self.directorate_box.setAccessibleName("Directorate")
        self.directorate_box.setToolTip("Drill into one directorate (as clicking its bars does): the "
                                        "line chart shows it and the table its teams")
        self.directorate_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.directorate_box.addItem(ALL_DIRECTORATES, None)
        self.directorate_box.currentIndexChanged.connect(self._directorate_picked)
        directorate_label = QLabel("&Directorate:")
        directorate_label.setBuddy(self.directorate_box)

        self.teams_model = TeamTrendsModel(self)
        self.teams_proxy = TeamTrendsFilter(self)
        self.teams_proxy.setSourceModel(self.teams_model)
        self.table = QTableView()
        self.table.setAccessibleName("Flagged teams")
        self.table.setModel(self.teams_proxy)
        _table_look(self.table)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(("ASC-SG-00", "", "Early Help and Family Services", "000,000",
                                         "000,000", "+000%", "000,000", "", "in progress")):
            width = max(metrics.horizontalAdvance(sample) + 18,
                        header.fontMetrics().horizontalAdvance(TEAM_HEADINGS[column]) + 34)
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(7, metrics.horizontalAdvance("growing, top depositor") + 18)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.table_label = QLabel("Flagged teams")
        self.table_label.setFont(theme.scaled_font(self.table_label, 1.05, bold=True))
        self.flagged_only = QCheckBox("&Only flagged teams")
        self.flagged_only.setChecked(True)
        self.flagged_only.setToolTip("Flagged: growing, new depositors, top depositors, shrinking "
                                     "or stopped")
        self.flagged_only.toggled.connect(self._apply_table_filter)
        table_row = QHBoxLayout()
        table_row.addWidget(self.table_label)
        table_row.addWidget(self.whole_store_button)
        table_row.addStretch(1)
        table_row.addWidget(directorate_label)
        table_row.addWidget(self.directorate_box)
        table_row.addSpacing(12)
        table_row.addWidget(self.flagged_only)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.setSpacing(4)
        lower_layout.addLayout(table_row)
        lower_layout.addWidget(self.table, 1)

        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(charts)
        self.split.addWidget(lower)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([330, 220])
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.store_strip)
        layout.addWidget(self.split, 1)
        return tab

    def _build_plan_tab(self) -> QWidget:
        tab = QWidget()
        self.plan_note = theme.paragraph(
            "Teams the trends flag as growing, new or top depositors, and teams the desk referred "
            "for digitisation, go on the plan. Give each an owner and an agreed action; once the "
            "action has a date, the Effect column says whether the team's deposits fell after it.",
            muted=True)
        self.propose_button = QPushButton("&Propose from trends")
        self.propose_button.setToolTip("Put every flagged or referred team that is not on the plan "
                                       "yet on it, as proposed")
        self.propose_button.clicked.connect(self.propose)
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setToolTip("Change the chosen team's owner, action, status or action date "
                                    "(or double-click its row)")
        self.edit_button.clicked.connect(self.edit_selected)
        self.read_only_note = QLabel("You can see the forward plan; only records managers change it.")
        self.read_only_note.setObjectName("muted")
        self.read_only_note.hide()
        self.message = QLabel(" ")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.propose_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.read_only_note)
        buttons.addWidget(self.message, 1)

        self.plan_model = PlanModel(self)
        self.plan_proxy = QSortFilterProxyModel(self)
        self.plan_proxy.setSourceModel(self.plan_model)
        self.plan_proxy.setSortRole(SORT_ROLE)
        self.plan_table = QTableView()
        self.plan_table.setAccessibleName("Forward plan")
        self.plan_table.setModel(self.plan_proxy)
        _table_look(self.plan_table)
        self.plan_table.setSortingEnabled(True)
        self.plan_table.sortByColumn(6, Qt.SortOrder.AscendingOrder)
        header = self.plan_table.horizontalHeader()
        metrics = self.plan_table.fontMetrics()
        for column, sample in enumerate(("ASC-SG-00", "Independent Reviewing", "Adult Social Care and",
                                         "challenge", "Owner Name", "digitise the process",
                                         "in progress", "00/00/0000", "did not fall (000 → 000)")):
            header.resizeSection(column, max(metrics.horizontalAdvance(sample) + 18,
                                             header.fontMetrics().horizontalAdvance(
                                                 PLAN_HEADINGS[column]) + 34))
        header.setStretchLastSection(True)
        # The notes start with where the item came from ("trend: ...", "challenge: ..."), so the
        # Source column stays in the model but not on screen, leaving the notes some room.
        self.plan_table.setColumnHidden(3, True)
        self.plan_table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.plan_table.selectionModel().currentRowChanged.connect(self._plan_row_changed)
        self.plan_detail = theme.paragraph("", muted=True)
        self.plan_detail.setAccessibleName("Chosen plan item")
        self.plan_empty = theme.paragraph("Nothing is on the forward plan yet. “Propose from trends” "
                                          "puts the flagged teams on it.", larger=True)
        self.plan_empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.plan_stack = QStackedWidget()
        self.plan_stack.addWidget(self.plan_table)
        self.plan_stack.addWidget(self.plan_empty)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 10, 8, 8)
        layout.addWidget(self.plan_note)
        layout.addLayout(buttons)
        layout.addWidget(self.plan_stack, 1)
        layout.addWidget(self.plan_detail)
        self._update_buttons()
        return tab

    # -- what the window tells the page (set_overview, showEvent: ReloadWhenShown) ----
    @property
    def loading(self) -> bool:
        return self._loading

    def reload(self) -> None:
        """Work the trends out again, with the plan and who is signed in, off the GUI thread."""
        self.stale = False
        if self._loading:
            self._again = True
            return
        self._loading = True
        self.refresh_button.setEnabled(False)
        if self.report is None:
            self.states.setCurrentIndex(LOADING_PAGE)
        else:
            self.status.setText("· working out the trends again…")
        db, login = self.db, self.login

        def job(_progress) -> tuple[TrendReport, list[PlanItem], UserInfo]:
            report = trends.team_trends(db)
            return report, forward_plan.list_plan(db, report.as_of), users.whoami(db, login)

        run_task(self, job, on_success=while_alive(self, self._arrived),
                 on_failure=while_alive(self, self._load_failed))

    def _arrived(self, result: tuple[TrendReport, list[PlanItem], UserInfo]) -> None:
        self._loading = False
        self.refresh_button.setEnabled(True)
        self.status.setText("")
        if self._again:
            self._again = False
            self.reload()
            return
        report, plan, user = result
        self.report, self.user = report, user
        self.period.setText(f"{len(report.months)} complete months to {month_label(report.months[-1])}"
                            f" · as of {theme.date_text(report.as_of)}")
        self._show_store(report.store)
        self.teams_model.set_teams(report.teams)
        names = [d.directorate for d in report.directorates]
        self.directorate_box.blockSignals(True)
        self.directorate_box.clear()
        self.directorate_box.addItem(ALL_DIRECTORATES, None)
        for name in names:
            self.directorate_box.addItem(name, name)
        self.directorate_box.blockSignals(False)
        self.bar_chart.show_report(report)
        if self.directorate not in names:
            self.directorate = None
        self._set_plan(plan)
        anything = any(d.last_12 or d.prior_12 for d in report.directorates) or report.store.holdings_now
        self.states.setCurrentIndex(CONTENT_PAGE if anything else EMPTY_PAGE)
        # Keep what was shown, if it is still there.
        kind, key = self.shown
        if kind == "team" and any(t.team == key for t in report.teams):
            self.select_directorate(self.directorate)
            self.select_team(key)
        else:
            self.select_directorate(self.directorate)
        self._update_buttons()
        self.loaded.emit(report)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.refresh_button.setEnabled(True)
        self.status.setText("")
        if self._again:
            self._again = False
            self.reload()
            return
        message = f"The trends could not be worked out: {error_text(exc)}"
        if self.report is None:
            self.empty_heading.setText("No trends to show")
            self.empty_text.setText(message)
            self.states.setCurrentIndex(EMPTY_PAGE)
        else:
            self.status.setText(f"· {message}")

    def _show_store(self, store: StoreTrend) -> None:
        values = self.store_values
        metres = store.holdings_now * trends.PLACE_MM / 1000
        values["held"].setText(f"{store.holdings_now:,} boxes (≈ {metres:,.0f} m)")
        if store.capacity_places:
            free_m = store.free_places * trends.PLACE_MM / 1000
            values["free"].setText(f"{store.free_places:,} (≈ {free_m:,.0f} m)")
            values["free"].setToolTip(f"{store.capacity_places:,} places on active shelves, "
                                      f"{store.holdings_now:,} taken")
        else:
            values["free"].setText("no shelf places recorded")
        values["net"].setText(f"{store.net_12:+,} boxes")
        values["net"].setToolTip(f"{store.last_12:,} deposited, {store.left_last_12:,} destroyed or "
                                 "transferred")
        values["full"].setText(years_text(store.years_to_full(), store))
        values["full"].setToolTip("At the last 12 months' net rate (deposits less boxes that left)")
        values["full_due"].setText(years_text(store.years_to_full(with_due=True), store))
        values["full_due"].setToolTip(f"As if the {store.due_now:,} boxes past their disposal date "
                                      "left the store today")
        self.store_strip.columns = 0  # the values' widths changed
        self.store_strip.reflow()

    # -- drilling down ------------------------------------------------------------------------
    def select_directorate(self, name: str | None) -> None:
        """Drill into directorate ``name`` (None: the whole store again)."""
        report = self.report
        if report is None:
            return
        if name is not None and not any(d.directorate == name for d in report.directorates):
            raise ValueError(f"no directorate called {name!r}")
        self.directorate = name
        index = self.directorate_box.findData(name) if name is not None else 0
        self.directorate_box.blockSignals(True)
        self.directorate_box.setCurrentIndex(max(index, 0))
        self.directorate_box.blockSignals(False)
        self.bar_chart.highlight(name)
        self.whole_store_button.setVisible(name is not None)
        self._selecting = True
        try:  # a team chosen before belongs to the old view: the line chart moves on
            self.table.setCurrentIndex(QModelIndex())
            self._apply_table_filter()
        finally:
            self._selecting = False
        if name is None:
            self._show_line("store", "")
        else:
            self._show_line("directorate", name)

    def select_team(self, code: str) -> None:
        """Show team ``code`` in the line chart, and choose its row when the table shows it."""
        report = self.report
        if report is None:
            return
        trend = report.team(code)
        self._show_line("team", trend.team)
        row = self.teams_model.row_of(trend.team)
        proxy_index = self.teams_proxy.mapFromSource(self.teams_model.index(row, 0))
        self._selecting = True
        try:
            if proxy_index.isValid():
                self.table.selectRow(proxy_index.row())
                self.table.scrollTo(proxy_index)
            else:
                self.table.clearSelection()
        finally:
            self._selecting = False

    def _directorate_picked(self, index: int) -> None:
        self.select_directorate(self.directorate_box.itemData(index))

    def _apply_table_filter(self) -> None:
        self.teams_proxy.set_filter(self.directorate, self.flagged_only.isChecked())
        count = self.teams_proxy.rowCount()
        what = "Flagged teams" if self.flagged_only.isChecked() else "Teams"
        where = f" in {self.directorate}" if self.directorate else ""
        self.table_label.setText(f"{what}{where} ({count:,})")

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        trend = self.teams_proxy.team(current.row())
        if trend is not None:
            self._show_line("team", trend.team)

    def _show_line(self, kind: str, key: str) -> None:
        report = self.report
        if report is None:
            return
        figures: Figures
        mark = None
        if kind == "team":
            figures = report.team(key)
            item = next((i for i in self.plan if i.team == key), None)
            if item is not None and item.action_on is not None:
                mark = ActionMark(item.action_on, f"Action: {item.action or 'agreed action'}, "
                                                  f"{theme.date_text(item.action_on)}")
        elif kind == "directorate":
            figures = next(d for d in report.directorates if d.directorate == key)
        else:
            figures = report.store
        self.shown = (kind, key)
        self.line_chart.show_figures(figures, report.months, report.forecast_months,
                                     series_title(kind, report, key), mark)
        self.shown_changed.emit(kind, key)

    # -- saving charts ------------------------------------------------------------------------
    def chart_view(self, which: str) -> QChartView:
        if which not in CHARTS:
            raise ValueError(f"no chart called {which!r}; the charts are {', '.join(CHARTS)}")
        return self.line_chart if which == "line" else self.bar_chart

    def save_chart_png(self, which: str, path: str | Path) -> Path:
        """Save chart ``which`` ("line" or "bar") as it looks now to a PNG file."""
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_suffix(".png")
        if not self.chart_view(which).grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        return path

    def ask_save_chart(self, which: str) -> None:
        kind, key = self.shown if which == "line" else ("directorates", "")
        stem = "-".join(part for part in ("trend", kind, key) if part).replace(" ", "-").lower()
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation) \
            or str(Path.home())
        path, _filter = QFileDialog.getSaveFileName(self, "Save chart as PNG",
                                                    str(Path(folder) / f"{stem}.png"),
                                                    "PNG image (*.png)")
        if not path:
            return
        try:
            saved = self.save_chart_png(which, path)
        except OSError as exc:
            self.status.setText(f"· {exc}")
            return
        self.status.setText(f"· saved {saved}")

    # -- the forward plan ------------------------------------------------------------------
    @property
    def may_change_plan(self) -> bool:
        return self.user is not None and self.user.role in RECORDS_WORK

    def _set_plan(self, plan: list[PlanItem]) -> None:
        self.plan = list(plan)
        self.plan_model.set_items(self.plan)
        self.teams_model.set_plan({item.team: item.status for item in self.plan})
        self.plan_stack.setCurrentIndex(0 if self.plan else 1)
        self.tabs.setTabText(PLAN_TAB, "&Forward plan" + (f" ({len(self.plan)})" if self.plan else ""))
        if self.shown[0] == "team":
            self._show_line(*self.shown)  # its action date may have changed
        self._plan_row_changed()

    def _plan_row_changed(self, *_args) -> None:
        item = self.selected_plan_item()
        if item is None:
            self.plan_detail.setText("")
        else:
            why = f"Why: {item.notes}" if item.notes else "No notes."
            self.plan_detail.setText(f"{item.team} {item.team_name}, on the plan since "
                                     f"{theme.date_text(item.added_on)}. {why} Effect: {effect_tip(item)}")
        self._update_buttons()

    def selected_plan_item(self) -> PlanItem | None:
        index = self.plan_table.currentIndex()
        if not index.isValid():
            return None
        return self.plan_model.item(self.plan_proxy.mapToSource(index).row())

    def select_plan_item(self, code: str) -> None:
        row = self.plan_model.row_of(code)
        if row < 0:
            raise ValueError(f"team {code!r} is not on the forward plan")
        index = self.plan_proxy.mapFromSource(self.plan_model.index(row, 0))
        self.plan_table.selectRow(index.row())

    def _update_buttons(self) -> None:
        may = self.may_change_plan
        self.propose_button.setVisible(may)
        self.edit_button.setVisible(may)
        self.read_only_note.setVisible(self.user is not None and not may)
        self.propose_button.setEnabled(may and not self._busy and self.report is not None)
        self.edit_button.setEnabled(may and not self._busy and self.selected_plan_item() is not None)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {theme.WARNING_COLOUR.name()};" if error else "")
        self.message.setText(text)
        (self.action_failed if error else self.action_done).emit(text)

    def propose(self) -> None:
        """Put the flagged and referred teams on the plan (records managers only)."""
        if self._busy:
            return
        db, login = self.db, self.login
        self._start_action("Proposing teams from the trends…")
        run_task(self, lambda _p: forward_plan.propose(db, login),
                 on_success=while_alive(self, self._proposed),
                 on_failure=while_alive(self, self._action_failed))

    def _proposed(self, added: list[PlanItem]) -> None:
        if added:
            codes = ", ".join(item.team for item in added[:8]) + (", …" if len(added) > 8 else "")
            text = f"{theme.plural(len(added), 'team')} added to the forward plan as proposed: {codes}."
        else:
            text = "Every flagged or referred team is on the forward plan already."
        self._reload_plan(text)

    def edit_selected(self) -> None:
        """Open the form for the chosen plan item; saving it calls ``update_item``."""
        item = self.selected_plan_item()
        if item is None or not self.may_change_plan or self._busy:
            return
        form = PlanItemForm(item, self)
        form.accepted.connect(lambda: self._form_saved(form))
        form.finished.connect(lambda _result: self._form_closed(form))
        self.plan_form = form
        form.open()

    def _form_closed(self, form: PlanItemForm) -> None:
        if self.plan_form is form:
            self.plan_form = None
        form.deleteLater()

    def _form_saved(self, form: PlanItemForm) -> None:
        changes = form.changes()
        if changes:
            self.update_item(form.item.team, **changes)

    def update_item(self, team: str, **changes: Any) -> None:
        """Change team ``team``'s plan item (owner, action, status, action_on, notes)."""
        if self._busy:
            return
        db, login = self.db, self.login
        self._start_action(f"Saving {team}'s plan item…")
        run_task(self, lambda _p: forward_plan.update(db, login, team, **changes), quick=True,
                 on_success=while_alive(self, self._updated),
                 on_failure=while_alive(self, self._action_failed))

    def _updated(self, item: PlanItem) -> None:
        action = f", {item.action}" if item.action else ""
        owner = f", owner {item.owner}" if item.owner else ""
        self._reload_plan(f"{item.team} is now {item.status}{action}{owner}.", select=item.team)

    def _start_action(self, text: str) -> None:
        self._busy = True
        self.message.setStyleSheet("")
        self.message.setText(text)
        self._update_buttons()

    def _action_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._update_buttons()
        self.show_message(error_text(exc), error=True)

    def _reload_plan(self, text: str, select: str | None = None) -> None:
        db = self.db
        as_of = self.report.as_of if self.report else None

        def arrived(plan: list[PlanItem]) -> None:
            self._busy = False
            self._set_plan(plan)
            if select and self.plan_model.row_of(select) >= 0:
                self.select_plan_item(select)
            self.show_message(text)
            self.plan_loaded.emit(plan)

        run_task(self, lambda _p: forward_plan.list_plan(db, as_of), quick=True,
                 on_success=while_alive(self, arrived), on_failure=while_alive(self, self._action_failed))

    # -- plumbing ---------------------------------------------------------------------------


def _table_look(table: QTableView) -> None:
    theme.read_only_table(table)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setMinimumSectionSize(40)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)


__all__ = ["DirectoratesChart", "MonthlyChart", "PlanItemForm", "PlanModel", "TeamTrendsFilter",
           "TeamTrendsModel", "TrendsPage"]
