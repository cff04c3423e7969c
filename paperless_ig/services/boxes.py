"""Boxes at the desk: find one from a scan, show it, shelve it, lend it, take it back.

Every move checks the box's state first, so a barcode scanned twice is
refused with a message instead of being moved twice, and writes its audit
event in the same transaction. The box's version column makes two desks
acting on one box at once end in one success and one clear message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from paperless_ig.domain import barcodes, clock
from paperless_ig.domain.errors import BadInput, Conflict, NotFound
from paperless_ig.domain.roles import DESK_WORK
from paperless_ig.domain.states import BOX_STATUS_LABELS, CLOSED_BOX, BoxStatus
from paperless_ig.services import audit, users
from paperless_ig.services.holds_query import holds_on_box
from paperless_ig.services.locations import occupancy
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, Loan, Location, RetentionClass, Team

DEFAULT_LOAN_DAYS = 28


@dataclass(frozen=True)
class LoanInfo:
    team: str
    issued_on: date
    due_on: date

    def overdue(self, today: date) -> bool:
        return self.due_on < today


@dataclass(frozen=True)
class BoxDetail:
    barcode: str
    status: str
    team: str
    team_name: str
    class_code: str
    class_label: str
    title: str
    date_from: date | None
    date_to: date | None
    trigger_date: date
    disposal_date: date | None
    received_on: date
    location: str | None
    holds: list[str] = field(default_factory=list)
    loan: LoanInfo | None = None
    deposit_id: int | None = None
    version: int = 1

    @property
    def on_hold(self) -> bool:
        return bool(self.holds)

    @property
    def status_label(self) -> str:
        return BOX_STATUS_LABELS.get(self.status, self.status)

    def as_json(self) -> dict:
        return {"barcode": self.barcode, "status": self.status, "team": self.team,
                "class": self.class_code, "title": self.title,
                "disposal_date": self.disposal_date.isoformat() if self.disposal_date else None,
                "location": self.location, "on_hold": self.on_hold, "holds": self.holds,
                "received_on": self.received_on.isoformat(),
                "loan": None if self.loan is None else {
                    "team": self.loan.team, "due_on": self.loan.due_on.isoformat()}}


@dataclass(frozen=True)
class Scan:
    """What a scanned code turned out to be."""

    kind: str  # "box" or "location"
    code: str


def find_box(session: Session, code: str) -> Box | None:
    return session.execute(select(Box).where(Box.barcode == code)).scalar_one_or_none()


def _find_location(session: Session, code: str) -> Location | None:
    return session.execute(
        select(Location).where((Location.barcode == code) | (Location.code == code))
    ).scalar_one_or_none()


def identify(session: Session, raw: str) -> Scan:
    """Clean a scan and say whether it is one of our boxes or locations.

    Our own codes are checked first, so a misread gets "mistyped" rather than
    "unknown"; anything else is looked up as typed (legacy barcodes).
    """
    code = barcodes.clean_scanned(raw)
    if not code:
        raise BadInput("nothing was scanned")
    upper = code.upper()
    for prefix, kind in ((barcodes.BOX_PREFIX, "box"), (barcodes.LOCATION_PREFIX, "location")):
        if barcodes.looks_like_scheme(upper, prefix):
            if not barcodes.has_valid_check(upper):
                raise BadInput(f"barcode {upper} fails its check character: mistyped or misread, "
                               "scan it again")
            found = find_box(session, upper) if kind == "box" else _find_location(session, upper)
            if found is None:
                raise NotFound(f"{kind} {upper} is not known here")
            return Scan(kind, upper)
    if find_box(session, code) is not None:
        return Scan("box", code)
    if _find_location(session, code.upper()) is not None:
        return Scan("location", code.upper())
    raise NotFound(f"barcode {code} is not known here")


def _box(session: Session, raw: str) -> Box:
    scan = identify(session, raw)
    if scan.kind != "box":
        raise BadInput(f"{scan.code} is a location barcode, not a box")
    box = find_box(session, scan.code)
    if box is None:
        raise NotFound(f"box {scan.code} is not known here")
    return box


def location_from_scan(session: Session, raw: str) -> Location:
    scan = identify(session, raw)
    if scan.kind != "location":
        raise BadInput(f"{scan.code} is a box barcode, not a location")
    location = _find_location(session, scan.code)
    if location is None:
        raise NotFound(f"location {scan.code} is not known here")
    return location


def _detail(session: Session, box: Box, today: date) -> BoxDetail:
    team = session.get(Team, box.team_id)
    klass = session.get(RetentionClass, box.class_id)
    location = session.get(Location, box.location_id) if box.location_id else None
    loan = session.execute(
        select(Loan, Team.code).join(Team, Team.id == Loan.team_id)
        .where(Loan.box_id == box.id, Loan.returned_on.is_(None))
    ).first()
    return BoxDetail(
        barcode=box.barcode, status=box.status, team=team.code, team_name=team.name,
        class_code=klass.code, class_label=klass.transaction, title=box.title,
        date_from=box.date_from, date_to=box.date_to, trigger_date=box.trigger_date,
        disposal_date=box.disposal_date, received_on=box.received_on,
        location=location.code if location else None,
        holds=holds_on_box(session, box.id, today),
        loan=LoanInfo(loan[1], loan[0].issued_on, loan[0].due_on) if loan else None,
        deposit_id=box.deposit_id, version=box.version,
    )


def show(db: Database, raw: str, today: date | None = None) -> BoxDetail:
    with db.read() as session:
        return _detail(session, _box(session, raw), today or clock.today())


def scan(db: Database, raw: str) -> Scan:
    """What a scanned code is, for the desk's scan field (refuses typos at once)."""
    with db.read() as session:
        return identify(session, raw)


def _guard_open(box: Box) -> None:
    if box.status in CLOSED_BOX:
        raise Conflict(f"box {box.barcode} is {BOX_STATUS_LABELS[box.status]}: it cannot be moved")


def _commit_or_conflict(db: Database, work):
    try:
        return work()
    except StaleDataError:
        raise Conflict("that box was changed at another desk a moment ago: scan it again") from None


def move(db: Database, actor: str, box_code: str, location_code: str) -> BoxDetail:
    """Shelve a box at a location, checking the location's capacity."""
    return move_and_count(db, actor, box_code, location_code)[0]


def move_and_count(db: Database, actor: str, box_code: str,
                   location_code: str) -> tuple[BoxDetail, int, int]:
    """``move``, also giving the shelf's occupancy and capacity from the same unit of work."""

    def work() -> tuple[BoxDetail, int, int]:
        with db.write() as session:
            users.require(session, actor, DESK_WORK, "move boxes")
            box = _box(session, box_code)
            location = location_from_scan(session, location_code)
            _guard_open(box)
            if box.location_id == location.id:
                raise Conflict(f"box {box.barcode} is already on {location.code}")
            used = occupancy(session, location.id)
            if used >= location.capacity:
                raise Conflict(f"location {location.code} is full ({used} of {location.capacity} "
                               "boxes): choose another")
            before = session.get(Location, box.location_id).code if box.location_id else None
            box.location_id = location.id
            box.updated_at = audit.utcnow()
            session.flush()
            audit.record(session, actor, "box.move", "box", box.barcode,
                         {"location": before}, {"location": location.code})
            return _detail(session, box, clock.today()), used + 1, location.capacity

    return _commit_or_conflict(db, work)


def issue(db: Database, actor: str, box_code: str, team_code: str, due: date | None = None,
          today: date | None = None) -> BoxDetail:
    """Lend a box back to a team until ``due`` (four weeks by default)."""
    today = today or clock.today()
    due = due or today + timedelta(days=DEFAULT_LOAN_DAYS)
    if due < today:
        raise BadInput(f"due date {due.isoformat()} is in the past")

    def work() -> BoxDetail:
        with db.write() as session:
            users.require(session, actor, DESK_WORK, "issue boxes")
            box = _box(session, box_code)
            team = session.execute(select(Team).where(Team.code == team_code)).scalar_one_or_none()
            if team is None:
                raise NotFound(f"team {team_code!r} does not exist")
            if box.status not in (BoxStatus.IN_STORE, BoxStatus.DIGITISED):
                raise Conflict(f"box {box.barcode} is {BOX_STATUS_LABELS.get(box.status, box.status)}: "
                               "only a box in store can be issued")
            before = box.status
            session.add(Loan(box_id=box.id, team_id=team.id, issued_on=today, due_on=due,
                             issued_by=actor))
            box.status, box.updated_at = BoxStatus.OUT_ON_LOAN, audit.utcnow()
            session.flush()
            audit.record(session, actor, "box.issue", "box", box.barcode, {"status": before},
                         {"status": BoxStatus.OUT_ON_LOAN, "team": team.code, "due_on": due})
            return _detail(session, box, today)

    return _commit_or_conflict(db, work)


def return_box(db: Database, actor: str, box_code: str, today: date | None = None) -> BoxDetail:
    """Take a lent box back in; it goes back to its shelf position."""
    today = today or clock.today()

    def work() -> BoxDetail:
        with db.write() as session:
            users.require(session, actor, DESK_WORK, "return boxes")
            box = _box(session, box_code)
            if box.status != BoxStatus.OUT_ON_LOAN:
                raise Conflict(f"box {box.barcode} is {BOX_STATUS_LABELS.get(box.status, box.status)}, "
                               "not out on loan")
            loan = session.execute(
                select(Loan).where(Loan.box_id == box.id, Loan.returned_on.is_(None))
            ).scalar_one_or_none()
            if loan is not None:
                loan.returned_on, loan.returned_by = today, actor
            box.status = BoxStatus.DIGITISED if box.digitised_on else BoxStatus.IN_STORE
            box.updated_at = audit.utcnow()
            session.flush()
            audit.record(session, actor, "box.return", "box", box.barcode,
                         {"status": BoxStatus.OUT_ON_LOAN}, {"status": box.status, "returned_on": today})
            return _detail(session, box, today)

    return _commit_or_conflict(db, work)


@dataclass(frozen=True)
class OverdueLoan:
    barcode: str
    team: str
    issued_on: date
    due_on: date
    days_overdue: int


def overdue_loans(db: Database, today: date | None = None, limit: int = 1000) -> list[OverdueLoan]:
    today = today or clock.today()
    with db.read() as session:
        rows = session.execute(
            select(Box.barcode, Team.code, Loan.issued_on, Loan.due_on)
            .join(Box, Box.id == Loan.box_id).join(Team, Team.id == Loan.team_id)
            .where(Loan.returned_on.is_(None), Loan.due_on < today)
            .order_by(Loan.due_on).limit(limit)
        ).all()
    return [OverdueLoan(b, t, i, d, (today - d).days) for b, t, i, d in rows]
