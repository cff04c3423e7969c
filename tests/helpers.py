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
