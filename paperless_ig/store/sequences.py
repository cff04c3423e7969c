"""Named sequences for barcodes: allocated in the database, never max+1.

``UPDATE counters SET value = value + n ... RETURNING value`` is atomic on
both SQLite and PostgreSQL, so two desks logging deposits at once can never
be handed the same barcode (tests/test_multi_desk.py proves it with several
processes on PostgreSQL).

Why a counter row rather than a PostgreSQL ``SEQUENCE``: the row stays locked
until the deposit commits, so desks allocate in turn; but every write already
waits its turn for the audit chain's head row (services/audit.py), so a
sequence would remove no waiting. The row gives numbers without gaps (a
rolled-back deposit hands its numbers back, where a sequence would burn them,
and a gap in the box register reads as a missing box), works the same on
SQLite, and moves forward transactionally when a register import or the demo
data claims numbers. Every writer takes the counter row before the audit
head, never after, so the two locks cannot deadlock.
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
