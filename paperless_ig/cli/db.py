"""Commands that look after the database: create and migrate, back up, restore, check."""

from __future__ import annotations

import sys

from paperless_ig.cli.common import actor, open_db
from paperless_ig.cli.registry import arguments, command, emit
from paperless_ig.services import backup
from paperless_ig.store import integrity, migrate
from paperless_ig.store.database import Database


@command("db", "upgrade", help="create or migrate the database")
def db_upgrade(args):
    db = open_db(args, upgrade=False)
    before = migrate.current_revision(db)
    migrate.upgrade(db)
    after = migrate.current_revision(db)
    emit(args, {"database": db.describe(), "from": before, "to": after},
         f"{db.describe()}: schema at {after}" + ("" if before != after else " (no change)"))


def _database(args) -> Database:
    return Database(getattr(args, "db", None))


@arguments
def _backup_args(p):
    p.add_argument("file", help="the backup file to write (SQLite: a database file; PostgreSQL: a "
                                "pg_dump custom-format archive); a folder gets a new file named "
                                "by the time")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")


@command("db", "backup", help="a consistent, checked copy of the database, taken while desks work")
@_backup_args
def db_backup(args):
    db = _database(args)
    try:
        summary = backup.backup(db, actor(args), args.file, force=args.force)
    finally:
        db.dispose()
    emit(args, summary.as_json(), summary.text())
    if not summary.audit_ok:
        print(f"paperless-ig: the backup was written, but its audit trail is broken: "
              f"{summary.audit_problem}", file=sys.stderr)
        return 1
    return 0


@arguments
def _restore_args(p):
    p.add_argument("file", help="a backup made by 'paperless-ig db backup'")
    p.add_argument("--force", action="store_true",
                   help="restore even when the backup's audit trail is broken")


@command("db", "restore", help="replace the database with a backup, keeping the one it replaces "
                               "(close paperless-ig on every desk first)")
@_restore_args
def db_restore(args):
    db = _database(args)
    try:
        summary = backup.restore(db, actor(args), args.file, force=args.force)
    finally:
        db.dispose()
    emit(args, summary.as_json(), summary.text())


@arguments
def _check_args(p):
    p.add_argument("--full", action="store_true",
                   help="SQLite's slower integrity_check (indexes against tables) instead of "
                        "quick_check, and the audit trail too")


@command("db", "check", help="is the database whole? (a damaged file, an unknown schema)")
@_check_args
def db_check(args):
    db = _database(args)
    facts = None
    try:
        problems = integrity.check(db, full=args.full)
        if not problems:
            facts = backup.facts(db, chain=args.full)
            if not facts.audit_ok:
                problems.append(f"the audit trail is broken: {facts.audit_problem}")
    finally:
        db.dispose()
    chain = facts.audit if facts else None
    revision = facts.revision if facts else None
    data = {"ok": not problems, "database": db.describe(), "problems": problems, "revision": revision,
            "check": ("integrity_check" if args.full else "quick_check") if db.is_sqlite else "connect",
            "boxes": facts.boxes if facts else None, "events": facts.events if facts else None,
            "audit": chain.as_dict() if chain else None}
    if problems:
        if args.json:
            emit(args, data)
        for problem in problems:
            print(f"paperless-ig: {problem}", file=sys.stderr)
        return 1
    text = f"{db.describe()}: ok (schema {revision or 'not created yet'}"
    if facts and revision:
        text += f", {facts.boxes:,} boxes, {facts.events:,} audit events"
    text += ")" + (", audit trail intact" if chain else "")
    emit(args, data, text)
    return 0
