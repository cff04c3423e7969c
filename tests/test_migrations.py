"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from paperless_ig.store import migrate
from paperless_ig.store.models import Base

# Full-text search lives outside the models: FTS5 tables (and their shadow
# tables) on SQLite, expression indexes on PostgreSQL.
SEARCH_OBJECTS = ("page_search", "ix_scan_pages_fts", "box_search", "ix_boxes_title_fts")


def _not_search(obj, name, type_, reflected, compare_to) -> bool:
    return not (name or "").startswith(SEARCH_OBJECTS)


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _not_search})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_database_is_at_head_and_upgrade_is_idempotent(db):
    assert migrate.current_revision(db) == migrate.head_revision()
    assert not migrate.needs_upgrade(db)
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision()


def test_a_new_sqlite_file_is_created_and_migrated(tmp_path):
    from paperless_ig.store.database import Database

    db = Database(str(tmp_path / "sub" / "new.sqlite3"))
    assert migrate.needs_upgrade(db)
    migrate.upgrade(db)
    assert not migrate.needs_upgrade(db)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()
