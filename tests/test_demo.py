"""Demo data: a realistic council, the same for the same seed."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from paperless_ig.domain.errors import Conflict
from paperless_ig.services import audit, demo
from paperless_ig.store.models import Box, Directorate, LegalHold, Loan, Organisation, Team
from tests.conftest import ADMIN

AS_OF = date(2026, 6, 30)


def _fingerprint(db) -> str:
    with db.read() as session:
        rows = session.execute(
            select(Box.barcode, Box.title, Box.disposal_date, Box.status, Box.received_on)
            .order_by(Box.barcode)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def demo_db(db):
    summary = demo.load_demo(db, ADMIN, 3000, seed=7, as_of=AS_OF)
    return db, summary


def test_demo_has_the_shape_of_a_council(demo_db):
    db, summary = demo_db
    assert summary["boxes"] == 3000
    with db.read() as session:
        def count(statement):
            return session.execute(statement).scalar_one()

        assert count(select(func.count(Box.id))) == 3000
        assert count(select(func.count(Organisation.id))) == 2
        assert count(select(func.count(Directorate.id))) == 8
        assert count(select(func.count(Team.id))) == 120
        assert count(select(func.count(LegalHold.id))) == 2
        backlog = count(select(func.count(Box.id)).where(
            Box.status == "in_store", Box.disposal_date < AS_OF))
        assert backlog > 50
        assert count(select(func.count(Box.id)).where(Box.status == "destroyed")) > 100
        overdue = count(select(func.count(Loan.id)).where(
            Loan.returned_on.is_(None), Loan.due_on < AS_OF))
        assert overdue >= 1
        first, last = session.execute(select(func.min(Box.received_on), func.max(Box.received_on))).one()
        assert first < AS_OF - timedelta(days=365 * 9) and last <= AS_OF
    assert audit.verify(db).ok


def test_same_seed_same_council(demo_db, sqlite_template, tmp_path):
    import shutil

    from paperless_ig.store.database import Database

    db, _ = demo_db
    other_path = tmp_path / "other.sqlite3"
    shutil.copy(sqlite_template, other_path)
    other = Database(str(other_path))
    demo.load_demo(other, ADMIN, 3000, seed=7, as_of=AS_OF)
    assert _fingerprint(other) == _fingerprint(db)
    other.dispose()


def test_a_second_load_is_refused_and_changes_nothing(demo_db):
    db, _ = demo_db
    before = _fingerprint(db)
    with pytest.raises(Conflict, match="already holds 3000 boxes"):
        demo.load_demo(db, ADMIN, 10, as_of=AS_OF)
    assert _fingerprint(db) == before


def test_growing_teams_grow_and_stopped_teams_stop(sqlite_db):
    db = sqlite_db
    demo.load_demo(db, ADMIN, 20000, seed=3, as_of=AS_OF)
    plans = {p.code: p for p in demo.plan_teams(3)}
    year_ago, two_years_ago = AS_OF - timedelta(days=365), AS_OF - timedelta(days=730)
    with db.read() as session:
        rows = session.execute(
            select(Team.code,
                   func.sum((Box.received_on > year_ago).cast(int_type())),
                   func.sum(((Box.received_on <= year_ago) & (Box.received_on > two_years_ago))
                            .cast(int_type())))
            .join(Box, Box.team_id == Team.id).group_by(Team.code)).all()
    totals = {"growing": [0, 0], "shrinking": [0, 0], "stopped": [0, 0]}
    for code, last, prior in rows:
        kind = plans[code].kind
        if kind in totals:
            totals[kind][0] += last or 0
            totals[kind][1] += prior or 0
    assert totals["growing"][0] > totals["growing"][1] * 1.15
    assert totals["shrinking"][0] < totals["shrinking"][1] * 0.9
    assert totals["stopped"][0] == 0


def int_type():
    from sqlalchemy import Integer

    return Integer
