"""Stocktake: scan a shelf, then every box on it, and compare with the records.

``compare`` is a pure read, so the desk can show the picture while scanning;
``save`` records the stocktake and, when the user accepts, moves the boxes
found here but recorded elsewhere (the shelf is the truth for where a box
is). Missing boxes are reported, not moved: someone has to go and look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from paperless_ig.domain.errors import BadInput, PaperlessError
from paperless_ig.domain.roles import DESK_WORK
from paperless_ig.domain.states import SHELVED_BOX, BoxStatus
from paperless_ig.services import audit, users
from paperless_ig.services.boxes import find_box, identify, location_from_scan
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, Location, Stocktake, StocktakeItem


@dataclass(frozen=True)
class Elsewhere:
    barcode: str
    recorded_location: str | None


@dataclass(frozen=True)
class Unknown:
    scanned: str
    reason: str


@dataclass(frozen=True)
class StocktakeReport:
    location: str
    expected: list[str]
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    elsewhere: list[Elsewhere] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.elsewhere or self.unknown)

    def as_json(self) -> dict:
        return {"location": self.location, "expected": self.expected, "found": self.found,
                "missing": self.missing,
                "elsewhere": [{"barcode": e.barcode, "recorded_location": e.recorded_location}
                              for e in self.elsewhere],
                "unknown": [{"scanned": u.scanned, "reason": u.reason} for u in self.unknown]}


def _compare(session: Session, location_code: str,
             scanned: list[str]) -> tuple[Location, StocktakeReport, dict]:
    location = location_from_scan(session, location_code)
    expected = list(session.execute(
        select(Box.barcode).where(Box.location_id == location.id, Box.status.in_(SHELVED_BOX),
                                  Box.status != BoxStatus.OUT_ON_LOAN).order_by(Box.barcode)
    ).scalars())
    found, elsewhere, unknown, seen, boxes = [], [], [], set(), {}
    for raw in scanned:
        try:
            scan = identify(session, raw)
            if scan.kind != "box":
                raise BadInput(f"{scan.code} is a location barcode")
        except PaperlessError as exc:
            unknown.append(Unknown(raw.strip(), str(exc)))
            continue
        if scan.code in seen:
            continue
        seen.add(scan.code)
        box = find_box(session, scan.code)
        boxes[scan.code] = box
        if box.location_id == location.id:
            found.append(scan.code)
        else:
            recorded = session.get(Location, box.location_id).code if box.location_id else None
            elsewhere.append(Elsewhere(scan.code, recorded))
    missing = [code for code in expected if code not in seen]
    return location, StocktakeReport(location.code, expected, found, missing, elsewhere, unknown), boxes


def compare(db: Database, location_code: str, scanned: list[str]) -> StocktakeReport:
    with db.read() as session:
        return _compare(session, location_code, scanned)[1]


@dataclass(frozen=True)
class StocktakeResult:
    stocktake_id: int
    report: StocktakeReport
    moved: list[str]


def save(db: Database, actor: str, location_code: str, scanned: list[str],
         accept_moves: bool = False) -> StocktakeResult:
    with db.write() as session:
        users.require(session, actor, DESK_WORK, "record a stocktake")
        location, report, boxes = _compare(session, location_code, scanned)
        record = Stocktake(location_id=location.id, performed_by=actor, performed_at=audit.utcnow(),
                           moves_accepted=accept_moves, expected=len(report.expected),
                           found=len(report.found), missing=len(report.missing),
                           elsewhere=len(report.elsewhere), unknown=len(report.unknown))
        session.add(record)
        session.flush()
        items = [{"barcode": c, "outcome": "found"} for c in report.found]
        items += [{"barcode": c, "outcome": "missing"} for c in report.missing]
        items += [{"barcode": e.barcode, "outcome": "elsewhere", "recorded_location": e.recorded_location}
                  for e in report.elsewhere]
        items += [{"barcode": u.scanned[:100], "outcome": "unknown", "note": u.reason}
                  for u in report.unknown]
        if items:
            session.execute(insert(StocktakeItem), [
                {"stocktake_id": record.id, "box_id": boxes[i["barcode"]].id if i["barcode"] in boxes
                 else None, "recorded_location": None, "note": None, **i} for i in items])
        moved, events = [], [audit.Event(actor, "stocktake.record", "location", location.code, None,
                                         {"stocktake": record.id, **report.as_json(),
                                          "moves_accepted": accept_moves})]
        if accept_moves:
            for entry in report.elsewhere:
                box = boxes[entry.barcode]
                box.location_id, box.updated_at = location.id, audit.utcnow()
                moved.append(entry.barcode)
                events.append(audit.Event(actor, "box.move", "box", entry.barcode,
                                          {"location": entry.recorded_location},
                                          {"location": location.code, "why": f"stocktake {record.id}"}))
        session.flush()
        audit.record_many(session, events)
        return StocktakeResult(record.id, report, moved)
