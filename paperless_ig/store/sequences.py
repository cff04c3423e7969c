"""Named sequences for barcodes: allocated in the database, never max+1.

``UPDATE counters SET value = value + n ... RETURNING value`` is atomic on
both SQLite and PostgreSQL, so two desks logging deposits at once can never
be handed the same barcode.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from paperless_ig.store.models import Counter


def allocate(session: Session, name: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers of sequence ``name``."""
    last = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + count)
        .returning(Counter.value)
    ).scalar_one()
    return range(last - count + 1, last + 1)
