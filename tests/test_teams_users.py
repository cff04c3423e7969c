"""Teams, users and roles."""

from __future__ import annotations

import pytest

from paperless_ig.domain.errors import BadInput, ImportRejected, PermissionDenied
from paperless_ig.domain.roles import Role
from paperless_ig.services import audit, teams, users
from tests.conftest import ADMIN


def test_first_user_of_a_new_database_is_admin_and_strangers_are_refused(db):
    assert users.whoami(db, ADMIN).role is Role.ADMIN
    with pytest.raises(PermissionDenied, match="paperless-ig user add bob --role desk"):
        users.whoami(db, "bob")


def test_only_admins_add_users_and_roles_are_checked(db):
    users.add_user(db, ADMIN, "dan", "desk", "Dan Desk")
    assert users.whoami(db, "dan").role is Role.DESK
    with pytest.raises(PermissionDenied, match="cannot add users"):
        users.add_user(db, "dan", "eve", "admin")
    with pytest.raises(BadInput, match="role 'boss'"):
        users.add_user(db, ADMIN, "eve", "boss")
    users.add_user(db, ADMIN, "dan", "records_manager")
    assert users.whoami(db, "dan").role is Role.RECORDS_MANAGER
    actions = [e.action for e in audit.history(db, "user", "dan")]
    assert actions == ["user.update", "user.create"]


def test_teams_import_creates_structure_and_reimport_updates(db, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(
        "Organisation,Directorate,Team Code,Team Name,IAO\n"
        "Northshire CC,Resources,FIN-AP,Accounts Payable,H. Ashworth\n"
        "Northshire CC,Resources,FIN-AR,Accounts Receivable,H. Ashworth\n"
        "Northshire CS Ltd,Children's Social Care,CSC-RA,Referral and Assessment,A. Moss\n"
    )
    assert teams.import_teams(db, ADMIN, path) == {"created": 3, "updated": 0, "unchanged": 0}
    info = teams.get_team(db, "CSC-RA")
    assert (info.organisation, info.directorate, info.iao) == (
        "Northshire CS Ltd", "Children's Social Care", "A. Moss")
    path.write_text(path.read_text().replace("A. Moss", "B. Jones"))
    assert teams.import_teams(db, ADMIN, path)["updated"] == 1
    assert teams.get_team(db, "CSC-RA").iao == "B. Jones"


def test_teams_import_names_bad_rows_and_changes_nothing(db, tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text(
        "organisation,directorate,team_code,team_name,iao\n"
        "Org,Dir,T1,One,X\n"
        "Org,,T2,Two,X\n"
        "Org,Dir,T1,Again,X\n"
        "Org,Dir,bad code!,Three,X\n"
    )
    with pytest.raises(ImportRejected) as raised:
        teams.import_teams(db, ADMIN, path)
    text = str(raised.value)
    assert "row 3, directorate" in text and "row 4, team_code" in text and "row 5, team_code" in text
    assert teams.list_teams(db) == []


def test_add_one_team(db):
    spec = teams.TeamSpec("Org", "Dir", "T9", "Nine", "IAO Name")
    assert teams.add_team(db, ADMIN, spec) == "created"
    assert teams.add_team(db, ADMIN, spec) == "unchanged"
    assert [t.code for t in teams.list_teams(db)] == ["T9"]
