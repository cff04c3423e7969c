"""The command handlers behind ``paperless-ig``; each is a thin call to a service."""

from __future__ import annotations

import argparse
import sys

from paperless_ig.cli import arguments, command, emit
from paperless_ig.domain.retention import parse_date
from paperless_ig.services import audit, demo, schedule, teams, users
from paperless_ig.store import migrate
from paperless_ig.store.database import Database


def open_db(args: argparse.Namespace, upgrade: bool = True) -> Database:
    """The database named by --db (or the default), migrated to the current schema."""
    db = Database(getattr(args, "db", None))
    if upgrade and migrate.needs_upgrade(db):
        migrate.upgrade(db)
    return db


def actor(args: argparse.Namespace) -> str:
    return getattr(args, "user", None) or users.current_login()


def _progress_to_stderr(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{message}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr)


# -- database ----------------------------------------------------------------
@command("db", "upgrade", help="create or migrate the database")
def db_upgrade(args):
    db = open_db(args, upgrade=False)
    before = migrate.current_revision(db)
    migrate.upgrade(db)
    after = migrate.current_revision(db)
    emit(args, {"database": db.describe(), "from": before, "to": after},
         f"{db.describe()}: schema at {after}" + ("" if before != after else " (no change)"))


# -- demo data -------------------------------------------------------------------
@arguments
def _demo_args(p):
    p.add_argument("--boxes", type=int, required=True, help="how many boxes to create")
    p.add_argument("--seed", type=int, default=1, help="the same seed gives the same council")
    p.add_argument("--as-of", type=parse_date, default=None, help="the demo's today (ISO date)")


@command("demo", help="fill an empty database with a realistic demo council")
@_demo_args
def demo_load(args):
    if args.boxes < 1:
        from paperless_ig.domain.errors import BadInput

        raise BadInput("--boxes must be at least 1")
    db = open_db(args)
    summary = demo.load_demo(db, actor(args), args.boxes, args.seed, args.as_of,
                             progress=_progress_to_stderr)
    emit(args, summary, f"demo council loaded: {summary['boxes']} boxes, {summary['teams']} "
                        f"teams, {summary['deposits']} deposits")


# -- organisation structure ---------------------------------------------------------
@arguments
def _file_arg(p):
    p.add_argument("file", help="an .xlsx or .csv file")


@command("teams", "import", help="import the organisation structure (xlsx/csv)")
@_file_arg
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


# -- retention schedule ---------------------------------------------------------------
@command("schedule", "import", help="import a retention schedule (xlsx/csv), all or nothing")
@_file_arg
def schedule_import(args):
    counts = schedule.import_schedule(open_db(args), actor(args), args.file)
    emit(args, counts, f"schedule: {counts['created']} created, {counts['updated']} updated, "
                       f"{counts['unchanged']} unchanged, {counts['boxes_redated']} boxes re-dated")


@command("schedule", "export", help="export the retention schedule (xlsx/csv)")
@_file_arg
def schedule_export(args):
    count = schedule.export_schedule(open_db(args), args.file)
    emit(args, {"classes": count, "file": args.file}, f"{count} classes written to {args.file}")


# -- audit -------------------------------------------------------------------------------
@command("audit", "verify", help="check that the audit trail is intact")
def audit_verify(args):
    result = audit.verify(open_db(args))
    if result.ok:
        emit(args, result.as_dict(), f"audit trail intact: {result.events} events")
        return 0
    if args.json:
        emit(args, result.as_dict())
    print(f"paperless-ig: audit trail broken: {result.reason}", file=sys.stderr)
    return 1
