"""Which boxes a legal hold covers, as SQL, so the due queue never loads boxes to check.

A hold's scope is a set of parts; a part covers a box when every criterion
it names matches (class, team, directorate, single box, record date range
overlap), and a box is held when any part of any active hold covers it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true

from paperless_ig.store.models import Box, HoldScope, LegalHold, Team


def active_hold(as_of: date) -> ColumnElement[bool]:
    return and_(
        LegalHold.released_on.is_(None),
        LegalHold.starts_on <= as_of,
        or_(LegalHold.ends_on.is_(None), LegalHold.ends_on >= as_of),
    )


def scope_covers_box() -> ColumnElement[bool]:
    """The part of the condition that matches one scope row to the correlated ``Box``."""
    directorate = select(Team.directorate_id).where(Team.id == Box.team_id).scalar_subquery()
    return and_(
        or_(HoldScope.class_id.is_(None), HoldScope.class_id == Box.class_id),
        or_(HoldScope.team_id.is_(None), HoldScope.team_id == Box.team_id),
        or_(HoldScope.directorate_id.is_(None), HoldScope.directorate_id == directorate),
        or_(HoldScope.box_id.is_(None), HoldScope.box_id == Box.id),
        or_(HoldScope.records_from.is_(None),
            func.coalesce(Box.date_to, Box.trigger_date) >= HoldScope.records_from),
        or_(HoldScope.records_to.is_(None),
            func.coalesce(Box.date_from, Box.trigger_date) <= HoldScope.records_to),
    )


def box_is_held(as_of: date) -> ColumnElement[bool]:
    """EXISTS an active hold part covering the correlated ``Box`` row."""
    return exists().where(HoldScope.hold_id == LegalHold.id, active_hold(as_of),
                          scope_covers_box())


def holds_on_box(session, box_id: int, as_of: date) -> list[str]:
    """Names of the active holds that cover one box."""
    rows = session.execute(
        select(LegalHold.name).distinct()
        .join(HoldScope, HoldScope.hold_id == LegalHold.id)
        .join(Box, Box.id == box_id)
        .where(active_hold(as_of), scope_covers_box())
        .order_by(LegalHold.name)
    ).scalars()
    return list(rows)


def held_predicate(session, as_of: date) -> ColumnElement[bool]:
    """The same test as ``box_is_held``, as plain conditions on the box row.

    Holds are few and their scopes small, so reading them first and writing
    them into the query as literals lets the database filter a million boxes
    without a correlated subquery per row.
    """
    scopes = session.execute(
        select(HoldScope).join(LegalHold, LegalHold.id == HoldScope.hold_id).where(active_hold(as_of))
    ).scalars().all()
    parts = []
    for scope in scopes:
        terms = []
        if scope.class_id is not None:
            terms.append(Box.class_id == scope.class_id)
        if scope.team_id is not None:
            terms.append(Box.team_id == scope.team_id)
        if scope.directorate_id is not None:
            teams = select(Team.id).where(Team.directorate_id == scope.directorate_id)
            terms.append(Box.team_id.in_(list(session.execute(teams).scalars())))
        if scope.box_id is not None:
            terms.append(Box.id == scope.box_id)
        if scope.records_from is not None:
            terms.append(func.coalesce(Box.date_to, Box.trigger_date) >= scope.records_from)
        if scope.records_to is not None:
            terms.append(func.coalesce(Box.date_from, Box.trigger_date) <= scope.records_to)
        parts.append(and_(*terms) if terms else true())
    return or_(*parts) if parts else false()
