"""The audit-of-paper position statement: the figures, and the workbook made of them.

:func:`statement_data` gathers everything the statement shows into the
plain frozen dataclasses of the workbook writer (``exports/position_statement.py``,
which also holds the words made of them); :func:`write_statement` hands them
to the writer and returns the headline figures.

Every figure is a SQL aggregate, so the cost does not grow with a Python
loop over boxes: the depositing trends (one ``GROUP BY`` team and month,
from ``services.trends``), one pass over the boxes grouped by team that
counts, with conditional sums, what each team holds, what is due for
disposal (in age bands), what is under a legal hold and what is digitised,
a few indexed counts over disposal batches and scans, and the oldest part
of the due queue (``LIMIT``). Python only adds up about as many rows as
there are teams.

The windows are the trends' windows: "the last 12 months" are the twelve
complete calendar months up to ``as_of`` and "the 12 before" the twelve
before them, for deposits and destructions alike, so the two can be set
against each other. Figures of state (held, due, under hold, digitised)
are the records as they stand, moved back to ``as_of`` for what happened
after it: boxes received, digitised or destroyed after ``as_of`` count as
they were on ``as_of``. (Loans, holds and review work are as they stand.)
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import and_, case, extract, func, or_, select
from sqlalchemy.orm import Session

from paperless_ig.domain import clock
from paperless_ig.domain.dates import from_database
from paperless_ig.domain.errors import BadInput
from paperless_ig.domain.progress import ProgressFn, no_progress
from paperless_ig.exports import position_statement
from paperless_ig.exports.position_statement import (
    DROPPED,
    AgeBand,
    DigitisationMonth,
    DirectorateRow,
    OrganisationRow,
    OverdueBox,
    PlanRow,
    Statement,
    StoreMonth,
    TeamRow,
    what_this_shows,
)
from paperless_ig.services import disposal, forward_plan, trends
from paperless_ig.services.disposal import AGE_BANDS, DueBox, due_condition
from paperless_ig.services.forward_plan import PlanItem
from paperless_ig.services.holds_query import held_predicate
from paperless_ig.services.scan_queries import needs_review
from paperless_ig.store.database import Database
from paperless_ig.store.models import (
    Box,
    Directorate,
    DisposalBatch,
    DisposalDecision,
    Organisation,
    ScanBatch,
    ScanOutput,
    ScanPage,
    Team,
)

# The oldest boxes of the due queue listed one by one; the rest are counted.
OVERDUE_LIST_CAP = 5000
# Boxes in the due queue before their date: digitised, of a class whose paper may go early.
EARLY_BAND = "not yet due (digitised)"
CLOSED = trends.CLOSED_STATUSES
EXITS = trends.EXIT_OUTCOMES

# The units of work statement_data reports as it goes.
DATA_STEPS = ("depositing trends", "holdings, disposal backlog and holds", "destructions",
              "oldest overdue boxes", "digitisation", "forward plan")


# -- the queries ---------------------------------------------------------------------------------
def _left_after(session: Session, as_of: date):
    """Boxes that left the store after ``as_of`` (they were still held on it), or None."""
    left = (select(DisposalDecision.box_id)
            .join(DisposalBatch, DisposalBatch.id == DisposalDecision.batch_id)
            .where(DisposalDecision.outcome.in_(EXITS), DisposalBatch.completed_on > as_of))
    if session.execute(left.limit(1)).first() is None:
        return None  # the usual case: keep the big query simple
    return Box.id.in_(left)


def _band_case(as_of: date, due) -> tuple[object, list[str]]:
    """A CASE giving each box due for disposal its age band (an index), and -1 otherwise."""
    whens = [(~due, -1), (or_(Box.disposal_date.is_(None), Box.disposal_date > as_of), len(AGE_BANDS))]
    for index, (_low, high, _label) in enumerate(AGE_BANDS):
        if high is not None:
            whens.append((Box.disposal_date > as_of - timedelta(days=high), index))
    return case(*whens, else_=len(AGE_BANDS) - 1), [label for *_, label in AGE_BANDS] + [EARLY_BAND]


@dataclass
class _Tally:
    """The figures of state of one team's boxes."""

    bands: list[int]
    band_mm: list[int]
    held: int = 0
    held_mm: int = 0
    due: int = 0
    due_mm: int = 0
    hold: int = 0
    hold_mm: int = 0
    hold_past: int = 0
    digitised: int = 0
    oldest: date | None = None


def _tally_by_team(session: Session, as_of: date) -> tuple[dict[int, _Tally], list[str]]:
    """One pass over the boxes, counting every figure of state per team.

    Each box is classified by a few CASE expressions (held? due, and in
    which age band? under a hold, and past its date? digitised?) and the
    boxes are grouped by team and those classes: every condition is
    evaluated once a box, and the result is a few rows per team.
    """
    left_after = _left_after(session, as_of)
    held_pred = held_predicate(session, as_of)
    held = Box.status.not_in(CLOSED)
    due = due_condition(session, as_of)
    if left_after is not None:
        held = or_(held, left_after)
        due = or_(due, and_(left_after, Box.disposal_date <= as_of, ~held_pred))
    band, labels = _band_case(as_of, due)
    held_key = case((held, 1), else_=0)
    hold_key = case((and_(held, held_pred),
                     case((and_(Box.disposal_date.is_not(None), Box.disposal_date <= as_of), 2), else_=1)),
                    else_=0)
    digitised_key = case((and_(Box.digitised_on.is_not(None), Box.digitised_on <= as_of), 1), else_=0)
    keys = (Box.team_id, held_key, band, hold_key, digitised_key)
    rows = session.execute(
        select(*keys, func.count(Box.id), func.coalesce(func.sum(Box.width_mm), 0),
               func.min(Box.disposal_date))
        .where(Box.received_on <= as_of).group_by(*keys)).all()
    tallies: dict[int, _Tally] = {}
    for team_id, is_held, band_index, hold_index, is_digitised, count, mm, oldest in rows:
        tally = tallies.setdefault(team_id, _Tally([0] * len(labels), [0] * len(labels)))
        count, mm, band_index = int(count), int(mm), int(band_index)
        if int(is_held):
            tally.held += count
            tally.held_mm += mm
        if band_index >= 0:
            tally.due += count
            tally.due_mm += mm
            tally.bands[band_index] += count
            tally.band_mm[band_index] += mm
            oldest = from_database(oldest) if band_index < len(AGE_BANDS) else None  # not the early ones
            if oldest is not None and (tally.oldest is None or oldest < tally.oldest):
                tally.oldest = oldest
        if int(hold_index):
            tally.hold += count
            tally.hold_mm += mm
            tally.hold_past += count if int(hold_index) == 2 else 0
        tally.digitised += count * int(is_digitised)
    return tallies, labels


def _teams(session: Session) -> list:
    return session.execute(
        select(Team.id, Team.code, Team.name, Directorate.name, Organisation.name)
        .join(Directorate, Directorate.id == Team.directorate_id)
        .join(Organisation, Organisation.id == Directorate.organisation_id)
        .order_by(Organisation.name, Directorate.name, Team.code)).all()


def _exits(session: Session, start: date, end: date) -> dict[str, tuple[int, int]]:
    """Outcome -> (boxes, width in mm) of boxes that left in batches completed in [start, end]."""
    rows = session.execute(
        select(DisposalDecision.outcome, func.count(DisposalDecision.id),
               func.coalesce(func.sum(Box.width_mm), 0))
        .join(DisposalBatch, DisposalBatch.id == DisposalDecision.batch_id)
        .join(Box, Box.id == DisposalDecision.box_id)
        .where(DisposalDecision.outcome.in_(EXITS), DisposalBatch.completed_on >= start,
               DisposalBatch.completed_on <= end)
        .group_by(DisposalDecision.outcome)).all()
    return {outcome: (int(count), int(mm)) for outcome, count, mm in rows}


def _month_index(year, month) -> int:
    return int(year) * 12 + int(month) - 1


def _index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_day(index: int) -> date:
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _digitisation(session: Session, as_of: date) -> tuple[dict, list[DigitisationMonth]]:
    end = datetime.combine(as_of + timedelta(days=1), time.min)  # moments are naive UTC
    year, month = extract("year", ScanBatch.created_at), extract("month", ScanBatch.created_at)
    batches = session.execute(select(year, month, func.count(ScanBatch.id))
                              .where(ScanBatch.created_at < end).group_by(year, month)).all()
    pages = session.execute(select(year, month, func.coalesce(func.sum(ScanOutput.pages), 0))
                            .join(ScanBatch, ScanBatch.id == ScanOutput.batch_id)
                            .where(ScanBatch.created_at < end).group_by(year, month)).all()
    d_year, d_month = extract("year", Box.digitised_on), extract("month", Box.digitised_on)
    boxes = session.execute(select(d_year, d_month, func.count(Box.id))
                            .where(Box.digitised_on.is_not(None), Box.digitised_on <= as_of)
                            .group_by(d_year, d_month)).all()
    awaiting = session.execute(select(func.count(ScanPage.id)).where(
        needs_review())).scalar_one()
    by_month: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for column, rows in enumerate((batches, pages, boxes)):
        for y, m, count in rows:
            by_month[_month_index(y, m)][column] += int(count)
    totals = {"batches": sum(v[0] for v in by_month.values()),
              "pages": sum(v[1] for v in by_month.values()),
              "boxes": sum(v[2] for v in by_month.values()), "awaiting": int(awaiting)}
    months = []
    if totals["batches"] or totals["boxes"]:
        start = min(by_month)  # since scanning began
        for index in range(start, _index(as_of) + 1):
            b, p, x = by_month.get(index, (0, 0, 0))
            months.append(DigitisationMonth(_first_day(index), b, p, x))
    return totals, months


def _plan_by_team(plan: list[PlanItem]) -> dict[str, str]:
    """Team code -> the status of its plan item (a live item rather than a dropped one)."""
    status: dict[str, str] = {}
    for item in plan:
        if item.team not in status or status[item.team] == DROPPED:
            status[item.team] = item.status
    return status


def _overdue_box(box: DueBox) -> OverdueBox:
    return OverdueBox(box.barcode, box.team, box.directorate, box.class_code, box.action,
                      box.disposal_date, box.days_overdue, box.batch_id)


def _plan_row(item: PlanItem) -> PlanRow:
    effect = item.effect
    return PlanRow(item.team, item.team_name, item.directorate, item.added_on, item.source, item.owner,
                   item.action, item.status, item.action_on, item.notes,
                   effect.before_per_month if effect and effect.months else None,
                   effect.after_per_month if effect and effect.months else None,
                   effect.verdict if effect else None)


# -- the statement ---------------------------------------------------------------------------------
def statement_data(db: Database, as_of: date | None = None,
                   progress: ProgressFn | None = None) -> Statement:
    """Every figure of the position statement on ``as_of`` (default: today)."""
    as_of = as_of or clock.today()
    report_progress = progress or no_progress
    total = len(DATA_STEPS)

    def step(done: int) -> None:
        report_progress(done, total, f"Position statement: {DATA_STEPS[min(done, total - 1)]}")

    step(0)
    report = trends.team_trends(db, as_of)
    step(1)
    with db.read() as session:
        tallies, band_labels = _tally_by_team(session, as_of)
        teams = _teams(session)
        step(2)
        exits = _exits(session, report.last_12_from, report.last_12_to)
        step(3)
    overdue_list = tuple(_overdue_box(box) for box in disposal.due(db, as_of, limit=OVERDUE_LIST_CAP))
    step(4)
    with db.read() as session:
        scans, digitisation_months = _digitisation(session, as_of)
    step(5)
    plan = forward_plan.list_plan(db, as_of)
    plan_status = _plan_by_team(plan)
    report_progress(total, total, "Position statement: figures gathered")

    team_trends = {t.team: t for t in report.teams}
    directorate_trends = {(d.organisation, d.directorate): d for d in report.directorates}
    empty = _Tally([0] * len(band_labels), [0] * len(band_labels))
    team_rows = []
    by_directorate: dict[tuple[str, str], list] = defaultdict(list)
    for team_id, code, name, directorate, organisation in teams:
        tally = tallies.get(team_id, empty)
        trend = team_trends[code]
        team_rows.append(TeamRow(code, name, directorate, organisation, tally.held, tally.held_mm / 1000,
                                 trend.last_12, trend.prior_12, trend.change, trend.forecast_12,
                                 trend.flags, plan_status.get(code), tally.due, tally.hold))
        by_directorate[(organisation, directorate)].append(tally)
    team_rows.sort(key=lambda t: (-t.last_12, -t.boxes_held, t.team))

    every = list(tallies.values())
    # The "due early" band is shown only when something is in it.
    keep = [i for i, label in enumerate(band_labels)
            if label != EARLY_BAND or any(t.bands[i] for t in every)]
    directorate_rows = []
    for (organisation, directorate), members in by_directorate.items():
        trend = directorate_trends.get((organisation, directorate))
        directorate_rows.append(DirectorateRow(
            directorate, organisation, len(members), sum(t.held for t in members),
            sum(t.held_mm for t in members) / 1000,
            trend.last_12 if trend else 0, trend.prior_12 if trend else 0,
            trend.change if trend else None, trend.forecast_12 if trend else 0.0,
            sum(t.due for t in members), sum(t.due_mm for t in members) / 1000,
            tuple(sum(t.bands[i] for t in members) for i in keep),
            sum(t.hold for t in members), sum(t.digitised for t in members)))
    directorate_rows.sort(key=lambda d: (-d.boxes_held, d.organisation, d.directorate))

    organisations: dict[str, list[DirectorateRow]] = defaultdict(list)
    for row in directorate_rows:
        organisations[row.organisation].append(row)
    organisation_rows = sorted(
        (OrganisationRow(name, sum(r.boxes_held for r in rows), sum(r.metres_held for r in rows),
                         sum(r.last_12 for r in rows), sum(r.prior_12 for r in rows))
         for name, rows in organisations.items()), key=lambda o: (-o.boxes_held, o.organisation))

    bands = [AgeBand(band_labels[i], sum(t.bands[i] for t in every), sum(t.band_mm[i] for t in every) / 1000)
             for i in keep]
    oldest = min((t.oldest for t in every if t.oldest is not None), default=None)

    store = report.store
    months = [StoreMonth(m, boxes, None) for m, boxes in zip(report.months, store.boxes, strict=True)]
    months += [StoreMonth(m, None, value)
               for m, value in zip(report.forecast_months, store.forecast, strict=True)]
    destroyed, destroyed_mm = exits.get("destroyed", (0, 0))
    return Statement(
        as_of=as_of, made_at=clock.now(),
        last_12_from=report.last_12_from, last_12_to=report.last_12_to,
        prior_12_from=report.prior_12_from, prior_12_to=report.last_12_from - timedelta(days=1),
        organisations=tuple(organisation_rows),
        boxes_held=sum(t.held for t in every), metres_held=sum(t.held_mm for t in every) / 1000,
        deposited_last_12=store.last_12, deposited_prior_12=store.prior_12,
        deposited_metres_last_12=store.last_12_metres, deposited_since=store.month_to_date,
        forecast_next_12=store.forecast_12,
        destroyed_last_12=destroyed, destroyed_metres_last_12=destroyed_mm / 1000,
        transferred_last_12=exits.get("transferred", (0, 0))[0],
        overdue_boxes=sum(t.due for t in every), overdue_metres=sum(t.due_mm for t in every) / 1000,
        oldest_overdue=oldest,
        under_hold_boxes=sum(t.hold for t in every), under_hold_metres=sum(t.hold_mm for t in every) / 1000,
        under_hold_past_date=sum(t.hold_past for t in every),
        scan_batches=scans["batches"], pages_digitised=scans["pages"], boxes_digitised=scans["boxes"],
        pages_awaiting_review=scans["awaiting"],
        capacity_places=store.capacity_places, capacity_metres=store.capacity_metres,
        free_places=store.free_places,
        years_to_full=store.years_to_full(), years_to_full_with_due=store.years_to_full(with_due=True),
        store_months=tuple(months), directorates=tuple(directorate_rows), teams=tuple(team_rows),
        age_bands=tuple(bands), overdue_list=overdue_list,
        digitisation_months=tuple(digitisation_months), plan=tuple(_plan_row(item) for item in plan))


def write_statement(db: Database, path: str | os.PathLike, as_of: date | None = None,
                    progress: ProgressFn | None = None) -> dict:
    """Write the position statement workbook to ``path``; returns the figures written.

    The workbook is written beside ``path`` under a temporary name and moved
    into place at the end, so a failed or cancelled export leaves no half
    file (and an older statement at ``path`` stays as it was).
    """
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise BadInput(f"{out}: the position statement is an Excel workbook; give a name ending .xlsx")
    if not out.parent.is_dir():
        raise BadInput(f"{out.parent}: no such folder")
    report_progress = progress or no_progress
    sheets = len(position_statement.SHEETS) + 1  # and saving
    total = len(DATA_STEPS) + sheets

    def data_progress(done: int, _total: int, message: str) -> None:
        report_progress(done, total, message)

    def sheet_progress(done: int, _total: int, message: str) -> None:
        report_progress(len(DATA_STEPS) + done, total, message)

    data = statement_data(db, as_of, data_progress)
    handle, partial = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".xlsx.part", dir=out.parent)
    os.close(handle)
    try:
        position_statement.write_workbook(data, Path(partial), sheet_progress)
        os.replace(partial, out)
    except OSError as exc:
        raise BadInput(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    report_progress(total, total, "Position statement written")
    return {"file": str(out), **data.summary_json(),
            "directorates": [{"directorate": d.directorate, "organisation": d.organisation,
                              "boxes_held": d.boxes_held, "metres_held": round(d.metres_held, 2),
                              "last_12": d.last_12, "prior_12": d.prior_12,
                              "overdue_boxes": d.overdue_boxes, "under_hold_boxes": d.under_hold_boxes,
                              "digitised_boxes": d.digitised_boxes} for d in data.directorates],
            "sheets": {"Teams": len(data.teams), "Overdue boxes": len(data.overdue_list),
                       "Forward plan": len(data.plan),
                       "Digitisation": len(data.digitisation_months)},
            "what_this_shows": what_this_shows(data)}
