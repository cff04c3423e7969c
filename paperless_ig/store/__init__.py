"""Persistence: SQLAlchemy models, engine and sessions, migrations, paged queries."""
