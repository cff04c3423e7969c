"""Telling a database that cannot be reached from one that refuses the work."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from paperless_ig.domain.errors import Conflict
from paperless_ig.services.connection import database_unreachable
from paperless_ig.store.database import Database


def test_only_an_unreachable_database_counts_as_an_outage(tmp_path):
    """GIVEN errors a desk can meet THEN only those that say 'cannot reach' keep the scan."""
    refused = OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused"))
    shut_down = OperationalError("SELECT 1", {}, psycopg.errors.AdminShutdown("terminating"))
    deadlock = OperationalError("UPDATE boxes", {}, psycopg.errors.DeadlockDetected("deadlock"))
    duplicate = IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate"))
    dropped = OperationalError("SELECT 1", {}, psycopg.errors.QueryCanceled("timeout"))
    dropped.connection_invalidated = True  # the pool found the connection dead
    assert database_unreachable(refused) and database_unreachable(shut_down)
    assert database_unreachable(dropped)
    assert not database_unreachable(deadlock) and not database_unreachable(duplicate)
    assert not database_unreachable(Conflict("that box was changed at another desk"))
    assert not database_unreachable(RuntimeError("a bug"))

    gone = Database(str(tmp_path / "share" / "paperless-ig.sqlite3"))
    (tmp_path / "share").rename(tmp_path / "moved")  # the network share went away
    with pytest.raises(OperationalError) as raised:
        gone.engine.connect()
    gone.dispose()
    assert database_unreachable(raised.value)
