"""Alembic environment: runs on the connection paperless-ig hands it.

SQLite cannot ALTER most things, so migrations render in batch mode there.
"""

from alembic import context

from paperless_ig.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'paperless-ig db upgrade'")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
