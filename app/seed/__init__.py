"""Seed loader: the YAML files in seed/ become rows, in one transaction, idempotently.

The folder is read and checked completely first (app.seed.reader, app.seed.checks); only a seed
without errors reaches the database (app.seed.writer). A second run finds every row by its natural
key with the same values and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from app import listeners
from app.core.config import ConfigurationError, get_settings
from app.core.context import set_actor
from app.core.resources import resource_dir
from app.seed.checks import check
from app.seed.council_writer import CouncilWriter
from app.seed.errors import SeedError
from app.seed.indicator_writer import write_indicators
from app.seed.reader import SeedFiles, read_directory
from app.seed.risk_writer import write_risks
from app.seed.writer import SeedReport, SeedWriter

__all__ = ["SeedError", "SeedReport", "read_seed", "run_seed"]

SEED_ACTOR = "Seed"


def read_seed(directory: Path | None = None) -> SeedFiles:
    """Parse, validate and cross-check a seed folder without touching the database."""
    files = read_directory(directory or resource_dir("seed"))
    check(files)
    return files


def run_seed(
    *,
    engine: Engine,
    directory: Path | None = None,
    demo_users: bool = False,
    demo_password: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Load the seed folder into the database in one transaction.

    Raises SeedError (nothing written) when a file is wrong, and ConfigurationError when demo
    users are requested in production mode.
    """
    settings = get_settings()
    if demo_users and settings.is_production:
        raise ConfigurationError(
            "Demo-Benutzer sind im Produktivbetrieb (IKZ_ENV=production) nicht erlaubt."
        )
    if progress is not None:
        progress("Seed-Dateien prüfen")
    files = read_seed(directory)
    listeners.install()
    with Session(engine) as session:
        set_actor(session, actor_id=None, actor_name=SEED_ACTOR)
        try:
            writer = SeedWriter(session, progress)
            writer.municipalities(files)
            strategies = writer.strategies(files)
            writer.measures(files, strategies)
            writer.funding(files)
            writer.haushalt(files)
            measures = [m for _file, content in files.measures for m in content.measures]
            CouncilWriter(writer).write(files, measures)
            write_risks(writer, files, {m.code: m.lead for m in measures})
            write_indicators(writer, files.indicators)
            if demo_users:
                if progress is not None:
                    progress("Demo-Benutzer")
                from app.accounts.demo import ensure_demo_users

                writer.report.demo_users = ensure_demo_users(
                    session, password=demo_password or settings.demo_password
                )
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return writer.report
