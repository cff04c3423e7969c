"""Disposal: the due queue, batches, decisions, the IAO's approval, destruction.

The due queue is every box whose disposal date has passed as of a date,
that is not permanent, not out on loan, not closed, and not under any
active legal hold (checked in SQL, so a held box never appears whatever its
date). A batch takes boxes from the queue; each gets a decision (destroy,
transfer to archives, or extend with a new date and a reason); the box's
own team's Information Asset Owner approves or rejects it; completing the
batch re-checks holds and loans, pulls what must not go, and records the
destruction with the contractor's certificate. Destroyed boxes keep their
records for ever, linked to the batch and its certificate.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, Integer, and_, case, cast, false, func, literal, or_, select, text, true
from sqlalchemy.orm import Session

from paperless_ig.domain import clock
from paperless_ig.domain.errors import BadInput, Conflict, NotFound, PermissionDenied
from paperless_ig.domain.retention import Action
from paperless_ig.domain.roles import RECORDS_WORK, Role
from paperless_ig.domain.states import (
    DISPOSABLE_BOX,
    OPEN_BATCH,
    OUTCOME_OF,
    ApprovalState,
    BatchStatus,
    BoxStatus,
    Decision,
    Outcome,
)
from paperless_ig.services import audit, users
from paperless_ig.services.holds_query import held_predicate, holds_on_box
from paperless_ig.store.database import Database
from paperless_ig.store.models import (
    Box,
    Directorate,
    DisposalBatch,
    DisposalDecision,
    RetentionClass,
    Team,
)

DECISIONS = tuple(Decision)
METHODS = ("confidential shredding", "pulping", "incineration", "shredding")


@dataclass(frozen=True)
class DueBox:
    barcode: str
    disposal_date: date | None
    days_overdue: int
    team: str
    directorate: str
    iao: str
    class_code: str
    action: str
    needs_review: bool
    early: bool  # digitised and its class lets the paper go before its date
    batch_id: int | None

    def as_json(self) -> dict:
        return {"barcode": self.barcode,
                "disposal_date": self.disposal_date.isoformat() if self.disposal_date else None,
                "days_overdue": self.days_overdue, "team": self.team, "class": self.class_code,
                "action": self.action, "directorate": self.directorate, "iao": self.iao,
                "needs_review": self.needs_review, "early": self.early, "batch_id": self.batch_id}


def _open_batch_of_box():
    return (select(DisposalDecision.batch_id)
            .join(DisposalBatch, DisposalBatch.id == DisposalDecision.batch_id)
            .where(DisposalDecision.box_id == Box.id, DisposalBatch.status.in_(OPEN_BATCH),
                   DisposalDecision.outcome.is_(None))
            .limit(1).scalar_subquery())


def due_condition(session: Session, as_of: date):
    """The WHERE clause of the due queue, on the box row alone.

    Classes that let paper go once digitised, and the active holds, are read
    first and written in as literals, so the (status, disposal_date) index
    serves the query at a million boxes.
    """
    on_time = and_(Box.disposal_date.is_not(None), Box.disposal_date <= as_of)
    early_classes = list(session.execute(select(RetentionClass.id).where(
        RetentionClass.paper_may_go_when_digitised)).scalars())
    when = or_(on_time, and_(Box.digitised_on.is_not(None), Box.class_id.in_(early_classes))) \
        if early_classes else on_time
    return and_(Box.status.in_(DISPOSABLE_BOX), when, ~held_predicate(session, as_of))


def _due_query(session: Session, as_of: date, teams: list[str] | None = None,
               barcodes: list[str] | None = None):
    query = (select(Box.barcode, Box.disposal_date, Team.code.label("team"),
                    Directorate.name.label("directorate"), Team.iao,
                    RetentionClass.code.label("class_code"), RetentionClass.action, Box.digitised_on,
                    RetentionClass.paper_may_go_when_digitised, _open_batch_of_box().label("batch_id"))
             .join(Team, Team.id == Box.team_id)
             .join(Directorate, Directorate.id == Team.directorate_id)
             .join(RetentionClass, RetentionClass.id == Box.class_id)
             .where(due_condition(session, as_of))
             .order_by(Box.disposal_date, Box.barcode))
    if teams:
        query = query.where(Team.code.in_(teams))
    if barcodes:
        query = query.where(Box.barcode.in_(barcodes))
    return query


def _due_box(row, as_of: date) -> DueBox:
    barcode, due, team, directorate, iao, code, action, digitised, may_go, batch = row
    days = (as_of - due).days if due else 0
    return DueBox(barcode, due, days, team, directorate, iao, code, action,
                  action == Action.REVIEW.value, bool(digitised and may_go and (not due or due > as_of)),
                  batch)


def iter_due(db: Database, as_of: date | None = None, teams: list[str] | None = None) -> Iterator[DueBox]:
    """The due queue, streamed (a million-box store can have a long one)."""
    as_of = as_of or clock.today()
    with db.read() as session:
        result = session.execute(_due_query(session, as_of, teams).execution_options(yield_per=5000))
        try:
            for row in result:
                yield _due_box(row, as_of)
        finally:
            result.close()


def iter_due_json(db: Database, as_of: date | None = None,
                  teams: list[str] | None = None) -> Iterator[str]:
    """The due queue as JSON objects built by the database itself, one string a box.

    For ``disposal due --json`` on a large store: no Python object per row, so
    the command runs at close to the speed of the query.
    """
    as_of = as_of or clock.today()
    if db.is_sqlite:
        build, yes, no = func.json_object, text("json('true')"), text("json('false')")
    else:
        build, yes, no = func.json_build_object, true(), false()
    with db.read() as session:
        due_rows = _due_query(session, as_of, teams).order_by(None).subquery()
        c = due_rows.c
        early = and_(c.digitised_on.is_not(None), c.paper_may_go_when_digitised,
                     or_(c.disposal_date.is_(None), c.disposal_date > as_of))
        query = select(build(
            "barcode", c.barcode, "disposal_date", c.disposal_date,
            "days_overdue", _days_since(c.disposal_date, as_of, db.is_sqlite),
            "team", c.team, "class", c.class_code, "action", c.action,
            "directorate", c.directorate, "iao", c.iao,
            "needs_review", case((c.action == Action.REVIEW.value, yes), else_=no),
            "early", case((early, yes), else_=no), "batch_id", c.batch_id,
        )).order_by(c.disposal_date, c.barcode)
        result = session.execute(query.execution_options(yield_per=5000))
        try:
            for (value,) in result:
                yield value if isinstance(value, str) else json.dumps(value)
        finally:
            result.close()


def _days_since(column, as_of: date, sqlite: bool):
    if sqlite:
        return func.coalesce(
            cast(func.julianday(as_of.isoformat()) - func.julianday(column), Integer), 0)
    return func.coalesce(literal(as_of, Date) - column, 0)


def due(db: Database, as_of: date | None = None, teams: list[str] | None = None,
        limit: int | None = None) -> list[DueBox]:
    boxes = []
    for box in iter_due(db, as_of, teams):
        boxes.append(box)
        if limit and len(boxes) >= limit:
            break
    return boxes


def due_count(db: Database, as_of: date | None = None, teams: list[str] | None = None,
              *, free_only: bool = False) -> int:
    """How many boxes are due; ``free_only``: only those not already in an open batch."""
    as_of = as_of or clock.today()
    with db.read() as session:
        query = select(func.count(Box.id)).where(due_condition(session, as_of))
        if teams:
            query = query.join(Team, Team.id == Box.team_id).where(Team.code.in_(teams))
        if free_only:
            query = query.where(_open_batch_of_box().is_(None))
        return session.execute(query).scalar_one()


DUE_SORTS = {
    "disposal": (Box.disposal_date, Box.barcode),
    "directorate": (Directorate.name, Team.code, Box.disposal_date, Box.barcode),
    "team": (Team.code, Box.disposal_date, Box.barcode),
    "iao": (Team.iao, Team.code, Box.disposal_date, Box.barcode),
    "class": (RetentionClass.code, Box.disposal_date, Box.barcode),
    "barcode": (Box.barcode,),
}


def due_page(db: Database, as_of: date | None = None, sort: str = "disposal", offset: int = 0,
             limit: int = 200, teams: list[str] | None = None) -> list[DueBox]:
    """One page of the due queue for the disposal screen's table, in a chosen grouping."""
    if sort not in DUE_SORTS:
        raise BadInput(f"cannot sort the due queue by {sort!r}")
    as_of = as_of or clock.today()
    with db.read() as session:
        query = _due_query(session, as_of, teams).order_by(None).order_by(*DUE_SORTS[sort])
        rows = session.execute(query.offset(offset).limit(limit)).all()
    return [_due_box(row, as_of) for row in rows]


def due_groups(db: Database, as_of: date | None = None, by: str = "directorate") -> list[tuple[str, int]]:
    """How many due boxes each directorate, team or IAO has, largest first."""
    column = {"directorate": Directorate.name, "team": Team.code, "iao": Team.iao,
              "class": RetentionClass.code}.get(by)
    if column is None:
        raise BadInput(f"cannot group the due queue by {by!r}")
    as_of = as_of or clock.today()
    with db.read() as session:
        rows = session.execute(
            select(column, func.count(Box.id)).select_from(Box)
            .join(Team, Team.id == Box.team_id).join(Directorate, Directorate.id == Team.directorate_id)
            .join(RetentionClass, RetentionClass.id == Box.class_id)
            .where(due_condition(session, as_of)).group_by(column)
            .order_by(func.count(Box.id).desc())).all()
    return [(name, count) for name, count in rows]


# -- batches ---------------------------------------------------------------------
@dataclass(frozen=True)
class DecisionInfo:
    barcode: str
    team: str
    iao: str
    iao_login: str | None
    class_code: str
    date_from: date | None
    date_to: date | None
    disposal_date: date | None
    decision: str | None
    extend_to: date | None
    reason: str | None
    approval: str
    approved_by: str | None
    outcome: str | None
    outcome_reason: str | None
    approval_note: str | None = None

    def awaits(self, login: str) -> bool:
        """``login`` may approve this box now: their box, decided, still waiting (never a
        rejected one: that takes an overturn)."""
        return (self.iao_login == login and not self.outcome
                and self.approval == ApprovalState.PENDING and self.decision is not None)

    def overturnable_by(self, login: str) -> bool:
        return self.iao_login == login and not self.outcome and self.approval == ApprovalState.REJECTED


@dataclass(frozen=True)
class BatchInfo:
    batch_id: int
    status: str
    created_by: str
    created_at: object
    as_of: date
    decisions: list[DecisionInfo] = field(default_factory=list)
    completed_on: date | None = None
    method: str | None = None
    contractor: str | None = None
    certificate_no: str | None = None
    witnesses: str | None = None
    weight_kg: float | None = None

    @property
    def barcodes(self) -> list[str]:
        return [d.barcode for d in self.decisions]

    def waiting_for(self) -> list[str]:
        """The IAOs (or the records manager) this batch is waiting on."""
        waiting = set()
        for d in self.decisions:
            if d.outcome:
                continue
            if d.decision is None:
                waiting.add(f"{self.created_by} (decisions)")
            elif d.approval == ApprovalState.PENDING:
                waiting.add(d.iao_login or d.iao or "no IAO set")
        return sorted(waiting)

    def as_json(self) -> dict:
        return {"batch_id": self.batch_id, "status": self.status, "as_of": self.as_of.isoformat(),
                "boxes": self.barcodes, "waiting_for": self.waiting_for(),
                "certificate_no": self.certificate_no,
                "decisions": [{"barcode": d.barcode, "team": d.team, "decision": d.decision,
                               "approval": d.approval, "outcome": d.outcome,
                               "extend_to": d.extend_to.isoformat() if d.extend_to else None,
                               "reason": d.reason or d.outcome_reason} for d in self.decisions]}


def _batch(session: Session, batch_id: int) -> DisposalBatch:
    batch = session.get(DisposalBatch, batch_id)
    if batch is None:
        raise NotFound(f"disposal batch {batch_id} does not exist")
    return batch


def _decision_rows(session: Session, batch_id: int):
    return session.execute(
        select(DisposalDecision, Box, Team, RetentionClass)
        .join(Box, Box.id == DisposalDecision.box_id).join(Team, Team.id == Box.team_id)
        .join(RetentionClass, RetentionClass.id == Box.class_id)
        .where(DisposalDecision.batch_id == batch_id)
        .order_by(Team.iao, Team.code, Box.barcode)
    ).all()


def _batch_info(session: Session, batch: DisposalBatch) -> BatchInfo:
    decisions = [
        DecisionInfo(box.barcode, team.code, team.iao, d.iao_login, klass.code, box.date_from,
                     box.date_to, box.disposal_date, d.decision, d.extend_to, d.reason, d.approval,
                     d.approved_by, d.outcome, d.outcome_reason, d.approval_note)
        for d, box, team, klass in _decision_rows(session, batch.id)]
    return BatchInfo(batch.id, batch.status, batch.created_by, batch.created_at, batch.as_of,
                     decisions, batch.completed_on, batch.method, batch.contractor,
                     batch.certificate_no, batch.witnesses, batch.weight_kg)


def get_batch(db: Database, batch_id: int) -> BatchInfo:
    with db.read() as session:
        return _batch_info(session, _batch(session, batch_id))


def list_batches(db: Database) -> list[BatchInfo]:
    with db.read() as session:
        batches = session.execute(select(DisposalBatch).order_by(DisposalBatch.id.desc())).scalars()
        return [_batch_info(session, b) for b in batches]


@dataclass(frozen=True)
class BatchSummary:
    """One line of a batch list, counted in SQL (a batch can hold thousands of boxes)."""

    batch_id: int
    status: str
    created_by: str
    created_at: object
    as_of: date
    boxes: int
    waiting_iaos: tuple[tuple[str, str | None], ...]  # (name, login) still to approve
    undecided: int
    certificate_no: str | None
    completed_on: date | None

    def waiting_for(self) -> list[str]:
        waiting = [login or name or "no IAO set" for name, login in self.waiting_iaos]
        if self.undecided:
            waiting.append(f"{self.created_by} (decisions)")
        return sorted(set(waiting))


def batch_summaries(db: Database, limit: int = 500) -> list[BatchSummary]:
    with db.read() as session:
        batches = session.execute(
            select(DisposalBatch, func.count(DisposalDecision.id))
            .outerjoin(DisposalDecision, DisposalDecision.batch_id == DisposalBatch.id)
            .group_by(DisposalBatch.id).order_by(DisposalBatch.id.desc()).limit(limit)).all()
        ids = [b.id for b, _ in batches if b.status in OPEN_BATCH]
        waiting: dict[int, set] = {}
        undecided: dict[int, int] = {}
        if ids:
            for batch_id, name, login in session.execute(
                    select(DisposalDecision.batch_id, Team.iao, DisposalDecision.iao_login).distinct()
                    .join(Box, Box.id == DisposalDecision.box_id).join(Team, Team.id == Box.team_id)
                    .where(DisposalDecision.batch_id.in_(ids), DisposalDecision.outcome.is_(None),
                           DisposalDecision.decision.is_not(None),
                           DisposalDecision.approval == ApprovalState.PENDING)):
                waiting.setdefault(batch_id, set()).add((name, login))
            undecided = dict(session.execute(
                select(DisposalDecision.batch_id, func.count(DisposalDecision.id))
                .where(DisposalDecision.batch_id.in_(ids), DisposalDecision.outcome.is_(None),
                       DisposalDecision.decision.is_(None))
                .group_by(DisposalDecision.batch_id)).all())
        return [BatchSummary(b.id, b.status, b.created_by, b.created_at, b.as_of, count,
                             tuple(sorted(waiting.get(b.id, ()), key=lambda p: (p[0] or "", p[1] or ""))),
                             undecided.get(b.id, 0), b.certificate_no, b.completed_on)
                for b, count in batches]


def _default_decision(action: str) -> str | None:
    if action in (Action.DESTROY.value, Action.DESTROY_CONFIDENTIAL.value):
        return Decision.DESTROY
    if action == Action.TRANSFER_TO_ARCHIVES.value:
        return Decision.TRANSFER
    return None  # review: a person decides


def create_batch(db: Database, actor: str, as_of: date | None = None, teams: list[str] | None = None,
                 barcodes: list[str] | None = None, limit: int = 5000) -> BatchInfo:
    """Take boxes from the due queue (not already in an open batch) into a new batch.

    A batch is made from what is due by today at the latest: a later ``as_of`` would put
    boxes whose retention has not run on the way to destruction (``due`` still looks ahead).
    """
    today = clock.today()
    as_of = as_of or today
    if as_of > today:
        raise BadInput(f"a batch is made from boxes due by today ({today.isoformat()}) at the latest, "
                       f"not {as_of.isoformat()}: 'disposal due --as-of' looks ahead")
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "create disposal batches")
        rows = session.execute(_due_query(session, as_of, teams, barcodes).limit(limit * 2)).all()
        chosen = [r for r in rows if r[-1] is None][:limit]
        if barcodes:
            found = {r[0] for r in chosen}
            missing = [b for b in barcodes if b not in found]
            if missing:
                raise BadInput(f"not in the due queue as of {as_of.isoformat()} (or already in a "
                               f"batch): {', '.join(missing[:10])}")
        if not chosen:
            raise BadInput(f"no boxes are due as of {as_of.isoformat()} for that choice")
        batch = DisposalBatch(created_by=actor, created_at=audit.utcnow(), as_of=as_of,
                              status=BatchStatus.DRAFT)
        session.add(batch)
        session.flush()
        box_ids = dict(session.execute(select(Box.barcode, Box.id)
                                       .where(Box.barcode.in_([r[0] for r in chosen]))).all())
        iao_logins = dict(session.execute(
            select(Box.barcode, Team.iao_login).join(Team, Team.id == Box.team_id)
            .where(Box.barcode.in_([r[0] for r in chosen]))).all())
        events = []
        for row in chosen:
            barcode, action = row[0], row[6]
            session.add(DisposalDecision(batch_id=batch.id, box_id=box_ids[barcode],
                                         decision=_default_decision(action),
                                         iao_login=iao_logins[barcode]))
            events.append(audit.Event(actor, "disposal.add", "box", barcode, None,
                                      {"batch": batch.id, "decision": _default_decision(action)}))
        session.execute(Box.__table__.update().where(Box.id.in_(box_ids.values()))
                        .values(status=BoxStatus.QUEUED_FOR_DISPOSAL, version=Box.version + 1,
                                updated_at=audit.utcnow()))
        events.insert(0, audit.Event(actor, "disposal.create", "disposal_batch", batch.id, None,
                                     {"as_of": as_of, "boxes": [r[0] for r in chosen]}))
        audit.record_many(session, events)
        session.flush()
        return _batch_info(session, batch)


def _open(batch: DisposalBatch) -> None:
    if batch.status not in OPEN_BATCH:
        raise Conflict(f"batch {batch.id} is {batch.status}: it can no longer change")


def _decision(session: Session, batch: DisposalBatch, barcode: str) -> tuple[DisposalDecision, Box]:
    row = session.execute(
        select(DisposalDecision, Box).join(Box, Box.id == DisposalDecision.box_id)
        .where(DisposalDecision.batch_id == batch.id, Box.barcode == barcode)
    ).first()
    if row is None:
        raise NotFound(f"box {barcode} is not in batch {batch.id}")
    return row[0], row[1]


def decide(db: Database, actor: str, batch_id: int, barcode: str, decision: str,
           extend_to: date | None = None, reason: str | None = None) -> BatchInfo:
    """Set one box's decision; changing it sends the box back for approval."""
    if decision not in DECISIONS:
        raise BadInput(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "decide on disposal")
        batch = _batch(session, batch_id)
        _open(batch)
        row, box = _decision(session, batch, barcode)
        if row.outcome:
            raise Conflict(f"box {barcode} was {row.outcome} from batch {batch_id}")
        if row.approval == ApprovalState.REJECTED and decision != Decision.EXTEND:
            raise Conflict(f"box {barcode} was rejected by {row.approved_by} ({row.approval_note}): it "
                           "can only be extended, or taken out of the batch, unless its IAO "
                           "overturns the rejection")
        if decision == Decision.EXTEND:
            if not extend_to or not (reason or "").strip():
                raise BadInput("extending retention needs a new date and a reason")
            if box.disposal_date and extend_to <= box.disposal_date:
                raise BadInput(f"the new date {extend_to.isoformat()} must be after the current "
                               f"disposal date {box.disposal_date.isoformat()}")
        before = {"decision": row.decision, "extend_to": row.extend_to, "reason": row.reason,
                  "approval": row.approval}
        row.decision = decision
        row.extend_to = extend_to if decision == Decision.EXTEND else None
        row.reason = (reason or "").strip() or None
        row.approval, row.approved_by, row.approved_at = ApprovalState.PENDING, None, None
        if batch.status == BatchStatus.APPROVED:
            batch.status = BatchStatus.SUBMITTED
        session.flush()
        audit.record(session, actor, "disposal.decide", "box", barcode, before,
                     {"batch": batch_id, "decision": decision, "extend_to": row.extend_to,
                      "reason": row.reason})
        return _batch_info(session, batch)


def remove_box(db: Database, actor: str, batch_id: int, barcode: str) -> BatchInfo:
    """Take a box back out of an open batch (undo); it returns to the queue."""
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "change disposal batches")
        batch = _batch(session, batch_id)
        _open(batch)
        row, box = _decision(session, batch, barcode)
        session.delete(row)
        if box.status == BoxStatus.QUEUED_FOR_DISPOSAL:
            box.status, box.updated_at = BoxStatus.IN_STORE, audit.utcnow()
        session.flush()
        audit.record(session, actor, "disposal.remove", "box", barcode, {"batch": batch_id}, None)
        return _batch_info(session, batch)


def cancel_batch(db: Database, actor: str, batch_id: int, reason: str) -> BatchInfo:
    if not reason.strip():
        raise BadInput("cancelling a batch needs a reason")
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "cancel disposal batches")
        batch = _batch(session, batch_id)
        _open(batch)
        for _row, box, _team, _klass in _decision_rows(session, batch.id):
            if box.status == BoxStatus.QUEUED_FOR_DISPOSAL:
                box.status, box.updated_at = BoxStatus.IN_STORE, audit.utcnow()
        batch.status = BatchStatus.CANCELLED
        session.flush()
        audit.record(session, actor, "disposal.cancel", "disposal_batch", batch_id, None,
                     {"reason": reason.strip()})
        return _batch_info(session, batch)


def _iao_rows(session: Session, batch: DisposalBatch, actor: str, barcodes: list[str] | None):
    """The rows ``actor`` may approve or reject: boxes whose IAO they were when the batch was made.

    Whoever made the batch never approves it: disposal needs two people.
    """
    user = users.ensure_user(session, actor)
    if Role(user.role) in (Role.DESK, Role.SCANNING):
        raise PermissionDenied(f"{actor} ({Role(user.role).value}) cannot approve disposal: only "
                               "the Information Asset Owner of the box's team can")
    if actor == batch.created_by:
        raise PermissionDenied(f"{actor} made batch {batch.id}, so cannot approve or reject it: the "
                               "Information Asset Owner, a second person, does")
    rows = _decision_rows(session, batch.id)
    if barcodes:
        wanted = set(barcodes)
        rows = [r for r in rows if r[1].barcode in wanted]
        missing = wanted - {r[1].barcode for r in rows}
        if missing:
            raise NotFound(f"not in batch {batch.id}: {', '.join(sorted(missing))}")
        others = [r[1].barcode for r in rows if r[0].iao_login != actor]
        if others:
            raise PermissionDenied(
                f"{actor} is not the Information Asset Owner of the team of {', '.join(others[:10])}: "
                "only the box's own IAO can approve its disposal")
    else:
        rows = [r for r in rows if r[0].iao_login == actor]
        if not rows:
            raise PermissionDenied(f"{actor} is not the Information Asset Owner of any team in "
                                   f"batch {batch.id}")
    return rows


@dataclass(frozen=True)
class Approval:
    """What one approval did: the boxes approved, and the rejected ones it left rejected."""

    info: BatchInfo
    approved: list[str]
    left_rejected: list[str]
    overturned: list[str]


def approve(db: Database, actor: str, batch_id: int, barcodes: list[str] | None = None,
            note: str | None = None, *, overturn: bool = False,
            reason: str | None = None) -> Approval:
    """The IAO approves the decisions on their own team's boxes.

    Without ``barcodes`` it approves only what still waits: a rejection stays a rejection.
    Turning one into an approval is its own act on named boxes (``overturn`` with a reason),
    audited with both decisions.
    """
    if overturn and not barcodes:
        raise BadInput("overturning a rejection names each box (--box BARCODE)")
    if overturn and not (reason or "").strip():
        raise BadInput("overturning a rejection needs a reason")
    with db.write() as session:
        batch = _batch(session, batch_id)
        _open(batch)
        rows = [r for r in _iao_rows(session, batch, actor, barcodes) if not r[0].outcome]
        rejected = [r for r in rows if r[0].approval == ApprovalState.REJECTED]
        if barcodes and rejected and not overturn:
            first = rejected[0][0]
            raise Conflict(f"{rejected[0][1].barcode} was rejected by {first.approved_by} "
                           f"({first.approval_note}): a rejection stays unless it is overturned "
                           f"on purpose (--box {rejected[0][1].barcode} --overturn --reason R)")
        if overturn:
            not_rejected = [r[1].barcode for r in rows if r[0].approval != ApprovalState.REJECTED]
            if not_rejected:
                raise BadInput(f"not rejected, so nothing to overturn: {', '.join(not_rejected[:10])}")
            chosen = rows
        else:
            chosen = [r for r in rows if r[0].approval == ApprovalState.PENDING]
        undecided = [r[1].barcode for r in chosen if r[0].decision is None]
        if undecided:
            raise Conflict(f"no decision yet for {', '.join(undecided[:10])}: the records manager "
                           "decides before the IAO approves")
        if not chosen and not barcodes:
            raise BadInput(f"nothing of {actor}'s waits for approval in batch {batch_id}"
                           + (f" ({len(rejected)} rejected: overturn them one by one with --box B "
                              "--overturn --reason R)" if rejected else ""))
        events = []
        for decision, box, _team, _klass in chosen:
            before = {"approval": decision.approval, "approved_by": decision.approved_by,
                      "note": decision.approval_note}
            decision.approval, decision.approved_by = ApprovalState.APPROVED, actor
            decision.approved_at = audit.utcnow()
            decision.approval_note = reason.strip() if overturn and reason else note
            after = {"batch": batch_id, "approval": "approved", "decision": decision.decision}
            if overturn:
                after["reason"] = decision.approval_note
            events.append(audit.Event(actor, "disposal.overturn" if overturn else "disposal.approve",
                                      "box", box.barcode, before, after))
        session.flush()
        _update_status(session, batch)
        audit.record_many(session, events)
        done = [r[1].barcode for r in chosen]
        return Approval(_batch_info(session, batch), [] if overturn else done,
                        [] if overturn else [r[1].barcode for r in rejected],
                        done if overturn else [])


def reject(db: Database, actor: str, batch_id: int, barcodes: list[str], reason: str) -> BatchInfo:
    if not reason.strip():
        raise BadInput("rejecting needs a reason")
    with db.write() as session:
        batch = _batch(session, batch_id)
        _open(batch)
        rows = [r for r in _iao_rows(session, batch, actor, barcodes) if not r[0].outcome]
        events = []
        for decision, box, _team, _klass in rows:
            before = {"approval": decision.approval, "approved_by": decision.approved_by}
            decision.approval, decision.approved_by = ApprovalState.REJECTED, actor
            decision.approved_at, decision.approval_note = audit.utcnow(), reason.strip()
            events.append(audit.Event(actor, "disposal.reject", "box", box.barcode, before,
                                      {"batch": batch_id, "approval": "rejected", "reason": reason}))
        session.flush()
        _update_status(session, batch)
        audit.record_many(session, events)
        return _batch_info(session, batch)


def _update_status(session: Session, batch: DisposalBatch) -> None:
    approvals = [d.approval for d, *_ in _decision_rows(session, batch.id) if not d.outcome]
    if approvals and all(a != "pending" for a in approvals):
        batch.status = BatchStatus.APPROVED
    elif any(a != "pending" for a in approvals):
        batch.status = BatchStatus.SUBMITTED


@dataclass(frozen=True)
class Completion:
    batch_id: int
    certificate_no: str
    destroyed: list[str]
    transferred: list[str]
    extended: list[str]
    pulled: list[dict]

    def as_json(self) -> dict:
        return {"batch_id": self.batch_id, "certificate_no": self.certificate_no,
                "destroyed": self.destroyed, "transferred": self.transferred,
                "extended": self.extended, "pulled": self.pulled}

    @property
    def acts(self) -> int:
        """How many boxes completion changes (destroyed, transferred or extended)."""
        return len(self.destroyed) + len(self.transferred) + len(self.extended)

    def summary(self) -> str:
        """One sentence, for the question asked before completing and the message after."""
        parts = [f"{len(self.destroyed):,} destroyed", f"{len(self.transferred):,} transferred",
                 f"{len(self.extended):,} extended", f"{len(self.pulled):,} pulled back to the store"]
        return ", ".join(parts)




def _plan(session: Session, batch: DisposalBatch, on: date):
    """Each open decision of ``batch`` with its outcome on ``on``: an outcome, or a pull reason."""
    for decision, box, _team, klass in _decision_rows(session, batch.id):
        if decision.outcome:
            continue
        reason = _pull_reason(session, decision, box, klass, on)
        yield decision, box, (None if reason else OUTCOME_OF[decision.decision]), reason


def _validate_completion(batch: DisposalBatch, on: date) -> None:
    if on > clock.today():
        raise BadInput(f"destruction date {on.isoformat()} is in the future")
    made = batch.created_at.date() if batch.created_at else None
    if made and on < made:
        raise BadInput(f"destruction date {on.isoformat()} is before batch {batch.id} was made "
                       f"({made.isoformat()})")


def preview_completion(db: Database, batch_id: int, on: date) -> Completion:
    """What ``complete`` would do on ``on``, changing nothing: the screen asks with it first."""
    with db.read() as session:
        batch = _batch(session, batch_id)
        _open(batch)
        _validate_completion(batch, on)
        return _completion(batch, _plan(session, batch, on), "")


def _completion(batch: DisposalBatch, plan, certificate_no: str) -> Completion:
    done: dict[str, list] = {"destroyed": [], "transferred": [], "extended": [], "pulled": []}
    for _decision, box, outcome, reason in plan:
        if outcome:
            done[outcome].append(box.barcode)
        else:
            done["pulled"].append({"barcode": box.barcode, "reason": reason})
    return Completion(batch.id, certificate_no, done["destroyed"], done["transferred"],
                      done["extended"], done["pulled"])


def complete(db: Database, actor: str, batch_id: int, on: date, method: str, contractor: str,
             certificate_no: str, witnesses: list[str] | None = None,
             weight_kg: float | None = None) -> Completion:
    """Record that the contractor destroyed (or the archives took) the approved boxes.

    Box by box, anything that must not go is pulled back to the store with its reason:
    a hold on the day, a loan, no decision, a rejection, no approval, a retention that has
    not run by the destruction date. A batch with nothing left to carry out is refused and
    nothing changes. Whoever approved boxes in the batch does not also record it.
    """
    if not contractor.strip() or not certificate_no.strip():
        raise BadInput("completing a batch needs the contractor and their certificate number")
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "record destruction")
        batch = _batch(session, batch_id)
        _open(batch)
        _validate_completion(batch, on)
        approvers = {d.approved_by for d, *_ in _decision_rows(session, batch.id)
                     if d.approval == ApprovalState.APPROVED and not d.outcome}
        if actor in approvers:
            raise PermissionDenied(f"{actor} approved boxes in batch {batch_id}, so cannot also record "
                                   "their destruction: another records manager completes it")
        already = [{"barcode": box.barcode, "reason": d.outcome_reason}
                   for d, box, *_ in _decision_rows(session, batch.id) if d.outcome == Outcome.PULLED]
        plan = list(_plan(session, batch, on))
        result = _completion(batch, plan, certificate_no.strip())
        if not result.acts:
            reasons = "; ".join(f"{p['barcode']}: {p['reason']}" for p in result.pulled[:5])
            raise BadInput(f"batch {batch_id} has nothing to carry out on {on.isoformat()} (no box is "
                           f"approved and due): {reasons or 'it is empty'}; nothing was changed")
        events = []
        for decision, box, outcome, reason in plan:
            if outcome is None:
                decision.outcome, decision.outcome_reason = Outcome.PULLED, reason
                if box.status == BoxStatus.QUEUED_FOR_DISPOSAL:
                    box.status, box.updated_at = BoxStatus.IN_STORE, audit.utcnow()
                events.append(audit.Event(actor, "disposal.pull", "box", box.barcode,
                                          {"batch": batch_id}, {"reason": reason}))
                continue
            before = {"status": box.status, "disposal_date": box.disposal_date}
            if outcome == Outcome.EXTENDED:
                box.disposal_date, box.status = decision.extend_to, BoxStatus.IN_STORE
            else:
                box.status, box.location_id = outcome, None
            decision.outcome = outcome
            box.updated_at = audit.utcnow()
            events.append(audit.Event(actor, f"box.{outcome}", "box", box.barcode, before,
                                      {"status": box.status, "disposal_date": box.disposal_date,
                                       "batch": batch_id, "certificate_no": certificate_no}))
        batch.status, batch.completed_on, batch.method = BatchStatus.COMPLETED, on, method
        batch.contractor, batch.certificate_no = contractor.strip(), certificate_no.strip()
        batch.witnesses = "; ".join(w.strip() for w in witnesses or [] if w.strip()) or None
        batch.weight_kg = weight_kg
        session.flush()
        result = Completion(batch_id, batch.certificate_no, result.destroyed, result.transferred,
                            result.extended, already + result.pulled)
        events.append(audit.Event(actor, "disposal.complete", "disposal_batch", batch_id, None, {
            "completed_on": on, "method": method, "contractor": batch.contractor,
            "certificate_no": batch.certificate_no, "destroyed": result.destroyed,
            "transferred": result.transferred, "extended": result.extended, "pulled": result.pulled}))
        audit.record_many(session, events)
        return result


def _pull_reason(session: Session, decision: DisposalDecision, box: Box, klass: RetentionClass,
                 on: date) -> str | None:
    """Why ``box`` must not go on ``on`` (None: it goes as decided)."""
    # A hold in force on the destruction date or on the day it is recorded keeps the box.
    holds = holds_on_box(session, box.id, on) or holds_on_box(session, box.id, clock.today())
    if holds:
        return f"under legal hold '{holds[0]}'"
    if box.status == BoxStatus.OUT_ON_LOAN:
        return "out on loan: it must come back first"
    if decision.decision is None:
        return "no decision was made"
    if decision.approval == ApprovalState.REJECTED:
        return f"rejected by {decision.approved_by}: {decision.approval_note}"
    if decision.approval != ApprovalState.APPROVED:
        return "not approved by the Information Asset Owner"
    if decision.decision == Decision.EXTEND:
        return None
    if box.disposal_date is None:
        return f"its class {klass.code} keeps it permanently"
    if box.disposal_date > on:
        return (f"not due until {box.disposal_date.isoformat()}: its retention has not run on "
                f"{on.isoformat()}")
    return None


def waiting(db: Database, older_than_days: int = 14, today: date | None = None) -> list[BatchInfo]:
    """Open batches created more than ``older_than_days`` ago, with who they wait for."""
    today = today or clock.today()
    cutoff = today - timedelta(days=older_than_days)
    return [b for b in list_batches(db) if b.status in OPEN_BATCH and b.created_at.date() <= cutoff]


# -- the backlog ------------------------------------------------------------------------
AGE_BANDS = ((0, 365, "under 1 year"), (365, 730, "1-2 years"), (730, 1825, "2-5 years"),
             (1825, None, "over 5 years"))


@dataclass(frozen=True)
class Backlog:
    as_of: date
    overdue_boxes: int
    overdue_metres: float
    oldest_overdue: date | None
    by_directorate: list[tuple[str, int]]
    by_age: list[tuple[str, int]]
    destroyed_last_12: int
    next_batch_metres: float

    def as_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "overdue_boxes": self.overdue_boxes,
                "overdue_metres": round(self.overdue_metres, 2),
                "oldest_overdue": self.oldest_overdue.isoformat() if self.oldest_overdue else None,
                "by_directorate": dict(self.by_directorate), "by_age": dict(self.by_age),
                "destroyed_last_12": self.destroyed_last_12,
                "next_batch_metres": round(self.next_batch_metres, 2)}


def backlog(db: Database, as_of: date | None = None) -> Backlog:
    as_of = as_of or clock.today()
    with db.read() as session:
        base = select(Box.id).where(due_condition(session, as_of)).subquery()
        boxes_, mm, oldest = session.execute(
            select(func.count(Box.id), func.coalesce(func.sum(Box.width_mm), 0),
                   func.min(Box.disposal_date)).join(base, base.c.id == Box.id)).one()
        by_directorate = session.execute(
            select(Directorate.name, func.count(Box.id)).join(base, base.c.id == Box.id)
            .join(Team, Team.id == Box.team_id).join(Directorate, Directorate.id == Team.directorate_id)
            .group_by(Directorate.name).order_by(func.count(Box.id).desc())).all()
        bands = []
        for low, high, label in AGE_BANDS:
            query = select(func.count(Box.id)).join(base, base.c.id == Box.id).where(
                Box.disposal_date <= as_of - timedelta(days=low))
            if high is not None:
                query = query.where(Box.disposal_date > as_of - timedelta(days=high))
            count = session.execute(query).scalar_one()
            bands.append((label, count))
        destroyed = session.execute(
            select(func.count(DisposalDecision.id)).join(
                DisposalBatch, DisposalBatch.id == DisposalDecision.batch_id)
            .where(DisposalDecision.outcome == Outcome.DESTROYED,
                   DisposalBatch.completed_on > as_of - timedelta(days=365),
                   DisposalBatch.completed_on <= as_of)).scalar_one()
        open_mm = session.execute(
            select(func.coalesce(func.sum(Box.width_mm), 0))
            .join(DisposalDecision, DisposalDecision.box_id == Box.id)
            .join(DisposalBatch, DisposalBatch.id == DisposalDecision.batch_id)
            .where(DisposalBatch.status.in_(OPEN_BATCH), DisposalDecision.outcome.is_(None),
                   or_(DisposalDecision.decision.is_(None),
                       DisposalDecision.decision != Decision.EXTEND))).scalar_one()
    return Backlog(as_of, boxes_, mm / 1000, oldest, [tuple(r) for r in by_directorate], bands,
                   destroyed, open_mm / 1000)
