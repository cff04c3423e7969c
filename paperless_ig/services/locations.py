"""Shelf positions: where boxes live, each with its own barcode and capacity."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paperless_ig.domain.barcodes import LOCATION_PREFIX, make_barcode
from paperless_ig.domain.errors import BadInput, Conflict
from paperless_ig.domain.roles import DESK_WORK
from paperless_ig.domain.states import SHELVED_BOX
from paperless_ig.services import audit, users
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, Location
from paperless_ig.store.sequences import allocate


@dataclass(frozen=True)
class LocationInfo:
    code: str
    barcode: str
    store: str
    capacity: int
    occupied: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)


def occupancy(session: Session, location_id: int) -> int:
    return session.execute(
        select(func.count(Box.id)).where(Box.location_id == location_id,
                                         Box.status.in_(SHELVED_BOX))
    ).scalar_one()


def info(session: Session, location: Location) -> LocationInfo:
    return LocationInfo(location.code, location.barcode, location.store, location.capacity,
                        occupancy(session, location.id))


def add_location(db: Database, actor: str, code: str, capacity: int = 6, store: str = "") -> LocationInfo:
    """A new shelf position; its parts come from a code like ``M-001-1-01``."""
    code = code.strip().upper()
    if not code or len(code) > 60 or any(ch.isspace() for ch in code):
        raise BadInput(f"location code {code!r} must be 1 to 60 characters without spaces")
    if capacity < 1 or capacity > 1000:
        raise BadInput(f"capacity {capacity} must be between 1 and 1000 boxes")
    parts = code.split("-")
    store_name, bay, shelf, position = parts if len(parts) == 4 else (store, "", "", "")
    with db.write() as session:
        users.require(session, actor, DESK_WORK, "add locations")
        if session.execute(select(Location.id).where(Location.code == code)).first():
            raise Conflict(f"location {code} already exists")
        sequence = allocate(session, "location")[0]
        location = Location(code=code, barcode=make_barcode(sequence, LOCATION_PREFIX),
                            store=store or store_name, bay=bay, shelf=shelf, position=position,
                            capacity=capacity)
        session.add(location)
        session.flush()
        audit.record(session, actor, "location.create", "location", code, None,
                     {"barcode": location.barcode, "capacity": capacity})
        return info(session, location)


def list_locations(db: Database, limit: int = 500) -> list[LocationInfo]:
    with db.read() as session:
        rows = session.execute(select(Location).order_by(Location.code).limit(limit)).scalars()
        return [info(session, r) for r in rows]
