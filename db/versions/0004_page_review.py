"""page review: pages filed by hand, and who reviewed them

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 05:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scan_pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manual_box", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("scan_pages", schema=None) as batch_op:
        batch_op.alter_column("manual_box", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("scan_pages", schema=None) as batch_op:
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("manual_box")
