"""The organisation: teams (and their Information Asset Owners) and users."""

from __future__ import annotations

from paperless_ig.cli.common import actor, file_arg, open_db
from paperless_ig.cli.registry import arguments, command, emit
from paperless_ig.services import teams, users


@command("teams", "import", help="import the organisation structure (xlsx/csv)")
@file_arg
def teams_import(args):
    counts = teams.import_teams(open_db(args), actor(args), args.file)
    emit(args, counts, f"teams: {counts['created']} created, {counts['updated']} updated, "
                       f"{counts['unchanged']} unchanged")


@arguments
def _team_args(p):
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--directorate", required=True)
    p.add_argument("--organisation", required=True)
    p.add_argument("--iao", default="", help="the team's Information Asset Owner")
    p.add_argument("--iao-login", default=None, help="the IAO's login, for approvals")


@command("team", "add", help="add or update one team")
@_team_args
def team_add(args):
    spec = teams.TeamSpec(args.organisation, args.directorate, args.code, args.name, args.iao,
                          args.iao_login)
    outcome = teams.add_team(open_db(args), actor(args), spec)
    emit(args, {"team": args.code, "result": outcome}, f"team {args.code} {outcome}")


@arguments
def _user_args(p):
    p.add_argument("login")
    p.add_argument("--role", required=True,
                   help="desk, scanning, records_manager, admin or viewer")
    p.add_argument("--name", default=None)


@command("user", "add", help="add a user or change a user's role")
@_user_args
def user_add(args):
    info = users.add_user(open_db(args), actor(args), args.login, args.role, args.name)
    emit(args, {"login": info.login, "role": info.role.value, "name": info.name},
         f"{info.login}: {info.role_label}")
