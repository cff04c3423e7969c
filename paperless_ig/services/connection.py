"""Whether a failure means the database cannot be reached, or is its answer to the work.

A desk keeps a scan it could not send and tries again later when the
database is away (a PostgreSQL server that went down, a network share that
vanished); a refusal from a live database is shown at once. Telling the two
apart means reading SQLAlchemy's and the drivers' error codes: a service's
work, so the window asks here and imports no database library.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# SQLite primary result codes that mean the file itself is gone or unreadable.
_SQLITE_CANTOPEN, _SQLITE_IOERR = 14, 10
# PostgreSQL: the server shut down, crashed, or is still starting.
_PG_SERVER_GONE = ("57P01", "57P02", "57P03")


def database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached, rather than refusing the work.

    A connection the pool found dead is flagged ``connection_invalidated``. A
    fresh connection that cannot be made has no SQLSTATE at all (psycopg
    raises it on the client side), or one of class 08 (connection exception)
    or 57P0x (server shut down). Deadlocks, serialisation failures, locks and
    constraint errors are answers from a live database, not outages.
    """
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlite_code = getattr(orig, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in (_SQLITE_CANTOPEN, _SQLITE_IOERR)
    if orig is None or not isinstance(exc, OperationalError | InterfaceError):
        return False
    state = getattr(orig, "sqlstate", None)
    return state is None or state.startswith("08") or state in _PG_SERVER_GONE
