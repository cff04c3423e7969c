"""The store view's rows: counted and paged in SQL, never all loaded.

The Qt model asks for a count and then for pages of rows as the view
scrolls. Every filter is a WHERE clause; every sort is ORDER BY that column
then id, so pages are stable. Quick search matches a barcode prefix, a title
substring, or a file reference in the box's file list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, exists, false, func, or_, select, true

from paperless_ig.domain import clock
from paperless_ig.domain.barcodes import clean_scanned
from paperless_ig.domain.errors import BadInput
from paperless_ig.domain.states import BoxStatus
from paperless_ig.services.disposal import due_condition
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, BoxFile, Directorate, Location, RetentionClass, Team

PAGE_SIZE = 200
_LOOKS_LIKE_BARCODE = re.compile(r"^[A-Z]{1,6}\d{3,}[0-9A-Z]?$")


@dataclass(frozen=True)
class BoxFilter:
    text: str = ""
    team: str | None = None
    directorate: str | None = None
    class_code: str | None = None
    status: str | None = None
    location: str | None = None  # a location code, or its prefix (a bay, a store)
    disposal_from: date | None = None
    disposal_to: date | None = None


@dataclass(frozen=True)
class BoxRow:
    id: int
    barcode: str
    team: str
    class_code: str
    title: str
    received_on: date
    disposal_date: date | None
    location: str | None
    status: str
    due: bool = False  # in the due queue today: past its date, not held, not on loan


# (key, heading, the column sorted on)
COLUMNS = (
    ("barcode", "Barcode", Box.barcode),
    ("team", "Team", Team.code),
    ("class", "Class", RetentionClass.code),
    ("title", "Title", Box.title),
    ("received", "Received", Box.received_on),
    ("disposal", "Disposal", Box.disposal_date),
    ("location", "Location", Location.code),
    ("status", "Status", Box.status),
)
_SORT = {key: column for key, _, column in COLUMNS}


def _prefix_range(column, prefix: str):
    """``column LIKE 'prefix%'`` written so an index can serve it on both databases."""
    return and_(column >= prefix, column < prefix + "\U0010ffff")


def _where(query: Select, f: BoxFilter) -> Select:
    conditions = []
    if f.text.strip():
        text = f.text.strip()
        code = clean_scanned(text).upper()
        pattern = f"%{text.lower()}%"
        if _LOOKS_LIKE_BARCODE.match(code):
            # A scanned or typed code: the barcode index answers at once.
            conditions.append(_prefix_range(Box.barcode, code))
        else:
            conditions.append(or_(
                _prefix_range(Box.barcode, code),
                func.lower(Box.title).like(pattern),
                exists().where(BoxFile.box_id == Box.id,
                               func.lower(BoxFile.reference).like(pattern)),
            ))
    if f.team:
        conditions.append(Team.code == f.team)
    if f.directorate:
        conditions.append(Team.directorate_id.in_(
            select(Directorate.id).where(Directorate.name == f.directorate)))
    if f.class_code:
        conditions.append(RetentionClass.code == f.class_code)
    if f.status:
        conditions.append(Box.status == f.status)
    if f.location:
        conditions.append(_prefix_range(Location.code, f.location.strip().upper()))
    if f.disposal_from:
        conditions.append(Box.disposal_date >= f.disposal_from)
    if f.disposal_to:
        conditions.append(Box.disposal_date <= f.disposal_to)
    return query.where(*conditions)


def _joined(query: Select) -> Select:
    return (query.join(Team, Team.id == Box.team_id)
            .join(RetentionClass, RetentionClass.id == Box.class_id)
            .outerjoin(Location, Location.id == Box.location_id))


def count(db: Database, f: BoxFilter) -> int:
    with db.read() as session:
        query = select(func.count(Box.id)).select_from(Box)
        needs_join = f.team or f.directorate or f.class_code or f.location
        query = _joined(query) if needs_join else query
        return session.execute(_where(query, f)).scalar_one()


def page(db: Database, f: BoxFilter, sort: str = "received", descending: bool = True,
         offset: int = 0, limit: int = PAGE_SIZE, as_of: date | None = None) -> list[BoxRow]:
    """One page of rows; each says whether the box is due, by the due queue's own rule."""
    if sort not in _SORT:
        raise BadInput(f"cannot sort on {sort!r}")
    column = _SORT[sort]
    order = (column.desc(), Box.id.desc()) if descending else (column.asc(), Box.id.asc())
    with db.read() as session:
        due = case((due_condition(session, as_of or clock.today()), true()), else_=false())
        query = _joined(select(Box.id, Box.barcode, Team.code, RetentionClass.code, Box.title,
                               Box.received_on, Box.disposal_date, Location.code, Box.status, due)
                        .select_from(Box))
        query = _where(query, f).order_by(*order).offset(offset).limit(limit)
        return [BoxRow(*row[:-1], due=bool(row[-1])) for row in session.execute(query)]


@dataclass(frozen=True)
class FilterChoices:
    teams: list[str]
    directorates: list[str]
    classes: list[str]
    statuses: list[str]


def choices(db: Database) -> FilterChoices:
    with db.read() as session:
        return FilterChoices(
            teams=list(session.execute(select(Team.code).order_by(Team.code)).scalars()),
            directorates=list(session.execute(
                select(Directorate.name).distinct().order_by(Directorate.name)).scalars()),
            classes=list(session.execute(
                select(RetentionClass.code).order_by(RetentionClass.code)).scalars()),
            statuses=list(BoxStatus),
        )
