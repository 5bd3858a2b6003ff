"""Programmatic Alembic: the CLI, the tests and the container all migrate through here."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from app.config import get_settings
from app.resources import resource_dir


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Alembic configuration pointing at our migrations folder, wherever it is installed."""
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(slug)s")
    config.set_main_option("sqlalchemy.url", url or get_settings().effective_database_url)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
