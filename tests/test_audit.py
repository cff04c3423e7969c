"""The audit chain: intact after real work, broken by any edit behind the app's back."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from paperless_ig.services import audit, schedule
from paperless_ig.store.models import AuditEvent
from tests.conftest import ADMIN


def _some_events(db) -> int:
    schedule.import_example(db, ADMIN)
    with db.read() as session:
        return len(session.execute(select(AuditEvent.id)).all())


def test_import_writes_one_event_per_class_and_the_chain_holds(db):
    count = _some_events(db)
    classes = len(schedule.list_classes(db))
    assert count == classes + 1  # plus the first user becoming admin
    result = audit.verify(db)
    assert result.ok and result.events == count and result.first_bad is None


def test_an_edited_event_is_named(db):
    _some_events(db)
    with db.write() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 5).values(actor="mallory"))
    result = audit.verify(db)
    assert not result.ok
    assert result.first_bad == 5
    assert "event 5" in result.reason and "changed" in result.reason


def test_a_removed_event_in_the_middle_is_named(db):
    _some_events(db)
    with db.write() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == 7))
    result = audit.verify(db)
    assert not result.ok and result.first_bad == 7 and "missing" in result.reason


def test_removing_the_newest_event_is_noticed(db):
    count = _some_events(db)
    with db.write() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == count))
    result = audit.verify(db)
    assert not result.ok and "removed" in result.reason


def test_history_returns_before_and_after_newest_first(db):
    _some_events(db)
    history = audit.history(db, "class", "FIN-01-01")
    assert history[0].action == "class.create"
    assert history[0].after["period_months"] == 72
    assert history[0].actor == ADMIN
