"""Create or migrate a database with the Alembic scripts in ``db/``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from paperless_ig.paths import project_dir
from paperless_ig.store.database import Database


def migrations_dir() -> Path:
    """``db/`` beside the package (a checkout or an editable install) or in the bundle."""
    folder = project_dir() / "db"
    if not (folder / "env.py").exists():
        raise RuntimeError(f"migrations folder not found: {folder}")
    return folder


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    with db.engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return ScriptDirectory.from_config(config).get_current_head()


def needs_upgrade(db: Database) -> bool:
    return current_revision(db) != head_revision()
