"""Small builders for tests that need a row or two without the full services."""

from __future__ import annotations

from datetime import date

from paperless_ig.services.audit import utcnow
from paperless_ig.store.models import Box, Directorate, Organisation, Team


def add_team(session, code: str = "T1") -> Team:
    org = Organisation(name=f"Org {code}", short_name="Org")
    session.add(org)
    session.flush()
    directorate = Directorate(organisation_id=org.id, name=f"Dir {code}")
    session.add(directorate)
    session.flush()
    team = Team(code=code, name=f"Team {code}", directorate_id=directorate.id, iao="IAO")
    session.add(team)
    session.flush()
    return team


def add_box(session, class_id: int, trigger_date: date, disposal: date | None,
            barcode: str = "LEGACY-1", team: Team | None = None) -> Box:
    team = team or add_team(session)
    box = Box(barcode=barcode, legacy=True, team_id=team.id, class_id=class_id, title="Test box",
              trigger_date=trigger_date, disposal_date=disposal, received_on=trigger_date,
              updated_at=utcnow())
    session.add(box)
    session.flush()
    return box


def make_demo_file(template, folder, boxes: int, seed: int, user: str = "alice"):
    """A migrated SQLite file (copied from ``template``) holding a demo council, checkpointed."""
    import shutil

    from paperless_ig.services import demo
    from paperless_ig.store.database import Database

    path = folder / "demo.sqlite3"
    shutil.copy(template, path)
    db = Database(str(path))
    demo.load_demo(db, user, boxes, seed=seed)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def copied_db(source, target):
    """A Database on a fresh copy of ``source`` at ``target`` (the caller disposes it)."""
    import shutil

    from paperless_ig.store.database import Database

    shutil.copy(source, target)
    return Database(str(target))
