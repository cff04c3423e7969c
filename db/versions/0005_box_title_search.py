"""box title search: full-text index over box titles

SQLite: an FTS5 table kept in step by triggers on ``boxes``. NOTE for later
migrations: a batch (copy-and-move) alteration of ``boxes`` on SQLite drops
these triggers; such a migration must create them again (see ``TRIGGERS``).
PostgreSQL: an expression GIN index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 06:20:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TRIGGERS = (
    "CREATE TRIGGER boxes_search_insert AFTER INSERT ON boxes BEGIN "
    "INSERT INTO box_search(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER boxes_search_delete AFTER DELETE ON boxes BEGIN "
    "INSERT INTO box_search(box_search, rowid, title) VALUES ('delete', old.id, old.title); END",
    "CREATE TRIGGER boxes_search_update AFTER UPDATE OF title ON boxes BEGIN "
    "INSERT INTO box_search(box_search, rowid, title) VALUES ('delete', old.id, old.title); "
    "INSERT INTO box_search(rowid, title) VALUES (new.id, new.title); END",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE box_search USING fts5("
                   "title, content='boxes', content_rowid='id', tokenize='porter unicode61')")
        op.execute("INSERT INTO box_search(box_search) VALUES ('rebuild')")
        for trigger in TRIGGERS:
            op.execute(trigger)
    else:
        op.execute("CREATE INDEX ix_boxes_title_fts ON boxes USING gin (to_tsvector('english', title))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("boxes_search_insert", "boxes_search_delete", "boxes_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS box_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_boxes_title_fts")
