"""Open a database for work: the file or server checked first, then migrated.

One way for the command line and the window alike. The check reads only what it can
before anything is written (a damaged file must reach ``db restore`` untouched); the full
page-by-page check is the caller's to run when it can afford it.
"""

from __future__ import annotations

from paperless_ig.store import integrity, migrate
from paperless_ig.store.database import Database


def open_database(url: str | None, *, upgrade: bool = True) -> Database:
    """The database at ``url`` (or the default), checked, then migrated to this version's schema.

    Raises ``integrity.DatabaseProblem`` for a damaged or foreign file, a newer schema or an
    unreachable server, and ``BadInput`` for a URL that cannot be understood.
    """
    db = Database(url)
    try:
        integrity.require_healthy(db, quick_check=False, header_only=True)
        if upgrade and migrate.needs_upgrade(db):
            migrate.upgrade(db)
    except BaseException:
        db.dispose()
        raise
    return db
