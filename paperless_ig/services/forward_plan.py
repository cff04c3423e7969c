"""The forward plan: teams to engage about digital alternatives, and whether it worked.

A team comes onto the plan when the trends flag it (growing, a new
depositor, or a top depositor) or when the desk referred one of its
deposits for digitisation in the last 12 months. Each team has one plan
item, which the records manager gives an owner, an agreed action, a status
and the date the action took effect; :func:`effect` then compares the
team's deposits before and after that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paperless_ig.domain import clock
from paperless_ig.domain.errors import BadInput, NotFound
from paperless_ig.domain.retention import add_months
from paperless_ig.domain.roles import RECORDS_WORK
from paperless_ig.services import audit, trends, users
from paperless_ig.store.database import Database
from paperless_ig.store.models import Challenge, Deposit, Directorate, ForwardPlanItem, Team

ACTIONS = ("digitise the process", "scan on demand", "stop printing", "move to the records system",
           "other")
STATUSES = ("proposed", "agreed", "in progress", "done", "dropped")
# Flags that say a team sends (or will send) a lot of paper; shrinking and stopped do not.
PROPOSE_FLAGS = (trends.FLAG_GROWING, trends.FLAG_NEW, trends.FLAG_TOP)
REFERRED = "accepted_referred"
EFFECT_MONTHS = 12  # compare at most this many months either side of the action
MIN_EFFECT_MONTHS = 6  # and say nothing firm before this many have passed
FALL = 0.10  # deposits "fell" when the monthly rate dropped by at least this fraction


@dataclass(frozen=True)
class Effect:
    """A team's deposits in the months before its action against the months after."""

    team: str
    action: str
    action_on: date | None
    as_of: date
    months: int  # the length of each period compared
    before: int  # boxes in the ``months`` before ``action_on``
    after: int  # boxes in the ``months`` from ``action_on``
    year_before: int  # boxes in the same calendar months a year before the "after" period
    verdict: str  # "fell", "did not fall", "too early", "no action date", "not yet"

    @property
    def before_per_month(self) -> float | None:
        return self.before / self.months if self.months else None

    @property
    def after_per_month(self) -> float | None:
        return self.after / self.months if self.months else None

    @property
    def change(self) -> float | None:
        return (self.after - self.before) / self.before if self.months and self.before else None

    @property
    def fell(self) -> bool | None:
        """True or False once enough months have passed; None before that."""
        return {"fell": True, "did not fall": False}.get(self.verdict)

    def as_json(self) -> dict:
        def rate(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {"team": self.team, "action": self.action,
                "action_on": self.action_on.isoformat() if self.action_on else None,
                "as_of": self.as_of.isoformat(), "months": self.months, "before": self.before,
                "after": self.after, "year_before": self.year_before,
                "before_per_month": rate(self.before_per_month),
                "after_per_month": rate(self.after_per_month),
                "change": None if self.change is None else round(self.change, 4),
                "fell": self.fell, "verdict": self.verdict}


@dataclass(frozen=True)
class PlanItem:
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
    effect: Effect | None = None

    def as_json(self) -> dict:
        return {"team": self.team, "team_name": self.team_name, "directorate": self.directorate,
                "added_on": self.added_on.isoformat(), "source": self.source, "owner": self.owner,
                "action": self.action, "status": self.status,
                "action_on": self.action_on.isoformat() if self.action_on else None,
                "notes": self.notes, "effect": self.effect.as_json() if self.effect else None}


def _snapshot(item: ForwardPlanItem) -> dict:
    return {"owner": item.owner, "action": item.action, "status": item.status,
            "action_on": item.action_on, "notes": item.notes, "source": item.source}


def _item(item: ForwardPlanItem, team: Team, directorate: str, effect: Effect | None = None) -> PlanItem:
    return PlanItem(team.code, team.name, directorate, item.added_on, item.source, item.owner,
                    item.action, item.status, item.action_on, item.notes, effect)


def _team(session: Session, code: str) -> Team:
    team = session.execute(select(Team).where(Team.code == code.strip())).scalar_one_or_none()
    if team is None:
        raise NotFound(f"team {code!r} does not exist")
    return team


def _plan_item(session: Session, team: Team) -> ForwardPlanItem | None:
    return session.execute(select(ForwardPlanItem).where(ForwardPlanItem.team_id == team.id)
                           .order_by(ForwardPlanItem.id.desc()).limit(1)).scalar_one_or_none()


def referred_teams(session: Session, as_of: date) -> dict[str, int]:
    """Team code -> deposits the desk referred for digitisation in the 12 months to ``as_of``."""
    since = add_months(as_of, -12)
    rows = session.execute(
        select(Team.code, func.count(Deposit.id)).select_from(Challenge)
        .join(Deposit, Deposit.id == Challenge.deposit_id).join(Team, Team.id == Deposit.team_id)
        .where(Challenge.outcome == REFERRED, Deposit.received_on > since, Deposit.received_on <= as_of)
        .group_by(Team.code)).all()
    return dict(rows)


def propose(db: Database, actor: str, as_of: date | None = None) -> list[PlanItem]:
    """Put every flagged or referred team that is not on the plan yet on it, as "proposed"."""
    as_of = as_of or clock.today()
    # The trends are read in their own unit of work, so the write below stays short.
    report = trends.team_trends(db, as_of)
    flagged = {t.team: t for t in report.teams if set(t.flags) & set(PROPOSE_FLAGS)}
    added = []
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "propose teams for the forward plan")
        referred = referred_teams(session, as_of)
        on_plan = set(session.execute(select(ForwardPlanItem.team_id)).scalars())
        for code in sorted(set(flagged) | set(referred)):
            team = _team(session, code)
            if team.id in on_plan:
                continue
            reasons = []
            if code in flagged:
                trend = flagged[code]
                change = "" if trend.change is None else f", {trend.change:+.0%} on the year before"
                reasons.append(f"trend: {', '.join(f for f in trend.flags if f in PROPOSE_FLAGS)} "
                               f"({trend.last_12} boxes in the last 12 months{change})")
            if code in referred:
                count = referred[code]
                reasons.append(f"challenge: {count} deposit{'s' if count != 1 else ''} referred for "
                               "digitisation at the desk in the last 12 months")
            source = "challenge" if code in referred else "trend"
            item = ForwardPlanItem(team_id=team.id, added_on=as_of, source=source, owner="",
                                   action="", status="proposed", action_on=None,
                                   notes="; ".join(reasons))
            session.add(item)
            session.flush()
            audit.record(session, actor, "plan.propose", "forward_plan", code, None,
                         {**_snapshot(item), "added_on": as_of})
            directorate = session.get(Directorate, team.directorate_id)
            added.append(_item(item, team, directorate.name if directorate else ""))
    return added


def list_plan(db: Database, as_of: date | None = None, with_effect: bool = True) -> list[PlanItem]:
    """Every plan item, open ones first, each with its effect when it has an action date."""
    as_of = as_of or clock.today()
    order = {status: n for n, status in enumerate(STATUSES)}
    with db.read() as session:
        rows = session.execute(
            select(ForwardPlanItem, Team, Directorate.name)
            .join(Team, Team.id == ForwardPlanItem.team_id)
            .join(Directorate, Directorate.id == Team.directorate_id)
            .order_by(Team.code, ForwardPlanItem.id)).all()
        items = []
        for item, team, directorate in rows:
            effect = _effect(session, team, item, as_of) if with_effect and item.action_on else None
            items.append(_item(item, team, directorate, effect))
    items.sort(key=lambda i: (order.get(i.status, len(order)), i.team))
    return items


def update(db: Database, actor: str, team_code: str, owner: str | None = None,
           action: str | None = None, status: str | None = None, action_on: date | None = None,
           notes: str | None = None) -> PlanItem:
    """Change a team's plan item; only the fields given change."""
    if all(v is None for v in (owner, action, status, action_on, notes)):
        raise BadInput("nothing to change: give an owner, action, status, action date or notes")
    if action is not None and action not in ACTIONS:
        raise BadInput(f"action {action!r} is not one of: {', '.join(ACTIONS)}")
    if status is not None and status not in STATUSES:
        raise BadInput(f"status {status!r} is not one of: {', '.join(STATUSES)}")
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "change the forward plan")
        team = _team(session, team_code)
        item = _plan_item(session, team)
        if item is None:
            raise NotFound(f"team {team.code} is not on the forward plan "
                           "(teams come onto it with 'paperless-ig plan propose')")
        before = _snapshot(item)
        if owner is not None:
            item.owner = owner.strip()
        if action is not None:
            item.action = action
        if status is not None:
            item.status = status
        if action_on is not None:
            item.action_on = action_on
        if notes is not None:
            item.notes = notes.strip()
        after = _snapshot(item)
        if after != before:
            session.flush()
            audit.record(session, actor, "plan.update", "forward_plan", team.code,
                         {k: v for k, v in before.items() if after[k] != v},
                         {k: v for k, v in after.items() if before[k] != v})
        directorate = session.get(Directorate, team.directorate_id)
        return _item(item, team, directorate.name if directorate else "")


def _effect(session: Session, team: Team, item: ForwardPlanItem | None, as_of: date,
            action_on: date | None = None) -> Effect:
    action = item.action if item else ""
    action_on = action_on or (item.action_on if item else None)
    if action_on is None:
        return Effect(team.code, action, None, as_of, 0, 0, 0, 0, "no action date")
    if action_on > as_of:
        return Effect(team.code, action, action_on, as_of, 0, 0, 0, 0, "not yet")
    months = 0
    while months < EFFECT_MONTHS and add_months(action_on, months + 1) <= as_of + timedelta(days=1):
        months += 1
    if months == 0:
        return Effect(team.code, action, action_on, as_of, 0, 0, 0, 0, "too early")

    def count(start: date, end: date) -> int:
        return trends.boxes_between(session, team.id, start, end)

    end = add_months(action_on, months)
    before = count(add_months(action_on, -months), action_on)
    after = count(action_on, end)
    year_before = count(add_months(action_on, -12), add_months(end, -12))
    if months < MIN_EFFECT_MONTHS:
        verdict = "too early"
    elif before == 0:
        verdict = "did not fall"  # nothing to fall from
    else:
        # Against the months just before and, so a season is not taken for an effect,
        # against the same months a year earlier too (when the team deposited then).
        fell = after <= before * (1 - FALL) and (year_before == 0 or after <= year_before * (1 - FALL))
        verdict = "fell" if fell else "did not fall"
    return Effect(team.code, action, action_on, as_of, months, before, after, year_before, verdict)


def effect(db: Database, team_code: str, as_of: date | None = None,
           action_on: date | None = None) -> Effect:
    """Whether a team's deposits fell after its action (its plan item's date, or ``action_on``).

    Boxes deposited in the whole months from the action date (up to 12, and
    at least 6 before a verdict) against as many months before it, and
    against the same months a year earlier.
    """
    as_of = as_of or clock.today()
    with db.read() as session:
        team = _team(session, team_code)
        item = _plan_item(session, team)
        if item is None and action_on is None:
            raise NotFound(f"team {team.code} is not on the forward plan: give an action date")
        return _effect(session, team, item, as_of, action_on)
