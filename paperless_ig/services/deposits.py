"""Logging a deposit: barcodes, disposal dates, the challenge, one transaction.

The desk sees the consequences before committing (``preview``): each box's
disposal date and any warnings (a title that may name a person, a box over
the weight limit, records of classes with different retention in one box).
``log_deposit`` then allocates barcodes from the database sequence and
writes the deposit, its boxes, the challenge and their audit events at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paperless_ig.domain import clock
from paperless_ig.domain.barcodes import make_barcode
from paperless_ig.domain.checks import personal_data_reason, weight_warning
from paperless_ig.domain.errors import BadInput, NotFound
from paperless_ig.domain.retention import Period, Trigger, disposal_date
from paperless_ig.domain.roles import DESK_WORK
from paperless_ig.domain.states import BoxStatus
from paperless_ig.services import audit, users
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, Challenge, Deposit, RetentionClass, Team
from paperless_ig.store.sequences import allocate

OUTCOMES = ("accepted", "accepted_referred", "refused")
OUTCOME_LABELS = {"accepted": "accepted", "accepted_referred": "accepted, referred for digitisation",
                  "refused": "refused"}
ANSWERS = ("yes", "no", "unknown")
MAX_BOXES = 500


@dataclass(frozen=True)
class BoxSpec:
    title: str
    trigger_date: date | None = None
    date_from: date | None = None
    date_to: date | None = None
    weight_kg: float | None = None
    other_classes: tuple[str, ...] = ()  # classes of records also in the box


@dataclass(frozen=True)
class ChallengeAnswers:
    why_paper: str = ""
    legally_required: str = "unknown"
    could_be_digital: str = "unknown"
    process_owner: str = ""
    outcome: str = "accepted"
    notes: str = ""


@dataclass(frozen=True)
class DepositRequest:
    team: str
    class_code: str
    boxes: list[BoxSpec]
    brought_by: str = ""
    received_on: date | None = None
    challenge: ChallengeAnswers | None = None
    notes: str = ""


@dataclass(frozen=True)
class BoxPlan:
    title: str
    disposal_date: date | None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DepositPreview:
    boxes: list[BoxPlan]

    @property
    def warnings(self) -> list[str]:
        return [f"box {i}: {w}" for i, b in enumerate(self.boxes, start=1) for w in b.warnings]


@dataclass(frozen=True)
class DepositResult:
    deposit_id: int
    barcodes: list[str]
    disposal_dates: list[date | None]
    warnings: list[str]

    def as_json(self) -> dict:
        dates = [d.isoformat() if d else None for d in self.disposal_dates]
        return {"deposit_id": self.deposit_id, "barcodes": self.barcodes,
                "disposal_date": dates[0] if len(set(dates)) == 1 else dates,
                "disposal_dates": dates, "warnings": self.warnings}


def _class(session: Session, code: str) -> RetentionClass:
    row = session.execute(select(RetentionClass).where(RetentionClass.code == code)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"retention class {code!r} does not exist")
    return row


def _team(session: Session, code: str) -> Team:
    row = session.execute(select(Team).where(Team.code == code)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"team {code!r} does not exist")
    return row


def _validate(request: DepositRequest, received: date) -> None:
    if not request.boxes:
        raise BadInput("a deposit needs at least one box")
    if len(request.boxes) > MAX_BOXES:
        raise BadInput(f"{len(request.boxes)} boxes in one deposit: split it (at most {MAX_BOXES})")
    if received > clock.today() + timedelta(days=1):
        raise BadInput(f"received date {received.isoformat()} is in the future")
    for number, spec in enumerate(request.boxes, start=1):
        if not spec.title.strip():
            raise BadInput(f"box {number}: the title is empty")
        if spec.date_from and spec.date_to and spec.date_from > spec.date_to:
            raise BadInput(f"box {number}: records run from {spec.date_from.isoformat()} "
                           f"to {spec.date_to.isoformat()}, which is backwards")
        if spec.weight_kg is not None and spec.weight_kg <= 0:
            raise BadInput(f"box {number}: weight {spec.weight_kg} kg is not a weight")
    if request.challenge:
        answers = request.challenge
        if answers.outcome not in OUTCOMES:
            raise BadInput(f"challenge outcome {answers.outcome!r} is not one of {', '.join(OUTCOMES)}")
        for name in ("legally_required", "could_be_digital"):
            if getattr(answers, name) not in ANSWERS:
                raise BadInput(f"challenge answer {name} must be yes, no or unknown")


def _trigger_date(spec: BoxSpec, trigger: Trigger, received: date, number: int) -> date:
    if spec.trigger_date:
        return spec.trigger_date
    if trigger is Trigger.DEPOSIT:
        return received
    if spec.date_to:
        return spec.date_to
    raise BadInput(f"box {number}: give a trigger date (or the date range of its records)")


def _plan(session: Session, request: DepositRequest, received: date) -> tuple[RetentionClass, list]:
    klass = _class(session, request.class_code)
    trigger, period = Trigger(klass.trigger), Period(klass.period_months)
    plans = []
    for number, spec in enumerate(request.boxes, start=1):
        trigger_date = _trigger_date(spec, trigger, received, number)
        warnings = []
        reason = personal_data_reason(spec.title)
        if reason:
            warnings.append(f"the title may name a person ({reason}); labels carry no personal data")
        heavy = weight_warning(spec.weight_kg)
        if heavy:
            warnings.append(heavy)
        for other in spec.other_classes:
            other_class = _class(session, other)
            if (other_class.period_months, other_class.trigger) != (klass.period_months, klass.trigger):
                warnings.append(f"it also holds {other} records, kept {Period(other_class.period_months)}"
                                f" from {other_class.trigger}, unlike {klass.code}: one retention "
                                "period per box")
        if trigger_date > received:
            warnings.append(f"its trigger date {trigger_date.isoformat()} is after the deposit")
        plans.append((spec, trigger_date, disposal_date(trigger, period, trigger_date, received),
                      warnings))
    return klass, plans


def preview(db: Database, request: DepositRequest) -> DepositPreview:
    """What logging this deposit would do, without writing anything."""
    received = request.received_on or clock.today()
    _validate(request, received)
    with db.read() as session:
        _team(session, request.team)
        _, plans = _plan(session, request, received)
    return DepositPreview([BoxPlan(spec.title, due, warnings) for spec, _, due, warnings in plans])


def log_deposit(db: Database, actor: str, request: DepositRequest) -> DepositResult:
    received = request.received_on or clock.today()
    _validate(request, received)
    with db.write() as session:
        users.require(session, actor, DESK_WORK, "log deposits")
        team = _team(session, request.team)
        klass, plans = _plan(session, request, received)
        deposit = Deposit(team_id=team.id, received_on=received, brought_by=request.brought_by,
                          received_by=actor, box_count=len(plans), notes=request.notes,
                          created_at=audit.utcnow())
        session.add(deposit)
        session.flush()
        numbers = allocate(session, "box", len(plans))
        codes, events = [], []
        for number, (spec, trigger_date, due, _warnings) in zip(numbers, plans, strict=True):
            code = make_barcode(number)
            codes.append(code)
            session.add(Box(barcode=code, deposit_id=deposit.id, team_id=team.id, class_id=klass.id,
                            title=spec.title.strip(), date_from=spec.date_from, date_to=spec.date_to,
                            trigger_date=trigger_date, disposal_date=due, received_on=received,
                            weight_kg=spec.weight_kg, status=BoxStatus.IN_STORE, updated_at=audit.utcnow()))
            events.append(audit.Event(actor, "box.create", "box", code, None, {
                "deposit": deposit.id, "team": team.code, "class": klass.code,
                "title": spec.title.strip(), "trigger_date": trigger_date, "disposal_date": due}))
        challenge = request.challenge
        if challenge:
            session.add(Challenge(deposit_id=deposit.id, why_paper=challenge.why_paper,
                                  legally_required=challenge.legally_required,
                                  could_be_digital=challenge.could_be_digital,
                                  process_owner=challenge.process_owner, outcome=challenge.outcome,
                                  notes=challenge.notes))
        session.flush()
        after = {"team": team.code, "class": klass.code, "received_on": received,
                 "brought_by": request.brought_by, "barcodes": codes,
                 "challenge": None if challenge is None else challenge.__dict__}
        audit.record_many(session, [audit.Event(actor, "deposit.create", "deposit", deposit.id,
                                                None, after), *events])
        warnings = [f"{code}: {w}" for code, (_, _, _, ws) in zip(codes, plans, strict=True) for w in ws]
        return DepositResult(deposit.id, codes, [p[2] for p in plans], warnings)


@dataclass(frozen=True)
class RecentDeposit:
    deposit_id: int
    received_on: date
    boxes: int
    outcome: str | None


@dataclass(frozen=True)
class ChallengeContext:
    """What the desk shows while asking a team why it still deposits paper."""

    team: str
    team_name: str
    last_12: int
    prior_12: int
    recent: list[RecentDeposit]

    @property
    def change(self) -> float | None:
        if self.prior_12 == 0:
            return None
        return (self.last_12 - self.prior_12) / self.prior_12

    @property
    def trend_text(self) -> str:
        if self.prior_12 == 0:
            return "new depositor" if self.last_12 else "no deposits in two years"
        change = self.change or 0.0
        word = "still growing" if change > 0.1 else "falling" if change < -0.1 else "steady"
        return f"{word} ({change:+.0%} on the year before)"


def challenge_context(db: Database, team_code: str, as_of: date | None = None) -> ChallengeContext:
    as_of = as_of or clock.today()
    year_ago, two_years_ago = as_of - timedelta(days=365), as_of - timedelta(days=730)
    with db.read() as session:
        team = _team(session, team_code)

        def boxes_between(start: date, end: date) -> int:
            return session.execute(
                select(func.count(Box.id)).where(Box.team_id == team.id, Box.received_on > start,
                                                 Box.received_on <= end)
            ).scalar_one()

        recent = session.execute(
            select(Deposit.id, Deposit.received_on, Deposit.box_count, Challenge.outcome)
            .outerjoin(Challenge, Challenge.deposit_id == Deposit.id)
            .where(Deposit.team_id == team.id)
            .order_by(Deposit.received_on.desc(), Deposit.id.desc()).limit(5)
        ).all()
        return ChallengeContext(team.code, team.name, boxes_between(year_ago, as_of),
                                boxes_between(two_years_ago, year_ago),
                                [RecentDeposit(*r) for r in recent])
