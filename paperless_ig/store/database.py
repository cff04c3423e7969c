"""Engines and units of work.

``Database`` owns one engine. Services open a unit of work with
``db.write()`` (a transaction that will change something) or ``db.read()``.
On SQLite a write begins ``IMMEDIATE`` so that two processes never both read
the audit chain's head and then race to extend it; every connection gets WAL,
a busy timeout and enforced foreign keys.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from paperless_ig.domain.errors import BadInput

APP_NAME = "paperless-ig"
ENV_DB = "PAPERLESS_IG_DB"
BUSY_TIMEOUT_MS = 15000
URL_FORMS = ("a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE")


def data_dir() -> Path:
    """The user's data folder (overridable for tests and portable installs)."""
    override = os.environ.get("PAPERLESS_IG_DATA")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_url() -> str:
    return os.environ.get(ENV_DB) or f"sqlite:///{data_dir() / 'paperless-ig.sqlite3'}"


def _normalise_url(url: str) -> str:
    """Accept a bare path as a SQLite file, and plain postgresql:// as psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


# SQLite files this process has opened through SQLite. On POSIX, closing *any* descriptor of a
# file drops every lock the process holds on it, so once SQLite has the file open nothing in
# this process may open it by other means: the next program to close its own connection would
# think it the last, checkpoint and delete the WAL the app is still writing to. Never emptied:
# a file once opened stays SQLite's alone for the life of the process.
_OPENED_BY_SQLITE: set[str] = set()


def opened_by_sqlite(path: str | os.PathLike) -> bool:
    """True when this process has (or had) SQLite connections to ``path``."""
    return os.path.realpath(path) in _OPENED_BY_SQLITE


def note_sqlite_open(path: str | os.PathLike) -> None:
    """Record that SQLite opened ``path`` here (for connections made outside ``Database``)."""
    _OPENED_BY_SQLITE.add(os.path.realpath(path))


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    database = make_url(url).database

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        if database and database != ":memory:" and not database.startswith("file:"):
            note_sqlite_open(database)
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _parse_url(url: str):
    try:
        parsed = make_url(url)
    except Exception:
        raise BadInput(f"database URL {url!r} is not understood: give {URL_FORMS}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise BadInput(f"database URL {_shown(parsed)!r} is not one paperless-ig can use: give "
                       f"{URL_FORMS}")
    return parsed


def _shown(parsed) -> str:
    """The URL as it may be printed: never its password."""
    return parsed.render_as_string(hide_password=True)


def _make_engine(url: str, dialect: str, database: str | None, schema: str | None):
    """The engine and the bind for writes (SQLite writes begin IMMEDIATE)."""
    if dialect == "sqlite":
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = _sqlite_engine(url)
        return engine, engine.execution_options(sqlite_begin="IMMEDIATE")
    # A server that silently drops traffic must not freeze a desk for minutes:
    # give up connecting after a few seconds and notice dead links.
    connect_args: dict = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30,
                          "keepalives_interval": 10, "keepalives_count": 3}
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    return engine, engine


class Database:
    """One database, its engine and its units of work."""

    def __init__(self, url: str | None = None, *, schema: str | None = None) -> None:
        self.url = _normalise_url(url or default_url())
        parsed = _parse_url(self.url)
        self.dialect = parsed.get_backend_name()
        self.schema = schema
        try:
            self.engine, write_bind = _make_engine(self.url, self.dialect, parsed.database, schema)
        except (NoSuchModuleError, ArgumentError):
            raise BadInput(f"database URL {_shown(parsed)!r} is not understood: give {URL_FORMS}") from None
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(write_bind, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def describe(self) -> str:
        """A short, password-free name for the status bar."""
        parsed = make_url(self.url)
        if self.is_sqlite:
            return f"SQLite {parsed.database}"
        return f"PostgreSQL {parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work that changes data: commits on success, rolls back on error."""
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
