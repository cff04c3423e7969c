"""drop settings: a key-value table nothing ever read or wrote

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("settings")


def downgrade() -> None:
    op.create_table("settings",
                    sa.Column("key", sa.String(length=100), nullable=False),
                    sa.Column("value", sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")))
