"""The organisation structure: organisations, directorates and teams.

A teams file is imported all-or-nothing. Existing teams (matched by code) are
updated in place, so the file can be re-imported after a restructure; a team
is never deleted, because boxes and deposits keep pointing at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from paperless_ig.domain.errors import BadInput, ImportRejected, NotFound, RowError
from paperless_ig.domain.roles import ADMIN_WORK, RECORDS_WORK
from paperless_ig.services import audit, sheets, users
from paperless_ig.store.database import Database
from paperless_ig.store.models import Directorate, Organisation, Team

COLUMNS = ("organisation", "directorate", "team_code", "team_name", "iao")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
# What the columns hold: a longer value must be refused by row, not by the database.
_LENGTH = {"organisation": Organisation.name.type.length, "directorate": Directorate.name.type.length,
           "team_name": Team.name.type.length, "iao": Team.iao.type.length,
           "iao_login": Team.iao_login.type.length}


@dataclass(frozen=True)
class TeamInfo:
    code: str
    name: str
    directorate: str
    organisation: str
    iao: str
    iao_login: str | None = None

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class TeamSpec:
    organisation: str
    directorate: str
    code: str
    name: str
    iao: str = ""
    iao_login: str | None = None


def _check(spec: TeamSpec, number: int) -> list[RowError]:
    errors = []
    for field, value in (("organisation", spec.organisation), ("directorate", spec.directorate),
                         ("team_code", spec.code), ("team_name", spec.name)):
        if not value:
            errors.append(RowError(number, field, "is empty"))
    if spec.code and not _CODE.match(spec.code):
        errors.append(RowError(number, "team_code", f"{spec.code!r} is not a team code "
                                                    "(letters, digits, dots, dashes)"))
    for field, value in (("organisation", spec.organisation), ("directorate", spec.directorate),
                         ("team_name", spec.name), ("iao", spec.iao), ("iao_login", spec.iao_login or "")):
        if len(value) > _LENGTH[field]:
            errors.append(RowError(number, field, f"is {len(value)} characters long; "
                                                  f"at most {_LENGTH[field]}"))
    return errors


def _directorate(session: Session, organisation: str, directorate: str) -> Directorate:
    org = session.execute(select(Organisation).where(Organisation.name == organisation)).scalar_one_or_none()
    if org is None:
        org = Organisation(name=organisation, short_name=organisation[:40])
        session.add(org)
        session.flush()
    found = session.execute(
        select(Directorate).where(Directorate.organisation_id == org.id, Directorate.name == directorate)
    ).scalar_one_or_none()
    if found is None:
        found = Directorate(organisation_id=org.id, name=directorate)
        session.add(found)
        session.flush()
    return found


def _may_name_iao(session: Session, actor: str, team: str) -> None:
    """Naming whose login approves disposal is an admin's act: a records manager who could
    name themselves IAO could make, approve and complete a batch alone."""
    users.require(session, actor, ADMIN_WORK, f"name the Information Asset Owner login of team {team}")


def _save(session: Session, actor: str, spec: TeamSpec) -> str:
    directorate = _directorate(session, spec.organisation, spec.directorate)
    team = session.execute(select(Team).where(Team.code == spec.code)).scalar_one_or_none()
    after = {"name": spec.name, "directorate": spec.directorate,
             "organisation": spec.organisation, "iao": spec.iao}
    if team is None:
        if spec.iao_login:
            _may_name_iao(session, actor, spec.code)
            after["iao_login"] = spec.iao_login
        session.add(Team(code=spec.code, name=spec.name, directorate_id=directorate.id,
                         iao=spec.iao, iao_login=spec.iao_login or None))
        audit.record(session, actor, "team.create", "team", spec.code, None, after)
        return "created"
    before = {"name": team.name, "directorate": team.directorate.name,
              "organisation": team.directorate.organisation.name, "iao": team.iao}
    login_changes = spec.iao_login is not None and (spec.iao_login or None) != team.iao_login
    if before == after and not login_changes:
        return "unchanged"
    if login_changes:
        _may_name_iao(session, actor, spec.code)
        before["iao_login"], after["iao_login"] = team.iao_login, spec.iao_login or None
        team.iao_login = spec.iao_login or None
    team.name, team.directorate_id, team.iao = spec.name, directorate.id, spec.iao
    audit.record(session, actor, "team.update", "team", spec.code, before, after)
    return "updated"


def add_team(db: Database, actor: str, spec: TeamSpec) -> str:
    errors = _check(spec, 0)
    if errors:
        raise BadInput("; ".join(f"{e.field} {e.message}" for e in errors))
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK | ADMIN_WORK, "change teams")
        return _save(session, actor, spec)


def import_teams(db: Database, actor: str, path: str | Path) -> dict:
    table = sheets.read_table(path)
    table.require(COLUMNS[:4])
    table.refuse_doubled([*COLUMNS, "iao_login"])
    specs, errors, seen = [], [], {}
    for number, row in table.rows:
        spec = TeamSpec(*(str(row.get(c) or "").strip() for c in COLUMNS),
                        iao_login=(str(row["iao_login"]).strip() if row.get("iao_login") else None))
        row_errors = _check(spec, number)
        if spec.code.upper() in seen:
            row_errors.append(RowError(number, "team_code",
                                       f"{spec.code!r} is already used in row {seen[spec.code.upper()]}"))
        seen.setdefault(spec.code.upper(), number)
        errors.extend(row_errors)
        specs.append(spec)
    if errors:
        raise ImportRejected(table.source, errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK | ADMIN_WORK, "change teams")
        for spec in specs:
            counts[_save(session, actor, spec)] += 1
    return counts


def _info(team: Team) -> TeamInfo:
    return TeamInfo(team.code, team.name, team.directorate.name,
                    team.directorate.organisation.name, team.iao, team.iao_login)


def list_teams(db: Database) -> list[TeamInfo]:
    with db.read() as session:
        rows = session.execute(select(Team).where(Team.active).order_by(Team.code)).scalars()
        return [_info(t) for t in rows]


def get_team(db: Database, code: str) -> TeamInfo:
    with db.read() as session:
        team = session.execute(select(Team).where(Team.code == code)).scalar_one_or_none()
        if team is None:
            raise NotFound(f"team {code!r} does not exist")
        return _info(team)
