"""What every area's commands share: the database they work on and who is acting."""

from __future__ import annotations

import argparse
import sys

from paperless_ig.cli.registry import arguments
from paperless_ig.services import users
from paperless_ig.store.database import Database
from paperless_ig.store.opening import open_database


def open_db(args: argparse.Namespace, upgrade: bool = True) -> Database:
    """The database named by --db (or the default), checked, then migrated to the current schema."""
    return open_database(getattr(args, "db", None), upgrade=upgrade)


def actor(args: argparse.Namespace) -> str:
    return getattr(args, "user", None) or users.current_login()


def progress_to_stderr(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{message}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr)


@arguments
def file_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="an .xlsx or .csv file")
