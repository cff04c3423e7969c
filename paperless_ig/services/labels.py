"""Label and cover-sheet data for boxes: what goes on paper, and nothing personal.

The label carries the barcode, team code, location and disposal year only;
the cover sheet (read by the OCR pipeline, kept inside the box) adds the
team's name and the box title.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from paperless_ig.domain.barcodes import clean_scanned
from paperless_ig.domain.errors import BadInput, NotFound
from paperless_ig.exports.labels import CoverData, LabelData, write_cover_sheets, write_labels
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, Location, Team

MAX_LABELS = 5000


def _rows(db: Database, barcodes: list[str] | None, deposit_id: int | None):
    query = (select(Box.barcode, Team.code, Team.name, Box.title, Location.code, Box.disposal_date)
             .join(Team, Team.id == Box.team_id).outerjoin(Location, Location.id == Box.location_id))
    if deposit_id is not None:
        query = query.where(Box.deposit_id == deposit_id).order_by(Box.barcode)
    else:
        codes = [clean_scanned(c) for c in barcodes or []]
        codes = [c.upper() if c.upper().startswith("BX") else c for c in codes]
        if not codes:
            raise BadInput("give at least one barcode, or --deposit ID")
        if len(codes) > MAX_LABELS:
            raise BadInput(f"{len(codes)} labels at once: print at most {MAX_LABELS}")
        query = query.where(Box.barcode.in_(codes))
    with db.read() as session:
        rows = session.execute(query).all()
    if deposit_id is not None:
        if not rows:
            raise NotFound(f"deposit {deposit_id} does not exist or has no boxes")
        return rows
    by_code = {r[0]: r for r in rows}
    missing = [c for c in codes if c not in by_code]
    if missing:
        raise NotFound(f"no box with barcode {', '.join(missing[:10])}")
    return [by_code[c] for c in codes]


def label_data(db: Database, barcodes: list[str] | None = None,
               deposit_id: int | None = None) -> list[LabelData]:
    return [LabelData(code, team, location, due.year if due else None)
            for code, team, _name, _title, location, due in _rows(db, barcodes, deposit_id)]


def make_labels(db: Database, out: str | Path, barcodes: list[str] | None = None,
                deposit_id: int | None = None, sheet: str = "L7163", start_position: int = 1) -> dict:
    labels = label_data(db, barcodes, deposit_id)
    pages = write_labels(labels, Path(out), sheet, start_position)
    return {"file": str(out), "labels": len(labels), "pages": pages, "sheet": sheet}


def make_cover_sheets(db: Database, out: str | Path, barcodes: list[str] | None = None,
                      deposit_id: int | None = None) -> dict:
    covers = [CoverData(code, f"{team} {name}", title)
              for code, team, name, title, _loc, _due in _rows(db, barcodes, deposit_id)]
    pages = write_cover_sheets(covers, Path(out))
    return {"file": str(out), "covers": len(covers), "pages": pages}
