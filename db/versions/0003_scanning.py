"""scanning: batch resume key, page order and cover barcodes, full-text search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 05:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scan_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_scan_batches_source_key"), ["source_key"], unique=False)
    with op.batch_alter_table("scan_pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("cover_barcode", sa.String(length=60), nullable=True))
    with op.batch_alter_table("scan_pages", schema=None) as batch_op:
        batch_op.alter_column("position", server_default=None)

    if op.get_bind().dialect.name == "sqlite":
        # FTS5 over the pages' text, kept in step by the OCR pipeline (external content).
        op.execute("CREATE VIRTUAL TABLE page_search USING fts5("
                   "text, content='scan_pages', content_rowid='id', tokenize='porter unicode61')")
    else:
        op.execute("CREATE INDEX ix_scan_pages_fts ON scan_pages "
                   "USING gin (to_tsvector('english', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS page_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_scan_pages_fts")
    with op.batch_alter_table("scan_pages", schema=None) as batch_op:
        batch_op.drop_column("cover_barcode")
        batch_op.drop_column("position")
    with op.batch_alter_table("scan_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scan_batches_source_key"))
        batch_op.drop_column("finished_at")
        batch_op.drop_column("source_key")
