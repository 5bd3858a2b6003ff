"""Database engine, metadata naming convention and the per-request unit of work."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import declared_attr
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from app.core.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every table shares this metadata; constraint names are stable across SQLite and PostgreSQL,
# which keeps migrations reviewable and lets batch mode on SQLite find the constraints again.
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata


# How long a SQLite connection waits for another writer's lock before giving up ("database is
# locked"); concurrent status reports queue up instead of failing.
SQLITE_BUSY_TIMEOUT_SECONDS = 15
# Execution option marking a unit of work that will write (see _sqlite_begin).
WRITE_INTENT = "ikz_write_intent"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling neither begins a transaction for SAVEPOINT nor lets
    # SQLAlchemy control BEGIN, so a released savepoint would commit for real; hand the
    # transaction control to SQLAlchemy (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor it them
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that reads first and writes later cannot wait for the write lock:
    # when another writer committed meanwhile, SQLite fails at once with "database is locked"
    # (the busy timeout does not apply). Units of work that will write take the lock up front
    # and so wait their turn.
    immediate = connection.get_execution_options().get(WRITE_INTENT, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def build_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys enforced and a parent folder that exists."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {
            "check_same_thread": False,
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        }
        database = parsed.database
        if database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().effective_database_url)


@lru_cache
def get_write_engine() -> Engine:
    """The same engine (and pool) for units of work that will write: on SQLite they begin
    with ``BEGIN IMMEDIATE``; elsewhere nothing changes."""
    return get_engine().execution_options(**{WRITE_INTENT: True})


class Versioned:
    """Optimistic locking for tables people edit.

    SQLAlchemy adds ``WHERE version = <loaded>`` to every UPDATE and bumps the column, so two
    concurrent edits can never both win; services compare the version a form was based on first
    and answer 409 with the current values.
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
