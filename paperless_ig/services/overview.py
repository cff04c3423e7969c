"""Headline counts for the main window: what is in this database at all."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from paperless_ig.domain.states import SHELVED_BOX
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, Location, RetentionClass, Team


@dataclass(frozen=True)
class Overview:
    boxes: int
    boxes_in_store: int
    teams: int
    classes: int
    locations: int

    @property
    def empty(self) -> bool:
        """Nothing to work with yet: the welcome state offers a schedule or demo data."""
        return self.boxes == 0 and self.teams == 0


def overview(db: Database) -> Overview:
    with db.read() as session:
        def count(statement) -> int:
            return session.execute(statement).scalar_one()

        return Overview(
            boxes=count(select(func.count(Box.id))),
            boxes_in_store=count(select(func.count(Box.id)).where(
                Box.status.in_(SHELVED_BOX))),
            teams=count(select(func.count(Team.id))),
            classes=count(select(func.count(RetentionClass.id))),
            locations=count(select(func.count(Location.id))),
        )
