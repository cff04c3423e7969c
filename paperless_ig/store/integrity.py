"""Is the database whole? Checked before anything is written to it.

``check(db)`` returns the problems found, each one sentence naming the file
(or server) and what is wrong; an empty list means the database can be
opened. It never changes the database and never raises for a damaged one.

SQLite, cheapest first: is the file a SQLite database at all (the 16-byte
header; an xlsx, a PDF or a PostgreSQL dump given by mistake is named as
such), does SQLite read its schema, is the file as long as its header says
(a copy cut short), is it a paperless-ig database at a migration this
version knows, and, with ``quick_check`` (the default), ``PRAGMA
quick_check``: every page and record readable, in O(size). On a 550 MB
database (a million boxes) quick_check takes about 0.9 s from the page cache
and up to 8 s from a cold disk, so callers that open the database often
(every command line call) pass ``quick_check=False``; the desktop checks once
at start-up, and ``paperless-ig db check --full`` runs the slower
``integrity_check`` (indexes against tables too).

PostgreSQL keeps its own pages whole; the check is that the server answers
and the schema is at a migration this version knows.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from paperless_ig.store.database import BUSY_TIMEOUT_MS, Database, note_sqlite_open, opened_by_sqlite

SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_SHOWN = 5  # problems quoted from quick_check; the rest are counted
# What a file given by mistake usually is, by its first bytes.
_LOOKS_LIKE = (
    (b"PGDMP", "a PostgreSQL dump (restore it into PostgreSQL with 'paperless-ig db restore')"),
    (b"PK\x03\x04", "a zip file (an xlsx workbook?)"),
    (b"%PDF", "a PDF"),
    (b"\x00\x00\x00\x00\x00\x00\x00\x00", "zeros (a file that was never written, or wiped)"),
)
RESTORE_ADVICE = ("Nothing was changed: restore the latest backup with 'paperless-ig db restore "
                  "BACKUP' (the damaged file is kept as .before-restore), or ask IT to restore "
                  "the file.")


class DatabaseProblem(RuntimeError):
    """The database cannot be used as it is; the message says why and what to do."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


def _damaged(path: Path, what: str) -> str:
    return f"{path} is damaged: {what}. {RESTORE_ADVICE}"


# -- migrations ----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def known_revisions() -> frozenset[str]:
    """Every Alembic revision this version of paperless-ig can migrate from."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from paperless_ig.store.migrate import migrations_dir

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return frozenset(r.revision for r in ScriptDirectory.from_config(config).walk_revisions())


def revision_problem(where: str, revision: str | None) -> str | None:
    if revision is None or revision in known_revisions():
        return None
    return (f"{where} is at schema revision {revision!r}, which this version of paperless-ig does "
            "not know: it was made or upgraded by a newer version; use that version.")


# -- SQLite ----------------------------------------------------------------------------------
def sqlite_path(db: Database) -> Path | None:
    """The database file of a SQLite ``db`` (None in memory)."""
    name = make_url(db.url).database
    return Path(name) if name and name != ":memory:" and not name.startswith("file:") else None


def _not_sqlite(path: Path, head: bytes) -> str:
    for magic, what in _LOOKS_LIKE:
        if head.startswith(magic):
            return (f"{path} is not a SQLite database: it is {what}. Give the paperless-ig "
                    "database file (.sqlite3) or a postgresql:// URL.")
    return _damaged(path, f"it is not a SQLite database at all (it starts with {head[:8]!r})")


def _open(path: Path) -> sqlite3.Connection:
    """A plain connection that only reads. Not ``mode=ro``: a read-only connection cannot
    recover the -wal file a killed process left, and would call a sound database unreadable."""
    note_sqlite_open(path)  # from now on only SQLite may open the file in this process
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def check_sqlite_file(path: Path, *, quick_check: bool = True, full: bool = False,
                      advice: bool = True, header_only: bool = False) -> list[str]:
    """The problems of one SQLite file (see the module notes); ``full`` runs integrity_check.

    ``advice`` ends a damaged live database's message with what to do (not wanted when the
    file is a backup being checked)."""
    problems = _sqlite_file_problems(Path(path), quick_check, full, header_only)
    return problems if advice else [p.replace(f" {RESTORE_ADVICE}", "") for p in problems]


def _sqlite_file_problems(path: Path, quick_check: bool, full: bool,
                          header_only: bool = False) -> list[str]:
    if not path.exists():
        return []  # a new database: created and migrated on first open
    if path.is_dir():
        return [f"{path} is a folder, not a database file."]
    size = path.stat().st_size
    if size == 0:
        return []  # SQLite treats an empty file as a new database
    if opened_by_sqlite(path):
        # The bytes may not be read outside SQLite now (see store.database): SQLite has
        # already read this header, so only what SQLite itself reports is left to check.
        return [] if header_only else _checked_through_sqlite(path, quick_check, full)
    with path.open("rb") as handle:
        head = handle.read(100)
    if not head.startswith(SQLITE_MAGIC):
        return [_not_sqlite(path, head)]
    if size < 512:
        return [_damaged(path, f"it is cut short at {size} bytes, less than one database page")]
    expected = _size_in_header(head)
    # Pages not yet checkpointed live in the -wal file, so only a file with no frames waiting
    # must be as long as its header says.
    if expected and size < expected and not _wal_holds_frames(path):
        return [_damaged(path, f"it is cut short: {size:,} bytes where its header says "
                               f"{expected:,} (a copy that did not finish?)")]
    if header_only:
        return []
    return _checked_through_sqlite(path, quick_check, full)


def _checked_through_sqlite(path: Path, quick_check: bool, full: bool) -> list[str]:
    try:
        connection = _open(path)
    except sqlite3.Error as exc:
        return [_damaged(path, f"SQLite cannot open it ({exc})")]
    try:
        return _check_open_sqlite(connection, path, quick_check, full)
    except sqlite3.DatabaseError as exc:
        return [_damaged(path, f"SQLite reports {str(exc)!r}")]
    finally:
        connection.close()


def _size_in_header(head: bytes) -> int | None:
    """The file size the 100-byte header claims, when the header says that figure is valid."""
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]  # the change counter matches "version valid for"
    return page_size * pages if valid and pages else None


def _wal_holds_frames(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 32  # more than its header


def _check_open_sqlite(connection: sqlite3.Connection, path: Path, quick_check: bool,
                       full: bool) -> list[str]:
    tables = {name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    problems = []
    if tables and "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
        problems.append(f"{path} is a SQLite database but not a paperless-ig one (its tables: {shown}).")
    elif tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        problem = revision_problem(str(path), row[0] if row else None)
        if problem:
            problems.append(problem)
    if problems or not (quick_check or full):
        return problems
    pragma = "integrity_check" if full else "quick_check"
    found = [row[0] for row in connection.execute(f"PRAGMA {pragma}({MAX_SHOWN + 1})")]
    if found != ["ok"]:
        shown = "; ".join(found[:MAX_SHOWN]) + ("; and more" if len(found) > MAX_SHOWN else "")
        problems.append(_damaged(path, f"SQLite's {pragma.replace('_', ' ')} found: {shown}"))
    return problems


# -- PostgreSQL --------------------------------------------------------------------------------
def _check_postgresql(db: Database) -> list[str]:
    where = db.describe() + (f" (schema {db.schema})" if db.schema else "")
    try:
        with db.engine.connect() as connection:
            has_version = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
            revision = (connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                        if has_version else None)
    except Exception as exc:  # the server is down, refuses us, or the URL is wrong
        orig = getattr(exc, "orig", None) or exc
        first = (str(orig).strip().splitlines() or [exc.__class__.__name__])[0]
        return [f"{where} cannot be reached: {first}. Check that the server is running and that "
                "the URL (--db or PAPERLESS_IG_DB) is right."]
    problem = revision_problem(where, revision)
    return [problem] if problem else []


# -- either ------------------------------------------------------------------------------------
def check(db: Database, *, quick_check: bool = True, full: bool = False,
          header_only: bool = False) -> list[str]:
    """What is wrong with ``db`` (empty: nothing found). See the module notes for the levels.

    ``header_only`` reads the file's first bytes and size without opening a second SQLite
    connection: what every command does before its engine opens the file (a plain
    connection opened and closed beside a killed writer's leftovers was seen to leave
    another process reading an old snapshot).
    """
    if not db.is_sqlite:
        return _check_postgresql(db)
    path = sqlite_path(db)
    if not path:
        return []
    return check_sqlite_file(path, quick_check=quick_check, full=full, header_only=header_only)


def require_healthy(db: Database, *, quick_check: bool = True, header_only: bool = False) -> None:
    """Raise ``DatabaseProblem`` (one message, with what to do) when ``check`` finds anything."""
    problems = check(db, quick_check=quick_check, header_only=header_only)
    if problems:
        raise DatabaseProblem(problems)
