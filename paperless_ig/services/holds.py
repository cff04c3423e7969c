"""Legal holds (moratoria): named stops on destruction over a scope.

A hold's scope is made of parts: retention classes, teams, directorates,
single boxes, and a record date range that narrows the other parts (or
stands alone). Placing a hold pulls every box it covers out of any open
disposal batch at once, with the reason recorded; releasing one needs a
reason too. Holds are never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from paperless_ig.domain import clock
from paperless_ig.domain.errors import BadInput, Conflict, NotFound
from paperless_ig.domain.roles import RECORDS_WORK
from paperless_ig.domain.states import OPEN_BATCH, BoxStatus, Outcome
from paperless_ig.services import audit, users
from paperless_ig.services.holds_query import active_hold, scope_covers_box
from paperless_ig.store.database import Database
from paperless_ig.store.models import (
    Box,
    Directorate,
    DisposalBatch,
    DisposalDecision,
    HoldScope,
    LegalHold,
    RetentionClass,
    Team,
)


@dataclass(frozen=True)
class HoldSpec:
    name: str
    reason: str
    classes: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    directorates: tuple[str, ...] = ()
    boxes: tuple[str, ...] = ()
    records_from: date | None = None
    records_to: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class HoldInfo:
    name: str
    reason: str
    placed_by: str
    starts_on: date
    ends_on: date | None
    released_on: date | None
    release_reason: str | None
    scope: list[str]

    @property
    def active(self) -> bool:
        return self.released_on is None

    def as_json(self) -> dict:
        return {"name": self.name, "reason": self.reason, "placed_by": self.placed_by,
                "starts_on": self.starts_on.isoformat(),
                "ends_on": self.ends_on.isoformat() if self.ends_on else None,
                "released_on": self.released_on.isoformat() if self.released_on else None,
                "release_reason": self.release_reason, "scope": self.scope, "active": self.active}


def _ids(session, model, column, values, what) -> list[int]:
    ids = []
    for value in values:
        found = session.execute(select(model.id).where(column == value)).scalar_one_or_none()
        if found is None:
            raise NotFound(f"{what} {value!r} does not exist")
        ids.append(found)
    return ids


def _scope_rows(session, spec: HoldSpec) -> list[dict]:
    narrowing = {"records_from": spec.records_from, "records_to": spec.records_to}
    rows = [{"class_id": i, **narrowing}
            for i in _ids(session, RetentionClass, RetentionClass.code, spec.classes, "class")]
    rows += [{"team_id": i, **narrowing} for i in _ids(session, Team, Team.code, spec.teams, "team")]
    rows += [{"directorate_id": i, **narrowing}
             for i in _ids(session, Directorate, Directorate.name, spec.directorates, "directorate")]
    rows += [{"box_id": i} for i in _ids(session, Box, Box.barcode, spec.boxes, "box")]
    if not rows and (spec.records_from or spec.records_to):
        rows.append(narrowing)
    return rows


def _describe(session, scope: HoldScope) -> str:
    parts = []
    if scope.class_id:
        parts.append(f"class {session.get(RetentionClass, scope.class_id).code}")
    if scope.team_id:
        parts.append(f"team {session.get(Team, scope.team_id).code}")
    if scope.directorate_id:
        parts.append(f"directorate {session.get(Directorate, scope.directorate_id).name}")
    if scope.box_id:
        parts.append(f"box {session.get(Box, scope.box_id).barcode}")
    if scope.records_from or scope.records_to:
        parts.append(f"records {scope.records_from or '…'} to {scope.records_to or '…'}")
    return ", ".join(parts)


def _info(session, hold: LegalHold) -> HoldInfo:
    scopes = session.execute(select(HoldScope).where(HoldScope.hold_id == hold.id)).scalars()
    return HoldInfo(hold.name, hold.reason, hold.placed_by, hold.starts_on, hold.ends_on,
                    hold.released_on, hold.release_reason, [_describe(session, s) for s in scopes])


def pull_held_from_batches(session, actor: str, as_of: date) -> list[tuple[str, str]]:
    """Pull every box now under an active hold out of open batches; return (barcode, reason)."""
    rows = session.execute(
        select(DisposalDecision, Box, LegalHold.name)
        .join(Box, Box.id == DisposalDecision.box_id)
        .join(DisposalBatch, DisposalBatch.id == DisposalDecision.batch_id)
        .join(HoldScope, scope_covers_box())
        .join(LegalHold, (LegalHold.id == HoldScope.hold_id) & active_hold(as_of))
        .where(DisposalBatch.status.in_(OPEN_BATCH), DisposalDecision.outcome.is_(None))
    ).all()
    pulled, seen = [], set()
    for decision, box, hold_name in rows:
        if decision.id in seen:
            continue
        seen.add(decision.id)
        reason = f"placed under legal hold '{hold_name}'"
        decision.outcome, decision.outcome_reason = Outcome.PULLED, reason
        if box.status == BoxStatus.QUEUED_FOR_DISPOSAL:
            box.status, box.updated_at = BoxStatus.IN_STORE, audit.utcnow()
        audit.record(session, actor, "disposal.pull", "box", box.barcode,
                     {"batch": decision.batch_id}, {"outcome": "pulled", "reason": reason})
        pulled.append((box.barcode, reason))
    return pulled


def add_hold(db: Database, actor: str, spec: HoldSpec) -> tuple[HoldInfo, list[tuple[str, str]]]:
    """Place a hold; returns it and the boxes it pulled out of open batches."""
    name, reason = spec.name.strip(), spec.reason.strip()
    if not name:
        raise BadInput("a hold needs a name")
    if not reason:
        raise BadInput("a hold needs a reason")
    if spec.ends_on and spec.starts_on and spec.ends_on < spec.starts_on:
        raise BadInput("a hold cannot end before it starts")
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "place legal holds")
        if session.execute(select(LegalHold.id).where(LegalHold.name == name)).first():
            raise Conflict(f"a hold named {name!r} already exists")
        rows = _scope_rows(session, spec)
        if not rows:
            raise BadInput("a hold needs a scope: classes, teams, directorates, boxes or a "
                           "record date range")
        hold = LegalHold(name=name, reason=reason, placed_by=actor,
                         starts_on=spec.starts_on or clock.today(), ends_on=spec.ends_on)
        session.add(hold)
        session.flush()
        session.add_all(HoldScope(hold_id=hold.id, **row) for row in rows)
        session.flush()
        info = _info(session, hold)
        audit.record(session, actor, "hold.create", "hold", name, None,
                     {"reason": reason, "scope": info.scope})
        pulled = pull_held_from_batches(session, actor, clock.today())
        return info, pulled


def list_holds(db: Database, include_released: bool = True) -> list[HoldInfo]:
    with db.read() as session:
        query = select(LegalHold).order_by(LegalHold.starts_on.desc(), LegalHold.name)
        if not include_released:
            query = query.where(LegalHold.released_on.is_(None))
        return [_info(session, h) for h in session.execute(query).scalars()]


def release_hold(db: Database, actor: str, name: str, reason: str) -> HoldInfo:
    if not reason.strip():
        raise BadInput("releasing a hold needs a reason")
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "release legal holds")
        hold = session.execute(select(LegalHold).where(LegalHold.name == name)).scalar_one_or_none()
        if hold is None:
            raise NotFound(f"no hold named {name!r}")
        if hold.released_on:
            raise Conflict(f"hold {name!r} was already released on {hold.released_on.isoformat()}")
        hold.released_on, hold.released_by, hold.release_reason = clock.today(), actor, reason.strip()
        session.flush()
        audit.record(session, actor, "hold.release", "hold", name, {"released_on": None},
                     {"released_on": hold.released_on, "reason": hold.release_reason})
        return _info(session, hold)
