"""Programmatic Alembic: the CLI, the tests and the container all migrate through here."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from app.core.config import get_settings
from app.core.resources import resource_dir


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
    """Migrate, then fill derived tables a new revision introduced (the ledger's shares)."""
    command.upgrade(alembic_config(url), revision)
    if revision == "head":
        from sqlmodel import Session

        from app.core.db import build_engine
        from app.finance.ledger.recompute import build_if_missing

        engine = build_engine(url or get_settings().effective_database_url)
        try:
            with Session(engine) as session:
                if build_if_missing(session):
                    session.commit()
        finally:
            engine.dispose()


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
