"""decision IAO: the Information Asset Owner's login as it stood when the batch was made

Naming a team's IAO applies to batches made after it: a login set on a team
later cannot approve boxes already waiting in a batch.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: no copy-and-move of the table on SQLite.
    op.add_column("disposal_decisions", sa.Column("iao_login", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE disposal_decisions SET iao_login = (SELECT teams.iao_login FROM boxes "
        "JOIN teams ON teams.id = boxes.team_id WHERE boxes.id = disposal_decisions.box_id)")


def downgrade() -> None:
    with op.batch_alter_table("disposal_decisions", schema=None) as batch_op:
        batch_op.drop_column("iao_login")
