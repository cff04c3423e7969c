"""Shared fixtures: real databases, fast.

SQLite: the schema is built once from the migrations and the file is copied
per test. PostgreSQL (when ``PAPERLESS_IG_TEST_PG_URL`` is set): one schema per
test run, built from the migrations, emptied between tests and dropped at
the end. With ``PAPERLESS_IG_REQUIRE_PG`` set (CI), a PostgreSQL test that
would skip fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from sqlalchemy import create_engine, text

from paperless_ig.domain import clock
from paperless_ig.store import migrate
from paperless_ig.store.database import Database

PG_URL = os.environ.get("PAPERLESS_IG_TEST_PG_URL")
REQUIRE_PG = bool(os.environ.get("PAPERLESS_IG_REQUIRE_PG"))
ADMIN = "alice"  # the first user of every test database, hence its admin
SEEDED_TABLES = ("audit_head", "counters")


def pytest_addoption(parser):
    parser.addoption(
        "--today", metavar="YYYY-MM-DD", default=None, type=date.fromisoformat,
        help="run the suite with the app's clock on this day (default: the system date)")


@pytest.fixture(autouse=True, scope="session")
def _app_clock(request):
    """One day for the whole run, for this process and every CLI it starts.

    The day is fixed once (a run that crosses midnight keeps one today) and
    can be moved with ``--today`` to prove nothing depends on the real date.
    """
    day = request.config.getoption("--today") or date.today()
    clock.set_today(day)
    os.environ[clock.ENV_VAR] = day.isoformat()
    yield day
    clock.set_today(None)
    os.environ.pop(clock.ENV_VAR, None)


@pytest.fixture
def today(_app_clock) -> date:
    """The app's today for this run: data that must be "recent" or "due" is made from it."""
    return _app_clock


@pytest.fixture
def set_today(_app_clock, monkeypatch):
    """Move the app's clock (this process and its CLI children) for one test."""

    def move(day: date) -> None:
        clock.set_today(day)
        monkeypatch.setenv(clock.ENV_VAR, day.isoformat())

    yield move
    clock.set_today(_app_clock)


@pytest.fixture(autouse=True, scope="session")
def _data_dir(tmp_path_factory):
    """Keep every test away from the real user data folder."""
    folder = tmp_path_factory.mktemp("data")
    os.environ["PAPERLESS_IG_DATA"] = str(folder)
    os.environ.pop("PAPERLESS_IG_DB", None)
    return folder


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(str(path))
    migrate.upgrade(db)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def sqlite_db(sqlite_template, tmp_path) -> Database:
    path = tmp_path / "paperless-ig.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(str(path))
    yield db
    db.dispose()


def _pg_unavailable(reason: str):
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required here but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_schema():
    if not PG_URL:
        _pg_unavailable("PAPERLESS_IG_TEST_PG_URL is not set")
    schema = f"pig_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        _pg_unavailable(f"PostgreSQL at {PG_URL} cannot be reached ({exc.__class__.__name__})")
    db = Database(PG_URL, schema=schema)
    migrate.upgrade(db)
    with db.engine.connect() as connection:
        seeds = {t: [dict(r._mapping) for r in connection.execute(text(f"SELECT * FROM {t}"))]
                 for t in SEEDED_TABLES}
    db.dispose()
    yield schema, seeds
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def pg_db(pg_schema) -> Database:
    schema, seeds = pg_schema
    db = Database(PG_URL, schema=schema)
    yield db
    db.dispose()
    with db.engine.begin() as connection:
        tables = [r[0] for r in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version'"))]
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        for table, rows in seeds.items():
            for row in rows:
                columns = ", ".join(row)
                values = ", ".join(f":{c}" for c in row)
                connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db(request) -> Database:
    """A migrated, empty database: SQLite, then PostgreSQL when configured."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def cli(tmp_path):
    """Run the real ``paperless-ig`` command in a subprocess."""

    def run(*args: str, db: Database | None = None, user: str = ADMIN, check: bool = False,
            env: dict | None = None) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "paperless_ig", *args]
        if db is not None:
            command += ["--db", db.url]
            if db.schema:
                raise ValueError("the CLI fixture runs on SQLite files")
        command += ["--user", user]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                                env={**os.environ, **(env or {})}, cwd=tmp_path)
        if check and result.returncode != 0:
            raise AssertionError(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    return run
