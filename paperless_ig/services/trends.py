"""Depositing trends: who sends paper, how much, is it growing, and when is the store full.

The figures are per team, per directorate and for the whole store, by
calendar month. The months are *complete* months: the window is the
``months`` calendar months that end with the last complete month on or
before ``as_of`` (``as_of``'s own month counts only when ``as_of`` is its
last day); what came in since is reported apart as ``month_to_date``, so a
part month never looks like a drop and the seasonal forecast lines up with
calendar months. ``last_12`` is the last twelve months of the window and
``prior_12`` the twelve before them.

All counting happens in SQL: one ``GROUP BY`` over the boxes by team and
month (using the ``received_on`` indexes), one over the completed disposal
batches, and a few indexed counts. Python only works on the grouped rows,
so the cost is the same whether a team has ten boxes or a hundred thousand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Date, cast, extract, func, select
from sqlalchemy.orm import Session

from paperless_ig.domain import clock
from paperless_ig.domain.dates import from_database
from paperless_ig.domain.errors import BadInput, NotFound
from paperless_ig.domain.trends import FLAG_GROWING, FLAG_NEW, FLAG_SHRINKING, FLAG_STOPPED, FLAG_TOP
from paperless_ig.services.disposal import due_condition
from paperless_ig.store.database import Database
from paperless_ig.store.models import (
    STANDARD_BOX_WIDTH_MM,
    Box,
    Directorate,
    DisposalBatch,
    DisposalDecision,
    Location,
    Organisation,
    Team,
)

MIN_MONTHS = 24  # last 12 against the 12 before needs two years
MAX_MONTHS = 240
GROWTH = 0.15  # a change of at least this fraction ...
MIN_CHANGE_BOXES = 5  # ... and at least this many boxes is "clearly" growing or shrinking
TOP_N = 10
# A team's own seasonal pattern is used once it deposits this many boxes a month on
# average; smaller teams borrow their directorate's pattern, or the whole store's.
OWN_SEASON_MIN_PER_MONTH = 20
# The year-on-year growth is damped halfway toward "no change" (see forecast()).
DAMPING = 0.5
GROWTH_LIMITS = (0.5, 2.0)
# This many boxes expected, and none came: the depositor has stopped.
STOP_EVIDENCE = 5.0
# Months of the last year a depositor must have been active before its growth is trusted.
MIN_ACTIVE_MONTHS_FOR_GROWTH = 6
CLOSED_STATUSES = ("destroyed", "transferred")
EXIT_OUTCOMES = ("destroyed", "transferred")
# Shelf places are counted in standard boxes; a place is one box's width of shelf.
PLACE_MM = STANDARD_BOX_WIDTH_MM


# -- the forecast: pure functions ---------------------------------------------------
def seasonal_indices(monthly: Sequence[float], period: int = 12) -> list[float] | None:
    """Multiplicative seasonal indices, aligned with the last ``period`` values of ``monthly``.

    ``result[k]`` is how the month of ``monthly[-period + k]`` compares with an
    average month (the indices average 1). Each whole year counted back from
    the end is divided by its own mean before the years are averaged, so a
    depositor's growth from one year to the next does not leak into the
    pattern. A year counts only when something came in every month of it: a
    year in which the depositor started or stopped would otherwise teach that
    its empty months are a season. ``None`` when no year qualifies.
    """
    values = list(monthly)
    ratios = [0.0] * period
    years = 0
    for back in range(len(values) // period):
        end = len(values) - back * period
        year = values[end - period:end]
        if min(year) <= 0:
            continue
        mean = sum(year) / period
        for k, value in enumerate(year):
            ratios[k] += value / mean
        years += 1
    if not years:
        return None
    indices = [r / years for r in ratios]
    scale = sum(indices) / period
    return [i / scale for i in indices]


def forecast(monthly: Sequence[float], horizon: int = 12,
             seasonal: Sequence[float] | None = None) -> list[float]:
    """The next ``horizon`` months of a monthly series, seasonal, with a damped trend.

    Why this method: deposits of paper are strongly seasonal (year-end
    clear-outs in spring, quiet August and December) and most depositors
    change slowly, so a seasonal index times a level, with a cautious
    year-on-year trend, fits them better than anything that needs many
    years of data (and it explains itself in one sentence). It is a
    Holt-Winters-like multiplicative model estimated in one pass:

    - *season*: ``seasonal`` (12 indices aligned with the last 12 values, as
      :func:`seasonal_indices` returns) or, when not given, the series' own
      pattern, or none at all. Callers pass a directorate's or the store's
      pattern for small depositors, whose own months are mostly noise.
    - *level*: boxes in the last 12 months divided by the seasonal weight of
      the months in which the depositor was active (from its first deposit
      on), i.e. a deseasonalised monthly rate; a depositor that started six
      months ago is not averaged over a year it did not exist.
    - *trend*: the ratio of that rate to the rate of the 12 months before,
      clipped to 0.5-2 and damped halfway toward 1 (damped trends forecast
      better than full extrapolation: one big clear-out must not promise
      ever more paper). No trend is assumed without six active months before.
    - *stopped*: nothing in the last 12 months, or a run of empty months at
      the end in which at least five boxes were expected, forecasts zero.

    Month ``h`` ahead is ``level * trend ** ((h + 5.5) / 12) * season[h]``:
    the level stands for the middle of the last year, 5.5 months before its
    last month, so a steady series forecasts its last year again, and a
    series growing by a factor ``g`` a year forecasts ``g`` times its last
    year when undamped.
    """
    period = 12
    values = [max(float(v), 0.0) for v in monthly]
    if len(values) < period:
        values = [0.0] * (period - len(values)) + values
    n = len(values)
    if horizon <= 0:
        return []
    if sum(values[-period:]) <= 0:
        return [0.0] * horizon
    season = list(seasonal) if seasonal else (seasonal_indices(values, period) or [1.0] * period)
    if len(season) != period or min(season) <= 0:
        raise ValueError("seasonal indices must be 12 positive numbers")

    def weight(t: int) -> float:  # the seasonal index of position t of the series
        return season[(t - (n - period)) % period]

    first = next(t for t, v in enumerate(values) if v > 0)
    recent = range(max(first, n - period), n)
    run = 0
    while values[n - 1 - run] <= 0:
        run += 1
    before_run = range(recent.start, n - run)
    pre_level = sum(values[t] for t in before_run) / sum(weight(t) for t in before_run)
    if pre_level * sum(weight(t) for t in range(n - run, n)) >= STOP_EVIDENCE:
        return [0.0] * horizon
    level = sum(values[t] for t in recent) / sum(weight(t) for t in recent)

    trend = 1.0
    prior = range(max(first, n - 2 * period), n - period)
    if len(prior) >= MIN_ACTIVE_MONTHS_FOR_GROWTH:
        prior_level = sum(values[t] for t in prior) / sum(weight(t) for t in prior)
        if prior_level > 0:
            low, high = GROWTH_LIMITS
            ratio = min(max(level / prior_level, low), high)
            trend = 1.0 + DAMPING * (ratio - 1.0)
    return [level * trend ** ((h + 5.5) / period) * season[(h - 1) % period]
            for h in range(1, horizon + 1)]


def flags_for(last_12: int, prior_12: int, ever_before: bool) -> list[str]:
    """The trend flags of one depositor (``top depositor`` is given by rank, elsewhere)."""
    flags = []
    if last_12 > 0 and prior_12 == 0:
        flags.append(FLAG_NEW)
    elif prior_12 > 0 and last_12 >= prior_12 * (1 + GROWTH) and last_12 - prior_12 >= MIN_CHANGE_BOXES:
        flags.append(FLAG_GROWING)
    elif last_12 > 0 and last_12 <= prior_12 * (1 - GROWTH) and prior_12 - last_12 >= MIN_CHANGE_BOXES:
        flags.append(FLAG_SHRINKING)
    if last_12 == 0 and (prior_12 > 0 or ever_before):
        flags.append(FLAG_STOPPED)
    return flags


# -- months ------------------------------------------------------------------------------
def _index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_day(index: int) -> date:
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _last_complete_month(as_of: date) -> int:
    """The index of the last calendar month that is over on ``as_of``."""
    month_end = as_of + timedelta(days=1)
    return _index(as_of) if month_end.month != as_of.month else _index(as_of) - 1


# -- the report ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    """Deposits of one depositor (team, directorate or the store) over the window."""

    boxes: tuple[int, ...]  # per month of the window, oldest first
    metres: tuple[float, ...]
    month_to_date: int
    last_12: int
    prior_12: int
    change: float | None  # (last_12 - prior_12) / prior_12; None when prior_12 is 0
    forecast: tuple[float, ...]  # the next 12 months
    last_12_metres: float
    prior_12_metres: float
    seasonal_source: str  # whose seasonal pattern the forecast used

    @property
    def forecast_12(self) -> float:
        return sum(self.forecast)

    @property
    def forecast_12_metres(self) -> float:
        per_box = self.last_12_metres / self.last_12 if self.last_12 else STANDARD_BOX_WIDTH_MM / 1000
        return self.forecast_12 * per_box

    def figures_json(self) -> dict:
        return {"last_12": self.last_12, "prior_12": self.prior_12,
                "change": None if self.change is None else round(self.change, 4),
                "forecast_12": round(self.forecast_12, 1),
                "last_12_metres": round(self.last_12_metres, 2),
                "prior_12_metres": round(self.prior_12_metres, 2),
                "forecast_12_metres": round(self.forecast_12_metres, 2),
                "month_to_date": self.month_to_date,
                "monthly": {"boxes": list(self.boxes), "metres": [round(m, 3) for m in self.metres]},
                "forecast_monthly": [round(f, 2) for f in self.forecast],
                "seasonal_source": self.seasonal_source}


@dataclass(frozen=True)
class TeamTrend(Figures):
    team: str = ""
    name: str = ""
    directorate: str = ""
    organisation: str = ""
    first_deposit: date | None = None
    last_deposit: date | None = None
    flags: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"team": self.team, "name": self.name, "directorate": self.directorate,
                "organisation": self.organisation, **self.figures_json(), "flags": list(self.flags),
                "first_deposit": self.first_deposit.isoformat() if self.first_deposit else None,
                "last_deposit": self.last_deposit.isoformat() if self.last_deposit else None}


@dataclass(frozen=True)
class DirectorateTrend(Figures):
    directorate: str = ""
    organisation: str = ""
    teams: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"directorate": self.directorate, "organisation": self.organisation,
                "teams": list(self.teams), **self.figures_json(), "flags": list(self.flags)}


@dataclass(frozen=True)
class StoreTrend(Figures):
    holdings: tuple[int, ...] = ()  # boxes in store at each month end of the window
    holdings_now: int = 0
    left_last_12: int = 0  # boxes destroyed or transferred in the last 12 months
    capacity_places: int = 0
    due_now: int = 0  # boxes in the disposal due queue on as_of

    @property
    def capacity_metres(self) -> float:
        return self.capacity_places * PLACE_MM / 1000

    @property
    def free_places(self) -> int:
        return self.capacity_places - self.holdings_now

    @property
    def net_12(self) -> int:
        """How many more boxes the store held at the end of the last 12 months than before."""
        return self.last_12 - self.left_last_12

    def years_to_full(self, with_due: bool = False) -> float | None:
        """Years until every place is taken at the last year's net rate.

        ``with_due``: as if every box in the disposal due queue left today.
        None when it never fills at that rate, or no shelf places are recorded.
        """
        if not self.capacity_places:
            return None
        free = self.free_places + (self.due_now if with_due else 0)
        if free <= 0:
            return 0.0
        if self.net_12 <= 0:
            return None
        return free / self.net_12

    def as_json(self) -> dict:
        def years(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {**self.figures_json(), "holdings": list(self.holdings),
                "holdings_now": self.holdings_now,
                "left_last_12": self.left_last_12, "net_12": self.net_12,
                "capacity_places": self.capacity_places,
                "capacity_metres": round(self.capacity_metres, 2),
                "free_places": self.free_places,
                "free_metres": round(self.free_places * PLACE_MM / 1000, 2),
                "due_now": self.due_now,
                "years_to_full": years(self.years_to_full()),
                "years_to_full_with_due": years(self.years_to_full(with_due=True))}


@dataclass(frozen=True)
class TrendReport:
    as_of: date
    months: tuple[date, ...]  # the first day of each month of the window
    teams: tuple[TeamTrend, ...]  # largest last_12 first
    directorates: tuple[DirectorateTrend, ...]
    store: StoreTrend
    forecast_months: tuple[date, ...]  # the first day of each month forecast

    @property
    def last_12_from(self) -> date:
        return self.months[-12]

    @property
    def last_12_to(self) -> date:
        return _first_day(_index(self.months[-1]) + 1) - timedelta(days=1)

    @property
    def prior_12_from(self) -> date:
        return self.months[-24]

    def team(self, code: str) -> TeamTrend:
        for trend in self.teams:
            if trend.team.upper() == code.strip().upper():
                return trend
        raise NotFound(f"team {code!r} does not exist")

    def flagged(self) -> list[TeamTrend]:
        return [t for t in self.teams if t.flags]

    def as_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(),
                "months": [m.strftime("%Y-%m") for m in self.months],
                "forecast_months": [m.strftime("%Y-%m") for m in self.forecast_months],
                "last_12": {"from": self.last_12_from.isoformat(), "to": self.last_12_to.isoformat()},
                "prior_12": {"from": self.prior_12_from.isoformat(),
                             "to": (self.last_12_from - timedelta(days=1)).isoformat()},
                "teams": [t.as_json() for t in self.teams],
                "directorates": [d.as_json() for d in self.directorates],
                "store": self.store.as_json()}


# -- the queries ----------------------------------------------------------------------------
def _month_columns(column):
    """Year and month of a date column, portable (SQLite strftime, PostgreSQL EXTRACT)."""
    return extract("year", column), extract("month", column)


def _deposits_by_team_month(session: Session, start: date, as_of: date):
    """(team_id, year, month, boxes, width_mm): the one GROUP BY over the boxes."""
    year, month = _month_columns(Box.received_on)
    return session.execute(
        select(Box.team_id, year, month, func.count(Box.id), func.coalesce(func.sum(Box.width_mm), 0))
        .where(Box.received_on >= start, Box.received_on <= as_of)
        .group_by(Box.team_id, year, month)).all()


def _teams(session: Session):
    """Every team with its directorate, and its first and last deposit (index seeks)."""
    first = (select(func.min(Box.received_on)).where(Box.team_id == Team.id)
             .correlate(Team).scalar_subquery())
    last = (select(func.max(Box.received_on)).where(Box.team_id == Team.id)
            .correlate(Team).scalar_subquery())
    return session.execute(
        select(Team.id, Team.code, Team.name, Directorate.id, Directorate.name, Organisation.name,
               first, last)
        .join(Directorate, Directorate.id == Team.directorate_id)
        .join(Organisation, Organisation.id == Directorate.organisation_id)
        .order_by(Team.code)).all()


def _exits_by_day(session: Session, as_of: date) -> list[tuple[date, int]]:
    """(day, boxes) that left the store (destroyed or transferred) up to ``as_of``.

    Completed disposal batches date most exits. A box closed some other way
    (a register import of an already-destroyed box, say) has no batch: its
    last update dates it. That second query runs only when the counts say
    such boxes exist, as it is the slow one.
    """
    rows = session.execute(
        select(DisposalBatch.completed_on, func.count(DisposalDecision.id))
        .join(DisposalBatch, DisposalBatch.id == DisposalDecision.batch_id)
        .where(DisposalDecision.outcome.in_(EXIT_OUTCOMES), DisposalBatch.completed_on.is_not(None))
        .group_by(DisposalBatch.completed_on)).all()
    exits = [(from_database(day), count) for day, count in rows]
    dated = sum(count for _, count in exits)
    closed = session.execute(select(func.count(Box.id)).where(
        Box.status.in_(CLOSED_STATUSES))).scalar_one()
    if closed > dated:
        has_exit = (select(DisposalDecision.id)
                    .join(DisposalBatch, DisposalBatch.id == DisposalDecision.batch_id)
                    .where(DisposalDecision.box_id == Box.id,
                           DisposalDecision.outcome.in_(EXIT_OUTCOMES),
                           DisposalBatch.completed_on.is_not(None)).exists())
        # SQLite keeps moments as text, where CAST(.. AS DATE) would give a number.
        day = func.date(Box.updated_at) if session.bind.dialect.name == "sqlite" \
            else cast(Box.updated_at, Date)
        exits += [(from_database(when), count) for when, count in session.execute(
            select(day, func.count(Box.id))
            .where(Box.status.in_(CLOSED_STATUSES), ~has_exit).group_by(day)).all()]
    return [(day, count) for day, count in exits if day <= as_of]


# -- building the report ---------------------------------------------------------------------
def _own_season(boxes: list[int]) -> list[float] | None:
    if sum(boxes) / len(boxes) < OWN_SEASON_MIN_PER_MONTH:
        return None
    return seasonal_indices(boxes)


def _season(*candidates: tuple[list[float] | None, str]) -> tuple[list[float] | None, str]:
    """The first seasonal pattern there is, and whose it is."""
    for season, source in candidates:
        if season is not None:
            return season, source
    return None, "none"


@dataclass
class _Series:
    """Deposits of one depositor while the report is built."""

    boxes: list[int]
    metres: list[float]
    to_date: int = 0

    @classmethod
    def empty(cls, months: int) -> _Series:
        return cls([0] * months, [0.0] * months)

    def add(self, other: _Series) -> None:
        for i, (count, metres) in enumerate(zip(other.boxes, other.metres, strict=True)):
            self.boxes[i] += count
            self.metres[i] += metres
        self.to_date += other.to_date

    def figures(self, seasonal: Sequence[float] | None, source: str) -> dict:
        last, prior = sum(self.boxes[-12:]), sum(self.boxes[-24:-12])
        return {"boxes": tuple(self.boxes), "metres": tuple(self.metres), "month_to_date": self.to_date,
                "last_12": last, "prior_12": prior,
                "change": (last - prior) / prior if prior else None,
                "forecast": tuple(forecast(self.boxes, 12, seasonal)),
                "last_12_metres": sum(self.metres[-12:]),
                "prior_12_metres": sum(self.metres[-24:-12]),
                "seasonal_source": source}


def _holdings(exits: list[tuple[date, int]], first: int, received: _Series,
              before_window: int) -> tuple[list[int], int, int]:
    """Boxes held at each month end, on ``as_of``, and how many left in the last 12 months."""
    months = len(received.boxes)
    left = [0] * months
    left_before = left_to_date = 0
    for day, count in exits:
        position = _index(day) - first
        if position < 0:
            left_before += count
        elif position >= months:
            left_to_date += count
        else:
            left[position] += count
    holdings, held = [], before_window - left_before
    for came, went in zip(received.boxes, left, strict=True):
        held += came - went
        holdings.append(held)
    return holdings, held + received.to_date - left_to_date, sum(left[-12:])


def team_trends(db: Database, as_of: date | None = None, months: int = MIN_MONTHS) -> TrendReport:
    """Deposits per team, directorate and store over ``months`` complete months, with forecasts."""
    as_of = as_of or clock.today()
    if not 1 <= months <= MAX_MONTHS:
        raise BadInput(f"months must be between 1 and {MAX_MONTHS}, not {months}")
    # The last 12 months against the 12 before need two years, whatever is asked for.
    months = max(months, MIN_MONTHS)
    end = _last_complete_month(as_of)
    first = end - months + 1
    start = _first_day(first)
    with db.read() as session:
        deposits = _deposits_by_team_month(session, start, as_of)
        teams = _teams(session)
        before_window = session.execute(select(func.count(Box.id)).where(
            Box.received_on < start)).scalar_one()
        exits = _exits_by_day(session, as_of)
        capacity = session.execute(select(func.coalesce(func.sum(Location.capacity), 0)).where(
            Location.active)).scalar_one()
        due_now = session.execute(select(func.count(Box.id)).where(
            due_condition(session, as_of))).scalar_one()

    series: dict[int, _Series] = {team_id: _Series.empty(months) for team_id, *_ in teams}
    for team_id, year, month, count, mm in deposits:
        position = int(year) * 12 + int(month) - 1 - first
        if position >= months:  # the month in progress
            series[team_id].to_date += count
        else:
            series[team_id].boxes[position] += count
            series[team_id].metres[position] += int(mm) / 1000
    store_series = _Series.empty(months)
    directorate_series: dict[int, _Series] = {}
    members: dict[int, list] = defaultdict(list)
    for row in teams:
        store_series.add(series[row[0]])
        directorate_series.setdefault(row[3], _Series.empty(months)).add(series[row[0]])
        members[row[3]].append(row)
    store_season = seasonal_indices(store_series.boxes)
    directorate_seasons = {d: _own_season(s.boxes) for d, s in directorate_series.items()}

    team_list = []
    for team_id, code, name, dir_id, dir_name, org_name, first_day, last_day in teams:
        own = series[team_id]
        season, source = _season((_own_season(own.boxes), "team"),
                                 (directorate_seasons[dir_id], "directorate"), (store_season, "store"))
        figures = own.figures(season, source)
        first_day = from_database(first_day)
        flags = flags_for(figures["last_12"], figures["prior_12"],
                          first_day is not None and first_day < start)
        team_list.append(TeamTrend(**figures, team=code, name=name, directorate=dir_name,
                                   organisation=org_name, first_deposit=first_day,
                                   last_deposit=from_database(last_day), flags=tuple(flags)))
    ranked = sorted((t for t in team_list if t.last_12 > 0), key=lambda t: (-t.last_12, t.team))
    top = {t.team for t in ranked[:TOP_N]}
    team_list = [replace(t, flags=(*t.flags, FLAG_TOP)) if t.team in top else t for t in team_list]
    team_list.sort(key=lambda t: (-t.last_12, -t.prior_12, t.team))

    directorates = []
    for dir_id, own in directorate_series.items():
        rows = members[dir_id]
        figures = own.figures(*_season((directorate_seasons[dir_id], "directorate"),
                                       (store_season, "store")))
        ever_before = any(row[6] is not None and from_database(row[6]) < start for row in rows)
        directorates.append(DirectorateTrend(
            **figures, directorate=rows[0][4], organisation=rows[0][5],
            teams=tuple(sorted(row[1] for row in rows)),
            flags=tuple(flags_for(figures["last_12"], figures["prior_12"], ever_before))))
    directorates.sort(key=lambda d: (-d.last_12, d.directorate))

    holdings, held_now, left_last_12 = _holdings(exits, first, store_series, before_window)
    store = StoreTrend(**store_series.figures(*_season((store_season, "store"))),
                       holdings=tuple(holdings), holdings_now=held_now, left_last_12=left_last_12,
                       capacity_places=int(capacity), due_now=due_now)
    return TrendReport(as_of, tuple(_first_day(first + i) for i in range(months)),
                       tuple(team_list), tuple(directorates), store,
                       tuple(_first_day(end + h) for h in range(1, 13)))




def boxes_between(session: Session, team_id: int, start: date, end: date) -> int:
    """Boxes a team deposited in ``[start, end)``: an indexed count."""
    return session.execute(select(func.count(Box.id)).where(
        Box.team_id == team_id, Box.received_on >= start, Box.received_on < end)).scalar_one()
